//! What may stand, unquoted or quoted, in keepalived.conf: the checks that keep a model value
//! from changing the meaning of the configuration around it.

/// Whether `text` is one keepalived word: not empty, and no whitespace, quote, comment
/// character (`#`, `!`), brace or control character.
pub fn is_word(text: &str) -> bool {
    !text.is_empty()
        && !text
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "\"'#!{}".contains(c))
}

/// Whether `name` is a Linux interface name keepalived can run VRRP on: 1–15 bytes (the
/// kernel's limit), no `/`, `:`, whitespace or control character, not `.` or `..`, and not the
/// loopback `lo` (keepalived refuses it).
pub fn is_interface_name(name: &str) -> bool {
    (1..=15).contains(&name.len())
        && !matches!(name, "." | ".." | "lo")
        && is_word(name)
        && !name.contains(['/', ':'])
}

/// Whether `pgrep -x NAME` matches exactly the processes named `name`: 1–15 characters (the
/// kernel keeps 15 of a process name), letters, digits, `_` and `-` only (no regular
/// expression metacharacter), not starting with `-` (an option to pgrep).
pub fn is_process_name(name: &str) -> bool {
    (1..=15).contains(&name.len())
        && !name.starts_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// Whether `path` is an absolute path of plain characters (letters, digits, `_ . / + -`), so
/// that keepalived runs exactly that file with no arguments.
pub fn is_script_path(path: &str) -> bool {
    path.starts_with('/')
        && path.len() > 1
        && !path.ends_with('/')
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_./+-".contains(c))
}

/// `text` with control characters replaced by `?`, for a comment line.
pub fn comment_text(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert!(is_word("lb1"));
        assert!(is_word("@@secret:vrrp-pass@@"));
        for bad in ["", "a b", "a\"b", "a#b", "a!b", "a{", "a\nb"] {
            assert!(!is_word(bad), "{bad:?}");
        }
    }

    #[test]
    fn interface_names() {
        assert!(is_interface_name("eth0"));
        assert!(is_interface_name("enp0s31f6.100"));
        assert!(is_interface_name("abcdefghijklmno"));
        for bad in [
            "",
            "lo",
            ".",
            "..",
            "eth0:1",
            "a/b",
            "a b",
            "abcdefghijklmnop",
        ] {
            assert!(!is_interface_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn process_names() {
        assert!(is_process_name("haproxy"));
        assert!(is_process_name("node_exporter"));
        for bad in ["", "-x", "ha.proxy", "a b", "a*", "sixteen-chars-xx"] {
            assert!(!is_process_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn script_paths() {
        assert!(is_script_path("/usr/local/bin/notify.sh"));
        for bad in [
            "notify.sh",
            "/",
            "/bin/",
            "/bin/x y",
            "/bin/x;y",
            "/bin/\"x",
        ] {
            assert!(!is_script_path(bad), "{bad:?}");
        }
    }

    #[test]
    fn comments() {
        assert_eq!(comment_text("a\nb"), "a?b");
    }
}
