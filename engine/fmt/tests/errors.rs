//! Invalid input is reported with a position, and no input makes the
//! formatter panic (random token soup, random text, and every truncation of
//! the corpus files).

use infra_fmt::format_source;
use std::fs;
use std::path::Path;

#[test]
fn invalid_input_reports_position() {
    let cases: &[(&str, usize, usize)] = &[
        ("a = \"abc\n", 1, 9),
        ("a = 1\nb = \"abc", 2, 5),
        ("a = <<EOF\nbody\n", 1, 5),
        ("a = 1\n/* never closed\n", 2, 1),
        ("a = [1, 2\n", 2, 1),
        ("x {\n  a = 1\n", 3, 1),
        ("a = (1 + 2\n", 2, 1),
        ("a = 1 }\n", 1, 7),
        ("a = 1 & 2\n", 1, 7),
        ("a = 1\na = 2\n", 2, 1),
        ("x { a = 1, b = 2 }\n", 1, 10),
        ("a = \"${b\"\n", 1, 10),
        ("a = \"\\q\"\n", 1, 6),
        ("\"a\" = 1\n", 1, 1),
        ("a = x ? y\n", 1, 10),
        ("a = \"%{ if x }y\"\n", 1, 6),
        ("a = b.0.1\n", 1, 7),
        ("a = 1\rb = 2\n", 1, 6),
        ("a = 1\n\u{feff}\n", 2, 1),
    ];
    let mut wrong = Vec::new();
    for &(src, line, column) in cases {
        match format_source(src) {
            Ok(out) => wrong.push(format!("{src:?} should fail, formatted to {out:?}")),
            Err(e) => {
                assert!(!e.message.is_empty());
                if (e.line, e.column) != (line, column) {
                    wrong.push(format!("{src:?}: expected {line}:{column}, got {e}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A small deterministic generator (xorshift), so the test needs no crates.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const PIECES: &[&str] = &[
    "a", "b_c", "resource", "\"x\"", " ", "  ", "\t", "\n", "\r\n", "=", "==", "{", "}", "[", "]",
    "(", ")", ",", ".", "*", "-", "!", "?", ":", "=>", "...", "\"", "${", "%{", "}", "~}",
    "<<EOF\n", "<<-EOT\n", "EOF\n", "  EOT\n", "# c\n", "// d\n", "/*", "*/", "1", "2.5e3", "for",
    "in", "if", "endif", "else", "&&", "||", "+", "/", "%", "$", "é", "\\", "\\n", "\\u00e9",
    "$${", "<", ">=",
];

#[test]
fn random_token_soup_never_panics() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..4000 {
        let len = rng.below(40);
        let src: String = (0..len).map(|_| PIECES[rng.below(PIECES.len())]).collect();
        if let Ok(out) = format_source(&src) {
            // Whatever formats must be stable.
            assert_eq!(format_source(&out).as_ref(), Ok(&out), "input {src:?}");
        }
    }
}

#[test]
fn random_text_never_panics() {
    let mut rng = Rng(12345);
    let alphabet: Vec<char> = "ab=1 \n\t{}[]()\"$%#/*-!?:.,~<>\\\r€😀".chars().collect();
    for _ in 0..3000 {
        let len = rng.below(60);
        let src: String = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len())])
            .collect();
        let _ = format_source(&src);
    }
}

#[test]
fn truncated_corpus_files_never_panic() {
    let dir =
        Path::new(&std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
            .join("tests/corpus");
    let mut rng = Rng(42);
    for entry in fs::read_dir(dir).expect("corpus dir") {
        let path = entry.expect("entry").path();
        let Ok(src) = fs::read_to_string(&path) else {
            continue;
        };
        let cuts: Vec<usize> = (0..=src.len())
            .filter(|&i| src.is_char_boundary(i))
            .collect();
        for _ in 0..60 {
            let cut = cuts[rng.below(cuts.len())];
            let _ = format_source(&src[..cut]);
            let _ = format_source(&src[cut..]);
        }
    }
}

#[test]
fn leading_byte_order_mark_is_dropped() {
    assert_eq!(format_source("\u{feff}a=1\n").unwrap(), "a = 1\n");
    // Its three bytes count as whitespace before the end of input.
    assert_eq!(format_source("\u{feff}").unwrap(), "   ");
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let deep = format!("a = {}1{}\n", "(".repeat(5000), ")".repeat(5000));
    assert!(format_source(&deep).is_err());
    let deep = format!("a = {}\n", "-".repeat(5000) + "1");
    assert!(format_source(&deep).is_err());
}
