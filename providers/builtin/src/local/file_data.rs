//! Data source `local_file`: reads a file on the machine running infra.
//!
//! ```hcl
//! data "local_file" "key" {
//!   filename = "${path.module}/id_ed25519.pub"
//! }
//! ```
//!
//! Attributes: `filename` (required; relative to the working directory), and the computed
//! `content` (the file as UTF-8, invalid sequences replaced by U+FFFD), `content_base64`, `id`
//! (hex SHA-1 of the content) and the `content_*` checksums, as in Terraform's provider. A missing
//! or unreadable file is an error.

use std::path::Path;

use async_trait::async_trait;
use infra_core::{Diagnostics, Type, Value};
use infra_provider::{AttributeSchema, BlockSchema, ResourceSchema};

use super::fs::{b64, io_error, set_checksums, CHECKSUM_ATTRS};
use crate::attrs::{collect, object, required, string};
use crate::framework::DataSource;

pub(crate) struct LocalFileData;

#[async_trait]
impl DataSource for LocalFileData {
    fn type_name(&self) -> &'static str {
        "local_file"
    }

    fn schema(&self) -> ResourceSchema {
        let s = || Type::String;
        let mut block = BlockSchema::default()
            .attr(
                "filename",
                AttributeSchema::required(s()).describe("Path to the file that will be read."),
            )
            .attr(
                "content",
                AttributeSchema::computed(s())
                    .describe("Raw content of the file, as a UTF-8 string."),
            )
            .attr(
                "content_base64",
                AttributeSchema::computed(s()).describe("Base64 encoded content of the file."),
            )
            .attr(
                "id",
                AttributeSchema::computed(s())
                    .describe("The hexadecimal SHA1 checksum of the file content."),
            );
        for name in CHECKSUM_ATTRS {
            block = block.attr(
                name,
                AttributeSchema::computed(s()).describe("A checksum of the file content."),
            );
        }
        ResourceSchema { version: 0, block }
    }

    fn validate(&self, config: &Value) -> Diagnostics {
        let mut diags = Diagnostics::new();
        match object(config) {
            Ok(m) => {
                collect(&mut diags, string(m, "filename"));
            }
            Err(d) => diags.extend(d),
        }
        diags
    }

    async fn read(&self, config: &Value) -> Result<Value, Diagnostics> {
        let mut m = object(config)?.clone();
        let filename = required(string(&m, "filename")?, "filename")?;
        let bytes = std::fs::read(&filename)
            .map_err(|e| io_error("Unable to read file", Path::new(&filename), &e))?;
        m.insert(
            "content".into(),
            Value::string(String::from_utf8_lossy(&bytes).into_owned()),
        );
        m.insert("content_base64".into(), Value::string(b64(&bytes)));
        set_checksums(&mut m, &bytes);
        Ok(Value::Object(m))
    }
}

#[cfg(test)]
mod tests {
    use infra_core::Value;

    use crate::testutil::*;

    const T: &str = "local_file";

    #[tokio::test]
    async fn reads_text_and_binary_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        std::fs::write(&path, [b'h', b'i', 0xff]).unwrap();
        let p = crate::local::provider();
        let cfg = data_config(
            p.as_ref(),
            T,
            &[("filename", Value::string(path.to_str().unwrap()))],
        );
        let v = p.read_data(T, &cfg).await.unwrap();
        assert_eq!(str_attr(&v, "content"), "hi\u{fffd}");
        assert_eq!(str_attr(&v, "content_base64"), "aGn/");
        assert_eq!(str_attr(&v, "id"), str_attr(&v, "content_sha1"));
        assert!(v.is_wholly_known());
    }

    #[tokio::test]
    async fn a_missing_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = crate::local::provider();
        let cfg = data_config(
            p.as_ref(),
            T,
            &[(
                "filename",
                Value::string(dir.path().join("nope").to_str().unwrap()),
            )],
        );
        let d = p.read_data(T, &cfg).await.unwrap_err();
        assert!(
            messages(&d).contains("Unable to read file"),
            "{}",
            messages(&d)
        );
        assert!(messages(&d).contains("nope"));
    }
}
