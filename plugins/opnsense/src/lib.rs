//! The `opnsense` backend: an OPNsense config.xml per firewall. (Skeleton: being written.)

use infrac_sdk::{Backend, Diagnostic, File, Model, Target};

/// The opnsense backend.
pub struct Opnsense;

impl Backend for Opnsense {
    const NAME: &'static str = "opnsense";
    const VERSION: &'static str = "0.1.0";
    const TARGETS: &'static [&'static str] = &["opnsense"];

    fn units(_model: &Model, _target: &str) -> Vec<String> {
        Vec::new()
    }

    fn compile(_model: &Model, _target: &Target) -> Result<Vec<File>, Vec<Diagnostic>> {
        Ok(Vec::new())
    }
}

infrac_sdk::export_backend!(Opnsense);
