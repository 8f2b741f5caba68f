locals {
  ternary = "${var.a
    ? "x"
  : "y"}"
  already_parens = "${(var.a +
  var.b)}"
  object = "${ {
    k = 1
  } }"
  trimmed_only = "${

    var.single

  }"
  comment_newline = "${var.a # note
  }"
}
