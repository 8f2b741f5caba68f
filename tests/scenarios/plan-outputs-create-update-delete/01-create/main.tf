resource "terraform_data" "x" {
  input = "x"
}

output "kept" {
  value = "same"
}

output "changed" {
  value = "before"
}

output "removed" {
  value = terraform_data.x.output
}

output "list_changed" {
  value = ["a", "b"]
}
