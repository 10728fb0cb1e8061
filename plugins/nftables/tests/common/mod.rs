//! Shared by the nftables tests: the models to render, and the ruleset files on disk.

#![allow(dead_code)] // each test crate uses part of this

use infrac_plugin_nftables::Nftables;
use infrac_sdk::{File, Model};
use std::path::{Path, PathBuf};

/// Every example, then every model of `tests/models` (IPv6, HA, services…) except those
/// expected to be refused with an NFT code (`infrac_testkit::corpus`), as (snapshot name, model),
/// sorted.
pub fn models() -> Vec<(String, Model)> {
    infrac_testkit::corpus("NFT")
        .into_iter()
        .map(|(name, dir)| {
            let name = match name.strip_prefix("models-") {
                Some(model) => format!("model-{model}"),
                None => name,
            };
            (name, infrac_testkit::model_of(&dir))
        })
        .collect()
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
