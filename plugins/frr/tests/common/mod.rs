//! Helpers shared by the frr backend's integration tests.

#![allow(dead_code)] // each test binary uses a part

use std::path::PathBuf;

/// The example directory `name`.
pub fn example(name: &str) -> (String, PathBuf) {
    infrac_testkit::examples()
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("examples/{name} exists"))
}
