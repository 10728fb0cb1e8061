//! The manifest written at the root of every output tree.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// `.infrac-manifest.json`: what a build wrote, sorted by path. Hashes and
/// sizes are of the files as rendered, before secret substitution, so the
/// manifest never depends on (or leaks) secret values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Manifest format version.
    pub version: u32,
    /// One entry per file, sorted by path.
    pub files: Vec<ManifestEntry>,
}

/// One file of a [`Manifest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// Relative path.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Hex SHA-256.
    pub sha256: String,
    /// The producing plugin.
    pub plugin: String,
    /// Secrets referenced by the file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<String>,
}

impl ManifestEntry {
    pub(crate) fn new(path: &str, contents: &[u8], plugin: &str, secrets: Vec<String>) -> Self {
        let digest = Sha256::digest(contents);
        ManifestEntry {
            path: path.to_string(),
            size: contents.len() as u64,
            sha256: digest.iter().map(|b| format!("{b:02x}")).collect(),
            plugin: plugin.to_string(),
            secrets,
        }
    }
}

impl Manifest {
    /// Serialize (pretty, with a trailing newline).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = serde_json::to_vec_pretty(self).unwrap_or_default();
        bytes.push(b'\n');
        bytes
    }
}
