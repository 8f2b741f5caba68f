resource "aws_iam_policy" "a_policy_with_a_really_long_name_that_goes_on_and_on" {
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Action = ["ec2:Describe*", "s3:GetObject", "s3:PutObject"], Effect = "Allow", Resource = "*" }] })
  description = "This is an extremely long description string that is well past eighty columns and keeps going"
  x = 1
}
