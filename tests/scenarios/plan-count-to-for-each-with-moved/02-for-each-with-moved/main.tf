locals {
  zones = {
    a = "zone-0"
    b = "zone-1"
  }
}

resource "terraform_data" "zone" {
  for_each = local.zones

  input = each.value
}

moved {
  from = terraform_data.zone[0]
  to   = terraform_data.zone["a"]
}

moved {
  from = terraform_data.zone[1]
  to   = terraform_data.zone["b"]
}
