variable "hosts" {
  type = list(string)
}

resource "local_file" "inventory" {
  filename = "out/inventory.ini"
  content = templatefile("${path.module}/inventory.tpl", {
    port  = 80
    hosts = var.hosts
  })
}
