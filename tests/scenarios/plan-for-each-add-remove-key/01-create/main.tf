resource "null_resource" "svc" {
  for_each = {a = "80", b = "81"}

  triggers = {
    name = each.key
    port = each.value
  }
}

output "ports" {
  value = { for k, r in null_resource.svc : k => r.triggers.port }
}
