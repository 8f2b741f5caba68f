resource "null_resource" "db" {
  triggers = {
    version = "2"
  }

  lifecycle {
    prevent_destroy = true
  }
}

resource "null_resource" "other" {
}
