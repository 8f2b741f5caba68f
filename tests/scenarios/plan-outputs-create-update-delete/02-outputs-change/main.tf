resource "terraform_data" "x" {
  input = "x"
}

output "kept" {
  value = "same"
}

output "changed" {
  value = "after"
}

output "added" {
  value = { name = "new", size = 3 }
}

output "list_changed" {
  value = ["a", "c", "d"]
}
