//! Abuse: loops forever in compile().

use guest::*;

struct Loop;

impl Guest for Loop {
    fn units(_ir: String, _target: String) -> Result<Vec<String>, Vec<Diagnostic>> {
        Ok(vec![String::new()])
    }

    fn info() -> PluginInfo {
        info("loop")
    }

    fn compile(_ir: String, _options: CompileOptions) -> Result<CompileOutput, Vec<Diagnostic>> {
        let mut x = 0u64;
        loop {
            x = core::hint::black_box(x.wrapping_add(1));
        }
    }
}

guest::export!(Loop with_types_in guest::bindings);
