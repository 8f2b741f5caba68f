resource "null_resource" "keep" {
  triggers = {
    name = "keep"
  }
}

resource "null_resource" "gone" {
  triggers = {
    name = "gone"
  }
}

resource "terraform_data" "gone_too" {
  input = "bye"
}
