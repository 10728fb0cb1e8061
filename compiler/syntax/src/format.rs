//! The canonical formatter (`infrac fmt`).
//!
//! Canonical form: two-space indentation; one space between a keyword and each argument; lists
//! as `[a, b, c]`, broken one item per line (with a trailing comma) when the statement would
//! pass [`WIDTH`] columns or the list holds comments; strings re-escaped canonically; every
//! other literal printed as written in the source; comments kept in place; at most one blank
//! line kept where the source had one; a block written on one line in the source stays on one
//! line (`{ a 1; b 2 }`) when it fits in [`WIDTH`] columns and holds no comments, otherwise one
//! statement per line. The output ends with exactly one newline (an empty file stays empty).

use crate::ast::{Block, Comment, File, Statement, Value, ValueKind};

/// The line width the formatter aims for.
pub const WIDTH: usize = 100;

/// Formats `file`, which was parsed from `src` (spans index into `src`).
///
/// The result is idempotent (`format` of its own output gives the same text) and has the same
/// meaning (parsing it gives the same tree, modulo spans and comments). The output for a file
/// whose parse reported errors is unspecified (the CLI refuses to format such files), but this
/// function never panics.
pub fn format(file: &File, src: &str) -> String {
    let mut f = Formatter {
        src,
        out: String::with_capacity(src.len() + src.len() / 8),
    };
    f.items(&file.statements, &file.trailing_comments, 0, None);
    let len = f.out.trim_end_matches(['\n', ' ']).len();
    f.out.truncate(len);
    if !f.out.is_empty() {
        f.out.push('\n');
    }
    f.out
}

struct Formatter<'a> {
    src: &'a str,
    out: String,
}

/// A comment found between the items of a list.
struct GapComment<'a> {
    /// Index of the gap: 0 is before the first item, `n` after the last of `n` items.
    gap: usize,
    text: &'a str,
    /// Whether it is on the line of the previous item (or of `[` for gap 0).
    same_line: bool,
}

/// Escapes a string canonically, with quotes.
fn quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// Where a statement ends, including its trailing comment.
fn stmt_end(s: &Statement) -> usize {
    match &s.trailing_comment {
        Some(c) => c.span.end as usize,
        None => s.span.end as usize,
    }
}

fn has_comments(s: &Statement) -> bool {
    !s.leading_comments.is_empty() || s.trailing_comment.is_some()
}

impl<'a> Formatter<'a> {
    fn indent(&mut self, level: usize) {
        for _ in 0..level {
            self.out.push_str("  ");
        }
    }

    /// The current column (characters since the last newline).
    fn column(&self) -> usize {
        let line = match self.out.rfind('\n') {
            Some(i) => &self.out[i + 1..],
            None => &self.out[..],
        };
        width(line)
    }

    fn slice(&self, start: u32, end: u32) -> &'a str {
        self.src
            .get(start as usize..end as usize)
            .unwrap_or_default()
    }

    /// Whether the source between `a` and `b` holds a blank line.
    fn blank_between(&self, a: usize, b: usize) -> bool {
        let Some(text) = self.src.get(a..b) else {
            return false;
        };
        let mut lines = text.split('\n');
        lines.next();
        let mut lines = lines.peekable();
        while let Some(line) = lines.next() {
            if lines.peek().is_some() && line.trim_matches([' ', '\t', '\r']).is_empty() {
                return true;
            }
        }
        false
    }

    /// Whether the source between `a` and `b` holds no newline.
    fn same_line(&self, a: usize, b: usize) -> bool {
        self.src.get(a..b).is_some_and(|t| !t.contains('\n'))
    }

    fn comment_line(&mut self, c: &Comment, level: usize) {
        self.indent(level);
        self.out.push_str(&c.text);
        self.out.push('\n');
    }

    /// Writes statements and trailing comments, one per line, at `level`. `first_done` is the
    /// comment already written on the line of the enclosing `{`, if any.
    fn items(
        &mut self,
        stmts: &[Statement],
        trailing: &[Comment],
        level: usize,
        first_done: Option<&Comment>,
    ) {
        // End of the previous element, for blank-line detection between comments. The blank
        // line before a statement's first line is its `blank_line_before`.
        let mut prev = first_done.map(|c| c.span.end as usize);
        let mut skip = first_done.is_some();
        for (i, s) in stmts.iter().enumerate() {
            if i > 0 {
                prev = None;
            }
            let mut comments = &s.leading_comments[..];
            if skip && !comments.is_empty() {
                comments = &comments[1..];
                skip = false;
            }
            if i > 0 && s.blank_line_before {
                self.out.push('\n');
            }
            for c in comments {
                if prev.is_some_and(|p| self.blank_between(p, c.span.start as usize)) {
                    self.out.push('\n');
                }
                self.comment_line(c, level);
                prev = Some(c.span.end as usize);
            }
            if prev.is_some_and(|p| self.blank_between(p, s.keyword.span.start as usize)) {
                self.out.push('\n');
            }
            self.statement(s, level);
        }
        if let Some(last) = stmts.last() {
            prev = Some(stmt_end(last));
        }
        let mut trailing = trailing;
        if skip && !trailing.is_empty() {
            trailing = &trailing[1..];
        }
        for c in trailing {
            if prev.is_some_and(|p| self.blank_between(p, c.span.start as usize)) {
                self.out.push('\n');
            }
            self.comment_line(c, level);
            prev = Some(c.span.end as usize);
        }
    }

    /// Writes one statement (and its block) starting at `level`, ending with a newline.
    fn statement(&mut self, s: &Statement, level: usize) {
        self.indent(level);
        self.head(s, level);
        if let Some(b) = &s.block {
            self.block(b, level);
        }
        if let Some(c) = &s.trailing_comment {
            self.out.push(' ');
            self.out.push_str(&c.text);
        }
        self.out.push('\n');
    }

    /// The keyword and arguments; lists are broken when the line is too long or they hold
    /// comments.
    fn head(&mut self, s: &Statement, level: usize) {
        let mut flat = s.keyword.name.clone();
        let mut fits = true;
        for a in &s.args {
            flat.push(' ');
            if !self.flat_value(a, &mut flat) {
                fits = false;
            }
        }
        if fits && level * 2 + width(&flat) <= WIDTH {
            self.out.push_str(&flat);
            return;
        }
        self.out.push_str(&s.keyword.name);
        for a in &s.args {
            self.out.push(' ');
            match &a.kind {
                ValueKind::List(items)
                    if !items.is_empty() || !self.list_comments(a).is_empty() =>
                {
                    self.broken_list(a, items, level)
                }
                _ => {
                    let mut text = String::new();
                    self.flat_value(a, &mut text);
                    self.out.push_str(&text);
                }
            }
        }
    }

    /// Writes `v` on one line into `out`; returns false if it cannot be (a list with comments).
    fn flat_value(&self, v: &Value, out: &mut String) -> bool {
        match &v.kind {
            ValueKind::String(s) => quote(s, out),
            ValueKind::List(items) => {
                let mut ok = self.list_comments(v).is_empty();
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    ok &= self.flat_value(item, out);
                }
                out.push(']');
                return ok;
            }
            ValueKind::Arrow => out.push_str("->"),
            _ => out.push_str(self.slice(v.span.start, v.span.end)),
        }
        true
    }

    /// Comments between the items of list `v`, found again in the source.
    fn list_comments(&self, v: &Value) -> Vec<GapComment<'a>> {
        let ValueKind::List(items) = &v.kind else {
            return Vec::new();
        };
        let mut found = Vec::new();
        let (start, end) = (v.span.start as usize, v.span.end as usize);
        let close = if self.src.as_bytes().get(end.wrapping_sub(1)) == Some(&b']') {
            end - 1
        } else {
            end
        };
        let mut from = start + 1;
        for gap in 0..=items.len() {
            let to = match items.get(gap) {
                Some(item) => item.span.start as usize,
                None => close,
            };
            if let Some(text) = self.src.get(from..to) {
                let mut same_line = true;
                let mut rest = text;
                while let Some(i) = rest.find(['#', '/', '\n']) {
                    let tail = &rest[i..];
                    if let Some(after) = tail.strip_prefix('\n') {
                        same_line = false;
                        rest = after;
                    } else if tail.starts_with('#') || tail.starts_with("//") {
                        let len = tail.find('\n').unwrap_or(tail.len());
                        found.push(GapComment {
                            gap,
                            text: tail[..len].trim_end_matches([' ', '\t', '\r']),
                            same_line,
                        });
                        rest = &tail[len..];
                    } else {
                        rest = &tail[1..];
                    }
                }
            }
            if let Some(item) = items.get(gap) {
                from = item.span.end as usize;
            }
        }
        found
    }

    /// A list one item per line, each followed by a comma, with its comments.
    fn broken_list(&mut self, v: &Value, items: &[Value], level: usize) {
        let comments = self.list_comments(v);
        let inner = level + 1;
        self.out.push('[');
        let same = |gap: usize| comments.iter().filter(move |c| c.gap == gap && c.same_line);
        let own = |gap: usize| {
            comments
                .iter()
                .filter(move |c| c.gap == gap && !c.same_line)
        };
        for c in same(0) {
            self.out.push(' ');
            self.out.push_str(c.text);
        }
        self.out.push('\n');
        for (i, item) in items.iter().enumerate() {
            for c in own(i) {
                self.indent(inner);
                self.out.push_str(c.text);
                self.out.push('\n');
            }
            self.indent(inner);
            self.item(item, inner);
            self.out.push(',');
            for c in same(i + 1) {
                self.out.push(' ');
                self.out.push_str(c.text);
            }
            self.out.push('\n');
        }
        for c in own(items.len()) {
            self.indent(inner);
            self.out.push_str(c.text);
            self.out.push('\n');
        }
        self.indent(level);
        self.out.push(']');
    }

    /// An item of a broken list: on one line if it can be and fits, else broken itself.
    fn item(&mut self, v: &Value, level: usize) {
        let mut flat = String::new();
        let ok = self.flat_value(v, &mut flat);
        match &v.kind {
            ValueKind::List(items) if !ok || level * 2 + width(&flat) + 1 > WIDTH => {
                self.broken_list(v, items, level)
            }
            _ => self.out.push_str(&flat),
        }
    }

    /// A statement on one line, as inside a one-line block, or `None` if it cannot be.
    fn flat_statement(&self, s: &Statement, out: &mut String) -> bool {
        if has_comments(s) {
            return false;
        }
        out.push_str(&s.keyword.name);
        for a in &s.args {
            out.push(' ');
            if !self.flat_value(a, out) {
                return false;
            }
        }
        match &s.block {
            Some(b) => self.flat_block(b, out),
            None => true,
        }
    }

    /// ` { a 1; b 2 }` or ` {}`, if the block may stay on one line.
    fn flat_block(&self, b: &Block, out: &mut String) -> bool {
        if b.statements.is_empty() && b.trailing_comments.is_empty() {
            out.push_str(" {}");
            return true;
        }
        if !b.single_line || !b.trailing_comments.is_empty() {
            return false;
        }
        out.push_str(" { ");
        for (i, s) in b.statements.iter().enumerate() {
            if i > 0 {
                out.push_str("; ");
            }
            if !self.flat_statement(s, out) {
                return false;
            }
        }
        out.push_str(" }");
        true
    }

    fn block(&mut self, b: &Block, level: usize) {
        let mut flat = String::new();
        if self.flat_block(b, &mut flat) && self.column() + width(&flat) <= WIDTH {
            self.out.push_str(&flat);
            return;
        }
        self.out.push_str(" {");
        // A comment on the line of `{` stays there.
        let first = b
            .statements
            .first()
            .and_then(|s| s.leading_comments.first())
            .or(if b.statements.is_empty() {
                b.trailing_comments.first()
            } else {
                None
            })
            .filter(|c| self.same_line(b.span.start as usize, c.span.start as usize));
        if let Some(c) = first {
            self.out.push(' ');
            self.out.push_str(&c.text);
        }
        self.out.push('\n');
        self.items(&b.statements, &b.trailing_comments, level + 1, first);
        self.indent(level);
        self.out.push('}');
    }
}
