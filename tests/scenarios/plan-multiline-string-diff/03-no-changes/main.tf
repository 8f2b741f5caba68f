resource "local_file" "config" {
  filename = "out/app.conf"
  content  = <<-EOT
    [server]
    host = 0.0.0.0
    port = 9090
    workers = 4
    timeout = 30

    [log]
    level = info
  EOT
}

resource "terraform_data" "notes" {
  input = <<-EOT
    [server]
    host = 0.0.0.0
    port = 9090
    workers = 4
    timeout = 30

    [log]
    level = info
  EOT
}
