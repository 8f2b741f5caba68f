//! Helpers shared by the numeric, string, format, regex and collection families: error builders
//! with Terraform's wording, number-to-integer conversion as cty's `gocty` does it, grapheme
//! clusters, and (for tests) a tiny literal parser plus assertion helpers.

use std::fmt::Display;

use infra_core::{Number, Type, Value};
use unicode_segmentation::UnicodeSegmentation;

use super::FnError;

/// An error blamed on argument `i` (named `param`), worded as Terraform's "Invalid function
/// argument" diagnostic detail.
pub(crate) fn arg_err(i: usize, param: &str, msg: impl Display) -> FnError {
    FnError::arg(
        i,
        format!("Invalid value for \"{param}\" parameter: {msg}."),
    )
}

/// The message cty's `gocty` gives when a number does not fit a Go `int`.
pub(crate) const NOT_WHOLE: &str =
    "value must be a whole number, between -9223372036854775808 and 9223372036854775807";

/// The number as an `i64`, or cty's "whole number" complaint.
pub(crate) fn whole(n: &Number) -> Result<i64, String> {
    if n.is_infinite() || !n.is_integer() {
        return Err(NOT_WHOLE.to_string());
    }
    n.to_i64().ok_or_else(|| NOT_WHOLE.to_string())
}

/// The known number inside a (converted) argument.
pub(crate) fn num_of(v: &Value) -> &Number {
    v.as_number().expect("argument converted to number")
}

/// The known string inside a (converted) argument.
pub(crate) fn str_of(v: &Value) -> &str {
    v.as_str().expect("argument converted to string")
}

/// The integer inside a converted number argument, or cty's "whole number" complaint.
pub(crate) fn int_of(v: &Value) -> Result<i64, String> {
    whole(num_of(v))
}

/// Grapheme clusters of `s` (what Terraform calls characters).
pub(crate) fn graphemes(s: &str) -> impl Iterator<Item = &str> {
    s.graphemes(true)
}

/// The number of grapheme clusters in `s`.
pub(crate) fn grapheme_len(s: &str) -> usize {
    s.graphemes(true).count()
}

/// A list value, typed from `ety`.
pub(crate) fn list(ety: Type, items: Vec<Value>) -> Value {
    Value::List(ety, items)
}

/// The top-level sensitive marks of `args` removed, and whether there were any.
pub(crate) fn unmark_top(args: &[Value]) -> (Vec<Value>, bool) {
    let mut marked = false;
    let out = args
        .iter()
        .map(|a| {
            let (v, m) = a.clone().unmark();
            marked |= m;
            v
        })
        .collect();
    (out, marked)
}

/// cty 1.9 short-circuits a call to an unknown result only when an argument is itself unknown;
/// unknowns nested in collections reach the implementation. Functions that register their
/// parameters with `.unknowns()` to get that behaviour call this first: it gives the unknown
/// result (typed by `ret`, marked when an argument is) or `None` to go on.
pub(crate) fn shallow_unknown(
    a: &[Value],
    ret: crate::funcs::ReturnTypeFn,
) -> Option<crate::funcs::FnResult> {
    if a.iter().all(Value::is_known) {
        return None;
    }
    let marked = a.iter().any(Value::is_sensitive);
    Some(ret(a).map(|t| Value::Unknown(t).mark_if(marked)))
}

#[cfg(test)]
pub(crate) mod testing {
    //! Test helpers: `t("concat([1], tolist([2]))", "[1, 2]")` parses both sides with a tiny
    //! literal language (numbers, strings, bools, `null`, tuples `[..]`, objects `{k = v}`, and
    //! the calls `tolist/toset/tomap(v)`, `typed(T, v)`, `unknown(T)`, `null(T)`, `sensitive(v)`;
    //! `inf` and `neginf` are the infinities).

    use std::collections::BTreeMap;

    use infra_core::convert::convert;
    use infra_core::{Number, Type, Value};

    use crate::funcs::{CallError, FuncContext, Functions};

    struct P<'a> {
        s: &'a [u8],
        src: &'a str,
        i: usize,
    }

    impl<'a> P<'a> {
        fn ws(&mut self) {
            while self.i < self.s.len() && self.s[self.i].is_ascii_whitespace() {
                self.i += 1;
            }
        }
        fn eat(&mut self, c: u8) -> bool {
            self.ws();
            if self.s.get(self.i) == Some(&c) {
                self.i += 1;
                true
            } else {
                false
            }
        }
        fn expect(&mut self, c: u8) {
            assert!(
                self.eat(c),
                "expected {:?} at {} in {:?}",
                c as char,
                self.i,
                self.src
            );
        }
        fn ident(&mut self) -> String {
            self.ws();
            let st = self.i;
            while self.i < self.s.len()
                && (self.s[self.i].is_ascii_alphanumeric() || self.s[self.i] == b'_')
            {
                self.i += 1;
            }
            self.src[st..self.i].to_string()
        }
        fn string(&mut self) -> String {
            self.expect(b'"');
            let mut out = String::new();
            let mut chars = self.src[self.i..].char_indices();
            while let Some((off, c)) = chars.next() {
                match c {
                    '"' => {
                        self.i += off + 1;
                        return out;
                    }
                    '\\' => match chars.next().map(|x| x.1) {
                        Some('n') => out.push('\n'),
                        Some('r') => out.push('\r'),
                        Some('t') => out.push('\t'),
                        Some('u') => {
                            let hex: String = (0..4).map(|_| chars.next().unwrap().1).collect();
                            out.push(
                                char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap(),
                            );
                        }
                        Some(c) => out.push(c),
                        None => panic!("bad escape"),
                    },
                    c => out.push(c),
                }
            }
            panic!("unterminated string in {:?}", self.src)
        }
        fn ty(&mut self) -> Type {
            let name = self.ident();
            let inner = |p: &mut P| {
                p.expect(b'(');
                let t = p.ty();
                p.expect(b')');
                t
            };
            match name.as_str() {
                "string" => Type::String,
                "number" => Type::Number,
                "bool" => Type::Bool,
                "any" => Type::Dynamic,
                "list" => Type::list(inner(self)),
                "set" => Type::set(inner(self)),
                "map" => Type::map(inner(self)),
                "tuple" => {
                    self.expect(b'(');
                    self.expect(b'[');
                    let mut ts = Vec::new();
                    while !self.eat(b']') {
                        ts.push(self.ty());
                        self.eat(b',');
                    }
                    self.expect(b')');
                    Type::Tuple(ts)
                }
                "object" => {
                    self.expect(b'(');
                    self.expect(b'{');
                    let mut m = BTreeMap::new();
                    while !self.eat(b'}') {
                        let k = self.ident();
                        self.expect(b'=');
                        m.insert(k, self.ty());
                        self.eat(b',');
                    }
                    self.expect(b')');
                    Type::object(m)
                }
                t => panic!("unknown type {t:?} in {:?}", self.src),
            }
        }
        fn value(&mut self) -> Value {
            self.ws();
            let c = *self.s.get(self.i).expect("value expected");
            match c {
                b'"' => Value::string(self.string()),
                b'[' => {
                    self.i += 1;
                    let mut items = Vec::new();
                    while !self.eat(b']') {
                        items.push(self.value());
                        self.eat(b',');
                    }
                    Value::Tuple(items)
                }
                b'{' => {
                    self.i += 1;
                    let mut m = BTreeMap::new();
                    while !self.eat(b'}') {
                        self.ws();
                        let k = if self.s[self.i] == b'"' {
                            self.string()
                        } else {
                            self.ident()
                        };
                        self.expect(b'=');
                        m.insert(k, self.value());
                        self.eat(b',');
                    }
                    Value::Object(m.into())
                }
                b'-' | b'0'..=b'9' => {
                    let st = self.i;
                    self.i += 1;
                    // Digits, letters and dots; a sign only right after an exponent marker.
                    let more = |c: u8, prev: u8| match c {
                        b'+' | b'-' => prev == b'e' || prev == b'E',
                        c => c.is_ascii_alphanumeric() || c == b'.',
                    };
                    while self.i < self.s.len() && more(self.s[self.i], self.s[self.i - 1]) {
                        self.i += 1;
                    }
                    let lit = &self.src[st..self.i];
                    Value::Number(
                        Number::parse(lit).unwrap_or_else(|| panic!("bad number {lit:?}")),
                    )
                }
                _ => {
                    let name = self.ident();
                    match name.as_str() {
                        "true" => return Value::Bool(true),
                        "false" => return Value::Bool(false),
                        "null" if !self.eat(b'(') => return Value::null(),
                        "null" => {
                            let t = self.ty();
                            self.expect(b')');
                            return Value::Null(t);
                        }
                        "inf" => return Value::Number(Number::pos_inf()),
                        "neginf" => return Value::Number(Number::neg_inf()),
                        _ => {}
                    }
                    self.expect(b'(');
                    let v = match name.as_str() {
                        "unknown" => Value::Unknown(self.ty()),
                        "sensitive" => self.value().mark_sensitive(),
                        "tolist" => to(self.value(), Type::list(Type::Dynamic)),
                        "toset" => to(self.value(), Type::set(Type::Dynamic)),
                        "tomap" => to(self.value(), Type::map(Type::Dynamic)),
                        "typed" => {
                            let t = self.ty();
                            self.expect(b',');
                            to(self.value(), t)
                        }
                        f => panic!("unknown literal function {f:?} in {:?}", self.src),
                    };
                    self.expect(b')');
                    v
                }
            }
        }
    }

    fn to(v: Value, t: Type) -> Value {
        convert(&v, &t).expect("literal conversion")
    }

    /// Parses one literal value.
    pub fn val(src: &str) -> Value {
        let mut p = P {
            s: src.as_bytes(),
            src,
            i: 0,
        };
        let v = p.value();
        p.ws();
        assert_eq!(p.i, src.len(), "trailing input in {src:?}");
        v
    }

    /// Parses `name(arg, ...)` into the name and argument values.
    pub fn parse_call(src: &str) -> (String, Vec<Value>) {
        let mut p = P {
            s: src.as_bytes(),
            src,
            i: 0,
        };
        let name = p.ident();
        p.expect(b'(');
        let mut args = Vec::new();
        while !p.eat(b')') {
            args.push(p.value());
            p.eat(b',');
        }
        (name, args)
    }

    pub fn run(src: &str) -> Result<Value, CallError> {
        let (name, args) = parse_call(src);
        Functions::standard().call(&name, args, &FuncContext::default())
    }

    /// Numbers replaced by their displayed form read back, so that values compare as Terraform
    /// shows them (a 53-bit `2.9999999999999996` equals the literal).
    fn norm(v: Value) -> Value {
        v.map_deep(&mut |v| match v {
            Value::Number(n) if !n.is_infinite() => {
                Value::Number(Number::parse(&n.to_string()).expect("displayed number parses"))
            }
            v => v,
        })
    }

    /// Asserts that the call `src` returns the literal `want` (types included).
    #[track_caller]
    pub fn t(src: &str, want: &str) {
        let want = norm(val(want));
        match run(src) {
            Ok(got) => assert_eq!(norm(got), want, "{src}"),
            Err(e) => panic!("{src}: unexpected error {e:?}"),
        }
    }

    /// Asserts that the call `src` fails with a message containing `msg`.
    #[track_caller]
    pub fn e(src: &str, msg: &str) {
        match run(src) {
            Ok(v) => panic!("{src}: expected error {msg:?}, got {v:?}"),
            Err(CallError::Failed(f)) => {
                assert!(
                    f.message.contains(msg),
                    "{src}: error {:?} lacks {msg:?}",
                    f.message
                )
            }
            Err(other) => assert!(
                format!("{other:?}").contains(msg),
                "{src}: {other:?} lacks {msg:?}"
            ),
        }
    }

    /// Asserts that the call `src` fails with an error blamed on argument `arg`.
    #[track_caller]
    pub fn ea(src: &str, arg: usize, msg: &str) {
        match run(src) {
            Err(CallError::Failed(f)) => {
                assert_eq!(f.arg, Some(arg), "{src}: {f:?}");
                assert!(
                    f.message.contains(msg),
                    "{src}: error {:?} lacks {msg:?}",
                    f.message
                )
            }
            other => panic!("{src}: expected argument error, got {other:?}"),
        }
    }
}
