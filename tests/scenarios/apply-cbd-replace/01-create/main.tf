resource "null_resource" "a" {
  triggers = {
    version = "1"
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "null_resource" "dependent" {
  triggers = {
    a = null_resource.a.id
  }
}
