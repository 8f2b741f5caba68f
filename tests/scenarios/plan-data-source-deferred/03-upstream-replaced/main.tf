resource "null_resource" "a" {
  triggers = {
    version = "2"
  }
}

data "null_data_source" "after_a" {
  inputs = {
    a_id = null_resource.a.id
    tag  = "v2"
  }
}

resource "terraform_data" "consumer" {
  input = data.null_data_source.after_a.outputs["tag"]
}

output "a_id_from_data" {
  value = data.null_data_source.after_a.outputs["a_id"]
}
