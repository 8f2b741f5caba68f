resource "null_resource" "thing" {
  triggers = {
    name = "thing"
  }
}

output "id" {
  value = null_resource.thing.id
}
