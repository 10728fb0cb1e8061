//! The infrac plugin runtime: runs backend plugins (WebAssembly components
//! implementing `plugins/wit/backend.wit`) in a sandbox that grants nothing.
//!
//! ```no_run
//! use infrac_host::{CompileOptions, Host, HostConfig};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let host = Host::new(HostConfig::default())?; // one per process
//! let bytes = std::fs::read("plugin.wasm")?;
//! let plugin = host.load("plugin.wasm", &bytes)?; // compiles or hits the cache
//! let options = CompileOptions { target: "echo".into(), ..Default::default() };
//! let output = plugin.compile("{\"ir_version\":\"0.1\"}", &options)?;
//! # Ok(()) }
//! ```
//!
//! See `docs/plugins.md` for the contract and the sandbox guarantees.

mod bindings;
mod cache;
mod config;
mod error;
mod host;
mod imports;
mod plugin;
mod sandbox;
mod schedule;
mod types;

pub use cache::{CacheOutcome, sha256_hex};
pub use config::{CacheConfig, HostConfig, PluginLimits};
pub use error::{Cause, PluginError};
pub use host::{Host, HostInitError};
pub use imports::ALLOWED_WASI_PACKAGES;
pub use infrac_model::ir_compatible;
pub use plugin::{Plugin, UNITS_OPTION};
pub use schedule::{Batch, IrFor, Unit, batches, compile_batches, compile_units};
pub use types::{CompileOptions, CompileOutput, Diagnostic, OutputFile, PluginInfo, Severity};

/// The IR versions this host hands to plugins, preferred first: the model's, then the previous
/// one for plugins not yet rebuilt (see [`infrac_model::Model::to_ir_json`]).
pub const HOST_IR_VERSIONS: [&str; 2] = [infrac_model::IR_VERSION, infrac_model::LEGACY_IR_VERSION];
