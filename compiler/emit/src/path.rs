//! Output path rules.

use std::fmt;

/// Name of the manifest at the root of an output tree (reserved).
pub const MANIFEST_NAME: &str = ".infrac-manifest.json";

/// Longest accepted path, in bytes.
pub const MAX_PATH: usize = 1024;
/// Longest accepted path segment, in bytes.
pub const MAX_SEGMENT: usize = 255;

/// Why a path is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathError {
    /// The path is empty.
    Empty,
    /// The path starts with `/` (or is otherwise absolute).
    Absolute,
    /// A segment is `..`.
    ParentDir,
    /// A segment is `.`.
    CurrentDir,
    /// Two consecutive `/`, or a trailing `/`.
    EmptySegment,
    /// Contains a NUL byte.
    Nul,
    /// Contains a backslash (a separator on Windows).
    Backslash,
    /// Contains another control character.
    Control(char),
    /// Longer than [`MAX_PATH`] bytes, or a segment longer than [`MAX_SEGMENT`].
    TooLong,
    /// The path is the manifest's.
    Reserved,
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathError::Empty => write!(f, "the path is empty"),
            PathError::Absolute => write!(f, "the path is absolute; it must be relative"),
            PathError::ParentDir => write!(f, "`..` is not allowed"),
            PathError::CurrentDir => write!(f, "`.` segments are not allowed (normalize the path)"),
            PathError::EmptySegment => {
                write!(f, "empty segment (`//` or a trailing `/`)")
            }
            PathError::Nul => write!(f, "contains a NUL character"),
            PathError::Backslash => write!(f, "contains a backslash; use `/` as the separator"),
            PathError::Control(c) => write!(f, "contains the control character {c:?}"),
            PathError::TooLong => write!(
                f,
                "too long (at most {MAX_PATH} bytes, {MAX_SEGMENT} per segment)"
            ),
            PathError::Reserved => write!(f, "`{MANIFEST_NAME}` is reserved for the manifest"),
        }
    }
}

impl std::error::Error for PathError {}

/// Check that `path` is a relative, normalized path with `/` separators that
/// stays inside the output directory.
pub fn validate_path(path: &str) -> Result<(), PathError> {
    if path.is_empty() {
        return Err(PathError::Empty);
    }
    if let Some(c) = path
        .chars()
        .find(|c| *c == '\0' || *c == '\\' || c.is_control())
    {
        return Err(match c {
            '\0' => PathError::Nul,
            '\\' => PathError::Backslash,
            other => PathError::Control(other),
        });
    }
    if path.starts_with('/') {
        return Err(PathError::Absolute);
    }
    if path.len() > MAX_PATH {
        return Err(PathError::TooLong);
    }
    for segment in path.split('/') {
        match segment {
            "" => return Err(PathError::EmptySegment),
            "." => return Err(PathError::CurrentDir),
            ".." => return Err(PathError::ParentDir),
            s if s.len() > MAX_SEGMENT => return Err(PathError::TooLong),
            _ => {}
        }
    }
    if path == MANIFEST_NAME {
        return Err(PathError::Reserved);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_relative_normalized_paths() {
        for p in [
            "a",
            "a/b/c.conf",
            "site-a/fw1/config.xml",
            ".hidden",
            "a/..b",
            "é/ü.txt",
        ] {
            assert_eq!(validate_path(p), Ok(()), "{p}");
        }
    }

    #[test]
    fn rejects_empty() {
        assert_eq!(validate_path(""), Err(PathError::Empty));
    }

    #[test]
    fn rejects_absolute() {
        assert_eq!(validate_path("/etc/passwd"), Err(PathError::Absolute));
        assert_eq!(validate_path("/"), Err(PathError::Absolute));
    }

    #[test]
    fn rejects_parent_dir() {
        assert_eq!(validate_path("../x"), Err(PathError::ParentDir));
        assert_eq!(validate_path("a/../../x"), Err(PathError::ParentDir));
        assert_eq!(validate_path("a/.."), Err(PathError::ParentDir));
    }

    #[test]
    fn rejects_current_dir() {
        assert_eq!(validate_path("./a"), Err(PathError::CurrentDir));
        assert_eq!(validate_path("a/./b"), Err(PathError::CurrentDir));
    }

    #[test]
    fn rejects_empty_segments() {
        assert_eq!(validate_path("a//b"), Err(PathError::EmptySegment));
        assert_eq!(validate_path("a/"), Err(PathError::EmptySegment));
    }

    #[test]
    fn rejects_nul_backslash_and_controls() {
        assert_eq!(validate_path("a\0b"), Err(PathError::Nul));
        assert_eq!(validate_path("a\\b"), Err(PathError::Backslash));
        assert_eq!(validate_path("..\\x"), Err(PathError::Backslash));
        assert_eq!(validate_path("C:\\x"), Err(PathError::Backslash));
        assert_eq!(validate_path("a\nb"), Err(PathError::Control('\n')));
        assert_eq!(validate_path("a\x1b[0m"), Err(PathError::Control('\x1b')));
        assert_eq!(validate_path("a\u{85}"), Err(PathError::Control('\u{85}')));
    }

    #[test]
    fn rejects_overlong() {
        assert_eq!(validate_path(&"a".repeat(256)), Err(PathError::TooLong));
        assert_eq!(validate_path(&"a/".repeat(600)), Err(PathError::TooLong));
    }

    #[test]
    fn rejects_manifest_name() {
        assert_eq!(validate_path(MANIFEST_NAME), Err(PathError::Reserved));
        assert_eq!(validate_path(&format!("sub/{MANIFEST_NAME}")), Ok(()));
    }
}
