variable "size" {
  type    = number
  default = 2
}

resource "terraform_data" "sized" {
  input = var.size

  lifecycle {
    precondition {
      condition     = var.size <= 3
      error_message = "The size must be at most 3."
    }
  }
}

output "size" {
  value = terraform_data.sized.output

  precondition {
    condition     = var.size > 0
    error_message = "The size must be positive."
  }
}
