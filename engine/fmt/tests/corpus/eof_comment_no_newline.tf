a = 1
bb = 2 # trailing at eof