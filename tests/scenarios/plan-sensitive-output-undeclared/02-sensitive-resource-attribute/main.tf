resource "random_password" "db" {
  length = 16
}

output "password" {
  value = random_password.db.result
}
