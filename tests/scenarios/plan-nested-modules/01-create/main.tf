module "outer" {
  source = "./modules/outer"

  env = "dev"
}

output "label" {
  value = module.outer.inner_label
}
