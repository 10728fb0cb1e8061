//! Plugin runtime overhead. Run: `cargo bench -p infrac-host --bench runtime`.
//! Figures are recorded in docs/performance.md ("Plugin runtime").

use std::path::PathBuf;
use std::sync::OnceLock;

use divan::Bencher;
use infrac_host::{CacheConfig, CacheOutcome, CompileOptions, Host, HostConfig, Plugin};

fn main() {
    divan::main();
}

fn echo_wasm() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let path =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/plugins/wasm/echo.wasm");
        std::fs::read(path).expect("tests/plugins/wasm/echo.wasm (run tests/plugins/build.sh)")
    })
}

fn cache_dir() -> &'static std::path::Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"))
        .path()
}

fn host(cache: CacheConfig) -> Host {
    Host::new(HostConfig {
        cache,
        ..HostConfig::default()
    })
    .expect("host")
}

fn echo() -> &'static Plugin {
    static PLUGIN: OnceLock<(Host, Plugin)> = OnceLock::new();
    &PLUGIN
        .get_or_init(|| {
            let host = host(CacheConfig::Disabled);
            let plugin = host.load("echo", echo_wasm()).expect("load echo");
            (host, plugin)
        })
        .1
}

/// A small IR document (about 1 KiB), like one device of a small example.
fn small_ir() -> String {
    let hosts: Vec<String> = (0..16)
        .map(|i| format!(r#"{{"name":"app{i}","address":"10.0.12.{i}","zone":"apps"}}"#))
        .collect();
    format!(r#"{{"ir_version":"0.1","hosts":[{}]}}"#, hosts.join(","))
}

/// Per-unit overhead: fresh store + instance, `compile` call, lifting the result.
#[divan::bench]
fn per_unit_compile(bencher: Bencher) {
    let plugin = echo();
    let ir = small_ir();
    let options = CompileOptions {
        target: "echo".to_string(),
        unit: "sw1".to_string(),
        options: [("mode".to_string(), "bench".to_string())].into(),
    };
    bencher.bench(|| plugin.compile(&ir, &options).expect("compile"));
}

/// Load with no cache: Cranelift compiles the component, then `info()` runs.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn load_cold(bencher: Bencher) {
    let host = host(CacheConfig::Disabled);
    bencher.bench(|| host.load("echo", echo_wasm()).expect("load"));
}

/// Load from the compiled-component cache, then `info()` runs.
#[divan::bench(sample_count = 100)]
fn load_cached(bencher: Bencher) {
    let host = host(CacheConfig::Dir(cache_dir().to_path_buf()));
    host.load("echo", echo_wasm()).expect("warm the cache");
    bencher.bench(|| {
        let plugin = host.load("echo", echo_wasm()).expect("load");
        assert_eq!(plugin.cache_outcome(), CacheOutcome::Hit);
        plugin
    });
}

/// Engine creation (once per process): pooling allocator reservation, WASI linker.
#[divan::bench(sample_count = 10, sample_size = 1)]
fn host_new() -> Host {
    host(CacheConfig::Disabled)
}

/// Hashing the plugin (the cache key), part of every load.
#[divan::bench]
fn sha256_of_plugin() -> String {
    infrac_host::sha256_hex(divan::black_box(echo_wasm()))
}
