//! The `ios` backend: a Cisco IOS / IOSvL2 configuration per switch or IOS router. (Skeleton: being written.)

use infrac_sdk::{Backend, Diagnostic, File, Model, Target};

/// The ios backend.
pub struct Ios;

impl Backend for Ios {
    const NAME: &'static str = "ios";
    const VERSION: &'static str = "0.1.0";
    const TARGETS: &'static [&'static str] = &["ios"];

    fn units(_model: &Model, _target: &str) -> Vec<String> {
        Vec::new()
    }

    fn compile(_model: &Model, _target: &Target) -> Result<Vec<File>, Vec<Diagnostic>> {
        Ok(Vec::new())
    }
}

infrac_sdk::export_backend!(Ios);
