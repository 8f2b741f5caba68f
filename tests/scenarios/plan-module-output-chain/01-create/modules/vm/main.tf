variable "network" {
  type = string
}

resource "null_resource" "vm" {
  triggers = {
    network = var.network
  }
}

output "vm_id" {
  value = null_resource.vm.id
}
