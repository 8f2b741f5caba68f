variable "needed" {
  type = string
}

resource "terraform_data" "x" {
  input = var.needed
}
