//! Templates: `template KIND NAME { … }` and `KIND NAME from TEMPLATE { … }`.
//!
//! Expansion works on syntax trees, before lowering: the template's statements are cloned,
//! every `${var}` inside a word or string is replaced by the instance's attribute `var` (or
//! `${site}`/`${name}` by the instance's name) and the word is classified again; then the
//! instance's own statements are merged in (same key replaces, same block merges, else added).
//! Spans of substituted values keep pointing into the template, so errors show where the
//! template wrote them.

use crate::schema::Cx;
use infrac_diag::{Diagnostic, Span, codes};
use infrac_syntax::ast::{Block, Statement, Value, ValueKind};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// A template definition.
struct Template<'f> {
    kind: String,
    statement: &'f Statement,
}

/// Expands every template instance in `statements` (top-level statements of all files) and
/// drops template definitions.
pub fn expand_all<'f>(cx: &mut Cx, statements: &[&'f Statement]) -> Vec<Cow<'f, Statement>> {
    let mut templates: BTreeMap<String, Template> = BTreeMap::new();
    for st in statements.iter().filter(|s| s.keyword.name == "template") {
        let Some(args) = cx.args(st, 2, 2, "template KIND NAME { … }") else {
            continue;
        };
        let (Some(kind), Some(name)) = (cx.name(&args[0]), cx.name(&args[1])) else {
            continue;
        };
        if st.block.is_none() {
            cx.error(codes::E0207, st.span, "a template needs a `{ … }` block");
            continue;
        }
        if let Some(prev) = templates.get(&name) {
            cx.report(
                Diagnostic::error(
                    codes::E0301,
                    args[1].span,
                    format!("template `{name}` is defined twice"),
                )
                .with_secondary(prev.statement.span, "first defined here"),
            );
            continue;
        }
        templates.insert(
            name,
            Template {
                kind,
                statement: st,
            },
        );
    }
    let mut ex = Expander {
        templates: &templates,
        active: Vec::new(),
        instances: 0,
    };
    statements
        .iter()
        .filter(|s| s.keyword.name != "template")
        .filter_map(|s| ex.top(cx, s))
        .collect()
}

/// Most template instances one model may expand to: far above any real model, far below what
/// would exhaust memory if distinct templates instantiate each other many times over.
const MAX_INSTANCES: usize = 100_000;

struct Expander<'t, 'f> {
    templates: &'t BTreeMap<String, Template<'f>>,
    /// Templates being expanded, outermost first: instantiating one of them again is a cycle.
    active: Vec<String>,
    /// Instances expanded so far.
    instances: usize,
}

impl Expander<'_, '_> {
    /// A top-level statement: borrowed unchanged unless it holds a template instance.
    fn top<'f>(&mut self, cx: &mut Cx, st: &'f Statement) -> Option<Cow<'f, Statement>> {
        if has_instance(st) {
            self.statement(cx, st).map(Cow::Owned)
        } else {
            Some(Cow::Borrowed(st))
        }
    }

    /// The statement with its instances expanded; `None` for an instance that failed (its
    /// name is remembered so references to it are not reported again).
    fn statement(&mut self, cx: &mut Cx, st: &Statement) -> Option<Statement> {
        if is_instance(st) {
            let out = self.instance(cx, st);
            if out.is_none()
                && let Some(ValueKind::Name(segs)) = st.args.first().map(|v| &v.kind)
            {
                cx.dropped.insert(segs.join("."));
            }
            return out;
        }
        let mut out = st.clone();
        if let Some(block) = &mut out.block {
            block.statements = block
                .statements
                .iter()
                .filter_map(|s| self.statement(cx, s))
                .collect();
        }
        Some(out)
    }

    /// `KIND NAME from TEMPLATE { … }` expanded, or `None` if `st` is not an instance.
    fn instance(&mut self, cx: &mut Cx, st: &Statement) -> Option<Statement> {
        let [name_v, from_v, tpl_v] = st.args.as_slice() else {
            return None;
        };
        if !matches!(&from_v.kind, ValueKind::Name(s) if s.len() == 1 && s[0] == "from") {
            return None;
        }
        let name = cx.name(name_v)?;
        let tpl_name = cx.name(tpl_v)?;
        let Some(tpl) = self.templates.get(&tpl_name) else {
            let mut d = Diagnostic::error(
                codes::E0304,
                tpl_v.span,
                format!("no template named `{tpl_name}`"),
            );
            if let Some(h) =
                infrac_diag::suggest::help(&tpl_name, self.templates.keys().map(String::as_str))
            {
                d = d.with_help(h);
            }
            cx.report(d);
            return None;
        };
        if tpl.kind != st.keyword.name {
            cx.report(
                Diagnostic::error(
                    codes::E0304,
                    tpl_v.span,
                    format!(
                        "template `{tpl_name}` is for `{}`, not `{}`",
                        tpl.kind, st.keyword.name
                    ),
                )
                .with_secondary(tpl.statement.span, "defined here"),
            );
            return None;
        }
        if self.active.contains(&tpl_name) {
            let chain = self
                .active
                .iter()
                .chain(std::iter::once(&tpl_name))
                .map(String::as_str)
                .collect::<Vec<_>>()
                .join(" -> ");
            cx.report(
                Diagnostic::error(
                    codes::E0304,
                    tpl_v.span,
                    format!("template `{tpl_name}` instantiates itself ({chain})"),
                )
                .with_help("a template cannot contain an instance of itself"),
            );
            return None;
        }
        self.instances += 1;
        if self.instances > MAX_INSTANCES {
            if self.instances == MAX_INSTANCES + 1 {
                cx.error(
                    codes::E0304,
                    st.span,
                    format!("templates expand to more than {MAX_INSTANCES} instances"),
                );
            }
            return None;
        }
        let tpl_block = tpl.statement.block.as_ref()?;
        // `param NAME` declares a variable that only feeds substitution: the instance's
        // attribute of that name is consumed, not lowered.
        let mut params: Vec<&str> = Vec::new();
        for s in tpl_block
            .statements
            .iter()
            .filter(|s| s.keyword.name == "param")
        {
            match s.args.as_slice() {
                [v] => match &v.kind {
                    ValueKind::Name(segs) if segs.len() == 1 => params.push(segs[0].as_str()),
                    _ => cx.error(codes::E0202, v.span, "`param` takes a name"),
                },
                _ => cx.error(codes::E0205, s.span, "`param` takes one name"),
            }
        }
        let all_own: &[Statement] = st
            .block
            .as_ref()
            .map(|b| b.statements.as_slice())
            .unwrap_or(&[]);
        let mut vars: BTreeMap<String, String> = BTreeMap::new();
        for s in all_own
            .iter()
            .filter(|s| s.block.is_none() && s.args.len() == 1)
        {
            if let Some(text) = value_text(cx, &s.args[0]) {
                vars.insert(s.keyword.name.clone(), text);
            }
        }
        vars.insert("site".into(), name.clone());
        vars.insert("name".into(), name.clone());
        for p in &params {
            if !vars.contains_key(*p) {
                cx.report(
                    Diagnostic::error(
                        codes::E0203,
                        st.span,
                        format!("template `{tpl_name}` needs `{p}`"),
                    )
                    .with_help(format!("add `{p} VALUE` to the block")),
                );
            }
        }
        let own: Vec<Statement> = all_own
            .iter()
            .filter(|s| !params.contains(&s.keyword.name.as_str()))
            .cloned()
            .collect();
        let substituted: Vec<Statement> = tpl_block
            .statements
            .iter()
            .filter(|s| s.keyword.name != "param")
            .map(|s| substitute_statement(cx, s, &vars, &tpl_name))
            .collect();
        let merged = merge(substituted, &own);
        self.active.push(tpl_name.clone());
        let statements = merged
            .iter()
            .filter_map(|s| self.statement(cx, s))
            .collect();
        self.active.pop();
        let span = st.block.as_ref().map(|b| b.span).unwrap_or(st.span);
        Some(Statement {
            keyword: st.keyword.clone(),
            args: vec![name_v.clone()],
            block: Some(Block {
                statements,
                trailing_comments: Vec::new(),
                span,
                single_line: false,
            }),
            span: st.span,
            leading_comments: st.leading_comments.clone(),
            trailing_comment: st.trailing_comment.clone(),
            blank_line_before: st.blank_line_before,
        })
    }
}

/// Whether `st` is `KIND NAME from TEMPLATE`.
fn is_instance(st: &Statement) -> bool {
    matches!(st.args.as_slice(), [_, v, _] if matches!(&v.kind, ValueKind::Name(s) if s.len() == 1 && s[0] == "from"))
}

/// Whether `st` or a statement inside it is an instance.
fn has_instance(st: &Statement) -> bool {
    is_instance(st)
        || st
            .block
            .as_ref()
            .is_some_and(|b| b.statements.iter().any(has_instance))
}

/// The text a value substitutes as, for `${var}`.
fn value_text(cx: &Cx, v: &Value) -> Option<String> {
    match &v.kind {
        ValueKind::String(s) => Some(s.clone()),
        ValueKind::Integer(n) => Some(n.to_string()),
        ValueKind::Name(segs) => Some(segs.join(".")),
        ValueKind::List(_) | ValueKind::Error | ValueKind::Template(_) => None,
        _ => {
            let file = cx.sources.get(v.span.file)?;
            file.text.get(v.span.range()).map(str::to_string)
        }
    }
}

fn substitute_statement(
    cx: &mut Cx,
    st: &Statement,
    vars: &BTreeMap<String, String>,
    tpl: &str,
) -> Statement {
    let mut out = st.clone();
    out.args = st
        .args
        .iter()
        .map(|v| substitute_value(cx, v, vars, tpl))
        .collect();
    if let Some(block) = &mut out.block {
        block.statements = block
            .statements
            .iter()
            .map(|s| substitute_statement(cx, s, vars, tpl))
            .collect();
    }
    out
}

fn substitute_value(cx: &mut Cx, v: &Value, vars: &BTreeMap<String, String>, tpl: &str) -> Value {
    let kind = match &v.kind {
        ValueKind::Template(raw) => match interpolate(raw, vars) {
            Ok(text) => match infrac_syntax::classify_word(&text) {
                Ok(ValueKind::Template(_)) | Err(_) => {
                    cx.error(
                        codes::E0103,
                        v.span,
                        format!("`{raw}` becomes `{text}`, which is not a valid value"),
                    );
                    ValueKind::Error
                }
                Ok(kind) => kind,
            },
            Err(var) => {
                report_unknown_var(cx, v.span, &var, vars, tpl);
                ValueKind::Error
            }
        },
        ValueKind::String(s) if s.contains("${") => match interpolate(s, vars) {
            Ok(text) => ValueKind::String(text),
            Err(var) => {
                report_unknown_var(cx, v.span, &var, vars, tpl);
                ValueKind::Error
            }
        },
        ValueKind::List(items) => ValueKind::List(
            items
                .iter()
                .map(|i| substitute_value(cx, i, vars, tpl))
                .collect(),
        ),
        other => other.clone(),
    };
    Value { kind, span: v.span }
}

fn report_unknown_var(
    cx: &mut Cx,
    span: Span,
    var: &str,
    vars: &BTreeMap<String, String>,
    tpl: &str,
) {
    let mut d = Diagnostic::error(
        codes::E0305,
        span,
        format!("`${{{var}}}` in template `{tpl}` names no attribute of the instance"),
    )
    .with_label("unknown template variable");
    d = d.with_help(
        match infrac_diag::suggest::closest(var, vars.keys().map(String::as_str)) {
            Some(c) => format!(
                "did you mean `${{{c}}}`? Otherwise give the instance an attribute `{var} VALUE`"
            ),
            None => format!("give the instance an attribute `{var} VALUE`"),
        },
    );
    cx.report(d);
}

/// Replaces every `${var}` in `raw`; `Err(var)` names the first unknown variable.
fn interpolate(raw: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            return Err(after.to_string());
        };
        let var = &after[..end];
        match vars.get(var) {
            Some(val) => out.push_str(val),
            None => return Err(var.to_string()),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The key two statements are matched by when merging: keyword plus first argument for blocks
/// and multi-argument statements, keyword alone for single-value attributes.
fn merge_key(st: &Statement) -> (String, Option<String>) {
    let first = if st.block.is_some() || st.args.len() > 1 {
        st.args.first().map(|v| format!("{:?}", v.kind))
    } else {
        None
    };
    (st.keyword.name.clone(), first)
}

/// Merges `own` statements into `base`: same key replaces (or merges blocks), else appends.
fn merge(mut base: Vec<Statement>, own: &[Statement]) -> Vec<Statement> {
    for st in own {
        let key = merge_key(st);
        match base.iter_mut().find(|b| merge_key(b) == key) {
            Some(existing) => match (&mut existing.block, &st.block) {
                (Some(eb), Some(ob)) => {
                    let merged = merge(std::mem::take(&mut eb.statements), &ob.statements);
                    eb.statements = merged;
                    existing.args = st.args.clone();
                }
                _ => *existing = st.clone(),
            },
            None => base.push(st.clone()),
        }
    }
    base
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolates_variables() {
        let vars: BTreeMap<String, String> = [("id".to_string(), "2".to_string())].into();
        assert_eq!(
            interpolate("192.168.${id}0.0/24", &vars).as_deref(),
            Ok("192.168.20.0/24")
        );
        assert_eq!(interpolate("${id}${id}", &vars).as_deref(), Ok("22"));
        assert_eq!(interpolate("${nope}", &vars), Err("nope".to_string()));
        assert_eq!(interpolate("${id", &vars), Err("id".to_string()));
    }
}
