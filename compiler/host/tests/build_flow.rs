//! The build flow the CLI follows: run every unit, write only if all succeeded,
//! substitute secrets only when writing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use infrac_emit::{SecretMode, SecretValues, write_tree};
use infrac_host::{
    CacheConfig, CompileOptions, Host, HostConfig, OutputFile, Plugin, PluginError, Unit,
    compile_units,
};

fn wasm(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/plugins/wasm")
        .join(format!("{name}.wasm"));
    std::fs::read(path).expect("test plugin (run tests/plugins/build.sh)")
}

fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("read");
                out.insert(path, bytes);
            }
        }
    }
    out
}

fn unit<'a>(plugin: &'a Plugin, target: &str, unit: &str, opts: &[(&str, &str)]) -> Unit<'a> {
    Unit {
        plugin,
        options: CompileOptions {
            target: target.to_string(),
            unit: unit.to_string(),
            options: opts
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        },
    }
}

/// What `infrac build` does with the results: all or nothing.
fn build(
    out: &Path,
    ir: &str,
    units: &[Unit<'_>],
    mode: SecretMode,
    secrets: &SecretValues,
) -> Result<(), Vec<String>> {
    let results = compile_units(ir, units, &|_| {});
    let (ok, errors): (Vec<_>, Vec<_>) = results.into_iter().partition(Result::is_ok);
    if !errors.is_empty() {
        return Err(errors
            .into_iter()
            .filter_map(Result::err)
            .map(|e: PluginError| e.to_string())
            .collect());
    }
    let files: Vec<OutputFile> = ok
        .into_iter()
        .filter_map(Result::ok)
        .flat_map(|o| o.files)
        .collect();
    write_tree(out, files, secrets, mode).map_err(|e| vec![e.to_string()])?;
    Ok(())
}

#[test]
fn a_failing_unit_leaves_the_previous_output_byte_identical() {
    let host = Host::new(HostConfig {
        cache: CacheConfig::Disabled,
        ..HostConfig::default()
    })
    .expect("host");
    let echo = host.load("echo", &wasm("echo")).expect("echo");
    let badpath = host.load("badpath", &wasm("badpath")).expect("badpath");
    let tmp = tempfile::tempdir().expect("temp dir");
    let out = tmp.path().join("out");
    let ir = r#"{"ir_version":"0.1","password":"@@secret:db.pw@@"}"#;
    let mut secrets = SecretValues::new();
    secrets.insert("db.pw", "hunter2");

    let good = [
        unit(&echo, "echo", "sw1", &[]),
        unit(&echo, "echo", "sw2", &[]),
    ];
    build(&out, ir, &good, SecretMode::Resolve, &secrets).expect("first build");
    let ir_json = std::fs::read_to_string(out.join("sw1/ir.json")).expect("ir.json");
    assert!(
        ir_json.contains("hunter2"),
        "secret substituted when writing"
    );
    let before = snapshot(&out);

    for opts in [&[("path", "../escape.txt")][..], &[("path", "/etc/passwd")]] {
        let bad = [
            unit(&echo, "echo", "sw1", &[]),
            unit(&badpath, "badpath", "", opts),
            unit(&echo, "echo", "sw3", &[]),
        ];
        let errors = build(&out, ir, &bad, SecretMode::Resolve, &secrets).expect_err("bad path");
        assert_eq!(errors.len(), 1);
        assert!(errors[0].starts_with("plugin `badpath`"), "{}", errors[0]);
        assert_eq!(snapshot(&out), before);
    }
    assert!(!tmp.path().join("escape.txt").exists());
}

#[test]
fn results_keep_unit_order_whatever_the_threads() {
    let host = Host::new(HostConfig {
        cache: CacheConfig::Disabled,
        ..HostConfig::default()
    })
    .expect("host");
    let echo = host.load("echo", &wasm("echo")).expect("echo");
    let names: Vec<String> = (0..32).map(|i| format!("dev{i:02}")).collect();
    let units: Vec<Unit<'_>> = names.iter().map(|n| unit(&echo, "echo", n, &[])).collect();
    let done = AtomicUsize::new(0);
    let results = compile_units("{}", &units, &|_| {
        done.fetch_add(1, Ordering::Relaxed);
    });
    assert_eq!(done.load(Ordering::Relaxed), 32);
    for (name, result) in names.iter().zip(results) {
        let output = result.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(output.files[0].path, format!("{name}/ir.json"));
    }
}
