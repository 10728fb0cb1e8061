//! Abuse: returns a file at the path given in option `path` (default ../escape.txt); option dup returns it twice.

use guest::*;

struct BadPath;

impl Guest for BadPath {
    fn units(_ir: String, _target: String) -> Result<Vec<String>, Vec<Diagnostic>> {
        Ok(vec![String::new()])
    }

    fn info() -> PluginInfo {
        info("badpath")
    }

    fn compile(_ir: String, options: CompileOptions) -> Result<CompileOutput, Vec<Diagnostic>> {
        let path = option(&options, "path").unwrap_or("../escape.txt");
        let mut out = one_file(path, "pwned\n");
        if option(&options, "dup").is_some() {
            out.files.push(file(path, "again\n"));
        }
        Ok(out)
    }
}

guest::export!(BadPath with_types_in guest::bindings);
