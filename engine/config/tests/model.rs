//! What the loader puts in the model for the `valid-everything` fixture, and the addresses the
//! validator attaches to resource diagnostics.

use std::path::Path;

use infra_config::{load_config, validate_config, IgnoreChanges, ResourceMode};

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn valid_everything_model() {
    let (config, diags) = load_config(&fixture("valid-everything"));
    assert!(diags.is_empty(), "{diags:#?}");
    let m = &config.module;

    let names: Vec<String> = m
        .files
        .iter()
        .map(|f| f.filename().rsplit('/').next().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "locals.tf",
            "main.tf",
            "modules.tf",
            "network.tf",
            "outputs.tf",
            "variables.tf"
        ],
        "lexical order"
    );

    let tf = &m.terraform;
    assert_eq!(tf.required_version.as_deref(), Some(">= 1.5.0"));
    assert_eq!(tf.required_providers["aws"].source, "hashicorp/aws");
    assert_eq!(
        tf.required_providers["aws"].version.as_deref(),
        Some("~> 5.0")
    );
    assert_eq!(
        tf.required_providers["random"].source, "hashicorp/random",
        "legacy form"
    );
    assert_eq!(
        tf.required_providers["random"].version.as_deref(),
        Some("~> 3.0")
    );
    let backend = tf.backend.as_ref().expect("backend");
    assert_eq!(backend.kind, "s3");
    assert!(backend.config.attributes.contains_key("bucket"));

    let keys: Vec<String> = m.providers.iter().map(|p| p.key()).collect();
    assert_eq!(keys, ["aws", "aws.dr"]);
    assert!(!m.providers[1].config.attributes.contains_key("alias"));

    let env = &m.variables["environment"];
    assert!(!env.nullable);
    assert_eq!(env.validations.len(), 1);
    assert!(m.variables["db_password"].sensitive);
    assert!(m.variables["region"].nullable);
    assert_eq!(
        m.variables["region"].description.as_deref(),
        Some("Primary region.")
    );
    assert_eq!(m.locals.len(), 5, "locals from several blocks");

    let sg = &m.resources["aws_security_group.web"];
    assert_eq!(sg.mode, ResourceMode::Managed);
    assert!(sg.lifecycle.create_before_destroy);
    assert!(matches!(&sg.lifecycle.ignore_changes, IgnoreChanges::Paths(p) if p.len() == 2));
    assert_eq!(sg.body.dynamic_blocks.len(), 1);
    let ingress = &sg.body.dynamic_blocks[0];
    assert_eq!(
        (ingress.ty.as_str(), ingress.iterator.as_str()),
        ("ingress", "port")
    );
    assert_eq!(
        ingress.content.dynamic_blocks[0].iterator, "tag",
        "the iterator defaults to the block type"
    );
    assert_eq!(sg.body.blocks.len(), 1, "the static egress block");
    assert!(!sg.body.attributes.contains_key("lifecycle"));

    let app = &m.resources["aws_instance.app"];
    assert!(app.for_each.is_some() && app.count.is_none());
    assert_eq!(app.depends_on.len(), 1);
    assert!(app.lifecycle.prevent_destroy);
    assert_eq!(app.lifecycle.replace_triggered_by.len(), 1);
    assert_eq!(app.lifecycle.preconditions.len(), 1);
    let block_types: Vec<&str> = app.body.blocks.iter().map(|b| b.ty.as_str()).collect();
    assert_eq!(block_types, ["provisioner", "provisioner", "connection"]);
    assert_eq!(app.body.blocks[0].labels, ["local-exec"]);
    assert!(!app.body.attributes.contains_key("for_each"));

    let dr = &m.resources["aws_s3_bucket.backups_dr"];
    assert_eq!(dr.provider_key(), "aws.dr");
    assert!(matches!(dr.lifecycle.ignore_changes, IgnoreChanges::All));
    assert_eq!(m.resources["aws_vpc.main"].provider_key(), "aws");

    let ami = &m.resources["data.aws_ami.ubuntu"];
    assert_eq!(ami.mode, ResourceMode::Data);
    assert_eq!(ami.lifecycle.postconditions.len(), 1);

    let storage = &m.module_calls["storage"];
    assert_eq!(storage.source, "./modules/bucket");
    assert_eq!(
        storage.providers,
        [("aws".to_string(), "aws.dr".to_string())]
    );
    assert!(storage.args.contains_key("bucket_name") && !storage.args.contains_key("providers"));
    assert_eq!(m.module_calls["replica"].depends_on.len(), 1);

    assert_eq!(m.outputs["vpc_id"].preconditions.len(), 1);
    assert!(m.outputs["db_url"].sensitive);
    assert_eq!(m.moved.len(), 1);

    let child = &config.children["storage"];
    assert_eq!(child.path, ["storage"]);
    assert!(child.module.files[0]
        .filename()
        .ends_with("modules/bucket/main.tf"));
    assert!(child.module.outputs.contains_key("arn"));
    assert!(validate_config(&config).is_empty());
}

#[test]
fn resource_diagnostics_carry_addresses() {
    let (config, _) = load_config(&fixture("invalid-child-module-errors"));
    let diags = validate_config(&config);
    let addrs: Vec<Option<&str>> = diags.iter().map(|d| d.address.as_deref()).collect();
    assert_eq!(
        addrs,
        [
            Some("module.network.aws_vpc.this"),
            Some("module.network.aws_subnet.private")
        ]
    );

    let (config, diags) = load_config(&fixture("invalid-duplicate-resource"));
    assert_eq!(
        diags.0[0].address.as_deref(),
        Some("aws_s3_bucket.invoices")
    );
    let (config2, _) = load_config(&fixture("invalid-for-each-and-count-values"));
    let diags = validate_config(&config2);
    assert_eq!(diags.0[0].address.as_deref(), Some("aws_instance.tuple"));
    drop(config);
}

#[test]
fn file_names_are_relative_to_the_directory_given() {
    // Tests run in the package directory.
    let (config, diags) = load_config(Path::new(
        "./tests/fixtures/../fixtures/invalid-child-module-errors",
    ));
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(
        config.module.files[0].filename().as_ref(),
        "tests/fixtures/invalid-child-module-errors/main.tf"
    );
    let child = &config.children["network"].module;
    assert_eq!(
        child.files[0].filename().as_ref(),
        "tests/fixtures/invalid-child-module-errors/modules/network/main.tf"
    );
}

#[test]
fn loading_odd_directories() {
    let (m, diags) = infra_config::load_module(Path::new("tests/fixtures/does-not-exist"));
    assert!(m.files.is_empty());
    assert_eq!(diags.0[0].summary, "Failed to read module directory");

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("empty.tf"), "").unwrap();
    std::fs::write(
        dir.path().join("comments.tf"),
        "# just a comment\n/* and another */\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("unicode.tf"),
        "locals {\n  name = \"fakturaförfinansiering\"\n}\n",
    )
    .unwrap();
    let (config, diags) = load_config(dir.path());
    assert!(diags.is_empty(), "{diags:#?}");
    assert_eq!(config.module.files.len(), 3);
    assert!(validate_config(&config).is_empty());
}
