resource "null_resource" "svc" {
  for_each = {b = "81", c = "82"}

  triggers = {
    name = each.key
    port = each.value
  }
}

output "ports" {
  value = { for k, r in null_resource.svc : k => r.triggers.port }
}
