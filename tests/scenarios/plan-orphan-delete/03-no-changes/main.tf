resource "null_resource" "keep" {
  triggers = {
    name = "keep"
  }
}
