//! `infrac`: the command-line tool. The only crate that does I/O: it reads sources, calls the
//! phases, renders diagnostics and writes files.

mod build;
mod load;
mod query;
mod render;

use clap::{Parser, Subcommand};
use infrac_check::{CheckOptions, Checked};
use infrac_diag::codes;
use render::Format;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// infrac compiles an infrastructure description (.infra) into the configurations real devices
/// and daemons load.
#[derive(Parser)]
#[command(name = "infrac", version, about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a model: every diagnostic with file, line and column.
    Check {
        /// A .infra file (its imports are followed) or a directory of .infra files.
        path: PathBuf,
        /// Also check the policies in these files or directories.
        #[arg(long = "policy", value_name = "PATH")]
        policies: Vec<PathBuf>,
        /// How to print diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// Check, then compile the model through every backend plugin into an output directory.
    Build {
        /// A .infra file or a directory.
        path: PathBuf,
        /// Output directory; replaced atomically, so a failed build leaves it untouched.
        #[arg(short, long, default_value = "out")]
        out: PathBuf,
        /// Also run this plugin (a WebAssembly component); repeatable.
        #[arg(long = "plugin", value_name = "FILE.wasm")]
        plugins: Vec<PathBuf>,
        /// Only render these targets; repeatable.
        #[arg(long = "only", value_name = "TARGET")]
        only: Vec<String>,
        /// Fuel (≈ instructions) per call for external plugins; interpreted guests need more.
        #[arg(long, value_name = "N")]
        fuel: Option<u64>,
        /// Substitute secret values from the environment and files (a deployment build);
        /// without it, files keep `@@secret:NAME@@` placeholders.
        #[arg(long)]
        deploy: bool,
        /// Also check the policies in these files or directories.
        #[arg(long = "policy", value_name = "PATH")]
        policies: Vec<PathBuf>,
        /// How to print diagnostics.
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
    },
    /// List the available backend plugins: embedded, and external ones given with --plugin.
    Plugins {
        /// Also load this plugin; repeatable.
        #[arg(long = "plugin", value_name = "FILE.wasm")]
        plugins: Vec<PathBuf>,
    },
    /// Rewrite files in canonical form.
    Fmt {
        /// Files or directories to format.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Write nothing; exit with 1 if a file is not in canonical form.
        #[arg(long)]
        check: bool,
    },
    /// Print the resolved model (the IR plugins receive) as JSON.
    Model {
        /// A .infra file or a directory.
        path: PathBuf,
        /// Also check the policies in these files or directories.
        #[arg(long = "policy", value_name = "PATH")]
        policies: Vec<PathBuf>,
        /// Write this IR version (the current one, or an older one the host still serves).
        #[arg(
            long,
            value_name = "VERSION",
            default_value = infrac_model::IR_VERSION,
            value_parser = [infrac_model::IR_VERSION, infrac_model::LEGACY_IR_VERSION],
        )]
        ir_version: String,
    },
    /// What a change means: elements added, changed and removed; flows newly allowed and denied;
    /// the generated files that change, per unit.
    Diff {
        /// `OLD NEW` (each a .infra file or a directory), or with `--base REV` just the model
        /// in the working tree.
        #[arg(required = true, num_args = 1..=2, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// Compare PATH with the same path at this git revision (`main`, `HEAD~1`, a commit).
        #[arg(long, value_name = "REV")]
        base: Option<String>,
        /// `text` for a terminal, `markdown` for a pull-request comment, `json` for tools.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
        /// Exit 3 when the change newly allows traffic from the internet
        /// (`internet-exposure`) or to or from a database (`database-exposure`); repeatable.
        #[arg(long = "fail-on", value_enum, value_name = "GATE")]
        fail_on: Vec<DiffGate>,
        /// Do not build both sides to compare the generated files.
        #[arg(long)]
        no_artifacts: bool,
    },
    /// Run the model's intent tests (`test` blocks) and list each line with pass or fail.
    Test {
        /// A .infra file or a directory.
        path: PathBuf,
        /// Also check the policies in these files or directories.
        #[arg(long = "policy", value_name = "PATH")]
        policies: Vec<PathBuf>,
    },
    /// Is traffic from A to B allowed? With the rules and model elements that decide it.
    Query {
        /// A .infra file or a directory.
        path: PathBuf,
        /// Source, as a rule writes it: `paris.mgmt`, `*.apps`, `internet`, a host, service,
        /// load balancer, database, site or prefix.
        #[arg(long, value_name = "ENDPOINT")]
        from: String,
        /// Destination, as a rule writes it.
        #[arg(long, value_name = "ENDPOINT")]
        to: String,
        /// Service, as a rule writes it (`tcp/443`, `https`, `udp/53`); repeatable; none: any.
        #[arg(long = "port", value_name = "SERVICE")]
        ports: Vec<String>,
    },
    /// Draw the topology: sites, zones, devices, links and the flows allowed between zones.
    Graph {
        /// A .infra file or a directory.
        path: PathBuf,
        /// Mermaid (GitHub renders it), Graphviz DOT, or SVG (through Graphviz's `dot`).
        #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
        format: GraphFormat,
        /// Write to this file instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Explain a diagnostic code, e.g. `infrac explain E0302`.
    Explain {
        /// The code.
        code: String,
    },
}

/// Leaves `data` to the operating system, which reclaims a finished process's memory at once:
/// freeing a large model's syntax trees, sources and IR node by node takes tens of
/// milliseconds (a tenth of `infrac check` at 1,000 sites). Only for what lives until exit.
fn exiting<T>(data: T) {
    std::mem::forget(data);
}

/// Exit code for invalid input.
pub(crate) const INVALID: u8 = 1;
/// Exit code for usage and I/O errors.
pub(crate) const FAILURE: u8 = 2;
/// Exit code: `infrac diff` ran and a `--fail-on` gate tripped.
pub(crate) const GATE: u8 = 3;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check {
            path,
            policies,
            format,
        } => check(&path, &policies, format),
        Command::Fmt { paths, check } => fmt(&paths, check),
        Command::Model {
            path,
            policies,
            ir_version,
        } => model(&path, &policies, &ir_version),
        Command::Build {
            path,
            out,
            plugins,
            only,
            fuel,
            deploy,
            policies,
            format,
        } => {
            // The runtime and the embedded plugins start while the model is checked.
            let preload = build::Preload::start();
            match load_and_check(&path, &policies, format) {
                Ok((checked, loaded)) if checked.model.is_some() => {
                    let code = build::build(build::BuildRequest {
                        checked: &checked,
                        loaded: &loaded,
                        out: &out,
                        plugins: &build::PluginArgs {
                            files: plugins,
                            fuel,
                        },
                        preload,
                        only: &only,
                        deploy,
                        format,
                    });
                    exiting((checked, loaded));
                    code
                }
                Ok((checked, _)) => {
                    eprintln!(
                        "{}: invalid ({}); nothing was built",
                        path.display(),
                        summary(&checked)
                    );
                    INVALID
                }
                Err(code) => code,
            }
        }
        Command::Plugins { plugins } => build::list(
            &build::PluginArgs {
                files: plugins,
                fuel: None,
            },
            None,
        ),
        Command::Graph { path, format, out } => graph(&path, format, out.as_deref()),
        Command::Test { path, policies } => intent_tests(&path, &policies),
        Command::Diff {
            paths,
            base,
            format,
            fail_on,
            no_artifacts,
        } => match (paths.as_slice(), base) {
            ([old, new], None) => diff(old, new, format, &fail_on, !no_artifacts),
            ([path], Some(rev)) => match load::at_revision(path, &rev) {
                Ok((_checkout, old)) => diff(&old, path, format, &fail_on, !no_artifacts),
                Err(e) => {
                    eprintln!("error: {e}");
                    FAILURE
                }
            },
            _ => {
                eprintln!("error: give OLD and NEW, or one PATH with --base REV");
                FAILURE
            }
        },
        Command::Query {
            path,
            from,
            to,
            ports,
        } => query::run(&path, &from, &to, &ports),
        Command::Explain { code } => explain(&code),
    };
    ExitCode::from(code)
}

/// Today's date for rule expiry: `INFRAC_TODAY=YYYY-MM-DD` or the system clock.
fn today() -> Option<(u16, u8, u8)> {
    if let Ok(t) = std::env::var("INFRAC_TODAY") {
        let mut it = t.split('-').map(|p| p.parse::<u16>().ok());
        return match (
            it.next().flatten(),
            it.next().flatten(),
            it.next().flatten(),
        ) {
            (Some(y), Some(m), Some(d)) => Some((y, m as u8, d as u8)),
            _ => None,
        };
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?
        .as_secs();
    Some(infrac_check::civil_from_days((secs / 86_400) as i64))
}

fn policy_files(policies: &[PathBuf]) -> Result<Vec<PathBuf>, load::LoadError> {
    let mut out = Vec::new();
    for p in policies {
        if p.is_dir() {
            out.extend(load::infra_files(p)?);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Loads and checks; prints diagnostics; returns the check and the loaded sources.
pub(crate) fn load_and_check(
    path: &Path,
    policies: &[PathBuf],
    format: Format,
) -> Result<(Checked, load::Loaded), u8> {
    let extra = policy_files(policies).map_err(|e| {
        eprintln!("error: {}", e.0);
        FAILURE
    })?;
    let loaded = load::load(path, &extra).map_err(|e| {
        eprintln!("error: {}", e.0);
        FAILURE
    })?;
    let mut checked = infrac_check::check(
        &loaded.sources,
        &loaded.file_refs(),
        &CheckOptions { today: today() },
    );
    // A file that could not be imported explains a missing project better than E0306 does.
    let import_failed = loaded
        .diagnostics
        .iter()
        .any(|d| d.code == codes::E0151 || d.code == codes::E0152);
    if import_failed {
        checked.diagnostics.retain(|d| d.code != codes::E0306);
    }
    checked
        .diagnostics
        .extend(loaded.diagnostics.iter().cloned());
    infrac_diag::sort_diagnostics(&mut checked.diagnostics);
    if checked.has_errors() {
        checked.model = None;
    }
    let text = render::render(&checked.diagnostics, &loaded.sources, &loaded.root, format);
    if matches!(format, Format::Json | Format::Github) {
        print!("{text}");
    } else {
        eprint!("{text}");
    }
    Ok((checked, loaded))
}

fn summary(checked: &Checked) -> String {
    let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = checked.diagnostics.len() - errors;
    let plural = |n: usize, w: &str| format!("{n} {w}{}", if n == 1 { "" } else { "s" });
    format!(
        "{}, {}",
        plural(errors, "error"),
        plural(warnings, "warning")
    )
}

fn check(path: &Path, policies: &[PathBuf], format: Format) -> u8 {
    let (checked, loaded) = match load_and_check(path, policies, format) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let invalid = checked.model.is_none();
    if matches!(format, Format::Human | Format::Short) {
        match &checked.model {
            Some(m) => eprintln!(
                "{}: valid ({} sites, {} devices, {} hosts, {} services, {} flows; {})",
                path.display(),
                m.sites.len(),
                m.devices.len(),
                m.hosts.len(),
                m.services.len(),
                m.flows.len(),
                summary(&checked)
            ),
            None => eprintln!("{}: invalid ({})", path.display(), summary(&checked)),
        }
    }
    exiting((checked, loaded));
    if invalid { INVALID } else { 0 }
}

fn model(path: &Path, policies: &[PathBuf], ir_version: &str) -> u8 {
    match load_and_check(path, policies, Format::Human) {
        Ok((Checked { model: Some(m), .. }, _)) => match m.to_ir_json_pretty(ir_version) {
            Ok(json) => {
                // A closed pipe (`infrac model … | head`) is not worth a panic.
                let _ = writeln!(std::io::stdout().lock(), "{json}");
                0
            }
            Err(e) => {
                eprintln!("error: {e}");
                FAILURE
            }
        },
        Ok(_) => INVALID,
        Err(code) => code,
    }
}

/// How `infrac diff` reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum DiffFormat {
    /// For a terminal.
    Text,
    /// For a pull-request comment.
    Markdown,
    /// The report as JSON.
    Json,
}

/// What makes `infrac diff` fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum DiffGate {
    /// A flow from the internet is newly allowed.
    InternetExposure,
    /// A flow to or from a database is newly allowed.
    DatabaseExposure,
}

fn diff(old: &Path, new: &Path, format: DiffFormat, gates: &[DiffGate], artifacts: bool) -> u8 {
    let mut sides = Vec::new();
    for side in [old, new] {
        match load_and_check(side, &[], Format::Short) {
            Ok((
                Checked {
                    model: Some(m),
                    tests,
                    ..
                },
                loaded,
            )) => {
                let lines: Vec<String> = tests
                    .iter()
                    .map(|t| format!("{}: {}", t.test, t.case))
                    .collect();
                sides.push(((m, loaded.root), lines))
            }
            Ok(_) => {
                eprintln!("{}: invalid; nothing to compare", side.display());
                return INVALID;
            }
            Err(code) => return code,
        }
    }
    let report =
        infrac_review::diff(&sides[0].0.0, &sides[1].0.0).with_tests(&sides[0].1, &sides[1].1);
    let report = if !artifacts {
        report.without_artifacts("`--no-artifacts`")
    } else {
        match build::host() {
            Err(e) => report.without_artifacts(e),
            Ok(host) => match (
                side_artifacts(&host, &sides[0].0),
                side_artifacts(&host, &sides[1].0),
            ) {
                (Ok(a), Ok(b)) => report.with_artifacts(&a, &b),
                (Err(e), _) => {
                    report.without_artifacts(format!("the old side does not build: {e}"))
                }
                (_, Err(e)) => {
                    report.without_artifacts(format!("the new side does not build: {e}"))
                }
            },
        }
    };
    let text = match format {
        DiffFormat::Text => infrac_review::text(&report),
        DiffFormat::Markdown => infrac_review::markdown(&report),
        DiffFormat::Json => serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    let tripped: Vec<&str> = gates
        .iter()
        .filter(|g| match g {
            DiffGate::InternetExposure => report.internet_exposure().next().is_some(),
            DiffGate::DatabaseExposure => report.allowed.iter().any(|f| f.touches_database),
        })
        .map(|g| match g {
            DiffGate::InternetExposure => "internet-exposure",
            DiffGate::DatabaseExposure => "database-exposure",
        })
        .collect();
    if tripped.is_empty() {
        0
    } else {
        eprintln!("infrac diff: gate(s) tripped: {}", tripped.join(", "));
        GATE
    }
}

/// Everything a side builds, in memory, with secret placeholders kept (a diff never reads
/// secret values).
fn side_artifacts(
    host: &infrac_host::Host,
    (model, root): &(infrac_model::Model, PathBuf),
) -> Result<Vec<infrac_review::Artifact>, String> {
    let project_dir = model.project.plugins.as_ref().map(|d| root.join(d));
    let args = build::PluginArgs {
        files: Vec::new(),
        fuel: None,
    };
    let sources = build::sources(&args, project_dir.as_deref())?;
    let plugins = build::load_all(host, sources, None).map_err(|e| e.join("; "))?;
    let compiled = build::compile_all(&plugins, &[], &build::Ir::of(model, &plugins)?, &|_| {})?;
    if let Some(first) = compiled.failures.first() {
        return Err(format!(
            "{} unit(s) failed, first: {first} (`infrac build` shows every diagnostic)",
            compiled.failures.len()
        ));
    }
    Ok(compiled
        .outputs
        .into_iter()
        .flat_map(|(unit, out)| {
            out.files.into_iter().map(move |f| infrac_review::Artifact {
                unit: unit.clone(),
                path: f.path,
                contents: f.contents,
            })
        })
        .collect())
}

fn intent_tests(path: &Path, policies: &[PathBuf]) -> u8 {
    let (checked, loaded) = match load_and_check(path, policies, Format::Short) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let mut out = String::new();
    for t in &checked.tests {
        let (file, lc) = loaded.sources.locate(t.span);
        let place = format!("{}:{}:{}", file, lc.line, lc.column);
        let mark = if t.passed { "pass" } else { "FAIL" };
        out.push_str(&format!("{mark}  {} · {}  ({place})\n", t.test, t.case));
        for d in &t.detail {
            out.push_str(&format!("        {d}\n"));
        }
    }
    let failed = checked.tests.iter().filter(|t| !t.passed).count();
    out.push_str(&format!(
        "{} test line(s): {} passed, {failed} failed\n",
        checked.tests.len(),
        checked.tests.len() - failed
    ));
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    if failed > 0 || checked.has_errors() {
        INVALID
    } else {
        0
    }
}

/// How `infrac graph` draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum GraphFormat {
    /// A Mermaid flowchart.
    Mermaid,
    /// Graphviz DOT.
    Dot,
    /// SVG, rendered by Graphviz's `dot` (must be installed).
    Svg,
}

fn graph(path: &Path, format: GraphFormat, out: Option<&Path>) -> u8 {
    let model = match load_and_check(path, &[], Format::Human) {
        Ok((Checked { model: Some(m), .. }, _)) => m,
        Ok(_) => return INVALID,
        Err(code) => return code,
    };
    let bytes = match format {
        GraphFormat::Mermaid => infrac_graph::to_mermaid(&model).into_bytes(),
        GraphFormat::Dot => infrac_graph::to_dot(&model).into_bytes(),
        GraphFormat::Svg => match svg(&infrac_graph::to_dot(&model)) {
            Ok(svg) => svg,
            Err(e) => {
                eprintln!("error: {e}");
                return FAILURE;
            }
        },
    };
    let written = match out {
        Some(file) => std::fs::write(file, &bytes)
            .map_err(|e| format!("cannot write {}: {e}", file.display())),
        // A closed pipe (`infrac graph … | head`) is not worth an error.
        None => {
            let _ = std::io::stdout().lock().write_all(&bytes);
            Ok(())
        }
    };
    match written {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            FAILURE
        }
    }
}

/// Renders DOT to SVG with Graphviz's `dot`.
fn svg(dot: &str) -> Result<Vec<u8>, String> {
    use std::process::{Command, Stdio};
    let mut child = Command::new("dot")
        .arg("-Tsvg")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            format!(
                "SVG needs Graphviz's `dot` ({e}); install Graphviz, or use --format dot or mermaid"
            )
        })?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(dot.as_bytes())
            .map_err(|e| format!("dot: {e}"))?;
    }
    let out = child.wait_with_output().map_err(|e| format!("dot: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "dot failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(out.stdout)
}

/// The embedded plugin whose codes look like `code`: its letters are a prefix of the plugin's
/// name (`NFT002` → nftables) and three digits follow.
fn plugin_of_code(code: &str) -> Option<&'static str> {
    let letters: String = code
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_ascii_lowercase();
    let digits = &code[letters.len()..];
    if letters.len() < 3 || digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    infrac_embedded::PLUGINS
        .iter()
        .map(|p| p.name)
        .find(|name| name.starts_with(&letters))
}

fn explain(code: &str) -> u8 {
    match infrac_diag::codes::lookup(code) {
        Some(info) => {
            println!("{}: {}\n\n{}", info.code, info.title, info.explanation);
            0
        }
        None => match plugin_of_code(code) {
            Some(plugin) => {
                println!(
                    "{code} is a code of the `{plugin}` backend plugin: it reports something the \
                     platform cannot express exactly (or a choice worth a look), at the model \
                     element it names.\n\nEach backend documents its codes: \
                     docs/backends/{plugin}.md in the infrac repository."
                );
                0
            }
            None => {
                eprintln!(
                    "error: no diagnostic code `{code}`; codes look like E0302 (see `docs/diagnostics.md`) or a backend's own, like IOS003"
                );
                FAILURE
            }
        },
    }
}

fn fmt(paths: &[PathBuf], check_only: bool) -> u8 {
    let mut files = Vec::new();
    for p in paths {
        if p.is_dir() {
            match load::infra_files(p) {
                Ok(f) => files.extend(f),
                Err(e) => {
                    eprintln!("error: {}", e.0);
                    return FAILURE;
                }
            }
        } else {
            files.push(p.clone());
        }
    }
    let mut status = 0;
    for f in files {
        let text = match std::fs::read_to_string(&f) {
            Ok(t) => t,
            Err(e) => {
                eprintln!(
                    "error: cannot read `{}`: {}",
                    f.display(),
                    load::io_reason(&e)
                );
                return FAILURE;
            }
        };
        let mut sources = infrac_diag::SourceMap::new();
        let id = sources.add(f.to_string_lossy(), text.clone());
        let (tree, diags) = infrac_syntax::parse(id, &text);
        if diags.iter().any(|d| d.is_error()) {
            eprint!(
                "{}",
                render::render(&diags, &sources, Path::new(""), Format::Human)
            );
            eprintln!("{}: not formatted (syntax errors)", f.display());
            status = INVALID;
            continue;
        }
        let formatted = infrac_syntax::format(&tree, &text);
        if formatted == text {
            continue;
        }
        if check_only {
            println!("{}: not in canonical form", f.display());
            status = INVALID;
        } else if let Err(e) = write_atomically(&f, formatted.as_bytes()) {
            eprintln!("error: cannot write `{}`: {e}", f.display());
            return FAILURE;
        } else {
            println!("formatted {}", f.display());
        }
    }
    status
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.infrac-tmp"));
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(bytes)?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}
