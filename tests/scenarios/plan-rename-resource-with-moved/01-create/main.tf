resource "null_resource" "old_name" {
  triggers = {
    v = "1"
  }
}

resource "terraform_data" "user" {
  input = null_resource.old_name.id
}
