resource "a" "b" {
  name="crlf"
    count = 1 # comment
  // other
  list = [
  1,
  2
  ]
  doc = <<EOF
  body line
EOF
}

