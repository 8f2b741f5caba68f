

  
# first comment after blanks
a=1
