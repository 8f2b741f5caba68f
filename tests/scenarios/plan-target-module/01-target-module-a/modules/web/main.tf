variable "name" {
  type = string
}

resource "null_resource" "server" {
  triggers = {
    name = var.name
  }
}

resource "terraform_data" "config" {
  input = var.name
}
