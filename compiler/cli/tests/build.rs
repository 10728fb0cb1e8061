//! `infrac build` end to end: determinism, misbehaving plugins, secrets, `infrac plugins`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

mod common;
use common::tree;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs infrac with `args` (and extra environment); returns exit code, stdout, stderr.
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

fn examples() -> Vec<String> {
    let mut dirs: Vec<String> = std::fs::read_dir(root().join("examples"))
        .expect("examples")
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| format!("examples/{}", e.file_name().to_string_lossy()))
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_example_builds_byte_identically_at_one_and_two_threads() {
    let tmp = tempfile::tempdir().expect("tmp");
    for ex in examples() {
        let mut trees = Vec::new();
        for threads in ["1", "2"] {
            let out = tmp
                .path()
                .join(format!("{}-{threads}", ex.replace('/', "-")));
            let (code, _, err) = infrac(
                &["build", &ex, "-o", out.to_str().expect("utf-8")],
                &[("RAYON_NUM_THREADS", threads)],
            );
            assert_eq!(code, 0, "{ex}: {err}");
            assert!(err.contains("wrote "), "{ex}: {err}");
            trees.push(tree(&out));
        }
        assert!(!trees[0].is_empty(), "{ex} built nothing");
        assert_eq!(
            trees[0], trees[1],
            "{ex}: output differs between 1 and 2 threads"
        );
    }
}

#[test]
fn misbehaving_plugins_fail_cleanly_and_leave_the_previous_output() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    let out_s = out.to_str().expect("utf-8");
    let (code, _, err) = infrac(&["build", "examples/protech", "-o", out_s], &[]);
    assert_eq!(code, 0, "{err}");
    let before = tree(&out);
    let wasm = root().join("tests/plugins/wasm");
    let abusers = [
        "loop",
        "alloc",
        "recurse",
        "panic",
        "badpath",
        "big-output",
        "bad-utf8",
        "wrong-ir",
        "evil-import",
        "stderr-flood",
    ];
    for name in abusers {
        let plugin = wasm.join(format!("{name}.wasm"));
        let started = Instant::now();
        let (code, _, err) = infrac(
            &[
                "build",
                "examples/protech",
                "-o",
                out_s,
                "--plugin",
                plugin.to_str().expect("utf-8"),
            ],
            &[],
        );
        let took = started.elapsed();
        assert_eq!(code, 1, "{name}: exit {code}\n{err}");
        assert!(
            err.contains(&format!("plugin `{name}`")),
            "{name}: the error does not name the plugin:\n{err}"
        );
        assert!(took < Duration::from_secs(60), "{name} took {took:?}");
        assert!(
            err.len() < 200_000,
            "{name}: {} bytes of error output",
            err.len()
        );
        assert_eq!(tree(&out), before, "{name}: the previous output changed");
    }
}

#[test]
fn secrets_are_kept_as_placeholders_unless_deploying() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    let out_s = out.to_str().expect("utf-8");
    let (code, _, err) = infrac(&["build", "examples/campus", "-o", out_s], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("secrets kept as placeholders"), "{err}");
    let files = tree(&out);
    let with_placeholder = files
        .values()
        .filter(|b| String::from_utf8_lossy(b).contains("@@secret:"))
        .count();
    assert!(with_placeholder > 0, "no placeholder in the campus output");
    let before = files;

    // A deployment build without the values fails, names the secrets, and writes nothing.
    let (code, _, err) = infrac(&["build", "examples/campus", "-o", out_s, "--deploy"], &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("missing secret values"), "{err}");
    assert_eq!(tree(&out), before);
}

#[test]
fn plugins_lists_the_embedded_backends() {
    let (code, out, err) = infrac(&["plugins"], &[]);
    assert_eq!(code, 0, "{err}");
    for name in [
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
    ] {
        assert!(
            out.lines()
                .any(|l| l.starts_with(&format!("{name}\t")) && l.ends_with("\tembedded")),
            "{name} is not listed:\n{out}"
        );
    }
}

#[test]
fn every_backend_renders_the_backbone_example() {
    // The example with every kind of device and service: each embedded backend writes files.
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    let (code, _, err) = infrac(
        &[
            "build",
            "examples/backbone",
            "-o",
            out.to_str().expect("utf-8"),
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let files = tree(&out);
    for dir in [
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
    ] {
        assert!(
            files.keys().any(|p| p.starts_with(dir)),
            "no {dir}/ files: {:?}",
            files.keys().collect::<Vec<_>>()
        );
    }
}

#[test]
fn a_backend_capability_error_points_at_the_source() {
    // HAProxy cannot tell which of two backends a request is for: the haproxy backend refuses
    // (HAPROXY002), and the error shows at the load balancer's line in the user's file.
    let tmp = tempfile::tempdir().expect("tmp");
    let src = tmp.path().join("two-backends.infra");
    std::fs::write(
        &src,
        "project t { domain \"t.example\" }\n\
         site s {\n  id 1\n  zone services { vlan 11; subnet 192.168.11.0/24 }\n  \
         zone apps { vlan 12; subnet 192.168.12.0/24 }\n  \
         host lb1 { address services 192.168.11.11 }\n  \
         host web1 { address apps 192.168.12.11 }\n  \
         host api1 { address apps 192.168.12.12 }\n}\n\
         service web { image \"web:1\"; port 8080; on [web1] }\n\
         service api { image \"api:1\"; port 8081; on [api1] }\n\
         loadbalancer www {\n  on [lb1]\n  vip 192.168.11.100\n  backend web { }\n  backend api { }\n}\n",
    )
    .expect("write");
    let out = tmp.path().join("out");
    let (code, _, err) = infrac(
        &[
            "build",
            src.to_str().expect("utf-8"),
            "-o",
            out.to_str().expect("utf-8"),
            "--format",
            "short",
        ],
        &[],
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.lines().any(|l| l.contains("two-backends.infra:")
            && l.contains("error[HAPROXY002]")
            && l.contains("plugin `haproxy`")),
        "{err}"
    );
    assert!(!out.exists(), "a failed build wrote {}", out.display());
}

#[test]
fn a_deployment_build_refuses_a_secret_longer_than_its_max_length() {
    // campus's VRRP password is declared `max_length 8`; keepalived would refuse a longer one.
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    let secrets = tmp.path().join("secret");
    std::fs::write(&secrets, "generated-test-value").expect("write");
    let file = secrets.to_str().expect("utf-8");
    let env = [
        ("CAMPUS_ADMIN_PASSWORD", "test-admin-value"),
        ("CAMPUS_VRRP_PASSWORD", "123456789"),
        ("CAMPUS_DB_REPL_PASSWORD", "test-repl-value"),
    ];
    // The file secrets point at /run/secrets/…: replace them for this test by building a copy.
    let dir = tmp.path().join("campus");
    std::fs::create_dir(&dir).expect("mkdir");
    let text = std::fs::read_to_string(root().join("examples/campus/site.infra"))
        .expect("read")
        .replace("/run/secrets/campus-db-web", file)
        .replace("/run/secrets/grafana-admin", file)
        .replace(
            "../../policies/",
            &format!("{}/policies/", root().display()),
        );
    std::fs::write(dir.join("site.infra"), text).expect("write");
    let args = [
        "build",
        dir.to_str().expect("utf-8"),
        "-o",
        out.to_str().expect("utf-8"),
        "--deploy",
    ];
    let (code, _, err) = infrac(&args, &env);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("vrrp-pass"), "{err}");
    assert!(err.contains("max_length 8"), "{err}");
    assert!(!err.contains("123456789"), "the value was printed: {err}");
    assert!(!out.exists());
    // Eight characters are fine.
    let mut ok = env;
    ok[1] = ("CAMPUS_VRRP_PASSWORD", "12345678");
    let (code, _, err) = infrac(&args, &ok);
    assert_eq!(code, 0, "{err}");
    let conf = tree(&out)
        .into_iter()
        .find(|(p, _)| p.starts_with("keepalived"))
        .map(|(_, b)| String::from_utf8_lossy(&b).into_owned())
        .expect("a keepalived.conf");
    assert!(conf.contains("12345678"), "{conf}");
}

#[test]
fn an_unknown_target_is_a_usage_error() {
    let tmp = tempfile::tempdir().expect("tmp");
    let out = tmp.path().join("out");
    let (code, _, err) = infrac(
        &[
            "build",
            "examples/protech",
            "-o",
            out.to_str().expect("utf-8"),
            "--only",
            "nope",
        ],
        &[],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no plugin renders target `nope`"), "{err}");
    assert!(!out.exists());
}

#[test]
fn plugins_in_the_project_directory_are_loaded_like_any_other() {
    let tmp = tempfile::tempdir().expect("tmp");
    let project = tmp.path().join("project");
    std::fs::create_dir_all(project.join("backends")).expect("mkdir");
    std::fs::copy(
        root().join("tests/plugins/wasm/echo.wasm"),
        project.join("backends/echo.wasm"),
    )
    .expect("copy echo");
    std::fs::write(
        project.join("site.infra"),
        "project p {\n  domain \"p.example\"\n  plugins \"backends\"\n}\n\nsite s {\n  zone apps { vlan 10; subnet 10.0.0.0/24 }\n  host h1 { address apps 10.0.0.10 }\n}\n",
    )
    .expect("write model");
    let out = tmp.path().join("out");
    let (code, _, err) = infrac(
        &[
            "build",
            project.to_str().expect("utf-8"),
            "-o",
            out.to_str().expect("utf-8"),
            "--only",
            "echo",
        ],
        &[],
    );
    assert_eq!(code, 0, "{err}");
    let files = tree(&out);
    let ir = files
        .get(Path::new("model/ir.json"))
        .expect("echo wrote the IR it was given");
    assert!(String::from_utf8_lossy(ir).contains("\"h1\""));
    assert!(
        err.contains("plugin `echo`: echo renders nothing real") || err.contains("ECHO001"),
        "the plugin's warning is shown: {err}"
    );
}
