variable "users" {
  type    = list(string)
  default = ["bob", "carol"]
}

resource "terraform_data" "user" {
  for_each = toset(var.users)

  input = {
    name = each.key
    home = "/home/${each.value}"
  }
}

output "homes" {
  value = sort([for u in terraform_data.user : u.output.home])
}
