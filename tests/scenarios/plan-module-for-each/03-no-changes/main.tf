module "web" {
  source   = "./modules/web"
  for_each = {green = 3, red = 1}

  name = each.key
  size = each.value
}

output "names" {
  value = { for k, m in module.web : k => m.name }
}
