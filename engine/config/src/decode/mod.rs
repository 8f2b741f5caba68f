//! Decoding one parsed file into the configuration model: the shared machinery (wrapping
//! expressions with their file, checking block labels, reporting unexpected arguments and blocks
//! with HCL's wording and suggestions) and the generic body conversion used for resource,
//! provider and backend bodies, `dynamic` blocks included. The per-block decoders live in the
//! submodules; they only build model values and diagnostics and never read files.

mod module_call;
mod resource;
mod settings;
mod variable;

use std::sync::Arc;

use hcl_edit::expr::Expression;
use hcl_edit::structure::{
    Attribute as HclAttribute, Block as HclBlock, Body as HclBody, Structure,
};
use hcl_edit::Span;
use infra_core::{Diagnostic, Diagnostics, LineIndex, SourceRange};
use infra_lang::suggest::did_you_mean;

use crate::model::{Attribute, Block, Body, DynamicBlock, Expr};
use crate::span::{decl_range, name_range, open_brace_range, range_of, type_range};

pub(crate) use module_call::{decode_module_call, decode_moved, is_local_source};
pub(crate) use resource::decode_resource;
pub(crate) use settings::{decode_provider, decode_terraform};
pub(crate) use variable::{decode_locals, decode_output, decode_variable};

/// The file being decoded and the diagnostics found so far.
pub(crate) struct Decoder<'a> {
    pub file: &'a Arc<LineIndex>,
    pub diags: &'a mut Diagnostics,
}

impl Decoder<'_> {
    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    pub fn push_box(&mut self, d: Box<Diagnostic>) {
        self.diags.push(*d);
    }

    pub fn expr(&self, e: &Expression) -> Expr {
        Expr {
            expr: e.clone(),
            file: self.file.clone(),
        }
    }

    pub fn range(&self, node: &impl Span) -> SourceRange {
        range_of(node, self.file)
    }

    pub fn attribute(&self, a: &HclAttribute) -> Attribute {
        Attribute {
            name: a.key.as_str().to_string(),
            expr: self.expr(&a.value),
            range: self.range(a),
            name_range: name_range(a, self.file),
        }
    }

    /// Checks the block has exactly the labels `names`; reports HCL's "Missing name for …" or
    /// "Extraneous label for …" otherwise. Returns whether the labels are right.
    pub fn check_labels(&mut self, block: &HclBlock, names: &[&str]) -> bool {
        let ty = block.ident.as_str();
        let n = block.labels.len();
        if n < names.len() {
            self.push(
                Diagnostic::error(
                    format!("Missing {} for {ty}", names[n]),
                    format!(
                        "All {ty} blocks must have {} labels ({}).",
                        names.len(),
                        names.join(", ")
                    ),
                )
                .with_subject(open_brace_range(block, self.file)),
            );
            return false;
        }
        if n > names.len() {
            let detail = if names.is_empty() {
                format!("No labels are expected for {ty} blocks.")
            } else {
                format!(
                    "Only {} labels ({}) are expected for {ty} blocks.",
                    names.len(),
                    names.join(", ")
                )
            };
            self.push(
                Diagnostic::error(format!("Extraneous label for {ty}"), detail)
                    .with_subject(self.range(&block.labels[names.len()]))
                    .with_context(decl_range(block, self.file)),
            );
            return false;
        }
        true
    }

    /// "Unsupported argument", with a suggestion among `attrs` or a hint that `blocks` has a block
    /// type of that name.
    pub fn unsupported_argument(&mut self, a: &HclAttribute, attrs: &[&str], blocks: &[&str]) {
        let name = a.key.as_str();
        let hint = if blocks.contains(&name) {
            format!(" Did you mean to define a block of type \"{name}\"?")
        } else {
            did_you_mean(name, attrs.iter().copied())
                .map(|s| format!(" Did you mean \"{s}\"?"))
                .unwrap_or_default()
        };
        self.push(
            Diagnostic::error(
                "Unsupported argument",
                format!("An argument named \"{name}\" is not expected here.{hint}"),
            )
            .with_subject(name_range(a, self.file)),
        );
    }

    /// "Unsupported block type", with a suggestion among `blocks` or a hint that `attrs` has an
    /// argument of that name.
    pub fn unsupported_block(&mut self, b: &HclBlock, blocks: &[&str], attrs: &[&str]) {
        self.unsupported_block_with(b, blocks, attrs, "");
    }

    /// [`Self::unsupported_block`] with an extra sentence for the detail.
    pub fn unsupported_block_with(
        &mut self,
        b: &HclBlock,
        blocks: &[&str],
        attrs: &[&str],
        extra: &str,
    ) {
        let ty = b.ident.as_str();
        let hint = if attrs.contains(&ty) {
            format!(" Did you mean to define argument \"{ty}\"? If so, use the equals sign to assign it a value.")
        } else {
            did_you_mean(ty, blocks.iter().copied())
                .map(|s| format!(" Did you mean \"{s}\"?"))
                .unwrap_or_default()
        };
        self.push(
            Diagnostic::error(
                "Unsupported block type",
                format!("Blocks of type \"{ty}\" are not expected here.{hint}{extra}"),
            )
            .with_subject(type_range(b, self.file)),
        );
    }

    /// "Missing required argument" at the block's opening brace.
    pub fn missing_argument(&mut self, block: &HclBlock, name: &str) {
        self.push(
            Diagnostic::error(
                "Missing required argument",
                format!("The argument \"{name}\" is required, but no definition was found."),
            )
            .with_subject(open_brace_range(block, self.file)),
        );
    }

    /// "Duplicate X block" for a second block of a kind allowed once.
    pub fn duplicate_block(&mut self, block: &HclBlock, first: &SourceRange, owner: &str) {
        let ty = block.ident.as_str();
        self.push(
            Diagnostic::error(
                format!("Duplicate {ty} block"),
                format!(
                    "This {owner} already has a {ty} block at {}.",
                    crate::span::short_range(first)
                ),
            )
            .with_subject(decl_range(block, self.file)),
        );
    }

    /// Converts a body of arguments and nested blocks (`dynamic` blocks included), leaving out
    /// the arguments in `skip_attrs` and block types in `skip_blocks` (meta-arguments decoded
    /// elsewhere).
    pub fn generic_body(
        &mut self,
        body: &HclBody,
        skip_attrs: &[&str],
        skip_blocks: &[&str],
    ) -> Body {
        let mut out = Body::default();
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => {
                    if skip_attrs.contains(&a.key.as_str()) {
                        continue;
                    }
                    out.attributes
                        .insert(a.key.as_str().to_string(), self.attribute(a));
                }
                Structure::Block(b) => {
                    if skip_blocks.contains(&b.ident.as_str()) {
                        continue;
                    }
                    if b.ident.as_str() == "dynamic" {
                        if let Some(d) = self.dynamic_block(b) {
                            out.dynamic_blocks.push(d);
                        }
                        continue;
                    }
                    out.blocks.push(Block {
                        ty: b.ident.as_str().to_string(),
                        labels: b.labels.iter().map(|l| l.as_str().to_string()).collect(),
                        body: self.generic_body(&b.body, &[], &[]),
                        range: self.range(b),
                    });
                }
            }
        }
        out
    }

    /// Decodes `dynamic "type" { for_each, iterator, labels, content { … } }` with the checks of
    /// HCL's dynblock extension.
    fn dynamic_block(&mut self, b: &HclBlock) -> Option<DynamicBlock> {
        if !self.check_labels(b, &["type"]) {
            return None;
        }
        let ty = b.labels[0].as_str().to_string();
        let mut for_each = None;
        let mut iterator = ty.clone();
        let mut labels = Vec::new();
        let mut content: Option<(Body, SourceRange)> = None;
        let mut ok = true;
        const ATTRS: &[&str] = &["for_each", "iterator", "labels"];
        for s in b.body.iter() {
            match s {
                Structure::Attribute(a) => match a.key.as_str() {
                    "for_each" => for_each = Some(self.expr(&a.value)),
                    "iterator" => match &a.value {
                        Expression::Variable(v) => iterator = v.as_str().to_string(),
                        other => {
                            ok = false;
                            self.push(
                                Diagnostic::error(
                                    "Invalid dynamic iterator name",
                                    "Dynamic iterator must be a single variable name.",
                                )
                                .with_subject(self.range(other)),
                            );
                        }
                    },
                    "labels" => match &a.value {
                        Expression::Array(items) => {
                            labels = items.iter().map(|e| self.expr(e)).collect()
                        }
                        other => {
                            ok = false;
                            self.push(
                                Diagnostic::error(
                                    "Invalid expression",
                                    "A static list expression is required.",
                                )
                                .with_subject(self.range(other)),
                            );
                        }
                    },
                    _ => {
                        ok = false;
                        self.unsupported_argument(a, ATTRS, &["content"]);
                    }
                },
                Structure::Block(inner) if inner.ident.as_str() == "content" => {
                    if !self.check_labels(inner, &[]) {
                        ok = false;
                        continue;
                    }
                    if let Some((_, first)) = &content {
                        ok = false;
                        self.push(
                            Diagnostic::error(
                                "Extraneous dynamic content block",
                                format!(
                                    "Only one nested content block is allowed for each dynamic block; the first is at {}.",
                                    crate::span::short_range(first)
                                ),
                            )
                            .with_subject(decl_range(inner, self.file)),
                        );
                        continue;
                    }
                    let body = self.generic_body(&inner.body, &[], &[]);
                    content = Some((body, decl_range(inner, self.file)));
                }
                Structure::Block(inner) => {
                    ok = false;
                    self.unsupported_block(inner, &["content"], ATTRS);
                }
            }
        }
        if for_each.is_none() {
            ok = false;
            self.missing_argument(b, "for_each");
        }
        if content.is_none() {
            ok = false;
            self.push(
                Diagnostic::error(
                    "Missing dynamic content block",
                    "A dynamic block must have a nested block of type \"content\" to describe the body of each generated block.",
                )
                .with_subject(open_brace_range(b, self.file)),
            );
        }
        if !ok {
            return None;
        }
        Some(DynamicBlock {
            ty,
            for_each: for_each?,
            iterator,
            labels,
            content: content?.0,
            range: self.range(b),
        })
    }

    /// The expressions of a `[a, b]` list of references (`depends_on`, `replace_triggered_by`):
    /// each must be a plain reference; anything else is "Invalid expression".
    pub fn traversal_list(&mut self, a: &HclAttribute, what: &str) -> Vec<Expr> {
        let Expression::Array(items) = &a.value else {
            self.push(
                Diagnostic::error(
                    "Invalid expression",
                    format!("A static list expression is required for {what}."),
                )
                .with_subject(self.range(&a.value)),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items.iter() {
            if is_static_traversal(item) {
                out.push(self.expr(item));
            } else {
                self.push(
                    Diagnostic::error(
                        "Invalid expression",
                        "A single static variable reference is required: only attribute access and indexing with constant keys. No calculations, function calls, template expressions, etc are allowed here.",
                    )
                    .with_subject(self.range(item)),
                );
            }
        }
        out
    }

    /// `name.alias` or `name` as a provider configuration key; `None` (after a diagnostic) when
    /// the expression is not of that shape.
    pub fn provider_ref(&mut self, e: &Expression, arg: &str) -> Option<String> {
        match traversal_names(e) {
            Some(names) if (1..=2).contains(&names.len()) => Some(names.join(".")),
            _ => {
                let detail = if matches!(e, Expression::String(_) | Expression::StringTemplate(_)) {
                    "A provider configuration reference must not be given in quotes.".to_string()
                } else {
                    format!("The {arg} argument requires a provider type name, optionally followed by a period and then a configuration alias.")
                };
                self.push(
                    Diagnostic::error("Invalid provider configuration reference", detail)
                        .with_subject(self.range(e)),
                );
                None
            }
        }
    }
}

/// Whether `e` is a reference made only of names and constant keys (`a.b["k"][0]`).
pub(crate) fn is_static_traversal(e: &Expression) -> bool {
    use hcl_edit::expr::TraversalOperator as Op;
    match e {
        Expression::Variable(_) => true,
        Expression::Traversal(t) => {
            matches!(t.expr, Expression::Variable(_))
                && t.operators.iter().all(|op| match op.value() {
                    Op::GetAttr(_) | Op::LegacyIndex(_) => true,
                    // `count.index` and `each.key` name this instance's counterpart
                    // (`replace_triggered_by = [null_resource.a[count.index]]`).
                    Op::Index(i) => {
                        matches!(i, Expression::Number(_) | Expression::String(_))
                            || is_instance_key(i)
                    }
                    _ => false,
                })
        }
        _ => false,
    }
}

/// `count.index` or `each.key`.
fn is_instance_key(e: &Expression) -> bool {
    use hcl_edit::expr::TraversalOperator as Op;
    let Expression::Traversal(t) = e else {
        return false;
    };
    let Expression::Variable(root) = &t.expr else {
        return false;
    };
    let attr = match t.operators.as_slice() {
        [op] => match op.value() {
            Op::GetAttr(a) => a.as_str().to_string(),
            _ => return false,
        },
        _ => return false,
    };
    matches!(
        (root.as_str(), attr.as_str()),
        ("count", "index") | ("each", "key")
    )
}

/// The names of a traversal made only of attribute steps (`aws.west` → `["aws", "west"]`).
pub(crate) fn traversal_names(e: &Expression) -> Option<Vec<String>> {
    use hcl_edit::expr::TraversalOperator as Op;
    match e {
        Expression::Variable(v) => Some(vec![v.as_str().to_string()]),
        // `null` is a keyword in expressions but also the null provider's name (`null.second`).
        Expression::Null(_) => Some(vec!["null".to_string()]),
        Expression::Traversal(t) => {
            let root = match &t.expr {
                Expression::Variable(root) => root.as_str().to_string(),
                Expression::Null(_) => "null".to_string(),
                _ => return None,
            };
            let mut names = vec![root];
            for op in &t.operators {
                match op.value() {
                    Op::GetAttr(id) => names.push(id.as_str().to_string()),
                    _ => return None,
                }
            }
            Some(names)
        }
        _ => None,
    }
}

/// Whether `name` is a valid Terraform identifier (letters, digits, `_` and `-`, not starting
/// with a digit or dash).
pub(crate) fn valid_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_alphabetic() || c == '_' => {}
        _ => return false,
    }
    chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

pub(crate) const BAD_IDENTIFIER_DETAIL: &str =
    "A name must start with a letter or underscore and may contain only letters, digits, underscores, and dashes.";
