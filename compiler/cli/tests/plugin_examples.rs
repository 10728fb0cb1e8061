//! The example plugins of `plugins/examples/` (C and Python), built by
//! `plugins/examples/build.sh`, run through `infrac build --plugin` and through the host API.
//!
//! `hosts-c.wasm` is committed, so its tests always run. `inventory-py.wasm` (~19 MB) is not:
//! its tests print why they skip when it has not been built (CI builds it before testing). The
//! Python component takes ~15–25 s to compile the first time; the compiled-component cache (the
//! user's, as for any `infrac build`) makes later runs fast.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use infrac_host::{
    CacheConfig, Cause, CompileOptions, Host, HostConfig, PluginError, PluginLimits, Severity,
};

const HOSTS_C: &str = "plugins/examples/wasm/hosts-c.wasm";
const INVENTORY_PY: &str = "plugins/examples/wasm/inventory-py.wasm";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The plugin at `rel`, or None after saying why its test is skipped.
fn example(rel: &str) -> Option<PathBuf> {
    let path = root().join(rel);
    if path.is_file() {
        return Some(path);
    }
    // Straight to stderr, not through `eprintln!`, which the test harness captures: the reason
    // shows in a plain `cargo test` run.
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: {rel} is not built (run plugins/examples/install-toolchains.sh, then \
         plugins/examples/build.sh)"
    );
    None
}

/// Runs infrac with `args` and extra environment; returns exit code, stdout, stderr.
fn infrac(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_infrac"));
    cmd.args(args).current_dir(root()).env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run infrac");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Every file under `dir` (the manifest excepted) with its text.
fn tree(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).expect("prefix");
                let rel = rel.to_string_lossy().replace('\\', "/");
                if rel != ".infrac-manifest.json" {
                    out.insert(rel, std::fs::read_to_string(&p).expect("utf-8 file"));
                }
            }
        }
    }
    out
}

/// `infrac build examples/protech` with `plugins`, only `targets`, into a fresh directory.
fn build(plugins: &[&Path], targets: &[&str], threads: &str) -> BTreeMap<String, String> {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    let mut args = vec![
        "build".to_string(),
        "examples/protech".to_string(),
        "-o".to_string(),
        out.to_string_lossy().into_owned(),
    ];
    for p in plugins {
        args.push("--plugin".to_string());
        args.push(p.to_string_lossy().into_owned());
    }
    for t in targets {
        args.push("--only".to_string());
        args.push(t.to_string());
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, stdout, stderr) = infrac(&args, &[("RAYON_NUM_THREADS", threads)]);
    assert_eq!(
        code, 0,
        "infrac {args:?}\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    tree(&out)
}

const PROTECH_HOST_LINE: &str = "192.168.12.11 app1-1.protech.example app1-1\n";

#[test]
fn hosts_c_renders_protech_through_infrac_build() {
    let Some(hosts_c) = example(HOSTS_C) else {
        return;
    };
    let files = build(&[&hosts_c], &["hosts-c"], "2");
    assert_eq!(files.keys().collect::<Vec<_>>(), ["hosts/hosts"]);
    let hosts = &files["hosts/hosts"];
    assert!(hosts.contains(PROTECH_HOST_LINE), "{hosts}");
    assert!(
        hosts.contains("\n192.168.11.100 www.protech.example\n"),
        "{hosts}"
    );
    insta::assert_snapshot!("hosts_c_protech", hosts);
}

#[test]
fn both_examples_in_one_build_identical_at_one_and_two_threads() {
    let (Some(hosts_c), Some(inventory_py)) = (example(HOSTS_C), example(INVENTORY_PY)) else {
        return;
    };
    let plugins = [hosts_c.as_path(), inventory_py.as_path()];
    let one = build(&plugins, &["hosts-c", "inventory"], "1");
    let two = build(&plugins, &["hosts-c", "inventory"], "2");
    assert_eq!(one, two, "output differs between 1 and 2 threads");
    assert_eq!(
        one.keys().collect::<Vec<_>>(),
        ["hosts/hosts", "inventory/hosts.ini"]
    );
    assert!(one["hosts/hosts"].contains(PROTECH_HOST_LINE));
    let ini = &one["inventory/hosts.ini"];
    assert!(
        ini.contains(
            "\n[paris]\nadmin1 ansible_host=192.168.10.10\napp1-1 ansible_host=192.168.12.11\n"
        ),
        "{ini}"
    );
    assert!(
        ini.contains("\n[role_app]\napp1-1\napp1-2\napp2-1\napp2-2\n"),
        "{ini}"
    );
    insta::assert_snapshot!("inventory_py_protech", ini);
}

#[test]
fn infrac_plugins_lists_the_examples() {
    let Some(hosts_c) = example(HOSTS_C) else {
        return;
    };
    let (code, stdout, stderr) = infrac(
        &["plugins", "--plugin", hosts_c.to_str().expect("utf-8")],
        &[],
    );
    assert_eq!(code, 0, "{stderr}");
    let line = stdout
        .lines()
        .find(|l| l.starts_with("hosts-c"))
        .unwrap_or_else(|| panic!("no hosts-c line in:\n{stdout}"));
    let columns: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(
        &columns[..4],
        ["hosts-c", "0.1.0", "hosts-c", "0.1"],
        "{line}"
    );
}

/// The IR of examples/protech, as plugins receive it.
fn protech_ir() -> String {
    // The examples read IR 0.1 (flows written whole), which the host still serves.
    let (code, stdout, stderr) = infrac(&["model", "--ir-version", "0.1", "examples/protech"], &[]);
    assert_eq!(code, 0, "{stderr}");
    stdout
}

fn host() -> Host {
    Host::new(HostConfig {
        // The user's cache, as `infrac build` uses: the Python component compiles once.
        cache: CacheConfig::Default,
        ..HostConfig::default()
    })
    .expect("host")
}

fn whole_model(target: &str) -> CompileOptions {
    CompileOptions {
        target: target.to_string(),
        ..CompileOptions::default()
    }
}

/// The error diagnostics of a failed call, as (code, ir_path).
fn error_codes(err: &PluginError) -> Vec<(String, String)> {
    match &err.cause {
        Cause::Diagnostics(ds) => ds
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| (d.code.clone(), d.ir_path.clone()))
            .collect(),
        other => panic!("expected diagnostics, got {other:?}: {err}"),
    }
}

/// Bad IR documents, made from `ir`, as (document, expected first error code without the
/// plugin's prefix, its JSON pointer).
fn bad_documents(ir: &str) -> Vec<(String, &'static str, &'static str)> {
    let mut model: serde_json::Value = serde_json::from_str(ir).expect("IR");
    let mut out = vec![
        (String::new(), "001", ""),
        ("{\"ir_version\": \"0.1\", ".to_string(), "001", ""),
        ("[1, 2, 3]".to_string(), "003", ""),
        (
            ir.replacen("\"ir_version\": \"0.1\"", "\"ir_version\": \"7.0\"", 1),
            "002",
            "/ir_version",
        ),
    ];
    model["hosts"][2]["name"] = serde_json::Value::from("evil\n10.6.6.6 bank.example");
    out.push((model.to_string(), "004", "/hosts/2/name"));
    model["hosts"][2]["name"] = serde_json::Value::from(42);
    out.push((model.to_string(), "003", "/hosts/2/name"));
    model["hosts"][2]["name"] = serde_json::Value::from("app1-1");
    model["hosts"][2]["addresses"][0]["address"] = serde_json::Value::from("192.168.12.300");
    out.push((model.to_string(), "004", "/hosts/2/addresses/0/address"));
    out
}

fn check_plugin_api(host: &Host, path: &Path, name: &str, target: &str, prefix: &str) {
    let bytes = std::fs::read(path).expect("read plugin");
    let plugin = host.load(name, &bytes).expect("load");
    assert_eq!(plugin.info().name, name);
    assert_eq!(plugin.info().targets, [target]);
    assert_eq!(plugin.info().ir_versions, ["0.1"]);
    let ir = protech_ir();

    assert_eq!(plugin.units(&ir, target).expect("units"), [""]);
    let out = plugin.compile(&ir, &whole_model(target)).expect("compile");
    assert_eq!(out.files.len(), 1);
    assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);

    // A unit it does not have: an error diagnostic, not a trap.
    let mut per_device = whole_model(target);
    per_device.unit = "sw1".to_string();
    let err = plugin.compile(&ir, &per_device).expect_err("unit sw1");
    assert_eq!(error_codes(&err), [(format!("{prefix}005"), String::new())]);

    for (doc, code, pointer) in bad_documents(&ir) {
        let err = plugin
            .compile(&doc, &whole_model(target))
            .expect_err("a bad document must fail");
        let codes = error_codes(&err);
        assert_eq!(
            codes.first(),
            Some(&(format!("{prefix}{code}"), pointer.to_string())),
            "{name} on {:.80}: {err}",
            doc
        );
    }
}

#[test]
fn hosts_c_through_the_host_api_reports_bad_input_as_diagnostics() {
    let Some(hosts_c) = example(HOSTS_C) else {
        return;
    };
    check_plugin_api(&host(), &hosts_c, "hosts-c", "hosts-c", "HOSTSC");
}

#[test]
fn inventory_py_through_the_host_api_reports_bad_input_as_diagnostics() {
    let Some(inventory_py) = example(INVENTORY_PY) else {
        return;
    };
    check_plugin_api(&host(), &inventory_py, "inventory-py", "inventory", "INVPY");
}

/// The smallest fuel budget under which `compile` of protech succeeds (bisection).
fn minimal_fuel(host: &Host, bytes: &[u8], target: &str, ir: &str) -> u64 {
    let fits = |fuel: u64| {
        let limits = PluginLimits {
            fuel,
            ..PluginLimits::default()
        };
        match host.load_with("probe", bytes, limits) {
            Ok(plugin) => plugin.compile(ir, &whole_model(target)).is_ok(),
            Err(_) => false, // `info` itself ran out
        }
    };
    let (mut lo, mut hi) = (0u64, 1u64 << 20);
    while !fits(hi) {
        lo = hi;
        hi *= 2;
        assert!(hi < 1 << 40, "does not fit in 2^40 fuel");
    }
    while hi - lo > hi / 100 {
        let mid = lo + (hi - lo) / 2;
        if fits(mid) { hi = mid } else { lo = mid }
    }
    hi
}

/// Fuel each example needs for examples/protech (within 1%): the figures docs/plugins.md
/// quotes. `cargo test -p infrac-cli --test plugin_examples -- --ignored --nocapture`
#[test]
#[ignore = "a measurement, not a check"]
fn fuel_figures() {
    let host = host();
    let ir = protech_ir();
    for (rel, target) in [(HOSTS_C, "hosts-c"), (INVENTORY_PY, "inventory")] {
        let Some(path) = example(rel) else {
            continue;
        };
        let bytes = std::fs::read(&path).expect("read");
        let fuel = minimal_fuel(&host, &bytes, target, &ir);
        let plugin = host.load("probe", &bytes).expect("load");
        let start = std::time::Instant::now();
        let runs = 5;
        for _ in 0..runs {
            plugin.compile(&ir, &whole_model(target)).expect("compile");
        }
        println!(
            "{rel}: {} KB, IR {} KB, compile needs {fuel} fuel, {:?} per call (warm)",
            bytes.len() / 1000,
            ir.len() / 1000,
            start.elapsed() / runs
        );
    }
}
