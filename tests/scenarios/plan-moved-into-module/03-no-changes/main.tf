module "thing" {
  source = "./modules/thing"
}

moved {
  from = null_resource.thing
  to   = module.thing.null_resource.thing
}
