//! The report as Markdown (a pull-request comment) and as plain text.

use crate::{Change, FlowChange, Report};
use std::fmt::Write;

fn counts(r: &Report) -> (usize, usize, usize) {
    let n = |c| r.elements.iter().filter(|e| e.change == c).count();
    (n(Change::Added), n(Change::Changed), n(Change::Removed))
}

/// The one-line summary: `3 to add, 1 to change, 0 to destroy; 4 flows newly allowed (1 from
/// the internet), 0 newly denied`.
pub fn summary(r: &Report) -> String {
    let (add, change, destroy) = counts(r);
    let exposed = r.internet_exposure().count();
    format!(
        "{add} to add, {change} to change, {destroy} to destroy; {} flow(s) newly allowed{}, {} newly denied",
        r.allowed.len(),
        if exposed > 0 {
            format!(" ({exposed} from the internet)")
        } else {
            String::new()
        },
        r.denied.len()
    )
}

fn flags(f: &FlowChange) -> String {
    let mut v = Vec::new();
    if f.from_internet {
        v.push("internet");
    }
    if f.touches_database {
        v.push("database");
    }
    if v.is_empty() {
        String::new()
    } else {
        format!(" **[{}]**", v.join(", "))
    }
}

/// A Markdown report for a pull-request comment.
pub fn markdown(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### infrac review\n\n**{}**\n", summary(r));
    if r.is_empty() {
        out.push_str("No semantic change: the model and its flows are the same.\n");
        return out;
    }
    if !r.elements.is_empty() {
        out.push_str("#### Model\n\n| change | kind | name | fields |\n|---|---|---|---|\n");
        for e in &r.elements {
            let change = match e.change {
                Change::Added => "+ add",
                Change::Changed => "~ change",
                Change::Removed => "- destroy",
            };
            let _ = writeln!(
                out,
                "| {change} | {} | `{}` | {} |",
                e.kind,
                e.name,
                e.fields
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        out.push('\n');
    }
    for (title, list) in [
        ("Newly allowed flows", &r.allowed),
        ("Newly denied flows", &r.denied),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "#### {title}\n");
        for f in list {
            let _ = writeln!(
                out,
                "- `{} -> {} {}`{} — {}",
                f.from,
                f.to,
                f.service,
                flags(f),
                f.provenance.join("; ")
            );
        }
        out.push('\n');
    }
    out
}

/// The report as plain text for a terminal.
pub fn text(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", summary(r));
    for e in &r.elements {
        let sign = match e.change {
            Change::Added => "+",
            Change::Changed => "~",
            Change::Removed => "-",
        };
        let fields = if e.fields.is_empty() {
            String::new()
        } else {
            format!(" ({})", e.fields.join(", "))
        };
        let _ = writeln!(out, "  {sign} {} {}{fields}", e.kind, e.name);
    }
    for (sign, list) in [("+", &r.allowed), ("-", &r.denied)] {
        for f in list {
            let flag = match (f.from_internet, f.touches_database) {
                (true, true) => " [internet, database]",
                (true, false) => " [internet]",
                (false, true) => " [database]",
                _ => "",
            };
            let _ = writeln!(
                out,
                "  {sign} flow {} -> {} {}{flag}  ({})",
                f.from,
                f.to,
                f.service,
                f.provenance.join("; ")
            );
        }
    }
    out
}
