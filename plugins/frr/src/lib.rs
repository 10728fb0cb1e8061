//! The `frr` backend: an FRR frr.conf (OSPF) per router and per routing firewall. (Skeleton: being written.)

use infrac_sdk::{Backend, Diagnostic, File, Model, Target};

/// The frr backend.
pub struct Frr;

impl Backend for Frr {
    const NAME: &'static str = "frr";
    const VERSION: &'static str = "0.1.0";
    const TARGETS: &'static [&'static str] = &["frr"];

    fn units(_model: &Model, _target: &str) -> Vec<String> {
        Vec::new()
    }

    fn compile(_model: &Model, _target: &Target) -> Result<Vec<File>, Vec<Diagnostic>> {
        Ok(Vec::new())
    }
}

infrac_sdk::export_backend!(Frr);
