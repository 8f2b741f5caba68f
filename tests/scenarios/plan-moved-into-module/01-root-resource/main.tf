resource "null_resource" "thing" {
  triggers = {
    name = "thing"
  }
}
