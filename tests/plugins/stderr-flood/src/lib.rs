//! Abuse: writes option `mib` MiB (default 8) to stderr and stdout, then panics (or succeeds with option ok).

use std::io::Write;

use guest::*;

struct StderrFlood;

impl Guest for StderrFlood {
    fn units(_ir: String, _target: String) -> Result<Vec<String>, Vec<Diagnostic>> {
        Ok(vec![String::new()])
    }

    fn info() -> PluginInfo {
        info("stderr-flood")
    }

    fn compile(_ir: String, options: CompileOptions) -> Result<CompileOutput, Vec<Diagnostic>> {
        let mib: usize = option(&options, "mib")
            .and_then(|m| m.parse().ok())
            .unwrap_or(8);
        let line = [b'E'; 1023];
        let mut stderr = std::io::stderr();
        let mut stdout = std::io::stdout();
        let _ = stderr.write_all(b"flood begins\n");
        for _ in 0..mib * 1024 {
            let _ = stderr.write_all(&line);
            let _ = stderr.write_all(b"\n");
            let _ = stdout.write_all(&line);
        }
        if option(&options, "ok").is_some() {
            return Ok(one_file("survived.txt", "yes\n"));
        }
        panic!("flood over");
    }
}

guest::export!(StderrFlood with_types_in guest::bindings);
