locals {
  tags = {
  Name = "example"
      Environment   = "prod"
  "quoted-key" = 1
  (local.dynamic_key) = 2
  Owner: "team"
  }
  inline = {a=1,b=2, c = 3}
  empty = {}
  empty2 = {   }
  nested = { outer = { inner = { deepest = true } } }
  multi = {
    a = {
      b = 1
      cc = 2
    }
    dd = 3
  }
}
