resource "time_sleep" "wait" {
  create_duration = "1ms"

  triggers = {
    rev = "2"
  }
}

resource "terraform_data" "after_wait" {
  input      = "after"
  depends_on = [time_sleep.wait]
}
