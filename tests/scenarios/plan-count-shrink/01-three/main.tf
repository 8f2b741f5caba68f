resource "null_resource" "web" {
  count = 3

  triggers = {
    index = count.index
    name  = "web-${count.index}"
  }
}

output "names" {
  value = [for r in null_resource.web : r.triggers.name]
}
