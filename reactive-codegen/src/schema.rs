//! Reading a schema: `serde_json::Value` → the type model ([`Item`], [`Ty`]), checking every
//! keyword against the supported list and naming the schema path of anything else.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::CodegenError;

/// Keywords read at any schema position. Anything else is an error.
const SUPPORTED: &[&str] = &[
    "$schema",
    "$id",
    "$comment",
    "$defs",
    "$ref",
    "title",
    "description",
    "type",
    "properties",
    "required",
    "items",
    "enum",
    "const",
    "pattern",
    "oneOf",
    "anyOf",
    "minimum",
    "maximum",
    "minLength",
    "maxLength",
    "default",
    "format",
    "additionalProperties",
    "examples",
    "readOnly",
    "writeOnly",
    "deprecated",
];

/// A Rust type a schema position maps to.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Ty {
    Bool,
    Int,
    Float,
    Str,
    /// A list, with the constraints of its items.
    Vec(Box<Ty>, Box<Checks>),
    Option(Box<Ty>),
    /// A generated struct or enum, by Rust name.
    Named(String),
}

/// Constraints the Rust type cannot express: checked by the generated `validate`.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Checks {
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    /// `const` on a string, integer, number or boolean: the one value allowed.
    pub constant: Option<Value>,
    /// `pattern` on a string (ignored on other types, as the schema says).
    pub pattern: Option<String>,
}

/// One field of a generated struct.
#[derive(Clone, Debug)]
pub(crate) struct Field {
    /// The JSON property name.
    pub json: String,
    pub ty: Ty,
    pub doc: Option<String>,
    pub checks: Checks,
    pub default: Option<Value>,
}

/// A generated type.
#[derive(Clone, Debug)]
pub(crate) enum Item {
    Struct {
        name: String,
        doc: Option<String>,
        fields: Vec<Field>,
        deny_unknown: bool,
    },
    /// A string enumeration.
    Enum {
        name: String,
        doc: Option<String>,
        values: Vec<String>,
    },
    /// `oneOf`/`anyOf`: an enum with one variant per branch, internally tagged by `tag` when
    /// every branch is an object with a required string `const` property of that name.
    Union {
        name: String,
        doc: Option<String>,
        tag: Option<String>,
        variants: Vec<Variant>,
    },
}

/// One branch of a [`Item::Union`].
#[derive(Clone, Debug)]
pub(crate) struct Variant {
    pub name: String,
    /// The tag property's value for this branch (tagged unions only).
    pub tag_value: Option<String>,
    pub ty: Ty,
    /// The branch's own constraints (for a scalar branch).
    pub checks: Checks,
}

/// Reads a whole schema document: its `$defs`, then the root as `root_name`.
pub(crate) fn read(schema: &Value, root_name: &str) -> Result<Vec<Item>, CodegenError> {
    let mut cx = Reader {
        items: BTreeMap::new(),
        defs: BTreeMap::new(),
    };
    let root = object(schema, "#")?;
    if let Some(defs) = root.get("$defs") {
        let defs = object(defs, "#/$defs")?;
        for name in defs.keys() {
            cx.defs.insert(name.clone(), pascal(name));
        }
        for (name, def) in defs {
            let path = format!("#/$defs/{name}");
            let ty = cx.ty(def, &path, &pascal(name))?;
            if !matches!(&ty, Ty::Named(n) if *n == pascal(name)) {
                return Err(CodegenError::Unsupported {
                    keyword: "$defs".into(),
                    path,
                    reason: "a definition must be an object or a string enum (an alias of a \
                             plain type is not generated)"
                        .into(),
                });
            }
        }
    }
    cx.ty(schema, "#", root_name)?;
    Ok(cx.items.into_values().collect())
}

struct Reader {
    items: BTreeMap<String, Item>,
    /// `$defs` names → Rust names.
    defs: BTreeMap<String, String>,
}

impl Reader {
    /// The type of the schema at `path`; `name` names a struct or enum it may need.
    fn ty(&mut self, schema: &Value, path: &str, name: &str) -> Result<Ty, CodegenError> {
        let obj = object(schema, path)?;
        for key in obj.keys() {
            if !SUPPORTED.contains(&key.as_str()) {
                return Err(CodegenError::Unsupported {
                    keyword: key.clone(),
                    path: path.into(),
                    reason: "not one of the supported keywords".into(),
                });
            }
        }
        if obj.contains_key("const") && (obj.contains_key("$ref") || obj.contains_key("enum")) {
            return Err(CodegenError::Unsupported {
                keyword: "const".into(),
                path: path.into(),
                reason: "`const` beside `$ref` or `enum` is not supported".into(),
            });
        }
        let union_keys: Vec<&str> = ["oneOf", "anyOf"]
            .into_iter()
            .filter(|k| obj.contains_key(*k))
            .collect();
        if let Some(&key) = union_keys.first() {
            let beside = [
                "$ref",
                "enum",
                "const",
                "type",
                "properties",
                "items",
                "oneOf",
                "anyOf",
            ]
            .into_iter()
            .find(|k| *k != key && obj.contains_key(*k));
            if let Some(other) = beside {
                return Err(CodegenError::Unsupported {
                    keyword: key.into(),
                    path: path.into(),
                    reason: format!("`{key}` beside `{other}` is not supported"),
                });
            }
            return self.union(obj, key, path, name, doc_of(obj));
        }
        if let Some(r) = obj.get("$ref") {
            let r = r
                .as_str()
                .ok_or_else(|| invalid(path, "`$ref` must be a string"))?;
            let def = r
                .strip_prefix("#/$defs/")
                .ok_or_else(|| CodegenError::Unsupported {
                    keyword: "$ref".into(),
                    path: path.into(),
                    reason: format!(
                        "only references of the form `#/$defs/Name` are supported, not `{r}`"
                    ),
                })?;
            let rust = self
                .defs
                .get(def)
                .ok_or_else(|| CodegenError::UnresolvedRef {
                    reference: r.into(),
                    path: path.into(),
                })?;
            return Ok(Ty::Named(rust.clone()));
        }
        let doc = doc_of(obj);
        if let Some(values) = obj.get("enum") {
            let values = values
                .as_array()
                .ok_or_else(|| invalid(path, "`enum` must be an array"))?;
            let values = values
                .iter()
                .map(|v| v.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| CodegenError::Unsupported {
                    keyword: "enum".into(),
                    path: path.into(),
                    reason: "only enumerations of strings are supported".into(),
                })?;
            self.items.insert(
                name.into(),
                Item::Enum {
                    name: name.into(),
                    doc,
                    values,
                },
            );
            return Ok(Ty::Named(name.into()));
        }
        let (kind, nullable) = match obj.get("type") {
            Some(Value::String(t)) => (t.as_str(), false),
            Some(Value::Array(ts)) => {
                let names: Vec<&str> = ts.iter().filter_map(Value::as_str).collect();
                match names.as_slice() {
                    [t, "null"] | ["null", t] if ts.len() == 2 => (*t, true),
                    _ => {
                        return Err(CodegenError::Unsupported {
                            keyword: "type".into(),
                            path: path.into(),
                            reason: "a list of types must be one type and \"null\"".into(),
                        });
                    }
                }
            }
            Some(_) => return Err(invalid(path, "`type` must be a string or an array")),
            None if obj.contains_key("properties") => ("object", false),
            // A constant without `type` has the type of its value.
            None if obj.contains_key("const") => (const_kind(&obj["const"], path)?, false),
            None => {
                return Err(CodegenError::Unsupported {
                    keyword: "type".into(),
                    path: path.into(),
                    reason: "a schema without `type` (any value) has no Rust type here".into(),
                });
            }
        };
        if let Some(c) = obj.get("const") {
            check_const(c, kind, nullable, path)?;
        }
        let ty = match kind {
            "boolean" => Ty::Bool,
            "integer" => Ty::Int,
            "number" => Ty::Float,
            "string" => Ty::Str,
            "array" => {
                let items = obj.get("items").ok_or_else(|| CodegenError::Unsupported {
                    keyword: "type".into(),
                    path: path.into(),
                    reason: "an array needs `items`".into(),
                })?;
                let items_path = format!("{path}/items");
                let item = self.ty(items, &items_path, &format!("{name}Item"))?;
                let checks = checks_of(object(items, &items_path)?, &items_path)?;
                Ty::Vec(Box::new(item), Box::new(checks))
            }
            "object" => self.object(obj, path, name, doc)?,
            other => return Err(invalid(path, &format!("unknown type `{other}`"))),
        };
        Ok(if nullable {
            Ty::Option(Box::new(ty))
        } else {
            ty
        })
    }

    fn object(
        &mut self,
        obj: &Map<String, Value>,
        path: &str,
        name: &str,
        doc: Option<String>,
    ) -> Result<Ty, CodegenError> {
        let deny_unknown = match obj.get("additionalProperties") {
            None | Some(Value::Bool(true)) => false,
            Some(Value::Bool(false)) => true,
            Some(_) => {
                return Err(CodegenError::Unsupported {
                    keyword: "additionalProperties".into(),
                    path: path.into(),
                    reason: "only `true` or `false` is supported".into(),
                });
            }
        };
        let required: Vec<&str> = match obj.get("required") {
            None => Vec::new(),
            Some(Value::Array(r)) => r.iter().filter_map(Value::as_str).collect(),
            Some(_) => return Err(invalid(path, "`required` must be an array of strings")),
        };
        let mut fields = Vec::new();
        if let Some(props) = obj.get("properties") {
            let props = object(props, &format!("{path}/properties"))?;
            for (json, schema) in props {
                let p = format!("{path}/properties/{json}");
                let ty = self.ty(schema, &p, &format!("{name}{}", pascal(json)))?;
                let s = object(schema, &p)?;
                let ty = if required.contains(&json.as_str()) || matches!(ty, Ty::Option(_)) {
                    ty
                } else {
                    Ty::Option(Box::new(ty))
                };
                fields.push(Field {
                    json: json.clone(),
                    ty,
                    doc: doc_of(s),
                    checks: checks_of(s, &p)?,
                    default: s.get("default").cloned(),
                });
            }
        }
        self.items.insert(
            name.into(),
            Item::Struct {
                name: name.into(),
                doc,
                fields,
                deny_unknown,
            },
        );
        Ok(Ty::Named(name.into()))
    }
}

impl Reader {
    /// A `oneOf`/`anyOf`: tagged when [`tag_of`] finds a tag, untagged otherwise (serde then
    /// takes the first branch that reads, so `oneOf`'s "exactly one" is not checked).
    fn union(
        &mut self,
        obj: &Map<String, Value>,
        key: &str,
        path: &str,
        name: &str,
        doc: Option<String>,
    ) -> Result<Ty, CodegenError> {
        let branches = obj[key]
            .as_array()
            .filter(|b| !b.is_empty())
            .ok_or_else(|| invalid(path, &format!("`{key}` must be a non-empty array")))?;
        let tag = tag_of(branches);
        let mut variants: Vec<Variant> = Vec::new();
        for (i, branch) in branches.iter().enumerate() {
            let branch_path = format!("{path}/{key}/{i}");
            let (variant, tag_value, ty) = if let Some(tag) = &tag {
                let value = branch["properties"][tag]["const"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned();
                // The tag is serde's to read: the branch's struct does not hold it.
                let mut without = branch.clone();
                if let Some(p) = without["properties"].as_object_mut() {
                    p.remove(tag);
                }
                if let Some(r) = without["required"].as_array_mut() {
                    r.retain(|v| v.as_str() != Some(tag));
                }
                let variant = pascal(&value);
                let ty = self.ty(&without, &branch_path, &format!("{name}{variant}"))?;
                (variant, Some(value), ty)
            } else {
                let ty = self.ty(branch, &branch_path, &format!("{name}{i}"))?;
                let variant = match &ty {
                    Ty::Bool => "Bool".to_owned(),
                    Ty::Int => "Int".to_owned(),
                    Ty::Float => "Float".to_owned(),
                    Ty::Str => "Str".to_owned(),
                    Ty::Vec(..) => "List".to_owned(),
                    Ty::Option(_) => "Nullable".to_owned(),
                    Ty::Named(n) => n
                        .strip_prefix(name)
                        .filter(|rest| rest.starts_with(|c: char| c.is_alphabetic()))
                        .unwrap_or(n)
                        .to_owned(),
                };
                (variant, None, ty)
            };
            let mut unique = variant.clone();
            let mut n = 2;
            while variants.iter().any(|v| v.name == unique) {
                unique = format!("{variant}{n}");
                n += 1;
            }
            variants.push(Variant {
                name: unique,
                tag_value,
                ty,
                checks: checks_of(object(branch, &branch_path)?, &branch_path)?,
            });
        }
        self.items.insert(
            name.into(),
            Item::Union {
                name: name.into(),
                doc,
                tag,
                variants,
            },
        );
        Ok(Ty::Named(name.into()))
    }
}

/// The property that tells the branches apart: required in every branch, a string `const` in
/// each, with a different value per branch. `None` when there is no such property (a branch
/// is not an inline object, for example a `$ref`).
fn tag_of(branches: &[Value]) -> Option<String> {
    let consts = |b: &Value| -> Vec<(String, String)> {
        let required: Vec<&str> = b["required"]
            .as_array()
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        b["properties"]
            .as_object()
            .map(|p| {
                p.iter()
                    .filter(|(k, _)| required.contains(&k.as_str()))
                    .filter_map(|(k, v)| Some((k.clone(), v["const"].as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default()
    };
    let per_branch: Vec<Vec<(String, String)>> = branches.iter().map(consts).collect();
    per_branch.first()?.iter().map(|(k, _)| k).find_map(|k| {
        let values: Vec<&String> = per_branch
            .iter()
            .filter_map(|b| b.iter().find(|(name, _)| name == k).map(|(_, v)| v))
            .collect();
        let mut distinct = values.clone();
        distinct.sort();
        distinct.dedup();
        // Distinct variant names too: `a-b` and `a_b` would both be `AB`.
        let mut names: Vec<String> = values.iter().map(|v| pascal(v)).collect();
        names.sort();
        names.dedup();
        (values.len() == branches.len()
            && distinct.len() == values.len()
            && names.len() == values.len())
        .then(|| k.clone())
    })
}

fn checks_of(s: &Map<String, Value>, path: &str) -> Result<Checks, CodegenError> {
    let num = |k: &str| -> Result<Option<f64>, CodegenError> {
        s.get(k)
            .map(|v| {
                v.as_f64()
                    .ok_or_else(|| invalid(path, &format!("`{k}` must be a number")))
            })
            .transpose()
    };
    let len = |k: &str| -> Result<Option<u64>, CodegenError> {
        s.get(k)
            .map(|v| {
                v.as_u64()
                    .ok_or_else(|| invalid(path, &format!("`{k}` must be a non-negative integer")))
            })
            .transpose()
    };
    Ok(Checks {
        minimum: num("minimum")?,
        maximum: num("maximum")?,
        min_length: len("minLength")?,
        max_length: len("maxLength")?,
        constant: s.get("const").cloned(),
        pattern: pattern_of(s, path)?,
    })
}

/// The `type` a constant's value has; only strings, numbers and booleans are supported.
fn const_kind(c: &Value, path: &str) -> Result<&'static str, CodegenError> {
    match c {
        Value::String(_) => Ok("string"),
        Value::Bool(_) => Ok("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Ok("integer"),
        Value::Number(_) => Ok("number"),
        _ => Err(CodegenError::Unsupported {
            keyword: "const".into(),
            path: path.into(),
            reason: "only a string, number or boolean constant is supported".into(),
        }),
    }
}

/// A constant must be a value of the position's (non-nullable, scalar) type.
fn check_const(c: &Value, kind: &str, nullable: bool, path: &str) -> Result<(), CodegenError> {
    let own = const_kind(c, path)?;
    if nullable {
        return Err(CodegenError::Unsupported {
            keyword: "const".into(),
            path: path.into(),
            reason: "`const` on a nullable type is not supported".into(),
        });
    }
    // An integer constant fits a number; a number constant fits an integer only when it is one
    // (`i64` holds it exactly).
    let fits = own == kind
        || (own == "integer" && kind == "number")
        || (own == "number"
            && kind == "integer"
            && c.as_f64()
                .is_some_and(|f| f.fract() == 0.0 && f.abs() < 9.0e15));
    if fits {
        Ok(())
    } else {
        Err(invalid(
            path,
            &format!("`const` {c} is not a value of type `{kind}`"),
        ))
    }
}

/// A `pattern`, if it is one the `regex` crate (which the generated code uses) compiles:
/// look-around and back-references, for example, are not.
fn pattern_of(s: &Map<String, Value>, path: &str) -> Result<Option<String>, CodegenError> {
    let Some(p) = s.get("pattern") else {
        return Ok(None);
    };
    let p = p
        .as_str()
        .ok_or_else(|| invalid(path, "`pattern` must be a string"))?;
    regex::Regex::new(p).map_err(|e| CodegenError::Unsupported {
        keyword: "pattern".into(),
        path: path.into(),
        reason: format!("the `regex` crate cannot compile `{p}`: {e}"),
    })?;
    Ok(Some(p.to_owned()))
}

fn doc_of(obj: &Map<String, Value>) -> Option<String> {
    let mut parts = Vec::new();
    for key in ["title", "description"] {
        if let Some(t) = obj.get(key).and_then(Value::as_str) {
            parts.push(t.to_owned());
        }
    }
    if let Some(f) = obj.get("format").and_then(Value::as_str) {
        parts.push(format!("Format: `{f}` (not checked)."));
    }
    (!parts.is_empty()).then(|| parts.join("\n\n"))
}

fn object<'a>(v: &'a Value, path: &str) -> Result<&'a Map<String, Value>, CodegenError> {
    v.as_object()
        .ok_or_else(|| invalid(path, "a schema must be an object here"))
}

fn invalid(path: &str, message: &str) -> CodegenError {
    CodegenError::Invalid {
        path: path.into(),
        message: message.into(),
    }
}

/// `user_name`, `user-name`, `userName` → `UserName`.
pub(crate) fn pascal(s: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in s.chars() {
        if c.is_alphanumeric() {
            if upper {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            upper = false;
        } else {
            upper = true;
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'T');
    }
    out
}

/// `userName`, `user-name`, `UserName` → `user_name`; keywords get a trailing `_`.
pub(crate) fn snake(s: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        if c.is_uppercase() {
            if prev_lower {
                out.push('_');
            }
            out.extend(c.to_lowercase());
            prev_lower = false;
        } else if c.is_alphanumeric() {
            out.push(c);
            prev_lower = c.is_lowercase() || c.is_ascii_digit();
        } else {
            if !out.ends_with('_') && !out.is_empty() {
                out.push('_');
            }
            prev_lower = false;
        }
    }
    let out = out.trim_end_matches('_').to_owned();
    let out = if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("f_{out}")
    } else {
        out
    };
    const KEYWORDS: &[&str] = &[
        "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn",
        "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref",
        "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
        "where", "while", "async", "await", "dyn", "abstract", "become", "box", "do", "final",
        "macro", "override", "priv", "typeof", "unsized", "virtual", "yield", "try", "gen",
    ];
    if KEYWORDS.contains(&out.as_str()) {
        format!("{out}_")
    } else {
        out
    }
}
