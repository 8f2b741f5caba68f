resource "terraform_data" "zone" {
  count = 2

  input = "zone-${count.index}"
}
