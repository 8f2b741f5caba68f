resource "terraform_data" "app" {
  input = {
    version = "1.1"
    port    = 8080
  }
}

resource "time_sleep" "settle" {
  create_duration = "2ms"
}

resource "null_resource" "unrelated" {
  triggers = {
    fixed = "yes"
  }
}
