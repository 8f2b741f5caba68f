resource "null_resource" "node" {
  count = 3

  triggers = {
    index = count.index
  }
}
