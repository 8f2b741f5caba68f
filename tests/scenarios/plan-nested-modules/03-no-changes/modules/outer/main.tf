variable "env" {
  type = string
}

module "inner" {
  source = "./inner"

  label = "${var.env}-inner"
}

resource "null_resource" "outer" {
  triggers = {
    env = var.env
  }
}

output "inner_label" {
  value = module.inner.label
}
