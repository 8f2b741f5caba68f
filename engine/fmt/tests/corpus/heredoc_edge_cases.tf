locals {
  in_call = f(<<EOF
body
EOF
  )
  in_list = [<<EOF
body
EOF
  , "b"]
  empty = <<EOF
EOF
  indented_marker = <<EOF
   not the end: EOF
   EOF   
  after = 2
  directives = <<-EOT
    %{ for x in var.list ~}
    item ${ x }
    %{~ endfor }
    EOT
  interp_spanning = <<EOF
${a +
 b}
EOF
  object_interp = <<EOF
  ${ {a=1} }
EOF
}
