//! Typed plugin errors. Every error names the plugin and, where the plugin
//! ran, carries what it wrote to stderr.

use std::fmt;
use std::time::Duration;

use crate::types::Diagnostic;

/// Something went wrong loading or running a plugin.
#[derive(Debug, Clone)]
pub struct PluginError {
    /// The plugin's name (from `info()`, or the name it was loaded under).
    pub plugin: String,
    /// What went wrong.
    pub cause: Cause,
    /// The call that failed (`info` or `compile`), if the plugin was running.
    pub call: Option<&'static str>,
    /// The captured stderr of the failing call (sanitized; may be truncated).
    pub stderr: String,
}

/// Why a plugin failed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cause {
    /// The bytes are not a valid WebAssembly component, or failed to compile.
    InvalidComponent(String),
    /// The component imports something outside the allow-list.
    BadImport {
        /// The offending import, as the component names it.
        import: String,
        /// Why it is refused.
        reason: String,
    },
    /// The component does not implement the `infrac:backend` world.
    BadExports(String),
    /// `info()` returned something unusable.
    BadInfo(String),
    /// `units()` returned something unusable.
    BadUnits(String),
    /// The plugin does not read the IR version the host provides.
    IrVersion {
        /// The IR versions the plugin says it reads.
        plugin_reads: Vec<String>,
        /// The IR versions the host provides, preferred first.
        host_provides: Vec<String>,
    },
    /// The plugin was asked for a target it does not list.
    UnknownTarget {
        /// The requested target.
        target: String,
        /// The targets the plugin lists.
        targets: Vec<String>,
    },
    /// The guest trapped (panic, `unreachable`, out-of-bounds access, ...).
    Trap(String),
    /// The guest overflowed its wasm stack (usually unbounded recursion).
    StackOverflow,
    /// The guest used up its fuel (deterministic CPU budget).
    FuelExhausted {
        /// The budget.
        fuel: u64,
    },
    /// The guest ran past its wall-clock deadline.
    Timeout {
        /// The deadline.
        limit: Duration,
    },
    /// The guest hit its memory or table limit.
    MemoryLimit {
        /// The memory limit in bytes.
        limit: usize,
    },
    /// The guest called `exit`.
    Exit(i32),
    /// The files returned exceed the output cap.
    OutputTooLarge {
        /// Total bytes returned.
        size: usize,
        /// The cap.
        limit: usize,
    },
    /// The plugin returned more files than allowed.
    TooManyFiles {
        /// Files returned.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// The plugin returned a string that is not valid UTF-8.
    InvalidUtf8(String),
    /// The plugin returned an unacceptable file path.
    BadPath {
        /// The path, escaped for display.
        path: String,
        /// Which rule it breaks.
        reason: String,
    },
    /// The plugin returned error diagnostics: the model cannot be rendered.
    Diagnostics(Vec<Diagnostic>),
    /// The host could not run the plugin (e.g. instance pool exhausted).
    Host(String),
}

impl PluginError {
    pub(crate) fn new(plugin: &str, cause: Cause) -> Self {
        PluginError {
            plugin: plugin.to_string(),
            cause,
            call: None,
            stderr: String::new(),
        }
    }
}

impl fmt::Display for PluginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "plugin `{}`", self.plugin)?;
        if let Some(call) = self.call {
            write!(f, " (in `{call}`)")?;
        }
        write!(f, ": {}", self.cause)?;
        if !self.stderr.is_empty() {
            write!(f, "\nplugin stderr:")?;
            for line in self.stderr.lines() {
                write!(f, "\n  | {line}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for PluginError {}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::InvalidComponent(msg) => write!(
                f,
                "not a valid WebAssembly component: {msg}\n  help: build the plugin as a \
                 component (e.g. `cargo build --target wasm32-wasip2`, or `wasm-tools component new`)"
            ),
            Cause::BadImport { import, reason } => write!(
                f,
                "imports `{import}`, which the host does not provide: {reason}\n  help: a plugin \
                 may import only WASI 0.2 interfaces (wasi:cli, wasi:clocks, wasi:filesystem, \
                 wasi:io, wasi:random, wasi:sockets, version 0.2.x); remove the import from the \
                 plugin's world (JavaScript: build with `-d http fetch-event`)"
            ),
            Cause::BadExports(msg) => write!(
                f,
                "does not implement the `infrac:backend/backend` world: {msg}\n  help: generate \
                 bindings from plugins/wit/backend.wit and export `info`, `units` and `compile`"
            ),
            Cause::BadInfo(msg) => write!(f, "`info()` returned bad data: {msg}"),
            Cause::BadUnits(msg) => write!(f, "`units()` returned bad data: {msg}"),
            Cause::IrVersion {
                plugin_reads,
                host_provides,
            } => {
                let newest = host_provides.first().map_or("", String::as_str);
                write!(
                    f,
                    "reads IR version(s) [{}] but this infrac provides IR {}\n  help: rebuild \
                     the plugin against IR {newest} and list \"{newest}\" in \
                     `plugin-info.ir-versions`",
                    plugin_reads.join(", "),
                    host_provides.join(" or ")
                )
            }
            Cause::UnknownTarget { target, targets } => write!(
                f,
                "does not render target `{target}` (it lists: {})",
                targets.join(", ")
            ),
            Cause::Trap(msg) => write!(f, "trapped: {msg}"),
            Cause::StackOverflow => write!(
                f,
                "overflowed its stack (unbounded recursion?)\n  help: make deep recursion \
                 iterative"
            ),
            Cause::FuelExhausted { fuel } => write!(
                f,
                "ran out of fuel ({fuel} units; an infinite loop, or a budget too small for this \
                 plugin)\n  help: if the work is legitimate, raise the budget: `infrac build --fuel N`"
            ),
            Cause::Timeout { limit } => write!(
                f,
                "timed out after {:.1}s (wall clock)",
                limit.as_secs_f64()
            ),
            Cause::MemoryLimit { limit } => {
                write!(f, "exceeded its memory limit of {} MiB", limit >> 20)
            }
            Cause::Exit(code) => write!(f, "called exit({code})"),
            Cause::OutputTooLarge { size, limit } => write!(
                f,
                "returned {size} bytes of files, over the cap of {limit} bytes"
            ),
            Cause::InvalidUtf8(msg) => {
                write!(f, "returned a string that is not valid UTF-8 ({msg})")
            }
            Cause::TooManyFiles { count, limit } => {
                write!(f, "returned {count} files, over the limit of {limit}")
            }
            Cause::BadPath { path, reason } => {
                write!(f, "returned a file with a bad path \"{path}\": {reason}")
            }
            Cause::Diagnostics(diags) => {
                write!(f, "reported {} error(s)", diags.len())?;
                for d in diags {
                    write!(f, "\n  {d}")?;
                }
                Ok(())
            }
            Cause::Host(msg) => write!(f, "could not be run: {msg}"),
        }
    }
}

/// Make plugin-provided text safe to print on a terminal: keeps newlines and
/// tabs, escapes every other control character (ANSI escapes included).
pub(crate) fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\n' || c == '\t' || !c.is_control() {
            out.push(c);
        } else {
            out.extend(c.escape_default());
        }
    }
    out
}

/// Render captured stderr for an error message.
pub(crate) fn render_stderr(bytes: &[u8], dropped: u64) -> String {
    let mut text = sanitize(String::from_utf8_lossy(bytes).trim_matches('\n'));
    if dropped > 0 {
        text.push_str(&format!("\n[... {dropped} more bytes dropped]"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_escapes_terminal_controls() {
        assert_eq!(sanitize("a\x1b[31mb\n\tc\0"), "a\\u{1b}[31mb\n\tc\\u{0}");
    }

    #[test]
    fn display_names_plugin_cause_and_stderr() {
        let mut err = PluginError::new("evil", Cause::StackOverflow);
        err.call = Some("compile");
        err.stderr = render_stderr(b"oops\n", 3);
        let text = err.to_string();
        assert!(text.starts_with("plugin `evil` (in `compile`): overflowed its stack"));
        assert!(text.contains("  | oops"));
        assert!(text.contains("[... 3 more bytes dropped]"));
    }
}
