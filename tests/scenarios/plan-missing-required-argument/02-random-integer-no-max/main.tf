resource "random_integer" "n" {
  min = 1
}
