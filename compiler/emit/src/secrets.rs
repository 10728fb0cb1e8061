//! Secret placeholders: `@@secret:NAME@@` in file contents.

use std::collections::{BTreeMap, BTreeSet};

const OPEN: &[u8] = b"@@secret:";
const CLOSE: &[u8] = b"@@";
/// Longest secret name recognised.
const MAX_NAME: usize = 128;

/// What to do with placeholders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretMode {
    /// Keep placeholders verbatim (pull-request checks, snapshots); the
    /// summary lists which secrets were kept.
    Keep,
    /// Substitute every placeholder; fail, naming every missing secret, if any
    /// value is missing.
    Resolve,
}

/// Where secret values come from (shared by the threads that prepare files).
pub trait SecretResolver: Sync {
    /// The value of secret `name`, if known.
    fn resolve(&self, name: &str) -> Option<String>;

    /// Why `value` may not be used for secret `name` beyond [`unsafe_reason`] (for example a
    /// length limit the model declares), if it may not. Never includes the value.
    fn refuse(&self, name: &str, value: &str) -> Option<String> {
        let _ = (name, value);
        None
    }
}

/// Secret values held in memory.
#[derive(Default, Clone)]
pub struct SecretValues(BTreeMap<String, String>);

impl std::fmt::Debug for SecretValues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print values.
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl SecretValues {
    /// No secrets.
    pub fn new() -> Self {
        SecretValues::default()
    }

    /// Add (or replace) a secret.
    pub fn insert(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.insert(name.into(), value.into());
    }
}

impl SecretResolver for SecretValues {
    fn resolve(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }
}

/// Environment variables: secret `db.repl-password` is read from
/// `{prefix}DB_REPL_PASSWORD` (uppercased, `.` and `-` become `_`).
#[derive(Debug, Clone)]
pub struct EnvSecrets {
    /// Prefix of the variable names, e.g. `INFRAC_SECRET_`.
    pub prefix: String,
}

impl SecretResolver for EnvSecrets {
    fn resolve(&self, name: &str) -> Option<String> {
        let var: String = name
            .chars()
            .map(|c| match c {
                '.' | '-' => '_',
                c => c.to_ascii_uppercase(),
            })
            .collect();
        std::env::var(format!("{}{var}", self.prefix)).ok()
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/')
}

/// The names of the placeholders in `contents`, in order of appearance, with
/// their byte ranges (placeholder included).
pub(crate) fn placeholders(contents: &[u8]) -> Vec<(std::ops::Range<usize>, String)> {
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(pos) = find(&contents[i..], OPEN) {
        let start = i + pos;
        let name_start = start + OPEN.len();
        let name_len = contents[name_start..]
            .iter()
            .take(MAX_NAME + 1)
            .take_while(|b| is_name_byte(**b))
            .count();
        let name_end = name_start + name_len;
        if name_len > 0 && name_len <= MAX_NAME && contents[name_end..].starts_with(CLOSE) {
            let name = String::from_utf8_lossy(&contents[name_start..name_end]).into_owned();
            found.push((start..name_end + CLOSE.len(), name));
            i = name_end + CLOSE.len();
        } else {
            i = start + 1;
        }
    }
    found
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Substitute placeholders in `contents`. Returns the new contents, the names
/// used, and the names whose value is missing (those stay as placeholders).
/// Why a secret value cannot be written into a configuration file safely, if it cannot.
///
/// Placeholders sit inside quoted strings of many formats (YAML, XML, SQL, shell, HAProxy,
/// keepalived); emit does not know which, so a value may hold only characters that are literal
/// in all of them. Anything else could end the string and inject configuration.
pub fn unsafe_reason(value: &str) -> Option<String> {
    const SPECIAL: &[char] = &['"', '\'', '\\', '`', '$', '<', '>', '&'];
    if value.is_empty() {
        return Some("it is empty".to_string());
    }
    value.chars().find_map(|c| {
        if c.is_whitespace() && !c.is_control() {
            Some(
                "it contains white space, which ends a word in line-based formats (IOS, FRR)"
                    .to_string(),
            )
        } else if c.is_control() {
            Some(format!(
                "it contains a control character (U+{:04X})",
                c as u32
            ))
        } else if SPECIAL.contains(&c) {
            Some(format!(
                "it contains `{c}`, which some configuration formats would interpret"
            ))
        } else {
            None
        }
    })
}

/// What substitution gives: the new bytes (none when nothing was substituted), the secrets
/// referenced, those without a value, and those whose value is unsafe (name → reason).
pub(crate) type Substitution = (
    Option<Vec<u8>>,
    BTreeSet<String>,
    BTreeSet<String>,
    BTreeMap<String, String>,
);

pub(crate) fn substitute(
    contents: &[u8],
    resolver: &dyn SecretResolver,
    mode: SecretMode,
) -> Substitution {
    let found = placeholders(contents);
    let names: BTreeSet<String> = found.iter().map(|(_, n)| n.clone()).collect();
    if found.is_empty() || mode == SecretMode::Keep {
        return (None, names, BTreeSet::new(), BTreeMap::new());
    }
    let mut missing = BTreeSet::new();
    let mut unsafe_values = BTreeMap::new();
    let mut out = Vec::with_capacity(contents.len());
    let mut last = 0;
    for (range, name) in found {
        out.extend_from_slice(&contents[last..range.start]);
        match resolver.resolve(&name) {
            Some(value) => match unsafe_reason(&value).or_else(|| resolver.refuse(&name, &value)) {
                None => out.extend_from_slice(value.as_bytes()),
                Some(reason) => {
                    out.extend_from_slice(&contents[range.clone()]);
                    unsafe_values.insert(name, reason);
                }
            },
            None => {
                out.extend_from_slice(&contents[range.clone()]);
                missing.insert(name);
            }
        }
        last = range.end;
    }
    out.extend_from_slice(&contents[last..]);
    (Some(out), names, missing, unsafe_values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_well_formed_placeholders_only() {
        let text = b"a @@secret:db.pw@@ b @@secret:@@ @@secret:x y@@ @@secret:ok_1@@@@";
        let names: Vec<String> = placeholders(text).into_iter().map(|(_, n)| n).collect();
        assert_eq!(names, ["db.pw", "ok_1"]);
    }

    #[test]
    fn resolves_and_reports_missing() {
        let mut values = SecretValues::new();
        values.insert("a", "AAA");
        let (out, names, missing, _) = substitute(
            b"x=@@secret:a@@ y=@@secret:b@@",
            &values,
            SecretMode::Resolve,
        );
        assert_eq!(out.as_deref(), Some(&b"x=AAA y=@@secret:b@@"[..]));
        assert_eq!(names.into_iter().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(missing.into_iter().collect::<Vec<_>>(), ["b"]);
    }

    #[test]
    fn keep_mode_leaves_contents_alone() {
        let mut values = SecretValues::new();
        values.insert("a", "AAA");
        let (out, names, missing, _) = substitute(b"@@secret:a@@", &values, SecretMode::Keep);
        assert!(out.is_none());
        assert_eq!(names.len(), 1);
        assert!(missing.is_empty());
    }

    #[test]
    fn debug_never_prints_values() {
        let mut values = SecretValues::new();
        values.insert("a", "hunter2");
        assert!(!format!("{values:?}").contains("hunter2"));
    }
}

#[cfg(test)]
mod safety_tests {
    use super::*;

    #[test]
    fn values_that_could_inject_configuration_are_refused() {
        assert_eq!(unsafe_reason("s3cret-Pass_word.2026!"), None);
        assert_eq!(unsafe_reason("pässwörd"), None);
        for bad in [
            "p@ss\"word",
            "a'b",
            "a\\b",
            "a$b",
            "a`b",
            "a<b",
            "a>b",
            "a&b",
            "line\nbreak",
            "tab\there",
            "two words",
            "",
        ] {
            assert!(unsafe_reason(bad).is_some(), "{bad:?} accepted");
        }
    }

    #[test]
    fn a_resolver_can_refuse_a_value() {
        struct Short;
        impl SecretResolver for Short {
            fn resolve(&self, _: &str) -> Option<String> {
                Some("123456789".into())
            }
            fn refuse(&self, _: &str, value: &str) -> Option<String> {
                (value.chars().count() > 8).then(|| "it is longer than 8 characters".into())
            }
        }
        let (out, _, _, refused) =
            substitute(b"auth_pass @@secret:v@@", &Short, SecretMode::Resolve);
        assert_eq!(
            refused.get("v").map(String::as_str),
            Some("it is longer than 8 characters")
        );
        let out = String::from_utf8(out.unwrap_or_default()).unwrap_or_default();
        assert!(!out.contains("123456789"), "{out}");
    }

    #[test]
    fn an_unsafe_value_is_reported_not_written() {
        let mut values = SecretValues::new();
        values.insert("db", "x\"\nprivileged: true");
        let (out, _, missing, unsafe_values) =
            substitute(b"pw: \"@@secret:db@@\"", &values, SecretMode::Resolve);
        assert!(missing.is_empty());
        assert!(unsafe_values.contains_key("db"));
        let out = String::from_utf8(out.unwrap_or_default()).unwrap_or_default();
        assert!(!out.contains("privileged"), "{out}");
    }
}
