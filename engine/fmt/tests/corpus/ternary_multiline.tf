locals {
  value = (
    var.a
    ? "yes"
    : "no"
  )
  other = var.b ? {
    x = 1
  } : {
    x = 2
  }
  chained = var.a ? 1 : var.b ? 2 : var.c ? 3 : 4
}
