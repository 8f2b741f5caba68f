module "web" {
  source = "./modules/web"
  count  = 1

  name = "web-${count.index}"
}

output "names" {
  value = module.web[*].name
}
