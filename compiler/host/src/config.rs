//! Host-wide and per-plugin configuration.

use std::path::PathBuf;
use std::time::Duration;

/// Resource limits for one plugin. Every call of the plugin runs under them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginLimits {
    /// Deterministic CPU budget per call, in wasmtime fuel units (≈ one wasm
    /// instruction each). Interpreted guests (Python, JavaScript) need 100×–400×
    /// what a Rust guest needs for the same job.
    pub fuel: u64,
    /// Wall-clock backstop per call, enforced by epoch interruption. Rounded up
    /// to the host's epoch tick.
    pub timeout: Duration,
    /// Maximum linear memory of one instance, in bytes.
    pub memory: usize,
    /// Maximum number of elements of one table.
    pub table_elements: usize,
    /// Maximum number of core instances, tables and memories per store.
    pub instances: usize,
    /// Maximum number of tables per store.
    pub tables: usize,
    /// Maximum number of memories per store.
    pub memories: usize,
    /// Maximum total size of the files one `compile` call returns, in bytes.
    pub max_output: usize,
    /// Maximum number of files one `compile` call returns.
    pub max_files: usize,
    /// How much of the plugin's stderr (and stdout) is kept, in bytes; the rest is dropped.
    pub stderr_capacity: usize,
}

impl Default for PluginLimits {
    fn default() -> Self {
        PluginLimits {
            fuel: 2_000_000_000,
            timeout: Duration::from_secs(20),
            memory: 256 << 20,
            table_elements: 1_000_000,
            instances: 1_000,
            tables: 1_000,
            memories: 100,
            max_output: 64 << 20,
            max_files: 100_000,
            stderr_capacity: 64 << 10,
        }
    }
}

/// Where compiled components are cached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheConfig {
    /// `$INFRAC_CACHE_DIR`, else `$XDG_CACHE_HOME/infrac`, else `~/.cache/infrac`;
    /// no cache if none of these is set.
    Default,
    /// An explicit cache directory.
    Dir(PathBuf),
    /// Compile every plugin on every load.
    Disabled,
}

/// Configuration of a [`crate::Host`].
#[derive(Debug, Clone)]
pub struct HostConfig {
    /// Limits applied to plugins loaded with [`crate::Host::load`].
    pub default_limits: PluginLimits,
    /// Compiled-component cache.
    pub cache: CacheConfig,
    /// Period of the epoch ticker thread (the granularity of timeouts).
    pub epoch_tick: Duration,
    /// Use wasmtime's pooling allocator (faster instantiation). If the pool
    /// cannot be reserved, the host falls back to on-demand allocation.
    pub pooling: bool,
    /// Pool size: how many instances may be alive at once across all threads.
    pub pool_instances: u32,
    /// Maximum wasm stack per call, in bytes (deep recursion traps beyond it).
    pub max_wasm_stack: usize,
    /// The IR versions this host hands to plugins (`MAJOR.MINOR`), preferred first: each
    /// plugin gets the first one it reads ([`crate::Plugin::ir_version`]).
    pub ir_versions: Vec<String>,
}

impl Default for HostConfig {
    fn default() -> Self {
        HostConfig {
            default_limits: PluginLimits::default(),
            cache: CacheConfig::Default,
            epoch_tick: Duration::from_millis(10),
            pooling: true,
            pool_instances: 128,
            max_wasm_stack: 512 << 10,
            ir_versions: crate::HOST_IR_VERSIONS
                .iter()
                .map(|v| v.to_string())
                .collect(),
        }
    }
}

impl CacheConfig {
    /// The directory this configuration resolves to, if any.
    pub fn resolve(&self) -> Option<PathBuf> {
        self.resolve_with(|key| std::env::var_os(key))
    }

    /// [`CacheConfig::resolve`] with an explicit environment.
    fn resolve_with(&self, lookup: impl Fn(&str) -> Option<std::ffi::OsString>) -> Option<PathBuf> {
        match self {
            CacheConfig::Disabled => None,
            CacheConfig::Dir(dir) => Some(dir.clone()),
            CacheConfig::Default => {
                let env = |key: &str| lookup(key).filter(|v| !v.is_empty());
                if let Some(dir) = env("INFRAC_CACHE_DIR") {
                    return Some(PathBuf::from(dir));
                }
                if let Some(dir) = env("XDG_CACHE_HOME") {
                    return Some(PathBuf::from(dir).join("infrac"));
                }
                env("HOME").map(|home| PathBuf::from(home).join(".cache").join("infrac"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::OsString;

    fn resolve(vars: &[(&str, &str)]) -> Option<PathBuf> {
        CacheConfig::Default.resolve_with(|key| {
            vars.iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| OsString::from(v))
        })
    }

    #[test]
    fn cache_dir_precedence() {
        let all = [
            ("INFRAC_CACHE_DIR", "/a"),
            ("XDG_CACHE_HOME", "/x"),
            ("HOME", "/h"),
        ];
        assert_eq!(resolve(&all), Some(PathBuf::from("/a")));
        assert_eq!(resolve(&all[1..]), Some(PathBuf::from("/x/infrac")));
        assert_eq!(resolve(&all[2..]), Some(PathBuf::from("/h/.cache/infrac")));
        assert_eq!(
            resolve(&[("INFRAC_CACHE_DIR", ""), ("HOME", "/h")]),
            Some(PathBuf::from("/h/.cache/infrac"))
        );
        assert_eq!(resolve(&[]), None);
        assert_eq!(CacheConfig::Disabled.resolve(), None);
    }
}
