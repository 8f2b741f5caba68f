  name = "prod"   # the name
long_variable_name = 1
x=[ {a=1}, {b=2} ]
map_of_lists = {
  a = [1,2]
  bb = [3]
}
