resource "null_resource" "a" {
  triggers = {
    name = "alpha"
  }
}

resource "terraform_data" "b" {
  input = {
    name     = "beta"
    replicas = 2
    enabled  = true
  }
}

resource "local_file" "c" {
  filename        = "out/c.txt"
  content         = "gamma"
  file_permission = "0644"
}

resource "time_sleep" "d" {
  create_duration = "1ms"
}
