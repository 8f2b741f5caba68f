resource "null_resource" "a" {
  triggers = {
    version = "2"
    stable  = "same"
  }
}

resource "null_resource" "b" {
  triggers = {
    stable = "same"
  }
}
