resource "terraform_data" "svc" {
  for_each = {a = "alpha", b = "beta"}

  input = {
    name = each.value
  }
}
