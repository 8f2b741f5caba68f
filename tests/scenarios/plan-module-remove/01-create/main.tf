resource "null_resource" "root" {
}

module "app" {
  source = "./modules/web"

  name = "app"
}

module "workers" {
  source = "./modules/web"
  count  = 2

  name = "worker-${count.index}"
}

output "app" {
  value = module.app.name
}
