locals {
  é = "accent"
  naïve_value = "x"
  emoji = "😀" # smile
  ascii = "aa" # plain
  combining = "é" # combining
  cjk = "日本語" # wide
  x = "abcd" # four
}
