# A first look at infra with nothing but offline providers: names and an address plan for the
# platform's dev environment, a random suffix, and a rendered settings file.

terraform {
  required_providers {
    random = {
      source = "hashicorp/random"
    }
    local = {
      source = "hashicorp/local"
    }
    null = {
      source = "hashicorp/null"
    }
  }
}

variable "environment" {
  type        = string
  description = "The environment to lay out."
  default     = "dev"
}

variable "network" {
  type = object({
    cidr_block = string
    zones      = optional(list(string), ["eu-west-1a"])
  })
  description = "The environment's address range and availability zones."
  default = {
    cidr_block = "10.10.0.0/16"
  }
}

module "names" {
  source      = "../../modules/naming"
  environment = var.environment
  service     = "invoice-service"
}

module "layout" {
  source     = "../../modules/network-layout"
  cidr_block = var.network.cidr_block
  zones      = var.network.zones
}

resource "random_pet" "suffix" {
  length = 2
}

resource "local_file" "settings" {
  filename = "${path.module}/out/${module.names.prefix}.json"
  content = jsonencode({
    name    = "${module.names.prefix}-${random_pet.suffix.id}"
    tags    = module.names.tags
    subnets = module.layout.private_subnets
  })
  file_permission = "0644"
}

resource "null_resource" "announce" {
  triggers = {
    settings = local_file.settings.content
  }
}

output "prefix" {
  value = module.names.prefix
}

output "private_subnets" {
  value = module.layout.private_subnets
}

output "settings_file" {
  value = local_file.settings.filename
}
