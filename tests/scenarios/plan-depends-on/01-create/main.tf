resource "null_resource" "first" {
  triggers = {
    version = "1"
  }
}

resource "terraform_data" "second" {
  input      = "second"
  depends_on = [null_resource.first]
}

resource "null_resource" "third" {
  depends_on = [terraform_data.second]
}

data "null_data_source" "after_first" {
  inputs = {
    label = "after-first"
  }

  depends_on = [null_resource.first]
}

output "label" {
  value = data.null_data_source.after_first.outputs["label"]
}
