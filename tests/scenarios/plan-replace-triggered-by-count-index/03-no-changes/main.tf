resource "terraform_data" "source" {
  count = 2

  input = count.index == 1 ? "v2" : "fixed"
}

resource "null_resource" "follower" {
  count = 2

  lifecycle {
    replace_triggered_by = [terraform_data.source[count.index].output]
  }
}
