//! IR version compatibility.
//!
//! Versions are `MAJOR.MINOR` (a trailing `.PATCH` is ignored). For `0.x`,
//! every minor version is its own compatibility line, so `0.1` reads only
//! `0.1`. From `1.0` on, a plugin that reads `M.n` can read any `M.k` with
//! `k >= n` (minor versions only add to the document).

/// Parse `MAJOR.MINOR[.PATCH]`.
fn parse(version: &str) -> Option<(u64, u64)> {
    let mut parts = version.trim().split('.');
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    match parts.next() {
        None => {}
        Some(patch) => {
            patch.parse::<u64>().ok()?;
        }
    }
    if parts.next().is_some() {
        return None;
    }
    Some((major, minor))
}

/// Whether a plugin declaring `plugin_reads` can read a document of `host_provides`.
pub fn compatible(plugin_reads: &[String], host_provides: &str) -> bool {
    let Some((hmaj, hmin)) = parse(host_provides) else {
        return false;
    };
    plugin_reads
        .iter()
        .filter_map(|v| parse(v))
        .any(|(maj, min)| {
            if hmaj == 0 {
                maj == 0 && min == hmin
            } else {
                maj == hmaj && min <= hmin
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn zero_x_is_exact_minor() {
        assert!(compatible(&v(&["0.1"]), "0.1"));
        assert!(compatible(&v(&["0.1.3"]), "0.1"));
        assert!(!compatible(&v(&["0.2"]), "0.1"));
        assert!(!compatible(&v(&["0.1"]), "0.2"));
    }

    #[test]
    fn stable_reads_newer_minors() {
        assert!(compatible(&v(&["1.0"]), "1.3"));
        assert!(!compatible(&v(&["1.4"]), "1.3"));
        assert!(!compatible(&v(&["2.0"]), "1.3"));
        assert!(compatible(&v(&["9", "1.1"]), "1.3"));
    }

    #[test]
    fn garbage_is_incompatible() {
        assert!(!compatible(&v(&["", "x", "0.1.2.3", "0.1x"]), "0.1"));
        assert!(!compatible(&v(&[]), "0.1"));
    }
}
