region = "us-east-1"
extra  = "from-file"
