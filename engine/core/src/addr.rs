//! Addresses of modules, resources and their instances, with Terraform's textual forms
//! (`module.net["eu"].aws_subnet.private[0]`) and a parser for the ones users type
//! (`-target`, `-replace`, `state mv`, `import`).

use std::fmt;

use crate::value::Value;

/// The key of one instance of a counted (`[0]`) or `for_each` (`["k"]`) object.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InstanceKey {
    Int(i64),
    Str(String),
}

impl InstanceKey {
    /// The key as a value (`count.index` or `each.key`).
    pub fn to_value(&self) -> Value {
        match self {
            InstanceKey::Int(i) => Value::int(*i),
            InstanceKey::Str(s) => Value::string(s.clone()),
        }
    }
}

impl fmt::Display for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InstanceKey::Int(i) => write!(f, "[{i}]"),
            InstanceKey::Str(s) => {
                f.write_str("[")?;
                write_quoted(f, s)?;
                f.write_str("]")
            }
        }
    }
}

fn write_quoted(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

/// One step of a module instance path: `module.name` with an optional key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModuleStep {
    pub name: String,
    pub key: Option<InstanceKey>,
}

/// A module instance: the root (empty) or a path of module calls with their keys.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ModuleInstance(pub Vec<ModuleStep>);

impl ModuleInstance {
    pub fn root() -> ModuleInstance {
        ModuleInstance(Vec::new())
    }
    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }
    /// The child instance `module.name[key]`.
    pub fn child(&self, name: &str, key: Option<InstanceKey>) -> ModuleInstance {
        let mut v = self.0.clone();
        v.push(ModuleStep {
            name: name.to_string(),
            key,
        });
        ModuleInstance(v)
    }
    /// The static module path (call names without keys).
    pub fn static_path(&self) -> Vec<String> {
        self.0.iter().map(|s| s.name.clone()).collect()
    }
    pub fn parent(&self) -> Option<ModuleInstance> {
        let mut v = self.0.clone();
        v.pop()?;
        Some(ModuleInstance(v))
    }
}

impl fmt::Display for ModuleInstance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, s) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            write!(f, "module.{}", s.name)?;
            if let Some(k) = &s.key {
                write!(f, "{k}")?;
            }
        }
        Ok(())
    }
}

/// Managed resource or data source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Mode {
    Managed,
    Data,
}

/// A resource (all its instances) in a module instance.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceAddr {
    pub module: ModuleInstance,
    pub mode: Mode,
    pub ty: String,
    pub name: String,
}

impl ResourceAddr {
    pub fn instance(&self, key: Option<InstanceKey>) -> ResourceInstanceAddr {
        ResourceInstanceAddr {
            resource: self.clone(),
            key,
        }
    }
    /// The address within its module (`aws_vpc.main`, `data.aws_ami.x`).
    pub fn local(&self) -> String {
        match self.mode {
            Mode::Managed => format!("{}.{}", self.ty, self.name),
            Mode::Data => format!("data.{}.{}", self.ty, self.name),
        }
    }
}

impl fmt::Display for ResourceAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.module.is_root() {
            write!(f, "{}.", self.module)?;
        }
        f.write_str(&self.local())
    }
}

/// One instance of a resource.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceInstanceAddr {
    pub resource: ResourceAddr,
    pub key: Option<InstanceKey>,
}

impl fmt::Display for ResourceInstanceAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.resource)?;
        if let Some(k) = &self.key {
            write!(f, "{k}")?;
        }
        Ok(())
    }
}

/// A user-typed address: a module instance, a resource, or a resource instance
/// (`module.a`, `aws_vpc.main`, `module.a[1].null_resource.x["k"]`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Target {
    Module(ModuleInstance),
    Resource(ResourceAddr),
    Instance(ResourceInstanceAddr),
}

impl Target {
    /// Whether this target selects the given instance (itself, its resource, or an enclosing module).
    pub fn contains(&self, inst: &ResourceInstanceAddr) -> bool {
        match self {
            Target::Instance(i) => i == inst,
            Target::Resource(r) => *r == inst.resource,
            // `module.a` selects every instance of the call; `module.a[1]` only that one.
            Target::Module(m) => {
                let path = &inst.resource.module.0;
                m.0.len() <= path.len()
                    && m.0
                        .iter()
                        .zip(path)
                        .all(|(a, b)| a.name == b.name && (a.key.is_none() || a.key == b.key))
            }
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Module(m) => write!(f, "{m}"),
            Target::Resource(r) => write!(f, "{r}"),
            Target::Instance(i) => write!(f, "{i}"),
        }
    }
}

/// Parses an address as users write it. The error says what is wrong.
pub fn parse_target(s: &str) -> Result<Target, String> {
    let mut p = Parser {
        s: s.trim(),
        pos: 0,
    };
    let mut module = ModuleInstance::root();
    loop {
        let save = p.pos;
        let ident = p.ident().ok_or_else(|| {
            format!(
                "Invalid address {s:?}: expected a name at position {}.",
                p.pos + 1
            )
        })?;
        if ident == "module" {
            p.expect('.')
                .map_err(|e| format!("Invalid address {s:?}: {e}"))?;
            let name = p.ident().ok_or_else(|| {
                format!("Invalid address {s:?}: expected a module name after \"module.\".")
            })?;
            let key = p.key().map_err(|e| format!("Invalid address {s:?}: {e}"))?;
            module.0.push(ModuleStep { name, key });
            if p.done() {
                return Ok(Target::Module(module));
            }
            p.expect('.')
                .map_err(|e| format!("Invalid address {s:?}: {e}"))?;
            continue;
        }
        p.pos = save;
        let mut mode = Mode::Managed;
        let mut ty = p.ident().unwrap_or_default();
        if ty == "data" {
            mode = Mode::Data;
            p.expect('.')
                .map_err(|e| format!("Invalid address {s:?}: {e}"))?;
            ty = p.ident().ok_or_else(|| {
                format!("Invalid address {s:?}: expected a data source type after \"data.\".")
            })?;
        }
        p.expect('.').map_err(|_| format!("Invalid address {s:?}: a resource address has the form TYPE.NAME, such as aws_instance.web."))?;
        let name = p.ident().ok_or_else(|| {
            format!("Invalid address {s:?}: expected a resource name after \"{ty}.\".")
        })?;
        let key = p.key().map_err(|e| format!("Invalid address {s:?}: {e}"))?;
        if !p.done() {
            return Err(format!(
                "Invalid address {s:?}: unexpected {:?} after the resource address.",
                &p.s[p.pos..]
            ));
        }
        let resource = ResourceAddr {
            module,
            mode,
            ty,
            name,
        };
        return Ok(match key {
            Some(k) => Target::Instance(resource.instance(Some(k))),
            None => Target::Resource(resource),
        });
    }
}

struct Parser<'a> {
    s: &'a str,
    pos: usize,
}

impl Parser<'_> {
    fn done(&self) -> bool {
        self.pos >= self.s.len()
    }
    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }
    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.peek() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(format!("expected {c:?} at position {}.", self.pos + 1))
        }
    }
    fn ident(&mut self) -> Option<String> {
        let rest = &self.s[self.pos..];
        let n = rest
            .char_indices()
            .take_while(|(i, c)| c.is_alphanumeric() || *c == '_' || (*i > 0 && *c == '-'))
            .map(|(i, c)| i + c.len_utf8())
            .last()?;
        if rest.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            return None;
        }
        self.pos += n;
        Some(rest[..n].to_string())
    }
    fn key(&mut self) -> Result<Option<InstanceKey>, String> {
        if self.peek() != Some('[') {
            return Ok(None);
        }
        self.pos += 1;
        let rest = &self.s[self.pos..];
        if let Some(stripped) = rest.strip_prefix('"') {
            let mut out = String::new();
            let mut chars = stripped.char_indices();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some((_, 'n')) => out.push('\n'),
                        Some((_, c)) => out.push(c),
                        None => break,
                    },
                    '"' => {
                        self.pos += 1 + i + 1;
                        self.expect(']')?;
                        return Ok(Some(InstanceKey::Str(out)));
                    }
                    c => out.push(c),
                }
            }
            Err("unterminated string key.".to_string())
        } else {
            let n = rest.find(']').ok_or("missing \"]\".")?;
            let num: i64 = rest[..n].trim().parse().map_err(|_| {
                format!(
                    "invalid index {:?}: an index is a whole number or a quoted string.",
                    &rest[..n]
                )
            })?;
            self.pos += n + 1;
            Ok(Some(InstanceKey::Int(num)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn round_trip(s: &str) {
        let t = parse_target(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(t.to_string(), s);
    }

    #[test]
    fn addresses_round_trip() {
        round_trip("aws_vpc.main");
        round_trip("null_resource.r[3]");
        round_trip("data.aws_ami.ubuntu");
        round_trip("module.net");
        round_trip("module.net[\"eu\"].aws_subnet.private[0]");
        round_trip("module.a.module.b.random_pet.x[\"k\\\"q\"]");
    }

    #[test]
    fn bad_addresses_are_explained() {
        for s in [
            "",
            "aws_vpc",
            "module.",
            "aws_vpc.main[",
            "aws_vpc.main[x]",
            "a.b.c",
        ] {
            assert!(parse_target(s).is_err(), "{s} should be rejected");
        }
    }

    #[test]
    fn module_targets_contain_their_resources() {
        let Target::Instance(i) = parse_target("module.a[1].x.y[0]").unwrap() else {
            panic!()
        };
        assert!(parse_target("module.a").unwrap().contains(&i));
        assert!(parse_target("module.a[1]").unwrap().contains(&i));
        assert!(!parse_target("module.a[2]").unwrap().contains(&i));
        assert!(parse_target("module.a[1].x.y").unwrap().contains(&i));
    }
}
