//! File-system work shared by the `local` resources: checksums as the local provider reports
//! them, permission strings, atomic writes and error diagnostics.

use std::io::Write;
use std::path::{Path, PathBuf};

use base64::Engine;
use infra_core::{Diagnostic, Diagnostics, Value};
use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use crate::attrs::{hex, Attrs};

pub(crate) const DEFAULT_PERMISSION: &str = "0777";

/// Standard base64 with padding, as Go's `base64.StdEncoding`.
pub(crate) fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub(crate) fn b64_decode(s: &str) -> Result<Vec<u8>, String> {
    base64::engine::general_purpose::STANDARD
        .decode(s)
        .map_err(|e| e.to_string())
}

/// The hexadecimal SHA-1 of `bytes`: the id of `local_file` objects.
pub(crate) fn sha1_hex(bytes: &[u8]) -> String {
    hex(&Sha1::digest(bytes))
}

/// Sets `id` and the `content_*` checksum attributes for `bytes`.
pub(crate) fn set_checksums(m: &mut Attrs, bytes: &[u8]) {
    let sha256 = Sha256::digest(bytes);
    let sha512 = Sha512::digest(bytes);
    let sha1 = sha1_hex(bytes);
    for (name, v) in [
        ("id", sha1.clone()),
        ("content_md5", hex(&Md5::digest(bytes))),
        ("content_sha1", sha1),
        ("content_sha256", hex(&sha256)),
        ("content_base64sha256", b64(&sha256)),
        ("content_sha512", hex(&sha512)),
        ("content_base64sha512", b64(&sha512)),
    ] {
        m.insert(name.to_string(), Value::string(v));
    }
}

/// The names of the checksum attributes (besides `id`).
pub(crate) const CHECKSUM_ATTRS: [&str; 6] = [
    "content_md5",
    "content_sha1",
    "content_sha256",
    "content_base64sha256",
    "content_sha512",
    "content_base64sha512",
];

/// Parses a permission string in octal numeric notation (`"0644"`, `"755"`), as the local
/// provider accepts them; the error is a sentence for a diagnostic detail.
pub(crate) fn parse_permission(s: &str) -> Result<u32, String> {
    if !(3..=4).contains(&s.len()) {
        return Err(format!(
            "{s:?} must be 3 or 4 octal digits, such as \"0644\"."
        ));
    }
    match u32::from_str_radix(s, 8) {
        Ok(mode) if mode <= 0o777 && s.bytes().all(|b| b.is_ascii_digit()) => Ok(mode),
        _ => Err(format!("{s:?} must be in octal numeric notation between \"000\" and \"0777\", such as \"0644\".")),
    }
}

/// Writes `bytes` to `path` atomically (a temporary file in the same directory, then a rename),
/// creating missing parent directories with `dir_mode`; the file gets `file_mode` (both before
/// the umask, as Terraform's provider does).
pub(crate) fn write_atomically(
    path: &Path,
    bytes: &[u8],
    file_mode: u32,
    dir_mode: u32,
) -> Result<(), Diagnostics> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    if let Some(dir) = parent {
        if !dir.exists() {
            create_dirs(dir, dir_mode)
                .map_err(|e| io_error("Unable to create directory", dir, &e))?;
        }
    }
    let name = path.file_name().ok_or_else(|| {
        Diagnostic::error(
            "Invalid file name",
            format!(
                "The path {} does not name a file. Set `filename` to the path of a file.",
                path.display()
            ),
        )
    })?;
    let mut suffix = [0u8; 6];
    crate::rng::fill(&mut suffix)?;
    let tmp_name = format!(".{}.infra-tmp-{}", name.to_string_lossy(), hex(&suffix));
    let tmp: PathBuf = parent.map_or_else(|| PathBuf::from(&tmp_name), |d| d.join(&tmp_name));
    let result = write_new(&tmp, bytes, file_mode).and_then(|()| std::fs::rename(&tmp, path));
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(io_error("Unable to write file", path, &e).into());
    }
    Ok(())
}

fn write_new(path: &Path, bytes: &[u8], mode: u32) -> std::io::Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, mode);
    #[cfg(not(unix))]
    let _ = mode;
    let mut f = opts.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

fn create_dirs(dir: &Path, mode: u32) -> std::io::Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, mode);
    #[cfg(not(unix))]
    let _ = mode;
    b.create(dir)
}

/// A diagnostic for a failed file-system operation on `path`.
pub(crate) fn io_error(summary: &str, path: &Path, e: &std::io::Error) -> Diagnostic {
    Diagnostic::error(summary, format!("{}: {e}.", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_match_known_digests() {
        let mut m = Attrs::new();
        set_checksums(&mut m, b"hello");
        let s = |k: &str| m[k].as_str().unwrap().to_string();
        assert_eq!(s("id"), "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
        assert_eq!(s("content_sha1"), s("id"));
        assert_eq!(s("content_md5"), "5d41402abc4b2a76b9719d911017c592");
        assert_eq!(
            s("content_sha256"),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        assert_eq!(
            s("content_base64sha256"),
            "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="
        );
        assert!(s("content_sha512").starts_with("9b71d224bd62f378"));
        assert!(s("content_base64sha512").ends_with("=="));
    }

    #[test]
    fn permissions_are_three_or_four_octal_digits() {
        assert_eq!(parse_permission("0777"), Ok(0o777));
        assert_eq!(parse_permission("644"), Ok(0o644));
        assert_eq!(parse_permission("0000"), Ok(0));
        for bad in ["77", "07777", "0888", "1777", "rwx", "+644", "", "0x1f"] {
            assert!(parse_permission(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn writes_atomically_into_new_directories() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/file.txt");
        write_atomically(&path, b"one", 0o644, 0o755).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"one");
        write_atomically(&path, b"two", 0o644, 0o755).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "temporary files left behind");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode & !0o644, 0, "mode {mode:o}");
        }
    }

    #[test]
    fn write_errors_are_diagnostics() {
        let dir = tempfile::tempdir().unwrap();
        let blocker = dir.path().join("file");
        std::fs::write(&blocker, "x").unwrap();
        let d = write_atomically(&blocker.join("below"), b"x", 0o644, 0o755).unwrap_err();
        assert!(d.0[0].detail.contains("below"), "{d:?}");
    }
}
