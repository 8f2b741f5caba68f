//! Tests of the filesystem functions, in a scratch directory; expectations recorded from
//! Terraform 1.0.3 run over the same tree.

use super::*;
use crate::funcs::CallError;

/// A scratch tree: hello.txt, bin.dat, d/{a.txt,b.md,sub/c.txt,sub/.hidden,e/f.txt},
/// d/link.txt -> ../hello.txt, d/sublink -> sub.
struct Tree(PathBuf);

impl Tree {
    fn new(name: &str) -> Tree {
        let dir = std::env::temp_dir().join(format!("infra-fs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for d in ["d/sub", "d/e"] {
            std::fs::create_dir_all(dir.join(d)).unwrap();
        }
        std::fs::write(dir.join("hello.txt"), "hello\n").unwrap();
        std::fs::write(dir.join("bin.dat"), [0xff, 0xfe]).unwrap();
        for f in [
            "d/a.txt",
            "d/b.md",
            "d/sub/c.txt",
            "d/sub/.hidden",
            "d/e/f.txt",
        ] {
            std::fs::write(dir.join(f), "").unwrap();
        }
        std::os::unix::fs::symlink("../hello.txt", dir.join("d/link.txt")).unwrap();
        std::os::unix::fs::symlink("sub", dir.join("d/sublink")).unwrap();
        Tree(dir)
    }
    fn ctx(&self) -> FuncContext {
        FuncContext {
            cwd: self.0.clone(),
            ..FuncContext::default()
        }
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[track_caller]
fn call(c: &FuncContext, name: &str, args: &[&str], want: Result<Value, &str>) {
    let args = args.iter().map(|a| Value::string(*a)).collect();
    match (Functions::standard().call(name, args, c), want) {
        (Ok(g), Ok(w)) => assert_eq!(g, w, "{name}"),
        (Err(CallError::Failed(e)), Err(w)) => assert_eq!(e.message, w, "{name}"),
        (g, w) => panic!("{name}: got {g:?}, want {w:?}"),
    }
}

fn s(x: &str) -> Value {
    Value::string(x)
}

fn set(items: &[&str]) -> Value {
    Value::set(Type::String, items.iter().map(|x| s(x)).collect())
}

#[test]
fn file_and_filebase64() {
    let t = Tree::new("file");
    let c = t.ctx();
    call(&c, "file", &["hello.txt"], Ok(s("hello\n")));
    call(&c, "file", &["./d/../hello.txt"], Ok(s("hello\n")));
    call(&c, "filebase64", &["bin.dat"], Ok(s("//4=")));
    let missing = |p: &str| {
        format!(
            "Invalid value for \"path\" parameter: no file exists at {p}; this function works only with files that \
             are distributed as part of the configuration source code, so if this file will be created by a resource \
             in this configuration you must instead obtain this result from an attribute of that resource."
        )
    };
    call(&c, "file", &["nope.txt"], Err(&missing("nope.txt")));
    call(&c, "file", &[".//nope"], Err(&missing(".//nope")));
    call(&c, "filebase64", &["nope"], Err(&missing("nope")));
    call(
        &c,
        "file",
        &["./bin.dat"],
        Err("contents of ./bin.dat are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded \
             contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead"),
    );
    call(
        &c,
        "file",
        &["./d/"],
        Err("Invalid value for \"path\" parameter: failed to read ./d/."),
    );
    call(
        &c,
        "filebase64",
        &["d"],
        Err("Invalid value for \"path\" parameter: failed to read d."),
    );
    call(&c, "file", &["~x/y"], Err("Invalid value for \"path\" parameter: failed to expand ~: cannot expand user-specific home dir."));
    let abs = t.0.join("hello.txt");
    call(&c, "file", &[abs.to_str().unwrap()], Ok(s("hello\n")));
}

#[test]
fn fileexists_cases() {
    let t = Tree::new("exists");
    let c = t.ctx();
    call(&c, "fileexists", &["hello.txt"], Ok(Value::Bool(true)));
    call(&c, "fileexists", &["nope"], Ok(Value::Bool(false)));
    call(&c, "fileexists", &["d/link.txt"], Ok(Value::Bool(true)));
    std::os::unix::fs::symlink("nowhere", t.0.join("d/broken")).unwrap();
    call(&c, "fileexists", &["d/broken"], Ok(Value::Bool(false)));
    call(
        &c,
        "fileexists",
        &["hello.txt/x"],
        Err("failed to stat hello.txt/x"),
    );
    call(
        &c,
        "fileexists",
        &["./d/"],
        Err("d is not a regular file, but \"drwxr-xr-x\""),
    );
    call(
        &c,
        "fileexists",
        &["/dev/null"],
        Err("/dev/null is not a regular file, but \"Dcrw-rw-rw-\""),
    );
    call(
        &c,
        "fileexists",
        &["~x"],
        Err("failed to expand ~: cannot expand user-specific home dir"),
    );
}

#[test]
fn fileset_cases() {
    let t = Tree::new("set");
    let c = t.ctx();
    let ok =
        |path: &str, pat: &str, want: &[&str]| call(&c, "fileset", &[path, pat], Ok(set(want)));
    ok(".", "d/*", &["d/a.txt", "d/b.md", "d/link.txt"]);
    ok("d", "*", &["a.txt", "b.md", "link.txt"]);
    ok(
        "d",
        "**",
        &[
            "a.txt",
            "b.md",
            "e/f.txt",
            "link.txt",
            "sub/.hidden",
            "sub/c.txt",
            "sublink/.hidden",
            "sublink/c.txt",
        ],
    );
    ok(
        "d",
        "**/*.txt",
        &["a.txt", "e/f.txt", "link.txt", "sub/c.txt", "sublink/c.txt"],
    );
    ok("d", "{a,b}.*", &["a.txt", "b.md"]);
    ok("d", "[ab].*", &["a.txt", "b.md"]);
    ok("d", "[!a].*", &["a.txt"]);
    ok("d", "[^a].*", &["b.md"]);
    ok("d", "[a-b].*", &["a.txt", "b.md"]);
    ok("d", "?.txt", &["a.txt"]);
    ok("d", "sub/*", &["sub/.hidden", "sub/c.txt"]);
    ok("nonexist", "*", &[]);
    ok("nonexist", "[", &[]);
    ok("d", "/*", &["a.txt", "b.md", "link.txt"]);
    ok("d", "../*.txt", &["../hello.txt"]);
    ok("d", "sublink/*", &["sublink/.hidden", "sublink/c.txt"]);
    ok(
        "d",
        "*/*",
        &[
            "e/f.txt",
            "sub/.hidden",
            "sub/c.txt",
            "sublink/.hidden",
            "sublink/c.txt",
        ],
    );
    ok(
        "d",
        "**/",
        &[
            "a.txt",
            "b.md",
            "e/f.txt",
            "link.txt",
            "sub/.hidden",
            "sub/c.txt",
            "sublink/.hidden",
            "sublink/c.txt",
        ],
    );
    ok(".", "d/**/c.txt", &["d/sub/c.txt", "d/sublink/c.txt"]);
    ok("d", "**/**/c.txt", &["sub/c.txt", "sublink/c.txt"]);
    ok("d", "s*/c.txt", &["sub/c.txt", "sublink/c.txt"]);
    ok("d", "*.{txt,md}", &["a.txt", "b.md", "link.txt"]);
    ok("d", "\\a.txt", &["a.txt"]);
    ok("d", "a.txt", &["a.txt"]);
    ok("d", "", &[]);
    ok("", "d/a.txt", &["d/a.txt"]);
    ok("d", ".", &[]);
    ok("d", "sub", &[]);
    ok("d/sub", "../*.md", &["../b.md"]);
    ok("./d/", "sub/../*.md", &["b.md"]);
    let abs = t.0.join("d");
    ok(abs.to_str().unwrap(), "*.md", &["b.md"]);
    call(
        &c,
        "fileset",
        &["d", "["],
        Err("failed to glob pattern (d/[): syntax error in pattern"),
    );
    call(
        &c,
        "fileset",
        &["d", "{a,b"],
        Err("failed to glob pattern (d/{a,b): syntax error in pattern"),
    );
    call(
        &c,
        "fileset",
        &["d", "[a"],
        Err("failed to glob pattern (d/[a): syntax error in pattern"),
    );
    std::os::unix::fs::symlink("nowhere", t.0.join("d/broken")).unwrap();
    call(
        &c,
        "fileset",
        &["d", "b*"],
        Err("failed to stat (d/broken): stat d/broken: no such file or directory"),
    );
}

#[test]
fn path_functions() {
    let c = FuncContext {
        cwd: PathBuf::from("/srv/conf"),
        ..FuncContext::default()
    };
    let cases = [
        ("basename", "a/b/c.txt", "c.txt"),
        ("basename", "a/b/", "b"),
        ("basename", "", "."),
        ("basename", "/", "/"),
        ("basename", "//", "/"),
        ("basename", "a\\b", "a\\b"),
        ("dirname", "a/b/c.txt", "a/b"),
        ("dirname", "a/b/", "a/b"),
        ("dirname", "", "."),
        ("dirname", "/", "/"),
        ("dirname", "a", "."),
        ("dirname", "/a", "/"),
        ("dirname", "a//b/../c", "a"),
        ("dirname", "./a", "."),
        ("abspath", "a/../b", "/srv/conf/b"),
        ("abspath", "/x/./y/", "/x/y"),
        ("abspath", "", "/srv/conf"),
        ("abspath", "/", "/"),
        ("pathexpand", "a/~", "a/~"),
        ("pathexpand", "", ""),
    ];
    for (f, arg, want) in cases {
        call(&c, f, &[arg], Ok(s(want)));
    }
    let home = std::env::var("HOME").unwrap();
    call(&c, "pathexpand", &["~"], Ok(s(&go_clean(&home))));
    call(
        &c,
        "pathexpand",
        &["~/x/../y"],
        Ok(s(&go_clean(&format!("{home}/y")))),
    );
    call(
        &c,
        "pathexpand",
        &["~x"],
        Err("cannot expand user-specific home dir"),
    );
}

#[test]
fn go_path_helpers() {
    assert_eq!(go_clean("a//b/./../c/"), "a/c");
    assert_eq!(go_clean("/../a"), "/a");
    assert_eq!(go_clean("../../a"), "../../a");
    assert_eq!(go_rel("d", "d/a.txt").unwrap(), "a.txt");
    assert_eq!(go_rel("d", "hello.txt").unwrap(), "../hello.txt");
    assert_eq!(go_rel("a/b", "c").unwrap(), "../../c");
    assert_eq!(go_rel(".", "x").unwrap(), "x");
    assert_eq!(go_rel("/a", "/a").unwrap(), ".");
    assert!(go_rel("/a", "b").is_err());
    assert!(go_rel("../a", "b").is_err());
    assert_eq!(split_escaped("a/b\\/c/", '/'), vec!["a", "b\\/c", ""]);
    assert!(match_component(b"*.txt", b"a.txt").unwrap());
    assert!(match_component(b"a*", b"a").unwrap());
    assert!(!match_component(b"*x", b"").unwrap());
    assert!(match_component(b"[a\\]]", b"]").unwrap());
    assert!(match_component(b"[-a]", b"a").is_err());
}
