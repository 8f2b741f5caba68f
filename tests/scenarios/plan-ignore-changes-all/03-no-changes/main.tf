resource "null_resource" "frozen" {
  triggers = {
    version = "3"
  }

  lifecycle {
    ignore_changes = all
  }
}

resource "terraform_data" "frozen" {
  input            = "3"
  triggers_replace = "3"

  lifecycle {
    ignore_changes = all
  }
}
