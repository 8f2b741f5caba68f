variable "names" {
  type    = list(string)
  default = ["x", "y"]
}

locals {
  prefix = "demo"
}

resource "null_resource" "n" {
  for_each = toset(var.names)

  triggers = {
    name = "${local.prefix}-${each.key}"
  }
}

resource "terraform_data" "t" {
  input = [for k in sort(keys(null_resource.n)) : null_resource.n[k].triggers.name]
}

resource "random_string" "s" {
  length  = 12
  special = false
}

resource "random_pet" "p" {
  length = 2
}

resource "local_file" "f" {
  filename = "out/names.txt"
  content  = join("\n", terraform_data.t.input)
}

output "names" {
  value = terraform_data.t.output
}
