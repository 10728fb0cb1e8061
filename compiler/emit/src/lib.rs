//! Writes a build's files: validated paths, secret substitution, an atomic
//! swap of the whole output tree and a manifest.
//!
//! Everything below the output directory's parent is accessed through a
//! cap-std [`cap_std::fs::Dir`], so no path a plugin returns can reach outside.

mod manifest;
mod path;
mod secrets;
mod tree;

use std::fmt;
use std::path::PathBuf;

pub use manifest::{Manifest, ManifestEntry};
pub use path::{MANIFEST_NAME, MAX_PATH, MAX_SEGMENT, PathError, validate_path};
pub use secrets::{EnvSecrets, SecretMode, SecretResolver, SecretValues, unsafe_reason};
pub use tree::write_tree;

/// One file to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Relative path inside the output directory (see [`validate_path`]).
    pub path: String,
    /// Contents as rendered (secret placeholders not yet substituted).
    pub contents: Vec<u8>,
    /// The plugin that produced it.
    pub plugin: String,
}

/// A secret and the files that reference it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretUse {
    /// The secret's name.
    pub name: String,
    /// Paths of the files that reference it, sorted.
    pub files: Vec<String>,
}

impl fmt::Display for SecretUse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` (in {})", self.name, self.files.join(", "))
    }
}

/// What a successful [`write_tree`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Number of files written (the manifest not included).
    pub files: usize,
    /// Bytes written (the manifest not included).
    pub bytes: u64,
    /// Secrets left as placeholders ([`SecretMode::Keep`]).
    pub kept_secrets: Vec<SecretUse>,
    /// Secrets substituted ([`SecretMode::Resolve`]).
    pub resolved_secrets: Vec<String>,
    /// Whether a previous output tree was replaced.
    pub replaced: bool,
}

/// Why the output could not be written. In every case the previous output
/// directory is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    /// A file path breaks a rule.
    #[error("plugin `{plugin}` returned a bad path \"{}\": {reason}", path.escape_debug())]
    BadPath {
        /// The path.
        path: String,
        /// The producing plugin.
        plugin: String,
        /// The rule it breaks.
        reason: PathError,
    },
    /// Two files have the same path.
    #[error("two files at \"{}\" (from plugins `{first}` and `{second}`)", path.escape_debug())]
    Duplicate {
        /// The path.
        path: String,
        /// The plugin of the first file.
        first: String,
        /// The plugin of the second file.
        second: String,
    },
    /// A file path is also used as a directory by another file.
    #[error(
        "\"{}\" (plugin `{file_plugin}`) is a file, but \"{}\" (plugin `{plugin}`) needs it to be a directory",
        file.escape_debug(), path.escape_debug()
    )]
    FileDirConflict {
        /// The file used as a directory.
        file: String,
        /// Its plugin.
        file_plugin: String,
        /// The path below it.
        path: String,
        /// Its plugin.
        plugin: String,
    },
    /// Secrets without a value ([`SecretMode::Resolve`]).
    #[error("missing secret values: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    MissingSecrets(Vec<SecretUse>),
    /// Secret values that cannot be written safely (name, reason); the values are never shown.
    #[error(
        "secret values that cannot be written safely into configuration files: {}; use only letters, digits and punctuation other than quotes, backslash, `$`, backtick, `<`, `>` and `&`",
        .0.iter().map(|(n, r)| format!("`{n}` ({r})")).collect::<Vec<_>>().join("; ")
    )]
    UnsafeSecrets(Vec<(String, String)>),
    /// The output directory is not empty and was not written by infrac.
    #[error(
        "refusing to replace {}: it is not empty and has no {MANIFEST_NAME} (not written by infrac); \
         empty it or choose another output directory",
        .0.display()
    )]
    NotOurs(PathBuf),
    /// The output path exists and is not a directory (or is a symlink).
    #[error("{} exists and is not a directory", .0.display())]
    NotADirectory(PathBuf),
    /// The output path has no final component (e.g. `/` or `..`).
    #[error("{} cannot be used as an output directory", .0.display())]
    BadOutputDir(PathBuf),
    /// A filesystem operation failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// On what.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}
