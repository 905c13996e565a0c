//! The small data model of SCXML charts: expressions over integer, string and boolean
//! variables — literals, variables, `+ - * / %`, comparisons, `&&`, `||`, `!`, parentheses and
//! `In('state')`, `null` (also spelled `undefined`: the value of a `<data>` without one). No
//! ECMAScript: `_event`, member access, calls other than `In` are refused
//! when the document is loaded.

use serde_json::Value;

use crate::setup::Context;

/// A parsed expression.
#[derive(Clone, PartialEq, Debug)]
pub(crate) enum Expr {
    Lit(Value),
    Var(String),
    /// `In('id')`, the state already resolved to its path.
    In(String),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Bin(Box<Expr>, Op, Box<Expr>),
}

#[derive(Clone, Copy, PartialEq, Debug)]
pub(crate) enum Op {
    Or,
    And,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

/// Parses `text`; the error says what is not supported or malformed.
pub(crate) fn parse(text: &str) -> Result<Expr, String> {
    let tokens = tokenize(text)?;
    let mut p = Parser { tokens, at: 0 };
    let e = p.or()?;
    if p.at != p.tokens.len() {
        return Err(format!("unexpected `{}` in `{text}`", p.tokens[p.at]));
    }
    Ok(e)
}

fn tokenize(text: &str) -> Result<Vec<String>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '\'' || c == '"' {
            let end = chars[i + 1..]
                .iter()
                .position(|&x| x == c)
                .ok_or_else(|| format!("unterminated string in `{text}`"))?;
            out.push(chars[i..i + 2 + end].iter().collect());
            i += 2 + end;
        } else if c.is_ascii_digit() {
            let len = chars[i..].iter().take_while(|x| x.is_ascii_digit()).count();
            out.push(chars[i..i + len].iter().collect());
            i += len;
        } else if c.is_alphabetic() || c == '_' || c == '$' {
            let len = chars[i..]
                .iter()
                .take_while(|x| x.is_alphanumeric() || **x == '_' || **x == '$')
                .count();
            out.push(chars[i..i + len].iter().collect());
            i += len;
        } else {
            let two: String = chars[i..(i + 3).min(chars.len())].iter().collect();
            let op = ["===", "!==", "==", "!=", "<=", ">=", "&&", "||"]
                .into_iter()
                .find(|op| two.starts_with(op));
            match op {
                Some(op) => {
                    out.push(op.to_owned());
                    i += op.len();
                }
                None if "+-*/%<>!()".contains(c) => {
                    out.push(c.to_string());
                    i += 1;
                }
                None => return Err(format!("`{c}` is not supported in `{text}`")),
            }
        }
    }
    Ok(out)
}

struct Parser {
    tokens: Vec<String>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.at).map(String::as_str)
    }
    fn eat(&mut self, t: &str) -> bool {
        let hit = self.peek() == Some(t);
        self.at += usize::from(hit);
        hit
    }
    fn binary(
        &mut self,
        ops: &[(&str, Op)],
        next: fn(&mut Parser) -> Result<Expr, String>,
    ) -> Result<Expr, String> {
        let mut left = next(self)?;
        'outer: loop {
            for (t, op) in ops {
                if self.eat(t) {
                    left = Expr::Bin(Box::new(left), *op, Box::new(next(self)?));
                    continue 'outer;
                }
            }
            return Ok(left);
        }
    }
    fn or(&mut self) -> Result<Expr, String> {
        self.binary(&[("||", Op::Or)], Parser::and)
    }
    fn and(&mut self) -> Result<Expr, String> {
        self.binary(&[("&&", Op::And)], Parser::cmp)
    }
    fn cmp(&mut self) -> Result<Expr, String> {
        let ops = [
            ("===", Op::Eq),
            ("!==", Op::Ne),
            ("==", Op::Eq),
            ("!=", Op::Ne),
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("<", Op::Lt),
            (">", Op::Gt),
        ];
        self.binary(&ops, Parser::add)
    }
    fn add(&mut self) -> Result<Expr, String> {
        self.binary(&[("+", Op::Add), ("-", Op::Sub)], Parser::mul)
    }
    fn mul(&mut self) -> Result<Expr, String> {
        self.binary(
            &[("*", Op::Mul), ("/", Op::Div), ("%", Op::Rem)],
            Parser::unary,
        )
    }
    fn unary(&mut self) -> Result<Expr, String> {
        if self.eat("!") {
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if self.eat("-") {
            return Ok(Expr::Neg(Box::new(self.unary()?)));
        }
        self.primary()
    }
    fn primary(&mut self) -> Result<Expr, String> {
        let Some(t) = self.peek().map(str::to_owned) else {
            return Err("an expression ends too early".into());
        };
        self.at += 1;
        if t == "(" {
            let e = self.or()?;
            return if self.eat(")") {
                Ok(e)
            } else {
                Err("missing `)`".into())
            };
        }
        if let Ok(n) = t.parse::<i64>() {
            return Ok(Expr::Lit(n.into()));
        }
        if t.starts_with('\'') || t.starts_with('"') {
            return Ok(Expr::Lit(Value::String(t[1..t.len() - 1].to_owned())));
        }
        match t.as_str() {
            "true" => return Ok(Expr::Lit(true.into())),
            "false" => return Ok(Expr::Lit(false.into())),
            // A `<data>` without a value holds null; both spellings compare equal to it.
            "null" | "undefined" => return Ok(Expr::Lit(Value::Null)),
            "In" => {
                if !self.eat("(") {
                    return Err("`In` takes a state id: In('id')".into());
                }
                let Some(arg) = self
                    .peek()
                    .map(str::to_owned)
                    .filter(|a| a.starts_with('\'') || a.starts_with('"'))
                else {
                    return Err("`In` takes a quoted state id".into());
                };
                self.at += 1;
                if !self.eat(")") {
                    return Err("missing `)` after In('…'".into());
                }
                return Ok(Expr::In(arg[1..arg.len() - 1].to_owned()));
            }
            _ => {}
        }
        let first = t.chars().next().unwrap_or(' ');
        if first.is_alphabetic() && !t.starts_with('_') && !t.contains('$') {
            if self.peek() == Some("(") {
                return Err(format!("calling `{t}` is not supported (only In)"));
            }
            return Ok(Expr::Var(t));
        }
        Err(format!("`{t}` is not supported by the data model"))
    }
}

/// An evaluation error (SCXML raises `error.execution`).
#[derive(Debug)]
pub(crate) struct EvalError;

/// Evaluates `e` over `context`; `in_state` answers `In(...)`.
pub(crate) fn eval(
    e: &Expr,
    context: &Context,
    in_state: &dyn Fn(&str) -> bool,
) -> Result<Value, EvalError> {
    Ok(match e {
        Expr::Lit(v) => v.clone(),
        Expr::Var(name) => context.get(name).cloned().ok_or(EvalError)?,
        Expr::In(id) => Value::Bool(in_state(id)),
        Expr::Not(x) => Value::Bool(!truthy(&eval(x, context, in_state)?)),
        Expr::Neg(x) => Value::from(-int(&eval(x, context, in_state)?)?),
        Expr::Bin(l, Op::And, r) => Value::Bool(
            truthy(&eval(l, context, in_state)?) && truthy(&eval(r, context, in_state)?),
        ),
        Expr::Bin(l, Op::Or, r) => Value::Bool(
            truthy(&eval(l, context, in_state)?) || truthy(&eval(r, context, in_state)?),
        ),
        Expr::Bin(l, op, r) => {
            let (a, b) = (eval(l, context, in_state)?, eval(r, context, in_state)?);
            match op {
                Op::Eq => Value::Bool(a == b),
                Op::Ne => Value::Bool(a != b),
                Op::Lt | Op::Le | Op::Gt | Op::Ge => {
                    let ord = match (&a, &b) {
                        (Value::String(x), Value::String(y)) => x.cmp(y),
                        _ => int(&a)?.cmp(&int(&b)?),
                    };
                    Value::Bool(match op {
                        Op::Lt => ord.is_lt(),
                        Op::Le => ord.is_le(),
                        Op::Gt => ord.is_gt(),
                        _ => ord.is_ge(),
                    })
                }
                Op::Add => match (&a, &b) {
                    (Value::String(x), y) => Value::String(format!("{x}{}", text(y))),
                    (x, Value::String(y)) => Value::String(format!("{}{y}", text(x))),
                    _ => Value::from(int(&a)?.checked_add(int(&b)?).ok_or(EvalError)?),
                },
                Op::Sub => Value::from(int(&a)?.checked_sub(int(&b)?).ok_or(EvalError)?),
                Op::Mul => Value::from(int(&a)?.checked_mul(int(&b)?).ok_or(EvalError)?),
                Op::Div => Value::from(int(&a)?.checked_div(int(&b)?).ok_or(EvalError)?),
                Op::Rem => Value::from(int(&a)?.checked_rem(int(&b)?).ok_or(EvalError)?),
                Op::And | Op::Or => unreachable!("handled above"),
            }
        }
    })
}

fn int(v: &Value) -> Result<i64, EvalError> {
    match v {
        Value::Number(n) => n.as_i64().ok_or(EvalError),
        Value::Bool(b) => Ok(i64::from(*b)),
        _ => Err(EvalError),
    }
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// JavaScript-like truth: false, 0, "" and null are false.
pub(crate) fn truthy(v: &Value) -> bool {
    match v {
        Value::Bool(b) => *b,
        Value::Null => false,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        _ => true,
    }
}
