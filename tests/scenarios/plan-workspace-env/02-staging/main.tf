resource "terraform_data" "app" {
  input = "app-${terraform.workspace}"
}

resource "null_resource" "only_outside_default" {
  count = terraform.workspace == "default" ? 0 : 1
}

output "workspace" {
  value = terraform.workspace
}
