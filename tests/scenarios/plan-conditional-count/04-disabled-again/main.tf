variable "enabled" {
  type    = bool
  default = false
}

resource "null_resource" "optional" {
  count = var.enabled ? 1 : 0

  triggers = {
    name = "optional"
  }
}

resource "null_resource" "always" {
}

output "optional_id" {
  value = var.enabled ? null_resource.optional[0].id : "disabled"
}
