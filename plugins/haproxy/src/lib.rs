//! The `haproxy` backend: a haproxy.cfg per load balancer. (Skeleton: being written.)

use infrac_sdk::{Backend, Diagnostic, File, Model, Target};

/// The haproxy backend.
pub struct Haproxy;

impl Backend for Haproxy {
    const NAME: &'static str = "haproxy";
    const VERSION: &'static str = "0.1.0";
    const TARGETS: &'static [&'static str] = &["haproxy"];

    fn units(_model: &Model, _target: &str) -> Vec<String> {
        Vec::new()
    }

    fn compile(_model: &Model, _target: &Target) -> Result<Vec<File>, Vec<Diagnostic>> {
        Ok(Vec::new())
    }
}

infrac_sdk::export_backend!(Haproxy);
