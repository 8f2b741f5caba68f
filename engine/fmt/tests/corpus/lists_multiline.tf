locals {
  list = [
  "a",
      "b",
    "c"
  ]
  inline = [ 1,2 ,3 ]
  trailing = [
    1,
    2,
  ]
  nested = [[1, 2], [ 3, 4 ], [
    5,
    6]]
  empty = [ ]
  mixed = [
    { a = 1 },
    { b = 2,
      c = 3 },
  ]
  start_on_line = [1,
    2,
  3]
}
