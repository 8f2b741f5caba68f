module "web" {
  source = "./modules/web"
  count  = 3

  name = "web-${count.index}"
}

output "names" {
  value = module.web[*].name
}
