resource "terraform_data" "bootstrap" {
  input = {
    revision = 2
    list     = ["a", "b"]
    nested = {
      enabled = true
    }
  }
  triggers_replace = ["t2"]
}

resource "terraform_data" "chained" {
  input = terraform_data.bootstrap.output.revision
}

resource "terraform_data" "empty" {
}

output "revision" {
  value = terraform_data.chained.output
}
