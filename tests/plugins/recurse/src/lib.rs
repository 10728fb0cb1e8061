//! Abuse: unbounded recursion.

use guest::*;

struct Recurse;

fn down(n: u64) -> u64 {
    if n == u64::MAX {
        return 0;
    }
    down(core::hint::black_box(n + 1)).wrapping_add(n)
}

impl Guest for Recurse {
    fn units(_ir: String, _target: String) -> Result<Vec<String>, Vec<Diagnostic>> {
        Ok(vec![String::new()])
    }

    fn info() -> PluginInfo {
        info("recurse")
    }

    fn compile(_ir: String, _options: CompileOptions) -> Result<CompileOutput, Vec<Diagnostic>> {
        let depth = down(core::hint::black_box(0));
        Ok(one_file("depth.txt", depth.to_string()))
    }
}

guest::export!(Recurse with_types_in guest::bindings);
