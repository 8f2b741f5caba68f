resource "aws_instance" "web" {
ami = "ami-123456"
    instance_type="t2.micro"
  count   =   2
  associate_public_ip_address      = true

  subnet_id= "subnet-1"
  vpc_security_group_ids  = ["sg-1"]
  # a comment breaks the group
  key_name = "deployer"
  monitoring=false
}
