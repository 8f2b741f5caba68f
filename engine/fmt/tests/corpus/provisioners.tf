resource "null_resource" "cluster" {
  triggers = {
    cluster_instance_ids = "${join(",", aws_instance.cluster.*.id)}"
  }
  connection {
    host = "${element(aws_instance.cluster.*.public_ip, 0)}"
  }
  provisioner "remote-exec" {
    inline = [
      "bootstrap-cluster.sh ${join(" ", aws_instance.cluster.*.private_ip)}",
    ]
  }
  provisioner "local-exec" {
    command = <<-EOT
      echo ${self.id} >> ids.txt
    EOT
    interpreter = ["bash", "-c"]
  }
}
