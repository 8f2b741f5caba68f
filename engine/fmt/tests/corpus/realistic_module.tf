terraform {
  required_version = ">= 1.0"
  required_providers {
    aws = {
      source = "hashicorp/aws"
      version = "~> 3.0"
    }
    random = {
    source  = "hashicorp/random"
    version = ">= 3.1.0"
    }
  }
}

provider "aws" {
region = var.region
  default_tags {
  tags = local.common_tags
  }
}

variable "region" {
  description = "AWS region"
  type = string
  default = "us-east-1"
}

variable "instance_count" {
  type    = number
  default = 2
  validation {
    condition = var.instance_count > 0 && var.instance_count <= 10
    error_message = "Instance count must be between 1 and 10."
  }
}

locals {
  common_tags = {
    Project = "infra"
    ManagedBy = "terraform"
  }
  name_prefix = "${var.environment}-app"
  subnets = cidrsubnets(var.vpc_cidr, 4, 4, 8)
}

data "aws_ami" "ubuntu" {
  most_recent = true
  owners = ["099720109477"]

  filter {
    name = "name"
    values = ["ubuntu/images/hvm-ssd/ubuntu-focal-20.04-amd64-server-*"]
  }
}

resource "aws_instance" "app" {
  count = var.instance_count
  ami = data.aws_ami.ubuntu.id
  instance_type = var.instance_type
  subnet_id = element(aws_subnet.private[*].id, count.index)

  tags = merge(local.common_tags, {
    Name = "${local.name_prefix}-${count.index}"
  })

  lifecycle {
    create_before_destroy = true
    ignore_changes = [tags["LastModified"]]
  }

  depends_on = [aws_internet_gateway.gw]
}

module "vpc" {
  source = "./modules/vpc"
  cidr = var.vpc_cidr
  azs = slice(data.aws_availability_zones.available.names, 0, 3)
  private_subnets = [for i, az in local.azs : cidrsubnet(var.vpc_cidr, 8, i)]
  enable_nat = var.environment == "prod" ? true : false
}

output "instance_ips" {
  value = aws_instance.app[*].private_ip
  description = "Private IPs"
}

output "by_az" {
  value = {
    for inst in aws_instance.app :
    inst.availability_zone => inst.id...
  }
}
