resource "local_file" "broken" {
  filename = "blocker.txt/out.txt"
  content  = "payload"
}

resource "terraform_data" "after_broken" {
  input = local_file.broken.id
}

resource "null_resource" "independent" {
  triggers = {
    name = "independent"
  }
}

resource "terraform_data" "also_independent" {
  input = "fine"
}
