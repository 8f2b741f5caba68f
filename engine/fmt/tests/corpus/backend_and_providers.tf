terraform {
backend "s3" {
bucket = "my-bucket"
key = "state/terraform.tfstate"
region = "us-east-1"
encrypt = true
dynamodb_table = "locks"
}
}
provider "aws" {
alias = "west"
region = "us-west-2"
assume_role {
role_arn = "arn:aws:iam::123456789012:role/x"
}
}
provider "google" {
  project     = "p"
  region      = "r"
}
