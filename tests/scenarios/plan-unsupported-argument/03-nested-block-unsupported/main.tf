resource "terraform_data" "a" {
  dynamic "setting" {
    for_each = ["x"]
    content {
      name = setting.value
    }
  }
}
