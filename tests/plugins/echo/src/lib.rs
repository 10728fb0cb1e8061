//! A well-behaved plugin: echoes the IR and the options back as files.

use guest::*;

struct Echo;

impl Guest for Echo {
    fn units(_ir: String, _target: String) -> Result<Vec<String>, Vec<Diagnostic>> {
        Ok(vec![String::new()])
    }

    fn info() -> PluginInfo {
        info("echo")
    }

    fn compile(ir: String, options: CompileOptions) -> Result<CompileOutput, Vec<Diagnostic>> {
        if let Some(message) = option(&options, "fail") {
            return Err(vec![Diagnostic {
                severity: Severity::Error,
                code: "ECHO002".to_string(),
                message: message.to_string(),
                ir_path: "/hosts/0".to_string(),
            }]);
        }
        let dir = if options.unit.is_empty() {
            "model"
        } else {
            options.unit.as_str()
        };
        let mut listing = format!("target={}\nunit={}\n", options.target, options.unit);
        for o in &options.options {
            listing.push_str(&format!("{}={}\n", o.key, o.value));
        }
        Ok(CompileOutput {
            files: vec![
                file(&format!("{dir}/ir.json"), ir),
                file(&format!("{dir}/options.txt"), listing),
            ],
            diagnostics: vec![Diagnostic {
                severity: Severity::Warning,
                code: "ECHO001".to_string(),
                message: "echo renders nothing real".to_string(),
                ir_path: String::new(),
            }],
        })
    }
}

guest::export!(Echo with_types_in guest::bindings);
