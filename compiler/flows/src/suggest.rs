//! "Did you mean" suggestions (the same scoring as the checker's).

/// The candidate closest to `name`, if one is close enough to be a likely typo.
pub(crate) fn closest<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let score = strsim::jaro_winkler(name, c);
        let close = score >= 0.8 || strsim::levenshtein(name, c) <= 2.min(c.len() / 2);
        if close && best.is_none_or(|(s, b)| score > s || (score == s && c < b)) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// "did you mean `x`?", when a candidate is close.
pub(crate) fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    closest(name, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos() {
        assert_eq!(closest("pariss", ["paris", "lyon"]), Some("paris"));
        assert_eq!(
            closest("app1-3", ["app1-1", "app1-2", "db"]),
            Some("app1-1")
        );
        assert_eq!(closest("zzz", ["subnet", "vlan"]), None);
    }
}
