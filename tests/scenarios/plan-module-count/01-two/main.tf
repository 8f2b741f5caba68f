module "web" {
  source = "./modules/web"
  count  = 2

  name = "web-${count.index}"
}

output "names" {
  value = module.web[*].name
}
