//! The human rendering of stored objects that `infra show` and `infra state show` print, in
//! Terraform's `show` layout: `# address:` then `resource "type" "name" {` with one attribute per
//! line (names aligned, maps with quoted keys, objects with bare names, lists with trailing
//! commas, multi-line strings as `<<-EOT` heredocs, JSON strings as `jsonencode(…)`), nested
//! blocks after the attributes, and sensitive values hidden.
//!
//! Attributes are typed by the provider's schema when infra has the provider (so maps and
//! objects, attributes and blocks are told apart as Terraform does); objects of providers infra
//! does not have are shown with the types their JSON implies. This module only formats: it
//! reads no state and prints nothing.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;

use infra_core::{Type, Value};
use infra_provider::{BlockSchema, Nesting, Provider, Registry, ResourceSchema};
use infra_state::{ResourceInstance, ResourceMode};

/// Resource schemas of the providers infra has, looked up by the provider address recorded in
/// state (`provider["registry.terraform.io/hashicorp/null"]`).
pub(crate) struct Schemas {
    registry: Registry,
    providers: HashMap<String, Option<Arc<dyn Provider>>>,
}

impl Schemas {
    pub(crate) fn new(registry: Registry) -> Schemas {
        Schemas {
            registry,
            providers: HashMap::new(),
        }
    }

    /// The schema of an instance's resource type or data source, if infra has its provider.
    pub(crate) fn of(&mut self, inst: &ResourceInstance) -> Option<ResourceSchema> {
        let source = provider_source(&inst.provider)?.to_string();
        let registry = &self.registry;
        let provider = self
            .providers
            .entry(source.clone())
            .or_insert_with(|| registry.by_source(&source).map(|f| f()));
        let schema = provider.as_ref()?.schema();
        match inst.mode {
            ResourceMode::Managed => schema.resources.get(&inst.type_name).cloned(),
            ResourceMode::Data => schema.data_sources.get(&inst.type_name).cloned(),
        }
    }
}

/// The provider source inside a state provider address: `registry.terraform.io/hashicorp/null`
/// from `module.m.provider["registry.terraform.io/hashicorp/null"].alias`.
pub(crate) fn provider_source(provider: &str) -> Option<&str> {
    let start = provider.find("provider[\"")? + "provider[\"".len();
    let len = provider[start..].find("\"]")?;
    Some(&provider[start..start + len])
}

/// The attributes of an instance as a value typed by its schema, with the sensitive paths
/// recorded in state marked.
pub(crate) fn instance_value(inst: &ResourceInstance, schema: Option<&ResourceSchema>) -> Value {
    let typed = schema.and_then(|s| Value::from_json(&inst.attributes, &s.block.value_type()));
    let v = typed
        .or_else(|| Value::from_json(&inst.attributes, &Type::Dynamic))
        .unwrap_or_else(|| Value::Object(Default::default()));
    inst.sensitive_attributes
        .iter()
        .fold(v, |v, path| match path.as_array() {
            Some(steps) => mark_path(v, steps),
            None => v,
        })
}

/// Marks the value at `path` (Terraform's `[{"type":"get_attr","value":"a"}, …]`) sensitive.
/// A path that does not lead anywhere changes nothing.
fn mark_path(v: Value, path: &[serde_json::Value]) -> Value {
    let Some((step, rest)) = path.split_first() else {
        return v.mark_sensitive();
    };
    let key = match step.get("type").and_then(|t| t.as_str()) {
        Some("get_attr") => step
            .get("value")
            .and_then(|k| k.as_str())
            .map(|k| StepKey::Name(k.to_string())),
        Some("index") => match step.get("value").and_then(|i| i.get("value")) {
            Some(serde_json::Value::String(k)) => Some(StepKey::Name(k.clone())),
            Some(serde_json::Value::Number(n)) => n.as_u64().map(|i| StepKey::Index(i as usize)),
            _ => None,
        },
        _ => None,
    };
    let Some(key) = key else { return v };
    match (v, key) {
        (Value::Sensitive(inner), key) => Value::Sensitive(Box::new(mark_step(*inner, key, rest))),
        (v, key) => mark_step(v, key, rest),
    }
}

enum StepKey {
    Name(String),
    Index(usize),
}

fn mark_step(v: Value, key: StepKey, rest: &[serde_json::Value]) -> Value {
    match (v, key) {
        (Value::Object(mut m), StepKey::Name(k)) => {
            if let Some(x) = m.remove(&k) {
                m.insert(k, mark_path(x, rest));
            }
            Value::Object(m)
        }
        (Value::Map(t, mut m), StepKey::Name(k)) => {
            if let Some(x) = m.remove(&k) {
                m.insert(k, mark_path(x, rest));
            }
            Value::Map(t, m)
        }
        (Value::List(t, mut e), StepKey::Index(i)) if i < e.len() => {
            let x = std::mem::replace(&mut e[i], Value::Null(Type::Dynamic));
            e[i] = mark_path(x, rest);
            Value::List(t, e)
        }
        (Value::Tuple(mut e), StepKey::Index(i)) if i < e.len() => {
            let x = std::mem::replace(&mut e[i], Value::Null(Type::Dynamic));
            e[i] = mark_path(x, rest);
            Value::Tuple(e)
        }
        (v, _) => v,
    }
}

/// One instance as `terraform show` prints it: the `# address:` line, then the block, ending
/// with `}` and a newline.
pub(crate) fn render_instance(inst: &ResourceInstance, schema: Option<&ResourceSchema>) -> String {
    let mut out = format!("# {}:", inst.address());
    if inst.tainted {
        out.push_str(" (tainted)");
    }
    out.push('\n');
    let keyword = match inst.mode {
        ResourceMode::Managed => "resource",
        ResourceMode::Data => "data",
    };
    let _ = write!(
        out,
        "{keyword} {} {} {{",
        go_quote(&inst.type_name),
        go_quote(&inst.name)
    );
    let value = instance_value(inst, schema);
    let inferred;
    let block = match schema {
        Some(s) => &s.block,
        None => {
            inferred = inferred_block(&value);
            &inferred
        }
    };
    if write_block_body(&mut out, block, &value, 2) {
        out.push('\n');
    }
    out.push_str("}\n");
    out
}

/// A schema for an object of a provider infra does not have: every attribute plain.
fn inferred_block(v: &Value) -> BlockSchema {
    let mut b = BlockSchema::default();
    if let Some(m) = v.entries() {
        for (k, x) in m {
            b.attributes.insert(
                k.clone(),
                infra_provider::AttributeSchema {
                    ty: x.ty(),
                    ..Default::default()
                },
            );
        }
    }
    b
}

/// An output value as `terraform show` prints it after `name = `.
pub(crate) fn render_output_value(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v, 0);
    out
}

/// Writes the attributes (non-null, names aligned) and then the nested blocks of a block body;
/// returns whether anything was written. `indent` is the body's indentation before the
/// two-column action gutter Terraform leaves blank in `show`.
fn write_block_body(out: &mut String, schema: &BlockSchema, v: &Value, indent: usize) -> bool {
    let entries = v.entries();
    let get = |name: &str| entries.and_then(|m| m.get(name));
    let names: Vec<&String> = schema
        .attributes
        .keys()
        .filter(|n| get(n).is_some_and(|x| !x.peel().is_null()))
        .collect();
    let width = names.iter().map(|n| n.len()).max().unwrap_or(0);
    let mut written = false;
    for name in &names {
        let Some(x) = get(name) else { continue };
        out.push('\n');
        pad(out, indent + 2);
        out.push_str(name);
        pad(out, width - name.len());
        out.push_str(" = ");
        if schema.attributes.get(*name).is_some_and(|a| a.sensitive) {
            out.push_str("(sensitive value)");
        } else {
            write_value(out, x, indent + 2);
        }
        written = true;
    }
    let mut blank_before = !names.is_empty();
    for (name, bt) in &schema.block_types {
        let Some(x) = get(name) else { continue };
        if x.is_sensitive() {
            if blank_before {
                out.push('\n');
            }
            out.push('\n');
            pad(out, indent + 2);
            let _ = writeln!(out, "{name} {{");
            pad(out, indent + 4);
            out.push_str("# At least one attribute in this block is (or was) sensitive,\n");
            pad(out, indent + 4);
            out.push_str("# so its contents will not be displayed.\n");
            pad(out, indent + 2);
            out.push('}');
            written = true;
            blank_before = true;
            continue;
        }
        let items: Vec<(Option<&str>, &Value)> = match (bt.nesting, x) {
            (_, x) if x.is_null() => Vec::new(),
            (Nesting::Single, x) => vec![(None, x)],
            (Nesting::List | Nesting::Set, x) => x
                .elements()
                .unwrap_or(&[])
                .iter()
                .map(|e| (None, e))
                .collect(),
            (Nesting::Map, x) => x
                .entries()
                .map(|m| m.iter().map(|(k, e)| (Some(k.as_str()), e)).collect())
                .unwrap_or_default(),
        };
        if items.is_empty() {
            continue;
        }
        if blank_before {
            out.push('\n');
        }
        for (label, item) in items {
            out.push('\n');
            pad(out, indent + 2);
            out.push_str(name);
            if let Some(l) = label {
                out.push(' ');
                out.push_str(&go_quote(l));
            }
            out.push_str(" {");
            if write_block_body(out, &bt.block, item, indent + 4) {
                out.push('\n');
                pad(out, indent + 2);
            }
            out.push('}');
        }
        written = true;
        blank_before = true;
    }
    written
}

fn pad(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// Terraform's `writeValue`: `indent` is the column of the line the value starts on.
fn write_value(out: &mut String, v: &Value, indent: usize) {
    match v {
        Value::Sensitive(_) => out.push_str("(sensitive)"),
        Value::Unknown(_) => out.push_str("(known after apply)"),
        Value::Null(_) => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(out, s, indent),
        Value::List(_, items) | Value::Set(_, items) | Value::Tuple(items) => {
            out.push('[');
            for item in items {
                out.push('\n');
                pad(out, indent + 4);
                write_value(out, item, indent + 4);
                out.push(',');
            }
            if !items.is_empty() {
                out.push('\n');
                pad(out, indent);
            }
            out.push(']');
        }
        Value::Map(_, m) => {
            out.push('{');
            let width = m.keys().map(String::len).max().unwrap_or(0);
            for (k, x) in m {
                out.push('\n');
                pad(out, indent + 4);
                out.push_str(&go_quote(k));
                pad(out, width - k.len());
                out.push_str(" = ");
                write_value(out, x, indent + 4);
            }
            if !m.is_empty() {
                out.push('\n');
                pad(out, indent);
            }
            out.push('}');
        }
        Value::Object(m) => {
            out.push('{');
            let width = m.keys().map(String::len).max().unwrap_or(0);
            for (k, x) in m {
                out.push('\n');
                pad(out, indent + 4);
                out.push_str(k);
                pad(out, width - k.len());
                out.push_str(" = ");
                write_value(out, x, indent + 4);
            }
            if !m.is_empty() {
                out.push('\n');
                pad(out, indent);
            }
            out.push('}');
        }
    }
}

/// Strings holding a JSON object or array are shown decoded inside `jsonencode(…)`; multi-line
/// strings as a heredoc; others quoted.
fn write_string(out: &mut String, s: &str, indent: usize) {
    let trimmed = s.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        if let Some(v) = serde_json::from_str::<serde_json::Value>(s)
            .ok()
            .and_then(|j| Value::from_json(&j, &Type::Dynamic))
        {
            out.push_str("jsonencode(");
            if v.length().unwrap_or(0) == 0 {
                write_value(out, &v, 0);
            } else {
                out.push('\n');
                pad(out, indent + 4);
                write_value(out, &v, indent + 4);
                out.push('\n');
                pad(out, indent);
            }
            out.push(')');
            return;
        }
    }
    if s.contains('\n') {
        out.push_str("<<-EOT");
        // Go's line scanner: a final newline ends the last line rather than starting an empty one.
        for line in s.strip_suffix('\n').unwrap_or(s).split('\n') {
            out.push('\n');
            pad(out, indent + 4);
            out.push_str(line.strip_suffix('\r').unwrap_or(line));
        }
        out.push('\n');
        pad(out, indent);
        out.push_str("EOT");
        return;
    }
    out.push_str(&go_quote(s));
}

/// Go's `%q`: double quotes, backslash escapes for quotes, backslashes and control characters;
/// printable Unicode as is.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn inst(attrs: serde_json::Value, sensitive: Vec<serde_json::Value>) -> ResourceInstance {
        ResourceInstance {
            type_name: "null_resource".into(),
            name: "a".into(),
            provider: "provider[\"registry.terraform.io/hashicorp/null\"]".into(),
            attributes: attrs,
            sensitive_attributes: sensitive,
            ..ResourceInstance::default()
        }
    }

    #[track_caller]
    fn shows(attrs: serde_json::Value, sensitive: Vec<serde_json::Value>, want: &str) {
        let i = inst(attrs, sensitive);
        let schema = Schemas::new(crate::project::registry()).of(&i);
        assert_eq!(render_instance(&i, schema.as_ref()), want);
    }

    // Expected texts are `terraform show -no-color` output of Terraform 1.0.3 with null 2.1.2.
    #[test]
    fn instances_render_like_terraform_show() {
        shows(
            json!({"id": "1", "triggers": null}),
            vec![],
            "# null_resource.a:\nresource \"null_resource\" \"a\" {\n    id = \"1\"\n}\n",
        );
        shows(
            json!({"id": "1", "triggers": {"plain": "x", "pw": "s"}}),
            vec![json!([{"type": "get_attr", "value": "triggers"}, {"type": "index", "value": {"value": "pw", "type": "string"}}])],
            "# null_resource.a:\nresource \"null_resource\" \"a\" {\n    id       = \"1\"\n    triggers = {\n        \"plain\" = \"x\"\n        \"pw\"    = (sensitive)\n    }\n}\n",
        );
        shows(
            json!({"id": "1", "triggers": {"a": "b"}}),
            vec![json!([{"type": "get_attr", "value": "triggers"}])],
            "# null_resource.a:\nresource \"null_resource\" \"a\" {\n    id       = \"1\"\n    triggers = (sensitive)\n}\n",
        );
        shows(
            json!({"id": "1", "triggers": {"text": "line1\nline2\n", "empty": ""}}),
            vec![],
            "# null_resource.a:\nresource \"null_resource\" \"a\" {\n    id       = \"1\"\n    triggers = {\n        \"empty\" = \"\"\n        \"text\"  = <<-EOT\n            line1\n            line2\n        EOT\n    }\n}\n",
        );
        shows(json!({"id": "1", "triggers": {}}), vec![], "# null_resource.a:\nresource \"null_resource\" \"a\" {\n    id       = \"1\"\n    triggers = {}\n}\n");
    }

    #[test]
    fn output_values_render_like_terraform_show() {
        let v = Value::from_json(
            &json!({"w": {}, "x y": 1, "z": [{"q": null}]}),
            &Type::Dynamic,
        )
        .unwrap_or(Value::null());
        assert_eq!(render_output_value(&v), "{\n    w   = {}\n    x y = 1\n    z   = [\n        {\n            q = null\n        },\n    ]\n}");
        assert_eq!(
            render_output_value(&Value::string("a\nb")),
            "<<-EOT\n    a\n    b\nEOT"
        );
        let m =
            Value::from_json(&json!({"a": 1}), &Type::map(Type::Number)).unwrap_or(Value::null());
        assert_eq!(render_output_value(&m), "{\n    \"a\" = 1\n}");
    }

    #[test]
    fn strings_quote_like_go() {
        assert_eq!(go_quote("q\"uote"), "\"q\\\"uote\"");
        assert_eq!(go_quote("ünï\t\u{1}"), "\"ünï\\t\\x01\"");
        assert_eq!(
            provider_source("module.m.provider[\"registry.terraform.io/hashicorp/null\"].x"),
            Some("registry.terraform.io/hashicorp/null")
        );
    }
}
