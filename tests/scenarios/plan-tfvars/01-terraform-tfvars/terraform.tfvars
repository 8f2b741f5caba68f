region = "eu-west-1"
size   = 2
