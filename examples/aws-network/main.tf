# One environment of the platform on AWS: the network (modules/aws-network) across two
# availability zones, two application instances in the private subnets from an AMI lookup, and
# the invoices, audit-logs and (at the disaster-recovery site) backups buckets
# (modules/secure-bucket: versioned, encrypted, closed to the public, old versions expiring).
#
# Against the local AWS emulator (what the tests do):
#   AWS_ENDPOINT_URL=http://127.0.0.1:5000 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test \
#     infra apply -var s3_use_path_style=true -var name_prefix=demo

variable "environment" {
  type        = string
  description = "The environment: dev, test, staging, prod or dr."
  default     = "dev"

  validation {
    condition     = contains(["dev", "test", "staging", "prod", "dr"], var.environment)
    error_message = "The environment must be one of dev, test, staging, prod or dr."
  }
}

variable "region" {
  type        = string
  description = "The AWS region (eu-west-1 for every environment but dr, which is eu-central-1)."
  default     = "eu-west-1"
}

variable "dr_region" {
  type        = string
  description = "The disaster-recovery site's region, where the backups bucket lives."
  default     = "eu-central-1"
}

variable "cidr_block" {
  type        = string
  description = "The environment's network range, a /16."
  default     = "10.10.0.0/16"
}

variable "bastion_cidr" {
  type        = string
  description = "The range SSH is allowed from."
  default     = "10.10.250.0/24"
}

variable "name_prefix" {
  type        = string
  description = "Prefix of every name; bucket names are global, so it makes them unique."
  default     = "scf"
}

variable "instance_type" {
  type        = string
  description = "The application instances' type."
  default     = "t3.micro"
}

variable "s3_use_path_style" {
  type        = bool
  description = "Address buckets by path (needed by S3 emulators)."
  default     = false
}

provider "aws" {
  region            = var.region
  s3_use_path_style = var.s3_use_path_style

  default_tags {
    tags = {
      environment = var.environment
      owner       = "platform"
      cost-center = "scf-0001"
      managed-by  = "infra"
    }
  }
}

# The disaster-recovery site.
provider "aws" {
  alias             = "dr"
  region            = var.dr_region
  s3_use_path_style = var.s3_use_path_style

  default_tags {
    tags = {
      environment = var.environment
      owner       = "platform"
      cost-center = "scf-0001"
      managed-by  = "infra"
    }
  }
}

locals {
  name = "${var.name_prefix}-${var.environment}"
}

data "aws_availability_zones" "available" {
  state = "available"
}

module "network" {
  source       = "../../modules/aws-network"
  name         = local.name
  cidr_block   = var.cidr_block
  zones        = slice(sort(data.aws_availability_zones.available.names), 0, 2)
  bastion_cidr = var.bastion_cidr
}

data "aws_ami" "ubuntu" {
  most_recent = true
  owners      = ["099720109477"]

  filter {
    name   = "name"
    values = ["ubuntu/images/hvm-ssd/ubuntu-*-amd64-server-*"]
  }

  filter {
    name   = "architecture"
    values = ["x86_64"]
  }
}

resource "aws_instance" "app" {
  count = 2

  ami                    = data.aws_ami.ubuntu.id
  instance_type          = var.instance_type
  subnet_id              = values(module.network.private_subnet_ids)[count.index]
  vpc_security_group_ids = [module.network.security_group_ids.app]
  tags                   = { Name = "${local.name}-app-${count.index}" }
}

# The documents buckets in the environment's region, the backups bucket at the disaster-recovery
# site (through the aliased provider configuration).
module "documents" {
  source   = "../../modules/secure-bucket"
  for_each = { invoices = 90, audit-logs = 2555 }

  name                    = "${local.name}-${each.key}"
  noncurrent_version_days = each.value
}

module "backups" {
  source = "../../modules/secure-bucket"
  providers = {
    aws = aws.dr
  }

  name                    = "${local.name}-backups"
  noncurrent_version_days = 35
}

output "vpc_id" {
  value = module.network.vpc_id
}

output "subnet_ids" {
  value = {
    public  = module.network.public_subnet_ids
    private = module.network.private_subnet_ids
  }
}

output "security_group_ids" {
  value = module.network.security_group_ids
}

output "instance_ids" {
  value = aws_instance.app[*].id
}

output "bucket_names" {
  value = merge(
    { for k, b in module.documents : k => b.id },
    { backups = module.backups.id },
  )
}

output "ami_id" {
  value = data.aws_ami.ubuntu.id
}
