variable "env" {
  type    = string
  default = "dev"
}

variable "replicas" {
  type    = number
  default = 2
}

variable "tags" {
  type = map(string)
  default = {
    team = "core"
  }
}

locals {
  name      = "app-${var.env}"
  is_prod   = var.env == "prod"
  all_tags  = merge(var.tags, { env = var.env })
  instances = [for i in range(var.replicas) : "${local.name}-${i}"]
}

resource "terraform_data" "app" {
  input = {
    name      = local.name
    prod      = local.is_prod
    tags      = local.all_tags
    instances = local.instances
  }
}

output "name" {
  value = local.name
}

output "instances" {
  value = local.instances
}
