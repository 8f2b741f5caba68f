//! `local_file`: a file on the machine running infra, with the given content.
//!
//! ```hcl
//! resource "local_file" "inventory" {
//!   filename        = "${path.module}/inventory.ini"
//!   content         = templatefile("inventory.tftpl", { hosts = var.hosts })
//!   file_permission = "0644"
//! }
//! ```
//!
//! Attributes: `filename` (required; relative paths are relative to the working directory),
//! exactly one of `content`, `sensitive_content` (sensitive), `content_base64` or `source` (a
//! file to copy), `file_permission` and `directory_permission` (octal strings, default `"0777"`,
//! before the umask), and the computed `id` (hex SHA-1 of the content, as Terraform's),
//! `content_md5`, `content_sha1`, `content_sha256`, `content_base64sha256`, `content_sha512` and
//! `content_base64sha512`.
//!
//! Replacement: every argument forces replacement, as in Terraform's provider.
//!
//! Writes are atomic (a temporary file and a rename); missing parent directories are created.
//! Refresh reports the object gone when the file was deleted (so it is created again), and shows
//! content edited out of band as the new content (so the plan replaces it with the configured
//! one). Delete removes the file unless it now holds other content than the state says, which
//! happens when a `create_before_destroy` replacement already rewrote it.
//!
//! Import: not supported, as in Terraform's provider.

use std::path::Path;

use async_trait::async_trait;
use infra_core::{Diagnostic, Diagnostics, Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, PlanRequest, PlanResponse, ResourceSchema};

use super::fs::{
    b64, b64_decode, io_error, parse_permission, set_checksums, sha1_hex, write_atomically,
    CHECKSUM_ATTRS, DEFAULT_PERMISSION,
};
use crate::attrs::{collect, get, invalid, object, optional, required, string, Attrs, Field};
use crate::framework::{ManagedResource, OpContext};
use crate::plan::{plan_with_rules, proposed_attrs, PlanRules};

pub(crate) struct LocalFile;

/// The arguments that give the content; exactly one must be set.
const CONTENT_SOURCES: [&str; 4] = ["content", "sensitive_content", "content_base64", "source"];

fn permission(m: &Attrs, name: &str) -> Result<u32, Diagnostics> {
    let s = optional(string(m, name)?, name)?.unwrap_or_else(|| DEFAULT_PERMISSION.to_string());
    parse_permission(&s).map_err(|e| invalid(name, e).into())
}

/// The bytes the file must hold, from whichever content argument is set.
fn content_bytes(m: &Attrs) -> Result<Vec<u8>, Diagnostics> {
    if let Some(s) = optional(string(m, "sensitive_content")?, "sensitive_content")? {
        return Ok(s.into_bytes());
    }
    if let Some(s) = optional(string(m, "content_base64")?, "content_base64")? {
        return b64_decode(&s).map_err(|e| {
            invalid(
                "content_base64",
                format!("the value is not valid base64 ({e})."),
            )
            .into()
        });
    }
    if let Some(src) = optional(string(m, "source")?, "source")? {
        return std::fs::read(&src)
            .map_err(|e| io_error("Unable to read source file", Path::new(&src), &e).into());
    }
    Ok(optional(string(m, "content")?, "content")?
        .unwrap_or_default()
        .into_bytes())
}

/// The refreshed state of a file whose content no longer matches the state: the new content in
/// the argument the state uses, so the plan shows it being replaced by the configured content.
/// `None` when that argument cannot hold it (not UTF-8, or copied from `source`): the object is
/// then reported gone and is created again, as Terraform's provider always does.
fn drifted(state: &Attrs, bytes: Vec<u8>) -> Option<Value> {
    let mut m = state.clone();
    set_checksums(&mut m, &bytes);
    let used = CONTENT_SOURCES.iter().find(|n| !get(state, n).is_null())?;
    let v = match *used {
        "content_base64" => Value::string(b64(&bytes)),
        "content" | "sensitive_content" => Value::string(String::from_utf8(bytes).ok()?),
        _ => return None,
    };
    m.insert((*used).to_string(), v);
    Some(Value::Object(m))
}

#[async_trait]
impl ManagedResource for LocalFile {
    fn type_name(&self) -> &'static str {
        "local_file"
    }

    fn schema(&self) -> ResourceSchema {
        let s = || Type::String;
        let mut block = BlockSchema::default()
            .attr(
                "filename",
                AttributeSchema::required(s())
                    .force_new()
                    .describe("The path to the file that will be created. Missing parent directories are created."),
            )
            .attr(
                "content",
                AttributeSchema::optional(s()).force_new().describe("Content to store in the file, a UTF-8 string."),
            )
            .attr(
                "sensitive_content",
                AttributeSchema::optional(s())
                    .force_new()
                    .sensitive()
                    .describe("Sensitive content to store in the file; not displayed in diffs."),
            )
            .attr(
                "content_base64",
                AttributeSchema::optional(s())
                    .force_new()
                    .describe("Content to store in the file, binary encoded as base64."),
            )
            .attr(
                "source",
                AttributeSchema::optional(s()).force_new().describe("Path to a file whose content is copied."),
            )
            .attr(
                "file_permission",
                AttributeSchema::optional_computed(s())
                    .force_new()
                    .describe("Permissions of the file (before umask) in octal numeric notation. Default `\"0777\"`."),
            )
            .attr(
                "directory_permission",
                AttributeSchema::optional_computed(s()).force_new().describe(
                    "Permissions of created directories (before umask) in octal numeric notation. Default `\"0777\"`.",
                ),
            )
            .attr("id", AttributeSchema::computed(s()).describe("The hexadecimal SHA1 checksum of the file content."));
        for name in CHECKSUM_ATTRS {
            block = block.attr(
                name,
                AttributeSchema::computed(s()).describe("A checksum of the file content."),
            );
        }
        ResourceSchema { version: 0, block }
    }

    fn validate(&self, obj: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        let m = match object(obj) {
            Ok(m) => m,
            Err(d) => return d,
        };
        if let Field::Known(f) = collect(&mut diags, string(m, "filename")) {
            if f.is_empty() {
                diags.push(invalid("filename", "the file name must not be empty."));
            }
        }
        let mut set = Vec::new();
        for name in CONTENT_SOURCES {
            match collect(&mut diags, string(m, name)) {
                Field::Null => {}
                Field::Known(s) if name == "content_base64" => {
                    if let Err(e) = b64_decode(&s) {
                        diags.push(invalid(
                            name,
                            format!("the value is not valid base64 ({e})."),
                        ));
                    }
                    set.push(name);
                }
                _ => set.push(name),
            }
        }
        if set.len() != 1 {
            let got = if set.is_empty() {
                "none is set".to_string()
            } else {
                format!(
                    "{} are set",
                    set.iter()
                        .map(|n| format!("`{n}`"))
                        .collect::<Vec<_>>()
                        .join(" and ")
                )
            };
            diags.push(Diagnostic::error(
                "Invalid attribute combination",
                format!("Exactly one of `content`, `sensitive_content`, `content_base64` or `source` must be set, but {got}."),
            ));
        }
        for name in ["file_permission", "directory_permission"] {
            if let Field::Known(p) = collect(&mut diags, string(m, name)) {
                if let Err(e) = parse_permission(&p) {
                    diags.push(invalid(name, e));
                }
            }
        }
        diags
    }

    fn plan(&self, schema: &BlockSchema, req: &PlanRequest) -> Result<PlanResponse, Diagnostics> {
        let rules = PlanRules {
            defaults: vec![
                ("file_permission", Value::string(DEFAULT_PERMISSION)),
                ("directory_permission", Value::string(DEFAULT_PERMISSION)),
            ],
            ..PlanRules::default()
        };
        Ok(plan_with_rules(schema, req, proposed_attrs(req), &rules))
    }

    async fn create(&self, _ctx: &OpContext, planned: &Value) -> Result<Value, Diagnostics> {
        let mut m = object(planned)?.clone();
        let filename = required(string(&m, "filename")?, "filename")?;
        let file_mode = permission(&m, "file_permission")?;
        let dir_mode = permission(&m, "directory_permission")?;
        let bytes = content_bytes(&m)?;
        write_atomically(Path::new(&filename), &bytes, file_mode, dir_mode)?;
        set_checksums(&mut m, &bytes);
        Ok(Value::Object(m))
    }

    async fn read(&self, state: &Value) -> Result<Option<Value>, Diagnostics> {
        let m = object(state)?;
        let filename = required(string(m, "filename")?, "filename")?;
        let bytes = match std::fs::read(&filename) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error("Unable to read file", Path::new(&filename), &e).into()),
        };
        if get(m, "id").as_str() == Some(sha1_hex(&bytes).as_str()) {
            return Ok(Some(state.clone()));
        }
        Ok(drifted(m, bytes))
    }

    async fn delete(&self, _ctx: &OpContext, prior: &Value) -> Result<(), Diagnostics> {
        let m = object(prior)?;
        let filename = required(string(m, "filename")?, "filename")?;
        let path = Path::new(&filename);
        match std::fs::read(path) {
            Ok(bytes)
                if get(m, "id")
                    .as_str()
                    .is_some_and(|id| id != sha1_hex(&bytes)) =>
            {
                return Ok(())
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(io_error("Unable to delete file", path, &e).into()),
        }
        match std::fs::remove_file(path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_error("Unable to delete file", path, &e).into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use infra_core::Value;

    use crate::testutil::*;

    const T: &str = "local_file";

    fn file_config(
        p: &dyn infra_provider::Provider,
        path: &std::path::Path,
        content: &str,
    ) -> Value {
        config(
            p,
            T,
            &[
                ("filename", Value::string(path.to_str().unwrap())),
                ("content", Value::string(content)),
            ],
        )
    }

    #[tokio::test]
    async fn lifecycle() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/dir/hello.txt");
        let p = crate::local::provider();
        let p = p.as_ref();
        let cfg = file_config(p, &path, "hello");
        let planned = plan(p, T, None, &cfg).await.unwrap().planned_state;
        assert_eq!(str_attr(&planned, "file_permission"), "0777");
        assert!(!attr(&planned, "id").is_known());

        let state = create(p, T, &cfg).await;
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "hello");
        assert_eq!(
            str_attr(&state, "id"),
            "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"
        );
        assert_eq!(
            str_attr(&state, "content_md5"),
            "5d41402abc4b2a76b9719d911017c592"
        );
        assert_eq!(str_attr(&state, "directory_permission"), "0777");

        assert_eq!(p.read(T, &state).await.unwrap().as_ref(), Some(&state));
        assert_no_op(p, T, &state, &cfg).await;

        let changed = file_config(p, &path, "bye");
        let resp = plan(p, T, Some(&state), &changed).await.unwrap();
        assert!(crate::plan::replaces_for(&resp, "content"));
        assert!(!attr(&resp.planned_state, "id").is_known());
        assert!(!attr(&resp.planned_state, "content_sha256").is_known());

        let moved = file_config(p, &dir.path().join("other.txt"), "hello");
        let resp = plan(p, T, Some(&state), &moved).await.unwrap();
        assert!(crate::plan::replaces_for(&resp, "filename"));

        delete(p, T, &state, &cfg).await;
        assert!(!path.exists());
        // Deleting what is already gone is fine.
        delete(p, T, &state, &cfg).await;
    }

    #[tokio::test]
    async fn read_detects_deletion_and_drift() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f.txt");
        let p = crate::local::provider();
        let p = p.as_ref();
        let cfg = file_config(p, &path, "configured");
        let state = create(p, T, &cfg).await;

        std::fs::write(&path, "edited by hand").unwrap();
        let read = p.read(T, &state).await.unwrap().expect("still there");
        assert_eq!(str_attr(&read, "content"), "edited by hand");
        assert_ne!(attr(&read, "id"), attr(&state, "id"));
        let resp = plan(p, T, Some(&read), &cfg).await.unwrap();
        assert!(
            crate::plan::replaces_for(&resp, "content"),
            "{:?}",
            resp.requires_replace
        );

        std::fs::write(&path, [0xff, 0xfe]).unwrap();
        assert_eq!(
            p.read(T, &state).await.unwrap(),
            None,
            "binary drift in `content` reads as gone"
        );

        std::fs::remove_file(&path).unwrap();
        assert_eq!(p.read(T, &state).await.unwrap(), None);
    }

    #[tokio::test]
    async fn base64_content_and_drift() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bin");
        let p = crate::local::provider();
        let p = p.as_ref();
        let cfg = config(
            p,
            T,
            &[
                ("filename", Value::string(path.to_str().unwrap())),
                ("content_base64", Value::string("AAH/")),
                ("file_permission", Value::string("0600")),
            ],
        );
        let state = create(p, T, &cfg).await;
        assert_eq!(std::fs::read(&path).unwrap(), [0, 1, 0xff]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        std::fs::write(&path, [9]).unwrap();
        let read = p.read(T, &state).await.unwrap().unwrap();
        assert_eq!(str_attr(&read, "content_base64"), "CQ==");
    }

    #[tokio::test]
    async fn source_is_copied() {
        let dir = tempfile::tempdir().unwrap();
        let src = dir.path().join("src");
        std::fs::write(&src, "from source").unwrap();
        let dst = dir.path().join("dst");
        let p = crate::local::provider();
        let p = p.as_ref();
        let cfg = config(
            p,
            T,
            &[
                ("filename", Value::string(dst.to_str().unwrap())),
                ("source", Value::string(src.to_str().unwrap())),
            ],
        );
        let state = create(p, T, &cfg).await;
        assert_eq!(std::fs::read_to_string(&dst).unwrap(), "from source");
        std::fs::write(&dst, "changed").unwrap();
        assert_eq!(
            p.read(T, &state).await.unwrap(),
            None,
            "drift of a copied file reads as gone"
        );
    }

    #[tokio::test]
    async fn delete_keeps_a_file_rewritten_by_its_replacement() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let p = crate::local::provider();
        let p = p.as_ref();
        let old = create(p, T, &file_config(p, &path, "v1")).await;
        let _new = create(p, T, &file_config(p, &path, "v2")).await;
        delete(p, T, &old, &file_config(p, &path, "v1")).await;
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "v2");
    }

    #[tokio::test]
    async fn invalid_configurations_are_diagnosed() {
        let p = crate::local::provider();
        let p = p.as_ref();
        let f = ("filename", Value::string("/tmp/never-written"));
        let cases: Vec<(Vec<(&str, Value)>, &str)> = vec![
            (vec![f.clone()], "but none is set"),
            (
                vec![
                    f.clone(),
                    ("content", Value::string("a")),
                    ("source", Value::string("b")),
                ],
                "`content` and `source` are set",
            ),
            (
                vec![f.clone(), ("content_base64", Value::string("not base64!"))],
                "`content_base64`",
            ),
            (
                vec![
                    f.clone(),
                    ("content", Value::string("a")),
                    ("file_permission", Value::string("999")),
                ],
                "`file_permission`",
            ),
            (
                vec![
                    f.clone(),
                    ("content", Value::string("a")),
                    ("directory_permission", Value::string("07777")),
                ],
                "`directory_permission`",
            ),
            (
                vec![
                    ("filename", Value::string("")),
                    ("content", Value::string("a")),
                ],
                "`filename`",
            ),
        ];
        for (args, fragment) in cases {
            let d = plan(p, T, None, &config(p, T, &args)).await.unwrap_err();
            assert!(
                messages(&d).contains(fragment),
                "{fragment}: {}",
                messages(&d)
            );
        }
        let unknown = config(
            p,
            T,
            &[f, ("content", Value::Unknown(infra_core::Type::String))],
        );
        assert!(p.validate_resource(T, &unknown).is_empty());
    }

    #[tokio::test]
    async fn missing_source_is_an_apply_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = crate::local::provider();
        let p = p.as_ref();
        let cfg = config(
            p,
            T,
            &[
                (
                    "filename",
                    Value::string(dir.path().join("x").to_str().unwrap()),
                ),
                (
                    "source",
                    Value::string(dir.path().join("missing").to_str().unwrap()),
                ),
            ],
        );
        let planned = plan(p, T, None, &cfg).await.unwrap().planned_state;
        let d = apply(p, T, None, Some(&planned), &cfg).await.unwrap_err();
        assert!(
            messages(&d).contains("Unable to read source file"),
            "{}",
            messages(&d)
        );
    }

    #[tokio::test]
    async fn import_is_refused() {
        let p = crate::local::provider();
        assert!(p.import(T, "/etc/hosts").await.is_err());
    }
}
