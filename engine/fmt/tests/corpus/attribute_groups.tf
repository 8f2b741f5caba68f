locals {
  a = 1
  bb = {
    c = 1
  }
  ddd = 3
  eeee = [1,
    2]
  f = 5
  gg = <<EOF
text
EOF
  hhh = 6
  i = "${x}" # unwrapped then aligned
  jjjjjjjj = 8
}
