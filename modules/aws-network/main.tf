# One environment's AWS network: a VPC with a public and a private subnet per availability zone
# (ranges from ../network-layout), an internet gateway and a default route for the public
# subnets, a private route table, and the three security groups the platform's rules call for:
# web (HTTPS from anywhere), app (only from web) and admin (SSH only from the bastion range).

terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

variable "name" {
  type        = string
  description = "Name prefix for every object, such as scf-dev."

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))
    error_message = "The name must be 2 to 41 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "cidr_block" {
  type        = string
  description = "The environment's network range, a /16 (10.10.0.0/16 for dev … 10.50.0.0/16 for dr)."
}

variable "zones" {
  type        = list(string)
  description = "Availability zones to spread the subnets over, one to three."
}

variable "bastion_cidr" {
  type        = string
  description = "The only range allowed to reach the admin security group over SSH."

  validation {
    condition     = can(cidrnetmask(var.bastion_cidr)) && var.bastion_cidr != "0.0.0.0/0"
    error_message = "The bastion_cidr must be an IPv4 CIDR block, and not 0.0.0.0/0 (SSH must not be open to the world)."
  }
}

variable "app_port" {
  type        = number
  description = "The port the application tier listens on (reachable from the web tier only)."
  default     = 8080
}

variable "tags" {
  type        = map(string)
  description = "Tags for every object (the provider's default_tags are added to them)."
  default     = {}
}

module "layout" {
  source     = "../network-layout"
  cidr_block = var.cidr_block
  zones      = var.zones
}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr_block
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = merge(var.tags, { Name = var.name })
}

resource "aws_subnet" "public" {
  for_each = module.layout.public_subnets

  vpc_id                  = aws_vpc.this.id
  cidr_block              = each.value
  availability_zone       = each.key
  map_public_ip_on_launch = true
  tags                    = merge(var.tags, { Name = "${var.name}-public-${each.key}", tier = "public" })
}

resource "aws_subnet" "private" {
  for_each = module.layout.private_subnets

  vpc_id            = aws_vpc.this.id
  cidr_block        = each.value
  availability_zone = each.key
  tags              = merge(var.tags, { Name = "${var.name}-private-${each.key}", tier = "private" })
}

resource "aws_internet_gateway" "this" {
  vpc_id = aws_vpc.this.id
  tags   = merge(var.tags, { Name = var.name })
}

resource "aws_route_table" "public" {
  vpc_id = aws_vpc.this.id
  tags   = merge(var.tags, { Name = "${var.name}-public" })
}

resource "aws_route" "internet" {
  route_table_id         = aws_route_table.public.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this.id
}

resource "aws_route_table_association" "public" {
  for_each = aws_subnet.public

  subnet_id      = each.value.id
  route_table_id = aws_route_table.public.id
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.this.id
  tags   = merge(var.tags, { Name = "${var.name}-private" })
}

resource "aws_route_table_association" "private" {
  for_each = aws_subnet.private

  subnet_id      = each.value.id
  route_table_id = aws_route_table.private.id
}

# The web tier, with its rules inline.
resource "aws_security_group" "web" {
  name        = "${var.name}-web"
  description = "HTTPS from anywhere"
  vpc_id      = aws_vpc.this.id

  ingress {
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }

  tags = merge(var.tags, { Name = "${var.name}-web" })
}

# The app and admin tiers, with their rules as separate resources.
resource "aws_security_group" "app" {
  name        = "${var.name}-app"
  description = "Application tier: reachable from the web tier only"
  vpc_id      = aws_vpc.this.id
  tags        = merge(var.tags, { Name = "${var.name}-app" })
}

resource "aws_vpc_security_group_ingress_rule" "app_from_web" {
  security_group_id            = aws_security_group.app.id
  referenced_security_group_id = aws_security_group.web.id
  ip_protocol                  = "tcp"
  from_port                    = var.app_port
  to_port                      = var.app_port
}

resource "aws_vpc_security_group_egress_rule" "app_out" {
  security_group_id = aws_security_group.app.id
  description       = "Anything out"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "-1"
}

resource "aws_security_group" "admin" {
  name        = "${var.name}-admin"
  description = "SSH from the bastion range only"
  vpc_id      = aws_vpc.this.id
  tags        = merge(var.tags, { Name = "${var.name}-admin" })
}

resource "aws_vpc_security_group_ingress_rule" "admin_ssh" {
  security_group_id = aws_security_group.admin.id
  description       = "SSH from the bastion range"
  cidr_ipv4         = var.bastion_cidr
  ip_protocol       = "tcp"
  from_port         = 22
  to_port           = 22
}

output "vpc_id" {
  description = "The VPC's id."
  value       = aws_vpc.this.id
}

output "public_subnet_ids" {
  description = "Public subnet ids by availability zone."
  value       = { for zone, s in aws_subnet.public : zone => s.id }
}

output "private_subnet_ids" {
  description = "Private subnet ids by availability zone."
  value       = { for zone, s in aws_subnet.private : zone => s.id }
}

output "security_group_ids" {
  description = "Security group ids by tier: web, app and admin."
  value = {
    web   = aws_security_group.web.id
    app   = aws_security_group.app.id
    admin = aws_security_group.admin.id
  }
}

output "internet_gateway_id" {
  description = "The internet gateway's id."
  value       = aws_internet_gateway.this.id
}
