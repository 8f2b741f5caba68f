resource "null_resource" "a" {
  trigers = {
    a = "b"
  }
}
