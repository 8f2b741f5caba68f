a = 1
x { a = 1 }
bbb = 2

c = { b = 1 }
ddddd = 2

é = 1
ab = 2

obj = {
  a = 1,
  bbb = 2,
  "c d" = 3
  (e) = 4
  f: 5
}
