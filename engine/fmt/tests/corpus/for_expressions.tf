locals {
  upper = [for s in var.list: upper(s)]
  filtered = [ for s in var.list : s if s != "" ]
  obj = {for k,v in var.map: k => v}
  grouped = {for k, v in var.map : v => k...}
  with_idx = [for i, v in var.list: "${i}=${v}"]
  literal_coll = [for x in [1,2,3]: x*2]
  object_coll = {for x in {a=1}: x=>x}
  multiline = [
    for s in var.list :
    upper(s)
    if length(s) > 0
  ]
  multi_obj = {
    for k, v in var.map :
    k => v
  }
}
