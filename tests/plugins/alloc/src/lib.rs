//! Abuse: allocates without bound.

use guest::*;

struct Alloc;

impl Guest for Alloc {
    fn units(_ir: String, _target: String) -> Result<Vec<String>, Vec<Diagnostic>> {
        Ok(vec![String::new()])
    }

    fn info() -> PluginInfo {
        info("alloc")
    }

    fn compile(_ir: String, _options: CompileOptions) -> Result<CompileOutput, Vec<Diagnostic>> {
        let mut hoard: Vec<Vec<u8>> = Vec::new();
        loop {
            hoard.push(vec![1u8; 1 << 20]);
            core::hint::black_box(&hoard);
        }
    }
}

guest::export!(Alloc with_types_in guest::bindings);
