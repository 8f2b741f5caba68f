resource "aws_security_group" "allow_tls" {
name        = "allow_tls"
description = "Allow TLS inbound traffic"
ingress {
description      = "TLS from VPC"
from_port        = 443
    to_port          = 443
  protocol         = "tcp"
        cidr_blocks      = [aws_vpc.main.cidr_block]
  nested {
  deeper {
  x = 1
  yy = 2
  }
  }
  }
        egress {
    from_port   = 0
  to_port     = 0
  }
}
