//! Tests of format and formatlist (expected values recorded from Terraform 1.0.3).

use super::super::numeric::shared::testing::{e, ea, t};

/// `format(<fmt>, <args>)` gives the string `want`.
#[track_caller]
fn f(call: &str, want: &str) {
    let want = format!("\"{}\"", want.replace('\\', "\\\\").replace('"', "\\\""));
    t(&format!("format({call})"), &want);
}

#[test]
fn integers() {
    f(r#""%d", 42"#, "42");
    f(r#""%5d|%-5d|%05d", 42, 42, 42"#, "   42|42   |00042");
    f(r#""%+d % d %+d", 5, 5, -5"#, "+5  5 -5");
    f(r#""%x %X %o %b", 255, 255, 8, 5"#, "ff FF 10 101");
    f(
        r#""%#x %#X %#o %#b", 255, 255, 8, 5"#,
        "0xff 0XFF 010 0b101",
    );
    f(r#""%.5d", 42"#, "00042");
    f(r#""%8.5d", -42"#, "  -00042");
    f(r#""%08.5d", 42"#, "   00042");
    f(r#""%.0d|%.0x|%.0d", 0, 0, 1"#, "||1");
    f(r#""%d", "12""#, "12");
    f(
        r#""%d", 123456789012345678901234567890"#,
        "123456789012345678901234567890",
    );
    f(r#""%x|%b", -255, -5"#, "-ff|-101");
    f(r#""%#o", 0"#, "00");
    f(r#""%# x|%+ d|% +d", 255, 5, 5"#, " 0xff|+5|+5");
    f(r#""%0-5d|%-05d|", 5, 3"#, "5    |3    |");
    f(
        r#""%010d|%+010d|%-+10d|", -42, 42, 42"#,
        "-000000042|+000000042|+42       |",
    );
    f(
        r#""%10.5x|%#10x|%#010x|", 255, 255, 255"#,
        "     000ff|      0xff|0x000000ff|",
    );
    f(r#""%X", 3735928559"#, "DEADBEEF");
    f(r#""%o", 1.0e20"#, "12657072742654304000000");
    f(r#""%x", 1.0"#, "1");
    e(
        r#"format("%d", 1.5)"#,
        r#"unsupported value for "%d" at 0: an integer is required"#,
    );
    e(r#"format("%d", inf)"#, "an integer is required");
    e(
        r#"format("%d", "abc")"#,
        r#"unsupported value for "%d" at 0: a number is required"#,
    );
    e(
        r#"format("%d", true)"#,
        r#"unsupported value for "%d" at 0: number required"#,
    );
}

#[test]
fn floats() {
    f(r#""%f", 3.14159"#, "3.141590");
    f(r#""%.2f", 2.675"#, "2.67");
    f(
        r#""%.0f|%.0f|%.0f|%.0f", 0.5, 1.5, 2.5, 123.5"#,
        "0|2|2|124",
    );
    f(r#""%.1f|%.1f|%.1f", 0.05, 0.25, 0.35"#, "0.1|0.2|0.3");
    f(
        r#""%e|%E", 1234.5678, 1234.5678"#,
        "1.234568e+03|1.234568E+03",
    );
    f(r#""%.3e", 0"#, "0.000e+00");
    f(r#""%e", -0.000123"#, "-1.230000e-04");
    f(r#""%.0e|%.0e|%.0g", 15, 25, 15"#, "2e+01|2e+01|2e+01");
    f(
        r#""%.1e|%.2e|%e", 0.05, 9.995, 1"#,
        "5.0e-02|1.00e+01|1.000000e+00",
    );
    f(
        r#""%g|%g|%g", 1234.5678, 1000000, 100000"#,
        "1234.5678|1e+06|100000",
    );
    f(
        r#""%g|%g|%G", 0.0001, 0.00001, 1e-10"#,
        "0.0001|1e-05|1E-10",
    );
    f(
        r#""%g|%g|%g", 0.000012345, 123456, 1234567"#,
        "1.2345e-05|123456|1.234567e+06",
    );
    f(
        r#""%g|%g|%g|%g", 0, 1e21, 123456789, 1e20"#,
        "0|1e+21|1.23456789e+08|1e+20",
    );
    f(
        r#""%.3g|%.10g|%.3G|%.2g", 1234.5678, 0.333333333333333333333, 0.000012345, 0.000012345"#,
        "1.23e+03|0.3333333333|1.23E-05|1.2e-05",
    );
    f(
        r#""%10.3f|%-10.3f|%010.3f", 3.14159, 3.14159, -3.14159"#,
        "     3.142|3.142     |-00003.142",
    );
    f(r#""%+f % f", 1.5, 1.5"#, "+1.500000  1.500000");
    f(
        r#""%-010.2f|%+08.2f|% 08.2f|", 3.14159, 3.14159, 3.14159"#,
        "3.14      |+0003.14| 0003.14|",
    );
    f(
        r#""%+.2e|%010.2e|%-8.3e|", 12345, -12345, 1234.5"#,
        "+1.23e+04|-01.23e+04|1.234e+03|",
    );
    f(
        r#""%f|%010f|%+f|% f", inf, neginf, inf, inf"#,
        "+Inf|      -Inf|+Inf| Inf",
    );
    f(
        r#""%8.3f|%-8f|% 8f|", inf, neginf, inf"#,
        "    +Inf|-Inf    |     Inf|",
    );
    f(r#""%e", 1e400"#, "1.000000e+400");
    f(r#""%f|%f", 1e-400, -0.0000001"#, "0.000000|-0.000000");
    f(r#""%5.0f|", -0.4"#, "   -0|");
    f(r#""%.30f", 0.1"#, "0.100000000000000000000000000000");
    f(
        r#""%.20e", 0.3333333333333333333333333"#,
        "3.33333333333333333333e-01",
    );
    f(
        r#""%1.1f|%f", 1e30, 123456789.123456789"#,
        "1000000000000000000000000000000.0|123456789.123457",
    );
    f(r#""%E|%G", 123456789, 1e-7"#, "1.234568E+08|1E-07");
}

#[test]
fn values_and_strings() {
    f(
        r#""%v|%v|%v|%v", 1000000, 1.5, 0.1, 9007199254740993"#,
        "1e+06|1.5|0.1|9.007199254740993e+15",
    );
    f(
        r#""%v|%v", 12345678901234567890, 1e16"#,
        "1.234567890123456789e+19|1e+16",
    );
    f(r#""%v", inf"#, "+Inf");
    f(r#""%v|%v|%v", "x", true, null"#, "x|true|null");
    f(r#""%v", [1, "a"]"#, r#"[1,"a"]"#);
    f(r#""%v", {a = 1, b = [true]}"#, r#"{"a":1,"b":[true]}"#);
    f(
        r#""%v|%v|%v", tolist([]), toset(["b", "a"]), {a = null}"#,
        r#"[]|["a","b"]|{"a":null}"#,
    );
    f(
        r#""%v", [1.5, 1e30, 0.1]"#,
        "[1.5,1000000000000000000000000000000,0.1]",
    );
    f(
        r#""%#v|%#v|%#v|%#v", "x", 12, null, [1]"#,
        r#""x"|12|null|[1]"#,
    );
    f(
        r#""%#v", {b = [1, true, null], a = "<"}"#,
        r#"{"a":"\u003c","b":[1,true,null]}"#,
    );
    f(r#""%v", {"<" = "é"}"#, r#"{"\u003c":"é"}"#);
    f(r#""%.3v|%10.4v|", 3.14159, 3.14159"#, "3.14159|   3.14159|");
    f(
        r#""%5v|%05v|%05v|%-5v|%#5v|", "ab", 1, -1, 1, "ab""#,
        r#"   ab|00001|000-1|1    | "ab"|"#,
    );
    e(
        r#"format("%v", [inf])"#,
        r#"unsupported value for "%v" at 0: cannot serialize infinity as JSON"#,
    );
    f(
        r#""%s|%s|%s|%s", "hi", 12, true, 1e30"#,
        "hi|12|true|1000000000000000000000000000000",
    );
    f(r#""%5s|%-5s|%05s", "hi", "hi", "hi""#, "   hi|hi   |000hi");
    f(
        r#""%.2s|%.s|%5.s|%5.1s|", "héllo", "abc", "abc", "abc""#,
        "hé|abc|  abc|    a|",
    );
    f(
        r#""%.2s|%3s|%5.2s|", "🇺🇸🇬🇧x", "🇺🇸", "🇺🇸🇬🇧x""#,
        "🇺🇸🇬🇧|  🇺🇸|   🇺🇸🇬🇧|",
    );
    f(r#""%.3s", 12345"#, "123");
    f(
        r#""%q|%q|%5q|%5.1q|", "a\"b\n", 12, "a", "abc""#,
        r#""a\"b\n"|"12"|  "a"|  "a"|"#,
    );
    f(r#""%q", "<a>&\u2028""#, r#""\u003ca\u003e\u0026\u2028""#);
    f(
        r#""%q", "\u0008\u000c\u0001\t""#,
        r#""\u0008\u000c\u0001\t""#,
    );
    f(r#""%t|%t|%5t", true, "true", false"#, "true|true|false");
    e(
        r#"format("%t", 1)"#,
        r#"unsupported value for "%t" at 0: bool required"#,
    );
    e(
        r#"format("%s", [1])"#,
        r#"unsupported value for "%s" at 0: string required"#,
    );
    e(
        r#"format("%s", null)"#,
        r#"unsupported value for "%s" at 0: null value cannot be formatted"#,
    );
    e(
        r#"format("%d", null)"#,
        r#"unsupported value for "%d" at 0: null value cannot be formatted"#,
    );
}

#[test]
fn verbs_and_indexes() {
    f(r#""%%""#, "%");
    f(r#""100%% %s", "x""#, "100% x");
    f(r#""%[2]s %[1]s", "a", "b""#, "b a");
    f(r#""%[2]s %s", "a", "b", "c""#, "b c");
    f(r#""%[12]d", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12"#, "12");
    f(r#""%#s|%#q|%#d|%+s", "x", "x", 10, "x""#, r#"x|"x"|10|x"#);
    e(
        r#"format("%[3]s", "a")"#,
        r#"not enough arguments for "%[3]s" at 0: need index 3 but have 1 total"#,
    );
    e(
        r#"format("%s %s", "a")"#,
        r#"not enough arguments for "%s" at 3: need index 2 but have 1 total"#,
    );
    e(
        r#"format("%s")"#,
        r#"not enough arguments for "%s" at 0: need index 1 but have 0 total"#,
    );
    e(
        r#"format("%[1]d %d", 1)"#,
        r#"not enough arguments for "%d" at 6: need index 2 but have 1 total"#,
    );
    ea(
        r#"format("%s", "a", "b")"#,
        2,
        "Invalid value for \"args\" parameter: too many arguments; only 1 used by format string.",
    );
    ea(
        r#"format("abc", 1)"#,
        1,
        "too many arguments; no verbs in format string",
    );
    ea(
        r#"format("abc %s %s", 1, 2, 3, 4)"#,
        3,
        "too many arguments; only 2 used by format string",
    );
    e(
        r#"format("%y", 1)"#,
        r#"unsupported format verb 'y' in "%y" at offset 0"#,
    );
    e(
        r#"format("%[1]v %[1]T", 1)"#,
        r#"unsupported format verb 'T' in "%[1]T" at offset 6"#,
    );
    e(
        r#"format("%", 1)"#,
        "invalid format string starting at offset 1",
    );
    e(
        r#"format("abc %")"#,
        "invalid format string starting at offset 5",
    );
    e(
        r#"format("%*d", 5, 3)"#,
        "unrecognized format character '*' at offset 1",
    );
    e(
        r#"format("%[0]d", 1)"#,
        "unrecognized format character '0' at offset 2",
    );
    e(
        r#"format("%5%")"#,
        "unrecognized format character '%' at offset 2",
    );
    e(
        r#"format("%ü", 1)"#,
        "unrecognized format character 'ü' at offset 1",
    );
    t(r#"format("%s", unknown(string))"#, "unknown(string)");
    t(r#"format("%s", [unknown(string)])"#, "unknown(string)");
    t(r#"format(unknown(string), 1)"#, "unknown(string)");
    t(
        r#"format("%s-%s", "a", sensitive("b"))"#,
        r#"sensitive("a-b")"#,
    );
}

#[test]
fn formatlist_cases() {
    t(
        r#"formatlist("%s-%s", ["a", "b"], "x")"#,
        r#"tolist(["a-x", "b-x"])"#,
    );
    t(r#"formatlist("%s", [])"#, "typed(list(string), [])");
    t(r#"formatlist("x")"#, r#"tolist(["x"])"#);
    t(
        r#"formatlist("%s", toset(["b", "a"]))"#,
        r#"tolist(["a", "b"])"#,
    );
    t(r#"formatlist("%v", [null, 1])"#, r#"tolist(["null", "1"])"#);
    t(
        r#"formatlist("%s", ["a", unknown(string)])"#,
        r#"tolist(["a", unknown(string)])"#,
    );
    t(
        r#"formatlist("%s", unknown(list(string)))"#,
        "unknown(list(string))",
    );
    t(
        r#"formatlist("%s %s", ["a"], unknown(any))"#,
        r#"tolist([unknown(string)])"#,
    );
    t(
        r#"formatlist("%s", [sensitive("a"), "b"])"#,
        r#"sensitive(tolist(["a", "b"]))"#,
    );
    e(
        r#"formatlist("%s")"#,
        r#"not enough arguments for "%s" at 0: need index 1 but have 0 total"#,
    );
    ea(
        r#"formatlist("%s %s", ["a"], ["b", "c"])"#,
        2,
        "argument 2 has length 2, which is inconsistent with argument 1 of length 1",
    );
    ea(
        r#"formatlist("%s %s", ["a"], unknown(tuple([string, string])))"#,
        2,
        "inconsistent",
    );
    e(
        r#"formatlist("%s", {a = 1})"#,
        r#"error on format iteration 0: unsupported value for "%s" at 0: string required"#,
    );
    e(
        r#"formatlist("%s %s", "a")"#,
        "error on format iteration 0: not enough arguments",
    );
    e(r#"formatlist("%s", null)"#, "error on format iteration 0: unsupported value for \"%s\" at 0: null value cannot be formatted");
    e(
        r#"formatlist("%s", ["a"], "b")"#,
        "error on format iteration 0: too many arguments; only 1 used by format string",
    );
}

#[test]
fn negative_zero() {
    f(
        r#""%v|%d|%e|%f", -0, -0, -0, -0"#,
        "-0|0|-0.000000e+00|-0.000000",
    );
}
