//! Test support shared by the backend plugins' native tests (never linked into a plugin):
//!
//! - [`model_of`] and [`model_from_str`] check `.infra` sources into a [`Model`] with the real
//!   front end, so a backend's tests start from what users write;
//! - [`examples`] lists the project's example directories;
//! - [`render`] runs a backend over every unit of a target;
//! - [`tool`] finds an external program (haproxy, vtysh…) or fails with how to install it;
//! - [`Netns`] is a network namespace that is deleted when dropped.
//!
//! Tests that need root or an external program call [`tool`]: CI installs every program, so a
//! missing one is a failure, never a silent skip.

use infrac_sdk::{Backend, File, Model, Section, Target};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every example directory under `examples/`, as (name, path), sorted by name.
pub fn examples() -> Vec<(String, PathBuf)> {
    let root = repo_root().join("examples");
    let mut dirs: Vec<(String, PathBuf)> = std::fs::read_dir(&root)
        .expect("examples/ is readable")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            (name, p)
        })
        .collect();
    dirs.sort();
    dirs
}

/// Every model a backend's real-program tests should render: the examples, then each model
/// under `tests/models/`, as (name, path), except models whose `expect-build-errors` file says a
/// code of this backend (`code_prefix`, e.g. `"OPNSENSE"`) refuses them.
pub fn corpus(code_prefix: &str) -> Vec<(String, PathBuf)> {
    let mut out = examples();
    let root = repo_root().join("tests/models");
    let mut models: Vec<(String, PathBuf)> = std::fs::read_dir(&root)
        .expect("tests/models/ is readable")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .filter(|p| {
            let expected =
                std::fs::read_to_string(p.join("expect-build-errors")).unwrap_or_default();
            !expected
                .lines()
                .filter(|l| !l.trim_start().starts_with('#'))
                .any(|l| {
                    l.split_whitespace()
                        .nth(1)
                        .is_some_and(|c| c.starts_with(code_prefix))
                })
        })
        .map(|p| {
            let name = format!(
                "models-{}",
                p.file_name()
                    .map(|n| n.to_string_lossy())
                    .unwrap_or_default()
            );
            (name, p)
        })
        .collect();
    models.sort();
    out.extend(models);
    out
}

/// Checks every `.infra` file of a directory (and what they import) into a model; panics with
/// the first diagnostic when the sources do not check.
pub fn model_of(dir: &Path) -> Model {
    let mut queue: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "infra"))
        .collect();
    queue.sort();
    queue.reverse();
    let mut seen = std::collections::BTreeSet::new();
    let mut sources = Vec::new();
    while let Some(p) = queue.pop() {
        let key = std::fs::canonicalize(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        if !seen.insert(key) {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        let name = p
            .strip_prefix(dir)
            .unwrap_or(&p)
            .to_string_lossy()
            .into_owned();
        let (file, _) = infrac_syntax::parse(infrac_diag::FileId(0), &text);
        for st in file
            .statements
            .iter()
            .filter(|s| s.keyword.name == "import")
        {
            if let Some(infrac_syntax::ast::ValueKind::String(rel)) =
                st.args.first().map(|a| &a.kind)
            {
                queue.push(p.parent().expect("a file has a parent").join(rel));
            }
        }
        sources.push((name, text));
    }
    check_sources(&dir.display().to_string(), &sources)
}

/// Checks one `.infra` text (no imports) into a model; panics with the diagnostics when it does
/// not check.
pub fn model_from_str(text: &str) -> Model {
    check_sources("<inline>", &[("site.infra".to_string(), text.to_string())])
}

fn check_sources(what: &str, sources: &[(String, String)]) -> Model {
    let mut map = infrac_diag::SourceMap::new();
    let mut files = Vec::new();
    for (name, text) in sources {
        let id = map.add(name.clone(), text.clone());
        let (file, diags) = infrac_syntax::parse(id, text);
        assert!(diags.is_empty(), "{what}: {name} does not parse: {diags:?}");
        files.push((id, file));
    }
    let refs: Vec<_> = files.iter().map(|(id, f)| (*id, f)).collect();
    let checked = infrac_check::check(&map, &refs, &infrac_check::CheckOptions::default());
    match checked.model {
        Some(model) => model,
        None => panic!("{what} does not check: {:#?}", checked.diagnostics),
    }
}

/// Renders every unit of `target` with backend `B`; panics when a unit fails.
pub fn render<B: Backend>(model: &Model, target: &str) -> Vec<File> {
    let mut files = Vec::new();
    for unit in B::units(model, target) {
        match B::compile(model, &Target::unit(target, &unit)) {
            Ok(mut f) => files.append(&mut f),
            Err(d) => panic!("{} `{unit}` does not compile: {d:#?}", B::NAME),
        }
    }
    files
}

/// Rendering every unit of `target` in one batch ([`Backend::compile_units`], what the host
/// asks of a plugin through the `infrac.units` option) gives each unit exactly what rendering
/// it alone gives: files, warnings and errors.
pub fn assert_batch_matches_units<B: Backend>(name: &str, model: &Model, target: &str) {
    let units = B::units(model, target);
    let batch = B::compile_units(model, &Target::whole(target), &units);
    assert_eq!(batch.len(), units.len(), "{name}: one result per unit");
    for (unit, got) in units.iter().zip(batch) {
        let alone = B::compile_with_warnings(model, &Target::unit(target, unit));
        assert_eq!(got, alone, "{name}: unit `{unit}` rendered in a batch");
    }
}

/// Reading the model without the sections `B` does not read ([`Backend::READS`], what the SDK does in
/// the plugin) renders every unit exactly as reading all of it, and lists the same units, as
/// does reading only [`Backend::UNITS_READS`]: a backend that skips a section it reads fails
/// here. The model is read from the IR texts the host hands plugins (with the section index;
/// for units without the rules and flows).
pub fn assert_skips_change_nothing<B: Backend>(name: &str, model: &Model, target: &str) {
    let ir = |traffic| {
        model
            .to_ir_json(infrac_sdk::IR_VERSION, traffic)
            .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    let skips = Section::all_but(B::READS);
    let skipped = Model::from_json_skipping(&ir(true), &skips)
        .unwrap_or_else(|e| panic!("{name}: the IR reads back: {e}"));
    let units = B::units(model, target);
    assert_eq!(
        B::units(&skipped, target),
        units,
        "{name}: units without {:?}",
        skips
    );
    let unit_skips = Section::all_but(B::UNITS_READS);
    let for_units = Model::from_json_skipping(&ir(false), &unit_skips)
        .unwrap_or_else(|e| panic!("{name}: the IR reads back: {e}"));
    assert_eq!(
        B::units(&for_units, target),
        units,
        "{name}: units without {:?} (Backend::UNITS_READS)",
        unit_skips
    );
    let whole = B::compile_units(model, &Target::whole(target), &units);
    let without = B::compile_units(&skipped, &Target::whole(target), &units);
    for ((unit, a), b) in units.iter().zip(whole).zip(without) {
        assert_eq!(b, a, "{name}: unit `{unit}` rendered without {:?}", skips);
    }
}

/// [`assert_batch_matches_units`] and [`assert_skips_change_nothing`] over the corpus (models
/// whose expected errors start with `code_prefix` left out) and over generated models: three
/// sites of every kind of element, and a 150-rule policy over 60 objects.
pub fn assert_batches_match_units_everywhere<B: Backend>(code_prefix: &str, target: &str) {
    let sites = infrac_gen::sites::generate(&infrac_gen::sites::Sites {
        sites: 3,
        ..infrac_gen::sites::Sites::default()
    })
    .expect("valid parameters");
    let policy = infrac_gen::policy::generate(&infrac_gen::policy::Params {
        rules: 150,
        objects: 60,
        services: 20,
        ..infrac_gen::policy::Params::default()
    })
    .expect("valid parameters");
    let models = corpus(code_prefix)
        .into_iter()
        .map(|(name, dir)| (name, model_of(&dir)))
        .chain([
            ("sites".to_string(), model_from_str(&sites)),
            ("policy".to_string(), model_from_str(&policy.infra())),
        ]);
    for (name, model) in models {
        assert_batch_matches_units::<B>(&name, &model, target);
        assert_skips_change_nothing::<B>(&name, &model, target);
    }
}

/// The files as one text for a snapshot: `=== path` then the contents, in path order.
pub fn snapshot_text(files: &[File]) -> String {
    let mut sorted: Vec<&File> = files.iter().collect();
    sorted.sort_by(|a, b| a.path.cmp(&b.path));
    let mut out = String::new();
    for f in sorted {
        out.push_str("=== ");
        out.push_str(&f.path);
        out.push('\n');
        out.push_str(&String::from_utf8_lossy(&f.contents));
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// The path of external program `name` (searched in PATH, then /usr/sbin, /usr/lib/frr);
/// panics with how to install it when it is missing.
pub fn tool(name: &str) -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    dirs.extend(["/usr/sbin", "/sbin", "/usr/lib/frr"].map(PathBuf::from));
    for d in dirs {
        let p = d.join(name);
        if p.is_file() {
            return p;
        }
    }
    panic!("`{name}` is not installed; `.ci/run` installs every program the tests need")
}

/// Runs a command, returning its output; panics when it cannot start.
pub fn run(cmd: &mut Command) -> Output {
    cmd.output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"))
}

/// `text` with every secret placeholder (`@@secret:NAME@@`) replaced by `value`, as the host
/// does when it writes files in a deployment build.
pub fn substitute_secrets(text: &str, value: &str) -> String {
    use infrac_sdk::{SECRET_PLACEHOLDER_PREFIX as OPEN, SECRET_PLACEHOLDER_SUFFIX as CLOSE};
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find(OPEN) {
        let after = &rest[start + OPEN.len()..];
        let Some(end) = after.find(CLOSE) else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str(value);
        rest = &after[end + CLOSE.len()..];
    }
    out.push_str(rest);
    out
}

/// Calls `done` every 100 ms until it returns true or `budget` has passed (then once more);
/// whether it returned true. Every wait of a test on a daemon goes through here, so every wait
/// is bounded.
pub fn poll(budget: std::time::Duration, mut done: impl FnMut() -> bool) -> bool {
    let start = std::time::Instant::now();
    while start.elapsed() < budget {
        if done() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    done()
}

/// A network namespace of this test, deleted (with its processes killed) when dropped.
pub struct Netns {
    name: String,
}

impl Netns {
    /// Creates namespace `infrac-<tag>-<pid>` with its loopback up.
    pub fn new(tag: &str) -> Netns {
        let name = format!("infrac-{tag}-{}", std::process::id());
        let _ = Command::new("ip").args(["netns", "del", &name]).output();
        let out = run(Command::new("ip").args(["netns", "add", &name]));
        assert!(
            out.status.success(),
            "ip netns add {name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let ns = Netns { name };
        ns.ip(&["link", "set", "lo", "up"]);
        ns
    }

    /// The namespace's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A command run inside the namespace (`ip netns exec NAME program`).
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new("ip");
        c.args(["netns", "exec", &self.name]).arg(program);
        c
    }

    /// Runs `ip ARGS` inside the namespace; panics on failure.
    pub fn ip(&self, args: &[&str]) {
        let out = run(Command::new("ip").args(["-n", &self.name]).args(args));
        assert!(
            out.status.success(),
            "ip -n {} {args:?}: {}",
            self.name,
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Creates a veth pair `a` (in this namespace) – `b` (in `other`, or this one when `None`).
    pub fn veth(&self, a: &str, b: &str, other: Option<&Netns>) {
        self.ip(&["link", "add", a, "type", "veth", "peer", "name", b]);
        if let Some(o) = other {
            self.ip(&["link", "set", b, "netns", &o.name]);
            o.ip(&["link", "set", b, "up"]);
        } else {
            self.ip(&["link", "set", b, "up"]);
        }
        self.ip(&["link", "set", a, "up"]);
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        // Kill whatever still runs inside, then delete the namespace.
        if let Ok(out) = Command::new("ip")
            .args(["netns", "pids", &self.name])
            .output()
        {
            for pid in String::from_utf8_lossy(&out.stdout).split_whitespace() {
                let _ = Command::new("kill").args(["-9", pid]).output();
            }
        }
        let _ = Command::new("ip")
            .args(["netns", "del", &self.name])
            .output();
    }
}

/// A temporary directory for a test's files.
pub fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("a temporary directory")
}
