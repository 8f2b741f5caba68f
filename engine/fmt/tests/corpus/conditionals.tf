locals {
  a = var.x?1:2
  b = var.x ? "yes" : "no"
  c = var.x == null ? -1 : var.x
  d = var.a>0&&var.b<10 ? "in" : "out"
  e = (var.a ? var.b : var.c) ? 1 : 0
  f = var.a ? (var.b ? 1 : 2) : 3
  g = var.enabled ? {a=1} : {}
  h = var.list != [] ? var.list[0] : null
}
