resource "null_resourc" "a" {
}
