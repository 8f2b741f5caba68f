//! String functions: chomp indent join lower replace split strrev substr title trim trimprefix
//! trimsuffix trimspace upper, plus the later startswith endswith strcontains.
//!
//! Case mapping is Go's: one rune at a time with the simple (single-character) mappings, so
//! `upper("ß")` stays `ß` and `lower("Σ")` is always `σ`. Characters are grapheme clusters.

use infra_core::{Type, Value};

use super::numeric::shared::{arg_err, graphemes, int_of, list, str_of};
use super::regex_fns::compile_for_replace;
use super::{ret_bool, ret_string, FnError, FnResult, FuncContext, Functions, ImplFn, Param};

pub(crate) fn register(f: &mut Functions) {
    let s = |name| Param::new(name, Type::String);
    let unary: [(&'static str, ImplFn); 6] = [
        ("chomp", |a, _| Ok(Value::string(chomp(str_of(&a[0]))))),
        ("lower", |a, _| Ok(Value::string(go_lower(str_of(&a[0]))))),
        ("upper", |a, _| Ok(Value::string(go_upper(str_of(&a[0]))))),
        ("title", |a, _| Ok(Value::string(go_title(str_of(&a[0]))))),
        ("strrev", |a, _| Ok(Value::string(strrev(str_of(&a[0]))))),
        ("trimspace", |a, _| Ok(Value::string(str_of(&a[0]).trim()))),
    ];
    for (name, call) in unary {
        f.def(name, vec![s("str")], ret_string, call);
    }
    f.def(
        "indent",
        vec![Param::new("spaces", Type::Number), s("str")],
        ret_string,
        indent,
    );
    f.def_variadic(
        "join",
        vec![s("separator")],
        Param::new("lists", Type::list(Type::String)),
        ret_string,
        join,
    );
    f.def(
        "replace",
        vec![s("str"), s("substr"), s("replace")],
        ret_string,
        replace,
    );
    f.def(
        "split",
        vec![s("separator"), s("str")],
        |_| Ok(Type::list(Type::String)),
        split,
    );
    let n = |name| Param::new(name, Type::Number);
    f.def(
        "substr",
        vec![s("str"), n("offset"), n("length")],
        ret_string,
        substr,
    );
    f.def("trim", vec![s("str"), s("cutset")], ret_string, |a, _| {
        let cut = str_of(&a[1]);
        Ok(Value::string(
            str_of(&a[0]).trim_matches(|c| cut.contains(c)),
        ))
    });
    f.def(
        "trimprefix",
        vec![s("str"), s("prefix")],
        ret_string,
        |a, _| {
            let (x, p) = (str_of(&a[0]), str_of(&a[1]));
            Ok(Value::string(x.strip_prefix(p).unwrap_or(x)))
        },
    );
    f.def(
        "trimsuffix",
        vec![s("str"), s("suffix")],
        ret_string,
        |a, _| {
            let (x, p) = (str_of(&a[0]), str_of(&a[1]));
            Ok(Value::string(x.strip_suffix(p).unwrap_or(x)))
        },
    );
    f.def(
        "startswith",
        vec![s("str").unknowns(), s("prefix")],
        ret_bool,
        |a, _| affix(a, |s, p| s.starts_with(p)),
    );
    f.def(
        "endswith",
        vec![s("str").unknowns(), s("suffix")],
        ret_bool,
        |a, _| affix(a, |s, p| s.ends_with(p)),
    );
    f.def(
        "strcontains",
        vec![s("str"), s("substr")],
        ret_bool,
        |a, _| Ok(Value::Bool(str_of(&a[0]).contains(str_of(&a[1])))),
    );
}

/// `startswith`/`endswith`: an empty affix matches even a string not known yet.
fn affix(a: &[Value], test: fn(&str, &str) -> bool) -> FnResult {
    let fix = str_of(&a[1]);
    match a[0].as_str() {
        _ if fix.is_empty() => Ok(Value::Bool(true)),
        Some(s) => Ok(Value::Bool(test(s, fix))),
        None => Ok(Value::Unknown(Type::Bool)),
    }
}

/// Removes every trailing `\r\n`, `\r` and `\n`.
fn chomp(s: &str) -> &str {
    s.trim_end_matches(['\r', '\n'])
}

fn strrev(s: &str) -> String {
    let mut parts: Vec<&str> = graphemes(s).collect();
    parts.reverse();
    parts.concat()
}

fn indent(a: &[Value], _: &FuncContext) -> FnResult {
    let n = int_of(&a[0]).map_err(FnError::call)?;
    if n < 0 {
        return Err(FnError::call(
            "panic in function implementation: strings: negative Repeat count",
        ));
    }
    let pad = format!("\n{}", " ".repeat(n as usize));
    Ok(Value::string(str_of(&a[1]).replace('\n', &pad)))
}

fn join(a: &[Value], _: &FuncContext) -> FnResult {
    let lists = &a[1..];
    if lists.is_empty() {
        return Err(FnError::call("at least one list is required"));
    }
    let mut items = Vec::new();
    for (li, l) in lists.iter().enumerate() {
        for (ei, v) in l.elements().unwrap_or_default().iter().enumerate() {
            let Some(s) = v.as_str() else {
                let which = if lists.len() > 1 {
                    format!("element {ei} of list {}", li + 1)
                } else {
                    format!("element {ei}")
                };
                return Err(arg_err(
                    li + 1,
                    "lists",
                    format!("{which} is null; cannot concatenate null values"),
                ));
            };
            items.push(s);
        }
    }
    Ok(Value::string(items.join(str_of(&a[0]))))
}

/// `replace`: a `/pattern/` substring is a Go regular expression, anything else is literal.
fn replace(a: &[Value], _: &FuncContext) -> FnResult {
    let (s, sub, rep) = (str_of(&a[0]), str_of(&a[1]), str_of(&a[2]));
    if sub.len() > 1 && sub.starts_with('/') && sub.ends_with('/') {
        let re = compile_for_replace(&sub[1..sub.len() - 1])?;
        return Ok(Value::string(re.replace_all(s, rep)));
    }
    if sub.is_empty() {
        // Go inserts the replacement before every character and at the end.
        let mut out = String::from(rep);
        for c in s.chars() {
            out.push(c);
            out.push_str(rep);
        }
        return Ok(Value::string(out));
    }
    Ok(Value::string(s.replace(sub, rep)))
}

fn split(a: &[Value], _: &FuncContext) -> FnResult {
    let (sep, s) = (str_of(&a[0]), str_of(&a[1]));
    let parts: Vec<Value> = if sep.is_empty() {
        s.chars().map(|c| Value::string(c.to_string())).collect()
    } else {
        s.split(sep).map(Value::string).collect()
    };
    Ok(list(Type::String, parts))
}

/// `substr` exactly as cty has it, quirks included (a negative offset with length 0 returns the
/// rest of the string).
fn substr(a: &[Value], _: &FuncContext) -> FnResult {
    let s = str_of(&a[0]);
    let mut offset = int_of(&a[1]).map_err(FnError::call)?;
    let length = int_of(&a[2]).map_err(FnError::call)?;
    let clusters: Vec<&str> = graphemes(s).collect();
    if offset < 0 {
        offset += clusters.len() as i64;
    } else if length == 0 {
        return Ok(Value::string(""));
    }
    let mut rest = &clusters[..];
    if offset > 0 {
        if offset as usize > clusters.len() {
            return Ok(Value::string(""));
        }
        rest = &clusters[offset as usize..];
    }
    if length >= 0 && (length as usize) < rest.len() && length != 0 {
        rest = &rest[..length as usize];
    }
    Ok(Value::string(rest.concat()))
}

/// Go's `unicode.ToLower` on one rune.
fn lower_char(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ if c == '\u{130}' => 'i',
        _ => c,
    }
}

/// Go's `unicode.ToUpper` on one rune (simple mapping; a full mapping of several characters
/// falls back to the simple one, which for most such characters is the character itself).
fn upper_char(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => match c as u32 {
            0x1F80..=0x1F87 | 0x1F90..=0x1F97 | 0x1FA0..=0x1FA7 => {
                char::from_u32(c as u32 + 8).unwrap_or(c)
            }
            0x1FB3 => '\u{1FBC}',
            0x1FC3 => '\u{1FCC}',
            0x1FF3 => '\u{1FFC}',
            _ => c,
        },
    }
}

/// Go's `unicode.ToTitle` on one rune.
fn title_char(c: char) -> char {
    match c {
        '\u{1C4}'..='\u{1C6}' => '\u{1C5}',
        '\u{1C7}'..='\u{1C9}' => '\u{1C8}',
        '\u{1CA}'..='\u{1CC}' => '\u{1CB}',
        '\u{1F1}'..='\u{1F3}' => '\u{1F2}',
        '\u{10D0}'..='\u{10FA}' | '\u{10FD}'..='\u{10FF}' => c,
        _ => upper_char(c),
    }
}

fn go_lower(s: &str) -> String {
    s.chars().map(lower_char).collect()
}

fn go_upper(s: &str) -> String {
    s.chars().map(upper_char).collect()
}

/// Go's `strings.Title`: the first letter of each word title-cased, where words are separated
/// by ASCII characters other than letters, digits and `_`, or by Unicode white space.
fn go_title(s: &str) -> String {
    let sep = |c: char| {
        if c.is_ascii() {
            !(c.is_ascii_alphanumeric() || c == '_')
        } else {
            c.is_whitespace()
        }
    };
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let out = if sep(prev) { title_char(c) } else { c };
            prev = c;
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::numeric::shared::testing::{e, ea, t};

    #[test]
    fn simple_transforms() {
        t(r#"chomp("a\n\n")"#, r#""a""#);
        t(r#"chomp("a\r\n\r")"#, r#""a""#);
        t(r#"chomp("a\n ")"#, "\"a\\n \"");
        t(r#"chomp("\n")"#, r#""""#);
        t(r#"lower("ÀB İ Σ ΑΣ")"#, r#""àb i σ ασ""#);
        t(r#"lower("ẞ Ǆ ǅ")"#, r#""ß ǆ ǆ""#);
        t(r#"upper("ßaǆ ᾀ ﬀ")"#, r#""ßAǄ ᾈ ﬀ""#);
        t(r#"upper("ᲐაǄǅǆ")"#, r#""ᲐᲐǄǄǄ""#);
        t(
            r#"title("hello world_foo-bar o'neil ǆa 3rd éa.b")"#,
            r#""Hello World_foo-Bar O'Neil ǅa 3rd Éa.B""#,
        );
        t(r#"title("a,b;c\td")"#, "\"A,B;C\\tD\"");
        t(r#"title("hello·world x—y")"#, r#""Hello·world X—y""#);
        t(r#"title("ǆemal ǉ ა")"#, r#""ǅemal ǈ ა""#);
        t(r#"title("_a a_b 1a")"#, r#""_a A_b 1a""#);
        t(r#"strrev("héllo🇺🇸")"#, r#""🇺🇸olléh""#);
        t(r#"strrev("e\u0301x")"#, r#""xé""#);
        t(r#"strrev("")"#, r#""""#);
        t(r#"trimspace("  \t\n hi \u00a0\u3000")"#, r#""hi""#);
        t(r#"trim("?!hello?!", "!?")"#, r#""hello""#);
        t(r#"trim("aaa", "")"#, r#""aaa""#);
        t(r#"trim("ééaéé", "é")"#, r#""a""#);
        t(r#"trimprefix("helloworld", "hello")"#, r#""world""#);
        t(r#"trimprefix("aaa", "a")"#, r#""aa""#);
        t(r#"trimsuffix("helloworld", "world")"#, r#""hello""#);
        t(r#"trimsuffix("hello", "x")"#, r#""hello""#);
        t(r#"upper(unknown(string))"#, "unknown(string)");
        t(r#"upper(sensitive("a"))"#, r#"sensitive("A")"#);
        t(r#"upper(12)"#, r#""12""#);
        ea(
            r#"upper(null)"#,
            0,
            "Invalid value for \"str\" parameter: argument must not be null.",
        );
        ea(
            r#"upper([1])"#,
            0,
            "Invalid value for \"str\" parameter: string required.",
        );
    }

    #[test]
    fn indent_join_split() {
        t(r#"indent(2, "a\nb\n")"#, "\"a\\n  b\\n  \"");
        t(r#"indent(0, "a\nb")"#, "\"a\\nb\"");
        t(r#"indent(2, "")"#, r#""""#);
        e(r#"indent(-1, "a")"#, "negative Repeat count");
        e(r#"indent(2.5, "a")"#, "value must be a whole number");
        t(r#"join(",", ["a", "b"])"#, r#""a,b""#);
        t(r#"join(",", ["a"], ["b", "c"])"#, r#""a,b,c""#);
        t(r#"join("-", [], ["a"], [])"#, r#""a""#);
        t(r#"join(",", [1, true])"#, r#""1,true""#);
        t(r#"join(",", toset(["b", "a"]))"#, r#""a,b""#);
        t(r#"join(",", [])"#, r#""""#);
        e(r#"join(",")"#, "at least one list is required");
        ea(
            r#"join(",", ["a", null])"#,
            1,
            "element 1 is null; cannot concatenate null values",
        );
        ea(
            r#"join("-", ["a"], ["b", null])"#,
            2,
            "element 1 of list 2 is null; cannot concatenate null values",
        );
        ea(
            r#"join(",", "a")"#,
            1,
            "Invalid value for \"lists\" parameter: list of string required.",
        );
        t(r#"join(",", ["a", unknown(string)])"#, "unknown(string)");
        t(r#"split(",", "a,b,,c")"#, r#"tolist(["a", "b", "", "c"])"#);
        t(r#"split(",", "")"#, r#"tolist([""])"#);
        t(r#"split("", "héy")"#, r#"tolist(["h", "é", "y"])"#);
        t(r#"split("", "")"#, "typed(list(string), [])");
        t(r#"split("ab", "cabab")"#, r#"tolist(["c", "", ""])"#);
        t(r#"split(",", unknown(string))"#, "unknown(list(string))");
    }

    #[test]
    fn replace_cases() {
        t(r#"replace("aaa", "a", "b")"#, r#""bbb""#);
        t(r#"replace("abc", "", "-")"#, r#""-a-b-c-""#);
        t(r#"replace("héllo", "", "-")"#, r#""-h-é-l-l-o-""#);
        t(r#"replace("a.b.c", "/\\./", "-")"#, r#""a-b-c""#);
        t(
            r#"replace("hello world", "/(o) (w)/", "$2$1x$1")"#,
            r#""hellwoorld""#,
        );
        t(r#"replace("abc", "/b*/", "X")"#, r#""XaXcX""#);
        t(r#"replace("abc", "/", "X")"#, r#""abc""#);
        t(r#"replace("a/b", "//", "X")"#, r#""XaX/XbX""#);
        t(r#"replace("abc", "/b", "X")"#, r#""abc""#);
        t(r#"replace("a.b", ".", "X")"#, r#""aXb""#);
        t(r#"replace("abc", "/(?i)B/", "X")"#, r#""aXc""#);
        e(
            r#"replace("abc", "/(/", "X")"#,
            "error parsing regexp: missing closing ): `(`",
        );
        e(
            r#"replace("ab", "/[/", "X")"#,
            "error parsing regexp: missing closing ]: `[`",
        );
        e(
            r#"replace("ab", "/a{2,1}/", "X")"#,
            "error parsing regexp: invalid repeat count: `{2,1}`",
        );
    }

    #[test]
    fn substr_cases() {
        t(r#"substr("hello world", 1, 4)"#, r#""ello""#);
        t(r#"substr("hello", -3, -1)"#, r#""llo""#);
        t(r#"substr("hello", -3, 2)"#, r#""ll""#);
        t(r#"substr("hello", -3, 0)"#, r#""llo""#);
        t(r#"substr("hello", 0, 10)"#, r#""hello""#);
        t(r#"substr("hello", 10, 1)"#, r#""""#);
        t(r#"substr("hello", 5, 1)"#, r#""""#);
        t(r#"substr("hello", -10, 2)"#, r#""he""#);
        t(r#"substr("hello", 1, -2)"#, r#""ello""#);
        t(r#"substr("hello", 1, 0)"#, r#""""#);
        t(r#"substr("abc", 3, -1)"#, r#""""#);
        t(r#"substr("", 1, 1)"#, r#""""#);
        t(r#"substr("🇺🇸abc", 0, 1)"#, r#""🇺🇸""#);
        e(r#"substr("hello", 1.5, 1)"#, "value must be a whole number");
    }

    #[test]
    fn later_additions() {
        t(r#"startswith("hello", "he")"#, "true");
        t(r#"startswith("hello", "lo")"#, "false");
        t(r#"startswith(unknown(string), "")"#, "true");
        t(r#"startswith(unknown(string), "a")"#, "unknown(bool)");
        t(r#"startswith("a", unknown(string))"#, "unknown(bool)");
        t(r#"endswith("hello", "lo")"#, "true");
        t(r#"endswith("hello", "he")"#, "false");
        t(r#"strcontains("hello", "ell")"#, "true");
        t(r#"strcontains("hello", "xyz")"#, "false");
        ea(r#"startswith(null, "a")"#, 0, "must not be null");
    }
}
