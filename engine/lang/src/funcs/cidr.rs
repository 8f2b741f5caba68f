//! Functions of the IP network family: `cidrhost`, `cidrnetmask`, `cidrsubnet` and `cidrsubnets`.
//!
//! These reproduce Terraform 1.0's behaviour bit for bit, including the quirks of the Go packages
//! it uses (Go 1.16's `net` parser, which accepts leading zeros, and `go-cidr`'s big-integer
//! arithmetic, whose negative numbers wrap in two's complement).

use infra_core::{Number, Type, Value};
use num_bigint::{BigInt, Sign};
use num_traits::{One, Signed, Zero};

use super::{ret_string, FnError, FnResult, FuncContext, Functions, Param};

pub(crate) fn register(f: &mut Functions) {
    let prefix = || Param::new("prefix", Type::String);
    f.def(
        "cidrhost",
        vec![prefix(), Param::new("hostnum", Type::Number)],
        ret_string,
        cidrhost,
    );
    f.def("cidrnetmask", vec![prefix()], ret_string, |a, _| {
        let (_, mask) = parse_cidr(str_of(&a[0])).map_err(FnError::call)?;
        Ok(Value::string(ip_string(&mask)))
    });
    f.def(
        "cidrsubnet",
        vec![
            prefix(),
            Param::new("newbits", Type::Number),
            Param::new("netnum", Type::Number),
        ],
        ret_string,
        cidrsubnet,
    );
    f.def_variadic(
        "cidrsubnets",
        vec![prefix()],
        Param::new("newbits", Type::Number),
        |_| Ok(Type::list(Type::String)),
        cidrsubnets,
    );
}

fn str_of(v: &Value) -> &str {
    v.as_str().expect("argument converted to string")
}
fn num_of(v: &Value) -> &Number {
    v.as_number().expect("argument converted to number")
}

const NOT_WHOLE_INT: &str =
    "value must be a whole number, between -9223372036854775808 and 9223372036854775807";
const PANIC: &str = "panic in function implementation: runtime error: index out of range [-1]";

/// A number as a Go `int` (gocty's conversion and message).
fn go_int(n: &Number) -> Result<i64, String> {
    if n.is_infinite() || !n.is_integer() {
        return Err(NOT_WHOLE_INT.into());
    }
    n.to_i64().ok_or_else(|| NOT_WHOLE_INT.into())
}

/// A number as a Go `*big.Int` (gocty's conversion and message).
fn go_bigint(n: &Number) -> Result<BigInt, String> {
    if n.is_infinite() || !n.is_integer() {
        return Err("value must be a whole number".into());
    }
    n.to_bigint_trunc()
        .ok_or_else(|| "value must be a whole number".into())
}

// ---- Go's net package (1.16) ----

/// Go's `dtoi`: decimal digits up to a large bound; (value, consumed, ok).
fn dtoi(s: &[u8]) -> (u32, usize, bool) {
    let mut n: u32 = 0;
    let mut i = 0;
    while i < s.len() && s[i].is_ascii_digit() {
        n = n * 10 + (s[i] - b'0') as u32;
        if n >= 0xFF_FFFF {
            return (0xFF_FFFF, i, false);
        }
        i += 1;
    }
    (n, i, i > 0)
}

/// Go's `xtoi`: hexadecimal digits up to a large bound.
fn xtoi(s: &[u8]) -> (u32, usize, bool) {
    let mut n: u32 = 0;
    let mut i = 0;
    while i < s.len() {
        let Some(d) = (s[i] as char).to_digit(16) else {
            break;
        };
        n = n * 16 + d;
        if n >= 0xFF_FFFF {
            return (0, i, false);
        }
        i += 1;
    }
    (n, i, i > 0)
}

fn parse_ipv4(mut s: &[u8]) -> Option<[u8; 4]> {
    let mut p = [0u8; 4];
    for (i, slot) in p.iter_mut().enumerate() {
        if s.is_empty() {
            return None;
        }
        if i > 0 {
            if s[0] != b'.' {
                return None;
            }
            s = &s[1..];
        }
        let (n, c, ok) = dtoi(s);
        if !ok || n > 0xFF {
            return None;
        }
        s = &s[c..];
        *slot = n as u8;
    }
    s.is_empty().then_some(p)
}

fn parse_ipv6(mut s: &[u8]) -> Option<Vec<u8>> {
    let mut ip = vec![0u8; 16];
    let mut ellipsis: Option<usize> = None;
    if s.len() >= 2 && s[0] == b':' && s[1] == b':' {
        ellipsis = Some(0);
        s = &s[2..];
        if s.is_empty() {
            return Some(ip);
        }
    }
    let mut i = 0;
    while i < 16 {
        let (n, c, ok) = xtoi(s);
        if !ok || n > 0xFFFF {
            return None;
        }
        if c < s.len() && s[c] == b'.' {
            if ellipsis.is_none() && i != 12 {
                return None;
            }
            if i + 4 > 16 {
                return None;
            }
            let v4 = parse_ipv4(s)?;
            ip[i..i + 4].copy_from_slice(&v4);
            s = &[];
            i += 4;
            break;
        }
        ip[i] = (n >> 8) as u8;
        ip[i + 1] = n as u8;
        i += 2;
        s = &s[c..];
        if s.is_empty() {
            break;
        }
        if s[0] != b':' || s.len() == 1 {
            return None;
        }
        s = &s[1..];
        if s[0] == b':' {
            if ellipsis.is_some() {
                return None;
            }
            ellipsis = Some(i);
            s = &s[1..];
            if s.is_empty() {
                break;
            }
        }
    }
    if !s.is_empty() {
        return None;
    }
    if i < 16 {
        let e = ellipsis?;
        let n = 16 - i;
        for j in (e..i).rev() {
            ip[j + n] = ip[j];
        }
        for b in ip.iter_mut().skip(e).take(n) {
            *b = 0;
        }
    } else if ellipsis.is_some() {
        return None;
    }
    Some(ip)
}

/// Go's `net.CIDRMask`; empty (Go's nil) when out of range.
fn cidr_mask(ones: i64, bits: i64) -> Vec<u8> {
    if (bits != 32 && bits != 128) || ones < 0 || ones > bits {
        return Vec::new();
    }
    let mut m = vec![0u8; (bits / 8) as usize];
    let mut n = ones;
    for b in m.iter_mut() {
        if n >= 8 {
            *b = 0xFF;
            n -= 8;
            continue;
        }
        *b = !(0xFFu8 >> n as u32);
        n = 0;
    }
    m
}

const V4_IN_V6: [u8; 12] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF];

/// Go's `IP.Mask`; empty (nil) when the lengths do not fit.
fn ip_mask(ip: &[u8], mask: &[u8]) -> Vec<u8> {
    let mut mask = mask;
    let mut ip = ip;
    if mask.len() == 16 && ip.len() == 4 && mask[..12].iter().all(|&b| b == 0xFF) {
        mask = &mask[12..];
    }
    if mask.len() == 4 && ip.len() == 16 && ip[..12] == V4_IN_V6 {
        ip = &ip[12..];
    }
    if ip.len() != mask.len() {
        return Vec::new();
    }
    ip.iter().zip(mask).map(|(a, b)| a & b).collect()
}

/// Go's `IP.To4`.
fn to4(ip: &[u8]) -> Option<&[u8]> {
    match ip.len() {
        4 => Some(ip),
        16 if ip[..12] == V4_IN_V6 => Some(&ip[12..]),
        _ => None,
    }
}

/// Go's `simpleMaskLength` (-1 for a non-canonical mask).
fn simple_mask_len(mask: &[u8]) -> i64 {
    let mut n = 0i64;
    for (i, &v) in mask.iter().enumerate() {
        if v == 0xFF {
            n += 8;
            continue;
        }
        let mut v = v;
        while v & 0x80 != 0 {
            n += 1;
            v <<= 1;
        }
        if v != 0 || mask[i + 1..].iter().any(|&b| b != 0) {
            return -1;
        }
        break;
    }
    n
}

/// Go's `IPMask.Size`.
fn mask_size(mask: &[u8]) -> (i64, i64) {
    match simple_mask_len(mask) {
        -1 => (0, 0),
        ones => (ones, mask.len() as i64 * 8),
    }
}

/// Go's `net.ParseCIDR`: the network (masked address) and the mask.
fn parse_cidr(s: &str) -> Result<(Vec<u8>, Vec<u8>), String> {
    let err = || format!("invalid CIDR expression: invalid CIDR address: {s}");
    let b = s.as_bytes();
    let slash = b.iter().position(|&c| c == b'/').ok_or_else(err)?;
    let (addr, mask) = (&b[..slash], &b[slash + 1..]);
    let (ip, iplen) = match parse_ipv4(addr) {
        Some(v4) => {
            let mut ip = V4_IN_V6.to_vec();
            ip.extend_from_slice(&v4);
            (ip, 4)
        }
        None => (parse_ipv6(addr).ok_or_else(err)?, 16),
    };
    let (n, i, ok) = dtoi(mask);
    if !ok || i != mask.len() || n as i64 > 8 * iplen {
        return Err(err());
    }
    let m = cidr_mask(n as i64, 8 * iplen);
    Ok((ip_mask(&ip, &m), m))
}

/// Go's `IP.String`.
fn ip_string(ip: &[u8]) -> String {
    if ip.is_empty() {
        return "<nil>".into();
    }
    if let Some(v4) = to4(ip) {
        return format!("{}.{}.{}.{}", v4[0], v4[1], v4[2], v4[3]);
    }
    if ip.len() != 16 {
        return format!("?{}", hex::encode(ip));
    }
    let (mut e0, mut e1): (i64, i64) = (-1, -1);
    let mut i = 0;
    while i < 16 {
        let mut j = i;
        while j < 16 && ip[j] == 0 && ip[j + 1] == 0 {
            j += 2;
        }
        if j > i && (j - i) as i64 > e1 - e0 {
            e0 = i as i64;
            e1 = j as i64;
            i = j;
        }
        i += 2;
    }
    if e1 - e0 <= 2 {
        e0 = -1;
        e1 = -1;
    }
    let mut out = String::new();
    let mut i = 0i64;
    while i < 16 {
        if i == e0 {
            out.push_str("::");
            i = e1;
            if i >= 16 {
                break;
            }
        } else if i > 0 {
            out.push(':');
        }
        let u = i as usize;
        out.push_str(&format!("{:x}", (ip[u] as u32) << 8 | ip[u + 1] as u32));
        i += 2;
    }
    out
}

/// Go's `IPNet.String`.
fn net_string(ip: &[u8], mask: &[u8]) -> String {
    let nn: Vec<u8> = match to4(ip) {
        Some(v4) => v4.to_vec(),
        None if ip.len() == 16 => ip.to_vec(),
        None => return "<nil>".into(),
    };
    let m: &[u8] = match mask.len() {
        4 if nn.len() == 4 => mask,
        16 if nn.len() == 4 => &mask[12..],
        16 => mask,
        _ => return "<nil>".into(),
    };
    match simple_mask_len(m) {
        -1 => format!("{}/{}", ip_string(&nn), hex::encode(m)),
        l => format!("{}/{l}", ip_string(&nn)),
    }
}

// ---- go-cidr ----

fn ip_to_int(ip: &[u8]) -> Result<(BigInt, i64), FnError> {
    let bits = match ip.len() {
        4 => 32,
        16 => 128,
        n => {
            return Err(FnError::call(format!(
                "panic in function implementation: Unsupported address length {n}"
            )))
        }
    };
    Ok((BigInt::from_bytes_be(Sign::Plus, ip), bits))
}

fn int_to_ip(v: &BigInt, bits: i64) -> Result<Vec<u8>, FnError> {
    let bytes = if v.is_zero() {
        Vec::new()
    } else {
        v.magnitude().to_bytes_be()
    };
    let n = (bits / 8) as usize;
    if bytes.len() > n {
        return Err(FnError::call(PANIC));
    }
    let mut out = vec![0u8; n];
    out[n - bytes.len()..].copy_from_slice(&bytes);
    Ok(out)
}

fn insert_num(ip: &[u8], num: &BigInt, prefix_len: i64) -> Result<Vec<u8>, FnError> {
    let (ip_int, total) = ip_to_int(ip)?;
    let shift = total - prefix_len;
    if !(0..=4096).contains(&shift) {
        return Err(FnError::call(PANIC));
    }
    let shifted = num << shift as usize;
    int_to_ip(&(ip_int | shifted), total)
}

/// Go's `big.Int.Uint64`: the low 64 bits of the magnitude.
fn low_u64(n: &BigInt) -> u64 {
    n.magnitude().iter_u64_digits().next().unwrap_or(0)
}

fn cidrhost(a: &[Value], _: &FuncContext) -> FnResult {
    let mut num = go_bigint(num_of(&a[1])).map_err(FnError::call)?;
    let (ip, mask) = parse_cidr(str_of(&a[0])).map_err(FnError::call)?;
    let (parent, addr) = mask_size(&mask);
    let max_host: BigInt = (BigInt::one() << (addr - parent) as usize) - 1;
    let mut num_u64 = BigInt::from(low_u64(&num) as i64);
    if num.is_negative() {
        num_u64 = -&num - 1;
        num = &max_host - &num_u64;
    }
    if num_u64 > max_host {
        return Err(FnError::call(format!(
            "prefix of {parent} does not accommodate a host numbered {num}"
        )));
    }
    let bits = if to4(&ip).is_some() { 32 } else { 128 };
    Ok(Value::string(ip_string(&insert_num(&ip, &num, bits)?)))
}

fn cidrsubnet(a: &[Value], _: &FuncContext) -> FnResult {
    let new_bits = go_int(num_of(&a[1])).map_err(FnError::call)?;
    let num = go_bigint(num_of(&a[2])).map_err(FnError::call)?;
    let (ip, mask) = parse_cidr(str_of(&a[0])).map_err(FnError::call)?;
    let (parent, addr) = mask_size(&mask);
    let new_len = parent + new_bits;
    if new_len > addr {
        return Err(FnError::call(format!(
            "insufficient address space to extend prefix of {parent} by {new_bits}"
        )));
    }
    let max_net: u64 = if (0..64).contains(&new_bits) {
        (1u64 << new_bits) - 1
    } else {
        u64::MAX
    };
    if low_u64(&num) > max_net {
        return Err(FnError::call(format!(
            "prefix extension of {new_bits} does not accommodate a subnet numbered {num}"
        )));
    }
    let new_ip = insert_num(&ip, &num, new_len)?;
    Ok(Value::string(net_string(
        &new_ip,
        &cidr_mask(new_len, addr),
    )))
}

fn check_v4(ip: &[u8]) -> Vec<u8> {
    to4(ip).unwrap_or(ip).to_vec()
}

fn step(ip: &[u8], up: bool) -> Vec<u8> {
    let mut out = check_v4(ip);
    for b in out.iter_mut().rev() {
        if up {
            *b = b.wrapping_add(1);
            if *b > 0 {
                break;
            }
        } else {
            *b = b.wrapping_sub(1);
            if *b < 255 {
                break;
            }
        }
    }
    out
}

/// Go's `IP.Equal`.
fn ip_equal(a: &[u8], b: &[u8]) -> bool {
    match (a.len(), b.len()) {
        (x, y) if x == y => a == b,
        (4, 16) => b[..12] == V4_IN_V6 && a == &b[12..],
        (16, 4) => a[..12] == V4_IN_V6 && &a[12..] == b,
        _ => false,
    }
}

fn is_zero_ip(ip: &[u8]) -> bool {
    let v4zero: Vec<u8> = V4_IN_V6.iter().copied().chain([0, 0, 0, 0]).collect();
    ip_equal(ip, &v4zero) || ip_equal(ip, &[0u8; 16])
}

/// go-cidr's `AddressRange`: the last address of a network.
fn last_address(ip: &[u8], mask: &[u8]) -> Result<Vec<u8>, FnError> {
    let (prefix, bits) = mask_size(mask);
    if prefix == bits {
        return Ok(ip.to_vec());
    }
    let (first, bits) = ip_to_int(ip)?;
    let host = bits - prefix;
    if !(0..=4096).contains(&host) {
        return Err(FnError::call(PANIC));
    }
    let last = ((BigInt::one() << host as usize) - 1) | first;
    int_to_ip(&last, bits)
}

/// Go's `IPNet.Contains`.
fn contains(net_ip: &[u8], net_mask: &[u8], ip: &[u8]) -> bool {
    let nn: Vec<u8> = match to4(net_ip) {
        Some(v4) => v4.to_vec(),
        None if net_ip.len() == 16 => net_ip.to_vec(),
        None => return false,
    };
    let m: &[u8] = match (net_mask.len(), nn.len()) {
        (4, 4) | (16, 16) => net_mask,
        (16, 4) => &net_mask[12..],
        _ => return false,
    };
    let ip = to4(ip).unwrap_or(ip);
    ip.len() == nn.len() && (0..ip.len()).all(|i| nn[i] & m[i] == ip[i] & m[i])
}

fn cidrsubnets(a: &[Value], _: &FuncContext) -> FnResult {
    let (net_ip, net_mask) = parse_cidr(str_of(&a[0]))
        .map_err(|e| FnError::arg(0, format!("Invalid value for \"prefix\" parameter: {e}.")))?;
    let nerr = |i: usize, m: String| {
        FnError::arg(i, format!("Invalid value for \"newbits\" parameter: {m}."))
    };
    let (start_len, _) = mask_size(&net_mask);
    if a.len() == 1 {
        return Ok(Value::List(Type::String, Vec::new()));
    }
    let first = go_int(num_of(&a[1]))
        .map_err(|e| nerr(1, e))?
        .saturating_add(start_len);
    // go-cidr's PreviousSubnet.
    let start = check_v4(&net_ip);
    let c_mask = cidr_mask(first, 8 * start.len() as i64);
    let (mut cur_ip, mut cur_mask) = (ip_mask(&step(&start, false), &c_mask), c_mask);
    let mut out = Vec::new();
    for (i, arg) in a.iter().enumerate().skip(1) {
        let len = go_int(num_of(arg)).map_err(|e| nerr(i, e))?;
        if len < 1 {
            return Err(nerr(i, "must extend prefix by at least one bit".into()));
        }
        if len > 32 {
            return Err(nerr(i, "may not extend prefix by more than 32 bits".into()));
        }
        let len = len + start_len;
        let max = net_ip.len() as i64 * 8;
        if len > max {
            let proto = match max {
                32 => "IPv4",
                128 => "IPv6",
                _ => "IP",
            };
            return Err(nerr(
                i,
                format!(
                    "would extend prefix to {len} bits, which is too long for an {proto} address"
                ),
            ));
        }
        // go-cidr's NextSubnet.
        let cur_last = last_address(&cur_ip, &cur_mask)?;
        let mask = cidr_mask(len, 8 * cur_last.len() as i64);
        let sub_ip = ip_mask(&cur_last, &mask);
        let last = step(&last_address(&sub_ip, &mask)?, true);
        let next_ip = ip_mask(&last, &mask);
        if is_zero_ip(&last) || !contains(&net_ip, &net_mask, &next_ip) {
            return Err(nerr(
                i,
                format!(
                    "not enough remaining address space for a subnet with a prefix of {len} bits after {}",
                    net_string(&cur_ip, &cur_mask)
                ),
            ));
        }
        cur_ip = next_ip;
        cur_mask = mask;
        out.push(Value::string(net_string(&cur_ip, &cur_mask)));
    }
    Ok(Value::List(Type::String, out))
}

#[cfg(test)]
#[path = "cidr_tests.rs"]
mod tests;
