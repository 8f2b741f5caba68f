//! The built-in function library and the machinery every call goes through.
//!
//! The machinery does what cty's function package does for every function, so that the
//! implementations stay simple: it checks the argument count, rejects nulls where a parameter does
//! not allow them, converts each argument to its parameter's type, returns an unknown result when
//! an argument is not wholly known (unless the parameter opts in to unknowns), and strips the
//! sensitive mark from arguments and puts it back on the result (unless the parameter opts in).
//!
//! Functions that need the evaluator itself (`try`, `can`, `templatefile`) are handled by the
//! evaluator, not registered here.

use std::collections::HashMap;
use std::path::PathBuf;

use infra_core::convert::convert;
use infra_core::{Type, Value};

mod cidr;
mod collection;
mod conversion;
mod crypto;
mod datetime;
mod encoding;
mod filesystem;
mod format;
mod numeric;
mod regex_fns;
mod rsa_fns;
mod string;

/// What a function may know about the world it runs in.
#[derive(Clone, Debug)]
pub struct FuncContext {
    /// The directory relative file paths are resolved against (Terraform uses the working directory).
    pub cwd: PathBuf,
    /// When true, impure functions (`timestamp`, `uuid`, `bcrypt`) return unknown values, as
    /// Terraform does during validation.
    pub impure_unknown: bool,
    /// The fixed time `plantimestamp()` returns, RFC 3339 in UTC.
    pub plan_timestamp: String,
}

impl Default for FuncContext {
    fn default() -> FuncContext {
        FuncContext {
            cwd: std::env::current_dir().unwrap_or_default(),
            impure_unknown: false,
            plan_timestamp: chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        }
    }
}

/// A parameter of a function.
#[derive(Clone, Debug)]
pub struct Param {
    pub name: &'static str,
    /// The type arguments are converted to before the call (`Type::Dynamic`: no conversion).
    pub ty: Type,
    pub allow_null: bool,
    /// The implementation handles arguments that are not wholly known itself.
    pub allow_unknown: bool,
    /// The implementation handles sensitive marks itself.
    pub allow_marked: bool,
}

impl Param {
    pub const fn new(name: &'static str, ty: Type) -> Param {
        Param {
            name,
            ty,
            allow_null: false,
            allow_unknown: false,
            allow_marked: false,
        }
    }
    pub const fn nullable(mut self) -> Param {
        self.allow_null = true;
        self
    }
    pub const fn unknowns(mut self) -> Param {
        self.allow_unknown = true;
        self
    }
    pub const fn marked(mut self) -> Param {
        self.allow_marked = true;
        self
    }
}

/// Why a call failed. `arg` names the argument at fault (0-based over all arguments, variadic ones
/// included), which makes the diagnostic "Invalid function argument" point at it; without it the
/// diagnostic is "Error in function call".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FnError {
    pub arg: Option<usize>,
    pub message: String,
}

impl FnError {
    pub fn arg(i: usize, message: impl Into<String>) -> FnError {
        FnError {
            arg: Some(i),
            message: message.into(),
        }
    }
    pub fn call(message: impl Into<String>) -> FnError {
        FnError {
            arg: None,
            message: message.into(),
        }
    }
}

pub type FnResult = Result<Value, FnError>;
/// Computes the result type from the (converted) arguments, which may be unknown.
pub type ReturnTypeFn = fn(&[Value]) -> Result<Type, FnError>;
pub type ImplFn = fn(&[Value], &FuncContext) -> FnResult;

/// A built-in function.
#[derive(Clone, Debug)]
pub struct Function {
    pub name: &'static str,
    pub params: Vec<Param>,
    pub variadic: Option<Param>,
    pub ret: ReturnTypeFn,
    pub call: ImplFn,
}

/// Returns `Type::Dynamic`: for functions whose result type is not worth computing up front.
pub fn ret_dynamic(_: &[Value]) -> Result<Type, FnError> {
    Ok(Type::Dynamic)
}
pub fn ret_string(_: &[Value]) -> Result<Type, FnError> {
    Ok(Type::String)
}
pub fn ret_number(_: &[Value]) -> Result<Type, FnError> {
    Ok(Type::Number)
}
pub fn ret_bool(_: &[Value]) -> Result<Type, FnError> {
    Ok(Type::Bool)
}

/// Why a call could not be made or failed, for the evaluator to turn into a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CallError {
    UnknownFunction,
    /// Too few arguments: the name of the first missing parameter.
    NotEnoughArgs {
        missing: &'static str,
    },
    TooManyArgs {
        max: usize,
    },
    Failed(FnError),
}

/// The registry of functions by name.
#[derive(Clone, Debug, Default)]
pub struct Functions {
    map: HashMap<&'static str, Function>,
}

impl Functions {
    /// Every built-in function of the Terraform language.
    pub fn standard() -> Functions {
        let mut f = Functions::default();
        numeric::register(&mut f);
        string::register(&mut f);
        format::register(&mut f);
        regex_fns::register(&mut f);
        collection::register(&mut f);
        encoding::register(&mut f);
        filesystem::register(&mut f);
        datetime::register(&mut f);
        crypto::register(&mut f);
        rsa_fns::register(&mut f);
        cidr::register(&mut f);
        conversion::register(&mut f);
        f
    }

    pub fn add(&mut self, f: Function) {
        self.map.insert(f.name, f);
    }

    /// Shorthand for registering a function with fixed parameters.
    pub fn def(&mut self, name: &'static str, params: Vec<Param>, ret: ReturnTypeFn, call: ImplFn) {
        self.add(Function {
            name,
            params,
            variadic: None,
            ret,
            call,
        });
    }

    /// Shorthand for registering a function with a variadic tail.
    pub fn def_variadic(
        &mut self,
        name: &'static str,
        params: Vec<Param>,
        variadic: Param,
        ret: ReturnTypeFn,
        call: ImplFn,
    ) {
        self.add(Function {
            name,
            params,
            variadic: Some(variadic),
            ret,
            call,
        });
    }

    /// Removes a function (templates may not call `templatefile`).
    pub fn remove(&mut self, name: &str) {
        self.map.remove(name);
    }

    pub fn get(&self, name: &str) -> Option<&Function> {
        self.map.get(name)
    }

    /// All function names, sorted.
    pub fn names(&self) -> Vec<&'static str> {
        let mut v: Vec<_> = self.map.keys().copied().collect();
        v.sort_unstable();
        v
    }

    /// Calls `name` with `args` through the common machinery (see the module doc).
    pub fn call(
        &self,
        name: &str,
        args: Vec<Value>,
        ctx: &FuncContext,
    ) -> Result<Value, CallError> {
        let f = self.get(name).ok_or(CallError::UnknownFunction)?;
        call_function(f, args, ctx)
    }
}

/// Runs one call of `f` through the common machinery.
pub fn call_function(
    f: &Function,
    args: Vec<Value>,
    ctx: &FuncContext,
) -> Result<Value, CallError> {
    if args.len() < f.params.len() {
        return Err(CallError::NotEnoughArgs {
            missing: f.params[args.len()].name,
        });
    }
    if f.variadic.is_none() && args.len() > f.params.len() {
        return Err(CallError::TooManyArgs {
            max: f.params.len(),
        });
    }
    let mut sensitive = false;
    let mut unknown = false;
    let mut converted = Vec::with_capacity(args.len());
    for (i, arg) in args.into_iter().enumerate() {
        let p = f
            .params
            .get(i)
            .or(f.variadic.as_ref())
            .expect("arity checked");
        let arg = if p.allow_marked {
            arg
        } else {
            let (v, marked) = arg.unmark_deep();
            sensitive |= marked;
            v
        };
        if arg.is_null() && !p.allow_null {
            return Err(CallError::Failed(FnError::arg(
                i,
                format!(
                    "Invalid value for \"{}\" parameter: argument must not be null.",
                    p.name
                ),
            )));
        }
        // Conversion to `any` is the identity: skip the copy it would make.
        let arg = if p.ty == Type::Dynamic {
            arg
        } else {
            convert(&arg, &p.ty).map_err(|e| {
                CallError::Failed(FnError::arg(
                    i,
                    format!("Invalid value for \"{}\" parameter: {e}.", p.name),
                ))
            })?
        };
        if !p.allow_unknown && !arg.is_wholly_known() {
            unknown = true;
        }
        converted.push(arg);
    }
    if unknown {
        let ty = (f.ret)(&converted).map_err(CallError::Failed)?;
        return Ok(Value::Unknown(ty).mark_if(sensitive));
    }
    let out = (f.call)(&converted, ctx).map_err(CallError::Failed)?;
    Ok(out.mark_if(sensitive))
}

#[cfg(test)]
mod coverage {
    use super::Functions;

    /// Terraform 1.0's built-in functions (its documentation's list), plus the later additions
    /// current modules use. `try`, `can` and `templatefile` are evaluated by the evaluator.
    const TERRAFORM_1_0: &[&str] = &[
        "abs",
        "ceil",
        "floor",
        "log",
        "max",
        "min",
        "parseint",
        "pow",
        "signum",
        "chomp",
        "format",
        "formatlist",
        "indent",
        "join",
        "lower",
        "regex",
        "regexall",
        "replace",
        "split",
        "strrev",
        "substr",
        "title",
        "trim",
        "trimprefix",
        "trimsuffix",
        "trimspace",
        "upper",
        "alltrue",
        "anytrue",
        "chunklist",
        "coalesce",
        "coalescelist",
        "compact",
        "concat",
        "contains",
        "distinct",
        "element",
        "flatten",
        "index",
        "keys",
        "length",
        "lookup",
        "matchkeys",
        "merge",
        "one",
        "range",
        "reverse",
        "setintersection",
        "setproduct",
        "setsubtract",
        "setunion",
        "slice",
        "sort",
        "sum",
        "transpose",
        "values",
        "zipmap",
        "base64decode",
        "base64encode",
        "base64gzip",
        "csvdecode",
        "jsondecode",
        "jsonencode",
        "textdecodebase64",
        "textencodebase64",
        "urlencode",
        "yamldecode",
        "yamlencode",
        "abspath",
        "dirname",
        "pathexpand",
        "basename",
        "file",
        "fileexists",
        "fileset",
        "filebase64",
        "formatdate",
        "timeadd",
        "timestamp",
        "base64sha256",
        "base64sha512",
        "bcrypt",
        "filebase64sha256",
        "filebase64sha512",
        "filemd5",
        "filesha1",
        "filesha256",
        "filesha512",
        "md5",
        "rsadecrypt",
        "sha1",
        "sha256",
        "sha512",
        "uuid",
        "uuidv5",
        "cidrhost",
        "cidrnetmask",
        "cidrsubnet",
        "cidrsubnets",
        "nonsensitive",
        "sensitive",
        "tobool",
        "tolist",
        "tomap",
        "tonumber",
        "toset",
        "tostring",
    ];
    const LATER: &[&str] = &[
        "startswith",
        "endswith",
        "strcontains",
        "timecmp",
        "plantimestamp",
    ];

    #[test]
    fn every_terraform_function_is_registered() {
        let f = Functions::standard();
        let missing: Vec<&&str> = TERRAFORM_1_0
            .iter()
            .chain(LATER)
            .filter(|n| f.get(n).is_none())
            .collect();
        println!("functions registered: {}, Terraform 1.0 list: {} (+3 evaluated: try, can, templatefile)", f.names().len(), TERRAFORM_1_0.len());
        assert!(missing.is_empty(), "not implemented: {missing:?}");
    }
}
