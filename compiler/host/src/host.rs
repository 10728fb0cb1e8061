//! The engine, the linker and plugin loading.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use wasmtime::component::{Component, Linker};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

use crate::bindings::BackendPre;
use crate::cache::{self, CacheOutcome};
use crate::config::{HostConfig, PluginLimits};
use crate::error::{Cause, PluginError, sanitize};
use crate::plugin::Plugin;
use crate::sandbox::{self, State};

/// The plugin runtime: one wasmtime engine (create one `Host` per process),
/// the WASI linker and the compiled-component cache.
pub struct Host {
    pub(crate) engine: Engine,
    linker: Linker<State>,
    pub(crate) config: Arc<HostConfig>,
    cache_dir: Option<PathBuf>,
    engine_digest: String,
    pooling: bool,
}

/// The host could not be set up (e.g. the engine configuration is unsupported).
#[derive(Debug, thiserror::Error)]
#[error("cannot start the plugin runtime: {0}")]
pub struct HostInitError(String);

impl Host {
    /// Create the engine (falling back from the pooling allocator to on-demand
    /// allocation if the pool cannot be reserved), link WASI, and start the
    /// epoch ticker thread.
    pub fn new(config: HostConfig) -> Result<Host, HostInitError> {
        let (engine, pooling) = match config.pooling {
            true => match Engine::new(&engine_config(&config, true)) {
                Ok(engine) => (engine, true),
                Err(_) => (new_engine(&config, false)?, false),
            },
            false => (new_engine(&config, false)?, false),
        };
        let mut linker = Linker::new(&engine);
        sandbox::link(&mut linker).map_err(|e| HostInitError(format!("{e:#}")))?;
        spawn_epoch_ticker(&engine, config.epoch_tick)
            .map_err(|e| HostInitError(format!("epoch ticker thread: {e}")))?;
        let engine_digest = cache::engine_digest(&engine);
        Ok(Host {
            cache_dir: config.cache.resolve(),
            engine,
            linker,
            config: Arc::new(config),
            engine_digest,
            pooling,
        })
    }

    /// Whether the pooling allocator is in use.
    pub fn pooling(&self) -> bool {
        self.pooling
    }

    /// The cache directory in use, if any.
    pub fn cache_dir(&self) -> Option<&std::path::Path> {
        self.cache_dir.as_deref()
    }

    /// Load a plugin with the host's default limits. See [`Host::load_with`].
    pub fn load(&self, name_hint: &str, bytes: &[u8]) -> Result<Plugin, PluginError> {
        self.load_with(name_hint, bytes, self.config.default_limits.clone())
    }

    /// Load a plugin: compile it (or load it from the cache), check its imports
    /// against the allow-list, call `info()` and check the IR version.
    /// `name_hint` names the plugin in errors until `info()` has named it.
    pub fn load_with(
        &self,
        name_hint: &str,
        bytes: &[u8],
        limits: PluginLimits,
    ) -> Result<Plugin, PluginError> {
        let hint = sanitize(name_hint);
        let fail = |cause| PluginError::new(&hint, cause);
        let sha256 = cache::sha256_hex(bytes);
        let (component, cache_outcome) = self.component(bytes, &sha256).map_err(fail)?;
        crate::imports::check(&self.engine, &component).map_err(fail)?;
        let pre = self.linker.instantiate_pre(&component).map_err(|e| {
            fail(Cause::BadImport {
                import: "(linking)".to_string(),
                reason: sanitize(&format!("{e:#}")),
            })
        })?;
        let pre = BackendPre::new(pre)
            .map_err(|e| fail(Cause::BadExports(sanitize(&format!("{e:#}")))))?;
        Plugin::new(self, hint, pre, limits, sha256, cache_outcome)
    }

    /// Compile `bytes`, going through the cache.
    fn component(&self, bytes: &[u8], sha256: &str) -> Result<(Component, CacheOutcome), Cause> {
        let path = self
            .cache_dir
            .as_ref()
            .map(|dir| cache::entry_path(dir, sha256, &self.engine_digest));
        if let Some(component) = path.as_ref().and_then(|p| cache::load(&self.engine, p)) {
            return Ok((component, CacheOutcome::Hit));
        }
        let component = Component::new(&self.engine, bytes)
            .map_err(|e| Cause::InvalidComponent(sanitize(&format!("{e:#}"))))?;
        let outcome = match &path {
            None => CacheOutcome::Disabled,
            Some(p) if cache::store(p, &component) => CacheOutcome::Stored,
            Some(_) => CacheOutcome::StoreFailed,
        };
        Ok((component, outcome))
    }
}

fn new_engine(config: &HostConfig, pooling: bool) -> Result<Engine, HostInitError> {
    Engine::new(&engine_config(config, pooling)).map_err(|e| HostInitError(format!("{e:#}")))
}

fn engine_config(config: &HostConfig, pooling: bool) -> Config {
    let mut c = Config::new();
    c.wasm_component_model(true)
        .consume_fuel(true)
        .epoch_interruption(true)
        .max_wasm_stack(config.max_wasm_stack)
        .parallel_compilation(true);
    if pooling {
        let n = config.pool_instances;
        let mut pool = PoolingAllocationConfig::default();
        pool.total_component_instances(n)
            .total_core_instances(n.saturating_mul(4))
            .total_memories(n.saturating_mul(2))
            .total_tables(n.saturating_mul(4))
            .max_tables_per_module(4)
            .table_elements(config.default_limits.table_elements.max(100_000))
            .max_core_instance_size(4 << 20)
            .max_component_instance_size(4 << 20);
        c.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    }
    c
}

/// Increment the engine's epoch every `tick` for as long as the engine lives.
fn spawn_epoch_ticker(engine: &Engine, tick: Duration) -> std::io::Result<()> {
    let weak = engine.weak();
    let tick = tick.max(Duration::from_millis(1));
    std::thread::Builder::new()
        .name("infrac-epoch".to_string())
        .spawn(move || {
            loop {
                std::thread::sleep(tick);
                match weak.upgrade() {
                    Some(engine) => engine.increment_epoch(),
                    None => break,
                }
            }
        })
        .map(drop)
}
