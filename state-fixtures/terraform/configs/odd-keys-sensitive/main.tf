terraform {
  required_providers {
    null = { source = "hashicorp/null", version = "2.1.2" }
  }
}
variable "pw" {
  default   = "hunter2"
  sensitive = true
}
resource "null_resource" "odd" {
  for_each = toset(["quote\"d", "dollar$${x}", "dot.ted", "space d", "ünï"])
  triggers = { k = each.key, pw = var.pw }
}
resource "null_resource" "many" {
  count = 12
}
output "pw" {
  value     = { nested = var.pw, list = [1, 2] }
  sensitive = true
}
