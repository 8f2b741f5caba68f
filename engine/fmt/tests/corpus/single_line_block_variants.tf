resource "a" "b" { x = 1 }
resource "a" "c" { x = [1,2,3] }
resource "a" "d" { x = {y=1} }
resource "a" "e" { x = "${y}" } # comment
resource "a" "f" {} # empty with comment
resource aws_thing g { x = -1 }
