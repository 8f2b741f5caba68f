# Golden-corpus prelude: literal locals that cases may reference.
# Keep every value a literal (no function calls, no references).
locals {
  str        = "hello"
  empty_str  = ""
  num        = 42
  neg        = -7
  frac       = 3.5
  t          = true
  f          = false
  nothing    = null
  list       = ["a", "b", "c"]
  nums       = [1, 2, 3]
  mixed      = ["a", 1, true]
  dup        = ["b", "a", "b", "c", "a"]
  empty_list = []
  empty_map  = {}
  map        = { a = 1, b = 2 }
  smap       = { z = "last", a = "first", m = "middle" }
  obj = {
    name = "x"
    tags = { env = "dev" }
  }
  nested = [
    { name = "a", ports = [80, 443] },
    { name = "b", ports = [22] },
  ]
  users = {
    alice = { role = "admin", age = 31 }
    bob   = { role = "dev", age = 25 }
    carol = { role = "dev", age = 40 }
  }
  with_null = ["a", null, "c"]
  lists     = [[1, 2], [3], []]
  unicode   = "héllo wörld ☃"
}
