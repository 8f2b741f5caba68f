//! `infra console [DIR]`: evaluate expressions from standard input in the context of a module
//! (its variables, locals and paths; resources are unknown until applied) and print each result
//! the way `terraform console` does.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use infra_config::{collect_variable_values, load_module, Module, VarSource};
use infra_core::{Diagnostics, Type, Value};
use infra_lang::{EvalContext, FuncContext, Functions, Scope, ScopeError, Step};

use crate::args::ConsoleArgs;
use crate::render::{render_all, Sources};

pub fn run(a: ConsoleArgs) -> u8 {
    let dir = PathBuf::from(a.dir.as_deref().unwrap_or("."));
    let (module, mut diags) = load_module(&dir);
    let mut cli = Vec::new();
    for v in &a.vars {
        cli.push(VarSource::Var(v.clone()));
    }
    for f in &a.var_files {
        cli.push(VarSource::File(PathBuf::from(f)));
    }
    let env: BTreeMap<String, String> = std::env::vars().collect();
    let (vars, vdiags) = collect_variable_values(&module, &cli, &env);
    diags.extend(vdiags);
    let mut sources = Sources::default();
    sources.extend(&module.files);
    let color = super::stderr_color(false);
    if diags.has_errors() {
        eprint!("{}", render_all(&diags, &sources, color));
        return 1;
    }
    let functions = Functions::standard();
    let fctx = FuncContext::default();
    let scope = ModuleScope::new(&module, vars, &dir, &a.env, &functions, &fctx);
    let interactive = std::io::stdin().is_terminal();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let mut status = 0;
    let mut pending = String::new();
    loop {
        if interactive {
            eprint!("{}", if pending.is_empty() { "> " } else { ". " });
            let _ = std::io::stderr().flush();
        }
        let Some(Ok(line)) = lines.next() else { break };
        if pending.is_empty() && matches!(line.trim(), "exit" | "quit") {
            break;
        }
        pending.push_str(&line);
        pending.push('\n');
        if !balanced(&pending) {
            continue;
        }
        let src = std::mem::take(&mut pending);
        if src.trim().is_empty() {
            continue;
        }
        match infra_lang::eval_source(src.trim_end(), "<console-input>", &scope, &functions, &fctx)
        {
            Ok(v) => println!("{}", infra_lang::display::console_format(&v)),
            Err(d) => {
                let mut s = Sources::default();
                s.add(std::sync::Arc::new(infra_core::LineIndex::new(
                    "<console-input>",
                    src.trim_end(),
                )));
                eprint!("{}", render_all(&Diagnostics::from(*d), &s, color));
                status = 1;
            }
        }
    }
    if !pending.trim().is_empty() {
        eprintln!(
            "Error: Incomplete expression\n\nThe input ended before the expression was complete."
        );
        status = 1;
    }
    status
}

/// Whether brackets and heredocs in `src` are closed, so the expression may be complete.
fn balanced(src: &str) -> bool {
    let mut depth: i64 = 0;
    let mut in_str = false;
    let mut escaped = false;
    for c in src.chars() {
        if in_str {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_str = true,
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
    }
    if let Some(pos) = src.find("<<") {
        let rest = &src[pos + 2..];
        let marker: String = rest
            .trim_start_matches('-')
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !marker.is_empty() && !src.lines().skip(1).any(|l| l.trim() == marker) {
            return false;
        }
    }
    depth <= 0
}

/// Resolves references for the console: variables from their values, locals evaluated on first
/// use, paths and the workspace; resources, data sources and module outputs are unknown.
struct ModuleScope<'a> {
    module: &'a Module,
    vars: BTreeMap<String, Value>,
    path: Value,
    terraform: Value,
    functions: &'a Functions,
    fctx: &'a FuncContext,
    /// Evaluated locals; `None` while one is being evaluated (to catch cycles).
    locals: RefCell<HashMap<String, Option<Value>>>,
}

impl<'a> ModuleScope<'a> {
    fn new(
        module: &'a Module,
        vars: BTreeMap<String, Value>,
        dir: &Path,
        workspace: &str,
        functions: &'a Functions,
        fctx: &'a FuncContext,
    ) -> ModuleScope<'a> {
        let cwd = std::env::current_dir().unwrap_or_default();
        let module_path = dir.to_string_lossy().to_string();
        let path = Value::Object(infra_core::ValueMap::from([
            ("module".to_string(), Value::string(module_path.clone())),
            ("root".to_string(), Value::string(module_path)),
            ("cwd".to_string(), Value::string(cwd.to_string_lossy())),
        ]));
        let terraform = Value::Object(infra_core::ValueMap::from([(
            "workspace".to_string(),
            Value::string(workspace),
        )]));
        ModuleScope {
            module,
            vars,
            path,
            terraform,
            functions,
            fctx,
            locals: RefCell::new(HashMap::new()),
        }
    }

    fn local(&self, name: &str) -> Result<Value, ScopeError> {
        if let Some(v) = self.locals.borrow().get(name) {
            return v.clone().ok_or_else(|| {
                ScopeError::new(
                    "Cycle in local values",
                    format!(
                        "The local value \"{name}\" refers to itself through other local values."
                    ),
                )
            });
        }
        let Some(local) = self.module.locals.get(name) else {
            let hint = infra_lang::suggest::did_you_mean(
                name,
                self.module.locals.keys().map(String::as_str),
            )
            .map(|s| format!(" Did you mean \"local.{s}\"?"))
            .unwrap_or_default();
            return Err(ScopeError::new(
                "Reference to undeclared local value",
                format!("A local value with the name \"{name}\" has not been declared.{hint}"),
            ));
        };
        self.locals.borrow_mut().insert(name.to_string(), None);
        let mut ctx = EvalContext::new(self, self.functions, self.fctx, &local.expr.file);
        let v = ctx
            .eval(&local.expr.expr)
            .map_err(|d| ScopeError::new(d.summary.clone(), d.detail.clone()));
        let stored = v.clone().unwrap_or_else(|_| Value::unknown());
        self.locals
            .borrow_mut()
            .insert(name.to_string(), Some(stored));
        v
    }
}

impl Scope for ModuleScope<'_> {
    fn resolve(&self, root: &str, steps: &[Step]) -> Result<(Value, usize), ScopeError> {
        let first = match steps.first() {
            Some(Step::Attr(a)) => Some(a.as_str()),
            _ => None,
        };
        match (root, first) {
            ("var", Some(name)) => match self.vars.get(name) {
                Some(v) => Ok((v.clone(), 1)),
                None => {
                    let hint = infra_lang::suggest::did_you_mean(name, self.module.variables.keys().map(String::as_str))
                        .map(|s| format!(" Did you mean \"var.{s}\"?"))
                        .unwrap_or_default();
                    Err(ScopeError::new(
                        "Reference to undeclared input variable",
                        format!("An input variable with the name \"{name}\" has not been declared.{hint}"),
                    ))
                }
            },
            ("local", Some(name)) => Ok((self.local(name)?, 1)),
            ("path", _) => Ok((self.path.clone(), 0)),
            ("terraform", _) => Ok((self.terraform.clone(), 0)),
            ("module", Some(name)) if self.module.module_calls.contains_key(name) => Ok((Value::unknown(), 1)),
            ("data", _) => Ok((Value::unknown(), steps.len())),
            ("var" | "local" | "module", None) => Err(ScopeError::new(
                "Invalid reference",
                format!("The \"{root}\" object cannot be accessed directly. Instead, access one of its attributes."),
            )),
            (ty, Some(name)) if self.module.resources.contains_key(&format!("{ty}.{name}")) => {
                Ok((Value::Unknown(Type::Dynamic), 1))
            }
            _ => Err(ScopeError::new(
                "Reference to undeclared resource",
                format!("A managed resource \"{root}\" \"{}\" has not been declared in the root module.", first.unwrap_or("")),
            )),
        }
    }
}
