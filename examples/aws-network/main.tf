# One environment of the platform on AWS: the network (modules/aws-network) across two
# availability zones, two application instances in the private subnets from an AMI lookup, and
# the document and audit buckets, each versioned, encrypted, closed to the public and with a
# lifecycle for old versions.
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

resource "aws_s3_bucket" "documents" {
  for_each = toset(["invoices", "audit-logs"])

  bucket = "${local.name}-${each.key}"
  tags   = { Name = "${local.name}-${each.key}" }
}

resource "aws_s3_bucket_versioning" "documents" {
  for_each = aws_s3_bucket.documents

  bucket = each.value.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "documents" {
  for_each = aws_s3_bucket.documents

  bucket = each.value.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "documents" {
  for_each = aws_s3_bucket.documents

  bucket                  = each.value.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "documents" {
  for_each = aws_s3_bucket.documents

  bucket = each.value.id

  rule {
    id     = "expire-old-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = each.key == "audit-logs" ? 2555 : 90
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  # Lifecycle rules on a versioned bucket only make sense once versioning is on.
  depends_on = [aws_s3_bucket_versioning.documents]
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
  value = { for k, b in aws_s3_bucket.documents : k => b.bucket }
}

output "ami_id" {
  value = data.aws_ami.ubuntu.id
}
