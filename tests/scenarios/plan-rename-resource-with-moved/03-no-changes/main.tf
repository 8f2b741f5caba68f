resource "null_resource" "new_name" {
  triggers = {
    v = "1"
  }
}

moved {
  from = null_resource.old_name
  to   = null_resource.new_name
}

resource "terraform_data" "user" {
  input = null_resource.new_name.id
}
