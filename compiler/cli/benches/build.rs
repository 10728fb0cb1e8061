//! `infrac build` as a user runs it (a fresh process each time): the smallest example with a
//! cold compiled-component cache and with a warm one, and the example that every backend renders
//! (backbone, 10 plugins) with a warm cache. `cargo bench -p infrac-cli`.
//! Target on a 2-core machine: warm ≤ 50 ms for the smallest example.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    divan::main();
}

const EXAMPLE: &str = "examples/foobar/stages/single";

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn build(cache: &Path, out: &Path) {
    build_example(EXAMPLE, cache, out);
}

fn build_example(example: &str, cache: &Path, out: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_infrac"))
        .args(["build", example, "-o"])
        .arg(out)
        .current_dir(root())
        .env("INFRAC_CACHE_DIR", cache)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run infrac");
    assert!(status.success());
}

#[divan::bench(sample_count = 10)]
fn build_warm_cache(bencher: divan::Bencher) {
    let tmp = tempfile::tempdir().expect("tmp");
    let (cache, out) = (tmp.path().join("cache"), tmp.path().join("out"));
    build(&cache, &out); // fills the cache
    bencher.bench(|| build(&cache, &out));
}

#[divan::bench(sample_count = 5)]
fn build_cold_cache(bencher: divan::Bencher) {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    let mut n = 0;
    bencher.bench_local(|| {
        n += 1;
        build(&tmp.path().join(format!("cache-{n}")), &out);
    });
}

#[divan::bench(sample_count = 10)]
fn build_backbone_warm_cache(bencher: divan::Bencher) {
    let tmp = tempfile::tempdir().expect("tmp");
    let (cache, out) = (tmp.path().join("cache"), tmp.path().join("out"));
    build_example("examples/backbone", &cache, &out);
    bencher.bench(|| build_example("examples/backbone", &cache, &out));
}
