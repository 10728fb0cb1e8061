//! Helpers shared by the integration tests.
#![allow(dead_code)]

use infrac_diag::{Diagnostic, FileId};
use infrac_syntax::{ast, dump, format, parse};
use std::path::{Path, PathBuf};

/// Parses `src` in file 0.
pub fn p(src: &str) -> (ast::File, Vec<Diagnostic>) {
    parse(FileId(0), src)
}

/// Renders diagnostics one per line: `CODE start..end message`.
pub fn render_diags(src: &str, diags: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let text = src.get(d.span.range()).unwrap_or("<bad span>");
        out.push_str(&format!(
            "{} {}..{} {:?}: {}\n",
            d.code, d.span.start, d.span.end, text, d.message
        ));
    }
    out
}

/// Parses and asserts there is no diagnostic.
pub fn clean(src: &str) -> ast::File {
    let (file, diags) = p(src);
    assert!(
        diags.is_empty(),
        "unexpected diagnostics for\n{src}\n{}",
        render_diags(src, &diags)
    );
    file
}

/// Formats `src` (which must parse cleanly).
pub fn fmt(src: &str) -> String {
    let file = clean(src);
    format(&file, src)
}

/// Checks idempotence and meaning preservation of `src`; returns the formatted text.
pub fn check_fmt(src: &str) -> String {
    let file = clean(src);
    let once = format(&file, src);
    let file2 = clean(&once);
    assert_eq!(
        dump(&file, false),
        dump(&file2, false),
        "formatting changed the meaning of\n{src}\n---- formatted:\n{once}"
    );
    let twice = format(&file2, &once);
    assert_eq!(once, twice, "formatting is not idempotent for\n{src}");
    assert!(once.is_empty() || (once.ends_with('\n') && !once.ends_with("\n\n")));
    assert_eq!(
        count_comments(&file),
        count_comments(&file2),
        "formatting lost comments of\n{src}\n---- formatted:\n{once}"
    );
    once
}

fn count_comments(file: &ast::File) -> usize {
    fn stmts(s: &[ast::Statement]) -> usize {
        s.iter()
            .map(|s| {
                s.leading_comments.len()
                    + usize::from(s.trailing_comment.is_some())
                    + s.block
                        .as_ref()
                        .map_or(0, |b| stmts(&b.statements) + b.trailing_comments.len())
            })
            .sum()
    }
    stmts(&file.statements) + file.trailing_comments.len()
}

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `*.infra` file under `examples/` and `tests/ui/` of the workspace, sorted.
pub fn infra_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|x| x == "infra") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join("examples"), &mut out);
    walk(&root().join("tests/ui"), &mut out);
    walk(&root().join("policies"), &mut out);
    out.sort();
    out
}
