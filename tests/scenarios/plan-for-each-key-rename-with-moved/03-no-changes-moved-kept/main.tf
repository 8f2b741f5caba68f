resource "terraform_data" "svc" {
  for_each = {a = "alpha", c = "beta"}

  input = {
    name = each.value
  }
}

moved {
  from = terraform_data.svc["b"]
  to   = terraform_data.svc["c"]
}
