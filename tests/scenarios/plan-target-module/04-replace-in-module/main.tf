resource "null_resource" "root" {
}

module "a" {
  source = "./modules/web"

  name = "a"
}

module "b" {
  source = "./modules/web"

  name = "b"
}
