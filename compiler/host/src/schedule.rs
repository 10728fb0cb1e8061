//! Running many units in parallel, with results in a fixed order.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

use rayon::prelude::*;

use crate::error::PluginError;
use crate::plugin::Plugin;
use crate::types::{CompileOptions, CompileOutput};

/// The IR each plugin is handed: one document for every plugin (a `str`), or one per IR
/// version ([`Plugin::ir_version`]).
pub trait IrFor: Sync {
    /// The IR for `plugin`.
    fn ir_for(&self, plugin: &Plugin) -> &str;
}

impl IrFor for str {
    fn ir_for(&self, _: &Plugin) -> &str {
        self
    }
}

impl IrFor for String {
    fn ir_for(&self, _: &Plugin) -> &str {
        self
    }
}

/// One unit of work: a plugin and what to ask it.
#[derive(Debug, Clone)]
pub struct Unit<'a> {
    /// The plugin to run.
    pub plugin: &'a Plugin,
    /// Target, unit and options.
    pub options: CompileOptions,
}

/// Compile every unit against its plugin's IR on rayon's thread pool. The results
/// are in the order of `units`, whatever the thread count; `on_done` is called
/// once per finished unit (e.g. to advance a progress bar), from any thread.
pub fn compile_units(
    ir: &(impl IrFor + ?Sized),
    units: &[Unit<'_>],
    on_done: &(dyn Fn(&Unit<'_>) + Sync),
) -> Vec<Result<CompileOutput, PluginError>> {
    units
        .par_iter()
        .map(|unit| {
            let result = unit.plugin.compile(ir.ir_for(unit.plugin), &unit.options);
            on_done(unit);
            result
        })
        .collect()
}

/// Units of one plugin and target, compiled in one call when the plugin renders batches (see
/// [`Plugin::compile_batch`]).
#[derive(Debug, Clone)]
pub struct Batch<'a> {
    /// The plugin to run.
    pub plugin: &'a Plugin,
    /// Target and options (the unit is taken from `units`).
    pub options: CompileOptions,
    /// The units, in order.
    pub units: Vec<String>,
}

/// Groups consecutive units of the same plugin, target and options into batches of at most
/// `ceil(units / parts)` units, so that `parts` calls or a few more do the whole build and the
/// largest targets are split across threads. The grouping depends only on `units` and `parts`,
/// never on the thread count.
pub fn batches<'a>(units: &[Unit<'a>], parts: usize) -> Vec<Batch<'a>> {
    let max = units.len().div_ceil(parts.max(1)).max(1);
    let mut out: Vec<Batch<'a>> = Vec::new();
    for u in units {
        let mut options = u.options.clone();
        let unit = std::mem::take(&mut options.unit);
        match out.last_mut() {
            Some(b)
                if std::ptr::eq(b.plugin, u.plugin)
                    && b.options == options
                    && b.units.len() < max =>
            {
                b.units.push(unit)
            }
            _ => out.push(Batch {
                plugin: u.plugin,
                options,
                units: vec![unit],
            }),
        }
    }
    out
}

/// Compiles every batch against its plugin's IR on rayon's thread pool, one call per batch; the units
/// of a batch the plugin does not render whole are then compiled one by one (the first again
/// too: its output in the batch call came with an option the plugin did not know). Results are in batch
/// order, one per call (so a failing call may stand for several units); `on_done` is called
/// after each call with its batch, the number of units it covered and how long it took.
///
/// Calls start largest batch first (most units; ties in batch order), each thread taking the
/// next when it finishes, so a long call does not start last and hold up the build alone
/// while the other threads idle. Only the timing depends on this order, never the results.
pub fn compile_batches(
    ir: &(impl IrFor + ?Sized),
    batches: &[Batch<'_>],
    on_done: &(dyn Fn(&Batch<'_>, usize, std::time::Duration) + Sync),
) -> Vec<Result<CompileOutput, PluginError>> {
    let run = |b: &Batch<'_>| -> Vec<Result<CompileOutput, PluginError>> {
        let ir_json = ir.ir_for(b.plugin);
        let started = std::time::Instant::now();
        let (first, handled) = b.plugin.compile_batch(ir_json, &b.options, &b.units);
        if handled {
            on_done(b, b.units.len(), started.elapsed());
            return vec![first];
        }
        // The plugin rendered the first unit with an option it does not know, which it
        // may have let change its output (listed it, say): every unit is asked again, alone.
        drop(first);
        on_done(b, 0, started.elapsed());
        b.units
            .par_iter()
            .map(|unit| {
                let options = CompileOptions {
                    unit: unit.clone(),
                    ..b.options.clone()
                };
                let started = std::time::Instant::now();
                let r = b.plugin.compile(ir_json, &options);
                on_done(b, 1, started.elapsed());
                r
            })
            .collect()
    };
    let mut order: Vec<usize> = (0..batches.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(batches.get(i).map_or(0, |b| b.units.len())));
    let next = AtomicUsize::new(0);
    let done: Vec<Mutex<Vec<Result<CompileOutput, PluginError>>>> =
        batches.iter().map(|_| Mutex::new(Vec::new())).collect();
    let workers = rayon::current_num_threads().clamp(1, batches.len().max(1));
    rayon::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|_| {
                while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                    if let (Some(b), Some(slot)) = (batches.get(i), done.get(i)) {
                        let results = run(b);
                        *slot.lock().unwrap_or_else(PoisonError::into_inner) = results;
                    }
                }
            });
        }
    });
    done.into_iter()
        .flat_map(|slot| slot.into_inner().unwrap_or_else(PoisonError::into_inner))
        .collect()
}
