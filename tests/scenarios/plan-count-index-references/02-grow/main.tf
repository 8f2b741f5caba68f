resource "null_resource" "disk" {
  count = 3

  triggers = {
    slot = "slot-${count.index}"
  }
}

resource "null_resource" "attachment" {
  count = 3

  triggers = {
    disk_slot = null_resource.disk[count.index].triggers.slot
    position  = count.index + 1
  }
}

output "first_disk_slot" {
  value = null_resource.disk[0].triggers.slot
}

output "last_position" {
  value = null_resource.attachment[length(null_resource.attachment) - 1].triggers.position
}
