resource "null_resource" "a" {
  id = "mine"
}
