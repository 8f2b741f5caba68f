locals {
  plain = <<EOF
  keep   this    spacing   
	tabs	too
${var.x}   and ${ var.y }
EOF
  indented = <<-EOT
    indented heredoc
      more ${ upper("x") } here
    %{ if var.enabled }enabled%{ endif }
    EOT
  after = 1
  crlf_like = "x"
}
resource "x" "y" {
  user_data = <<-USERDATA
  #!/bin/bash
  echo "hello" > /tmp/x # not a comment
  USERDATA
  policy = jsonencode({
    a = <<EOF
inner
EOF
  })
  z = 2
}
