//! Tests of the date and time functions; expectations recorded from Terraform 1.0.3.

use super::*;
use crate::funcs::CallError;

#[track_caller]
fn check(name: &str, args: &[&str], want: Result<&str, &str>) {
    let args = args.iter().map(|a| Value::string(*a)).collect();
    let got = Functions::standard().call(name, args, &FuncContext::default());
    match (got, want) {
        (Ok(g), Ok(w)) => assert_eq!(g, Value::string(w), "{name}"),
        (Err(CallError::Failed(e)), Err(w)) => assert_eq!(e.message, w, "{name}"),
        (g, w) => panic!("{name}: got {g:?}, want {w:?}"),
    }
}

const T: &str = "2018-01-02T03:04:05Z";

#[test]
fn formatdate_verbs() {
    check(
        "formatdate",
        &["YYYY-MM-DD hh:mm:ss ZZZZZ ZZZZ ZZZ Z", T],
        Ok("2018-01-02 03:04:05 +00:00 +0000 UTC Z"),
    );
    check(
        "formatdate",
        &["YY M D h H m s AA aa", "2018-01-02T15:04:05-08:00"],
        Ok("18 1 2 15 3 4 5 PM pm"),
    );
    check(
        "formatdate",
        &["MMMM MMM EEEE EEE", "2018-01-02T03:04:05+05:30"],
        Ok("January Jan Tuesday Tue"),
    );
    check(
        "formatdate",
        &["H HH h hh", "2018-01-02T00:04:05Z"],
        Ok("12 12 0 00"),
    );
    check(
        "formatdate",
        &["H HH h hh AA", "2018-01-02T12:04:05Z"],
        Ok("12 12 12 12 PM"),
    );
    check(
        "formatdate",
        &["ZZZZZ ZZZZ ZZZ Z", "2018-01-02T03:04:05+05:30"],
        Ok("+05:30 +0530 +0530 +05:30"),
    );
    check(
        "formatdate",
        &["ZZZZZ ZZZZ ZZZ Z", "2018-01-02T03:04:05-00:00"],
        Ok("+00:00 +0000 UTC Z"),
    );
    check(
        "formatdate",
        &["DD MMM YYYY hh:mm ZZZ", "2018-01-02T23:12:01Z"],
        Ok("02 Jan 2018 23:12 UTC"),
    );
    check("formatdate", &["'a''b' 'x'", T], Ok("a'b x"));
    check("formatdate", &["'''' ''", T], Ok("'' '"));
    check("formatdate", &["", T], Ok(""));
    check("formatdate", &["é YY", T], Ok("é 18"));
    check("formatdate", &["YYYY", "0000-01-02T03:04:05Z"], Ok("0000"));
    check("formatdate", &["YYYY", "2018-01-02T3:04:05Z"], Ok("2018"));
    check(
        "formatdate",
        &["h:mm", "2018-01-02T3:04:05+99:99"],
        Ok("3:04"),
    );
    check(
        "formatdate",
        &["YYYY", "2018-01-02T03:04:05+24:00"],
        Ok("2018"),
    );
}

#[test]
fn formatdate_format_errors() {
    let f = |m: &str| format!("Invalid value for \"format\" parameter: {m}.");
    check(
        "formatdate",
        &["'literal' ''quote''", T],
        Err(&f("invalid date format verb \"q\"")),
    );
    check(
        "formatdate",
        &["X", T],
        Err(&f("invalid date format verb \"X\"")),
    );
    check(
        "formatdate",
        &["YYYYY", T],
        Err(&f(
            "invalid date format verb \"YYYYY\": year must either be \"YY\" or \"YYYY\"",
        )),
    );
    check(
        "formatdate",
        &["Y-", T],
        Err(&f(
            "invalid date format verb \"Y\": year must either be \"YY\" or \"YYYY\"",
        )),
    );
    check(
        "formatdate",
        &["DDD", T],
        Err(&f(
            "invalid date format verb \"DDD\": day of month must either be \"D\" or \"DD\"",
        )),
    );
    check(
        "formatdate",
        &["'unterminated", T],
        Err(&f("unterminated literal '")),
    );
    check(
        "formatdate",
        &["ss.sss", T],
        Err(&f(
            "invalid date format verb \"sss\": second must either be \"s\" or \"ss\"",
        )),
    );
    check(
        "formatdate",
        &["abc", T],
        Err(&f("invalid date format verb \"a\": must be \"aa\"")),
    );
    check(
        "formatdate",
        &["AAA", T],
        Err(&f("invalid date format verb \"AAA\": must be \"AA\"")),
    );
    check(
        "formatdate",
        &["EEEEE", T],
        Err(&f(
            "invalid date format verb \"EEEEE\": day of week must either be \"EEE\" or \"EEEE\"",
        )),
    );
    check(
        "formatdate",
        &["MMMMM", T],
        Err(&f(
            "invalid date format verb \"MMMMM\": month must be \"M\", \"MM\", \"MMM\", or \"MMMM\"",
        )),
    );
    check(
        "formatdate",
        &["hhh", T],
        Err(&f(
            "invalid date format verb \"hhh\": 24-hour must either be \"h\" or \"hh\"",
        )),
    );
    check(
        "formatdate",
        &["HHH", T],
        Err(&f(
            "invalid date format verb \"HHH\": 12-hour must either be \"H\" or \"HH\"",
        )),
    );
    check(
        "formatdate",
        &["mmm", T],
        Err(&f(
            "invalid date format verb \"mmm\": minute must either be \"m\" or \"mm\"",
        )),
    );
    check(
        "formatdate",
        &["ZZZZZZ", T],
        Err(&f(
            "invalid date format verb \"ZZZZZZ\": timezone must be Z, ZZZZ, or ZZZZZ",
        )),
    );
}

#[test]
fn formatdate_time_errors() {
    let f = |m: &str| {
        format!("Invalid value for \"time\" parameter: not a valid RFC3339 timestamp: {m}.")
    };
    let cases = [
        ("2018-01-02", "missing required time introducer 'T'"),
        ("2018-01-02T03:04:05", "end of string before UTC offset"),
        (
            "2018-13-02T03:04:05Z",
            "cannot use \"-02T03:04:05Z\" as month",
        ),
        ("2018-01-02T24:00:00Z", "cannot use \":00:00Z\" as hour"),
        ("2018-01-02T03:04:60Z", "cannot use \"Z\" as second"),
        (
            "2018-01-02t03:04:05z",
            "missing required time introducer 'T'",
        ),
        (
            "2018-1-02T03:04:05Z",
            "cannot use \"1-02T03:04:05Z\" as month",
        ),
        ("2018-01-02T03:04:05.Z", "cannot use \".Z\" as UTC offset"),
        (
            "2018-01-02T03:04:05.123456789123Z",
            "cannot use \"Z\" as second",
        ),
        (
            "2018-01-02T03:04:05+0530",
            "cannot use \"+0530\" as UTC offset",
        ),
        (
            "10000-01-02T03:04:05Z",
            "found \"0-01-02T03:04:05Z\" where \"-\" is expected",
        ),
        (
            "2018-01-02T03:04:05Zx",
            "cannot use \"x\" as timestamp segment",
        ),
        ("", "end of string before year"),
        ("2018", "end of string where \"-\" is expected"),
        (
            "20a8-01-02T03:04:05Z",
            "cannot use \"-01-02T03:04:05Z\" as year",
        ),
        (
            "2018-01-2T03:04:05Z",
            "cannot use \"2T03:04:05Z\" as day of month",
        ),
        (
            "2018-01-02T03:04:05+05:3x",
            "end of string before UTC offset",
        ),
        (
            "2018-01-02T03:04:05*05:30",
            "end of string before UTC offset",
        ),
        ("2018-01-02T03:4:05Z", "cannot use \"4:05Z\" as minute"),
    ];
    for (t, m) in cases {
        check("formatdate", &["YYYY", t], Err(&f(m)));
    }
    check("formatdate", &["YYYY", "2018-02-30T03:04:05Z"], Err("Invalid value for \"time\" parameter: not a valid RFC3339 timestamp: day out of range."));
}

#[test]
fn timeadd_cases() {
    check(
        "timeadd",
        &["2017-11-22T00:00:00Z", "10m"],
        Ok("2017-11-22T00:10:00Z"),
    );
    check(
        "timeadd",
        &["2017-11-22T00:00:00Z", "-1h30m"],
        Ok("2017-11-21T22:30:00Z"),
    );
    check(
        "timeadd",
        &["2017-11-22T00:00:00+05:30", "1.5h"],
        Ok("2017-11-22T01:30:00+05:30"),
    );
    check(
        "timeadd",
        &["2017-11-22T00:00:00.5Z", "1ns"],
        Ok("2017-11-22T00:00:00Z"),
    );
    check(
        "timeadd",
        &["2017-11-22T00:00:00Z", "0"],
        Ok("2017-11-22T00:00:00Z"),
    );
    check(
        "timeadd",
        &["2017-11-22T00:00:00Z", "1us2µs3μs"],
        Ok("2017-11-22T00:00:00Z"),
    );
    check(
        "timeadd",
        &["2017-11-22T00:00:00Z", "+.5h"],
        Ok("2017-11-22T00:30:00Z"),
    );
    check(
        "timeadd",
        &["0001-01-01T00:00:00Z", "-1h"],
        Ok("0000-12-31T23:00:00Z"),
    );
    check(
        "timeadd",
        &["9999-12-31T23:00:00Z", "2h"],
        Ok("10000-01-01T01:00:00Z"),
    );
    check(
        "timeadd",
        &["2017-11-22T00:00:00Z", "1d"],
        Err("time: unknown unit \"d\" in duration \"1d\""),
    );
    check(
        "timeadd",
        &["2017-11-22T00:00:00Z", ""],
        Err("time: invalid duration \"\""),
    );
    check(
        "timeadd",
        &["2017-11-22T00:00:00Z", "1"],
        Err("time: missing unit in duration \"1\""),
    );
    check(
        "timeadd",
        &["2017-11-22T00:00:00Z", "9999999999h"],
        Err("time: invalid duration \"9999999999h\""),
    );
    check(
        "timeadd",
        &["2017-11-22T00:00:00Z", "-"],
        Err("time: invalid duration \"-\""),
    );
    check(
        "timeadd",
        &["2017-11-22T00:00:00Z", ".h"],
        Err("time: invalid duration \".h\""),
    );
    check(
        "timeadd",
        &["2017-11-22T00:00:00Z", "1é"],
        Err("time: unknown unit \"é\" in duration \"1é\""),
    );
    check(
        "timeadd",
        &["2017-11-22", "1h"],
        Err("not a valid RFC3339 timestamp: missing required time introducer 'T'"),
    );
    check(
        "timeadd",
        &["2017-02-30T00:00:00Z", "1h"],
        Err("not a valid RFC3339 timestamp: day out of range"),
    );
}

#[test]
fn timecmp_cases() {
    let f = Functions::standard();
    let c = FuncContext::default();
    let cmp = |a: &str, b: &str| {
        f.call("timecmp", vec![Value::string(a), Value::string(b)], &c)
            .unwrap()
    };
    assert_eq!(
        cmp("2017-11-22T00:00:00Z", "2017-11-22T00:00:00Z"),
        Value::int(0)
    );
    assert_eq!(
        cmp("2017-11-22T00:00:00Z", "2017-11-22T01:00:00Z"),
        Value::int(-1)
    );
    assert_eq!(
        cmp("2017-11-22T01:00:00Z", "2017-11-22T00:00:00Z"),
        Value::int(1)
    );
    assert_eq!(
        cmp("2017-11-22T01:00:00+01:00", "2017-11-22T00:00:00Z"),
        Value::int(0)
    );
    assert_eq!(
        cmp("2017-11-22T00:00:00.5Z", "2017-11-22T00:00:00Z"),
        Value::int(1)
    );
    check("timecmp", &["x", T], Err("Invalid value for \"timestamp_a\" parameter: not a valid RFC3339 timestamp: cannot use \"x\" as year."));
    check("timecmp", &[T, "2017"], Err("Invalid value for \"timestamp_b\" parameter: not a valid RFC3339 timestamp: end of string where \"-\" is expected."));
}

#[test]
fn clocks() {
    let f = Functions::standard();
    let c = FuncContext {
        plan_timestamp: "2024-01-02T03:04:05Z".into(),
        ..FuncContext::default()
    };
    assert_eq!(
        f.call("plantimestamp", vec![], &c).unwrap(),
        Value::string("2024-01-02T03:04:05Z")
    );
    let now = f.call("timestamp", vec![], &c).unwrap();
    let now = now.as_str().unwrap();
    assert!(
        go_parse_rfc3339(now).is_ok() && now.ends_with('Z') && now.len() == 20,
        "{now}"
    );
    let u = FuncContext {
        impure_unknown: true,
        ..FuncContext::default()
    };
    assert_eq!(
        f.call("timestamp", vec![], &u).unwrap(),
        Value::Unknown(Type::String)
    );
}
