//! Functions of the filesystem family: `abspath`, `basename`, `dirname`, `pathexpand`, `file`,
//! `filebase64`, `fileexists` and `fileset`. Relative paths resolve against `FuncContext::cwd`,
//! while messages show paths as Terraform (whose base directory is ".") would.

use std::path::PathBuf;

use base64::Engine;
use infra_core::{Type, Value};

use super::{ret_bool, ret_string, FnError, FnResult, FuncContext, Functions, Param};

pub(crate) fn register(f: &mut Functions) {
    let path = || Param::new("path", Type::String);
    f.def("abspath", vec![path()], ret_string, |a, ctx| {
        let p = str_of(&a[0]);
        let abs = if p.starts_with('/') {
            go_clean(p)
        } else {
            go_clean(&format!("{}/{p}", ctx.cwd.to_string_lossy()))
        };
        Ok(Value::string(abs))
    });
    f.def("basename", vec![path()], ret_string, |a, _| {
        Ok(Value::string(go_base(str_of(&a[0]))))
    });
    f.def("dirname", vec![path()], ret_string, |a, _| {
        Ok(Value::string(go_dir(str_of(&a[0]))))
    });
    f.def("pathexpand", vec![path()], ret_string, |a, _| {
        expand_home(str_of(&a[0]))
            .map(Value::string)
            .map_err(FnError::call)
    });
    f.def("file", vec![path()], ret_string, |a, ctx| {
        let p = str_of(&a[0]);
        let bytes = read_file(p, ctx)?;
        String::from_utf8(bytes).map(Value::string).map_err(|_| {
            FnError::call(format!(
                "contents of {p} are not valid UTF-8; use the filebase64 function to obtain the Base64 \
                 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file \
                 hashing results instead"
            ))
        })
    });
    f.def("filebase64", vec![path()], ret_string, |a, ctx| {
        let bytes = read_file(str_of(&a[0]), ctx)?;
        Ok(Value::string(
            base64::engine::general_purpose::STANDARD.encode(bytes),
        ))
    });
    f.def("fileexists", vec![path()], ret_bool, fileexists);
    f.def(
        "fileset",
        vec![path(), Param::new("pattern", Type::String)],
        |_| Ok(Type::set(Type::String)),
        fileset,
    );
}

fn str_of(v: &Value) -> &str {
    v.as_str().expect("argument converted to string")
}

fn path_err(msg: impl std::fmt::Display) -> FnError {
    FnError::arg(0, format!("Invalid value for \"path\" parameter: {msg}."))
}

/// Expands a leading `~` to the home directory, as the go-homedir package does.
pub(crate) fn expand_home(path: &str) -> Result<String, String> {
    let Some(rest) = path.strip_prefix('~') else {
        return Ok(path.to_string());
    };
    if !rest.is_empty() && !rest.starts_with('/') && !rest.starts_with('\\') {
        return Err("cannot expand user-specific home dir".into());
    }
    #[allow(deprecated)]
    let home = std::env::var("HOME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::home_dir().map(|p| p.to_string_lossy().into_owned()))
        .ok_or("blank output when reading home directory")?;
    Ok(go_clean(&format!("{home}/{rest}")))
}

/// Resolves a path argument as Terraform's file functions do: `~` expansion, then relative to
/// the working directory. Returns the real path and the cleaned path Terraform would show.
pub(crate) fn resolve_path(path: &str, ctx: &FuncContext) -> Result<(PathBuf, String), String> {
    let expanded = expand_home(path).map_err(|e| format!("failed to expand ~: {e}"))?;
    let shown = go_clean(&expanded);
    Ok((real_path(&shown, ctx), shown))
}

fn real_path(shown: &str, ctx: &FuncContext) -> PathBuf {
    if shown.starts_with('/') {
        PathBuf::from(shown)
    } else {
        ctx.cwd.join(shown)
    }
}

/// An IO error worded as Go's `*os.PathError` (`open x: no such file or directory`).
pub(crate) fn go_io_error(op: &str, path: &str, e: &std::io::Error) -> String {
    let text = match e.raw_os_error() {
        Some(code) => {
            let s = std::io::Error::from_raw_os_error(code).to_string();
            let s = s.split(" (os error").next().unwrap_or(&s).to_string();
            let mut c = s.chars();
            match c.next() {
                Some(f) => f.to_lowercase().chain(c).collect(),
                None => s,
            }
        }
        None => e.to_string(),
    };
    format!("{op} {path}: {text}")
}

fn read_file(path: &str, ctx: &FuncContext) -> Result<Vec<u8>, FnError> {
    let (real, shown) = resolve_path(path, ctx).map_err(path_err)?;
    let mut file = match std::fs::File::open(&real) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(path_err(format!(
                "no file exists at {path}; this function works only with files that are distributed as part \
                 of the configuration source code, so if this file will be created by a resource in this \
                 configuration you must instead obtain this result from an attribute of that resource"
            )))
        }
        Err(e) => return Err(path_err(go_io_error("open", &shown, &e))),
    };
    let mut buf = Vec::new();
    std::io::Read::read_to_end(&mut file, &mut buf)
        .map_err(|_| path_err(format!("failed to read {path}")))?;
    Ok(buf)
}

fn fileexists(a: &[Value], ctx: &FuncContext) -> FnResult {
    let (real, shown) = resolve_path(str_of(&a[0]), ctx).map_err(FnError::call)?;
    let md = match std::fs::metadata(&real) {
        Ok(md) => md,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Value::Bool(false)),
        Err(_) => return Err(FnError::call(format!("failed to stat {shown}"))),
    };
    if md.is_file() {
        return Ok(Value::Bool(true));
    }
    Err(FnError::call(format!(
        "{shown} is not a regular file, but {}",
        super::conversion::go_quote(&go_mode_string(&md))
    )))
}

/// Go's `os.FileMode.String()` for a file's metadata (`drwxr-xr-x`, `Dcrw-rw-rw-`).
fn go_mode_string(md: &std::fs::Metadata) -> String {
    use std::os::unix::fs::MetadataExt;
    let mode = md.mode();
    let mut out = String::new();
    let kind = mode & 0o170000;
    let flags = [
        ('d', kind == 0o040000),
        ('L', kind == 0o120000),
        ('D', kind == 0o060000 || kind == 0o020000),
        ('p', kind == 0o010000),
        ('S', kind == 0o140000),
        ('u', mode & 0o4000 != 0),
        ('g', mode & 0o2000 != 0),
        ('c', kind == 0o020000),
        ('t', mode & 0o1000 != 0),
    ];
    for (c, on) in flags {
        if on {
            out.push(c);
        }
    }
    if out.is_empty() {
        out.push('-');
    }
    for (i, c) in "rwxrwxrwx".chars().enumerate() {
        out.push(if mode & (1 << (8 - i)) != 0 { c } else { '-' });
    }
    out
}

fn fileset(a: &[Value], ctx: &FuncContext) -> FnResult {
    let base = go_clean(str_of(&a[0]));
    let pattern = go_join(&base, str_of(&a[1]));
    let mut matches = Vec::new();
    let comps = split_escaped(&pattern, '/');
    let res = if pattern.starts_with('/') {
        glob_dir("/".into(), &comps[1..], &mut matches, ctx)
    } else {
        glob_dir(".".into(), &comps, &mut matches, ctx)
    };
    res.map_err(|e| FnError::call(format!("failed to glob pattern ({pattern}): {e}")))?;
    let mut out = Vec::new();
    for m in matches {
        let md = std::fs::metadata(real_path(&m, ctx)).map_err(|e| {
            FnError::call(format!(
                "failed to stat ({m}): {}",
                go_io_error("stat", &m, &e)
            ))
        })?;
        if !md.is_file() {
            continue;
        }
        let rel = go_rel(&base, &m)
            .map_err(|e| FnError::call(format!("failed to trim path of match ({m}): {e}")))?;
        out.push(Value::string(rel));
    }
    Ok(Value::set(Type::String, out))
}

const BAD_PATTERN: &str = "syntax error in pattern";

/// One step of doublestar's (v1) glob: `dir` is the directory reached so far, `comps` the
/// pattern components still to match.
fn glob_dir(
    dir: String,
    comps: &[String],
    out: &mut Vec<String>,
    ctx: &FuncContext,
) -> Result<(), String> {
    let lit = comps
        .iter()
        .take_while(|c| !c.contains(['*', '?', '[', '{', '\\']))
        .count();
    let dir = if lit > 0 {
        go_join(&dir, &comps[..lit].join("/"))
    } else {
        dir
    };
    let real = real_path(&dir, ctx);
    let Ok(md) = std::fs::symlink_metadata(&real) else {
        return Ok(());
    };
    if lit >= comps.len() {
        out.push(dir);
        return Ok(());
    }
    let md = if md.file_type().is_symlink() {
        match std::fs::metadata(&real) {
            Ok(m) => m,
            Err(_) => return Ok(()),
        }
    } else {
        md
    };
    if !md.is_dir() {
        return Ok(());
    }
    let Ok(rd) = std::fs::read_dir(&real) else {
        return Ok(());
    };
    let entries: Vec<(String, bool)> = rd
        .filter_map(Result::ok)
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let is_dir = std::fs::metadata(e.path())
                .map(|m| m.is_dir())
                .unwrap_or(false);
            (name, is_dir)
        })
        .collect();
    let mut idx = lit;
    let mut last = idx + 1 >= comps.len();
    if comps[idx] == "**" {
        for (name, is_dir) in &entries {
            let child = go_join(&dir, name);
            if *is_dir {
                if last {
                    out.push(child.clone());
                }
                if out.len() < 1_000_000 && child.len() < 4096 {
                    glob_dir(child, &comps[idx..], out, ctx)?;
                }
            } else if last {
                out.push(child);
            }
        }
        if last {
            return Ok(());
        }
        idx += 1;
        last = idx + 1 >= comps.len();
    }
    for (name, _) in &entries {
        if match_component(comps[idx].as_bytes(), name.as_bytes())? {
            let child = go_join(&dir, name);
            if last {
                out.push(child);
            } else {
                glob_dir(child, &comps[idx + 1..], out, ctx)?;
            }
        }
    }
    Ok(())
}

/// Decodes one UTF-8 character as Go's `utf8.DecodeRuneInString` does (invalid bytes decode as
/// U+FFFD of width 1; the empty input as U+FFFD of width 0).
fn decode_rune(b: &[u8]) -> (char, usize) {
    if b.is_empty() {
        return ('\u{FFFD}', 0);
    }
    let w = match b[0] {
        0x00..=0x7F => 1,
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return ('\u{FFFD}', 1),
    };
    match b.get(..w).and_then(|s| std::str::from_utf8(s).ok()) {
        Some(s) => (s.chars().next().expect("one char"), w),
        None => ('\u{FFFD}', 1),
    }
}

/// Index of `r` in `s`, skipping occurrences escaped by a backslash (doublestar's helper).
fn index_unescaped(s: &[u8], r: u8) -> Option<usize> {
    let end = s.iter().position(|&c| c == r)?;
    if end > 0 && s[end - 1] == b'\\' {
        let sub = index_unescaped(&s[end + 1..], r)?;
        return Some(end + sub + 1);
    }
    Some(end)
}

/// Splits on `sep` except where escaped by a backslash; a trailing separator yields a trailing
/// empty component.
fn split_escaped(s: &str, sep: char) -> Vec<String> {
    let b = s.as_bytes();
    if !s.contains(sep) {
        return vec![s.to_string()];
    }
    let mut out = Vec::new();
    let mut start = 0;
    let mut empty_end = false;
    while start < b.len() {
        let end = match index_unescaped(&b[start..], sep as u8) {
            Some(e) => {
                empty_end = true;
                start + e
            }
            None => {
                empty_end = false;
                b.len()
            }
        };
        out.push(String::from_utf8_lossy(&b[start..end]).into_owned());
        start = end + 1;
    }
    if empty_end {
        out.push(String::new());
    }
    out
}

/// Matches one path component against one pattern component (doublestar v1 semantics: `*`, `?`,
/// `[...]` with `^` negation and ranges, `{a,b}` alternatives, `\` escapes).
fn match_component(pat: &[u8], name: &[u8]) -> Result<bool, String> {
    let (mut pi, mut ni) = (0, 0);
    while pi < pat.len() && ni < name.len() {
        let (pr, pa) = decode_rune(&pat[pi..]);
        let (nr, na) = decode_rune(&name[ni..]);
        if pr == '\\' {
            pi += pa;
            let (pr, pa) = decode_rune(&pat[pi..]);
            if pr == '\u{FFFD}' {
                return Err(BAD_PATTERN.into());
            } else if pr == nr {
                pi += pa;
                ni += na;
            } else {
                return Ok(false);
            }
        } else if pr == '*' {
            pi += pa;
            if pi >= pat.len() {
                return Ok(true);
            }
            while ni < name.len() {
                if match_component(&pat[pi..], &name[ni..]).unwrap_or(false) {
                    return Ok(true);
                }
                ni += na;
            }
            return Ok(false);
        } else if pr == '[' {
            pi += pa;
            let end = index_unescaped(&pat[pi..], b']').ok_or(BAD_PATTERN)? + pi;
            let class: Vec<char> = String::from_utf8_lossy(&pat[pi..end]).chars().collect();
            if class.is_empty() {
                return Err(BAD_PATTERN.into());
            }
            let negate = class[0] == '^';
            let mut ci = usize::from(negate);
            let mut matched = false;
            while ci < class.len() {
                let mut low = class[ci];
                if low == '-' {
                    return Err(BAD_PATTERN.into());
                }
                ci += 1;
                if low == '\\' {
                    low = *class.get(ci).ok_or(BAD_PATTERN)?;
                    ci += 1;
                }
                let mut high = low;
                if class.get(ci) == Some(&'-') {
                    ci += 1;
                    high = *class.get(ci).ok_or(BAD_PATTERN)?;
                    if high == '-' {
                        return Err(BAD_PATTERN.into());
                    }
                    ci += 1;
                    if high == '\\' {
                        high = *class.get(ci).ok_or(BAD_PATTERN)?;
                        ci += 1;
                    }
                }
                if low <= nr && nr <= high {
                    matched = true;
                }
            }
            if matched == negate {
                return Ok(false);
            }
            pi = end + 1;
            ni += na;
        } else if pr == '{' {
            pi += pa;
            let end = index_unescaped(&pat[pi..], b'}').ok_or(BAD_PATTERN)? + pi;
            let options = split_escaped(&String::from_utf8_lossy(&pat[pi..end]), ',');
            let rest = &pat[end + 1..];
            for o in options {
                let mut p = o.into_bytes();
                p.extend_from_slice(rest);
                if match_component(&p, &name[ni..])? {
                    return Ok(true);
                }
            }
            return Ok(false);
        } else if pr == '?' || pr == nr {
            pi += pa;
            ni += na;
        } else {
            return Ok(false);
        }
    }
    if pi >= pat.len() && ni >= name.len() {
        return Ok(true);
    }
    Ok(ni >= name.len() && (&pat[pi..] == b"*" || &pat[pi..] == b"**"))
}

/// Go's `filepath.Clean` (Unix).
pub(crate) fn go_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

/// Go's `filepath.Join` of two elements (empty elements are ignored).
fn go_join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => String::new(),
        (true, false) => go_clean(b),
        (false, true) => go_clean(a),
        (false, false) => go_clean(&format!("{a}/{b}")),
    }
}

/// Go's `filepath.Base`.
fn go_base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

/// Go's `filepath.Dir`.
fn go_dir(p: &str) -> String {
    let cut = p.rfind('/').map(|i| i + 1).unwrap_or(0);
    go_clean(&p[..cut])
}

/// Go's `filepath.Rel` (Unix).
fn go_rel(base: &str, targ: &str) -> Result<String, String> {
    let b = go_clean(base);
    let t = go_clean(targ);
    if b == t {
        return Ok(".".into());
    }
    let b = if b == "." { String::new() } else { b };
    let err = || format!("Rel: can't make {targ} relative to {base}");
    if b.starts_with('/') != t.starts_with('/') {
        return Err(err());
    }
    let (bb, tb) = (b.as_bytes(), t.as_bytes());
    let (mut b0, mut bi, mut t0, mut ti) = (0, 0, 0, 0);
    loop {
        while bi < bb.len() && bb[bi] != b'/' {
            bi += 1;
        }
        while ti < tb.len() && tb[ti] != b'/' {
            ti += 1;
        }
        if t[t0..ti] != b[b0..bi] {
            break;
        }
        if bi < bb.len() {
            bi += 1;
        }
        if ti < tb.len() {
            ti += 1;
        }
        b0 = bi;
        t0 = ti;
    }
    if &b[b0..bi] == ".." {
        return Err(err());
    }
    if b0 != bb.len() {
        let seps = b[b0..].matches('/').count();
        let mut out = String::from("..");
        for _ in 0..seps {
            out.push_str("/..");
        }
        if t0 != tb.len() {
            out.push('/');
            out.push_str(&t[t0..]);
        }
        return Ok(out);
    }
    Ok(t[t0..].to_string())
}

#[cfg(test)]
#[path = "filesystem_tests.rs"]
mod tests;
