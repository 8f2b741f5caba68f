locals {
  greeting = "Hello, ${ var.name }!"
  cond = "%{ if var.x }yes%{ else }no%{ endif }"
  loop = "%{ for ip in var.ips }${ ip },%{ endfor }"
  strip = "${~ var.a ~}"
  escaped = "$${not_interp} %%{not_directive}"
  nested = "outer ${ "inner ${ var.z }" } done"
  heredoc_tpl = <<EOT
%{ for name in var.names ~}
server ${name}
%{ endfor ~}
%{~ if var.last }last%{ endif }
EOT
  math = "${ 1+2 } and ${ var.a*3 }"
  obj = "${ { a = 1 } }"
  adjacent = "${a}${b}%{if c}d%{endif}"
}
