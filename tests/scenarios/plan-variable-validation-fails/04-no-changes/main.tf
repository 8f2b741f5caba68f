variable "port" {
  type    = number
  default = 8080

  validation {
    condition     = var.port > 1024 && var.port < 65536
    error_message = "The port must be between 1025 and 65535."
  }
}

variable "env" {
  type    = string
  default = "dev"

  validation {
    condition     = contains(["dev", "prod"], var.env)
    error_message = "The env must be dev or prod."
  }
}

resource "terraform_data" "svc" {
  input = "${var.env}:${var.port}"
}
