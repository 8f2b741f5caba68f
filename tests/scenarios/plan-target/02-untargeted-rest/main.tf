resource "null_resource" "base" {
  triggers = {
    name = "base"
  }
}

resource "null_resource" "app" {
  triggers = {
    base = null_resource.base.id
  }
}

resource "null_resource" "unrelated" {
  triggers = {
    name = "unrelated"
  }
}

output "app_id" {
  value = null_resource.app.id
}
