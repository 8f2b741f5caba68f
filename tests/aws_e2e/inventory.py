"""What the AWS emulator holds for one example deployment, listed with boto3 (an independent
client: not infra's code). Usage: inventory.py ENDPOINT REGION PREFIX -> JSON on stdout.

Objects are matched by their Name tag, group name or bucket name starting with PREFIX, so
parallel tests with different prefixes never see each other's objects."""
import json
import sys

import boto3
from botocore.exceptions import ClientError

endpoint, region, prefix = sys.argv[1:4]
kw = dict(endpoint_url=endpoint, region_name=region,
          aws_access_key_id="test", aws_secret_access_key="test")
ec2 = boto3.client("ec2", **kw)
s3 = boto3.client("s3", **kw)


def named(items):
    out = []
    for it in items:
        tags = {t["Key"]: t["Value"] for t in it.get("Tags", [])}
        if tags.get("Name", "").startswith(prefix):
            out.append((tags["Name"], it, tags))
    return out


inv = {}
vpcs = named(ec2.describe_vpcs()["Vpcs"])
inv["vpcs"] = [{"id": v["VpcId"], "cidr": v["CidrBlock"], "name": n, "tags": t} for n, v, t in vpcs]
inv["subnets"] = sorted(
    [{"id": s["SubnetId"], "cidr": s["CidrBlock"], "zone": s["AvailabilityZone"], "name": n}
     for n, s, _ in named(ec2.describe_subnets()["Subnets"])], key=lambda s: s["name"])
inv["internet_gateways"] = [
    {"id": g["InternetGatewayId"], "attached": [a["VpcId"] for a in g.get("Attachments", [])]}
    for _, g, _ in named(ec2.describe_internet_gateways()["InternetGateways"])]
rts = named(ec2.describe_route_tables()["RouteTables"])
inv["route_tables"] = [
    {"id": r["RouteTableId"], "name": n,
     "routes": sorted(x.get("DestinationCidrBlock", "") for x in r["Routes"]),
     "associations": len([a for a in r.get("Associations", []) if not a.get("Main")])}
    for n, r, _ in rts]
sgs = [g for g in ec2.describe_security_groups()["SecurityGroups"] if g["GroupName"].startswith(prefix)]
inv["security_groups"] = sorted(
    [{"id": g["GroupId"], "name": g["GroupName"],
      "ingress_ports": sorted(p.get("FromPort", -1) for p in g["IpPermissions"])} for g in sgs],
    key=lambda g: g["name"])
instances = []
for r in ec2.describe_instances()["Reservations"]:
    for i in r["Instances"]:
        tags = {t["Key"]: t["Value"] for t in i.get("Tags", [])}
        if tags.get("Name", "").startswith(prefix) and i["State"]["Name"] not in ("terminated", "shutting-down"):
            instances.append({"id": i["InstanceId"], "name": tags["Name"], "subnet": i.get("SubnetId"),
                              "state": i["State"]["Name"]})
inv["instances"] = sorted(instances, key=lambda i: i["name"])
buckets = []
for b in s3.list_buckets()["Buckets"]:
    name = b["Name"]
    if not name.startswith(prefix):
        continue
    d = {"name": name}
    d["region"] = s3.get_bucket_location(Bucket=name).get("LocationConstraint") or "us-east-1"
    d["versioning"] = s3.get_bucket_versioning(Bucket=name).get("Status")
    try:
        rules = s3.get_bucket_encryption(Bucket=name)["ServerSideEncryptionConfiguration"]["Rules"]
        d["encryption"] = rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"]
    except ClientError:
        d["encryption"] = None
    try:
        c = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
        d["public_access_blocked"] = all(c.values())
    except ClientError:
        d["public_access_blocked"] = False
    try:
        d["lifecycle_rules"] = len(s3.get_bucket_lifecycle_configuration(Bucket=name)["Rules"])
    except ClientError:
        d["lifecycle_rules"] = 0
    buckets.append(d)
inv["buckets"] = sorted(buckets, key=lambda b: b["name"])
print(json.dumps(inv))
