//! Check arbitrary bytes as a model: parsing and checking must not panic, every diagnostic
//! (and secondary label) must lie within the input on character boundaries, and a model is
//! returned exactly when there is no error.

#![no_main]

use infrac_check::{CheckOptions, check};
use infrac_diag::SourceMap;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let src = String::from_utf8_lossy(data).into_owned();
    let mut sources = SourceMap::new();
    let id = sources.add("fuzz.infra", src.clone());
    let (file, mut diags) = infrac_syntax::parse(id, &src);
    let checked = check(&sources, &[(id, &file)], &CheckOptions { today: Some((2026, 11, 23)) });
    assert_eq!(checked.model.is_some(), !checked.has_errors());
    diags.extend(checked.diagnostics);
    for d in &diags {
        for span in std::iter::once(d.span).chain(d.secondary.iter().map(|l| l.span)) {
            let (s, e) = (span.start as usize, span.end as usize);
            assert!(s <= e && e <= src.len(), "span {s}..{e} outside {} bytes: {}", src.len(), d.message);
            assert!(src.is_char_boundary(s) && src.is_char_boundary(e), "span {s}..{e} splits a char");
        }
    }
});
