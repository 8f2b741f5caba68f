resource "a" "b" {}
x { a = 1 }
y {a=1}
z   {   b   =   [1,2]   }
variable "v" { default = "${var.x}" }
provider "aws" { region = "us-east-1" }
w { c = {d=1} }
