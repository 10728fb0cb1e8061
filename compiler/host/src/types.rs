//! The host-side view of the contract types (independent of the generated bindings).

use std::fmt;

pub use infrac_emit::OutputFile;

/// What a plugin says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PluginInfo {
    /// Short, stable name.
    pub name: String,
    /// The plugin's own version.
    pub version: String,
    /// Targets it renders.
    pub targets: Vec<String>,
    /// IR versions it reads.
    pub ir_versions: Vec<String>,
}

/// What to render.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompileOptions {
    /// The target (one of [`PluginInfo::targets`]).
    pub target: String,
    /// The unit: a device name, or `""` for a whole-model backend.
    pub unit: String,
    /// Extra options; passed sorted by key.
    pub options: std::collections::BTreeMap<String, String>,
}

/// Severity of a [`Diagnostic`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The model cannot be rendered exactly.
    Error,
    /// Rendered, but something deserves attention.
    Warning,
    /// Extra information.
    Note,
}

/// A plugin's message about the model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Severity.
    pub severity: Severity,
    /// Stable code, e.g. `HAPROXY001`.
    pub code: String,
    /// The message (sanitized: no terminal control characters).
    pub message: String,
    /// JSON pointer into the IR, e.g. `/hosts/3/address` (`""`: the whole model).
    pub ir_path: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        write!(f, "{sev}[{}]", self.code)?;
        if !self.ir_path.is_empty() {
            write!(f, " at {}", self.ir_path)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The result of a successful `compile` call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileOutput {
    /// Files, with validated paths, tagged with the producing plugin, in the
    /// order the plugin returned them.
    pub files: Vec<OutputFile>,
    /// Non-fatal diagnostics (warnings and notes; errors would have failed the call).
    pub diagnostics: Vec<Diagnostic>,
}
