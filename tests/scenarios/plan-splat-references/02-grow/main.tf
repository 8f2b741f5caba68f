resource "null_resource" "node" {
  count = 3

  triggers = {
    name = "node-${count.index}"
  }
}

resource "terraform_data" "roster" {
  input = null_resource.node[*].triggers.name
}

resource "null_resource" "cluster" {
  triggers = {
    node_ids = join(",", null_resource.node[*].id)
  }
}

output "names" {
  value = null_resource.node[*].triggers.name
}

output "count" {
  value = length(null_resource.node[*].id)
}
