terraform {
  required_providers {
    null = { source = "hashicorp/null", version = "2.1.2" }
  }
}
provider "null" {
  alias = "second"
}
module "single" {
  source = "./modules/child"
  name   = "single"
  secret = "s3cret"
}
module "many" {
  source   = "./modules/child"
  for_each = { x = "ex", y = "why" }
  name     = each.value
  secret   = "pw-${each.key}"
}
module "counted" {
  source = "./modules/child"
  count  = 2
  name   = "c${count.index}"
  secret = "c"
}
resource "null_resource" "aliased" {
  provider = null.second
  triggers = { m = module.single.id }
}
resource "null_resource" "victim" {}
data "null_data_source" "top" {
  inputs = { a = "b" }
}
output "ids" {
  value = { for k, m in module.many : k => m.id }
}
output "top" { value = data.null_data_source.top.outputs }
