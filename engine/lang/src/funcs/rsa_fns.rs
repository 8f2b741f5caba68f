//! `rsadecrypt(ciphertext, privatekey)`, as Terraform 1.0.3 implements it with Go's libraries.
//!
//! Terraform decodes the ciphertext with `base64.StdEncoding`, parses the key with
//! `ssh.ParseRawPrivateKey` (PEM: PKCS#1 `RSA PRIVATE KEY`, PKCS#8 `PRIVATE KEY`, SEC 1
//! `EC PRIVATE KEY`, `DSA PRIVATE KEY` and `OPENSSH PRIVATE KEY`) and decrypts with
//! `rsa.DecryptPKCS1v15`. Its error messages come straight from Go's `encoding/pem`,
//! `encoding/asn1`, `crypto/x509`, `crypto/rsa` and `x/crypto/ssh`, so this module parses keys
//! itself, the way those packages do, to report the same messages. The private-key operation is
//! the `rsa` crate's (blinded, and checked by re-encryption); the PKCS#1 v1.5 unpadding is Go's,
//! which reports bad padding as an error (the `rsa` crate's own decryption uses implicit
//! rejection and would return a synthetic plaintext instead).
//!
//! Known differences, where Go's output cannot or should not be reproduced:
//! - a plaintext that is not valid UTF-8 has its bad bytes replaced by U+FFFD (Go keeps them);
//! - a successfully parsed ECDSA key is reported as `invalid private key type *ecdsa.PrivateKey`:
//!   Go's `%t` rendering of the key contains memory addresses;
//! - an encrypted `OPENSSH PRIVATE KEY` is reported as passphrase protected without first
//!   checking that its embedded public key parses;
//! - for ECDSA keys in the OpenSSH format the public key is not checked against the private one.

use infra_core::{Type, Value};
use num_bigint::{BigInt, BigUint, Sign};
use num_integer::Integer;
use num_traits::{One, Signed, Zero};
use sha2::Digest;

use super::conversion::go_quote;
use super::encoding::go_base64_decode;
use super::{ret_string, FnError, FnResult, FuncContext, Functions, Param};

pub(crate) fn register(f: &mut Functions) {
    f.def(
        "rsadecrypt",
        vec![
            Param::new("ciphertext", Type::String),
            Param::new("privatekey", Type::String),
        ],
        ret_string,
        rsadecrypt,
    );
}

fn str_of(v: &Value) -> &str {
    v.as_str().expect("argument converted to string")
}

fn rsadecrypt(a: &[Value], _: &FuncContext) -> FnResult {
    let s = str_of(&a[0]);
    let ciphertext = go_base64_decode(s.as_bytes()).map_err(|_| {
        FnError::arg(
            0,
            format!(
                "Invalid value for \"ciphertext\" parameter: failed to decode input {}: cipher text must be base64-encoded.",
                go_quote(s)
            ),
        )
    })?;
    let key = match parse_raw_private_key(str_of(&a[1]).as_bytes()) {
        Ok(RawKey::Rsa(k)) => k,
        Ok(other) => {
            return Err(FnError::arg(
                1,
                format!(
                    "Invalid value for \"privatekey\" parameter: invalid private key type {}.",
                    other.go_format_t()
                ),
            ))
        }
        Err(e) => {
            return Err(FnError::arg(
                1,
                format!(
                    "Invalid value for \"privatekey\" parameter: {}.",
                    go_sprintf_no_args(&e.terraform_message())
                ),
            ))
        }
    };
    let plaintext = decrypt_pkcs1v15(&key, &ciphertext)
        .ok_or_else(|| FnError::call("failed to decrypt: crypto/rsa: decryption error"))?;
    Ok(Value::string(String::from_utf8_lossy(&plaintext)))
}

// ---- Errors ----

/// An error of Go's key parsing, keeping the type Terraform's message depends on.
#[derive(Clone, Debug, PartialEq, Eq)]
enum GoErr {
    /// `asn1.SyntaxError`.
    Syntax(String),
    /// `asn1.StructuralError`.
    Structural(String),
    /// Any other error: its text.
    Other(String),
}

impl GoErr {
    /// The error's `Error()` text.
    fn text(&self) -> String {
        match self {
            GoErr::Syntax(m) => format!("asn1: syntax error: {m}"),
            GoErr::Structural(m) => format!("asn1: structure error: {m}"),
            GoErr::Other(m) => m.clone(),
        }
    }

    /// What Terraform makes of the error (before passing it to a printf-style function as the
    /// format). Its replacement for structural errors has a typo ("struture"), so they stay as
    /// they are.
    fn terraform_message(&self) -> String {
        match self {
            GoErr::Syntax(_) => self.text().replace(
                "asn1: syntax error",
                "invalid ASN1 data in the given private key",
            ),
            GoErr::Structural(_) => self.text().replace(
                "asn1: struture error",
                "invalid ASN1 data in the given private key",
            ),
            GoErr::Other(m) => format!("invalid private key: {m}"),
        }
    }
}

fn other(m: impl Into<String>) -> GoErr {
    GoErr::Other(m.into())
}
fn syntax(m: impl Into<String>) -> GoErr {
    GoErr::Syntax(m.into())
}
fn structural(m: impl Into<String>) -> GoErr {
    GoErr::Structural(m.into())
}

/// Go's `fmt.Sprintf(format)` with no arguments: Terraform 1.0.3 passes its key error message as
/// the format string, so verbs in it become `%!v(MISSING)` and `%%` becomes `%`.
fn go_sprintf_no_args(format: &str) -> String {
    let b = format.as_bytes();
    let end = b.len();
    let parsenum = |i: &mut usize| -> bool {
        let mut num: u64 = 0;
        let mut isnum = false;
        while *i < end && b[*i].is_ascii_digit() {
            if num > 1_000_000 {
                *i = end;
                return false;
            }
            num = num * 10 + u64::from(b[*i] - b'0');
            isnum = true;
            *i += 1;
        }
        isnum
    };
    // An explicit argument index `[n]`: with no arguments it is always bad. Returns whether one
    // was found (well formed).
    let arg_number = |i: &mut usize, good: &mut bool| -> bool {
        if *i >= end || b[*i] != b'[' {
            return false;
        }
        let f = &b[*i..];
        let (wid, ok) = if f.len() < 3 {
            (1, false)
        } else if let Some(close) = f.iter().skip(1).position(|&c| c == b']').map(|p| p + 1) {
            let digits = f[1..close]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
            (close + 1, digits > 0 && digits == close - 1 && digits <= 7)
        } else {
            (1, false)
        };
        *good = false;
        *i += wid;
        ok
    };
    let mut out = String::with_capacity(format.len());
    let mut i = 0;
    while i < end {
        let lasti = i;
        while i < end && b[i] != b'%' {
            i += 1;
        }
        out.push_str(&format[lasti..i]);
        if i >= end {
            break;
        }
        i += 1;
        let mut good = true;
        while i < end && matches!(b[i], b'#' | b'0' | b'+' | b'-' | b' ') {
            i += 1;
        }
        let mut after_index = arg_number(&mut i, &mut good);
        if i < end && b[i] == b'*' {
            i += 1;
            out.push_str("%!(BADWIDTH)");
            after_index = false;
        } else if parsenum(&mut i) && after_index {
            good = false;
        }
        if i + 1 < end && b[i] == b'.' {
            i += 1;
            if after_index {
                good = false;
            }
            after_index = arg_number(&mut i, &mut good);
            if i < end && b[i] == b'*' {
                i += 1;
                out.push_str("%!(BADPREC)");
                after_index = false;
            } else {
                parsenum(&mut i);
            }
        }
        if !after_index {
            arg_number(&mut i, &mut good);
        }
        if i >= end {
            out.push_str("%!(NOVERB)");
            break;
        }
        let verb = format[i..].chars().next().expect("i < end");
        i += verb.len_utf8();
        if verb == '%' {
            out.push('%');
        } else if !good {
            out.push_str(&format!("%!{verb}(BADINDEX)"));
        } else {
            out.push_str(&format!("%!{verb}(MISSING)"));
        }
    }
    out
}

// ---- Keys ----

/// An RSA key as Go holds it after parsing and `Validate`.
#[derive(Clone, Debug)]
struct GoRsaKey {
    n: BigUint,
    e: i64,
    d: BigInt,
    primes: Vec<BigUint>,
}

/// What `ssh.ParseRawPrivateKey` returns.
enum RawKey {
    Rsa(GoRsaKey),
    /// An `ed25519.PrivateKey` (seed and public key); `pointer` when Go returns a pointer to it
    /// (the OpenSSH format).
    Ed25519 {
        key: Vec<u8>,
        pointer: bool,
    },
    Ecdsa,
    Dsa {
        p: BigInt,
        q: BigInt,
        g: BigInt,
        y: BigInt,
        x: BigInt,
    },
}

impl RawKey {
    /// The key as Go's `fmt` renders it with the (wrong) verb `%t`.
    fn go_format_t(&self) -> String {
        let big = |x: &BigInt| format!("%!t(big.Int={x})");
        match self {
            RawKey::Rsa(_) => "*rsa.PrivateKey".into(),
            RawKey::Ed25519 { key, pointer } => {
                let bytes: Vec<String> = key.iter().map(|b| format!("%!t(uint8={b})")).collect();
                format!("{}[{}]", if *pointer { "&" } else { "" }, bytes.join(" "))
            }
            RawKey::Ecdsa => "*ecdsa.PrivateKey".into(),
            RawKey::Dsa { p, q, g, y, x } => format!(
                "&{{{{{{{} {} {}}} {}}} {}}}",
                big(p),
                big(q),
                big(g),
                big(y),
                big(x)
            ),
        }
    }
}

/// `ssh.ParseRawPrivateKey`.
fn parse_raw_private_key(data: &[u8]) -> Result<RawKey, GoErr> {
    let block = pem_decode(data).ok_or_else(|| other("ssh: no key found"))?;
    if block
        .headers
        .get("Proc-Type")
        .is_some_and(|v| v.contains("ENCRYPTED"))
    {
        return Err(other("ssh: this private key is passphrase protected"));
    }
    match block.typ.as_str() {
        "RSA PRIVATE KEY" => parse_pkcs1(&block.bytes).map(RawKey::Rsa),
        "PRIVATE KEY" => parse_pkcs8(&block.bytes),
        "EC PRIVATE KEY" => parse_ec(None, &block.bytes),
        "DSA PRIVATE KEY" => parse_dsa(&block.bytes),
        "OPENSSH PRIVATE KEY" => parse_openssh(&block.bytes),
        t => Err(other(format!("ssh: unsupported key type {}", go_quote(t)))),
    }
}

/// `rsa.PrivateKey.Validate`, for a key whose parser checked nothing else.
fn validate_rsa(n: &BigInt, e: i64, d: &BigInt, primes: &[BigInt]) -> Result<GoRsaKey, GoErr> {
    if e < 2 {
        return Err(other("crypto/rsa: public exponent too small"));
    }
    if e > (1 << 31) - 1 {
        return Err(other("crypto/rsa: public exponent too large"));
    }
    let mut modulus = BigInt::one();
    for p in primes {
        if *p <= BigInt::one() {
            return Err(other("crypto/rsa: invalid prime value"));
        }
        modulus *= p;
    }
    if modulus != *n {
        return Err(other("crypto/rsa: invalid modulus"));
    }
    let de = d * BigInt::from(e);
    for p in primes {
        if de.mod_floor(&(p - BigInt::one())) != BigInt::one() {
            return Err(other("crypto/rsa: invalid exponents"));
        }
    }
    let unsigned = |x: &BigInt| x.to_biguint().expect("checked positive");
    Ok(GoRsaKey {
        n: unsigned(n),
        e,
        d: d.clone(),
        primes: primes.iter().map(unsigned).collect(),
    })
}

// ---- PKCS#1, PKCS#8, SEC 1 and DSA keys (crypto/x509, x/crypto/ssh) ----

const OID_RSA: &[i64] = &[1, 2, 840, 113549, 1, 1, 1];
const OID_ECDSA: &[i64] = &[1, 2, 840, 10045, 2, 1];
const OID_ED25519: &[i64] = &[1, 3, 101, 112];

/// `x509.ParsePKCS1PrivateKey`.
fn parse_pkcs1(der: &[u8]) -> Result<GoRsaKey, GoErr> {
    let v = match unmarshal(der, PKCS1) {
        Ok((_, rest)) if !rest.is_empty() => return Err(syntax("trailing data")),
        Ok((v, _)) => v,
        Err(e) => {
            if unmarshal(der, EC_PRIVATE_KEY).is_ok() {
                return Err(other("x509: failed to parse private key (use ParseECPrivateKey instead for this key format)"));
            }
            if unmarshal(der, PKCS8).is_ok() {
                return Err(other("x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)"));
            }
            return Err(e);
        }
    };
    let f = v.fields();
    if f[0].int() > 1 {
        return Err(other("x509: unsupported private key version"));
    }
    let (n, e, d, p, q) = (f[1].big(), f[2].int(), f[3].big(), f[4].big(), f[5].big());
    if [n, d, p, q].iter().any(|x| !x.is_positive()) {
        return Err(other("x509: private key contains zero or negative value"));
    }
    let mut primes = vec![p.clone(), q.clone()];
    if let Val::Seq(extra) = &f[9] {
        for a in extra {
            let prime = a.fields()[0].big();
            if !prime.is_positive() {
                return Err(other("x509: private key contains zero or negative prime"));
            }
            primes.push(prime.clone());
        }
    }
    validate_rsa(n, e, d, &primes)
}

/// `x509.ParsePKCS8PrivateKey`.
fn parse_pkcs8(der: &[u8]) -> Result<RawKey, GoErr> {
    let v = match unmarshal(der, PKCS8) {
        Ok((v, _)) => v,
        Err(e) => {
            if unmarshal(der, EC_PRIVATE_KEY).is_ok() {
                return Err(other("x509: failed to parse private key (use ParseECPrivateKey instead for this key format)"));
            }
            if unmarshal(der, PKCS1).is_ok() {
                return Err(other("x509: failed to parse private key (use ParsePKCS1PrivateKey instead for this key format)"));
            }
            return Err(e);
        }
    };
    let f = v.fields();
    let algo = f[1].fields();
    let oid = algo[0].oid();
    let params: &[u8] = match &algo[1] {
        Val::Raw(full) => full,
        _ => &[],
    };
    let private_key = f[2].bytes();
    if oid == OID_RSA {
        parse_pkcs1(private_key).map(RawKey::Rsa).map_err(|e| {
            other(format!(
                "x509: failed to parse RSA private key embedded in PKCS#8: {}",
                e.text()
            ))
        })
    } else if oid == OID_ECDSA {
        // Parameters that are not an OID leave the curve to the key itself.
        let named = match unmarshal(params, Kind::Oid) {
            Ok((Val::Oid(o), _)) => Some(o),
            _ => None,
        };
        parse_ec(named, private_key).map_err(|e| {
            other(format!(
                "x509: failed to parse EC private key embedded in PKCS#8: {}",
                e.text()
            ))
        })
    } else if oid == OID_ED25519 {
        if !params.is_empty() {
            return Err(other("x509: invalid Ed25519 private key parameters"));
        }
        let seed = match unmarshal(private_key, Kind::Octets) {
            Ok((Val::Bytes(b), _)) => b,
            Ok(_) => unreachable!("octet string"),
            Err(e) => {
                return Err(other(format!(
                    "x509: invalid Ed25519 private key: {}",
                    e.text()
                )))
            }
        };
        if seed.len() != 32 {
            return Err(other(format!(
                "x509: invalid Ed25519 private key length: {}",
                seed.len()
            )));
        }
        let mut key = seed.clone();
        key.extend_from_slice(&ed25519_public_key(&seed));
        Ok(RawKey::Ed25519 {
            key,
            pointer: false,
        })
    } else {
        let dotted: Vec<String> = oid.iter().map(|c| c.to_string()).collect();
        Err(other(format!(
            "x509: PKCS#8 wrapping contained private key with unknown algorithm: {}",
            dotted.join(".")
        )))
    }
}

/// The order of the curves Go knows, by OID.
fn ec_curve_order(oid: &[i64]) -> Option<BigUint> {
    let hex = match oid {
        [1, 3, 132, 0, 33] => "ffffffffffffffffffffffffffff16a2e0b8f03e13dd29455c5c2a3d",
        [1, 2, 840, 10045, 3, 1, 7] => {
            "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"
        }
        [1, 3, 132, 0, 34] => "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
        [1, 3, 132, 0, 35] => "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
        _ => return None,
    };
    BigUint::parse_bytes(hex.as_bytes(), 16)
}

/// `x509.parseECPrivateKey`: `named` is the curve given by a PKCS#8 wrapper.
fn parse_ec(named: Option<Vec<i64>>, der: &[u8]) -> Result<RawKey, GoErr> {
    let v = match unmarshal(der, EC_PRIVATE_KEY) {
        Ok((v, _)) => v,
        Err(e) => {
            if unmarshal(der, PKCS8).is_ok() {
                return Err(other("x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)"));
            }
            if unmarshal(der, PKCS1).is_ok() {
                return Err(other("x509: failed to parse private key (use ParsePKCS1PrivateKey instead for this key format)"));
            }
            return Err(other(format!(
                "x509: failed to parse EC private key: {}",
                e.text()
            )));
        }
    };
    let f = v.fields();
    let version = f[0].int();
    if version != 1 {
        return Err(other(format!(
            "x509: unknown EC private key version {version}"
        )));
    }
    let oid = match (named, &f[2]) {
        (Some(named), _) => named,
        (None, Val::Oid(own)) => own.clone(),
        (None, _) => Vec::new(),
    };
    let order = ec_curve_order(&oid).ok_or_else(|| other("x509: unknown elliptic curve"))?;
    let mut k = f[1].bytes();
    if BigUint::from_bytes_be(k) >= order {
        return Err(other("x509: invalid elliptic curve private key value"));
    }
    let len = order.bits().div_ceil(8) as usize;
    while k.len() > len {
        if k[0] != 0 {
            return Err(other("x509: invalid private key length"));
        }
        k = &k[1..];
    }
    Ok(RawKey::Ecdsa)
}

/// `ssh.ParseDSAPrivateKey`.
fn parse_dsa(der: &[u8]) -> Result<RawKey, GoErr> {
    let (v, rest) = unmarshal(der, DSA)
        .map_err(|e| other(format!("ssh: failed to parse DSA key: {}", e.text())))?;
    if !rest.is_empty() {
        return Err(other("ssh: garbage after DSA key"));
    }
    let f = v.fields();
    Ok(RawKey::Dsa {
        p: f[1].big().clone(),
        q: f[2].big().clone(),
        g: f[3].big().clone(),
        y: f[4].big().clone(),
        x: f[5].big().clone(),
    })
}

// ---- encoding/asn1 ----

/// A Go type `asn1.Unmarshal` decodes into.
#[derive(Clone, Copy)]
enum Kind {
    /// `int` (64 bits).
    Int,
    /// `*big.Int`.
    Big,
    /// `[]byte`.
    Octets,
    /// `asn1.ObjectIdentifier`.
    Oid,
    /// `asn1.BitString`.
    Bits,
    /// `asn1.RawValue`.
    Raw,
    /// A struct type, by its Go name (empty for an anonymous one).
    Struct(&'static str, &'static [Field]),
    /// A slice of some other type.
    SeqOf(&'static Kind),
}

/// A struct field: its type and `asn1:"..."` tag.
#[derive(Clone, Copy)]
struct Field {
    kind: Kind,
    optional: bool,
    /// `explicit,tag:N`.
    explicit: Option<u32>,
}

const fn req(kind: Kind) -> Field {
    Field {
        kind,
        optional: false,
        explicit: None,
    }
}
const fn opt(kind: Kind) -> Field {
    Field {
        kind,
        optional: true,
        explicit: None,
    }
}
const fn opt_explicit(kind: Kind, tag: u32) -> Field {
    Field {
        kind,
        optional: true,
        explicit: Some(tag),
    }
}

const PKCS1_ADDITIONAL_PRIME: Kind = Kind::Struct(
    "pkcs1AdditionalRSAPrime",
    &[req(Kind::Big), req(Kind::Big), req(Kind::Big)],
);
const PKCS1: Kind = Kind::Struct(
    "pkcs1PrivateKey",
    &[
        req(Kind::Int),
        req(Kind::Big),
        req(Kind::Int),
        req(Kind::Big),
        req(Kind::Big),
        req(Kind::Big),
        opt(Kind::Big),
        opt(Kind::Big),
        opt(Kind::Big),
        opt(Kind::SeqOf(&PKCS1_ADDITIONAL_PRIME)),
    ],
);
const PKCS8: Kind = Kind::Struct(
    "pkcs8",
    &[
        req(Kind::Int),
        req(Kind::Struct(
            "AlgorithmIdentifier",
            &[req(Kind::Oid), opt(Kind::Raw)],
        )),
        req(Kind::Octets),
    ],
);
const EC_PRIVATE_KEY: Kind = Kind::Struct(
    "ecPrivateKey",
    &[
        req(Kind::Int),
        req(Kind::Octets),
        opt_explicit(Kind::Oid, 0),
        opt_explicit(Kind::Bits, 1),
    ],
);
const DSA: Kind = Kind::Struct(
    "",
    &[
        req(Kind::Int),
        req(Kind::Big),
        req(Kind::Big),
        req(Kind::Big),
        req(Kind::Big),
        req(Kind::Big),
    ],
);

impl Kind {
    /// The universal tag and constructedness the type expects; `None` for `RawValue` (any).
    fn universal(self) -> Option<(u32, bool)> {
        match self {
            Kind::Int | Kind::Big => Some((2, false)),
            Kind::Octets => Some((4, false)),
            Kind::Oid => Some((6, false)),
            Kind::Bits => Some((3, false)),
            Kind::Raw => None,
            Kind::Struct(..) | Kind::SeqOf(_) => Some((16, true)),
        }
    }
    /// `reflect.Type.Name()`: empty for unnamed types.
    fn go_name(self) -> &'static str {
        match self {
            Kind::Int => "int",
            Kind::Oid => "ObjectIdentifier",
            Kind::Bits => "BitString",
            Kind::Raw => "RawValue",
            Kind::Struct(name, _) => name,
            Kind::Big | Kind::Octets | Kind::SeqOf(_) => "",
        }
    }
}

/// A decoded value.
#[derive(Clone, Debug)]
enum Val {
    /// An optional field that is not there.
    Absent,
    Int(i64),
    Big(BigInt),
    Bytes(Vec<u8>),
    Oid(Vec<i64>),
    Bits,
    /// A `RawValue`'s `FullBytes`.
    Raw(Vec<u8>),
    Struct(Vec<Val>),
    Seq(Vec<Val>),
}

impl Val {
    fn fields(&self) -> &[Val] {
        match self {
            Val::Struct(f) => f,
            _ => unreachable!("struct expected"),
        }
    }
    fn int(&self) -> i64 {
        match self {
            Val::Int(i) => *i,
            _ => unreachable!("int expected"),
        }
    }
    fn big(&self) -> &BigInt {
        match self {
            Val::Big(b) => b,
            _ => unreachable!("big.Int expected"),
        }
    }
    fn bytes(&self) -> &[u8] {
        match self {
            Val::Bytes(b) => b,
            _ => unreachable!("[]byte expected"),
        }
    }
    fn oid(&self) -> &[i64] {
        match self {
            Val::Oid(o) => o,
            _ => unreachable!("ObjectIdentifier expected"),
        }
    }
}

#[derive(Clone, Copy)]
struct TagAndLength {
    class: u8,
    tag: u32,
    length: usize,
    compound: bool,
}

/// `asn1.Unmarshal`: the value and the bytes after it.
fn unmarshal(b: &[u8], kind: Kind) -> Result<(Val, &[u8]), GoErr> {
    let (v, offset) = parse_field(&req(kind), b, 0)?;
    Ok((v, &b[offset..]))
}

fn parse_base128_int(b: &[u8], mut offset: usize) -> Result<(u32, usize), GoErr> {
    let mut ret: i64 = 0;
    let mut shifted = 0;
    while offset < b.len() {
        if shifted == 5 {
            return Err(structural("base 128 integer too large"));
        }
        ret <<= 7;
        let c = b[offset];
        if shifted == 0 && c == 0x80 {
            return Err(syntax("integer is not minimally encoded"));
        }
        ret |= i64::from(c & 0x7f);
        offset += 1;
        if c & 0x80 == 0 {
            if ret > i64::from(i32::MAX) {
                return Err(structural("base 128 integer too large"));
            }
            return Ok((ret as u32, offset));
        }
        shifted += 1;
    }
    Err(syntax("truncated base 128 integer"))
}

/// `parseTagAndLength`; `offset < b.len()`.
fn parse_tag_and_length(b: &[u8], mut offset: usize) -> Result<(TagAndLength, usize), GoErr> {
    let c = b[offset];
    offset += 1;
    let mut t = TagAndLength {
        class: c >> 6,
        compound: c & 0x20 == 0x20,
        tag: u32::from(c & 0x1f),
        length: 0,
    };
    if t.tag == 0x1f {
        let (tag, o) = parse_base128_int(b, offset)?;
        t.tag = tag;
        offset = o;
        if t.tag < 0x1f {
            return Err(syntax("non-minimal tag"));
        }
    }
    if offset >= b.len() {
        return Err(syntax("truncated tag or length"));
    }
    let c = b[offset];
    offset += 1;
    if c & 0x80 == 0 {
        t.length = usize::from(c & 0x7f);
    } else {
        let num = c & 0x7f;
        if num == 0 {
            return Err(syntax("indefinite length found (not DER)"));
        }
        for _ in 0..num {
            if offset >= b.len() {
                return Err(syntax("truncated tag or length"));
            }
            let c = b[offset];
            offset += 1;
            if t.length >= 1 << 23 {
                return Err(structural("length too large"));
            }
            t.length = (t.length << 8) | usize::from(c);
            if t.length == 0 {
                return Err(structural("superfluous leading zeros in length"));
            }
        }
        if t.length < 0x80 {
            return Err(structural("non-minimal length"));
        }
    }
    Ok((t, offset))
}

fn check_integer(b: &[u8]) -> Result<(), GoErr> {
    if b.is_empty() {
        return Err(structural("empty integer"));
    }
    if b.len() > 1 && ((b[0] == 0 && b[1] & 0x80 == 0) || (b[0] == 0xff && b[1] & 0x80 == 0x80)) {
        return Err(structural("integer not minimally-encoded"));
    }
    Ok(())
}

fn parse_field(f: &Field, b: &[u8], init: usize) -> Result<(Val, usize), GoErr> {
    if init == b.len() {
        return if f.optional {
            Ok((Val::Absent, init))
        } else {
            Err(syntax("sequence truncated"))
        };
    }
    let (mut t, mut offset) = parse_tag_and_length(b, init)?;
    if let Some(tag) = f.explicit {
        if offset == b.len() {
            return Err(structural("explicit tag has no child"));
        }
        if t.class == 2 && t.tag == tag && (t.length == 0 || t.compound) {
            if matches!(f.kind, Kind::Raw) {
                // The inner element is not parsed for RawValues.
            } else if t.length > 0 {
                (t, offset) = parse_tag_and_length(b, offset)?;
            } else {
                return Err(structural("zero length explicit tag was not an asn1.Flag"));
            }
        } else if f.optional {
            return Ok((Val::Absent, init));
        } else {
            return Err(structural("explicitly tagged member didn't match"));
        }
    }
    if let Some((tag, compound)) = f.kind.universal() {
        if t.class != 0 || t.tag != tag || t.compound != compound {
            if f.optional {
                return Ok((Val::Absent, init));
            }
            // Only fields without a tag or default are ever reported here.
            return Err(structural(format!(
                "tags don't match ({tag} vs {{class:{} tag:{} length:{} isCompound:{}}}) {{optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> stringType:0 timeType:0 set:false omitEmpty:false}} {} @{offset}",
                t.class,
                t.tag,
                t.length,
                t.compound,
                f.kind.go_name()
            )));
        }
    }
    let end = match offset.checked_add(t.length) {
        Some(end) if end <= b.len() => end,
        _ => return Err(syntax("data truncated")),
    };
    let inner = &b[offset..end];
    let v = match f.kind {
        Kind::Raw => Val::Raw(b[init..end].to_vec()),
        Kind::Oid => Val::Oid(parse_object_identifier(inner)?),
        Kind::Bits => {
            let pad = *inner
                .first()
                .ok_or_else(|| syntax("zero length BIT STRING"))?;
            if pad > 7
                || (inner.len() == 1 && pad > 0)
                || inner[inner.len() - 1] & ((1 << pad) - 1) != 0
            {
                return Err(syntax("invalid padding bits in BIT STRING"));
            }
            Val::Bits
        }
        Kind::Big => {
            check_integer(inner)?;
            Val::Big(BigInt::from_signed_bytes_be(inner))
        }
        Kind::Int => {
            check_integer(inner)?;
            if inner.len() > 8 {
                return Err(structural("integer too large"));
            }
            let mut v: i64 = if inner[0] & 0x80 != 0 { -1 } else { 0 };
            for &c in inner {
                v = (v << 8) | i64::from(c);
            }
            Val::Int(v)
        }
        Kind::Octets => Val::Bytes(inner.to_vec()),
        Kind::Struct(_, fields) => {
            let mut vals = Vec::with_capacity(fields.len());
            let mut o = 0;
            for field in fields {
                let (v, next) = parse_field(field, inner, o)?;
                vals.push(v);
                o = next;
            }
            // Extra bytes at the end of a SEQUENCE are allowed.
            Val::Struct(vals)
        }
        Kind::SeqOf(elem) => Val::Seq(parse_sequence_of(inner, *elem)?),
    };
    Ok((v, end))
}

fn parse_sequence_of(b: &[u8], elem: Kind) -> Result<Vec<Val>, GoErr> {
    let (tag, compound) = elem.universal().expect("no slices of RawValue");
    let mut count = 0;
    let mut offset = 0;
    while offset < b.len() {
        let (mut t, o) = parse_tag_and_length(b, offset)?;
        offset = o;
        // Go treats the string types alike, and the time types alike.
        match t.tag {
            22 | 27 | 20 | 12 | 18 | 30 => t.tag = 19,
            24 | 23 => t.tag = 23,
            _ => {}
        }
        if t.class != 0 || t.compound != compound || t.tag != tag {
            return Err(structural("sequence tag mismatch"));
        }
        match offset.checked_add(t.length) {
            Some(end) if end <= b.len() => offset = end,
            _ => return Err(syntax("truncated sequence")),
        }
        count += 1;
    }
    let mut vals = Vec::with_capacity(count);
    let mut offset = 0;
    for _ in 0..count {
        let (v, o) = parse_field(&req(elem), b, offset)?;
        vals.push(v);
        offset = o;
    }
    Ok(vals)
}

fn parse_object_identifier(b: &[u8]) -> Result<Vec<i64>, GoErr> {
    if b.is_empty() {
        return Err(syntax("zero length OBJECT IDENTIFIER"));
    }
    let (v, mut offset) = parse_base128_int(b, 0)?;
    let v = i64::from(v);
    let mut s = if v < 80 {
        vec![v / 40, v % 40]
    } else {
        vec![2, v - 80]
    };
    while offset < b.len() {
        let (v, o) = parse_base128_int(b, offset)?;
        s.push(i64::from(v));
        offset = o;
    }
    Ok(s)
}

// ---- encoding/pem ----

struct PemBlock {
    typ: String,
    headers: std::collections::HashMap<String, String>,
    bytes: Vec<u8>,
}

/// `pem.Decode`: the first well-formed block.
fn pem_decode(mut data: &[u8]) -> Option<PemBlock> {
    loop {
        match pem_decode_one(data) {
            Ok(block) => return Some(block),
            // A likely looking but invalid block: Go starts over after what it consumed.
            Err(Some(rest)) => data = rest,
            Err(None) => return None,
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Go's `getLine`: the line without its end of line and trailing blanks, and the rest.
fn get_line(data: &[u8]) -> (&[u8], &[u8]) {
    let (mut i, j) = match data.iter().position(|&c| c == b'\n') {
        Some(i) => (i, i + 1),
        None => (data.len(), data.len()),
    };
    if j != i && i > 0 && data[i - 1] == b'\r' {
        i -= 1;
    }
    let mut line = &data[..i];
    while let [rest @ .., b' ' | b'\t'] = line {
        line = rest;
    }
    (line, &data[j..])
}

fn pem_decode_one(data: &[u8]) -> Result<PemBlock, Option<&[u8]>> {
    const START: &[u8] = b"\n-----BEGIN ";
    const END: &[u8] = b"\n-----END ";
    const DASHES: &[u8] = b"-----";
    let mut rest = if data.starts_with(&START[1..]) {
        &data[START.len() - 1..]
    } else if let Some(i) = find(data, START) {
        &data[i + START.len()..]
    } else {
        return Err(None);
    };
    let (type_line, r) = get_line(rest);
    rest = r;
    let Some(type_line) = type_line.strip_suffix(DASHES) else {
        return Err(Some(rest));
    };
    let mut headers = std::collections::HashMap::new();
    loop {
        if rest.is_empty() {
            return Err(None);
        }
        let (line, next) = get_line(rest);
        let Some(i) = line.iter().position(|&c| c == b':') else {
            break;
        };
        let key = String::from_utf8_lossy(&line[..i]).trim().to_string();
        let val = String::from_utf8_lossy(&line[i + 1..]).trim().to_string();
        headers.insert(key, val);
        rest = next;
    }
    let (end_index, end_trailer_index) = if headers.is_empty() && rest.starts_with(&END[1..]) {
        (0, END.len() - 1)
    } else {
        match find(rest, END) {
            Some(i) => (i, i + END.len()),
            None => return Err(Some(rest)),
        }
    };
    let end_trailer = &rest[end_trailer_index..];
    let trailer_len = type_line.len() + DASHES.len();
    if end_trailer.len() < trailer_len {
        return Err(Some(rest));
    }
    let (end_trailer, rest_of_end_line) = end_trailer.split_at(trailer_len);
    if !end_trailer.starts_with(type_line) || !end_trailer.ends_with(DASHES) {
        return Err(Some(rest));
    }
    if !get_line(rest_of_end_line).0.is_empty() {
        return Err(Some(rest));
    }
    let b64: Vec<u8> = rest[..end_index]
        .iter()
        .copied()
        .filter(|&c| c != b' ' && c != b'\t')
        .collect();
    let bytes = go_base64_decode(&b64).map_err(|_| Some(rest))?;
    Ok(PemBlock {
        typ: String::from_utf8_lossy(type_line).into_owned(),
        headers,
        bytes,
    })
}

// ---- OpenSSH private keys (x/crypto/ssh) ----

const SSH_SHORT_READ: &str = "ssh: short read";
const SSH_PARSE_ERROR: &str = "ssh: parse error in message type 0";

/// Reads the SSH wire format the way `ssh.Unmarshal` does for an anonymous struct.
struct SshReader<'a>(&'a [u8]);

impl<'a> SshReader<'a> {
    fn start(data: &'a [u8]) -> Result<SshReader<'a>, GoErr> {
        if data.is_empty() {
            return Err(other(SSH_PARSE_ERROR));
        }
        Ok(SshReader(data))
    }
    fn raw_string(&mut self) -> Option<&'a [u8]> {
        let len = u32::from_be_bytes(self.0.get(..4)?.try_into().ok()?) as usize;
        let s = self.0.get(4..)?.get(..len)?;
        self.0 = &self.0[4 + len..];
        Some(s)
    }
    fn u32(&mut self) -> Result<u32, GoErr> {
        let v = self.0.get(..4).ok_or_else(|| other(SSH_SHORT_READ))?;
        self.0 = &self.0[4..];
        Ok(u32::from_be_bytes(v.try_into().expect("4 bytes")))
    }
    /// A `string` field: its failure names the field.
    fn string(&mut self, field: &str) -> Result<&'a [u8], GoErr> {
        self.raw_string()
            .ok_or_else(|| other(format!("ssh: unmarshal error for field {field} of type ")))
    }
    /// A `[]byte` field.
    fn bytes(&mut self) -> Result<&'a [u8], GoErr> {
        self.raw_string().ok_or_else(|| other(SSH_SHORT_READ))
    }
    /// A `*big.Int` field (two's complement).
    fn big(&mut self) -> Result<BigInt, GoErr> {
        Ok(BigInt::from_signed_bytes_be(self.bytes()?))
    }
    /// A `[]byte` field tagged `ssh:"rest"`.
    fn rest(&mut self) -> &'a [u8] {
        std::mem::take(&mut self.0)
    }
    fn finish(&self) -> Result<(), GoErr> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(other(SSH_PARSE_ERROR))
        }
    }
}

fn check_openssh_padding(pad: &[u8]) -> Result<(), GoErr> {
    if pad
        .iter()
        .enumerate()
        .any(|(i, &b)| usize::from(b) != i + 1)
    {
        return Err(other("ssh: padding not as expected"));
    }
    Ok(())
}

/// `big.Int.Int64` for values that may not fit: the low 64 bits, with the sign applied.
fn go_int64(x: &BigInt) -> i64 {
    let low = x.magnitude().iter_u64_digits().next().unwrap_or(0) as i64;
    if x.sign() == Sign::Minus {
        low.wrapping_neg()
    } else {
        low
    }
}

/// `ssh.parseOpenSSHPrivateKey` with `unencryptedOpenSSHKey`.
fn parse_openssh(key: &[u8]) -> Result<RawKey, GoErr> {
    const MAGIC: &[u8] = b"openssh-key-v1\0";
    let Some(remaining) = key.strip_prefix(MAGIC) else {
        return Err(other("ssh: invalid openssh private key format"));
    };
    let mut r = SshReader::start(remaining)?;
    let cipher_name = r.string("CipherName")?;
    let kdf_name = r.string("KdfName")?;
    let kdf_opts = r.string("KdfOpts")?;
    let num_keys = r.u32()?;
    let _pub_key = r.bytes()?;
    let priv_block = r.bytes()?;
    r.finish()?;
    if num_keys != 1 {
        return Err(other("ssh: multi-key files are not supported"));
    }
    if kdf_name != b"none" || cipher_name != b"none" {
        return Err(other("ssh: this private key is passphrase protected"));
    }
    if !kdf_opts.is_empty() {
        return Err(other("ssh: invalid openssh private key"));
    }
    let malformed = || other("ssh: malformed OpenSSH key");
    let mut r = SshReader::start(priv_block).map_err(|_| malformed())?;
    let check1 = r.u32().map_err(|_| malformed())?;
    let check2 = r.u32().map_err(|_| malformed())?;
    let key_type = r.string("Keytype").map_err(|_| malformed())?;
    let rest = r.rest();
    if check1 != check2 {
        return Err(malformed());
    }
    match key_type {
        b"ssh-rsa" => {
            let mut r = SshReader::start(rest)?;
            let n = r.big()?;
            let e = r.big()?;
            let d = r.big()?;
            let _iqmp = r.big()?;
            let p = r.big()?;
            let q = r.big()?;
            r.string("Comment")?;
            check_openssh_padding(r.rest())?;
            validate_rsa(&n, go_int64(&e), &d, &[p, q]).map(RawKey::Rsa)
        }
        b"ssh-ed25519" => {
            let mut r = SshReader::start(rest)?;
            let _pub = r.bytes()?;
            let private = r.bytes()?;
            r.string("Comment")?;
            let pad = r.rest();
            if private.len() != 64 {
                return Err(other("ssh: private key unexpected length"));
            }
            check_openssh_padding(pad)?;
            Ok(RawKey::Ed25519 {
                key: private.to_vec(),
                pointer: true,
            })
        }
        b"ecdsa-sha2-nistp256" | b"ecdsa-sha2-nistp384" | b"ecdsa-sha2-nistp521" => {
            let mut r = SshReader::start(rest)?;
            let curve = r.string("Curve")?;
            r.bytes()?;
            r.big()?;
            r.string("Comment")?;
            check_openssh_padding(r.rest())?;
            match curve {
                b"nistp256" | b"nistp384" | b"nistp521" => Ok(RawKey::Ecdsa),
                c => Err(other(format!(
                    "ssh: unhandled elliptic curve: {}",
                    String::from_utf8_lossy(c)
                ))),
            }
        }
        _ => Err(other("ssh: unhandled key type")),
    }
}

// ---- Ed25519 (to render a PKCS#8 key as Go does: seed followed by the public key) ----

/// The public key of an Ed25519 seed (RFC 8032 §5.1.5), computed with plain big integers: this
/// only serves an error message.
fn ed25519_public_key(seed: &[u8]) -> [u8; 32] {
    let h = sha2::Sha512::digest(seed);
    let mut a = [0u8; 32];
    a.copy_from_slice(&h[..32]);
    a[0] &= 248;
    a[31] &= 127;
    a[31] |= 64;
    let scalar = BigUint::from_bytes_le(&a);
    let p = (BigUint::one() << 255u32) - 19u32;
    let inv = |x: &BigUint| x.modpow(&(&p - 2u32), &p);
    let d = (&p - 121665u32) * inv(&BigUint::from(121666u32)) % &p;
    let d2 = &d * 2u32 % &p;
    let sub = |x: &BigUint, y: &BigUint| (x + &p - y) % &p;
    // Extended coordinates (X, Y, Z, T) with x = X/Z, y = Y/Z, xy = T/Z; unified addition
    // ("add-2008-hwcd-3", a = -1).
    type Point = [BigUint; 4];
    let add = |[x1, y1, z1, t1]: &Point, [x2, y2, z2, t2]: &Point| -> Point {
        let a = sub(y1, x1) * sub(y2, x2) % &p;
        let b = (y1 + x1) * (y2 + x2) % &p;
        let c = t1 * &d2 % &p * t2 % &p;
        let dd = z1 * 2u32 * z2 % &p;
        let (e, f, g, h) = (sub(&b, &a), sub(&dd, &c), (&dd + &c) % &p, (&b + &a) % &p);
        [&e * &f % &p, &g * &h % &p, &f * &g % &p, &e * &h % &p]
    };
    let bx = BigUint::parse_bytes(
        b"15112221349535400772501151409588531511454012693041857206046113283949847762202",
        10,
    )
    .expect("constant");
    let by = BigUint::parse_bytes(
        b"46316835694926478169428394003475163141307993866256225615783033603165251855960",
        10,
    )
    .expect("constant");
    let base: Point = [bx.clone(), by.clone(), BigUint::one(), &bx * &by % &p];
    let mut acc: Point = [
        BigUint::zero(),
        BigUint::one(),
        BigUint::one(),
        BigUint::zero(),
    ];
    for i in (0..scalar.bits()).rev() {
        acc = add(&acc, &acc);
        if scalar.bit(i) {
            acc = add(&acc, &base);
        }
    }
    let zi = inv(&acc[2]);
    let x = &acc[0] * &zi % &p;
    let y = &acc[1] * &zi % &p;
    let mut out = [0u8; 32];
    let y_le = y.to_bytes_le();
    out[..y_le.len()].copy_from_slice(&y_le);
    if x.bit(0) {
        out[31] |= 0x80;
    }
    out
}

// ---- Decryption ----

/// The raw RSA private-key operation, as a padding scheme so that `rsa::PrivateKey::decrypt`
/// supplies the blinding randomness: the result is the encoded message, `k` bytes long.
struct RawRsa;

impl rsa::traits::PaddingScheme for RawRsa {
    fn decrypt<R: rsa::rand_core::TryCryptoRng + ?Sized>(
        self,
        rng: Option<&mut R>,
        key: &rsa::PrivateKey,
        ciphertext: &[u8],
    ) -> rsa::Result<Vec<u8>> {
        use rsa::traits::PublicKeyParts;
        let c = rsa::BoxedUint::from_be_slice(ciphertext, key.n_bits_precision())
            .map_err(|_| rsa::Error::Decryption)?;
        let m = rsa::hazmat::rsa_decrypt_and_check(key, rng, &c)?;
        let bytes = m.to_be_bytes();
        Ok(bytes[bytes.len() - key.size()..].to_vec())
    }

    fn encrypt<R: rsa::rand_core::TryCryptoRng + ?Sized>(
        self,
        _: &mut R,
        _: &rsa::PublicKey,
        _: &[u8],
    ) -> rsa::Result<Vec<u8>> {
        Err(rsa::Error::InvalidPaddingScheme)
    }
}

/// `rsa.DecryptPKCS1v15(nil, key, ciphertext)`; `None` is Go's `ErrDecryption`.
fn decrypt_pkcs1v15(key: &GoRsaKey, ciphertext: &[u8]) -> Option<Vec<u8>> {
    let k = key.n.bits().div_ceil(8) as usize;
    if k < 11 {
        return None;
    }
    // Go takes the ciphertext as a number, whatever its length, and rejects it only when it
    // exceeds the modulus; one equal to it decrypts to zero, which is not a valid encoding.
    let c = BigUint::from_bytes_be(ciphertext);
    if c >= key.n {
        return None;
    }
    // Go decrypts with the CRT, so only d mod (p-1) matters for each prime: reduce d modulo
    // their lcm, which the `rsa` crate requires to be below n.
    let lambda = key
        .primes
        .iter()
        .fold(BigUint::one(), |acc, p| acc.lcm(&(p - 1u32)));
    let d = key
        .d
        .mod_floor(&BigInt::from(lambda))
        .to_biguint()
        .expect("non-negative");
    let bits = (k * 8) as u32;
    let uint = |x: &BigUint| rsa::BoxedUint::from_be_slice(&x.to_bytes_be(), bits).ok();
    // Keys that Go's checks accept but the `rsa` crate rejects (repeated or composite "primes")
    // make Go fail or panic too.
    let rsa_key = rsa::PrivateKey::from_components_with_wide_primes(
        rsa::BoxedUint::from_be_slice_vartime(&key.n.to_bytes_be()),
        rsa::BoxedUint::from_be_slice_vartime(&key.e.to_be_bytes()),
        uint(&d)?,
        key.primes.iter().map(uint).collect::<Option<_>>()?,
    )
    .ok()?;
    let mut padded = vec![0u8; k];
    let cb = c.to_bytes_be();
    padded[k - cb.len()..].copy_from_slice(&cb);
    let em = rsa_key.decrypt(RawRsa, &padded).ok()?;
    go_pkcs1v15_unpad(&em)
}

/// The EME-PKCS1-v1_5 decoding of Go's `decryptPKCS1v15`: `00 02 PS 00 M` with at least eight
/// bytes of non-zero padding.
fn go_pkcs1v15_unpad(em: &[u8]) -> Option<Vec<u8>> {
    let mut index = 0;
    let mut looking = true;
    for (i, &b) in em.iter().enumerate().skip(2) {
        let found = looking & (b == 0);
        index = if found { i } else { index };
        looking &= b != 0;
    }
    let valid = (em[0] == 0) & (em[1] == 2) & !looking & (index >= 10);
    valid.then(|| em[index + 1..].to_vec())
}

#[cfg(test)]
mod tests {
    //! Every expected result was checked against Terraform 1.0.3 (`terraform console`), except
    //! those marked as deliberate differences.

    use super::*;
    use crate::funcs::CallError;
    use base64::Engine;

    // Test keys, generated with openssl and ssh-keygen for these tests only; `rsa_openssh` and
    // `rsa_pkcs8.pem` hold the key of `rsa.pem`.
    const RSA: &str = include_str!("rsa_fixtures/rsa.pem");
    const RSA_PKCS8: &str = include_str!("rsa_fixtures/rsa_pkcs8.pem");
    const RSA_OPENSSH: &str = include_str!("rsa_fixtures/rsa_openssh");
    /// A multi-prime key (`openssl genpkey -pkeyopt rsa_keygen_primes:3`).
    const RSA_3PRIMES: &str = include_str!("rsa_fixtures/rsa_3primes.pem");
    const ED25519: &str = include_str!("rsa_fixtures/ed25519.pem");
    const ED25519_OPENSSH: &str = include_str!("rsa_fixtures/ed25519_openssh");
    const ED25519_OPENSSH_ENCRYPTED: &str = include_str!("rsa_fixtures/ed25519_openssh_encrypted");
    const DSA_KEY: &str = include_str!("rsa_fixtures/dsa.pem");
    const EC: &str = include_str!("rsa_fixtures/ec.pem");

    // Made with `printf '<plaintext>' | openssl pkeyutl -encrypt -inkey rsa_fixtures/rsa.pem |
    // base64 -w0`.
    const CT_HELLO: &str = "Uq/cSVkWSu/SAqaRIY/k8bFBICrwbqy/X6jbWWBCYsI4i7JmjOwr007zf7/nYXQvub9d3z0JhEu+/Rrg47l54aeN+CxLWMYP7enzX0dsdg1BbBGUFXBmqUASf928h9K84vE5PYX8MBHOsBHu/TVDeuzDsZTewgN/qJzP4brNTg4=";
    const CT_EMPTY: &str = "SvgzDxDfOKF1YAeXk08yjVkFribHFoEmHbiJUShHpoVYYgCyspAVPgWI7IIrCaBn32ZnZ0PGOGJvc8WxPe7XYNtFntfIReZKhobh8yKu+evajpoPZwt2D+QhRavnbBTP20000fgtMgESK8T/lw3v7v8k+omkJYDiWQLoGO1Z2uc=";
    /// `h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93`
    const CT_UNICODE: &str = "QVFCJ0qP05LPa49+SC84eZ2Cl7YocNhmJalLgnj9F8ujQvPcfHhXMKNeY0JRjEm3sy4U6LYSCkBDCLRFYjg93hzWE8ff/X/KKO7tXx3kUfnKxKfRHbUTHnxM2qsT3XNq6MgT6GDKutCrgF6LECSLPjeDVR7eO0npR7mbbxnIuDY=";
    /// `e\xcc\x81`: not in NFC.
    const CT_DECOMPOSED: &str = "TdE3nDS9qYZotFsLP9xEXFTlt4sGIGPK/VBkgCvSLorEQ8uReV35VjGaUMPKu6Np1KmjiTKS5bkyAfLgec9mG+dwRphu5VyBKZUWbt02DsyVEOI2ck0YezdSXyrtiyYeUvo16uc5Ue9Nru8WPUIA/6fR0JD76dAUOIT+Ld5xTjw=";
    /// `a\xffb`: not UTF-8.
    const CT_NOT_UTF8: &str = "pBpt0T1YdnBh3wrPC+C5wX/IXaytOzM9I5G+U+1wm9Zf+eKf8HoWPbmc6jOJDZCL2qHEiFnnyN7gliXGY7FpUuEhqP5/dPCpzk8mN9w5zZiSSw9JunBd+QQ8es3GvHLIUMeekz7EalQ14HKw9DlUSih9K0wl2ch+VUw3ozWEhd0=";
    /// `a\x00b\n`
    const CT_CONTROL: &str = "pGltzDn2GUXSOrtP6XsmIK4jQ22kgPJ4p0NJEMhDZgXx83N/ikxHbePcoxqjnNqh7I9w7wa9wqni8bCqc0Q/oZbNDpHT8+gaO9zq9Uf9kZFCQz4e9Pi9+HZeUVjs4J+7J0qSA+/gjx25U9GnD4f1Km/onUVJvDZyozbgXPQwuR0=";

    /// `three primes`, for `rsa_3primes.pem`.
    const CT_THREE_PRIMES: &str = "D1MOcRBff7F7rOT9wi8KDJxsZUAXxFkf94sc4Up+mwpcsApDKKqEPghYGuexd2VfTPa6USLuBX20H2MNPIKHDTrQvluy4e99kV7qr64RmI4zzVqEaRW450kBopAww5DEORV9SA6WAHEk+uLN5d82S/HhkVlfrTr/kPeeRuZ7Bwk=";

    // Terraform's messages for the keys of other types (seed and public key; P, Q, G, Y and X).
    const ED25519_MESSAGE: &str = "invalid private key type [%!t(uint8=74) %!t(uint8=34) %!t(uint8=15) %!t(uint8=126) %!t(uint8=36) %!t(uint8=150) %!t(uint8=183) %!t(uint8=242) %!t(uint8=214) %!t(uint8=180) %!t(uint8=57) %!t(uint8=209) %!t(uint8=16) %!t(uint8=189) %!t(uint8=182) %!t(uint8=41) %!t(uint8=126) %!t(uint8=153) %!t(uint8=214) %!t(uint8=23) %!t(uint8=6) %!t(uint8=11) %!t(uint8=177) %!t(uint8=92) %!t(uint8=84) %!t(uint8=189) %!t(uint8=32) %!t(uint8=48) %!t(uint8=178) %!t(uint8=206) %!t(uint8=49) %!t(uint8=123) %!t(uint8=76) %!t(uint8=15) %!t(uint8=19) %!t(uint8=220) %!t(uint8=120) %!t(uint8=79) %!t(uint8=83) %!t(uint8=193) %!t(uint8=130) %!t(uint8=65) %!t(uint8=9) %!t(uint8=17) %!t(uint8=245) %!t(uint8=59) %!t(uint8=151) %!t(uint8=181) %!t(uint8=63) %!t(uint8=101) %!t(uint8=139) %!t(uint8=157) %!t(uint8=205) %!t(uint8=242) %!t(uint8=226) %!t(uint8=84) %!t(uint8=186) %!t(uint8=203) %!t(uint8=154) %!t(uint8=204) %!t(uint8=117) %!t(uint8=146) %!t(uint8=0) %!t(uint8=220)]";
    const ED25519_OPENSSH_MESSAGE: &str = "invalid private key type &[%!t(uint8=140) %!t(uint8=186) %!t(uint8=42) %!t(uint8=159) %!t(uint8=34) %!t(uint8=183) %!t(uint8=165) %!t(uint8=22) %!t(uint8=0) %!t(uint8=150) %!t(uint8=126) %!t(uint8=95) %!t(uint8=224) %!t(uint8=245) %!t(uint8=158) %!t(uint8=43) %!t(uint8=177) %!t(uint8=248) %!t(uint8=140) %!t(uint8=179) %!t(uint8=79) %!t(uint8=58) %!t(uint8=119) %!t(uint8=79) %!t(uint8=0) %!t(uint8=209) %!t(uint8=213) %!t(uint8=200) %!t(uint8=66) %!t(uint8=98) %!t(uint8=123) %!t(uint8=71) %!t(uint8=170) %!t(uint8=78) %!t(uint8=44) %!t(uint8=7) %!t(uint8=55) %!t(uint8=252) %!t(uint8=12) %!t(uint8=60) %!t(uint8=106) %!t(uint8=229) %!t(uint8=255) %!t(uint8=144) %!t(uint8=145) %!t(uint8=171) %!t(uint8=87) %!t(uint8=48) %!t(uint8=84) %!t(uint8=137) %!t(uint8=17) %!t(uint8=152) %!t(uint8=130) %!t(uint8=134) %!t(uint8=122) %!t(uint8=32) %!t(uint8=158) %!t(uint8=110) %!t(uint8=60) %!t(uint8=41) %!t(uint8=99) %!t(uint8=254) %!t(uint8=35) %!t(uint8=10)]";
    const DSA_MESSAGE: &str = "invalid private key type &{{{%!t(big.Int=153896213887750999014859767508299039927929909528355175615876659626419889248372486445840155395685768147724196478269781115890783040977491675788921716436273684840067816067986067859483501976681113837354559051072437262346055267218657991473164143495029388475205664347098851827090902277383574072959356479495885177807) %!t(big.Int=20643271708763366017253004017031234105713341471449251543919269110357) %!t(big.Int=32766123749360201537474652226732331593912040742550706568803528714704649109647290327158039865243097170399160840939976835596684213947924764230785066957299032636357971688536616897919535275872119527365525420766800197936904591856672084396800480914136356573402522802882209375609743325871737116765884980249022411495)} %!t(big.Int=116630523318592896018663431784769384980642728620577789527686461688062441657754913265128541035914262562712496840331703782172972983184815578032129133699095046257876344779494687181461263977336401286184573980754211604052253624297757470536207264452391499242418664073480352499612741178605768485725650381191124998799)} %!t(big.Int=9303440928283536914128077125061799062188504600251615042245811107309)}";

    const DECRYPT_FAILED: &str = "failed to decrypt: crypto/rsa: decryption error";

    fn b64(b: &[u8]) -> String {
        base64::engine::general_purpose::STANDARD.encode(b)
    }
    fn unb64(s: &str) -> Vec<u8> {
        base64::engine::general_purpose::STANDARD.decode(s).unwrap()
    }
    /// A PEM block with 64-character lines.
    fn pem(label: &str, der: &[u8]) -> String {
        let body = b64(der);
        let mut out = format!("-----BEGIN {label}-----\n");
        for line in body.as_bytes().chunks(64) {
            out.push_str(std::str::from_utf8(line).unwrap());
            out.push('\n');
        }
        out + &format!("-----END {label}-----\n")
    }
    /// The contents of a fixture's PEM block.
    fn der_of(pem: &str) -> Vec<u8> {
        let body: String = pem
            .lines()
            .skip_while(|l| !l.starts_with("-----BEGIN"))
            .skip(1)
            .take_while(|l| !l.starts_with("-----END"))
            .collect();
        unb64(&body)
    }
    fn replace_once(haystack: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
        let i = find(haystack, from).expect("pattern present");
        assert!(find(&haystack[i + 1..], from).is_none(), "pattern unique");
        [&haystack[..i], to, &haystack[i + from.len()..]].concat()
    }
    fn tlv(tag: u8, body: &[u8]) -> Vec<u8> {
        let n = body.len();
        let mut out = vec![tag];
        if n < 0x80 {
            out.push(n as u8);
        } else {
            let len: Vec<u8> = n
                .to_be_bytes()
                .into_iter()
                .skip_while(|&b| b == 0)
                .collect();
            out.push(0x80 | len.len() as u8);
            out.extend(len);
        }
        out.extend_from_slice(body);
        out
    }
    fn seq(parts: &[Vec<u8>]) -> Vec<u8> {
        tlv(0x30, &parts.concat())
    }
    fn int(v: i64) -> Vec<u8> {
        tlv(2, &BigInt::from(v).to_signed_bytes_be())
    }
    fn oid(der: &[u8]) -> Vec<u8> {
        tlv(6, der)
    }
    const DER_OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    const DER_OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];
    const DER_OID_ECDSA: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    const DER_OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 3, 1, 7];
    const DER_OID_DSA: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01];
    /// A PKCS#1 key from its version, n, e, d, p and q (the CRT values are left out, as Go
    /// allows).
    fn pkcs1(v: [i64; 6]) -> String {
        pem(
            "RSA PRIVATE KEY",
            &seq(&v.iter().map(|&x| int(x)).collect::<Vec<_>>()),
        )
    }
    /// The textbook key n = 61 * 53: valid for Go, but too small to decrypt anything.
    const TINY: [i64; 6] = [0, 3233, 17, 2753, 61, 53];
    fn pkcs8(algo: &[u8], params: Option<&[u8]>, key: &[u8]) -> String {
        let mut alg = vec![oid(algo)];
        alg.extend(params.map(<[u8]>::to_vec));
        pem("PRIVATE KEY", &seq(&[int(0), seq(&alg), tlv(4, key)]))
    }
    fn ssh_str(b: &[u8]) -> Vec<u8> {
        [&(b.len() as u32).to_be_bytes()[..], b].concat()
    }
    /// An `OPENSSH PRIVATE KEY` from the fields after the magic.
    fn openssh(fields: &[Vec<u8>]) -> String {
        pem(
            "OPENSSH PRIVATE KEY",
            &[b"openssh-key-v1\0".to_vec(), fields.concat()].concat(),
        )
    }
    /// The outer fields of an unencrypted OpenSSH key around a private block.
    fn openssh_plain(private_block: &[u8]) -> String {
        openssh(&[
            ssh_str(b"none"),
            ssh_str(b"none"),
            ssh_str(b""),
            1u32.to_be_bytes().to_vec(),
            ssh_str(b""),
            ssh_str(private_block),
        ])
    }
    fn with_preamble_stripped(key: &str) -> String {
        key.lines()
            .skip_while(|l| !l.starts_with("-----BEGIN"))
            .map(|l| format!("{l}\n"))
            .collect()
    }

    /// The expected outcome: a plaintext, an error about an argument, or a failed call.
    #[derive(Debug)]
    enum Want {
        Plain(String),
        Arg(usize, String),
        Call(String),
    }
    fn plain(s: &str) -> Want {
        Want::Plain(s.into())
    }
    /// An error about the private key, as the diagnostic's detail shows it.
    fn key_err(m: &str) -> Want {
        Want::Arg(
            1,
            format!("Invalid value for \"privatekey\" parameter: {m}."),
        )
    }
    fn ct_err(input: &str) -> Want {
        Want::Arg(
            0,
            format!(
                "Invalid value for \"ciphertext\" parameter: failed to decode input {input}: cipher text must be base64-encoded."
            ),
        )
    }
    fn decrypt_err() -> Want {
        Want::Call(DECRYPT_FAILED.into())
    }

    #[track_caller]
    fn check(name: &str, ciphertext: &str, key: &str, want: &Want) {
        let got = Functions::standard().call(
            "rsadecrypt",
            vec![Value::string(ciphertext), Value::string(key)],
            &FuncContext::default(),
        );
        match (got, want) {
            (Ok(g), Want::Plain(w)) => assert_eq!(g, Value::string(w.as_str()), "{name}"),
            (Err(CallError::Failed(e)), Want::Arg(i, w)) => {
                assert_eq!((e.arg, &e.message), (Some(*i), w), "{name}")
            }
            (Err(CallError::Failed(e)), Want::Call(w)) => {
                assert_eq!((e.arg, &e.message), (None, w), "{name}")
            }
            (g, w) => panic!("{name}: got {g:?}, want {w:?}"),
        }
    }

    /// (name, ciphertext, private key, expected outcome)
    fn cases() -> Vec<(&'static str, String, String, Want)> {
        let hello = || CT_HELLO.to_string();
        let rsa_der = der_of(RSA);
        let openssh_der = der_of(RSA_OPENSSH);
        vec![
            // Decryption, with each key format.
            ("pkcs1", hello(), RSA.into(), plain("Hello, World!")),
            ("pkcs8", hello(), RSA_PKCS8.into(), plain("Hello, World!")),
            ("three primes", CT_THREE_PRIMES.into(), RSA_3PRIMES.into(), plain("three primes")),
            ("openssh", hello(), RSA_OPENSSH.into(), plain("Hello, World!")),
            ("empty plaintext", CT_EMPTY.into(), RSA.into(), plain("")),
            ("unicode", CT_UNICODE.into(), RSA_PKCS8.into(), plain("héllo wörld ✓")),
            ("normalized to NFC", CT_DECOMPOSED.into(), RSA.into(), plain("\u{e9}")),
            ("control characters", CT_CONTROL.into(), RSA.into(), plain("a\0b\n")),
            // Deliberate difference: Go keeps the byte 0xff, which a Rust string cannot hold.
            ("not UTF-8", CT_NOT_UTF8.into(), RSA.into(), plain("a\u{fffd}b")),
            (
                "base64 with line breaks",
                unb64(CT_HELLO)
                    .chunks(30)
                    .map(|c| b64(c) + "\r\n")
                    .collect::<String>(),
                RSA.into(),
                plain("Hello, World!"),
            ),
            (
                "base64 wrapped",
                CT_HELLO
                    .as_bytes()
                    .chunks(64)
                    .map(|c| String::from_utf8(c.to_vec()).unwrap() + "\n")
                    .collect(),
                RSA.into(),
                plain("Hello, World!"),
            ),
            (
                "ciphertext with leading zeros",
                b64(&[&[0u8, 0][..], &unb64(CT_HELLO)].concat()),
                RSA.into(),
                plain("Hello, World!"),
            ),
            ("key without preamble", hello(), with_preamble_stripped(RSA), plain("Hello, World!")),
            ("CRLF key", hello(), RSA.replace('\n', "\r\n"), plain("Hello, World!")),
            (
                "key with headers and indentation",
                hello(),
                with_preamble_stripped(RSA)
                    .replacen('\n', "\nComment: test key\n\n", 1)
                    .replace("\n", " \t\n"),
                plain("Hello, World!"),
            ),
            (
                "first block invalid",
                hello(),
                format!("-----BEGIN RSA PRIVATE KEY-----\n!!!!\n-----END RSA PRIVATE KEY-----\n{RSA}"),
                plain("Hello, World!"),
            ),
            (
                "pkcs1 version 1",
                hello(),
                pem("RSA PRIVATE KEY", &replace_once(&rsa_der, &[0x82, 2, 0x5d, 2, 1, 0], &[0x82, 2, 0x5d, 2, 1, 1])),
                plain("Hello, World!"),
            ),
            // The ciphertext.
            ("not base64", "not base64!".into(), RSA.into(), ct_err("\"not base64!\"")),
            ("missing padding", "SGVsbG8".into(), RSA.into(), ct_err("\"SGVsbG8\"")),
            ("URL alphabet", "a-b_".into(), RSA.into(), ct_err("\"a-b_\"")),
            ("quoted", "a\"\tb\u{1}é".into(), RSA.into(), ct_err("\"a\\\"\\tb\\x01é\"")),
            ("ciphertext checked first", "%".into(), "garbage".into(), ct_err("\"%\"")),
            ("empty ciphertext", String::new(), RSA.into(), decrypt_err()),
            ("short ciphertext", "AAAA".into(), RSA.into(), decrypt_err()),
            ("ciphertext above the modulus", b64(&[0xff; 128]), RSA.into(), decrypt_err()),
            ("ciphertext too long", b64(&[1; 129]), RSA.into(), decrypt_err()),
            (
                "corrupted ciphertext",
                b64(&{
                    let mut c = unb64(CT_HELLO);
                    c[5] ^= 1;
                    c
                }),
                RSA.into(),
                decrypt_err(),
            ),
            ("modulus too small", hello(), pkcs1(TINY), decrypt_err()),
            // PEM.
            ("empty key", hello(), String::new(), key_err("invalid private key: ssh: no key found")),
            ("not PEM", hello(), "garbage".into(), key_err("invalid private key: ssh: no key found")),
            (
                "bad base64 in PEM",
                hello(),
                "-----BEGIN RSA PRIVATE KEY-----\n!!!!\n-----END RSA PRIVATE KEY-----\n".into(),
                key_err("invalid private key: ssh: no key found"),
            ),
            (
                "mismatched END",
                hello(),
                RSA.replace("END RSA", "END"),
                key_err("invalid private key: ssh: no key found"),
            ),
            (
                "public key",
                hello(),
                pem("PUBLIC KEY", &[0x30, 0]),
                key_err("invalid private key: ssh: unsupported key type \"PUBLIC KEY\""),
            ),
            (
                "type with a verb",
                hello(),
                pem("FOO%d 100%%", &[0x30, 0]),
                key_err("invalid private key: ssh: unsupported key type \"FOO%!d(MISSING) 100%\""),
            ),
            (
                "encrypted PKCS#8",
                hello(),
                pem("ENCRYPTED PRIVATE KEY", &[0x30, 0]),
                key_err("invalid private key: ssh: unsupported key type \"ENCRYPTED PRIVATE KEY\""),
            ),
            (
                "encrypted PEM",
                hello(),
                "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00000000000000000000000000000000\n\nAAAA\n-----END RSA PRIVATE KEY-----\n".into(),
                key_err("invalid private key: ssh: this private key is passphrase protected"),
            ),
            // OpenSSH.
            (
                "encrypted OpenSSH key",
                hello(),
                ED25519_OPENSSH_ENCRYPTED.into(),
                key_err("invalid private key: ssh: this private key is passphrase protected"),
            ),
            (
                "no OpenSSH magic",
                hello(),
                pem("OPENSSH PRIVATE KEY", &[0, 0, 0, 0]),
                key_err("invalid private key: ssh: invalid openssh private key format"),
            ),
            (
                "only the OpenSSH magic",
                hello(),
                openssh(&[]),
                key_err("invalid private key: ssh: parse error in message type 0"),
            ),
            (
                "truncated cipher name",
                hello(),
                openssh(&[vec![0, 0, 0, 9, b'n']]),
                key_err("invalid private key: ssh: unmarshal error for field CipherName of type "),
            ),
            (
                "truncated key count",
                hello(),
                openssh(&[ssh_str(b"none"), ssh_str(b"none"), ssh_str(b""), vec![0, 0]]),
                key_err("invalid private key: ssh: short read"),
            ),
            (
                "OpenSSH trailing data",
                hello(),
                openssh(&[
                    ssh_str(b"none"),
                    ssh_str(b"none"),
                    ssh_str(b""),
                    1u32.to_be_bytes().to_vec(),
                    ssh_str(b""),
                    ssh_str(b""),
                    vec![0],
                ]),
                key_err("invalid private key: ssh: parse error in message type 0"),
            ),
            (
                "two OpenSSH keys",
                hello(),
                openssh(&[
                    ssh_str(b"none"),
                    ssh_str(b"none"),
                    ssh_str(b""),
                    2u32.to_be_bytes().to_vec(),
                    ssh_str(b""),
                    ssh_str(b""),
                ]),
                key_err("invalid private key: ssh: multi-key files are not supported"),
            ),
            (
                "KDF options without a KDF",
                hello(),
                openssh(&[
                    ssh_str(b"none"),
                    ssh_str(b"none"),
                    ssh_str(b"x"),
                    1u32.to_be_bytes().to_vec(),
                    ssh_str(b""),
                    ssh_str(b""),
                ]),
                key_err("invalid private key: ssh: invalid openssh private key"),
            ),
            (
                "empty private block",
                hello(),
                openssh_plain(b""),
                key_err("invalid private key: ssh: malformed OpenSSH key"),
            ),
            (
                "check mismatch",
                hello(),
                openssh_plain(&[&[0, 0, 0, 1, 0, 0, 0, 2][..], &ssh_str(b"ssh-rsa")].concat()),
                key_err("invalid private key: ssh: malformed OpenSSH key"),
            ),
            (
                "unhandled OpenSSH key type",
                hello(),
                openssh_plain(&[&[0; 8][..], &ssh_str(b"ssh-dss")].concat()),
                key_err("invalid private key: ssh: unhandled key type"),
            ),
            (
                "empty OpenSSH RSA key",
                hello(),
                openssh_plain(&[&[0; 8][..], &ssh_str(b"ssh-rsa")].concat()),
                key_err("invalid private key: ssh: parse error in message type 0"),
            ),
            (
                "truncated OpenSSH RSA key",
                hello(),
                openssh_plain(&[&[0; 8][..], &ssh_str(b"ssh-rsa"), &ssh_str(&[1])].concat()),
                key_err("invalid private key: ssh: short read"),
            ),
            (
                "bad OpenSSH padding",
                hello(),
                pem("OPENSSH PRIVATE KEY", &{
                    let mut d = openssh_der.clone();
                    *d.last_mut().unwrap() = 2;
                    d
                }),
                key_err("invalid private key: ssh: padding not as expected"),
            ),
            (
                "OpenSSH RSA with a wrong modulus",
                hello(),
                openssh_plain(
                    &[
                        &[0; 8][..],
                        &ssh_str(b"ssh-rsa"),
                        &ssh_str(&[0x0c, 0xa2]),
                        &ssh_str(&[17]),
                        &ssh_str(&[0x0a, 0xc1]),
                        &ssh_str(&[0]),
                        &ssh_str(&[61]),
                        &ssh_str(&[53]),
                        &ssh_str(b"comment"),
                        &[1, 2, 3],
                    ]
                    .concat(),
                ),
                key_err("invalid private key: crypto/rsa: invalid modulus"),
            ),
            (
                "OpenSSH RSA with a huge exponent",
                hello(),
                openssh_plain(
                    &[
                        &[0; 8][..],
                        &ssh_str(b"ssh-rsa"),
                        &ssh_str(&[0x0c, 0xa1]),
                        &ssh_str(&[1, 0, 0, 0, 0, 0, 0, 0, 17]),
                        &ssh_str(&[0x0a, 0xc1]),
                        &ssh_str(&[0]),
                        &ssh_str(&[61]),
                        &ssh_str(&[53]),
                        &ssh_str(b""),
                    ]
                    .concat(),
                ),
                decrypt_err(),
            ),
            (
                "OpenSSH Ed25519 key of the wrong length",
                hello(),
                openssh_plain(
                    &[&[0; 8][..], &ssh_str(b"ssh-ed25519"), &ssh_str(b""), &ssh_str(&[1; 32]), &ssh_str(b"")]
                        .concat(),
                ),
                key_err("invalid private key: ssh: private key unexpected length"),
            ),
            (
                "OpenSSH ECDSA key on an unknown curve",
                hello(),
                openssh_plain(
                    &[
                        &[0; 8][..],
                        &ssh_str(b"ecdsa-sha2-nistp256"),
                        &ssh_str(b"nistp%d"),
                        &ssh_str(b""),
                        &ssh_str(&[1]),
                        &ssh_str(b""),
                    ]
                    .concat(),
                ),
                key_err("invalid private key: ssh: unhandled elliptic curve: nistp%!d(MISSING)"),
            ),
            // ASN.1.
            (
                "PKCS#1 not a sequence",
                hello(),
                pem("RSA PRIVATE KEY", &[0, 0, 0]),
                key_err("asn1: structure error: tags don't match (16 vs {class:0 tag:0 length:0 isCompound:false}) {optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> stringType:0 timeType:0 set:false omitEmpty:false} pkcs1PrivateKey @2"),
            ),
            (
                "PKCS#1 empty sequence",
                hello(),
                pem("RSA PRIVATE KEY", &[0x30, 0]),
                key_err("invalid ASN1 data in the given private key: sequence truncated"),
            ),
            (
                "PKCS#1 trailing data",
                hello(),
                pem("RSA PRIVATE KEY", &[&rsa_der[..], &[0]].concat()),
                key_err("invalid ASN1 data in the given private key: trailing data"),
            ),
            (
                "PKCS#1 holding PKCS#8",
                hello(),
                pem("RSA PRIVATE KEY", &der_of(RSA_PKCS8)),
                key_err("invalid private key: x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)"),
            ),
            (
                "PKCS#1 holding SEC 1",
                hello(),
                pem("RSA PRIVATE KEY", &der_of(EC)),
                key_err("invalid private key: x509: failed to parse private key (use ParseECPrivateKey instead for this key format)"),
            ),
            (
                "PKCS#1 version 2",
                hello(),
                pem("RSA PRIVATE KEY", &replace_once(&rsa_der, &[0x82, 2, 0x5d, 2, 1, 0], &[0x82, 2, 0x5d, 2, 1, 2])),
                key_err("invalid private key: x509: unsupported private key version"),
            ),
            (
                "PKCS#1 wrong exponent",
                hello(),
                pem("RSA PRIVATE KEY", &replace_once(&rsa_der, &[2, 3, 1, 0, 1], &[2, 3, 1, 0, 3])),
                key_err("invalid private key: crypto/rsa: invalid exponents"),
            ),
            ("exponent too small", hello(), pkcs1([0, 3233, 1, 2753, 61, 53]), key_err("invalid private key: crypto/rsa: public exponent too small")),
            ("exponent too large", hello(), pkcs1([0, 3233, 1 << 31, 2753, 61, 53]), key_err("invalid private key: crypto/rsa: public exponent too large")),
            ("wrong modulus", hello(), pkcs1([0, 3235, 17, 2753, 61, 53]), key_err("invalid private key: crypto/rsa: invalid modulus")),
            ("prime one", hello(), pkcs1([0, 3233, 17, 2753, 1, 3233]), key_err("invalid private key: crypto/rsa: invalid prime value")),
            ("zero private exponent", hello(), pkcs1([0, 3233, 17, 0, 61, 53]), key_err("invalid private key: x509: private key contains zero or negative value")),
            ("negative prime", hello(), pkcs1([0, 3233, 17, 2753, -61, -53]), key_err("invalid private key: x509: private key contains zero or negative value")),
            (
                "PKCS#1 non-minimal integer",
                hello(),
                pem("RSA PRIVATE KEY", &seq(&[vec![2, 2, 0, 1]])),
                key_err("asn1: structure error: integer not minimally-encoded"),
            ),
            (
                "PKCS#1 version too large",
                hello(),
                pem("RSA PRIVATE KEY", &seq(&[tlv(2, &[1; 9])])),
                key_err("asn1: structure error: integer too large"),
            ),
            (
                "PKCS#1 modulus not an integer",
                hello(),
                pem("RSA PRIVATE KEY", &seq(&[int(0), tlv(5, &[])])),
                key_err("asn1: structure error: tags don't match (2 vs {class:0 tag:5 length:0 isCompound:false}) {optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> stringType:0 timeType:0 set:false omitEmpty:false}  @5"),
            ),
            (
                "PKCS#1 that is a SEC 1 key",
                hello(),
                pem("RSA PRIVATE KEY", &seq(&[int(0), tlv(4, &[1])])),
                key_err("invalid private key: x509: failed to parse private key (use ParseECPrivateKey instead for this key format)"),
            ),
            (
                "PKCS#1 exponent not an integer",
                hello(),
                pem("RSA PRIVATE KEY", &seq(&[int(0), int(3233), seq(&[])])),
                key_err("asn1: structure error: tags don't match (2 vs {class:0 tag:16 length:0 isCompound:true}) {optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> stringType:0 timeType:0 set:false omitEmpty:false} int @9"),
            ),
            (
                "non-minimal length",
                hello(),
                pem("RSA PRIVATE KEY", &[0x30, 0x81, 0x03, 2, 1, 0]),
                key_err("asn1: structure error: non-minimal length"),
            ),
            (
                "indefinite length",
                hello(),
                pem("RSA PRIVATE KEY", &[0x30, 0x80, 0, 0]),
                key_err("invalid ASN1 data in the given private key: indefinite length found (not DER)"),
            ),
            (
                "data truncated",
                hello(),
                pem("RSA PRIVATE KEY", &[0x30, 5, 2, 1, 0]),
                key_err("invalid ASN1 data in the given private key: data truncated"),
            ),
            (
                "truncated length",
                hello(),
                pem("RSA PRIVATE KEY", &[0x30]),
                key_err("invalid ASN1 data in the given private key: truncated tag or length"),
            ),
            (
                "non-minimal tag",
                hello(),
                pem("RSA PRIVATE KEY", &[0x3f, 0x05, 0]),
                key_err("invalid ASN1 data in the given private key: non-minimal tag"),
            ),
            (
                "additional prime not positive",
                hello(),
                pem("RSA PRIVATE KEY", &seq(&[int(1), int(3233), int(17), int(2753), int(61), int(53), int(0), int(0), int(0), seq(&[seq(&[int(0), int(0), int(0)])])])),
                key_err("invalid private key: x509: private key contains zero or negative prime"),
            ),
            (
                "additional primes not sequences",
                hello(),
                pem("RSA PRIVATE KEY", &seq(&[int(1), int(3233), int(17), int(2753), int(61), int(53), int(0), int(0), int(0), seq(&[int(7)])])),
                key_err("asn1: structure error: sequence tag mismatch"),
            ),
            (
                "three tiny primes",
                hello(),
                pem("RSA PRIVATE KEY", &seq(&[int(1), int(61 * 53 * 59), int(17), int(6653), int(61), int(53), int(0), int(0), int(0), seq(&[seq(&[int(59), int(0), int(0)])])])),
                decrypt_err(),
            ),
            (
                "three primes, wrong exponent",
                hello(),
                pem("RSA PRIVATE KEY", &seq(&[int(1), int(61 * 53 * 59), int(17), int(2753), int(61), int(53), int(0), int(0), int(0), seq(&[seq(&[int(59), int(0), int(0)])])])),
                key_err("invalid private key: crypto/rsa: invalid exponents"),
            ),
            // PKCS#8.
            (
                "PKCS#8 not a sequence",
                hello(),
                pem("PRIVATE KEY", &[0, 0, 0]),
                key_err("asn1: structure error: tags don't match (16 vs {class:0 tag:0 length:0 isCompound:false}) {optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> stringType:0 timeType:0 set:false omitEmpty:false} pkcs8 @2"),
            ),
            (
                "PKCS#8 holding PKCS#1",
                hello(),
                pem("PRIVATE KEY", &rsa_der),
                key_err("invalid private key: x509: failed to parse private key (use ParsePKCS1PrivateKey instead for this key format)"),
            ),
            (
                "PKCS#8 holding SEC 1",
                hello(),
                pem("PRIVATE KEY", &der_of(EC)),
                key_err("invalid private key: x509: failed to parse private key (use ParseECPrivateKey instead for this key format)"),
            ),
            (
                "PKCS#8 bad RSA key",
                hello(),
                pkcs8(DER_OID_RSA, None, &[0x30, 0]),
                key_err("invalid private key: x509: failed to parse RSA private key embedded in PKCS#8: asn1: syntax error: sequence truncated"),
            ),
            (
                "PKCS#8 non-minimal OID",
                hello(),
                pkcs8(&[0x80, 1], None, b""),
                key_err("invalid ASN1 data in the given private key: integer is not minimally encoded"),
            ),
            (
                "PKCS#8 empty OID",
                hello(),
                pkcs8(&[], None, b""),
                key_err("invalid ASN1 data in the given private key: zero length OBJECT IDENTIFIER"),
            ),
            (
                "PKCS#8 DSA",
                hello(),
                pkcs8(DER_OID_DSA, Some(&[5, 0]), b""),
                key_err("invalid private key: x509: PKCS#8 wrapping contained private key with unknown algorithm: 1.2.840.10040.4.1"),
            ),
            (
                "PKCS#8 Ed25519 with parameters",
                hello(),
                pkcs8(DER_OID_ED25519, Some(&[5, 0]), b""),
                key_err("invalid private key: x509: invalid Ed25519 private key parameters"),
            ),
            (
                "PKCS#8 Ed25519 short seed",
                hello(),
                pkcs8(DER_OID_ED25519, None, &tlv(4, &[1, 2, 3])),
                key_err("invalid private key: x509: invalid Ed25519 private key length: 3"),
            ),
            (
                "PKCS#8 Ed25519 seed not an octet string",
                hello(),
                pkcs8(DER_OID_ED25519, None, &int(1)),
                key_err("invalid private key: x509: invalid Ed25519 private key: asn1: structure error: tags don't match (4 vs {class:0 tag:2 length:1 isCompound:false}) {optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> stringType:0 timeType:0 set:false omitEmpty:false}  @2"),
            ),
            (
                "PKCS#8 ECDSA on an unknown curve",
                hello(),
                pkcs8(DER_OID_ECDSA, Some(&oid(&[0x2b, 1])), &seq(&[int(1), tlv(4, &[1])])),
                key_err("invalid private key: x509: failed to parse EC private key embedded in PKCS#8: x509: unknown elliptic curve"),
            ),
            // SEC 1 and DSA.
            (
                "SEC 1 not a sequence",
                hello(),
                pem("EC PRIVATE KEY", &[0, 0, 0]),
                key_err("invalid private key: x509: failed to parse EC private key: asn1: structure error: tags don't match (16 vs {class:0 tag:0 length:0 isCompound:false}) {optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> stringType:0 timeType:0 set:false omitEmpty:false} ecPrivateKey @2"),
            ),
            (
                "SEC 1 version 2",
                hello(),
                pem("EC PRIVATE KEY", &seq(&[int(2), tlv(4, &[1])])),
                key_err("invalid private key: x509: unknown EC private key version 2"),
            ),
            (
                "SEC 1 key above the curve order",
                hello(),
                pem("EC PRIVATE KEY", &seq(&[int(1), tlv(4, &[0xff; 32]), tlv(0xa0, &oid(DER_OID_P256))])),
                key_err("invalid private key: x509: invalid elliptic curve private key value"),
            ),
            (
                "DSA not a sequence",
                hello(),
                pem("DSA PRIVATE KEY", &[0, 0, 0]),
                key_err("invalid private key: ssh: failed to parse DSA key: asn1: structure error: tags don't match (16 vs {class:0 tag:0 length:0 isCompound:false}) {optional:false explicit:false application:false private:false defaultValue:<nil> tag:<nil> stringType:0 timeType:0 set:false omitEmpty:false}  @2"),
            ),
            (
                "DSA trailing data",
                hello(),
                pem("DSA PRIVATE KEY", &[&der_of(DSA_KEY)[..], &[0]].concat()),
                key_err("invalid private key: ssh: garbage after DSA key"),
            ),
            // Keys of other types: Go renders the key with `%t`.
            ("Ed25519 PKCS#8", hello(), ED25519.into(), key_err(ED25519_MESSAGE)),
            ("Ed25519 OpenSSH", hello(), ED25519_OPENSSH.into(), key_err(ED25519_OPENSSH_MESSAGE)),
            ("DSA", hello(), DSA_KEY.into(), key_err(DSA_MESSAGE)),
            // Deliberate difference: Go's rendering of an ECDSA key shows memory addresses.
            ("ECDSA", hello(), EC.into(), key_err("invalid private key type *ecdsa.PrivateKey")),
            (
                "PKCS#8 ECDSA with the curve in the key",
                hello(),
                pkcs8(DER_OID_ECDSA, Some(&[5, 0]), &seq(&[int(1), tlv(4, &[1]), tlv(0xa0, &oid(DER_OID_P256))])),
                key_err("invalid private key type *ecdsa.PrivateKey"),
            ),
        ]
    }

    #[test]
    fn rsadecrypt_matches_terraform() {
        for (name, ciphertext, key, want) in cases() {
            check(name, &ciphertext, &key, &want);
        }
    }

    #[test]
    fn ed25519_public_key_rfc8032() {
        // RFC 8032 §7.1, tests 1 and 2.
        for (seed, public) in [
            (
                "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            ),
            (
                "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
                "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            ),
        ] {
            assert_eq!(
                hex::encode(ed25519_public_key(&hex::decode(seed).unwrap())),
                public
            );
        }
    }

    #[test]
    fn printf_without_arguments() {
        // Checked with block types that are formats: Terraform reports
        // `ssh: unsupported key type %q` of the type, with the quotes part of the format.
        for (format, want) in [
            ("\"100%% %d %s\"", "\"100% %!d(MISSING) %!s(MISSING)\""),
            ("\"%-08.3f|%+q\"", "\"%!f(MISSING)|%!q(MISSING)\""),
            (
                "\"%*d %.*d\"",
                "\"%!(BADWIDTH)%!d(MISSING) %!(BADPREC)%!d(MISSING)\"",
            ),
            ("\"%[1]d %[x]d\"", "\"%!d(BADINDEX) %!d(BADINDEX)\""),
            ("\"%é\"", "\"%!é(MISSING)\""),
            ("\"end %5.\"", "\"end %!\"(MISSING)"),
            ("\"x%[\"", "\"x%!\"(BADINDEX)"),
            ("\"x%[1]\"", "\"x%!\"(BADINDEX)"),
            ("\"x%.\"", "\"x%!\"(MISSING)"),
            ("\"x%[2]*d\"", "\"x%!(BADWIDTH)%!d(BADINDEX)\""),
            ("\"x%.[2]d\"", "\"x%!d(BADINDEX)\""),
            ("\"x%[1]2d\"", "\"x%!d(BADINDEX)\""),
            ("\"x%9999999999d\"", "\"x%!(NOVERB)"),
        ] {
            assert_eq!(go_sprintf_no_args(format), want, "{format}");
        }
    }
}
