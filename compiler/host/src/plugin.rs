//! A loaded plugin and its calls: a fresh store and instance per call.

use std::collections::BTreeSet;
use std::sync::Arc;

use wasmtime::{Store, Trap};

use crate::bindings::infrac::backend::types as wit;
use crate::bindings::{Backend, BackendPre};
use crate::cache::CacheOutcome;
use crate::config::{HostConfig, PluginLimits};
use crate::error::{Cause, PluginError, render_stderr, sanitize};
use crate::host::Host;
use crate::sandbox::State;
use crate::types::{CompileOptions, CompileOutput, Diagnostic, OutputFile, PluginInfo, Severity};

/// The option (and the code of the note) of a batch of units: see [`Plugin::compile_batch`].
pub const UNITS_OPTION: &str = "infrac.units";

/// Fuel granted per byte of the IR on top of the per-call budget: a Rust guest spends about
/// 55 units per byte reading the IR with serde_json (a 37 MB IR: 2·10⁹, the whole default
/// budget), so four times that leaves room for a plugin that walks the model a few times.
pub const FUEL_PER_IR_BYTE: u64 = 200;

/// A loaded, checked plugin. Cheap to share: `Send + Sync`, each call runs in
/// its own store, so units can be compiled in parallel.
pub struct Plugin {
    engine: wasmtime::Engine,
    host: Arc<HostConfig>,
    pre: BackendPre<State>,
    limits: PluginLimits,
    name: String,
    info: PluginInfo,
    sha256: String,
    cache_outcome: CacheOutcome,
    ir_version: String,
}

const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Plugin>();
};

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugin")
            .field("info", &self.info)
            .field("sha256", &self.sha256)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

impl Plugin {
    pub(crate) fn new(
        host: &Host,
        name_hint: String,
        pre: BackendPre<State>,
        limits: PluginLimits,
        sha256: String,
        cache_outcome: CacheOutcome,
    ) -> Result<Plugin, PluginError> {
        let mut plugin = Plugin {
            engine: host.engine.clone(),
            host: host.config.clone(),
            pre,
            limits,
            name: name_hint,
            info: PluginInfo {
                name: String::new(),
                version: String::new(),
                targets: Vec::new(),
                ir_versions: Vec::new(),
            },
            sha256,
            cache_outcome,
            ir_version: String::new(),
        };
        let (raw, _) = plugin.run("info", |store, backend| backend.call_info(store))?;
        let info = validate_info(raw).map_err(|cause| plugin.error(cause, Some("info")))?;
        plugin.name = info.name.clone();
        let Some(version) = plugin
            .host
            .ir_versions
            .iter()
            .find(|v| infrac_model::ir_compatible(&info.ir_versions, v))
            .cloned()
        else {
            return Err(plugin.error(
                Cause::IrVersion {
                    plugin_reads: info.ir_versions.clone(),
                    host_provides: plugin.host.ir_versions.clone(),
                },
                Some("info"),
            ));
        };
        plugin.ir_version = version;
        plugin.info = info;
        Ok(plugin)
    }

    /// The plugin's name (from `info()`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The IR version this plugin is handed: the first of the host's versions it reads.
    pub fn ir_version(&self) -> &str {
        &self.ir_version
    }

    /// What `info()` returned (validated).
    pub fn info(&self) -> &PluginInfo {
        &self.info
    }

    /// Hex SHA-256 of the plugin's bytes.
    pub fn sha256(&self) -> &str {
        &self.sha256
    }

    /// Whether the compiled code came from the cache.
    pub fn cache_outcome(&self) -> CacheOutcome {
        self.cache_outcome
    }

    /// The limits each call runs under.
    pub fn limits(&self) -> &PluginLimits {
        &self.limits
    }

    /// Render `ir_json` for `options` in a fresh sandbox. Checks the target,
    /// the returned paths (see `infrac_emit::validate_path`), duplicates and
    /// the output cap.
    pub fn compile(
        &self,
        ir_json: &str,
        options: &CompileOptions,
    ) -> Result<CompileOutput, PluginError> {
        self.compile_scaled(ir_json, options, 1)
    }

    /// Render several units of one target in one call (one fresh sandbox, one reading of the
    /// IR) through the `infrac.units` option (see `docs/plugins.md`): `options.unit` is set to
    /// the first of `units` and the option lists them all, one per line. The fuel and the
    /// timeout are the per-unit budgets times the number of units.
    ///
    /// Returns the output and whether the plugin rendered the batch: a plugin that does not
    /// know the option renders the first unit only and says nothing, and the caller must then
    /// compile every unit one by one (the output it gave may reflect the unknown option). A plugin that renders the batch says so with a note
    /// whose code is `infrac.units`; the note is removed from the diagnostics returned.
    pub fn compile_batch(
        &self,
        ir_json: &str,
        options: &CompileOptions,
        units: &[String],
    ) -> (Result<CompileOutput, PluginError>, bool) {
        let Some(first) = units.first() else {
            return (
                Ok(CompileOutput {
                    files: Vec::new(),
                    diagnostics: Vec::new(),
                }),
                true,
            );
        };
        let mut batch = options.clone();
        batch.unit = first.clone();
        batch.options.remove(UNITS_OPTION);
        if units.len() > 1 {
            batch
                .options
                .insert(UNITS_OPTION.to_string(), units.join("\n"));
        }
        let result = self.compile_scaled(ir_json, &batch, units.len() as u64);
        let mut handled = units.len() == 1;
        let strip = |ds: &mut Vec<Diagnostic>, handled: &mut bool| {
            ds.retain(|d| {
                let marker = d.code == UNITS_OPTION && d.severity == Severity::Note;
                *handled |= marker;
                !marker
            })
        };
        let result = match result {
            Ok(mut out) => {
                strip(&mut out.diagnostics, &mut handled);
                Ok(out)
            }
            Err(mut e) => {
                if let Cause::Diagnostics(ds) = &mut e.cause {
                    strip(ds, &mut handled);
                }
                Err(e)
            }
        };
        (result, handled)
    }

    fn compile_scaled(
        &self,
        ir_json: &str,
        options: &CompileOptions,
        scale: u64,
    ) -> Result<CompileOutput, PluginError> {
        if !self.info.targets.contains(&options.target) {
            return Err(self.error(
                Cause::UnknownTarget {
                    target: sanitize(&options.target),
                    targets: self.info.targets.clone(),
                },
                None,
            ));
        }
        let wit_options = wit::CompileOptions {
            target: options.target.clone(),
            unit: options.unit.clone(),
            options: options
                .options
                .iter()
                .map(|(key, value)| wit::CompileOption {
                    key: key.clone(),
                    value: value.clone(),
                })
                .collect(),
        };
        let (result, stderr) =
            self.run_scaled("compile", scale, ir_json.len(), |store, backend| {
                backend.call_compile(store, ir_json, &wit_options)
            })?;
        let fail = |cause| {
            let mut err = self.error(cause, Some("compile"));
            err.stderr = stderr.clone();
            err
        };
        let raw = match result {
            Ok(raw) => raw,
            Err(diagnostics) => return Err(fail(failure(diagnostics))),
        };
        if raw.files.len() > self.limits.max_files {
            return Err(fail(Cause::TooManyFiles {
                count: raw.files.len(),
                limit: self.limits.max_files,
            }));
        }
        let size: usize = raw
            .files
            .iter()
            .map(|f| f.contents.len().saturating_add(f.path.len()))
            .fold(0, usize::saturating_add);
        if size > self.limits.max_output {
            return Err(fail(Cause::OutputTooLarge {
                size,
                limit: self.limits.max_output,
            }));
        }
        let mut seen = BTreeSet::new();
        let mut files = Vec::with_capacity(raw.files.len());
        for file in raw.files {
            if let Err(reason) = infrac_emit::validate_path(&file.path) {
                return Err(fail(Cause::BadPath {
                    path: file.path.escape_debug().to_string(),
                    reason: reason.to_string(),
                }));
            }
            if !seen.insert(file.path.clone()) {
                return Err(fail(Cause::BadPath {
                    path: file.path.escape_debug().to_string(),
                    reason: "returned twice".to_string(),
                }));
            }
            files.push(OutputFile {
                path: file.path,
                contents: file.contents,
                plugin: self.name.clone(),
            });
        }
        let diagnostics: Vec<Diagnostic> = raw
            .diagnostics
            .into_iter()
            .map(convert_diagnostic)
            .collect();
        if diagnostics.iter().any(|d| d.severity == Severity::Error) {
            return Err(fail(Cause::Diagnostics(diagnostics)));
        }
        Ok(CompileOutput { files, diagnostics })
    }

    /// The units of `target` in `ir_json` (devices, hosts… or `[""]` for the whole model), in
    /// a fresh sandbox. Checks the target and that names are unique, bounded and printable.
    pub fn units(&self, ir_json: &str, target: &str) -> Result<Vec<String>, PluginError> {
        if !self.info.targets.iter().any(|t| t == target) {
            return Err(self.error(
                Cause::UnknownTarget {
                    target: sanitize(target),
                    targets: self.info.targets.clone(),
                },
                None,
            ));
        }
        let (result, stderr) = self.run_scaled("units", 1, ir_json.len(), |store, backend| {
            backend.call_units(store, ir_json, target)
        })?;
        let fail = |cause| {
            let mut err = self.error(cause, Some("units"));
            err.stderr = stderr.clone();
            err
        };
        let units = match result {
            Ok(units) => units,
            Err(diagnostics) => return Err(fail(failure(diagnostics))),
        };
        if units.len() > self.limits.max_files {
            return Err(fail(Cause::TooManyFiles {
                count: units.len(),
                limit: self.limits.max_files,
            }));
        }
        let mut seen = BTreeSet::new();
        for u in &units {
            let bad = u.len() > 256
                || u.chars().any(char::is_control)
                || (u.is_empty() && units.len() > 1);
            if bad || !seen.insert(u.as_str()) {
                return Err(fail(Cause::BadUnits(format!(
                    "unit name `{}` is {}",
                    u.escape_debug(),
                    if bad {
                        "empty among others, over 256 bytes or holds control characters"
                    } else {
                        "returned twice"
                    }
                ))));
            }
        }
        Ok(units)
    }

    fn error(&self, cause: Cause, call: Option<&'static str>) -> PluginError {
        let mut err = PluginError::new(&self.name, cause);
        err.call = call;
        err
    }

    /// Run `f` against a fresh instance in a fresh store. Returns its result and
    /// the rendered stderr, or a classified error.
    fn run<R>(
        &self,
        call: &'static str,
        f: impl FnOnce(&mut Store<State>, &Backend) -> wasmtime::Result<R>,
    ) -> Result<(R, String), PluginError> {
        self.run_scaled(call, 1, 0, f)
    }

    /// [`Plugin::run`] with `scale` times the fuel and the timeout (a batch of units), plus
    /// [`FUEL_PER_IR_BYTE`] per byte of an IR of `ir_len` bytes: reading the IR alone costs
    /// the guest fuel in proportion to its size, so a fixed budget would refuse large models
    /// however little each unit asks.
    fn run_scaled<R>(
        &self,
        call: &'static str,
        scale: u64,
        ir_len: usize,
        f: impl FnOnce(&mut Store<State>, &Backend) -> wasmtime::Result<R>,
    ) -> Result<(R, String), PluginError> {
        let scale = scale.max(1);
        let (state, stdio) = State::new(&self.limits);
        let mut store = Store::new(&self.engine, state);
        store.limiter(|state| &mut state.limiter);
        let fuel = self
            .limits
            .fuel
            .saturating_mul(scale)
            .saturating_add(FUEL_PER_IR_BYTE.saturating_mul(ir_len as u64));
        if let Err(e) = store.set_fuel(fuel) {
            return Err(self.error(Cause::Host(format!("{e:#}")), Some(call)));
        }
        let tick = self
            .host
            .epoch_tick
            .max(std::time::Duration::from_millis(1));
        let timeout = self
            .limits
            .timeout
            .saturating_mul(u32::try_from(scale).unwrap_or(u32::MAX));
        let ticks = timeout.as_nanos().div_ceil(tick.as_nanos());
        store.set_epoch_deadline(u64::try_from(ticks).unwrap_or(u64::MAX).saturating_add(1));
        store.epoch_deadline_trap();

        let mut instantiated = false;
        let result = self.pre.instantiate(&mut store).and_then(|backend| {
            instantiated = true;
            f(&mut store, &backend)
        });
        let (bytes, dropped) = stdio.stderr.contents();
        let stderr = render_stderr(&bytes, dropped);
        match result {
            Ok(value) => Ok((value, stderr)),
            Err(e) => {
                let memory_refused = store.data().limiter.memory_refused;
                let cause = if instantiated || find::<Trap>(&e).is_some() || memory_refused {
                    self.classify(&e, memory_refused)
                } else {
                    // Not the guest's doing: e.g. the instance pool is exhausted or
                    // the component exceeds a pooling-allocator limit.
                    Cause::Host(format!(
                        "cannot instantiate: {} (if this is a pooling-allocator limit, \
                         run with pooling disabled)",
                        sanitize(&format!("{e:#}"))
                    ))
                };
                let mut err = self.error(cause, Some(call));
                err.stderr = stderr;
                Err(err)
            }
        }
    }

    fn classify(&self, e: &wasmtime::Error, memory_refused: bool) -> Cause {
        if let Some(exit) = find::<wasmtime_wasi::I32Exit>(e) {
            return Cause::Exit(exit.0);
        }
        if let Some(trap) = find::<Trap>(e) {
            return match trap {
                Trap::OutOfFuel => Cause::FuelExhausted {
                    fuel: self.limits.fuel,
                },
                Trap::Interrupt => Cause::Timeout {
                    limit: self.limits.timeout,
                },
                Trap::StackOverflow => Cause::StackOverflow,
                _ if memory_refused => Cause::MemoryLimit {
                    limit: self.limits.memory,
                },
                other => Cause::Trap(
                    other
                        .to_string()
                        .trim_start_matches("wasm trap: ")
                        .to_string(),
                ),
            };
        }
        if let Some(utf8) = find::<std::str::Utf8Error>(e) {
            return Cause::InvalidUtf8(utf8.to_string());
        }
        if memory_refused {
            return Cause::MemoryLimit {
                limit: self.limits.memory,
            };
        }
        Cause::Trap(sanitize(&format!("{e:#}")))
    }
}

/// Find an error of type `T` in `e` or its chain of causes.
fn find<T: std::error::Error + Send + Sync + 'static>(e: &wasmtime::Error) -> Option<&T> {
    e.downcast_ref::<T>()
        .or_else(|| e.chain().find_map(|cause| cause.downcast_ref::<T>()))
}

fn convert_diagnostic(d: wit::Diagnostic) -> Diagnostic {
    Diagnostic {
        severity: match d.severity {
            wit::Severity::Error => Severity::Error,
            wit::Severity::Warning => Severity::Warning,
            wit::Severity::Note => Severity::Note,
        },
        code: sanitize(&d.code),
        message: sanitize(&d.message),
        ir_path: sanitize(&d.ir_path),
    }
}

/// Longest accepted name, version or target string.
const MAX_NAME: usize = 64;

fn is_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_NAME
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn validate_info(raw: wit::PluginInfo) -> Result<PluginInfo, Cause> {
    if !is_identifier(&raw.name) {
        return Err(Cause::BadInfo(format!(
            "name \"{}\" must be 1-{MAX_NAME} characters of [a-z0-9_-]",
            raw.name.escape_debug()
        )));
    }
    if raw.version.is_empty()
        || raw.version.len() > MAX_NAME
        || raw
            .version
            .chars()
            .any(|c| c.is_control() || c.is_whitespace())
    {
        return Err(Cause::BadInfo(format!(
            "version \"{}\" must be a short semver string",
            raw.version.escape_debug()
        )));
    }
    if raw.targets.is_empty() {
        return Err(Cause::BadInfo("lists no targets".to_string()));
    }
    if let Some(bad) = raw.targets.iter().find(|t| !is_identifier(t)) {
        return Err(Cause::BadInfo(format!(
            "target \"{}\" must be 1-{MAX_NAME} characters of [a-z0-9_-]",
            bad.escape_debug()
        )));
    }
    if raw.ir_versions.len() > 16 {
        return Err(Cause::BadInfo("lists more than 16 IR versions".to_string()));
    }
    Ok(PluginInfo {
        name: raw.name,
        version: raw.version,
        targets: raw.targets,
        ir_versions: raw
            .ir_versions
            .iter()
            .map(|v| sanitize(v).chars().take(MAX_NAME).collect())
            .collect(),
    })
}

/// The cause for a call that returned `err(diagnostics)`: never empty, so the user always
/// learns something.
fn failure(diagnostics: Vec<wit::Diagnostic>) -> Cause {
    let mut diagnostics: Vec<Diagnostic> =
        diagnostics.into_iter().map(convert_diagnostic).collect();
    if diagnostics.is_empty() {
        diagnostics.push(Diagnostic {
            severity: Severity::Error,
            code: "HOST001".to_string(),
            message: "the plugin failed without saying why".to_string(),
            ir_path: String::new(),
        });
    }
    Cause::Diagnostics(diagnostics)
}
