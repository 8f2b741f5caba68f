resource "null_resource" "a" {
  triggers = {
    name = "a"
  }
}

resource "terraform_data" "b" {
  input = null_resource.a.id
}

resource "null_resource" "many" {
  count = 2
}

output "b" {
  value = terraform_data.b.output
}
