variable "secret" {
  type      = string
  default   = "hunter2"
  sensitive = true
}

output "leak" {
  value = "password is ${var.secret}"
}
