resource "null_resource" "base" {
  triggers = {
    name = "base"
  }
}

resource "null_resource" "skipped" {
  triggers = {
    name = "skipped"
  }
}

resource "null_resource" "needs_skipped" {
  triggers = {
    skipped = null_resource.skipped.id
  }
}

resource "null_resource" "needs_base" {
  triggers = {
    base = null_resource.base.id
  }
}
