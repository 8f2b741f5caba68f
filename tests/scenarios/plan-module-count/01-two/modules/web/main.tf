variable "name" {
  type = string
}

variable "size" {
  type    = number
  default = 1
}

resource "null_resource" "server" {
  triggers = {
    name = var.name
  }
}

resource "terraform_data" "config" {
  input = {
    name = var.name
    size = var.size
  }
}

output "server_id" {
  value = null_resource.server.id
}

output "name" {
  value = var.name
}
