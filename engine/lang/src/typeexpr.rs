//! Type constraints as written in `variable` blocks: `string`, `list(object({a = number}))`,
//! `optional(type, default)` attributes, and the deprecated quoted forms (`"string"`).

use std::collections::{BTreeMap, BTreeSet};

use hcl_edit::expr::{Expression, ObjectKey};
use hcl_edit::Span;
use infra_core::convert::{convert, ConvertError};
use infra_core::{Diagnostic, LineIndex, Type, Value};

use crate::eval::{EvalContext, MapScope};
use crate::funcs::{FuncContext, Functions};

/// Default values of optional object attributes, nested as the type is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Defaults {
    /// Defaults of this object's own optional attributes.
    pub attrs: BTreeMap<String, Value>,
    /// Defaults inside attributes that are themselves (collections of) objects.
    pub children: BTreeMap<String, Defaults>,
    /// Defaults for the elements of a collection.
    pub element: Option<Box<Defaults>>,
}

impl Defaults {
    fn is_empty(&self) -> bool {
        self.attrs.is_empty() && self.children.is_empty() && self.element.is_none()
    }
}

/// A parsed type constraint.
#[derive(Clone, Debug, PartialEq)]
pub struct TypeSpec {
    pub ty: Type,
    pub defaults: Defaults,
}

impl TypeSpec {
    pub fn any() -> TypeSpec {
        TypeSpec {
            ty: Type::Dynamic,
            defaults: Defaults::default(),
        }
    }

    /// Converts a value to this type and fills in defaults of optional attributes.
    pub fn convert(&self, v: &Value) -> Result<Value, ConvertError> {
        let v = convert(v, &self.ty)?;
        Ok(apply_defaults(v, &self.ty, &self.defaults))
    }
}

fn apply_defaults(v: Value, ty: &Type, d: &Defaults) -> Value {
    if d.is_empty() {
        return v;
    }
    match (v, ty) {
        (Value::Sensitive(inner), _) => apply_defaults(*inner, ty, d).mark_sensitive(),
        (Value::Object(mut m), Type::Object(attrs, _)) => {
            for (k, dv) in &d.attrs {
                if m.get(k).is_none_or(Value::is_null) {
                    let at = attrs.get(k).cloned().unwrap_or(Type::Dynamic);
                    let filled = convert(dv, &at).unwrap_or_else(|_| dv.clone());
                    m.insert(k.clone(), filled);
                }
            }
            for (k, cd) in &d.children {
                if let (Some(child), Some(ct)) = (m.remove(k), attrs.get(k)) {
                    m.insert(k.clone(), apply_defaults(child, ct, cd));
                }
            }
            Value::Object(m)
        }
        (Value::List(et, items), Type::List(t)) => match &d.element {
            Some(ed) => Value::List(
                et,
                items
                    .into_iter()
                    .map(|x| apply_defaults(x, t, ed))
                    .collect(),
            ),
            None => Value::List(et, items),
        },
        (Value::Set(et, items), Type::Set(t)) => match &d.element {
            Some(ed) => Value::set(
                et,
                items
                    .into_iter()
                    .map(|x| apply_defaults(x, t, ed))
                    .collect(),
            ),
            None => Value::Set(et, items),
        },
        (Value::Map(et, m), Type::Map(t)) => match &d.element {
            Some(ed) => Value::Map(
                et,
                m.into_iter()
                    .map(|(k, x)| (k, apply_defaults(x, t, ed)))
                    .collect(),
            ),
            None => Value::Map(et, m),
        },
        (v, _) => v,
    }
}

/// Parses a type constraint expression. Quoted legacy forms give a warning alongside the result.
pub fn parse_type(
    expr: &Expression,
    file: &LineIndex,
) -> Result<(TypeSpec, Option<Diagnostic>), Box<Diagnostic>> {
    if let Expression::String(s) = expr {
        let ty = match s.value().as_str() {
            "string" => Type::String,
            "list" => Type::list(Type::Dynamic),
            "map" => Type::map(Type::Dynamic),
            other => {
                return Err(invalid(
                    expr,
                    file,
                    format!("A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string); {other:?} is neither."),
                ))
            }
        };
        let warn = Diagnostic::warning(
            "Quoted type constraints are deprecated",
            format!("Terraform 0.11 and earlier required type constraints to be given in quotes, but that form is now deprecated. Remove the quotes around {:?} to silence this warning.", s.value().as_str()),
        )
        .with_subject(file.range(expr.span().unwrap_or(0..0)));
        return Ok((
            TypeSpec {
                ty,
                defaults: Defaults::default(),
            },
            Some(warn),
        ));
    }
    Ok((parse(expr, file, false)?, None))
}

fn invalid(expr: &Expression, file: &LineIndex, detail: impl Into<String>) -> Box<Diagnostic> {
    Box::new(
        Diagnostic::error("Invalid type specification", detail)
            .with_subject(file.range(expr.span().unwrap_or(0..0))),
    )
}

fn parse(
    expr: &Expression,
    file: &LineIndex,
    in_object: bool,
) -> Result<TypeSpec, Box<Diagnostic>> {
    let plain = |ty| {
        Ok(TypeSpec {
            ty,
            defaults: Defaults::default(),
        })
    };
    match expr {
        Expression::Variable(v) => match v.value().as_str() {
            "string" => plain(Type::String),
            "number" => plain(Type::Number),
            "bool" => plain(Type::Bool),
            "any" => plain(Type::Dynamic),
            "list" | "set" | "map" | "object" | "tuple" => Err(invalid(
                expr,
                file,
                format!("The {} type constructor requires one argument specifying the element type.", v.value().as_str()),
            )),
            other => Err(invalid(expr, file, format!("The keyword {other:?} is not a valid type specification."))),
        },
        Expression::Parenthesis(p) => parse(p.inner(), file, in_object),
        Expression::FuncCall(f) => {
            let name = f.name.name.value().as_str();
            let args: Vec<&Expression> = f.args.iter().collect();
            let one = |what: &str| -> Result<&Expression, Box<Diagnostic>> {
                if args.len() == 1 {
                    Ok(args[0])
                } else {
                    Err(invalid(expr, file, format!("The {what} type constructor requires one argument specifying the element type.")))
                }
            };
            match name {
                "list" | "set" | "map" => {
                    let inner = parse(one(name)?, file, false)?;
                    let ty = match name {
                        "list" => Type::list(inner.ty),
                        "set" => Type::set(inner.ty),
                        _ => Type::map(inner.ty),
                    };
                    let defaults = Defaults {
                        element: (!inner.defaults.is_empty()).then(|| Box::new(inner.defaults)),
                        ..Defaults::default()
                    };
                    Ok(TypeSpec { ty, defaults })
                }
                "tuple" => {
                    let arg = one("tuple")?;
                    let Expression::Array(a) = arg else {
                        return Err(invalid(arg, file, "The tuple type constructor requires a list of element types."));
                    };
                    let mut elems = Vec::new();
                    for e in a.iter() {
                        elems.push(parse(e, file, false)?.ty);
                    }
                    plain(Type::Tuple(elems))
                }
                "object" => {
                    let arg = one("object")?;
                    let Expression::Object(o) = arg else {
                        return Err(invalid(arg, file, "The object type constructor requires one argument specifying the attribute types as a map."));
                    };
                    let mut attrs = BTreeMap::new();
                    let mut optional = BTreeSet::new();
                    let mut defaults = Defaults::default();
                    for (k, v) in o.iter() {
                        let key = match k {
                            ObjectKey::Ident(id) => id.value().as_str().to_string(),
                            ObjectKey::Expression(Expression::Variable(id)) => id.value().as_str().to_string(),
                            ObjectKey::Expression(Expression::String(s)) => s.value().to_string(),
                            ObjectKey::Expression(e) => {
                                return Err(invalid(e, file, "Object constructor map keys must be attribute names."))
                            }
                        };
                        let (spec, is_opt, default) = parse_attr(v.expr(), file)?;
                        if is_opt {
                            optional.insert(key.clone());
                        }
                        if let Some(d) = default {
                            defaults.attrs.insert(key.clone(), d);
                        }
                        if !spec.defaults.is_empty() {
                            defaults.children.insert(key.clone(), spec.defaults);
                        }
                        attrs.insert(key, spec.ty);
                    }
                    Ok(TypeSpec { ty: Type::Object(Box::new(attrs), Box::new(optional)), defaults })
                }
                "optional" => Err(invalid(
                    expr,
                    file,
                    if in_object {
                        "Invalid use of optional()."
                    } else {
                        "Keyword \"optional\" is valid only as a modifier for object type attributes."
                    },
                )),
                other => Err(invalid(expr, file, format!("Keyword {other:?} is not a valid type constructor."))),
            }
        }
        _ => Err(invalid(
            expr,
            file,
            "A type specification is either a primitive type keyword (bool, number, string) or a complex type constructor call, like list(string).",
        )),
    }
}

/// An object attribute's type: plain, or `optional(type)` / `optional(type, default)`.
fn parse_attr(
    expr: &Expression,
    file: &LineIndex,
) -> Result<(TypeSpec, bool, Option<Value>), Box<Diagnostic>> {
    let Expression::FuncCall(f) = expr else {
        return Ok((parse(expr, file, true)?, false, None));
    };
    if f.name.name.value().as_str() != "optional" {
        return Ok((parse(expr, file, true)?, false, None));
    }
    let args: Vec<&Expression> = f.args.iter().collect();
    if args.is_empty() || args.len() > 2 {
        return Err(invalid(expr, file, "Optional attribute modifier expects one or two arguments: the attribute type and an optional default value."));
    }
    let spec = parse(args[0], file, true)?;
    let default = match args.get(1) {
        None => None,
        Some(d) => {
            let scope = MapScope::default();
            let functions = Functions::standard();
            let fctx = FuncContext::default();
            let mut ctx = EvalContext::new(&scope, &functions, &fctx, file);
            let v = ctx.eval(d)?;
            let v = spec.convert(&v).map_err(|e| {
                Box::new(
                    Diagnostic::error("Invalid default value for optional attribute", format!("This default value is not compatible with the attribute's type constraint: {e}."))
                        .with_subject(file.range(d.span().unwrap_or(0..0))),
                )
            })?;
            Some(v)
        }
    };
    Ok((spec, true, default))
}
