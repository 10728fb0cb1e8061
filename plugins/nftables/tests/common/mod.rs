//! Shared by the nftables tests: the models to render, and the ruleset files on disk.

#![allow(dead_code)] // each test crate uses part of this

use infrac_plugin_nftables::Nftables;
use infrac_sdk::{File, Model};
use std::path::{Path, PathBuf};

/// Every example, then every model of `tests/models` (IPv6, HA, services…), as
/// (snapshot name, model), sorted.
pub fn models() -> Vec<(String, Model)> {
    let mut all: Vec<(String, Model)> = infrac_testkit::examples()
        .into_iter()
        .map(|(name, dir)| (name, infrac_testkit::model_of(&dir)))
        .collect();
    let root = infrac_testkit::repo_root().join("tests/models");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|d| {
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        all.push((format!("model-{name}"), infrac_testkit::model_of(&dir)));
    }
    all
}

/// Every host's file of `model`.
pub fn render(model: &Model) -> Vec<File> {
    infrac_testkit::render::<Nftables>(model, "nftables")
}

/// Writes `files` under `dir`, returning their paths on disk in order.
pub fn write(files: &[File], dir: &Path) -> Vec<PathBuf> {
    files
        .iter()
        .map(|f| {
            let p = dir.join(&f.path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, &f.contents).unwrap();
            p
        })
        .collect()
}
