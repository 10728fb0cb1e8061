//! The `prometheus` backend: Prometheus scrape configuration, alert rules and Grafana provisioning for the model's monitoring. (Skeleton: being written.)

use infrac_sdk::{Backend, Diagnostic, File, Model, Target};

/// The prometheus backend.
pub struct Prometheus;

impl Backend for Prometheus {
    const NAME: &'static str = "prometheus";
    const VERSION: &'static str = "0.1.0";
    const TARGETS: &'static [&'static str] = &["prometheus"];

    fn units(_model: &Model, _target: &str) -> Vec<String> {
        Vec::new()
    }

    fn compile(_model: &Model, _target: &Target) -> Result<Vec<File>, Vec<Diagnostic>> {
        Ok(Vec::new())
    }
}

infrac_sdk::export_backend!(Prometheus);
