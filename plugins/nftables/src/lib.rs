//! The `nftables` backend: an nftables host firewall per server from the flow matrix. (Skeleton: being written.)

use infrac_sdk::{Backend, Diagnostic, File, Model, Target};

/// The nftables backend.
pub struct Nftables;

impl Backend for Nftables {
    const NAME: &'static str = "nftables";
    const VERSION: &'static str = "0.1.0";
    const TARGETS: &'static [&'static str] = &["nftables"];

    fn units(_model: &Model, _target: &str) -> Vec<String> {
        Vec::new()
    }

    fn compile(_model: &Model, _target: &Target) -> Result<Vec<File>, Vec<Diagnostic>> {
        Ok(Vec::new())
    }
}

infrac_sdk::export_backend!(Nftables);
