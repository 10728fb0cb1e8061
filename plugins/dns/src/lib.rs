//! The `dns` backend: BIND zone files (forward and reverse) for the project's domain. (Skeleton: being written.)

use infrac_sdk::{Backend, Diagnostic, File, Model, Target};

/// The dns backend.
pub struct Dns;

impl Backend for Dns {
    const NAME: &'static str = "dns";
    const VERSION: &'static str = "0.1.0";
    const TARGETS: &'static [&'static str] = &["dns"];

    fn units(_model: &Model, _target: &str) -> Vec<String> {
        Vec::new()
    }

    fn compile(_model: &Model, _target: &Target) -> Result<Vec<File>, Vec<Diagnostic>> {
        Ok(Vec::new())
    }
}

infrac_sdk::export_backend!(Dns);
