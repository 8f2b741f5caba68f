resource "null_resource" "frozen" {
  triggers = {
    version = "1"
  }

  lifecycle {
    ignore_changes = all
  }
}

resource "terraform_data" "frozen" {
  input            = "1"
  triggers_replace = "1"

  lifecycle {
    ignore_changes = all
  }
}
