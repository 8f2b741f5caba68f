resource "null_resource" "a" {
  triggers = {
    version = "1"
    stable  = "same"
  }
}

resource "null_resource" "b" {
  triggers = {
    stable = "same"
  }
}
