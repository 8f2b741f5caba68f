module "outer" {
  source = "./modules/outer"

  env = "prod"
}

output "label" {
  value = module.outer.inner_label
}
