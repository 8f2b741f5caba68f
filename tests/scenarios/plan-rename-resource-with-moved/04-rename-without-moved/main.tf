resource "null_resource" "other_name" {
  triggers = {
    v = "1"
  }
}

resource "terraform_data" "user" {
  input = null_resource.other_name.id
}
