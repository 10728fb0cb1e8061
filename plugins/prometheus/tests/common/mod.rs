//! Shared test support: writing rendered files to a temporary directory, running promtool,
//! reading YAML through PyYAML.

#![allow(dead_code)] // each test binary uses a part

use infrac_plugin_prometheus::Prometheus;
use infrac_sdk::{Backend, File, Model, Target};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Rendered files laid out in a temporary directory (`D`, removed when dropped) as their
/// paths say.
pub struct Tree<D> {
    dir: D,
    pub files: Vec<File>,
}

/// Writes `files` into a fresh temporary directory.
pub fn tree(files: Vec<File>) -> Tree<impl AsRef<Path>> {
    let dir = infrac_testkit::tempdir();
    for f in &files {
        let path = dir.path().join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &f.contents).unwrap();
    }
    Tree { dir, files }
}

impl<D: AsRef<Path>> Tree<D> {
    /// The directory.
    pub fn path(&self) -> &Path {
        self.dir.as_ref()
    }

    /// The path of the only file whose name ends with `suffix`.
    pub fn one(&self, suffix: &str) -> PathBuf {
        let found: Vec<&File> = self
            .files
            .iter()
            .filter(|f| f.path.ends_with(suffix))
            .collect();
        assert_eq!(
            found.len(),
            1,
            "files ending in {suffix}: {:?}",
            self.paths()
        );
        self.path().join(&found[0].path)
    }

    /// Every file path whose name ends with `suffix`.
    pub fn all(&self, suffix: &str) -> Vec<PathBuf> {
        self.files
            .iter()
            .filter(|f| f.path.ends_with(suffix))
            .map(|f| self.path().join(&f.path))
            .collect()
    }

    fn paths(&self) -> Vec<&str> {
        self.files.iter().map(|f| f.path.as_str()).collect()
    }
}

/// Renders every unit of the model.
pub fn render(model: &Model) -> Vec<File> {
    infrac_testkit::render::<Prometheus>(model, "prometheus")
}

/// The diagnostics of compiling every unit (the units that fail).
pub fn errors(model: &Model) -> Vec<infrac_sdk::Diagnostic> {
    let mut out = Vec::new();
    for unit in Prometheus::units(model, "prometheus") {
        if let Err(mut d) = Prometheus::compile(model, &Target::unit("prometheus", &unit)) {
            out.append(&mut d);
        }
    }
    out
}

/// Runs `promtool ARGS` in `dir`; returns (success, stdout + stderr).
pub fn promtool(dir: &Path, args: &[&str]) -> (bool, String) {
    let out = infrac_testkit::run(
        Command::new(infrac_testkit::tool("promtool"))
            .current_dir(dir)
            .args(args),
    );
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// A YAML file read with PyYAML (`safe_load`) and handed over as JSON.
pub fn yaml(path: &Path) -> serde_json::Value {
    let script = "import json, sys, yaml\nprint(json.dumps(yaml.safe_load(open(sys.argv[1]))))";
    let out = infrac_testkit::run(
        Command::new(infrac_testkit::tool("python3"))
            .args(["-c", script])
            .arg(path),
    );
    assert!(
        out.status.success(),
        "{} does not parse as YAML: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("python printed JSON")
}

/// The labels Prometheus gives the series scraped from `host`'s target of `job`, read from
/// a rendered `prometheus.yml`: `job`, `instance` (the target) and the static labels.
pub fn target_labels(
    config: &serde_json::Value,
    job: &str,
    host: &str,
) -> BTreeMap<String, String> {
    let jobs = config["scrape_configs"].as_array().expect("scrape_configs");
    let job_config = jobs
        .iter()
        .find(|j| j["job_name"] == job)
        .unwrap_or_else(|| panic!("no job {job}"));
    for sc in job_config["static_configs"].as_array().unwrap() {
        if sc["labels"]["host"] == host {
            let mut labels = BTreeMap::new();
            labels.insert("job".to_string(), job.to_string());
            let targets = sc["targets"].as_array().unwrap();
            assert_eq!(targets.len(), 1);
            labels.insert(
                "instance".to_string(),
                targets[0].as_str().unwrap().to_string(),
            );
            for (k, v) in sc["labels"].as_object().unwrap() {
                labels.insert(k.clone(), v.as_str().unwrap().to_string());
            }
            return labels;
        }
    }
    panic!("job {job} has no target on {host}")
}
