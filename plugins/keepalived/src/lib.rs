//! The `keepalived` backend: a keepalived.conf per HA group member. (Skeleton: being written.)

use infrac_sdk::{Backend, Diagnostic, File, Model, Target};

/// The keepalived backend.
pub struct Keepalived;

impl Backend for Keepalived {
    const NAME: &'static str = "keepalived";
    const VERSION: &'static str = "0.1.0";
    const TARGETS: &'static [&'static str] = &["keepalived"];

    fn units(_model: &Model, _target: &str) -> Vec<String> {
        Vec::new()
    }

    fn compile(_model: &Model, _target: &Target) -> Result<Vec<File>, Vec<Diagnostic>> {
        Ok(Vec::new())
    }
}

infrac_sdk::export_backend!(Keepalived);
