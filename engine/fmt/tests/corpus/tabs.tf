resource "a" "b" {
	name	=	"tabbed"
		count =	3
	tags = {
		A	= "b"
	}
	# comment	with	tabs
	x = "in	string"
}
