resource "null_resource" "partial" {
  triggers = {
    watched = "w1"
    ignored = "i2"
  }

  lifecycle {
    ignore_changes = [triggers["ignored"]]
  }
}

resource "terraform_data" "input_ignored" {
  input            = "i2"
  triggers_replace = "t1"

  lifecycle {
    ignore_changes = [input]
  }
}
