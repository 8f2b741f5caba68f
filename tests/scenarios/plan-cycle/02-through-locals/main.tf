locals {
  x = terraform_data.t.output
}

resource "terraform_data" "t" {
  input = local.x
}
