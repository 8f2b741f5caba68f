//! The configuration model: what a module declares, with source ranges, expressions unevaluated.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use hcl_edit::expr::Expression;
use hcl_edit::Span;
use infra_core::{LineIndex, SourceRange};
use infra_lang::typeexpr::TypeSpec;

/// An unevaluated expression and the file it came from.
#[derive(Clone, Debug)]
pub struct Expr {
    pub expr: Expression,
    pub file: Arc<LineIndex>,
}

impl Expr {
    /// The expression's source range.
    pub fn range(&self) -> SourceRange {
        self.file.range(self.expr.span().unwrap_or(0..0))
    }
}

/// A loaded module tree: the root module and the modules it calls, by call name.
#[derive(Clone, Debug)]
pub struct Config {
    pub module: Module,
    /// Child modules by the name of the `module` block that calls them.
    pub children: BTreeMap<String, Config>,
    /// The module's path from the root (`[]` for the root, `["network"]` for `module.network`).
    pub path: Vec<String>,
}

/// One module directory.
#[derive(Clone, Debug, Default)]
pub struct Module {
    pub dir: PathBuf,
    /// Every source file read, in load order (for rendering diagnostics).
    pub files: Vec<Arc<LineIndex>>,
    pub terraform: TerraformSettings,
    pub providers: Vec<ProviderConfig>,
    pub variables: BTreeMap<String, Variable>,
    pub locals: BTreeMap<String, Local>,
    pub outputs: BTreeMap<String, Output>,
    /// Managed resources and data sources by address within the module (`aws_vpc.main`,
    /// `data.aws_ami.ubuntu`). Boxed: a `Resource` is ~750 bytes, and a map node keeps room for
    /// eleven entries whether it holds them or not.
    pub resources: BTreeMap<String, Box<Resource>>,
    pub module_calls: BTreeMap<String, ModuleCall>,
    pub moved: Vec<Moved>,
}

/// The `terraform` block(s).
#[derive(Clone, Debug, Default)]
pub struct TerraformSettings {
    pub required_version: Option<String>,
    pub required_providers: BTreeMap<String, ProviderRequirement>,
    pub backend: Option<Backend>,
    pub experiments: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct ProviderRequirement {
    pub name: String,
    /// `hashicorp/aws` form; defaults to `hashicorp/<name>` when not given.
    pub source: String,
    pub version: Option<String>,
    /// `configuration_aliases = [aws.west]`: the aliased configurations (`aws.west`) a module
    /// expects its caller to pass in.
    pub configuration_aliases: Vec<String>,
    pub range: SourceRange,
}

#[derive(Clone, Debug)]
pub struct Backend {
    pub kind: String,
    pub config: Body,
    pub range: SourceRange,
}

/// A `provider` block.
#[derive(Clone, Debug)]
pub struct ProviderConfig {
    pub name: String,
    pub alias: Option<String>,
    pub config: Body,
    pub range: SourceRange,
    /// The block header (`provider "aws"`), for diagnostics.
    pub decl_range: SourceRange,
}

impl ProviderConfig {
    /// `aws` or `aws.west`.
    pub fn key(&self) -> String {
        match &self.alias {
            Some(a) => format!("{}.{a}", self.name),
            None => self.name.clone(),
        }
    }
}

/// A `variable` block.
#[derive(Clone, Debug)]
pub struct Variable {
    pub name: String,
    pub ty: TypeSpec,
    /// The type constraint as written, when there is one.
    pub type_expr: Option<Expr>,
    pub default: Option<Expr>,
    pub description: Option<String>,
    pub sensitive: bool,
    pub nullable: bool,
    pub validations: Vec<Check>,
    /// The whole block.
    pub range: SourceRange,
    /// The block header (`variable "name"`): where diagnostics about the variable point, and what
    /// Terraform's "declared at main.tf:1,1-16" texts name.
    pub decl_range: SourceRange,
}

/// A `validation`, `precondition` or `postcondition` block.
#[derive(Clone, Debug)]
pub struct Check {
    pub condition: Expr,
    pub error_message: Expr,
    /// The whole block.
    pub range: SourceRange,
    /// The block header (`validation`, `precondition`), as in "checked by the validation rule at …".
    pub decl_range: SourceRange,
}

/// One entry of a `locals` block.
#[derive(Clone, Debug)]
pub struct Local {
    pub name: String,
    pub expr: Expr,
    pub range: SourceRange,
}

/// An `output` block.
#[derive(Clone, Debug)]
pub struct Output {
    pub name: String,
    pub value: Expr,
    pub description: Option<String>,
    pub sensitive: bool,
    pub depends_on: Vec<Expr>,
    pub preconditions: Vec<Check>,
    /// The whole block.
    pub range: SourceRange,
    /// The block header (`output "name"`).
    pub decl_range: SourceRange,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceMode {
    Managed,
    Data,
}

/// A `resource` or `data` block.
#[derive(Clone, Debug)]
pub struct Resource {
    pub mode: ResourceMode,
    pub ty: String,
    pub name: String,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    pub depends_on: Vec<Expr>,
    /// `provider = aws.west`: the provider config key (`aws.west`).
    pub provider: Option<(String, SourceRange)>,
    pub lifecycle: Lifecycle,
    /// Arguments and nested blocks (without the meta-arguments above).
    pub body: Body,
    /// The whole block.
    pub range: SourceRange,
    /// The block header (`resource "a" "b"`), for diagnostics.
    pub decl_range: SourceRange,
}

impl Resource {
    /// `aws_vpc.main` or `data.aws_ami.ubuntu`.
    pub fn address(&self) -> String {
        match self.mode {
            ResourceMode::Managed => format!("{}.{}", self.ty, self.name),
            ResourceMode::Data => format!("data.{}.{}", self.ty, self.name),
        }
    }
    /// The provider this resource uses: its `provider` argument, or the type's prefix (`aws`).
    pub fn provider_key(&self) -> String {
        match &self.provider {
            Some((p, _)) => p.clone(),
            None => self.ty.split('_').next().unwrap_or(&self.ty).to_string(),
        }
    }
}

/// A `lifecycle` block.
#[derive(Clone, Debug, Default)]
pub struct Lifecycle {
    pub create_before_destroy: bool,
    pub prevent_destroy: bool,
    pub ignore_changes: IgnoreChanges,
    pub replace_triggered_by: Vec<Expr>,
    pub preconditions: Vec<Check>,
    pub postconditions: Vec<Check>,
}

#[derive(Clone, Debug, Default)]
pub enum IgnoreChanges {
    #[default]
    None,
    /// `ignore_changes = all`.
    All,
    /// Attribute paths, as written (`tags`, `tags["Name"]`).
    Paths(Vec<Expr>),
}

/// A `module` block.
#[derive(Clone, Debug)]
pub struct ModuleCall {
    pub name: String,
    pub source: String,
    pub source_range: SourceRange,
    pub version: Option<String>,
    pub count: Option<Expr>,
    pub for_each: Option<Expr>,
    /// `providers = { aws = aws.west }`: child provider key → parent provider key.
    pub providers: Vec<(String, String)>,
    pub depends_on: Vec<Expr>,
    /// Input variable arguments.
    pub args: BTreeMap<String, Attribute>,
    /// The whole block.
    pub range: SourceRange,
    /// The block header (`module "name"`).
    pub decl_range: SourceRange,
}

/// A `moved` block.
#[derive(Clone, Debug)]
pub struct Moved {
    pub from: Expr,
    pub to: Expr,
    pub range: SourceRange,
}

/// An argument `name = expr`.
#[derive(Clone, Debug)]
pub struct Attribute {
    pub name: String,
    pub expr: Expr,
    /// The whole `name = expr` line(s).
    pub range: SourceRange,
    pub name_range: SourceRange,
}

/// The contents of a block: arguments, nested blocks and `dynamic` blocks, in source order.
#[derive(Clone, Debug, Default)]
pub struct Body {
    pub attributes: AttrMap,
    pub blocks: Vec<Block>,
    pub dynamic_blocks: Vec<DynamicBlock>,
}

/// A nested block.
#[derive(Clone, Debug)]
pub struct Block {
    pub ty: String,
    pub labels: Vec<String>,
    pub body: Body,
    pub range: SourceRange,
}

/// A `dynamic "name" { for_each = …, iterator = …, labels = […], content { … } }` block.
#[derive(Clone, Debug)]
pub struct DynamicBlock {
    /// The type of the blocks it generates.
    pub ty: String,
    pub for_each: Expr,
    /// The iterator name (defaults to the block type).
    pub iterator: String,
    pub labels: Vec<Expr>,
    pub content: Body,
    pub range: SourceRange,
}

/// A body's arguments by name: a vector sorted by name, since bodies hold few arguments (most
/// one or two) and a `BTreeMap` allocates a node of eleven entries for even one (about 3 KiB per
/// resource body, most of a configuration's memory).
#[derive(Clone, Debug, Default)]
pub struct AttrMap(Vec<Attribute>);

impl AttrMap {
    pub fn new() -> AttrMap {
        AttrMap(Vec::new())
    }
    fn find(&self, name: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|a| a.name.as_str().cmp(name))
    }
    /// Adds or replaces the argument `name` (`a.name` is set to it); returns the replaced one.
    pub fn insert(&mut self, name: String, mut a: Attribute) -> Option<Attribute> {
        match self.find(&name) {
            Ok(i) => {
                a.name = name;
                Some(std::mem::replace(&mut self.0[i], a))
            }
            Err(i) => {
                a.name = name;
                // Exactly one more slot: a body lives as long as the configuration, and `Vec`'s
                // growth would give a one-argument body room for four 288-byte attributes.
                self.0.reserve_exact(1);
                self.0.insert(i, a);
                None
            }
        }
    }
    pub fn get(&self, name: &str) -> Option<&Attribute> {
        self.find(name).ok().map(|i| &self.0[i])
    }
    pub fn contains_key(&self, name: &str) -> bool {
        self.find(name).is_ok()
    }
    pub fn remove(&mut self, name: &str) -> Option<Attribute> {
        self.find(name).ok().map(|i| self.0.remove(i))
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    /// The arguments with their names, in name order.
    pub fn iter(
        &self,
    ) -> impl DoubleEndedIterator<Item = (&String, &Attribute)> + ExactSizeIterator {
        self.0.iter().map(|a| (&a.name, a))
    }
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> + ExactSizeIterator {
        self.0.iter().map(|a| &a.name)
    }
    pub fn values(&self) -> std::slice::Iter<'_, Attribute> {
        self.0.iter()
    }
}

impl<'a> IntoIterator for &'a AttrMap {
    type Item = (&'a String, &'a Attribute);
    type IntoIter =
        std::iter::Map<std::slice::Iter<'a, Attribute>, fn(&Attribute) -> (&String, &Attribute)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|a| (&a.name, a))
    }
}

impl IntoIterator for AttrMap {
    type Item = (String, Attribute);
    type IntoIter =
        std::iter::Map<std::vec::IntoIter<Attribute>, fn(Attribute) -> (String, Attribute)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter().map(|a| (a.name.clone(), a))
    }
}

impl Extend<(String, Attribute)> for AttrMap {
    fn extend<I: IntoIterator<Item = (String, Attribute)>>(&mut self, iter: I) {
        for (k, a) in iter {
            self.insert(k, a);
        }
    }
}

impl FromIterator<(String, Attribute)> for AttrMap {
    fn from_iter<I: IntoIterator<Item = (String, Attribute)>>(iter: I) -> AttrMap {
        let mut m = AttrMap::new();
        m.extend(iter);
        m
    }
}
