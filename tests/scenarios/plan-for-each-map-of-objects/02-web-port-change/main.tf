variable "services" {
  type = map(object({
    port     = number
    protocol = string
  }))
  default = {
    web = { port = 8080, protocol = "http" }
    db  = { port = 5432, protocol = "tcp" }
  }
}

resource "terraform_data" "svc" {
  for_each = var.services

  input = "${each.key}:${each.value.protocol}/${each.value.port}"
}

resource "null_resource" "svc" {
  for_each = var.services

  triggers = {
    port = each.value.port
  }
}
