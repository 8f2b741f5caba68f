resource "null_resource" "partial" {
  triggers = {
    watched = "w2"
    ignored = "i3"
  }

  lifecycle {
    ignore_changes = [triggers["ignored"]]
  }
}

resource "terraform_data" "input_ignored" {
  input            = "i3"
  triggers_replace = "t2"

  lifecycle {
    ignore_changes = [input]
  }
}
