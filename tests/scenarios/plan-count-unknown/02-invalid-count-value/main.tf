resource "null_resource" "many" {
  count = -1
}
