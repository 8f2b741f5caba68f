variable "a" {
  type = "string"
}
variable "b" {
  type = "list"
}
variable "c" {
  type = "map"
}
variable "d" {
  type = list
}
variable "e" {
  type = map
}
variable "f" {
  type = set
}
variable "g" {
  type = "set"
}
variable "h" {
  type = "bool"
}
variable "i" {
  type = list(string)
}
variable "j" {
  type    = "${string}"
  default = "${var.other}"
}
variable "k" { type = "string" }
variable "l" {
  type = object({ a = string, b = list(number) })
}
variable "m" {
  nested {
    type = "string"
  }
}
locals {
  type = "string"
}
module "x" {
  type = map
}
