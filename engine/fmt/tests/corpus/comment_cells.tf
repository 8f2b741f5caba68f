/* multi
line */ a = 1
bbbb = 2

c = 1 /* c */ # d
dd = 2 # e

e = <<EOF
x
EOF
ff = 1 # c
ggg = 2 # d

h = 1	# tab before comment
iiii = 2 # d

j = 1 # c
k {
}
ll = 2 # d

m = [for x in y : x] # c
n = {for k, v in m : k => v} # d

aaa = {
} # c
b = 1 # d
