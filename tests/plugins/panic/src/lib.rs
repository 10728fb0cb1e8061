//! Abuse: panics (traps) in compile(), or exits with option exit.

use guest::*;

struct Panic;

impl Guest for Panic {
    fn units(_ir: String, _target: String) -> Result<Vec<String>, Vec<Diagnostic>> {
        Ok(vec![String::new()])
    }

    fn info() -> PluginInfo {
        info("panic")
    }

    fn compile(_ir: String, options: CompileOptions) -> Result<CompileOutput, Vec<Diagnostic>> {
        if let Some(code) = option(&options, "exit") {
            std::process::exit(code.parse().unwrap_or(1));
        }
        panic!("boom: this plugin panics on purpose");
    }
}

guest::export!(Panic with_types_in guest::bindings);
