variable "prefix" {
  type = string
}

resource "terraform_data" "name" {
  input = "${var.prefix}-net"
}

output "network" {
  value = terraform_data.name.output
}
