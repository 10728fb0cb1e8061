//! The compiled-component cache.
//!
//! A compiled component is stored under `DIR/components/<plugin sha256>-<engine
//! compatibility digest>.cwasm`, written to a temporary file in the same
//! directory and renamed into place, so a reader sees either no file or a
//! complete one.

use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

/// How a plugin's compiled code was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheOutcome {
    /// Loaded from the cache.
    Hit,
    /// Compiled, and stored in the cache.
    Stored,
    /// Compiled; storing it in the cache failed (the cache is best-effort).
    StoreFailed,
    /// Compiled; no cache is configured.
    Disabled,
}

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Feeds a `Hash` implementation into SHA-256, giving a digest that is stable
/// across processes (unlike `DefaultHasher`, which is only stable per Rust version).
struct ShaHasher(Sha256);

impl Hasher for ShaHasher {
    fn finish(&self) -> u64 {
        0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

/// Digest of everything that makes a compiled artifact loadable by `engine`
/// (wasmtime version, target, `Config`).
pub(crate) fn engine_digest(engine: &Engine) -> String {
    let mut hasher = ShaHasher(Sha256::new());
    engine.precompile_compatibility_hash().hash(&mut hasher);
    let digest = hex(&hasher.0.finalize());
    digest[..32].to_string()
}

/// The cache file for a plugin.
pub(crate) fn entry_path(dir: &Path, plugin_sha: &str, engine_digest: &str) -> PathBuf {
    dir.join("components")
        .join(format!("{plugin_sha}-{engine_digest}.cwasm"))
}

/// Load a compiled component from the cache, if present and loadable.
pub(crate) fn load(engine: &Engine, path: &Path) -> Option<Component> {
    if !path.is_file() {
        return None;
    }
    // SAFETY: `deserialize_file` trusts that the file is a compiled artifact
    // produced by a compatible wasmtime; loading anything else is undefined
    // behaviour. That holds here because:
    // - only this module writes into `DIR/components/`, and only the output of
    //   `Component::serialize` for the very bytes whose SHA-256 names the file,
    //   compiled by an engine whose compatibility digest also names the file;
    // - files are written to a temporary name and renamed into place, so a
    //   partially written artifact is never visible under its final name, and
    //   files are never modified in place (a concurrent rename leaves an
    //   existing mapping intact);
    // - wasmtime itself re-checks the artifact's header, version and engine
    //   configuration and refuses a mismatch with an error, not UB.
    // Whoever can write to the user's cache directory can already run code as
    // that user, so the cache adds no new trust boundary.
    match unsafe { Component::deserialize_file(engine, path) } {
        Ok(component) => Some(component),
        Err(_) => {
            // Unloadable (e.g. a damaged disk): drop it and recompile.
            let _ = std::fs::remove_file(path);
            None
        }
    }
}

/// Store a compiled component atomically. Best-effort: returns whether it was stored.
pub(crate) fn store(path: &Path, component: &Component) -> bool {
    let Ok(bytes) = component.serialize() else {
        return false;
    };
    let Some(parent) = path.parent() else {
        return false;
    };
    if create_private_dir_all(parent).is_err() {
        return false;
    }
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let tmp = parent.join(format!(
        ".tmp-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let written = std::fs::File::create(&tmp)
        .and_then(|mut file| {
            file.write_all(&bytes)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
        return false;
    }
    true
}

fn create_private_dir_all(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}
