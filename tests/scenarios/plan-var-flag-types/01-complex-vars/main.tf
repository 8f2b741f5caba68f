variable "zones" {
  type = list(string)
}

variable "limits" {
  type = map(number)
}

variable "enabled" {
  type = bool
}

resource "terraform_data" "typed" {
  input = {
    zones   = var.zones
    limits  = var.limits
    enabled = var.enabled
  }
}
