variable "a" {
  type = string # the type
  default = "x" # the default
  description = "a long description here" # what it is
  sensitive = false
  nullable = true # separated by one line without comment

  validation {
    condition = length(var.a) > 0 # must be set
    error_message = "Must be set." # message
  }
}
locals {
  one = 1   # c1
  three = 333 # c3

  # standalone
  twenty = 20 # c20
  x = [ # open
    1, # one
  ]   # close
}
