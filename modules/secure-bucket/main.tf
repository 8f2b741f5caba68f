# One S3 bucket as the platform's compliance rules want every bucket: versioned, encrypted,
# closed to the public, and with a lifecycle that expires old versions. The bucket's region is
# the provider configuration's: pass `providers = { aws = aws.dr }` for the disaster-recovery
# site.

terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

variable "name" {
  type        = string
  description = "The bucket's name (global across AWS)."

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.name))
    error_message = "A bucket name is 3 to 63 lower-case letters, digits, dots or dashes, starting and ending with a letter or digit."
  }
}

variable "noncurrent_version_days" {
  type        = number
  description = "Days an overwritten or deleted version is kept before it expires."
  default     = 90
}

variable "tags" {
  type        = map(string)
  description = "Tags for the bucket (the provider's default_tags are added)."
  default     = {}
}

resource "aws_s3_bucket" "this" {
  bucket = var.name
  tags   = merge(var.tags, { Name = var.name })
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire-old-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  # Expiring noncurrent versions only means something once versioning is on.
  depends_on = [aws_s3_bucket_versioning.this]
}

output "id" {
  description = "The bucket's name."
  value       = aws_s3_bucket.this.id
}

output "arn" {
  description = "The bucket's ARN."
  value       = aws_s3_bucket.this.arn
}
