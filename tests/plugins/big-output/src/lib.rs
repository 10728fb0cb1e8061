//! Abuse: returns option `bytes` bytes of files (default 65 MiB).

use guest::*;

struct BigOutput;

impl Guest for BigOutput {
    fn units(_ir: String, _target: String) -> Result<Vec<String>, Vec<Diagnostic>> {
        Ok(vec![String::new()])
    }

    fn info() -> PluginInfo {
        info("big-output")
    }

    fn compile(_ir: String, options: CompileOptions) -> Result<CompileOutput, Vec<Diagnostic>> {
        let mut left: usize = option(&options, "bytes")
            .and_then(|b| b.parse().ok())
            .unwrap_or(65 << 20);
        let mut files = Vec::new();
        while left > 0 {
            let n = left.min(1 << 20);
            files.push(file(&format!("chunk-{}.bin", files.len()), vec![b'x'; n]));
            left -= n;
        }
        Ok(CompileOutput {
            files,
            diagnostics: Vec::new(),
        })
    }
}

guest::export!(BigOutput with_types_in guest::bindings);
