//! Shared bindings and helpers for the test plugins.

/// The generated bindings.
#[allow(clippy::too_many_arguments)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../../../plugins/wit",
        world: "backend",
        pub_export_macro: true,
        default_bindings_module: "guest::bindings",
    });
}

pub use bindings::Guest;
pub use bindings::export;
pub use bindings::infrac::backend::types::*;

/// `plugin-info` for a test plugin rendering target `name` from IR 0.1.
pub fn info(name: &str) -> PluginInfo {
    PluginInfo {
        name: name.to_string(),
        version: "0.1.0".to_string(),
        targets: vec![name.to_string()],
        ir_versions: vec!["0.1".to_string()],
    }
}

/// The value of option `key`, if given.
pub fn option<'a>(options: &'a CompileOptions, key: &str) -> Option<&'a str> {
    options
        .options
        .iter()
        .find(|o| o.key == key)
        .map(|o| o.value.as_str())
}

/// A file.
pub fn file(path: &str, contents: impl Into<Vec<u8>>) -> File {
    File {
        path: path.to_string(),
        contents: contents.into(),
    }
}

/// An output with one file and no diagnostics.
pub fn one_file(path: &str, contents: impl Into<Vec<u8>>) -> CompileOutput {
    CompileOutput {
        files: vec![file(path, contents)],
        diagnostics: Vec::new(),
    }
}
