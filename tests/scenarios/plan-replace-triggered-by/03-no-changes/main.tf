resource "terraform_data" "source" {
  input = "v2"
}

resource "terraform_data" "steady" {
  input = "steady"
}

resource "terraform_data" "follower" {
  input = "follower"

  lifecycle {
    replace_triggered_by = [terraform_data.source]
  }
}

resource "terraform_data" "attr_follower" {
  input = "attr"

  lifecycle {
    replace_triggered_by = [terraform_data.source.output]
  }
}

resource "null_resource" "not_triggered" {
  lifecycle {
    replace_triggered_by = [terraform_data.steady]
  }
}
