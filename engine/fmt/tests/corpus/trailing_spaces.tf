resource "a" "b" {   
  x = 1    
  yy = "two"	 
   
  # comment with trailing   
  z = [   
    1,   
  ]  
}   
