resource "null_resource" "a" {
}

resource "terraform_data" "b" {
  input = {
    a_id  = null_resource.a.id
    label = "fixed"
  }
}

resource "null_resource" "c" {
  triggers = {
    a_id  = null_resource.a.id
    b_out = jsonencode(terraform_data.b.output)
    label = "fixed"
  }
}

resource "random_id" "r" {
  byte_length = 4
}

output "a_id" {
  value = null_resource.a.id
}

output "r_hex_upper" {
  value = upper(random_id.r.hex)
}

output "mixed" {
  value = {
    known   = "yes"
    unknown = null_resource.a.id
  }
}
