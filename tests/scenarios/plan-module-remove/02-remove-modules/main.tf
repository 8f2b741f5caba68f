resource "null_resource" "root" {
}
