//! Abuse: claims to read only IR 9.0.

use guest::*;

struct WrongIr;

impl Guest for WrongIr {
    fn units(_ir: String, _target: String) -> Result<Vec<String>, Vec<Diagnostic>> {
        Ok(vec![String::new()])
    }

    fn info() -> PluginInfo {
        PluginInfo {
            ir_versions: vec!["9.0".to_string()],
            ..info("wrong-ir")
        }
    }

    fn compile(_ir: String, _options: CompileOptions) -> Result<CompileOutput, Vec<Diagnostic>> {
        Ok(one_file("never.txt", "compile must not be called\n"))
    }
}

guest::export!(WrongIr with_types_in guest::bindings);
