//! The `mysql` backend: MySQL/MariaDB server fragments, replication SQL and backup schedule per database cluster. (Skeleton: being written.)

use infrac_sdk::{Backend, Diagnostic, File, Model, Target};

/// The mysql backend.
pub struct Mysql;

impl Backend for Mysql {
    const NAME: &'static str = "mysql";
    const VERSION: &'static str = "0.1.0";
    const TARGETS: &'static [&'static str] = &["mysql"];

    fn units(_model: &Model, _target: &str) -> Vec<String> {
        Vec::new()
    }

    fn compile(_model: &Model, _target: &Target) -> Result<Vec<File>, Vec<Diagnostic>> {
        Ok(Vec::new())
    }
}

infrac_sdk::export_backend!(Mysql);
