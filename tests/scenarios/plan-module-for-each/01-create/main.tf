module "web" {
  source   = "./modules/web"
  for_each = {blue = 1, green = 2}

  name = each.key
  size = each.value
}

output "names" {
  value = { for k, m in module.web : k => m.name }
}
