resource "terraform_data" "a" {
  input = var.nope
}

resource "terraform_data" "b" {
  input = terraform_data.a.not_an_attribute
}

output "c" {
  value = local.missing
}
