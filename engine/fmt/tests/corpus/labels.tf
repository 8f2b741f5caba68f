resource aws_instance web {
}
resource "aws_instance" /* comment between */ "db" {}
resource "aws_instance" "app" /* comment after */ {}
data "x" "\u0041bc" {}
module "with\"quote" {}
thing "has\ttab" "new\nline" {}
thing "dollar$sign" "kept" {}
thing "100%" "other" {}
thing "$" "%" {}
thing "$${" "x" {}
thing "" "empty" {}
thing "é" "ü" {}
locals {}
