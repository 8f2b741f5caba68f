locals {
  a = {
    x: 1,
    yy: 2,
    "z z": 3
  }
  b = { x: 1, y: 2 }
  c = {
    one = 1,
    two = 2,
  }
  d = {
    "key with spaces" = 1
    k = 2
  }
}
