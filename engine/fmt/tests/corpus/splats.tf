output "ids" {
  value = aws_instance.web.*.id
}
output "ids2" {
  value = aws_instance.web[*].id
}
output "nested" {
  value = var.list[ * ].a.b [0]
}
output "legacy" {
  value = var.obj.0.name
}
output "index" {
  value = var.map [ "key" ] [ 0 ]
}
output "call_index" {
  value = element(var.list, 0)[1]
}
output "paren_index" {
  value = (var.list)[0]
}
output "string_index" {
  value = "abc" [0]
}
