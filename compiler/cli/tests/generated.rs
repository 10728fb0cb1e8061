//! The generated benchmark models (`tools/gen`, small instances of each shape) build with every
//! backend, without a diagnostic, and byte-identically with one and two threads.

use infrac_gen::{policy, sites, topology};
use std::process::Command;

mod common;
use common::tree;

#[test]
fn generated_models_build_with_every_backend_at_one_and_two_threads() {
    let tmp = tempfile::tempdir().expect("tmp");
    let models = [
        ("topology", topology::generate()),
        (
            "sites",
            sites::generate(&sites::Sites {
                sites: 3,
                ..sites::Sites::default()
            })
            .expect("valid parameters"),
        ),
        (
            "policy",
            policy::generate(&policy::Params {
                rules: 120,
                objects: 50,
                services: 20,
                ..policy::Params::default()
            })
            .expect("valid parameters")
            .infra(),
        ),
    ];
    for (name, text) in models {
        let model = tmp.path().join(format!("{name}.infra"));
        std::fs::write(&model, text).expect("write model");
        let mut trees = Vec::new();
        for threads in ["1", "2"] {
            let out = tmp.path().join(format!("{name}-{threads}"));
            let run = Command::new(env!("CARGO_BIN_EXE_infrac"))
                .arg("build")
                .arg(&model)
                .arg("-o")
                .arg(&out)
                .env("RAYON_NUM_THREADS", threads)
                .env("NO_COLOR", "1")
                .output()
                .expect("run infrac");
            let err = String::from_utf8_lossy(&run.stderr);
            assert!(run.status.success(), "{name}: {err}");
            // Nothing to report: no warning, no error (secrets are kept as placeholders).
            let lines: Vec<&str> = err
                .lines()
                .filter(|l| !l.starts_with("wrote ") && !l.starts_with("secrets kept"))
                .collect();
            assert!(lines.is_empty(), "{name}: {err}");
            trees.push(tree(&out));
        }
        assert_eq!(trees[0], trees[1], "{name}: 1 and 2 threads differ");
        let backends: Vec<String> = trees[0]
            .keys()
            .filter_map(|p| p.components().next())
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .filter(|c| !c.starts_with('.'))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let expected: &[&str] = match name {
            "sites" => &[
                "compose",
                "dns",
                "frr",
                "haproxy",
                "ios",
                "keepalived",
                "mysql",
                "nftables",
                "opnsense",
                "prometheus",
            ],
            "topology" => &["frr", "ios", "keepalived", "nftables"],
            _ => &["compose", "ios", "nftables", "opnsense"],
        };
        assert_eq!(backends, expected, "{name}: backends that wrote files");
    }
}
