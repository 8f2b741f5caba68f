resource "null_resource" "a" {
  triggers = {
    name = "a"
  }
}
