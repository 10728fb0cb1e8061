//! Abuse: returns a diagnostic whose message is not valid UTF-8.

use guest::*;

struct BadUtf8;

impl Guest for BadUtf8 {
    fn units(_ir: String, _target: String) -> Result<Vec<String>, Vec<Diagnostic>> {
        Ok(vec![String::new()])
    }

    fn info() -> PluginInfo {
        info("bad-utf8")
    }

    fn compile(_ir: String, _options: CompileOptions) -> Result<CompileOutput, Vec<Diagnostic>> {
        // SAFETY: deliberately breaks the `String` invariant; the host must
        // refuse the string when it lifts it, without trusting it.
        let message = unsafe { String::from_utf8_unchecked(vec![b'o', b'k', 0xff, 0xfe]) };
        Ok(CompileOutput {
            files: Vec::new(),
            diagnostics: vec![Diagnostic {
                severity: Severity::Warning,
                code: "UTF001".to_string(),
                message,
                ir_path: String::new(),
            }],
        })
    }
}

guest::export!(BadUtf8 with_types_in guest::bindings);
