resource "nothing_here" "a" {
}
