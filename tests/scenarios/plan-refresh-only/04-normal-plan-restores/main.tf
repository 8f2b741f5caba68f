resource "local_file" "managed" {
  filename = "managed.txt"
  content  = "configured content\n"
}

resource "terraform_data" "checksum" {
  input = local_file.managed.content_sha1
}
