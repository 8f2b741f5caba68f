data "local_fil" "a" {
  filename = "x"
}
