data "local_file" "missing" {
  filename = "does-not-exist.txt"
}

output "content" {
  value = data.local_file.missing.content
}
