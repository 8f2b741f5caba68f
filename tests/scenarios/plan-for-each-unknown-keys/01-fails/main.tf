resource "null_resource" "a" {
}

resource "terraform_data" "per_id" {
  for_each = toset([null_resource.a.id])

  input = each.key
}
