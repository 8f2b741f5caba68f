resource "terraform_data" "before" {
  input = "in-child"
}
