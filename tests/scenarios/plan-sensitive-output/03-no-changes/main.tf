variable "secret" {
  type      = string
  default   = "hunter3"
  sensitive = true
}

resource "null_resource" "uses_secret" {
  triggers = {
    name   = "app"
    secret = var.secret
  }
}

resource "terraform_data" "whole_secret" {
  input = var.secret
}

resource "random_password" "db" {
  length  = 16
  special = false
}

resource "local_file" "creds" {
  filename          = "out/creds.txt"
  sensitive_content = "user=admin password=${var.secret}"
}

output "secret" {
  value     = var.secret
  sensitive = true
}

output "password" {
  value     = random_password.db.result
  sensitive = true
}

output "not_secret" {
  value = null_resource.uses_secret.triggers["name"]
}
