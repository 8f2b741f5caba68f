resource "null_resource" "a" {
  triggers = {
    b = null_resource.b.id
  }
}

resource "null_resource" "b" {
  triggers = {
    a = null_resource.a.id
  }
}
