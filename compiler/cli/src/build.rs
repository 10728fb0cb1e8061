//! `infrac build` and `infrac plugins`: check the model, load the plugins (embedded and
//! external), ask each for its units, compile every unit in parallel, and write the files
//! atomically, or nothing at all.

use crate::render::{self, Format};
use infrac_check::Checked;
use infrac_diag::Diagnostic;
use infrac_emit::{SecretMode, SecretResolver};
use infrac_host::{
    Cause, CompileOptions, Host, HostConfig, Plugin, PluginError, PluginLimits, Severity, Unit,
};
use infrac_model::{Model, SecretSource};
use rayon::prelude::*;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Where a plugin comes from.
pub enum Source {
    /// Embedded in the binary.
    Embedded(&'static str, &'static [u8]),
    /// A `.wasm` file.
    File(PathBuf),
}

impl Source {
    fn label(&self) -> String {
        match self {
            Source::Embedded(..) => "embedded".to_string(),
            Source::File(p) => p.display().to_string(),
        }
    }
}

/// Options of `infrac build` that concern plugins.
pub struct PluginArgs {
    /// External plugin files.
    pub files: Vec<PathBuf>,
    /// Fuel per call for external plugins (interpreted guests need more).
    pub fuel: Option<u64>,
}

/// Every plugin source: the embedded ones, the project's plugin directory, then `--plugin`.
pub fn sources(args: &PluginArgs, project_dir: Option<&Path>) -> Result<Vec<Source>, String> {
    let mut out: Vec<Source> = infrac_embedded::PLUGINS
        .iter()
        .map(|p| Source::Embedded(p.name, p.wasm))
        .collect();
    if let Some(dir) = project_dir {
        let rd = std::fs::read_dir(dir).map_err(|e| {
            format!(
                "cannot read the project's plugins directory `{}`: {}",
                dir.display(),
                crate::load::io_reason(&e)
            )
        })?;
        let mut files: Vec<PathBuf> = rd
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
            .collect();
        files.sort();
        out.extend(files.into_iter().map(Source::File));
    }
    out.extend(args.files.iter().cloned().map(Source::File));
    Ok(out)
}

/// The host with the default limits, the IR version of the model.
pub fn host() -> Result<Host, String> {
    Host::new(HostConfig::default()).map_err(|e| format!("cannot start the plugin runtime: {e}"))
}

/// Loads every plugin in parallel; a later plugin with the name of an earlier one replaces it
/// (an external build of a first-party backend overrides the embedded one).
pub fn load_all(
    host: &Host,
    sources: Vec<Source>,
    fuel: Option<u64>,
) -> Result<Vec<(Plugin, String)>, Vec<String>> {
    merge(load_each(host, sources, fuel))
}

/// Loads each plugin of `sources` in parallel, each with its label or the reason it failed.
fn load_each(host: &Host, sources: Vec<Source>, fuel: Option<u64>) -> LoadResults {
    sources
        .into_par_iter()
        .map(|src| {
            let label = src.label();
            match src {
                Source::Embedded(name, bytes) => host
                    .load(name, bytes)
                    .map(|p| (p, label))
                    .map_err(|e| e.to_string()),
                Source::File(path) => {
                    let bytes = std::fs::read(&path).map_err(|e| {
                        format!(
                            "cannot read plugin `{}`: {}",
                            path.display(),
                            crate::load::io_reason(&e)
                        )
                    })?;
                    let hint = path
                        .file_stem()
                        .map(|s| s.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    let mut limits = PluginLimits::default();
                    if let Some(f) = fuel {
                        limits.fuel = f;
                    }
                    host.load_with(&hint, &bytes, limits)
                        .map(|p| (p, label))
                        .map_err(|e| e.to_string())
                }
            }
        })
        .collect()
}

/// The plugins loaded in order, a later one replacing an earlier one of the same name; every
/// failure when any plugin failed to load.
fn merge(
    loaded: Vec<Result<(Plugin, String), String>>,
) -> Result<Vec<(Plugin, String)>, Vec<String>> {
    let mut plugins: Vec<(Plugin, String)> = Vec::new();
    let mut errors = Vec::new();
    for r in loaded {
        match r {
            Ok((p, label)) => match plugins
                .iter()
                .position(|(q, _)| q.info().name == p.info().name)
            {
                Some(i) => plugins[i] = (p, label),
                None => plugins.push((p, label)),
            },
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(plugins)
    } else {
        Err(errors)
    }
}

/// Each plugin loaded with its label, or why it failed.
type LoadResults = Vec<Result<(Plugin, String), String>>;

/// A host and its embedded plugins, or why the host did not start.
type Started = Result<(Host, LoadResults), String>;

/// The host and every plugin, or the exit code and the messages.
type Finished = Result<(Host, Vec<(Plugin, String)>), (u8, Vec<String>)>;

/// The plugin runtime and the embedded plugins, started on a thread of their own while the
/// model is read and checked (they do not depend on it): on two cores, loading them costs
/// nothing on the way to the first compile call.
pub struct Preload(std::thread::JoinHandle<Started>);

impl Preload {
    /// Starts the host and loads the embedded plugins in the background.
    pub fn start() -> Preload {
        Preload(std::thread::spawn(|| {
            let host = host()?;
            let embedded = infrac_embedded::PLUGINS
                .iter()
                .map(|p| Source::Embedded(p.name, p.wasm))
                .collect();
            let loaded = load_each(&host, embedded, None);
            Ok((host, loaded))
        }))
    }

    /// The host, and every plugin: the embedded ones, then those of the project's plugin
    /// directory and `--plugin` (see [`sources`]), loaded now. Errs with the exit code and the
    /// messages: [`crate::FAILURE`] when the runtime or a directory fails, [`crate::INVALID`]
    /// when plugins do not load.
    fn finish(self, args: &PluginArgs, project_dir: Option<&Path>) -> Finished {
        let failure = |e: String| (crate::FAILURE, vec![e]);
        let (host, mut loaded) = self
            .0
            .join()
            .map_err(|_| failure("the plugin runtime failed to start".to_string()))?
            .map_err(failure)?;
        let others: Vec<Source> = sources(args, project_dir)
            .map_err(failure)?
            .into_iter()
            .filter(|s| matches!(s, Source::File(_)))
            .collect();
        loaded.extend(load_each(&host, others, args.fuel));
        let plugins = merge(loaded).map_err(|e| (crate::INVALID, e))?;
        Ok((host, plugins))
    }
}

/// A plugin diagnostic as an infrac diagnostic at the element its IR path names.
fn plugin_diagnostic(
    plugin: &str,
    d: &infrac_host::Diagnostic,
    checked: &Checked,
    model: &Model,
) -> (Diagnostic, bool) {
    let span = checked.spans.locate(model, &d.ir_path);
    // Plugin codes are the plugin's own; the registry holds only infrac's.
    let code = infrac_diag::Code(Box::leak(d.code.clone().into_boxed_str()));
    let message = format!("plugin `{plugin}`: {}", d.message);
    let diag = match d.severity {
        Severity::Error => Diagnostic::error(code, span.unwrap_or_default(), message),
        Severity::Warning | Severity::Note => {
            Diagnostic::warning(code, span.unwrap_or_default(), message)
        }
    };
    (diag, span.is_some())
}

/// Reads secret values from where the model says: environment variables and files.
struct ModelSecrets<'a> {
    model: &'a Model,
}

impl SecretResolver for ModelSecrets<'_> {
    fn resolve(&self, name: &str) -> Option<String> {
        let secret = self.model.secrets.iter().find(|s| s.name == name)?;
        let value = match &secret.source {
            SecretSource::Env(var) => std::env::var(var).ok()?,
            SecretSource::File(path) => std::fs::read_to_string(path)
                .ok()?
                .trim_end_matches(['\n', '\r'])
                .to_string(),
        };
        Some(value)
    }

    fn refuse(&self, name: &str, value: &str) -> Option<String> {
        let max = self
            .model
            .secrets
            .iter()
            .find(|s| s.name == name)?
            .max_length?;
        let len = value.chars().count();
        (len > max as usize).then(|| {
            format!("it is {len} characters long; the secret is declared with `max_length {max}`")
        })
    }
}

/// What `infrac build` was asked.
pub struct BuildRequest<'a> {
    /// The checked model.
    pub checked: &'a Checked,
    /// Sources, for rendering diagnostics.
    pub loaded: &'a crate::load::Loaded,
    /// Output directory.
    pub out: &'a Path,
    /// Plugins to add.
    pub plugins: &'a PluginArgs,
    /// The host and the embedded plugins, started before the model was checked.
    pub preload: Preload,
    /// Only these targets (all when empty).
    pub only: &'a [String],
    /// Substitute secret values (deployment) instead of keeping placeholders.
    pub deploy: bool,
    /// How to print diagnostics.
    pub format: Format,
}

/// Every unit of every target compiled, in a fixed order.
pub struct Compiled {
    /// How many units there were.
    pub units: usize,
    /// Each unit that compiled, labelled `PLUGIN UNIT`, with its output.
    pub outputs: Vec<(String, infrac_host::CompileOutput)>,
    /// Units (or unit listings) that failed.
    pub failures: Vec<PluginError>,
}

/// The model as one IR version writes it: compact JSON whole for `compile`, and without its
/// rules and flow matrix for `units` (a plugin's units are its devices, hosts or clusters,
/// never decided by traffic; the rules and flows are nearly all of a large model's IR, which
/// every `units` call would otherwise read).
pub struct IrText {
    /// The whole model.
    pub full: String,
    /// The model with `rules` and `flows` empty.
    pub units: String,
}

/// The model as plugins receive it: in every IR version one of them reads (the current one
/// always), each plugin handed its own ([`Plugin::ir_version`]).
pub struct Ir {
    /// `(version, text)`, the current version first.
    texts: Vec<(String, IrText)>,
}

impl Ir {
    /// Serialises `model` in the current IR version and in each other one `plugins` read.
    pub fn of(model: &Model, plugins: &[(Plugin, String)]) -> Result<Ir, String> {
        let mut versions = vec![infrac_model::IR_VERSION.to_string()];
        for (p, _) in plugins {
            if !versions.iter().any(|v| v == p.ir_version()) {
                versions.push(p.ir_version().to_string());
            }
        }
        let texts = versions
            .into_par_iter()
            .map(|v| {
                let (full, units) = rayon::join(
                    || model.to_ir_json(&v, true),
                    || model.to_ir_json(&v, false),
                );
                let text = IrText {
                    full: full?,
                    units: units?,
                };
                Ok((v, text))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Ir { texts })
    }

    /// The IR in the current version.
    pub fn current(&self) -> &IrText {
        &self.texts[0].1
    }

    /// The IR `plugin` reads.
    pub fn for_plugin(&self, plugin: &Plugin) -> &IrText {
        self.texts
            .iter()
            .find(|(v, _)| v == plugin.ir_version())
            .map_or(self.current(), |(_, t)| t)
    }
}

impl infrac_host::IrFor for Ir {
    fn ir_for(&self, plugin: &Plugin) -> &str {
        &self.for_plugin(plugin).full
    }
}

/// The units of every target of `plugins` (only those in `only`, when given), in target order,
/// and the listings that failed. Errs when `only` names a target no plugin renders.
fn list_units<'p>(
    plugins: &'p [(Plugin, String)],
    only: &[String],
    ir: &Ir,
) -> Result<(Vec<Unit<'p>>, Vec<PluginError>), String> {
    let mut targets: Vec<(&Plugin, String)> = plugins
        .iter()
        .flat_map(|(p, _)| p.info().targets.iter().map(move |t| (p, t.clone())))
        .collect();
    if !only.is_empty() {
        let known: Vec<&str> = targets.iter().map(|(_, t)| t.as_str()).collect();
        if let Some(bad) = only.iter().find(|o| !known.contains(&o.as_str())) {
            return Err(format!(
                "no plugin renders target `{bad}`; targets: {}",
                known.join(", ")
            ));
        }
        targets.retain(|(_, t)| only.contains(t));
    }
    // Ask each target for its units (in parallel), then compile every unit (in parallel).
    let listed: Vec<Result<Vec<String>, PluginError>> = targets
        .par_iter()
        .map(|(p, t)| p.units(&ir.for_plugin(p).units, t))
        .collect();
    let mut units: Vec<Unit> = Vec::new();
    let mut failures: Vec<PluginError> = Vec::new();
    for ((plugin, target), result) in targets.iter().zip(listed) {
        match result {
            Ok(names) => units.extend(names.into_iter().map(|unit| Unit {
                plugin,
                options: CompileOptions {
                    target: target.clone(),
                    unit,
                    ..CompileOptions::default()
                },
            })),
            Err(e) => failures.push(e),
        }
    }
    Ok((units, failures))
}

/// Asks each target of `plugins` (only those in `only`, when given) for its units and compiles
/// them all in parallel, one call per unit, so that each output is labelled with its unit;
/// `on_done(total)` is called once per finished unit. Errs when `only` names a target no
/// plugin renders.
pub fn compile_all(
    plugins: &[(Plugin, String)],
    only: &[String],
    ir: &Ir,
    on_done: &(dyn Fn(usize) + Sync),
) -> Result<Compiled, String> {
    let (units, mut failures) = list_units(plugins, only, ir)?;
    let total = units.len();
    let results = infrac_host::compile_units(ir, &units, &|_| on_done(total));
    let mut outputs = Vec::new();
    for (unit, r) in units.iter().zip(results) {
        match r {
            Ok(out) => {
                let name = &unit.plugin.info().name;
                let label = if unit.options.unit.is_empty() {
                    name.clone()
                } else {
                    format!("{name} {}", unit.options.unit)
                };
                outputs.push((label, out))
            }
            Err(e) => failures.push(e),
        }
    }
    Ok(Compiled {
        units: total,
        outputs,
        failures,
    })
}

/// Like [`compile_all`], but each target's units go to the plugin in a few calls (batches: one
/// reading of the IR renders many units), so outputs are labelled by plugin only: what a
/// build needs, at a cost that grows with the model and not with units × model. Each
/// target's share of the time goes to `timings`.
fn compile_batched(
    plugins: &[(Plugin, String)],
    only: &[String],
    ir: &Ir,
    on_done: &(dyn Fn(usize, usize) + Sync),
    timings: &mut Timings,
) -> Result<Compiled, String> {
    let (units, mut failures) = list_units(plugins, only, ir)?;
    let targets: std::collections::BTreeSet<&str> =
        units.iter().map(|u| u.options.target.as_str()).collect();
    timings.phase("units", format!("{} targets", targets.len()));
    let total = units.len();
    let batches = infrac_host::batches(&units, BATCHES);
    let per_target = std::sync::Mutex::new(std::collections::BTreeMap::new());
    let on = timings.on;
    let results = infrac_host::compile_batches(ir, &batches, &|b, n, took| {
        on_done(total, n);
        if on && let Ok(mut m) = per_target.lock() {
            let e = m.entry(b.options.target.clone()).or_insert((
                0usize,
                0usize,
                std::time::Duration::ZERO,
            ));
            *e = (e.0 + n, e.1 + 1, e.2 + took);
        }
    });
    timings.phase(
        "compile",
        format!("{total} units in {} calls", results.len()),
    );
    if let Ok(m) = per_target.into_inner() {
        for (target, (n, calls, took)) in m {
            timings.detail(format!(
                "{target:<12} {:>9.1} ms CPU  ({n} units in {calls} calls)",
                took.as_secs_f64() * 1e3
            ));
        }
    }
    let mut outputs = Vec::new();
    for r in results {
        match r {
            Ok(out) => {
                let label = out
                    .files
                    .first()
                    .map(|f| f.plugin.clone())
                    .unwrap_or_default();
                outputs.push((label, out))
            }
            Err(e) => failures.push(e),
        }
    }
    Ok(Compiled {
        units: total,
        outputs,
        failures,
    })
}

/// Runs the build; returns the exit code.
pub fn build(req: BuildRequest) -> u8 {
    let started = Instant::now();
    let mut timings = Timings::new(started);
    let Some(model) = &req.checked.model else {
        return crate::INVALID;
    };
    let project_dir = model
        .project
        .plugins
        .as_ref()
        .map(|d| req.loaded.root.join(d));
    let (_host, plugins) = match req.preload.finish(req.plugins, project_dir.as_deref()) {
        Ok(loaded) => loaded,
        Err((code, errors)) => {
            for e in errors {
                eprintln!("error: {e}");
            }
            return code;
        }
    };
    timings.phase("plugins", format!("{} loaded", plugins.len()));
    // Compact JSON: plugins read it once per call; indentation would double what they parse.
    let ir = match Ir::of(model, &plugins) {
        Ok(ir) => ir,
        Err(e) => {
            eprintln!("error: {e}");
            return crate::FAILURE;
        }
    };
    timings.phase(
        "ir",
        format!(
            "{} KiB; {} KiB for units",
            ir.current().full.len() / 1024,
            ir.current().units.len() / 1024
        ),
    );
    let bar = std::sync::OnceLock::new();
    let compiled = match compile_batched(
        &plugins,
        req.only,
        &ir,
        &|total, n| {
            bar.get_or_init(|| progress(total)).inc(n as u64);
        },
        &mut timings,
    ) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return crate::FAILURE;
        }
    };
    if let Some(bar) = bar.get() {
        bar.finish_and_clear();
    }
    let unit_count = compiled.units;
    let failures = compiled.failures;
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    for (_, out) in compiled.outputs {
        for d in &out.diagnostics {
            warnings.push((
                out.files
                    .first()
                    .map(|f| f.plugin.clone())
                    .unwrap_or_default(),
                d.clone(),
            ));
        }
        files.extend(out.files);
    }
    let mut diags = Vec::new();
    let mut plain = Vec::new();
    for e in &failures {
        match &e.cause {
            Cause::Diagnostics(ds) => {
                for d in ds {
                    let (diag, located) = plugin_diagnostic(&e.plugin, d, req.checked, model);
                    if located {
                        diags.push(diag)
                    } else {
                        plain.push(format!(
                            "{}[{}]: {}",
                            if diag.is_error() { "error" } else { "warning" },
                            d.code,
                            diag.message
                        ))
                    }
                }
                if !e.stderr.is_empty() {
                    plain.push(format!(
                        "plugin `{}` wrote to stderr:\n{}",
                        e.plugin, e.stderr
                    ));
                }
            }
            _ => plain.push(format!("error: {e}")),
        }
    }
    for (plugin, d) in &warnings {
        let (diag, located) = plugin_diagnostic(plugin, d, req.checked, model);
        if located {
            diags.push(diag)
        } else {
            plain.push(format!("warning[{}]: {}", d.code, diag.message))
        }
    }
    // Several units (each member of an HA group, say) may report the same problem: once each.
    infrac_diag::sort_diagnostics(&mut diags);
    let mut seen = std::collections::BTreeSet::new();
    plain.retain(|p| seen.insert(p.clone()));
    let text = render::render(&diags, &req.loaded.sources, &req.loaded.root, req.format);
    eprint!("{text}");
    for p in &plain {
        eprintln!("{p}");
    }
    if !failures.is_empty() {
        eprintln!(
            "build failed: {} call(s) failed; nothing was written to {}",
            failures.len(),
            req.out.display()
        );
        return crate::INVALID;
    }
    let mode = if req.deploy {
        SecretMode::Resolve
    } else {
        SecretMode::Keep
    };
    let summary = match infrac_emit::write_tree(req.out, files, &ModelSecrets { model }, mode) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("build failed: nothing was written to {}", req.out.display());
            return match e {
                infrac_emit::EmitError::Io { .. }
                | infrac_emit::EmitError::NotOurs(_)
                | infrac_emit::EmitError::NotADirectory(_)
                | infrac_emit::EmitError::BadOutputDir(_) => crate::FAILURE,
                _ => crate::INVALID,
            };
        }
    };
    timings.phase("write", format!("{} files", summary.files));
    timings.report();
    let names: Vec<&str> = plugins
        .iter()
        .map(|(p, _)| p.info().name.as_str())
        .collect();
    eprintln!(
        "wrote {} files ({}) to {} from {} units of {} plugin(s) [{}] in {} ms",
        summary.files,
        human_bytes(summary.bytes),
        req.out.display(),
        unit_count,
        plugins.len(),
        names.join(", "),
        started.elapsed().as_millis()
    );
    if !summary.kept_secrets.is_empty() {
        let kept: Vec<&str> = summary
            .kept_secrets
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        eprintln!(
            "secrets kept as placeholders: {} (build with --deploy to substitute their values)",
            kept.join(", ")
        );
    }
    0
}

/// Batches hold at most 1/`BATCHES` of a build's units: a target with more than half of them
/// is shared by two calls (two threads), every other target is one call. Each call reads the
/// whole IR, which dominates large builds, so the fewer the better. A constant, so the calls
/// never depend on the thread count.
const BATCHES: usize = 2;

/// Phase timings of a build, printed to stderr when `INFRAC_TIMINGS` is set (and not `0`):
/// `parse` and `check` as the CLI ran them, then the build's own phases.
struct Timings {
    on: bool,
    last: Instant,
    lines: Vec<String>,
}

impl Timings {
    fn new(started: Instant) -> Timings {
        let on = std::env::var("INFRAC_TIMINGS").is_ok_and(|v| !v.is_empty() && v != "0");
        let mut lines = Vec::new();
        if on && let Some((from, to)) = crate::load::load_times() {
            lines.push(format!(
                "parse    {:>9.1} ms  (read and parse every file)",
                (to - from).as_secs_f64() * 1e3
            ));
            lines.push(format!(
                "check    {:>9.1} ms  (templates, lowering, resolution, addresses, flow matrix, policies)",
                started.saturating_duration_since(to).as_secs_f64() * 1e3
            ));
        }
        Timings {
            on,
            last: started,
            lines,
        }
    }

    fn phase(&mut self, name: &str, what: String) {
        if self.on {
            let now = Instant::now();
            self.lines.push(format!(
                "{name:<8} {:>9.1} ms  ({what})",
                (now - self.last).as_secs_f64() * 1e3
            ));
            self.last = now;
        }
    }

    /// A line under the last phase, e.g. one target's share of `compile`.
    fn detail(&mut self, line: String) {
        if self.on {
            self.lines.push(format!("  {line}"));
        }
    }

    fn report(&self) {
        if self.on {
            eprintln!("timings:");
            for l in &self.lines {
                eprintln!("  {l}");
            }
        }
    }
}

fn human_bytes(n: u64) -> String {
    match n {
        n if n >= 1 << 20 => format!("{:.1} MiB", n as f64 / (1u64 << 20) as f64),
        n if n >= 1 << 10 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

/// A progress bar on a terminal; hidden when stderr is piped.
fn progress(len: usize) -> indicatif::ProgressBar {
    if !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(len as u64);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner} compiling {pos}/{len} units {wide_bar}")
    {
        bar.set_style(style);
    }
    bar
}

/// `infrac plugins`: every available plugin with its name, version, targets and IR versions.
pub fn list(args: &PluginArgs, project_dir: Option<&Path>) -> u8 {
    let result = host().and_then(|h| {
        let srcs = sources(args, project_dir)?;
        load_all(&h, srcs, args.fuel).map_err(|e| e.join("\n"))
    });
    match result {
        Ok(plugins) => {
            let mut out = String::from("NAME\tVERSION\tTARGETS\tIR\tSOURCE\n");
            for (p, label) in &plugins {
                let i = p.info();
                out.push_str(&format!(
                    "{}\t{}\t{}\t{}\t{label}\n",
                    i.name,
                    i.version,
                    i.targets.join(","),
                    i.ir_versions.join(",")
                ));
            }
            use std::io::Write;
            let _ = std::io::stdout().lock().write_all(out.as_bytes());
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            crate::INVALID
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Ir;
    use std::path::Path;

    /// The checked model of `examples/backbone`.
    fn backbone() -> infrac_model::Model {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/backbone");
        let (checked, _) = crate::load_and_check(&root, &[], crate::render::Format::Short)
            .unwrap_or_else(|code| panic!("backbone checks (exit {code})"));
        checked.model.expect("a model")
    }

    #[test]
    fn units_get_the_model_without_its_rules_and_flows() {
        let model = backbone();
        assert!(!model.rules.is_empty() && !model.flows.is_empty());
        let ir = Ir::of(&model, &[]).expect("serialises");
        let ir = ir.current();
        let whole = infrac_model::Model::from_json(&ir.full).expect("the whole IR reads back");
        assert_eq!(whole, model);
        let (members, _index) = ir
            .full
            .rsplit_once(",\"section_index\":")
            .expect("the IR ends with its section index");
        assert_eq!(
            format!("{members}}}"),
            serde_json::to_string(&model).expect("serialises"),
            "the plugins' view writes every field of the model"
        );
        let units = infrac_model::Model::from_json(&ir.units).expect("the units IR reads back");
        assert!(units.rules.is_empty() && units.flows.is_empty());
        let mut without = model.clone();
        without.rules.clear();
        without.flows.clear();
        assert_eq!(units, without, "everything else is whole");
        assert!(
            ir.units.len() < ir.full.len(),
            "units leave out the traffic"
        );
    }

    #[test]
    fn the_legacy_ir_writes_each_flow_whole_and_the_rest_alike() {
        use serde_json::Value;
        let model = backbone();
        let legacy = infrac_model::LEGACY_IR_VERSION;
        let read = |text: String| -> serde_json::Map<String, Value> {
            match serde_json::from_str(&text).expect("JSON") {
                Value::Object(map) => map,
                other => panic!("not an object: {other}"),
            }
        };
        let mut old = read(model.to_ir_json(legacy, true).expect("writes 0.1"));
        let mut new = read(
            model
                .to_ir_json(infrac_model::IR_VERSION, true)
                .expect("writes"),
        );
        assert_eq!(old.remove("ir_version"), Some(Value::from(legacy)));
        new.remove("ir_version");
        let whole: Vec<Value> = model
            .flows
            .iter()
            .map(|f| serde_json::to_value(f).expect("a flow serialises"))
            .collect();
        assert!(!whole.is_empty());
        assert_eq!(old.remove("flows"), Some(Value::Array(whole)));
        assert!(matches!(new.remove("flows"), Some(Value::Object(_))));
        assert!(matches!(
            new.remove("section_index"),
            Some(Value::Object(_))
        ));
        assert_eq!(old, new, "only the flows and the section index differ");
        assert!(model.to_ir_json("9.9", true).is_err());
    }
}
