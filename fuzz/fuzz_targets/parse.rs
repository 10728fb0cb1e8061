//! Parse arbitrary bytes (converted lossily, as the CLI does); the parser must not panic, and
//! every span must lie within the input on character boundaries. When the input parses
//! cleanly, formatting must keep its meaning and be idempotent.

#![no_main]

use infrac_diag::{FileId, Span};
use infrac_syntax::{dump, format, parse};
use libfuzzer_sys::fuzz_target;

fn check_span(src: &str, span: Span) {
    let (s, e) = (span.start as usize, span.end as usize);
    assert!(s <= e && e <= src.len(), "span {s}..{e} outside {} bytes", src.len());
    assert!(src.is_char_boundary(s) && src.is_char_boundary(e), "span {s}..{e} splits a char");
}

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data);
    let (file, diags) = parse(FileId(0), &src);
    for d in &diags {
        check_span(&src, d.span);
    }
    if diags.iter().any(|d| d.is_error()) {
        // The output is unspecified for files with errors, but must not panic.
        let _ = format(&file, &src);
        return;
    }
    let once = format(&file, &src);
    let (file2, diags2) = parse(FileId(0), &once);
    assert!(diags2.is_empty(), "formatted text does not parse: {diags2:?}\n{once}");
    assert_eq!(dump(&file, false), dump(&file2, false), "formatting changed the meaning");
    assert_eq!(format(&file2, &once), once, "formatting is not idempotent");
});
