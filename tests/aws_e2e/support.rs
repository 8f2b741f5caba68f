//! A deployment of the example in a scratch directory: the example and the modules it calls
//! copied with their relative layout, the `infra` binary pointed at the emulator, and boto3
//! listings of what the emulator holds.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value as J;

use crate::moto::{moto, python};

/// Regions handed out one per deployment (the emulator keeps EC2 objects per region).
const REGIONS: [&str; 30] = [
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-north-1",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ca-central-1",
    "sa-east-1",
    "af-south-1",
    "ap-northeast-3",
    "ap-southeast-3",
    "eu-central-2",
    "eu-south-1",
    "eu-south-2",
    "me-south-1",
    "il-central-1",
    "ap-east-1",
    "ap-south-2",
    "ap-southeast-4",
    "ca-west-1",
    "me-central-1",
    "mx-central-1",
];

/// One deployment: a scratch copy of the example, a region and a name prefix.
pub struct Deployment {
    _tmp: tempfile::TempDir,
    /// The example's directory inside the scratch copy.
    pub dir: PathBuf,
    pub region: String,
    /// `name_prefix`; every object's name starts with it.
    pub prefix: String,
}

fn repo() -> PathBuf {
    PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir") {
        let e = e.expect("entry");
        let name = e.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let (src, dst) = (e.path(), to.join(&name));
        if e.file_type().expect("file type").is_dir() {
            copy_dir(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).expect("copy");
        }
    }
}

impl Deployment {
    /// A fresh copy of `examples/aws-network` (and the modules it calls).
    pub fn new(tag: &str) -> Deployment {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let i = NEXT.fetch_add(1, Ordering::SeqCst);
        let region = REGIONS
            .get(i)
            .unwrap_or_else(|| panic!("more deployments than regions: add regions"))
            .to_string();
        let tmp = tempfile::tempdir().expect("tempdir");
        for sub in [
            "examples/aws-network",
            "modules/aws-network",
            "modules/network-layout",
            "modules/secure-bucket",
        ] {
            copy_dir(&repo().join(sub), &tmp.path().join(sub));
        }
        let dir = tmp.path().join("examples/aws-network");
        let prefix = format!("e2e{i}{tag}");
        Deployment {
            _tmp: tmp,
            dir,
            region,
            prefix,
        }
    }

    /// The disaster-recovery region: another region than the deployment's.
    pub fn dr_region(&self) -> &'static str {
        if self.region == "sa-east-1" {
            "ca-central-1"
        } else {
            "sa-east-1"
        }
    }

    /// A file of the scratch copy, relative to the copy's root (`modules/network-layout/main.tf`).
    pub fn file(&self, rel: &str) -> PathBuf {
        self.dir.join("../..").join(rel)
    }

    /// `infra ARGS` in the example's directory, pointed at the emulator.
    pub fn infra(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_infra"));
        c.current_dir(&self.dir)
            .env("NO_COLOR", "1")
            .env_remove("INFRA_ENV")
            .env("AWS_ENDPOINT_URL", &moto().endpoint)
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", "test")
            .env_remove("AWS_PROFILE")
            .env_remove("AWS_SESSION_TOKEN")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .args(args);
        if matches!(
            args.first(),
            Some(&"plan" | &"apply" | &"destroy" | &"import")
        ) {
            c.arg(format!("-var=region={}", self.region))
                .arg(format!("-var=dr_region={}", self.dr_region()))
                .arg(format!("-var=name_prefix={}", self.prefix))
                .arg("-var=s3_use_path_style=true");
        }
        c
    }

    /// Runs `infra ARGS` to the end.
    pub fn run(&self, args: &[&str]) -> Output {
        self.infra(args).output().expect("run infra")
    }

    /// Runs `infra ARGS` and panics with its output unless it exits with `code`.
    pub fn expect(&self, args: &[&str], code: i32) -> String {
        let out = self.run(args);
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            out.status.code(),
            Some(code),
            "infra {} exited {:?}, expected {code}:\n{text}",
            args.join(" "),
            out.status.code()
        );
        text
    }

    /// `apply -auto-approve`, which must succeed.
    pub fn apply(&self) -> String {
        self.expect(&["apply", "-auto-approve"], 0)
    }

    /// Asserts that a plan finds nothing to do.
    pub fn assert_clean_plan(&self) {
        let text = self.expect(&["plan", "-detailed-exitcode"], 0);
        assert!(text.contains("No changes."), "plan not clean:\n{text}");
    }

    /// What the emulator holds for this deployment, listed by boto3.
    pub fn inventory(&self) -> J {
        let out = Command::new(python())
            .arg(repo().join("tests/aws_e2e/inventory.py"))
            .args([&moto().endpoint, &self.region, &self.prefix])
            .output()
            .expect("run inventory.py");
        assert!(
            out.status.success(),
            "inventory.py failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("inventory JSON")
    }

    /// Runs a boto3 snippet against the emulator in this deployment's region, with `ec2` and
    /// `s3` clients defined.
    pub fn boto(&self, code: &str) {
        let prelude = format!(
            "import boto3\nkw = dict(endpoint_url={:?}, region_name={:?}, aws_access_key_id='test', aws_secret_access_key='test')\nec2 = boto3.client('ec2', **kw)\ns3 = boto3.client('s3', **kw)\n",
            moto().endpoint,
            self.region
        );
        let out = Command::new(python())
            .args(["-c", &format!("{prelude}{code}")])
            .output()
            .expect("run python");
        assert!(
            out.status.success(),
            "boto3 snippet failed: {}\n{code}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The number of entries of a list in an inventory.
pub fn count(inv: &J, what: &str) -> usize {
    inv[what].as_array().map_or(0, Vec::len)
}
