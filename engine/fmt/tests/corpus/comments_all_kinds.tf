# leading hash comment
// leading slash comment
/* leading block comment */
/*
 * multi-line block comment
 *   with indentation kept
 */
resource "a" "b" { # after open brace
  # comment inside body
    // another inside body
  x = 1 # trailing hash
  yy = 2 // trailing slashes
  zzz = 3 /* trailing block */
  /* before */ w = 4
  v = /* inside */ 5
  list = [
    1, # one
    22, # twenty-two
    333, // three
  ]
      # indented too far
} # after close brace
# final comment
