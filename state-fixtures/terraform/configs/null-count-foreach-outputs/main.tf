terraform {
  required_providers {
    null = { source = "hashicorp/null", version = "2.1.2" }
  }
}
resource "null_resource" "counted" {
  count = 3
  triggers = { i = count.index }
}
resource "null_resource" "each" {
  for_each = toset(["a", "b", "c d"])
  triggers = { k = each.key }
}
resource "null_resource" "dep" {
  triggers = { x = null_resource.counted[0].id }
}
output "s" { value = "hello" }
output "n" { value = 42 }
output "b" { value = true }
output "l" { value = [1, 2, 3] }
output "t" { value = ["a", 1, true] }
output "m" { value = { a = "x", b = "y" } }
output "o" { value = { name = "x", n = 1 } }
output "secret" {
  value     = "pw"
  sensitive = true
}
output "nul" { value = null }
output "setv" { value = toset(["x","y"]) }
output "lst" { value = tolist(["p","q"]) }
output "mp" { value = tomap({a = 1}) }
output "nested" { value = { l = [ { a = 1 } ] } }
