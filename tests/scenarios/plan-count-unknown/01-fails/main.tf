resource "random_integer" "n" {
  min = 1
  max = 3
}

resource "null_resource" "many" {
  count = random_integer.n.result
}
