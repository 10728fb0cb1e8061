//! A compact, readable rendering of a syntax tree, for snapshots and debugging.

use crate::ast::{Block, Comment, File, Statement, Value, ValueKind};
use std::fmt::Write;

/// Renders `file` one statement per line, with each value's kind (`int:42`, `name:paris.apps`,
/// `prefix:10.0.0.0/24`…).
///
/// With `trivia`, spans (`@start..end`), comments, blank-line and one-line-block markers are
/// included; without,
/// the rendering shows only the meaning of the file, so two files that differ only in layout
/// and comments render the same.
pub fn dump(file: &File, trivia: bool) -> String {
    let mut d = Dumper {
        out: String::new(),
        trivia,
    };
    d.statements(&file.statements, 0);
    d.comments("trailing", &file.trailing_comments, 0);
    d.out
}

struct Dumper {
    out: String,
    trivia: bool,
}

impl Dumper {
    fn indent(&mut self, level: usize) {
        for _ in 0..level {
            self.out.push_str("  ");
        }
    }

    fn comments(&mut self, what: &str, comments: &[Comment], level: usize) {
        if !self.trivia {
            return;
        }
        for c in comments {
            self.indent(level);
            let _ = writeln!(
                self.out,
                "{what} {:?} @{}..{}",
                c.text, c.span.start, c.span.end
            );
        }
    }

    fn statements(&mut self, stmts: &[Statement], level: usize) {
        for s in stmts {
            self.statement(s, level);
        }
    }

    fn statement(&mut self, s: &Statement, level: usize) {
        if self.trivia && s.blank_line_before {
            self.indent(level);
            self.out.push_str("(blank)\n");
        }
        self.comments("leading", &s.leading_comments, level);
        self.indent(level);
        self.out.push_str(&s.keyword.name);
        for a in &s.args {
            self.out.push(' ');
            self.value(a);
        }
        if let Some(b) = &s.block {
            self.block(b, level);
        }
        if self.trivia {
            let _ = write!(self.out, "  @{}..{}", s.span.start, s.span.end);
            if let Some(c) = &s.trailing_comment {
                let _ = write!(self.out, "  trailing {:?}", c.text);
            }
        }
        self.out.push('\n');
    }

    fn block(&mut self, b: &Block, level: usize) {
        self.out.push_str(" {");
        if self.trivia && b.single_line {
            self.out.push_str(" (one line)");
        }
        if b.statements.is_empty() && (b.trailing_comments.is_empty() || !self.trivia) {
            self.out.push('}');
            return;
        }
        self.out.push('\n');
        self.statements(&b.statements, level + 1);
        self.comments("trailing", &b.trailing_comments, level + 1);
        self.indent(level);
        self.out.push('}');
    }

    fn value(&mut self, v: &Value) {
        if let ValueKind::List(items) = &v.kind {
            self.out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    self.out.push_str(", ");
                }
                self.value(item);
            }
            self.out.push(']');
            return;
        }
        let out = &mut self.out;
        let _ = match &v.kind {
            ValueKind::String(s) => write!(out, "{s:?}"),
            ValueKind::Integer(n) => write!(out, "int:{n}"),
            ValueKind::Decimal(n) => write!(out, "dec:{n}"),
            ValueKind::Percent(n) => write!(out, "pct:{n}"),
            ValueKind::Bool(b) => write!(out, "bool:{b}"),
            ValueKind::Address(a) => write!(out, "addr:{a}"),
            ValueKind::Prefix(p) => write!(out, "prefix:{p}"),
            ValueKind::PortRange(r) => write!(out, "ports:{}-{}", r.start, r.end),
            ValueKind::PortSpec { protocol, ports } => write!(
                out,
                "portspec:{}/{}-{}",
                format!("{protocol:?}").to_lowercase(),
                ports.start,
                ports.end
            ),
            ValueKind::Duration(ms) => write!(out, "dur:{ms}ms"),
            ValueKind::Size(b) => write!(out, "size:{b}B"),
            ValueKind::Date { year, month, day } => {
                write!(out, "date:{year:04}-{month:02}-{day:02}")
            }
            ValueKind::Name(segs) => write!(out, "name:{}", segs.join(".")),
            ValueKind::Word(w) => write!(out, "word:{w}"),
            ValueKind::List(_) => Ok(()),
            ValueKind::Arrow => write!(out, "->"),
            ValueKind::Template(t) => write!(out, "tpl:{t}"),
            ValueKind::Error => write!(out, "<error>"),
        };
        if self.trivia {
            let _ = write!(self.out, "@{}..{}", v.span.start, v.span.end);
        }
    }
}
