module "net" {
  source = "./modules/net"

  prefix = "stage"
}

module "vm" {
  source = "./modules/vm"

  network = module.net.network
}

output "vm_id" {
  value = module.vm.vm_id
}
