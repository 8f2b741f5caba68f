//! The example applied, planned again, drifted, changed and destroyed, and a bucket imported.

use serde_json::Value as J;

use crate::support::{count, Deployment};

fn strs(v: &J) -> Vec<String> {
    let mut out: Vec<String> = v
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x.as_str().map(str::to_string))
        .collect();
    out.sort();
    out
}

/// `infra output -json` as JSON.
fn outputs(d: &Deployment) -> J {
    let text = d.expect(&["output", "-json"], 0);
    serde_json::from_str(&text).expect("output JSON")
}

#[test]
fn apply_builds_everything_plan_is_clean_and_destroy_leaves_nothing() {
    let d = Deployment::new("full");
    d.apply();
    d.assert_clean_plan();

    let inv = d.inventory();
    let vpcs = inv["vpcs"].as_array().expect("vpcs");
    assert_eq!(vpcs.len(), 1, "{inv:#}");
    let vpc = &vpcs[0];
    assert_eq!(vpc["cidr"], "10.10.0.0/16");
    // default_tags reached the objects.
    assert_eq!(vpc["tags"]["environment"], "dev");
    assert_eq!(vpc["tags"]["cost-center"], "scf-0001");
    assert_eq!(count(&inv, "subnets"), 4, "{inv:#}");
    let zones: std::collections::BTreeSet<&str> = inv["subnets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| s["zone"].as_str())
        .collect();
    assert_eq!(zones.len(), 2, "subnets across two zones: {inv:#}");
    assert_eq!(inv["internet_gateways"][0]["attached"][0], vpc["id"]);
    let public = inv["route_tables"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["name"].as_str().is_some_and(|n| n.ends_with("-public")))
        .expect("public route table");
    assert!(strs(&public["routes"]).contains(&"0.0.0.0/0".to_string()));
    assert_eq!(public["associations"], 2);
    let ports: Vec<(String, J)> = inv["security_groups"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|g| {
            (
                g["name"].as_str().unwrap_or("").to_string(),
                g["ingress_ports"].clone(),
            )
        })
        .collect();
    let prefix = format!("{}-dev", d.prefix);
    assert_eq!(
        ports,
        vec![
            (format!("{prefix}-admin"), serde_json::json!([22])),
            (format!("{prefix}-app"), serde_json::json!([8080])),
            (format!("{prefix}-web"), serde_json::json!([443])),
        ]
    );
    assert_eq!(count(&inv, "instances"), 2, "{inv:#}");
    for b in inv["buckets"].as_array().expect("buckets") {
        assert_eq!(b["versioning"], "Enabled", "{b}");
        assert_eq!(b["encryption"], "AES256", "{b}");
        assert_eq!(b["public_access_blocked"], true, "{b}");
        assert_eq!(b["lifecycle_rules"], 1, "{b}");
        // The backups bucket is at the disaster-recovery site (the aliased provider passed to
        // the module), the others in the environment's region.
        let name = b["name"].as_str().unwrap_or("");
        let want = if name.ends_with("-backups") {
            d.dr_region()
        } else {
            d.region.as_str()
        };
        assert_eq!(b["region"], want, "{b}");
    }
    assert_eq!(count(&inv, "buckets"), 3, "{inv:#}");

    // The outputs name the same objects the emulator holds.
    let out = outputs(&d);
    assert_eq!(out["vpc_id"]["value"], vpc["id"]);
    let listed: Vec<String> = inv["instances"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["id"].as_str().map(str::to_string))
        .collect();
    let mut listed = listed;
    listed.sort();
    assert_eq!(strs(&out["instance_ids"]["value"]), listed);

    let text = d.expect(&["destroy", "-auto-approve"], 0);
    assert!(text.contains("Destroy complete!"), "{text}");
    let inv = d.inventory();
    for what in [
        "vpcs",
        "subnets",
        "internet_gateways",
        "route_tables",
        "security_groups",
        "instances",
        "buckets",
    ] {
        assert_eq!(count(&inv, what), 0, "{what} left after destroy: {inv:#}");
    }
}

#[test]
fn drift_is_shown_exactly_and_repaired() {
    let d = Deployment::new("drift");
    d.apply();
    let out = outputs(&d);
    let vpc = out["vpc_id"]["value"].as_str().expect("vpc id").to_string();
    let victim = out["instance_ids"]["value"][0]
        .as_str()
        .expect("instance id")
        .to_string();
    d.boto(&format!(
        "ec2.create_tags(Resources=[{vpc:?}], Tags=[{{'Key': 'Name', 'Value': 'changed-by-hand'}}])\n\
         ec2.terminate_instances(InstanceIds=[{victim:?}])"
    ));

    let text = d.expect(&["plan", "-detailed-exitcode"], 2);
    assert!(
        text.contains("# module.network.aws_vpc.this will be updated in-place"),
        "{text}"
    );
    assert!(text.contains("changed-by-hand"), "{text}");
    assert!(
        text.contains("# aws_instance.app[0] will be created"),
        "{text}"
    );
    assert!(
        text.contains("Plan: 1 to add, 1 to change, 0 to destroy."),
        "exactly the two drifted objects: {text}"
    );

    d.apply();
    // The apply recorded what the plan's refresh read (as Terraform does), so the next plan has
    // nothing to note either.
    let text = d.expect(&["plan", "-detailed-exitcode"], 0);
    assert!(text.contains("No changes."), "{text}");
    assert!(!text.contains("changed outside"), "{text}");
    let inv = d.inventory();
    assert_eq!(inv["vpcs"][0]["name"], format!("{}-dev", d.prefix));
    assert_eq!(count(&inv, "instances"), 2, "{inv:#}");
    assert!(
        inv["instances"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|i| i["id"] != victim.as_str()),
        "{inv:#}"
    );
}

/// The line index of the first output line containing all of `parts`.
fn line_of(text: &str, parts: &[&str]) -> usize {
    text.lines()
        .position(|l| parts.iter().all(|p| l.contains(p)))
        .unwrap_or_else(|| panic!("no line with {parts:?} in:\n{text}"))
}

#[test]
fn a_subnet_cidr_change_replaces_the_subnets_and_their_dependents_in_order() {
    let d = Deployment::new("replace");
    d.apply();
    let layout = d.file("modules/network-layout/main.tf");
    let src = std::fs::read_to_string(&layout).expect("read layout");
    assert!(src.contains("cidrsubnet(var.cidr_block, 3, i + 4)"));
    std::fs::write(
        &layout,
        src.replace(
            "cidrsubnet(var.cidr_block, 3, i + 4)",
            "cidrsubnet(var.cidr_block, 3, i + 6)",
        ),
    )
    .expect("write layout");

    let plan = d.expect(&["plan", "-detailed-exitcode"], 2);
    assert_eq!(
        plan.matches("must be replaced").count(),
        6,
        "two private subnets, their two route table associations and the two instances in them:\n{plan}"
    );
    assert!(
        plan.contains("Plan: 6 to add, 0 to change, 6 to destroy."),
        "{plan}"
    );

    let text = d.apply();
    let inv = d.inventory();
    let private: Vec<String> = inv["subnets"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|s| s["name"].as_str().is_some_and(|n| n.contains("-private-")))
        .filter_map(|s| s["cidr"].as_str().map(str::to_string))
        .collect();
    let mut private = private;
    private.sort();
    assert_eq!(private, vec!["10.10.192.0/19", "10.10.224.0/19"]);
    for i in 0..2 {
        let inst = format!("aws_instance.app[{i}]");
        let zone = inv["subnets"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|s| s["name"].as_str().is_some_and(|n| n.contains("-private-")))
            .nth(i)
            .and_then(|s| s["zone"].as_str())
            .expect("zone")
            .to_string();
        let subnet = format!("module.network.aws_subnet.private[\"{zone}\"]");
        let assoc = format!("module.network.aws_route_table_association.private[\"{zone}\"]");
        // Destroy-then-create: dependents go first, then the subnet; the new subnet comes
        // before the new dependents.
        let inst_gone = line_of(&text, &[&format!("{inst}: Destruction complete")]);
        let assoc_gone = line_of(&text, &[&format!("{assoc}: Destruction complete")]);
        let subnet_going = line_of(&text, &[&format!("{subnet}: Destroying...")]);
        let subnet_made = line_of(&text, &[&format!("{subnet}: Creation complete")]);
        let inst_making = line_of(&text, &[&format!("{inst}: Creating...")]);
        let assoc_making = line_of(&text, &[&format!("{assoc}: Creating...")]);
        assert!(inst_gone < subnet_going, "{inst} before {subnet}:\n{text}");
        assert!(
            assoc_gone < subnet_going,
            "{assoc} before {subnet}:\n{text}"
        );
        assert!(subnet_going < subnet_made, "{subnet}:\n{text}");
        assert!(subnet_made < inst_making, "{subnet} before {inst}:\n{text}");
        assert!(
            subnet_made < assoc_making,
            "{subnet} before {assoc}:\n{text}"
        );
    }
    assert_eq!(count(&inv, "instances"), 2, "{inv:#}");
    d.assert_clean_plan();
}

#[test]
fn a_bucket_made_out_of_band_is_imported_and_then_plans_clean() {
    let d = Deployment::new("import");
    let name = format!("{}-imported", d.prefix);
    std::fs::write(
        d.dir.join("main.tf"),
        format!(
            "variable \"region\" {{}}\nvariable \"dr_region\" {{}}\nvariable \"name_prefix\" {{}}\nvariable \"s3_use_path_style\" {{}}\n\
             provider \"aws\" {{\n  region            = var.region\n  s3_use_path_style = var.s3_use_path_style\n}}\n\
             resource \"aws_s3_bucket\" \"x\" {{\n  bucket = \"{name}\"\n}}\n"
        ),
    )
    .expect("write config");
    // us-east-1 takes no location constraint; every other region needs one.
    let place = if d.region == "us-east-1" {
        String::new()
    } else {
        format!(
            ", CreateBucketConfiguration={{'LocationConstraint': {:?}}}",
            d.region
        )
    };
    d.boto(&format!("s3.create_bucket(Bucket={name:?}{place})"));
    // A missing object is a clear error, and nothing is written.
    let missing = d.expect(
        &["import", "aws_s3_bucket.x", &format!("{name}-missing")],
        1,
    );
    assert!(
        missing.contains("Cannot import non-existent remote object"),
        "{missing}"
    );
    assert_eq!(d.expect(&["state", "list"], 0).trim(), "");
    let text = d.expect(&["import", "aws_s3_bucket.x", &name], 0);
    assert!(text.contains("Import successful!"), "{text}");
    d.assert_clean_plan();
    // Importing again is refused: the address is taken.
    let again = d.expect(&["import", "aws_s3_bucket.x", &name], 1);
    assert!(again.contains("already managing"), "{again}");
    // An address without a resource block is refused.
    let nowhere = d.expect(&["import", "aws_s3_bucket.y", &name], 1);
    assert!(
        nowhere.contains("Configuration for import target does not exist"),
        "{nowhere}"
    );
    let state = d.expect(&["state", "list"], 0);
    assert_eq!(state.trim(), "aws_s3_bucket.x");
}
