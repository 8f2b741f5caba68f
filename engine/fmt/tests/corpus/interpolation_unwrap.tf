resource "a" "b" {
  simple = "${var.x}"
  with_text = "prefix-${var.x}"
  two = "${var.x}${var.y}"
  call = "${lookup(var.map, "key")}"
  nested_tpl = "${format("%s-%s", var.a, "${var.b}")}"
  literal_only = "${"literal"}"
  multi = "${
    var.x
  }"
  spaced = "${ var.x }"
  strip = "${~var.x~}"
  cond = "${var.a ? "x" : "y"}"
  math = "${1 + 2}"
  in_list = ["${var.x}"]
  in_obj = { k = "${var.x}" }
  directive = "%{if var.x}y%{endif}"
  block {
    inner = "${var.inner}"
  }
}
