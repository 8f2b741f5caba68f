resource "terraform_data" "after" {
  input = "in-child"
}

moved {
  from = terraform_data.before
  to   = terraform_data.after
}
