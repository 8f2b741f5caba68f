resource "a" "b" {}
resource "a" "c" {
}
resource "a" "d" {   }
resource "a" "e" {

}
locals {}
terraform {
  backend "s3" {}
  required_providers {
  }
}
