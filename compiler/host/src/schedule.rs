//! Running many units in parallel, with results in a fixed order.

use rayon::prelude::*;

use crate::error::PluginError;
use crate::plugin::Plugin;
use crate::types::{CompileOptions, CompileOutput};

/// One unit of work: a plugin and what to ask it.
#[derive(Debug, Clone)]
pub struct Unit<'a> {
    /// The plugin to run.
    pub plugin: &'a Plugin,
    /// Target, unit and options.
    pub options: CompileOptions,
}

/// Compile every unit against `ir_json` on rayon's thread pool. The results
/// are in the order of `units`, whatever the thread count; `on_done` is called
/// once per finished unit (e.g. to advance a progress bar), from any thread.
pub fn compile_units(
    ir_json: &str,
    units: &[Unit<'_>],
    on_done: &(dyn Fn(&Unit<'_>) + Sync),
) -> Vec<Result<CompileOutput, PluginError>> {
    units
        .par_iter()
        .map(|unit| {
            let result = unit.plugin.compile(ir_json, &unit.options);
            on_done(unit);
            result
        })
        .collect()
}
