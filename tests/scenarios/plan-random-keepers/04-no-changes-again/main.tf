resource "random_integer" "port" {
  min  = 1000
  max  = 9999
  seed = "s1"

  keepers = {
    rotation = "2024-02"
  }
}

resource "random_password" "db" {
  length  = 20
  special = false

  keepers = {
    rotation = "2024-02"
  }
}

resource "terraform_data" "port_user" {
  input = random_integer.port.result
}

output "port" {
  value = random_integer.port.result
}
