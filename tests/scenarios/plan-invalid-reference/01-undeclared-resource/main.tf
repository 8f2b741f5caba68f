resource "null_resource" "a" {
  triggers = {
    b = null_resource.b.id
  }
}
