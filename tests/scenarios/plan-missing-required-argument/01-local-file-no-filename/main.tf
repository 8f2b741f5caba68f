resource "local_file" "f" {
  content = "x"
}
