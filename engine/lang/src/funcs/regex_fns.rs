//! Regular-expression functions: regex regexall. Patterns use Go's RE2 syntax (see `regex_go`);
//! the result is a string when the pattern has no groups, a tuple for unnamed groups and an
//! object for named groups (groups that did not take part in the match are null).

#[path = "regex_go.rs"]
mod regex_go;

use std::collections::BTreeMap;

use infra_core::{Type, Value};

pub(crate) use regex_go::GoRegex;

use super::numeric::shared::{arg_err, list, str_of};
use super::{FnError, FnResult, FuncContext, Functions, Param};

pub(crate) fn register(f: &mut Functions) {
    let params = || {
        vec![
            Param::new("pattern", Type::String),
            Param::new("string", Type::String),
        ]
    };
    f.def("regex", params(), ret_regex, regex);
    f.def("regexall", params(), ret_regexall, regexall);
}

/// Compiles a pattern for `replace`, with Go's `regexp.Compile` error text.
pub(crate) fn compile_for_replace(pattern: &str) -> Result<GoRegex, FnError> {
    GoRegex::compile(pattern)
        .map_err(|e| FnError::call(format!("error parsing regexp: {}: `{}`", e.code, e.expr)))
}

fn compile(pattern: &str) -> Result<(GoRegex, Type), FnError> {
    let re = GoRegex::compile(pattern).map_err(|e| {
        arg_err(
            0,
            "pattern",
            format!("invalid regexp pattern: {} in {}", e.code, e.expr),
        )
    })?;
    let names = &re.names()[1..];
    let named = names.iter().filter(|n| !n.is_empty()).count();
    let ty = if names.is_empty() {
        Type::String
    } else if named == 0 {
        Type::Tuple(vec![Type::String; names.len()])
    } else if named == names.len() {
        Type::object(names.iter().map(|n| (n.clone(), Type::String)).collect())
    } else {
        return Err(arg_err(
            0,
            "pattern",
            "invalid regexp pattern: cannot mix both named and unnamed capture groups",
        ));
    };
    Ok((re, ty))
}

fn ret_regex(a: &[Value]) -> Result<Type, FnError> {
    match a[0].as_str() {
        Some(p) => compile(p).map(|r| r.1),
        None => Ok(Type::Dynamic),
    }
}

fn ret_regexall(a: &[Value]) -> Result<Type, FnError> {
    ret_regex(a).map(Type::list)
}

/// One match as the value its pattern's shape calls for.
fn result(re: &GoRegex, ty: &Type, s: &str, spans: &regex_go::Spans) -> Value {
    let sub = |i: usize| match spans[i] {
        Some((a, b)) => Value::string(&s[a..b]),
        None => Value::Null(Type::String),
    };
    match ty {
        Type::String => sub(0),
        Type::Tuple(_) => Value::Tuple((1..spans.len()).map(sub).collect()),
        _ => {
            let mut m = BTreeMap::new();
            for (i, name) in re.names().iter().enumerate().skip(1) {
                m.insert(name.clone(), sub(i));
            }
            Value::Object(m.into())
        }
    }
}

fn regex(a: &[Value], _: &FuncContext) -> FnResult {
    let (re, ty) = compile(str_of(&a[0]))?;
    let s = str_of(&a[1]);
    let spans = re
        .find(s)
        .ok_or_else(|| FnError::call("pattern did not match any part of the given string"))?;
    Ok(result(&re, &ty, s, &spans))
}

fn regexall(a: &[Value], _: &FuncContext) -> FnResult {
    let (re, ty) = compile(str_of(&a[0]))?;
    let s = str_of(&a[1]);
    let items = re
        .find_all(s)
        .iter()
        .map(|m| result(&re, &ty, s, m))
        .collect();
    Ok(list(ty, items))
}

#[cfg(test)]
mod tests {
    use super::super::numeric::shared::testing::{e, ea, t};
    use super::GoRegex;

    #[test]
    fn regex_shapes() {
        t(r#"regex("[a-z]+", "123abc456")"#, r#""abc""#);
        t(r#"regex("(\\d+)-(\\d+)", "tel 12-34")"#, r#"["12", "34"]"#);
        t(
            r#"regex("(?P<a>\\d+)-(?P<b>\\d+)", "tel 12-34")"#,
            r#"{a = "12", b = "34"}"#,
        );
        t(r#"regex("(a)|(b)", "b")"#, r#"[null(string), "b"]"#);
        t(
            r#"regex("(?P<x>a)|(?P<y>b)", "b")"#,
            r#"{x = null(string), y = "b"}"#,
        );
        t(r#"regex("(?P<n>a)(?P<n>b)", "ab")"#, r#"{n = "b"}"#);
        t(r#"regex("^", "")"#, r#""""#);
        e(
            r#"regex("x", "abc")"#,
            "pattern did not match any part of the given string",
        );
        ea(
            r#"regex("(a)(?P<n>b)", "ab")"#,
            0,
            "cannot mix both named and unnamed capture groups",
        );
        t(r#"regex(unknown(string), "a")"#, "unknown(any)");
        t(
            r#"regex("(a)", unknown(string))"#,
            "unknown(tuple([string]))",
        );
        t(
            r#"regexall("(a)", unknown(string))"#,
            "unknown(list(tuple([string])))",
        );
        t(r#"regexall(unknown(string), "a")"#, "unknown(list(any))");
        ea(r#"regex("(a", unknown(string))"#, 0, "missing closing )");
    }

    #[test]
    fn regexall_iteration() {
        t(r#"regexall("a*", "baaab")"#, r#"tolist(["", "aaa", ""])"#);
        t(r#"regexall("", "abc")"#, r#"tolist(["", "", "", ""])"#);
        t(r#"regexall("a|", "baab")"#, r#"tolist(["", "a", "a", ""])"#);
        t(
            r#"regexall("[0-9]", "a1b2c3")"#,
            r#"tolist(["1", "2", "3"])"#,
        );
        t(r#"regexall("x", "abc")"#, "typed(list(string), [])");
        t(
            r#"regexall("(\\w)(\\d)", "a1 b2")"#,
            r#"tolist([["a", "1"], ["b", "2"]])"#,
        );
        t(
            r#"regexall("(?P<k>\\w)=(?P<v>\\d)", "a=1 b=2")"#,
            r#"tolist([{k = "a", v = "1"}, {k = "b", v = "2"}])"#,
        );
    }

    #[test]
    fn go_syntax() {
        // ASCII-only Perl classes and boundaries.
        t(r#"regexall("\\d", "١٢3")"#, r#"tolist(["3"])"#);
        t(
            r#"regexall("\\w+", "héllo wörld")"#,
            r#"tolist(["h", "llo", "w", "rld"])"#,
        );
        t(r#"regexall("\\bx", "éx x")"#, r#"tolist(["x", "x"])"#);
        t(r#"regexall("\\s", "a\u00a0b c")"#, r#"tolist([" "])"#);
        t(
            r#"regexall("(?i)straße", "STRASSE strasse Straße")"#,
            r#"tolist(["Straße"])"#,
        );
        // Escapes Go has and the crate lacks or spells differently.
        t(r#"regex("\\Qa.b\\E", "xa.b")"#, r#""a.b""#);
        t(r#"regex("\\101", "A")"#, r#""A""#);
        t(r#"regex("a{,2}", "a{,2}")"#, r#""a{,2}""#);
        t(r#"regex("\\x{263a}", "☺")"#, r#""☺""#);
        t(r#"regex("[\\d]+", "x55")"#, r#""55""#);
        t(r#"regex("[^\\d\\s]+", "12 ab")"#, r#""ab""#);
        t(r#"regex("[[:^alpha:]]+", "ab12")"#, r#""12""#);
        t(r#"regex("\\_\\-\\<", "_-<")"#, r#""_-<""#);
        t(r#"regex("(?U)a+", "aaa")"#, r#""a""#);
        t(r#"regex("(?s).", "\n")"#, "\"\\n\"");
        t(r#"regex("(?m)^b", "a\nb")"#, r#""b""#);
        t(r#"regex("\\pL+", "héllo1")"#, r#""héllo""#);
        t(r#"regex("[a-]+", "a-a")"#, r#""a-a""#);
        t(r#"regex("[]a]+", "]a")"#, r#""]a""#);
        t(r#"regex("^*a", "a")"#, r#""a""#);
    }

    #[test]
    fn go_syntax_errors() {
        let cases = [
            ("(a", "missing closing )", "(a"),
            ("a)", "unexpected )", "a)"),
            ("[a", "missing closing ]", "[a"),
            ("a**", "invalid nested repetition operator", "**"),
            ("a+*?", "invalid nested repetition operator", "+*?"),
            ("*a", "missing argument to repetition operator", "*"),
            ("a|?", "missing argument to repetition operator", "?"),
            ("\\8", "invalid escape sequence", "\\8"),
            ("\\C", "invalid escape sequence", "\\C"),
            ("\\Z", "invalid escape sequence", "\\Z"),
            ("\\e", "invalid escape sequence", "\\e"),
            ("a{2,1}", "invalid repeat count", "{2,1}"),
            ("a{1001}", "invalid repeat count", "{1001}"),
            ("(?P<>a)", "invalid named capture", "(?P<>"),
            ("(?P<n", "invalid named capture", "(?P<n"),
            ("(?<n>a)", "invalid or unsupported Perl syntax", "(?<"),
            ("(?=a)", "invalid or unsupported Perl syntax", "(?="),
            ("a\\", "trailing backslash at end of expression", ""),
            ("[z-a]", "invalid character class range", "z-a"),
            ("[[:foo:]]", "invalid character class range", "[:foo:]"),
            ("\\pX", "invalid character class range", "\\pX"),
            (
                "\\p{Alphabetic}",
                "invalid character class range",
                "\\p{Alphabetic}",
            ),
            ("(a{1000}){1000}", "invalid repeat count", "{1000}"),
            ("(a{10}b{2}){101}", "invalid repeat count", "{101}"),
            ("(?-)", "invalid or unsupported Perl syntax", "(?-)"),
            ("(?i", "invalid or unsupported Perl syntax", "(?i"),
            ("(?P<", "invalid or unsupported Perl syntax", "(?P"),
        ];
        for (p, code, expr) in cases {
            let e = GoRegex::compile(p).expect_err(p);
            assert_eq!((e.code.as_str(), e.expr.as_str()), (code, expr), "{p}");
        }
        ea(r#"regex("(a", "a")"#, 0, "Invalid value for \"pattern\" parameter: invalid regexp pattern: missing closing ) in (a.");
    }

    #[test]
    fn replace_all_go() {
        let r = |p: &str, s: &str, t: &str| GoRegex::compile(p).unwrap().replace_all(s, t);
        assert_eq!(r("b*", "abc", "X"), "XaXcX");
        assert_eq!(r("a*?", "aaa", "X"), "XaXaXaX");
        assert_eq!(r("l*", "héllo", "-"), "-h-é-o-");
        assert_eq!(r("", "abc", "X"), "XaXbXcX");
        assert_eq!(r("a|", "abc", "X"), "XbXcX");
        assert_eq!(r("(o)", "hello world", "[$1]"), "hell[o] w[o]rld");
        assert_eq!(r("(o)", "hello world", "$1x"), "hell wrld");
        assert_eq!(r("(?P<x>o)", "hello world", "[${x}]"), "hell[o] w[o]rld");
        assert_eq!(r("(?P<n>b)", "abc", "${n}$1$0$2"), "abbbc");
        assert_eq!(r("(?P<n>b)", "abc", "$n."), "ab.c");
        assert_eq!(r("(b)", "abc", "${1"), "a${1c");
        assert_eq!(r("(b)", "abc", "$01"), "ac");
        assert_eq!(r("(b)", "abc", "$"), "a$c");
        assert_eq!(r("(b)", "abc", "$}"), "a$}c");
        assert_eq!(r("o", "hello world", "$$"), "hell$ w$rld");
        assert_eq!(r("$", "abc", "X"), "abcX");
    }
}
