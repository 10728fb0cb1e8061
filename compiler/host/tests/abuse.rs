//! Every abuse-test plugin (tests/plugins/) run through the real host: each
//! ends in bounded time, with the right error, naming the plugin.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use infrac_host::{
    CacheConfig, CacheOutcome, Cause, CompileOptions, Host, HostConfig, Plugin, PluginError,
    PluginLimits, Severity,
};

/// Upper bound for any single abuse test (generous: debug builds, shared CI cores).
const BOUND: Duration = Duration::from_secs(30);

fn wasm(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/plugins/wasm")
        .join(format!("{name}.wasm"));
    std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run tests/plugins/build.sh)", path.display()))
}

fn cache_dir() -> PathBuf {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
        .path()
        .to_path_buf()
}

fn host() -> &'static Host {
    static HOST: OnceLock<Host> = OnceLock::new();
    HOST.get_or_init(|| {
        Host::new(HostConfig {
            cache: CacheConfig::Dir(cache_dir()),
            ..HostConfig::default()
        })
        .expect("host")
    })
}

fn load(name: &str) -> Plugin {
    load_with(name, PluginLimits::default())
}

fn load_with(name: &str, limits: PluginLimits) -> Plugin {
    host()
        .load_with(&format!("{name}.wasm"), &wasm(name), limits)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn options(target: &str, opts: &[(&str, &str)]) -> CompileOptions {
    CompileOptions {
        target: target.to_string(),
        unit: "sw1".to_string(),
        options: opts
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    }
}

/// Compile and expect an error; checks the time bound and that the message names the plugin.
fn compile_err(plugin: &Plugin, opts: &[(&str, &str)]) -> PluginError {
    let start = Instant::now();
    let result = plugin.compile(r#"{"ir_version":"0.1"}"#, &options(plugin.name(), opts));
    let elapsed = start.elapsed();
    let err = match result {
        Ok(out) => panic!("{} unexpectedly succeeded: {out:?}", plugin.name()),
        Err(err) => err,
    };
    assert!(elapsed < BOUND, "{} took {elapsed:?}", plugin.name());
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("plugin `{}`", plugin.name())),
        "{text}"
    );
    err
}

#[test]
fn echo_round_trips_files_options_and_diagnostics() {
    let plugin = load("echo");
    assert_eq!(plugin.name(), "echo");
    assert_eq!(plugin.info().targets, ["echo"]);
    assert_eq!(plugin.info().ir_versions, ["0.1"]);
    // A plugin reading only the previous IR version is still served, in that version.
    assert_eq!(plugin.ir_version(), infrac_model::LEGACY_IR_VERSION);
    let ir = r#"{"ir_version":"0.1","hosts":[]}"#;
    let out = plugin
        .compile(ir, &options("echo", &[("b", "2"), ("a", "1")]))
        .unwrap_or_else(|e| panic!("{e}"));
    let paths: Vec<_> = out.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["sw1/ir.json", "sw1/options.txt"]);
    assert_eq!(out.files[0].contents, ir.as_bytes());
    assert_eq!(out.files[0].plugin, "echo");
    assert_eq!(out.files[1].contents, b"target=echo\nunit=sw1\na=1\nb=2\n");
    assert_eq!(out.diagnostics.len(), 1);
    assert_eq!(out.diagnostics[0].severity, Severity::Warning);
    assert_eq!(out.diagnostics[0].code, "ECHO001");
}

#[test]
fn echo_error_diagnostics_carry_the_ir_path() {
    let plugin = load("echo");
    let err = compile_err(&plugin, &[("fail", "no address for host")]);
    let Cause::Diagnostics(diags) = &err.cause else {
        panic!("{err}");
    };
    assert_eq!(diags[0].ir_path, "/hosts/0");
    assert_eq!(diags[0].severity, Severity::Error);
    assert!(
        err.to_string()
            .contains("error[ECHO002] at /hosts/0: no address for host"),
        "{err}"
    );
}

#[test]
fn unknown_target_is_refused_before_running() {
    let plugin = load("echo");
    let err = plugin
        .compile("{}", &options("haproxy", &[]))
        .expect_err("unknown target");
    assert!(matches!(err.cause, Cause::UnknownTarget { .. }), "{err}");
}

#[test]
fn infinite_loop_runs_out_of_fuel() {
    let plugin = load_with(
        "loop",
        PluginLimits {
            fuel: 50_000_000,
            ..PluginLimits::default()
        },
    );
    let err = compile_err(&plugin, &[]);
    assert_eq!(
        err.cause,
        Cause::FuelExhausted { fuel: 50_000_000 },
        "{err}"
    );
    assert!(err.to_string().contains("ran out of fuel"), "{err}");
}

#[test]
fn infinite_loop_hits_the_wall_clock_deadline() {
    let plugin = load_with(
        "loop",
        PluginLimits {
            fuel: u64::MAX,
            timeout: Duration::from_millis(200),
            ..PluginLimits::default()
        },
    );
    let start = Instant::now();
    let err = compile_err(&plugin, &[]);
    assert!(matches!(err.cause, Cause::Timeout { .. }), "{err}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn unbounded_allocation_hits_the_memory_limit() {
    let plugin = load_with(
        "alloc",
        PluginLimits {
            memory: 64 << 20,
            ..PluginLimits::default()
        },
    );
    let err = compile_err(&plugin, &[]);
    assert_eq!(err.cause, Cause::MemoryLimit { limit: 64 << 20 }, "{err}");
    assert!(err.stderr.contains("memory allocation"), "{err}");
}

#[test]
fn deep_recursion_overflows_the_stack() {
    let err = compile_err(&load("recurse"), &[]);
    assert_eq!(err.cause, Cause::StackOverflow, "{err}");
}

#[test]
fn panic_is_a_trap_with_the_message_from_stderr() {
    let err = compile_err(&load("panic"), &[]);
    assert!(matches!(err.cause, Cause::Trap(_)), "{err}");
    assert!(
        err.stderr.contains("boom: this plugin panics on purpose"),
        "{err}"
    );
    assert_eq!(err.call, Some("compile"));
}

#[test]
fn exit_is_reported() {
    // WASI 0.2 `exit` carries success or failure only: any non-zero code is 1.
    let err = compile_err(&load("panic"), &[("exit", "3")]);
    assert_eq!(err.cause, Cause::Exit(1), "{err}");
    let err = compile_err(&load("panic"), &[("exit", "0")]);
    assert_eq!(err.cause, Cause::Exit(0), "{err}");
}

#[test]
fn bad_paths_are_refused() {
    let plugin = load("badpath");
    for (path, reason) in [
        ("../escape.txt", "`..`"),
        ("a/../../escape.txt", "`..`"),
        ("/etc/passwd", "absolute"),
        ("a\0b", "NUL"),
        ("a\\b", "backslash"),
        ("..\\windows", "backslash"),
        ("a//b", "empty segment"),
        ("a/./b", "`.`"),
        ("", "empty"),
        ("a\x1b[2Jb", "control"),
    ] {
        let err = compile_err(&plugin, &[("path", path)]);
        assert!(
            matches!(err.cause, Cause::BadPath { .. }),
            "{path:?}: {err}"
        );
        let text = err.to_string();
        assert!(text.contains(reason), "{path:?}: {text}");
        assert!(!text.contains('\0') && !text.contains('\x1b'), "{text:?}");
    }
    let err = compile_err(&plugin, &[("path", "ok.txt"), ("dup", "")]);
    assert!(err.to_string().contains("returned twice"), "{err}");
}

#[test]
fn output_over_the_cap_is_refused() {
    // Default cap (64 MiB) against 65 MiB.
    let err = compile_err(&load("big-output"), &[]);
    assert!(matches!(err.cause, Cause::OutputTooLarge { .. }), "{err}");
    // A configured cap.
    let plugin = load_with(
        "big-output",
        PluginLimits {
            max_output: 1 << 20,
            ..PluginLimits::default()
        },
    );
    let err = compile_err(&plugin, &[("bytes", "2000000")]);
    assert!(
        matches!(err.cause, Cause::OutputTooLarge { limit, .. } if limit == 1 << 20),
        "{err}"
    );
    let ok = plugin.compile("{}", &options("big-output", &[("bytes", "1000")]));
    assert!(ok.is_ok());
    // Too many files (1 KiB each here).
    let plugin = load_with(
        "big-output",
        PluginLimits {
            max_files: 3,
            ..PluginLimits::default()
        },
    );
    let err = compile_err(&plugin, &[("bytes", "4000000")]);
    assert_eq!(
        err.cause,
        Cause::TooManyFiles { count: 4, limit: 3 },
        "{err}"
    );
}

#[test]
fn invalid_utf8_is_refused() {
    let err = compile_err(&load("bad-utf8"), &[]);
    assert!(matches!(err.cause, Cause::InvalidUtf8(_)), "{err}");
}

#[test]
fn wrong_ir_version_is_refused_at_load() {
    let err = host()
        .load("wrong-ir.wasm", &wasm("wrong-ir"))
        .expect_err("wrong IR version");
    assert_eq!(
        err.cause,
        Cause::IrVersion {
            plugin_reads: vec!["9.0".to_string()],
            host_provides: infrac_host::HOST_IR_VERSIONS
                .iter()
                .map(|v| v.to_string())
                .collect(),
        }
    );
    let text = err.to_string();
    assert!(text.starts_with("plugin `wrong-ir`"), "{text}");
    assert!(
        text.contains("[9.0]") && text.contains("provides IR 0.2 or 0.1"),
        "{text}"
    );
}

#[test]
fn import_outside_the_allow_list_is_refused_before_instantiation() {
    let err = host()
        .load("evil-import.wasm", &wasm("evil-import"))
        .expect_err("evil import");
    let Cause::BadImport { import, .. } = &err.cause else {
        panic!("{err}");
    };
    assert_eq!(import, "evil:x/y");
    let text = err.to_string();
    assert!(text.starts_with("plugin `evil-import.wasm`"), "{text}");
    assert!(text.contains("help:"), "{text}");
}

#[test]
fn stderr_flood_is_bounded_and_shown() {
    let plugin = load("stderr-flood");
    let err = compile_err(&plugin, &[]);
    assert!(matches!(err.cause, Cause::Trap(_)), "{err}");
    assert!(
        err.stderr.starts_with("flood begins"),
        "{}",
        &err.stderr[..80]
    );
    assert!(err.stderr.len() < (64 << 10) + 200, "{}", err.stderr.len());
    assert!(err.stderr.contains("more bytes dropped]"));
    // Chatter alone does not fail a plugin.
    let out = plugin
        .compile("{}", &options("stderr-flood", &[("ok", "")]))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.files[0].path, "survived.txt");
}

#[test]
fn sandbox_grants_nothing_and_is_deterministic() {
    let plugin = load("probe");
    let start = Instant::now();
    let run = || {
        let out = plugin
            .compile("{}", &options("probe", &[]))
            .unwrap_or_else(|e| panic!("{e}"));
        String::from_utf8(out.files[0].contents.clone()).expect("utf-8")
    };
    let report = run();
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "a guest sleep blocked the host"
    );
    for line in [
        "wall_clock=Ok(0)",
        "monotonic_elapsed_ns=0",
        "env_vars=0",
        "args=0",
        "read_root_ok=false",
        "read_dot_ok=false",
        "write_ok=false",
        "tcp_ok=false",
        "udp_ok=false",
        "dns_ok=false",
        "stdin=Ok(\"\")",
    ] {
        assert!(
            report.lines().any(|l| l == line),
            "missing {line:?} in:\n{report}"
        );
    }
    assert_eq!(run(), report, "seeded randomness must repeat");
}

#[test]
fn garbage_bytes_are_not_a_component() {
    let err = host().load("junk.wasm", b"\0asm junk").expect_err("junk");
    assert!(matches!(err.cause, Cause::InvalidComponent(_)), "{err}");
    assert!(err.to_string().starts_with("plugin `junk.wasm`"));
}

#[test]
fn a_trap_does_not_poison_later_calls() {
    let plugin = load("panic");
    compile_err(&plugin, &[]);
    compile_err(&plugin, &[]);
    let echo = load("echo");
    assert!(echo.compile("{}", &options("echo", &[])).is_ok());
}

#[test]
fn units_run_in_parallel() {
    let plugin = load("echo");
    let outputs: Vec<_> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|i| {
                let plugin = &plugin;
                s.spawn(move || {
                    let mut opts = options("echo", &[]);
                    opts.unit = format!("unit{i}");
                    plugin.compile("{}", &opts).map(|o| o.files[0].path.clone())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("thread"))
            .collect()
    });
    for (i, out) in outputs.into_iter().enumerate() {
        assert_eq!(
            out.unwrap_or_else(|e| panic!("{e}")),
            format!("unit{i}/ir.json")
        );
    }
}

#[test]
fn compiled_components_are_cached() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = || HostConfig {
        cache: CacheConfig::Dir(dir.path().to_path_buf()),
        ..HostConfig::default()
    };
    let bytes = wasm("echo");
    let first = Host::new(config()).expect("host");
    let plugin = first.load("echo", &bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(plugin.cache_outcome(), CacheOutcome::Stored);
    drop(plugin);
    drop(first);
    let second = Host::new(config()).expect("host");
    let plugin = second
        .load("echo", &bytes)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(plugin.cache_outcome(), CacheOutcome::Hit);
    assert!(plugin.compile("{}", &options("echo", &[])).is_ok());
    let entries = std::fs::read_dir(dir.path().join("components"))
        .expect("cache dir")
        .count();
    assert_eq!(entries, 1, "no temporary files left behind");
}

#[test]
fn a_damaged_cache_entry_is_recompiled() {
    let dir = tempfile::tempdir().expect("temp dir");
    let host = Host::new(HostConfig {
        cache: CacheConfig::Dir(dir.path().to_path_buf()),
        ..HostConfig::default()
    })
    .expect("host");
    let bytes = wasm("echo");
    host.load("echo", &bytes).unwrap_or_else(|e| panic!("{e}"));
    for entry in std::fs::read_dir(dir.path().join("components")).expect("cache dir") {
        std::fs::write(entry.expect("entry").path(), b"garbage").expect("write");
    }
    let plugin = host.load("echo", &bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(plugin.cache_outcome(), CacheOutcome::Stored);
}

#[test]
fn units_are_listed_per_target_and_checked() {
    let echo = load("echo");
    let target = echo.info().targets[0].clone();
    assert_eq!(
        echo.units(r#"{"ir_version":"0.1"}"#, &target)
            .expect("units"),
        vec![String::new()]
    );
    let err = echo
        .units("{}", "no-such-target")
        .expect_err("unknown target");
    assert!(matches!(err.cause, Cause::UnknownTarget { .. }), "{err}");
    assert!(err.to_string().starts_with("plugin `echo`"), "{err}");
}
