resource "local_file" "config" {
  filename = "out/app.conf"
  content  = <<-EOT
    [server]
    host = 0.0.0.0
    port = 8080
    workers = 4

    [log]
    level = info
  EOT
}

resource "terraform_data" "notes" {
  input = <<-EOT
    [server]
    host = 0.0.0.0
    port = 8080
    workers = 4

    [log]
    level = info
  EOT
}
