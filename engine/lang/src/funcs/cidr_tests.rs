//! Tests of the IP network functions; expectations recorded from Terraform 1.0.3.

use super::*;
use crate::funcs::CallError;

fn n(x: &str) -> Value {
    Value::Number(Number::parse(x).unwrap())
}

#[track_caller]
fn check(name: &str, prefix: &str, nums: &[&str], want: Result<&str, &str>) {
    let mut args = vec![Value::string(prefix)];
    args.extend(nums.iter().map(|x| n(x)));
    let got = Functions::standard().call(name, args, &FuncContext::default());
    match (got, want) {
        (Ok(g), Ok(w)) => assert_eq!(g, Value::string(w), "{name}({prefix}, {nums:?})"),
        (Err(CallError::Failed(e)), Err(w)) => {
            assert_eq!(e.message, w, "{name}({prefix}, {nums:?})")
        }
        (g, w) => panic!("{name}({prefix}, {nums:?}): got {g:?}, want {w:?}"),
    }
}

#[track_caller]
fn subnets(prefix: &str, bits: &[&str], want: Result<&[&str], &str>) {
    let mut args = vec![Value::string(prefix)];
    args.extend(bits.iter().map(|x| n(x)));
    let got = Functions::standard().call("cidrsubnets", args, &FuncContext::default());
    match (got, want) {
        (Ok(g), Ok(w)) => {
            let w = Value::List(Type::String, w.iter().map(|s| Value::string(*s)).collect());
            assert_eq!(g, w, "cidrsubnets({prefix}, {bits:?})")
        }
        (Err(CallError::Failed(e)), Err(w)) => {
            assert_eq!(e.message, w, "cidrsubnets({prefix}, {bits:?})")
        }
        (g, w) => panic!("cidrsubnets({prefix}, {bits:?}): got {g:?}, want {w:?}"),
    }
}

#[test]
fn host() {
    check("cidrhost", "10.12.112.0/20", &["16"], Ok("10.12.112.16"));
    check("cidrhost", "10.12.112.0/20", &["268"], Ok("10.12.113.12"));
    check("cidrhost", "10.12.112.0/20", &["-1"], Ok("10.12.127.255"));
    check("cidrhost", "10.12.112.0/20", &["4095"], Ok("10.12.127.255"));
    check("cidrhost", "10.12.112.0/20", &["-4096"], Ok("10.12.112.0"));
    check(
        "cidrhost",
        "fd00:fd12:3456:7890:00a2::/72",
        &["34"],
        Ok("fd00:fd12:3456:7890::22"),
    );
    check(
        "cidrhost",
        "fd00::/64",
        &["-1"],
        Ok("fd00::ffff:ffff:ffff:ffff"),
    );
    check("cidrhost", "10.0.0.0/32", &["0"], Ok("10.0.0.0"));
    check("cidrhost", "10.0.0.1/8", &["1"], Ok("10.0.0.1"));
    check("cidrhost", "010.0.0.0/8", &["1"], Ok("10.0.0.1"));
    check("cidrhost", "10.0.0.0/08", &["1"], Ok("10.0.0.1"));
    check("cidrhost", "1.2.3.0004/8", &["1"], Ok("1.0.0.1"));
    check(
        "cidrhost",
        "::ffff:10.0.0.0/104",
        &["1"],
        Ok("0:1::ffff:a00:0"),
    );
    check(
        "cidrhost",
        "::/0",
        &["-1"],
        Ok("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
    );
    check(
        "cidrhost",
        "::/0",
        &["340282366920938463463374607431768211455"],
        Ok("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
    );
    check(
        "cidrhost",
        "0.0.0.0/0",
        &["4294967295"],
        Ok("255.255.255.255"),
    );
    check("cidrhost", "1.2.3.4/24", &["-256"], Ok("1.2.3.0"));
    check(
        "cidrhost",
        "1:2:3:4:5:6:7:8/128",
        &["0"],
        Ok("1:2:3:4:5:6:7:8"),
    );
    check("cidrhost", "1:0:0:4:0:0:0:8/128", &["0"], Ok("1:0:0:4::8"));
    check(
        "cidrhost",
        "1:0:0:4:0:0:7:8/128",
        &["0"],
        Ok("1::4:0:0:7:8"),
    );
    check("cidrhost", "::1.2.3.4/128", &["0"], Ok("::102:304"));
    check(
        "cidrhost",
        "0:0:0:0:0:ffff:1.2.3.4/128",
        &["0"],
        Ok("1.2.3.4"),
    );
    check("cidrhost", "FD00::/8", &["1"], Ok("fd00::1"));
}

#[test]
fn host_errors() {
    check(
        "cidrhost",
        "10.12.112.0/20",
        &["4096"],
        Err("prefix of 20 does not accommodate a host numbered 4096"),
    );
    check(
        "cidrhost",
        "10.12.112.0/20",
        &["-4097"],
        Err("prefix of 20 does not accommodate a host numbered -1"),
    );
    check(
        "cidrhost",
        "10.0.0.0/32",
        &["1"],
        Err("prefix of 32 does not accommodate a host numbered 1"),
    );
    check(
        "cidrhost",
        "1.2.3.4/24",
        &["-257"],
        Err("prefix of 24 does not accommodate a host numbered -1"),
    );
    check(
        "cidrhost",
        "1.2.3.4/24",
        &["-18446744073709551617"],
        Err("prefix of 24 does not accommodate a host numbered -18446744073709551361"),
    );
    check(
        "cidrhost",
        "10.0.0.0/8",
        &["1.5"],
        Err("value must be a whole number"),
    );
    check(
        "cidrhost",
        "10.0.0.0/8",
        &["18446744073709551616"],
        Err(PANIC),
    );
    for bad in [
        "10.0.0.0",
        "10.0.0.0/33",
        " 10.0.0.0/8",
        "1.2.3/8",
        "1::2::3/8",
        "256.0.0.0/8",
        "x",
    ] {
        check(
            "cidrhost",
            bad,
            &["1"],
            Err(&format!(
                "invalid CIDR expression: invalid CIDR address: {bad}"
            )),
        );
    }
}

#[test]
fn netmask() {
    let m = |p: &str, w: Result<&str, &str>| check("cidrnetmask", p, &[], w);
    m("172.16.0.0/12", Ok("255.240.0.0"));
    m("10.0.0.0/0", Ok("0.0.0.0"));
    m("10.0.0.0/32", Ok("255.255.255.255"));
    m("fd00::/64", Ok("ffff:ffff:ffff:ffff::"));
    m(
        "::ffff:10.0.0.0/104",
        Ok("ffff:ffff:ffff:ffff:ffff:ffff:ff00:0"),
    );
    m("x", Err("invalid CIDR expression: invalid CIDR address: x"));
}

#[test]
fn subnet() {
    check(
        "cidrsubnet",
        "172.16.0.0/12",
        &["4", "2"],
        Ok("172.18.0.0/16"),
    );
    check(
        "cidrsubnet",
        "10.1.2.0/24",
        &["4", "15"],
        Ok("10.1.2.240/28"),
    );
    check(
        "cidrsubnet",
        "fd00:fd12:3456:7890::/56",
        &["16", "162"],
        Ok("fd00:fd12:3456:7800:a200::/72"),
    );
    check("cidrsubnet", "10.0.0.0/8", &["8", "-1"], Ok("0.1.0.0/16"));
    check("cidrsubnet", "10.0.0.0/8", &["0", "0"], Ok("10.0.0.0/8"));
    check("cidrsubnet", "10.0.0.0/8", &["-1", "0"], Ok("10.0.0.0/7"));
    check("cidrsubnet", "10.0.0.0/8", &["-9", "0"], Ok("<nil>"));
    check(
        "cidrsubnet",
        "10.0.0.0/8",
        &["24", "16777215"],
        Ok("10.255.255.255/32"),
    );
    check(
        "cidrsubnet",
        "::/0",
        &["64", "18446744073709551615"],
        Ok("ffff:ffff:ffff:ffff::/64"),
    );
    check("cidrsubnet", "::/0", &["65", "1"], Ok("::8000:0:0:0/65"));
    check("cidrsubnet", "::/0", &["128", "1"], Ok("::1/128"));
    check(
        "cidrsubnet",
        "::ffff:10.0.0.0/104",
        &["8", "1"],
        Ok("10.1.0.0/16"),
    );
    check("cidrsubnet", "1.2.3.4/32", &["0", "0"], Ok("1.2.3.4/32"));
    check(
        "cidrsubnet",
        "10.0.0.0/8",
        &["25", "0"],
        Err("insufficient address space to extend prefix of 8 by 25"),
    );
    check(
        "cidrsubnet",
        "10.0.0.0/8",
        &["70", "5"],
        Err("insufficient address space to extend prefix of 8 by 70"),
    );
    check(
        "cidrsubnet",
        "::/0",
        &["129", "1"],
        Err("insufficient address space to extend prefix of 0 by 129"),
    );
    check(
        "cidrsubnet",
        "10.0.0.0/8",
        &["8", "256"],
        Err("prefix extension of 8 does not accommodate a subnet numbered 256"),
    );
    check(
        "cidrsubnet",
        "10.0.0.0/8",
        &["8", "-257"],
        Err("prefix extension of 8 does not accommodate a subnet numbered -257"),
    );
    check(
        "cidrsubnet",
        "10.0.0.0/8",
        &["8", "1.5"],
        Err("value must be a whole number"),
    );
    check(
        "cidrsubnet",
        "10.0.0.0/8",
        &["8.5", "1"],
        Err(NOT_WHOLE_INT),
    );
    check(
        "cidrsubnet",
        "10.0.0.0/8",
        &["8", "18446744073709551616"],
        Err(PANIC),
    );
    check(
        "cidrsubnet",
        "10.0.0.0/33",
        &["8", "1"],
        Err("invalid CIDR expression: invalid CIDR address: 10.0.0.0/33"),
    );
}

#[test]
fn subnets_cases() {
    subnets(
        "10.1.0.0/16",
        &["4", "4", "8", "4"],
        Ok(&[
            "10.1.0.0/20",
            "10.1.16.0/20",
            "10.1.32.0/24",
            "10.1.48.0/20",
        ]),
    );
    subnets(
        "fd00:fd12:3456:7890::/56",
        &["16", "16", "16", "32"],
        Ok(&[
            "fd00:fd12:3456:7800::/72",
            "fd00:fd12:3456:7800:100::/72",
            "fd00:fd12:3456:7800:200::/72",
            "fd00:fd12:3456:7800:300::/88",
        ]),
    );
    subnets("10.0.0.0/8", &[], Ok(&[]));
    subnets(
        "10.0.0.0/8",
        &["8", "4"],
        Ok(&["10.0.0.0/16", "10.16.0.0/12"]),
    );
    let nb = |m: &str| format!("Invalid value for \"newbits\" parameter: {m}.");
    subnets("10.0.0.0/30", &["1", "1", "1"], Err(&nb("not enough remaining address space for a subnet with a prefix of 31 bits after 10.0.0.2/31")));
    subnets(
        "10.0.0.0/8",
        &["0"],
        Err(&nb("must extend prefix by at least one bit")),
    );
    subnets(
        "10.0.0.0/8",
        &["-1"],
        Err(&nb("must extend prefix by at least one bit")),
    );
    subnets(
        "10.0.0.0/8",
        &["8", "0"],
        Err(&nb("must extend prefix by at least one bit")),
    );
    subnets(
        "10.0.0.0/8",
        &["25"],
        Err(&nb(
            "would extend prefix to 33 bits, which is too long for an IPv4 address",
        )),
    );
    subnets(
        "10.0.0.0/8",
        &["33"],
        Err(&nb("may not extend prefix by more than 32 bits")),
    );
    subnets(
        "fd00::/120",
        &["9"],
        Err(&nb(
            "would extend prefix to 129 bits, which is too long for an IPv6 address",
        )),
    );
    subnets("::/0", &["1"], Err(&nb("not enough remaining address space for a subnet with a prefix of 1 bits after 8000::/1")));
    subnets("0.0.0.0/0", &["1"], Err(&nb("not enough remaining address space for a subnet with a prefix of 1 bits after 128.0.0.0/1")));
    subnets("0.0.0.0/1", &["1"], Err(&nb("not enough remaining address space for a subnet with a prefix of 2 bits after 192.0.0.0/2")));
    subnets("255.255.255.0/24", &["1", "1", "1"], Err(&nb("not enough remaining address space for a subnet with a prefix of 25 bits after 255.255.255.128/25")));
    subnets(
        "::ffff:10.0.0.0/104",
        &["1"],
        Err(&nb(
            "not enough remaining address space for a subnet with a prefix of 105 bits after <nil>",
        )),
    );
    subnets("10.0.0.0/8", &["1.5"], Err(&nb(NOT_WHOLE_INT)));
    subnets("x", &["1"], Err("Invalid value for \"prefix\" parameter: invalid CIDR expression: invalid CIDR address: x."));
}
