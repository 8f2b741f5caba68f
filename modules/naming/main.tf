# Names and tags for one service in one environment of the platform, so every resource is
# named and tagged the same way (the compliance rules require environment, owner and
# cost-center tags on prod and dr resources).

variable "environment" {
  type        = string
  description = "The environment: dev, test, staging, prod or dr."

  validation {
    condition     = contains(["dev", "test", "staging", "prod", "dr"], var.environment)
    error_message = "The environment must be one of dev, test, staging, prod or dr."
  }
}

variable "service" {
  type        = string
  description = "The service or component the resources belong to, in lower-case kebab form."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.service))
    error_message = "The service name must be 2 to 31 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "owner" {
  type        = string
  description = "The team that owns the resources."
  default     = "platform"
}

variable "cost_center" {
  type        = string
  description = "The cost center the resources are billed to."
  default     = "scf-0001"
}

variable "extra_tags" {
  type        = map(string)
  description = "More tags to merge into the standard ones (standard tags win)."
  default     = {}
}

locals {
  prefix = "scf-${var.environment}-${var.service}"
  standard_tags = {
    environment = var.environment
    owner       = var.owner
    cost-center = var.cost_center
    managed-by  = "infra"
  }
}

output "prefix" {
  description = "The name prefix for the service's resources."
  value       = local.prefix
}

output "tags" {
  description = "The tags every resource of the service carries."
  value       = merge(var.extra_tags, local.standard_tags)
}

output "is_production" {
  description = "Whether the environment holds production data (prod and its DR site)."
  value       = contains(["prod", "dr"], var.environment)
}
