//! `infrac build` as a user runs it (a fresh process each time): the smallest example with a
//! cold compiled-component cache and with a warm one, and the example that every backend renders
//! (backbone, 10 plugins) with a warm cache; and the generated benchmark models of
//! `tools/gen` (the 2,000-rule policy to three targets, the 20-device topology, 10 and 100
//! sites). `cargo bench -p infrac-cli`. Targets on a 2-core machine: warm ≤ 50 ms for the
//! smallest example and the topology, ≤ 0.1 s for the policy (docs/performance.md says where
//! they stand; `bench/run.sh` adds CPU time, peak memory, thread counts and 1,000 sites).

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

/// A generated model written to a file of its own, and a warm cache for it.
fn generated(name: &str, text: String) -> (tempfile::TempDir, PathBuf, PathBuf, PathBuf) {
    let tmp = tempfile::tempdir().expect("tmp");
    let model = tmp.path().join(format!("{name}.infra"));
    std::fs::write(&model, text).expect("write model");
    let (cache, out) = (tmp.path().join("cache"), tmp.path().join("out"));
    (tmp, model, cache, out)
}

fn build_model(model: &Path, cache: &Path, out: &Path, only: &[&str]) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_infrac"));
    cmd.arg("build").arg(model).arg("-o").arg(out);
    for t in only {
        cmd.args(["--only", t]);
    }
    let status = cmd
        .env("INFRAC_CACHE_DIR", cache)
        .stderr(std::process::Stdio::null())
        .status()
        .expect("run infrac");
    assert!(status.success());
}

#[divan::bench(sample_count = 5)]
fn build_policy_2000_rules_three_targets(bencher: divan::Bencher) {
    let text = infrac_gen::policy::generate(&infrac_gen::policy::Params::default())
        .expect("valid parameters")
        .infra();
    let (_tmp, model, cache, out) = generated("policy", text);
    let only = ["ios", "opnsense", "nftables"];
    build_model(&model, &cache, &out, &only);
    bencher.bench(|| build_model(&model, &cache, &out, &only));
}

#[divan::bench(sample_count = 10)]
fn build_topology_20_devices(bencher: divan::Bencher) {
    let (_tmp, model, cache, out) = generated("topology", infrac_gen::topology::generate());
    build_model(&model, &cache, &out, &[]);
    bencher.bench(|| build_model(&model, &cache, &out, &[]));
}

#[divan::bench(args = [10, 100], sample_count = 3)]
fn build_sites(bencher: divan::Bencher, sites: usize) {
    let text = infrac_gen::sites::generate(&infrac_gen::sites::Sites {
        sites,
        ..infrac_gen::sites::Sites::default()
    })
    .expect("valid parameters");
    let (_tmp, model, cache, out) = generated("sites", text);
    build_model(&model, &cache, &out, &[]);
    bencher.bench(|| build_model(&model, &cache, &out, &[]));
}
