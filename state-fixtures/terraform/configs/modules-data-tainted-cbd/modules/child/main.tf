terraform {
  required_providers {
    null = { source = "hashicorp/null" }
  }
}
variable "name" { type = string }
variable "secret" {
  type      = string
  sensitive = true
}
resource "null_resource" "inner" {
  triggers = { name = var.name, secret = var.secret }
  lifecycle { create_before_destroy = true }
}
data "null_data_source" "info" {
  inputs = { name = var.name }
}
output "id" { value = null_resource.inner.id }
