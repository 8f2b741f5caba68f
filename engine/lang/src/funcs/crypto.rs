//! Functions of the hashing and crypto family: `base64sha256`, `base64sha512`, `md5`, `sha1`,
//! `sha256`, `sha512`, their `file*` variants, `uuid`, `uuidv5` and `bcrypt`.

use base64::Engine;
use infra_core::{Type, Value};
use sha2::Digest;

use super::filesystem::{go_io_error, resolve_path};
use super::{ret_string, FnError, FnResult, FuncContext, Functions, Param};

type HashFn = fn(&[u8]) -> Vec<u8>;

fn md5(b: &[u8]) -> Vec<u8> {
    md5::Md5::digest(b).to_vec()
}
fn sha1(b: &[u8]) -> Vec<u8> {
    sha1::Sha1::digest(b).to_vec()
}
fn sha256(b: &[u8]) -> Vec<u8> {
    sha2::Sha256::digest(b).to_vec()
}
fn sha512(b: &[u8]) -> Vec<u8> {
    sha2::Sha512::digest(b).to_vec()
}
fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(b)
}

pub(crate) fn register(f: &mut Functions) {
    macro_rules! string_hash {
        ($name:literal, $hash:expr, $enc:expr) => {
            f.def(
                $name,
                vec![Param::new("str", Type::String)],
                ret_string,
                |a, _| {
                    let h: HashFn = $hash;
                    Ok(Value::string($enc(&h(str_of(&a[0]).as_bytes()))))
                },
            )
        };
    }
    macro_rules! file_hash {
        ($name:literal, $hash:expr, $enc:expr) => {
            f.def(
                $name,
                vec![Param::new("path", Type::String)],
                ret_string,
                |a, ctx| {
                    let h: HashFn = $hash;
                    Ok(Value::string($enc(&h(&read_for_hash(str_of(&a[0]), ctx)?))))
                },
            )
        };
    }
    string_hash!("md5", md5, hex::encode);
    string_hash!("sha1", sha1, hex::encode);
    string_hash!("sha256", sha256, hex::encode);
    string_hash!("sha512", sha512, hex::encode);
    string_hash!("base64sha256", sha256, b64);
    string_hash!("base64sha512", sha512, b64);
    file_hash!("filemd5", md5, hex::encode);
    file_hash!("filesha1", sha1, hex::encode);
    file_hash!("filesha256", sha256, hex::encode);
    file_hash!("filesha512", sha512, hex::encode);
    file_hash!("filebase64sha256", sha256, b64);
    file_hash!("filebase64sha512", sha512, b64);

    f.def("uuid", vec![], ret_string, |_, ctx| {
        if ctx.impure_unknown {
            return Ok(Value::Unknown(Type::String));
        }
        Ok(Value::string(uuid::Uuid::new_v4().hyphenated().to_string()))
    });
    f.def(
        "uuidv5",
        vec![
            Param::new("namespace", Type::String),
            Param::new("name", Type::String),
        ],
        ret_string,
        uuidv5,
    );
    f.def_variadic(
        "bcrypt",
        vec![Param::new("str", Type::String)],
        Param::new("cost", Type::Number),
        ret_string,
        bcrypt,
    );
}

fn str_of(v: &Value) -> &str {
    v.as_str().expect("argument converted to string")
}

/// Reads a file for the `file*` hash functions; errors are Go's `os` errors, as Terraform returns
/// them unchanged from these functions.
fn read_for_hash(path: &str, ctx: &FuncContext) -> Result<Vec<u8>, FnError> {
    let (real, shown) = resolve_path(path, ctx).map_err(FnError::call)?;
    let mut file =
        std::fs::File::open(&real).map_err(|e| FnError::call(go_io_error("open", &shown, &e)))?;
    let mut buf = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut buf)
        .map_err(|e| FnError::call(go_io_error("read", &shown, &e)))?;
    Ok(buf)
}

fn uuidv5(a: &[Value], _: &FuncContext) -> FnResult {
    let ns_str = str_of(&a[0]);
    let ns = match ns_str {
        "dns" => uuid::Uuid::NAMESPACE_DNS,
        "url" => uuid::Uuid::NAMESPACE_URL,
        "oid" => uuid::Uuid::NAMESPACE_OID,
        "x500" => uuid::Uuid::NAMESPACE_X500,
        other => parse_go_uuid(other).map_err(|e| {
            FnError::call(format!("uuidv5() doesn't support namespace {other} ({e})"))
        })?,
    };
    Ok(Value::string(
        uuid::Uuid::new_v5(&ns, str_of(&a[1]).as_bytes())
            .hyphenated()
            .to_string(),
    ))
}

/// Parses a UUID the way Go's `github.com/google/uuid` does, with its error messages.
fn parse_go_uuid(s: &str) -> Result<uuid::Uuid, String> {
    let b = s.as_bytes();
    let xtob = |hi: u8, lo: u8| -> Option<u8> {
        let h = (hi as char).to_digit(16)?;
        let l = (lo as char).to_digit(16)?;
        Some((h * 16 + l) as u8)
    };
    let mut out = [0u8; 16];
    let body: &[u8] = match b.len() {
        36 => b,
        45 => {
            if !b[..9].eq_ignore_ascii_case(b"urn:uuid:") {
                let prefix = String::from_utf8_lossy(&b[..9]).into_owned();
                return Err(format!(
                    "invalid urn prefix: {}",
                    super::conversion::go_quote(&prefix)
                ));
            }
            &b[9..]
        }
        38 => &b[1..],
        32 => {
            for (i, o) in out.iter_mut().enumerate() {
                *o = xtob(b[i * 2], b[i * 2 + 1]).ok_or("invalid UUID format")?;
            }
            return Ok(uuid::Uuid::from_bytes(out));
        }
        n => return Err(format!("invalid UUID length: {n}")),
    };
    if body[8] != b'-' || body[13] != b'-' || body[18] != b'-' || body[23] != b'-' {
        return Err("invalid UUID format".into());
    }
    const POS: [usize; 16] = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34];
    for (o, &x) in out.iter_mut().zip(POS.iter()) {
        *o = xtob(body[x], body[x + 1]).ok_or("invalid UUID format")?;
    }
    Ok(uuid::Uuid::from_bytes(out))
}

fn bcrypt(a: &[Value], ctx: &FuncContext) -> FnResult {
    if a.len() > 2 {
        return Err(FnError::call("bcrypt() takes no more than two arguments"));
    }
    let cost = match a.get(1) {
        None => 10,
        Some(v) => {
            let n = v.as_number().expect("converted to number");
            if n.is_infinite() || !n.is_integer() {
                return Err(FnError::call(
                    "value must be a whole number, between -9223372036854775808 and 9223372036854775807",
                ));
            }
            n.to_i64().ok_or_else(|| {
                FnError::call("value must be a whole number, between -9223372036854775808 and 9223372036854775807")
            })?
        }
    };
    // Go's bcrypt silently uses the default cost below the minimum.
    let cost = if cost < 4 { 10 } else { cost };
    if cost > 31 {
        return Err(FnError::call(format!(
            "error occured generating password crypto/bcrypt: cost {cost} is outside allowed range (4,31)"
        )));
    }
    if ctx.impure_unknown {
        return Ok(Value::Unknown(Type::String));
    }
    let parts = ::bcrypt::hash_with_result(str_of(&a[0]).as_bytes(), cost as u32)
        .map_err(|e| FnError::call(format!("error occured generating password {e}")))?;
    Ok(Value::string(
        parts.format_for_version(::bcrypt::Version::TwoA),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funcs::CallError;
    use infra_core::Number;

    fn ctx(dir: &std::path::Path) -> FuncContext {
        FuncContext {
            cwd: dir.to_path_buf(),
            ..FuncContext::default()
        }
    }
    #[track_caller]
    fn check_in(c: &FuncContext, name: &str, args: Vec<Value>, want: Result<&str, &str>) {
        let got = Functions::standard().call(name, args, c);
        match (got, want) {
            (Ok(g), Ok(w)) => assert_eq!(g, Value::string(w), "{name}"),
            (Err(CallError::Failed(e)), Err(w)) => assert_eq!(e.message, w, "{name}"),
            (g, w) => panic!("{name}: got {g:?}, want {w:?}"),
        }
    }
    #[track_caller]
    fn check(name: &str, args: Vec<Value>, want: Result<&str, &str>) {
        check_in(&FuncContext::default(), name, args, want)
    }
    fn s(x: &str) -> Value {
        Value::string(x)
    }
    fn n(x: i64) -> Value {
        Value::Number(Number::from_i64(x))
    }

    #[test]
    fn string_hashes() {
        check(
            "md5",
            vec![s("hello")],
            Ok("5d41402abc4b2a76b9719d911017c592"),
        );
        check(
            "sha1",
            vec![s("hello")],
            Ok("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"),
        );
        check(
            "sha256",
            vec![s("hello")],
            Ok("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"),
        );
        check("sha512", vec![s("hello")], Ok("9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca72323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043"));
        check(
            "base64sha256",
            vec![s("hello")],
            Ok("LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="),
        );
        check("base64sha512", vec![s("hello")], Ok("m3HSJL1i83hdltRq0+o9czGb+8KJDKra4t/3JRlnPKcjI8PZm6XBHXx6zG4UuMXaDEZjR1wuXDre9G9zvN7AQw=="));
        check("md5", vec![s("")], Ok("d41d8cd98f00b204e9800998ecf8427e"));
        check(
            "sha256",
            vec![s("é")],
            Ok("4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c"),
        );
    }

    #[test]
    fn file_hashes() {
        let dir = std::env::temp_dir().join(format!("infra-crypto-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("hello.txt"), "hello\n").unwrap();
        std::fs::write(dir.join("bin.dat"), [0xff, 0xfe]).unwrap();
        let c = ctx(&dir);
        check_in(
            &c,
            "filemd5",
            vec![s("hello.txt")],
            Ok("b1946ac92492d2347c6235b4d2611184"),
        );
        check_in(
            &c,
            "filesha1",
            vec![s("bin.dat")],
            Ok("d62636d8caec13f04e28442a0a6fa1afeb024bbb"),
        );
        check_in(
            &c,
            "filebase64sha256",
            vec![s("hello.txt")],
            Ok("WJG1tSLV3whtD/CxEPvZ0hu0/HFjrzTQgoai6Eb2vgM="),
        );
        check_in(&c, "filebase64sha512", vec![s("./hello.txt")], Ok("58IrmUxZ2c8rSOVJseJGZmNgRZMNPafBrLKZ0cO3+TH5Sq5B7dosKyB6NuEPi8uNRSI+VIePWzFufOO2vAGWKQ=="));
        check_in(
            &c,
            "filesha256",
            vec![s("nope")],
            Err("open nope: no such file or directory"),
        );
        check_in(
            &c,
            "filesha512",
            vec![s("sub")],
            Err("read sub: is a directory"),
        );
        check_in(
            &c,
            "filesha256",
            vec![s("./sub/../nope")],
            Err("open nope: no such file or directory"),
        );
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn uuids() {
        check(
            "uuidv5",
            vec![s("dns"), s("www.terraform.io")],
            Ok("a5008fae-b28c-5ba5-96cd-82b4c53552d6"),
        );
        check(
            "uuidv5",
            vec![s("url"), s("https://www.terraform.io/")],
            Ok("9db6f67c-dd95-5ea0-aa5b-e70e5c5f7cf5"),
        );
        check(
            "uuidv5",
            vec![s("oid"), s("1.2.3")],
            Ok("42d5e23b-3a02-5135-85c6-52d1102f1f00"),
        );
        check(
            "uuidv5",
            vec![s("x500"), s("cn=x")],
            Ok("a951fb6d-5aab-5a72-8e2e-9aa8df8d1f8f"),
        );
        check(
            "uuidv5",
            vec![
                s("6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
                s("www.terraform.io"),
            ],
            Ok("a5008fae-b28c-5ba5-96cd-82b4c53552d6"),
        );
        check(
            "uuidv5",
            vec![s("{6ba7b810-9dad-11d1-80b4-00c04fd430c8}"), s("x")],
            Ok("05b16a01-46c6-56dd-bd6e-c6dfb4a1427a"),
        );
        check(
            "uuidv5",
            vec![s("urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8"), s("x")],
            Ok("05b16a01-46c6-56dd-bd6e-c6dfb4a1427a"),
        );
        check(
            "uuidv5",
            vec![s("6ba7b8109dad11d180b400c04fd430c8"), s("x")],
            Ok("05b16a01-46c6-56dd-bd6e-c6dfb4a1427a"),
        );
        check(
            "uuidv5",
            vec![s("[6ba7b810-9dad-11d1-80b4-00c04fd430c8]"), s("x")],
            Ok("05b16a01-46c6-56dd-bd6e-c6dfb4a1427a"),
        );
        check("uuidv5", vec![s("urn:uuix:6ba7b810-9dad-11d1-80b4-00c04fd430c8"), s("x")], Err("uuidv5() doesn't support namespace urn:uuix:6ba7b810-9dad-11d1-80b4-00c04fd430c8 (invalid urn prefix: \"urn:uuix:\")"));
        check(
            "uuidv5",
            vec![s("DNS"), s("x")],
            Err("uuidv5() doesn't support namespace DNS (invalid UUID length: 3)"),
        );
        check("uuidv5", vec![s("6ba7b810-9dad-11d1-80b4-00c04fd430cZ"), s("x")], Err("uuidv5() doesn't support namespace 6ba7b810-9dad-11d1-80b4-00c04fd430cZ (invalid UUID format)"));
        let u = Functions::standard()
            .call("uuid", vec![], &FuncContext::default())
            .unwrap();
        let u = u.as_str().unwrap().to_string();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        let c = FuncContext {
            impure_unknown: true,
            ..FuncContext::default()
        };
        assert_eq!(
            Functions::standard().call("uuid", vec![], &c).unwrap(),
            Value::Unknown(Type::String)
        );
    }

    #[test]
    fn bcrypt_hashes() {
        let f = Functions::standard();
        let c = FuncContext::default();
        let h = f.call("bcrypt", vec![s("hello"), n(4)], &c).unwrap();
        let h = h.as_str().unwrap().to_string();
        assert!(h.starts_with("$2a$04$") && h.len() == 60, "{h}");
        assert!(::bcrypt::verify("hello", &h).unwrap());
        let h = f.call("bcrypt", vec![s("hello"), n(3)], &c).unwrap();
        assert!(h.as_str().unwrap().starts_with("$2a$10$"));
        let long = "a".repeat(80);
        assert!(f.call("bcrypt", vec![s(&long), n(4)], &c).is_ok());
        check("bcrypt", vec![s("hello"), n(32)], Err("error occured generating password crypto/bcrypt: cost 32 is outside allowed range (4,31)"));
        check("bcrypt", vec![s("hello"), Value::Number(Number::parse("4.5").unwrap())], Err("value must be a whole number, between -9223372036854775808 and 9223372036854775807"));
        check(
            "bcrypt",
            vec![s("a"), n(4), n(5)],
            Err("bcrypt() takes no more than two arguments"),
        );
        let u = FuncContext {
            impure_unknown: true,
            ..FuncContext::default()
        };
        assert_eq!(
            f.call("bcrypt", vec![s("hello")], &u).unwrap(),
            Value::Unknown(Type::String)
        );
    }
}
