resource "terraform_data" "svc" {
  for_each = {a = "alpha", c = "beta"}

  input = {
    name = each.value
  }
}
