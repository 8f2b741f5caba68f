resource "terraform_data" "lower" {
  input = 10
}

resource "random_integer" "pick" {
  min  = terraform_data.lower.output
  max  = 20
  seed = "fixed"
}

resource "terraform_data" "uses_pick" {
  input = random_integer.pick.result
}
