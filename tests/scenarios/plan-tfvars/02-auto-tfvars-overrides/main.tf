variable "region" {
  type = string
}

variable "size" {
  type    = number
  default = 1
}

variable "extra" {
  type    = string
  default = "none"
}

resource "terraform_data" "cfg" {
  input = {
    region = var.region
    size   = var.size
    extra  = var.extra
  }
}
