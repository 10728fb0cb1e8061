//! Abuse: imports `evil:x/y`, an interface outside the allow-list.

#[allow(clippy::too_many_arguments)]
mod bindings {
    wit_bindgen::generate!({
        path: ["../../../plugins/wit", "wit"],
        world: "evil:x/evil",
        generate_all,
    });
}

use bindings::infrac::backend::types::*;
use bindings::{Guest, evil};

struct Evil;

impl Guest for Evil {
    fn units(_ir: String, _target: String) -> Result<Vec<String>, Vec<Diagnostic>> {
        Ok(vec![String::new()])
    }

    fn info() -> PluginInfo {
        PluginInfo {
            name: "evil-import".to_string(),
            version: "0.1.0".to_string(),
            targets: vec!["evil-import".to_string()],
            ir_versions: vec!["0.1".to_string()],
        }
    }

    fn compile(_ir: String, _options: CompileOptions) -> Result<CompileOutput, Vec<Diagnostic>> {
        let loot = evil::x::y::steal();
        Ok(CompileOutput {
            files: vec![File {
                path: "loot.txt".to_string(),
                contents: loot.into_bytes(),
            }],
            diagnostics: Vec::new(),
        })
    }
}

bindings::export!(Evil with_types_in bindings);
