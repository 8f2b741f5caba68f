locals {
  sum = 1+2
  diff = a-b
  diff2 = a - b
  neg = -1
  neg2 = - 1
  negvar = -var.x
  mul = 2*3/4%5
  cmp = a==b
  ne = a!=b
  lt = a<b
  le = a<=b
  gt = a>b
  ge = a>=b
  and = a&&b
  or = a||b
  not = !a
  notnot = ! ! a
  mixed = -a + -b * (-c - -d)
  after_op = 1 * -2
  after_cmp = a == -1
  after_comma = [1, -2, - 3]
  after_paren = (-1)
  after_q = a ? -1 : -2
  after_not = !-a
  after_and = a && -b > 0
  after_bracket = x[-1]
}
