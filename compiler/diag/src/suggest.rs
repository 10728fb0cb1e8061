//! "Did you mean" suggestions, shared by every phase so they score names the same way.

/// The candidate closest to `name`, if one is close enough to be a likely typo.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
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

/// A help line: "did you mean `x`?" or, failing that, the list of valid names (up to 12).
pub fn help<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
) -> Option<String> {
    if let Some(c) = closest(name, candidates.clone()) {
        return Some(format!("did you mean `{c}`?"));
    }
    let mut all: Vec<&str> = candidates.into_iter().collect();
    all.sort_unstable();
    all.dedup();
    if all.is_empty() {
        return None;
    }
    let shown: Vec<String> = all.iter().take(12).map(|c| format!("`{c}`")).collect();
    let more = if all.len() > 12 { ", …" } else { "" };
    Some(format!("expected one of {}{more}", shown.join(", ")))
}

/// "did you mean `x`?", when a candidate is close.
pub fn did_you_mean<'a>(
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
        assert_eq!(
            closest("subent", ["subnet", "vlan", "gateway"]),
            Some("subnet")
        );
        assert_eq!(
            closest("app1-3", ["app1-1", "app1-2", "db"]),
            Some("app1-1")
        );
        assert_eq!(closest("zzz", ["subnet", "vlan"]), None);
    }
}
