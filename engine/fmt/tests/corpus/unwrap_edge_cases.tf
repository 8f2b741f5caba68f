resource "a" "b" {
  escaped_quotes = "\"${x}\""
  paren = "${(x)}"
  trailing_text = "${x
}y"
  in_ternary = true ? "${x}" : "y"
  dollar_after = "${x}$"
  percent_after = "${x}%"
  escaped_after = "${x}$${y}"
  list_multiline = "${[
1]}"
}
