resource "null_resource" "a" {
  triggers = {
    name = "a"
  }
}

resource "null_resource" "b" {
  count = 2
}

resource "terraform_data" "c" {
  input = "c"

  lifecycle {
    create_before_destroy = true
  }
}
