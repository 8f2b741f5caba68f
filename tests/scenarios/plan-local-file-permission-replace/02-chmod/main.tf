resource "local_file" "script" {
  filename        = "out/run.sh"
  content         = "#!/bin/sh\necho hi\n"
  file_permission = "0755"
}
