# The address plan of one environment's network: public and private subnets per availability
# zone carved out of the environment's /16 (10.10/16 dev … 10.50/16 dr). Pure computation, so
# the AWS network module and the plan checks agree on the same ranges.

variable "cidr_block" {
  type        = string
  description = "The environment's network range, a /16."

  validation {
    condition     = can(cidrnetmask(var.cidr_block)) && endswith(var.cidr_block, "/16")
    error_message = "The cidr_block must be an IPv4 /16 such as 10.40.0.0/16."
  }
}

variable "zones" {
  type        = list(string)
  description = "Availability zone names, one to three."

  validation {
    condition     = length(var.zones) >= 1 && length(var.zones) <= 3
    error_message = "Give between one and three availability zones."
  }
}

locals {
  # /20 public subnets from the bottom of the range, /19 private subnets from the middle.
  public = {
    for i, zone in var.zones : zone => cidrsubnet(var.cidr_block, 4, i)
  }
  private = {
    for i, zone in var.zones : zone => cidrsubnet(var.cidr_block, 3, i + 4)
  }
}

output "public_subnets" {
  description = "Public subnet CIDR by availability zone."
  value       = local.public
}

output "private_subnets" {
  description = "Private subnet CIDR by availability zone."
  value       = local.private
}

output "gateway_addresses" {
  description = "The first usable address of each private subnet, by zone."
  value       = { for zone, cidr in local.private : zone => cidrhost(cidr, 1) }
}
