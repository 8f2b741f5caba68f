region="us-west-2"
instance_count   =   3
tags = {
Environment = "dev"
  Team="platform"
}
subnets = [
"10.0.1.0/24",
  "10.0.2.0/24",
]
# comment
enabled=true
interp = "${foo}"
