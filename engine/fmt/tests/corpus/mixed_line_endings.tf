a = 1
bb = 2
cc = 3
# comment
block {
  x=1
}
