locals {
  a = max( 1 , 2 , 3 )
  b = concat(var.a,var.b)
  c = merge(
    var.tags,
    {
      Name = "x"
    },
  )
  d = format("%s-%s",
    var.a,
  var.b)
  e = jsonencode( {
    key = "value"
  } )
  f = coalesce(var.x...)
  g = length( [for x in var.l : x] )
  h = lookup(var.m, "k", null)
  i = file("${path.module}/file.txt")
  j = templatefile("${path.module}/t.tpl", { name = var.name, port = 80 })
  k = try(var.a.b, "default")
  l = upper (var.s)
}
