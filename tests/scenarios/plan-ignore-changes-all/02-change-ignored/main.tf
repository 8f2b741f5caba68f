resource "null_resource" "frozen" {
  triggers = {
    version = "2"
  }

  lifecycle {
    ignore_changes = all
  }
}

resource "terraform_data" "frozen" {
  input            = "2"
  triggers_replace = "2"

  lifecycle {
    ignore_changes = all
  }
}
