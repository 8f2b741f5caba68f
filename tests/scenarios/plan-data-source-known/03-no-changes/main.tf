data "local_file" "greeting" {
  filename = "greeting.txt"
}

data "null_data_source" "static" {
  inputs = {
    region = "eu-west-1"
  }
}

resource "terraform_data" "uses_data" {
  input = {
    greeting = trimspace(data.local_file.greeting.content)
    region   = data.null_data_source.static.outputs["region"]
  }
}

output "greeting" {
  value = trimspace(data.local_file.greeting.content)
}

output "sha1" {
  value = data.local_file.greeting.id
}
