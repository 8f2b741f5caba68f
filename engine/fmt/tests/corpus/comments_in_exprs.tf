locals {
  list = [
    # leading comment in list
    "a", # after a
    /* block */ "b",
    "c" /* trailing block */,
    // last
  ]
  obj = {
    # comment in object
    a = 1 # after a
    bbb = 2 # after bbb
    /* block line */
    c = 3
  }
  call = f(
    1, # first
    2  # second
  )
}
