//! DNS names: validity of host names (RFC 952/1123 LDH labels, as BIND's `check-names`
//! enforces for address records) and turning model names into zone-file owners and FQDNs.

/// Longest label (RFC 1035).
pub const MAX_LABEL: usize = 63;
/// Longest name in text form without the trailing dot (RFC 1035: 255 octets on the wire).
pub const MAX_NAME: usize = 253;

/// Why a label is not a valid host-name label, or `None` when it is.
pub fn label_problem(label: &str) -> Option<String> {
    if label.is_empty() {
        return Some("an empty label".to_string());
    }
    if label.len() > MAX_LABEL {
        return Some(format!(
            "label `{label}` is {} characters long (at most {MAX_LABEL})",
            label.len()
        ));
    }
    if let Some(c) = label
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-'))
    {
        return Some(format!(
            "label `{label}` contains `{c}` (host names allow letters, digits and `-`)"
        ));
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Some(format!(
            "label `{label}` starts or ends with `-` (not allowed in host names)"
        ));
    }
    None
}

/// Why a dotted name (without trailing dot) is not a valid host name, or `None`.
pub fn name_problem(name: &str) -> Option<String> {
    if name.len() > MAX_NAME {
        return Some(format!(
            "`{name}` is {} characters long (at most {MAX_NAME})",
            name.len()
        ));
    }
    name.split('.').find_map(label_problem)
}

/// The project domain without a trailing dot.
pub fn domain(raw: &str) -> String {
    raw.strip_suffix('.').unwrap_or(raw).to_string()
}

/// The fully qualified form (with trailing dot) of a record name relative to `domain`:
/// `www` → `www.foobar.com.`, `@` → `foobar.com.`.
pub fn fqdn(name: &str, domain: &str) -> String {
    if name == "@" {
        format!("{domain}.")
    } else {
        format!("{name}.{domain}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ldh_labels() {
        assert_eq!(label_problem("www"), None);
        assert_eq!(label_problem("app1-2"), None);
        assert_eq!(label_problem("123"), None);
        assert!(label_problem("app_1").is_some());
        assert!(label_problem("-a").is_some());
        assert!(label_problem("a-").is_some());
        assert!(label_problem("").is_some());
        assert!(label_problem(&"a".repeat(64)).is_some());
        assert_eq!(label_problem(&"a".repeat(63)), None);
    }

    #[test]
    fn dotted_names() {
        assert_eq!(name_problem("foobar.com"), None);
        assert!(name_problem("foobar..com").is_some());
        assert!(name_problem("foo bar.com").is_some());
        assert!(name_problem(&vec!["a"; 130].join(".")).is_some());
        assert_eq!(name_problem(&vec!["a"; 127].join(".")), None);
    }

    #[test]
    fn fully_qualified() {
        assert_eq!(fqdn("www", "foobar.com"), "www.foobar.com.");
        assert_eq!(fqdn("@", "foobar.com"), "foobar.com.");
        assert_eq!(domain("foobar.com."), "foobar.com");
    }
}
