resource "null_resource" "db" {
  triggers = {
    version = "1"
  }

  lifecycle {
    prevent_destroy = true
  }
}

resource "null_resource" "other" {
}
