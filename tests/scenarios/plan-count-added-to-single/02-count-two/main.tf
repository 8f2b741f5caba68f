resource "null_resource" "a" {
  count = 2

  triggers = {
    name = "a"
  }
}
