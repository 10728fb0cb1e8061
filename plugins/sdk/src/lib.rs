//! The Rust SDK for infrac backend plugins.
//!
//! A backend is a type implementing [`Backend`]: plain functions from the typed [`Model`] to
//! files, so its unit and snapshot tests run natively. [`export_backend!`] turns it into a
//! WebAssembly component implementing `plugins/wit/backend.wit`:
//!
//! ```ignore
//! use infrac_sdk::{Backend, Diagnostic, File, Model, Target};
//!
//! pub struct Hosts;
//!
//! impl Backend for Hosts {
//!     const NAME: &'static str = "hosts";
//!     const VERSION: &'static str = "0.1.0";
//!     const TARGETS: &'static [&'static str] = &["hosts"];
//!
//!     fn compile(model: &Model, _target: &Target) -> Result<Vec<File>, Vec<Diagnostic>> {
//!         let text: String = model.hosts.iter().map(|h| format!("{}\n", h.name)).collect();
//!         Ok(vec![File::text("hosts.txt", text)])
//!     }
//! }
//!
//! infrac_sdk::export_backend!(Hosts);
//! ```

pub mod text;
pub mod xml;
pub mod yaml;

/// The guest's allocator. Rust's default on WebAssembly (dlmalloc) was a fifth of a large
/// backend's time in the sandbox; Talc is faster and smaller. A plugin is one instance per
/// call, single-threaded, so the allocator needs no lock.
#[cfg(all(target_family = "wasm", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// The model crate by name (its `Backend` struct is shadowed here by the [`Backend`] trait).
pub use infrac_model as model;
pub use infrac_model::*;
/// Prefix arithmetic (`IpNet`, `contains`, hosts…), the same version the model uses.
pub use ipnet;
pub use text::TextWriter;
pub use xml::XmlWriter;

/// The WIT bindings (generated from `plugins/wit/backend.wit`); used by [`export_backend!`].
#[doc(hidden)]
#[allow(clippy::too_many_arguments)] // generated code
pub mod bindings {
    wit_bindgen::generate!({
        path: "../wit",
        world: "backend",
        pub_export_macro: true,
        export_macro_name: "__export_backend_world",
        default_bindings_module: "infrac_sdk::bindings",
    });
}

/// What to render: the target, the unit (a device, host… or `""` for the whole model) and
/// options from the project or command line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Target {
    /// One of [`Backend::TARGETS`].
    pub name: String,
    /// One of the names [`Backend::units`] returned.
    pub unit: String,
    /// Options, sorted by key.
    pub options: Vec<(String, String)>,
}

impl Target {
    /// A target for the whole model.
    pub fn whole(name: &str) -> Target {
        Target {
            name: name.to_string(),
            unit: String::new(),
            options: Vec::new(),
        }
    }

    /// A target for one unit.
    pub fn unit(name: &str, unit: &str) -> Target {
        Target {
            name: name.to_string(),
            unit: unit.to_string(),
            options: Vec::new(),
        }
    }

    /// The value of option `key`.
    pub fn option(&self, key: &str) -> Option<&str> {
        self.options
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// One output file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    /// Relative path with `/` separators, e.g. `paris/fw1/config.xml`.
    pub path: String,
    /// Contents; secret placeholders are written as they are in the model.
    pub contents: Vec<u8>,
}

impl File {
    /// A text file.
    pub fn text(path: impl Into<String>, text: impl Into<String>) -> File {
        File {
            path: path.into(),
            contents: text.into().into_bytes(),
        }
    }
}

/// How serious a plugin diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    /// Cannot render exactly: the build fails.
    Error,
    /// Rendered, but worth a look.
    Warning,
    /// Information.
    Note,
}

/// A message about the model, located by a JSON pointer into the IR (`/hosts/3`), which the
/// host maps back to the source line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Severity.
    pub severity: Severity,
    /// Stable code, e.g. `HAPROXY001`.
    pub code: String,
    /// What is wrong.
    pub message: String,
    /// JSON pointer into the IR; `""` for the whole model.
    pub ir_path: String,
}

impl Diagnostic {
    /// An error at `ir_path`.
    pub fn error(code: &str, ir_path: impl Into<String>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            code: code.to_string(),
            message: message.into(),
            ir_path: ir_path.into(),
        }
    }

    /// A warning at `ir_path`.
    pub fn warning(
        code: &str,
        ir_path: impl Into<String>,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, ir_path, message)
        }
    }
}

/// The option through which the host asks for several units in one `compile` call: the unit
/// names, one per line, the first being `options.unit`. [`export_backend!`] renders them all
/// with [`Backend::compile_units`] and adds a note with this code to say it did (the host
/// removes it); a plugin that ignores the option renders `options.unit` alone, and the host
/// then asks for the others one by one.
pub const UNITS_OPTION: &str = "infrac.units";

/// What rendering one unit gives: files and warnings, or errors.
pub type UnitResult = Result<(Vec<File>, Vec<Diagnostic>), Vec<Diagnostic>>;

/// A backend: what it renders, its units of work, and how it renders one.
pub trait Backend {
    /// Short, stable name (`[a-z0-9-]`).
    const NAME: &'static str;
    /// The plugin's version (semver).
    const VERSION: &'static str;
    /// Targets it renders.
    const TARGETS: &'static [&'static str];
    /// The sections of the IR (of [`Section::ALL`]) it reads: the SDK passes over the others
    /// rather than building them, and the backend sees them empty (`infrac_testkit` checks that
    /// every corpus model renders the same either way). The default reads everything.
    const READS: &'static [Section] = &Section::ALL;
    /// The sections [`Backend::units`] reads (usually far fewer: the devices, the hosts): the
    /// SDK builds only these to list units, which every build asks of every target. The default
    /// is [`Backend::READS`]; `infrac_testkit` checks the units come out the same.
    const UNITS_READS: &'static [Section] = Self::READS;

    /// The units of `target` in `model` (device names, host names…), each compiled separately
    /// and in parallel. The default is one unit, `""`: the whole model.
    fn units(model: &Model, target: &str) -> Vec<String> {
        let _ = (model, target);
        vec![String::new()]
    }

    /// Renders one unit. Return errors when the model cannot be rendered exactly.
    fn compile(model: &Model, target: &Target) -> Result<Vec<File>, Vec<Diagnostic>>;

    /// Renders several units of `target` from one reading of the model (the host's batches, see
    /// [`UNITS_OPTION`]): `target.unit` is ignored and each of `units` is rendered in turn, one
    /// result per unit, exactly as if it had been compiled alone. The default calls
    /// [`Backend::compile_with_warnings`] per unit; override it to share work between units
    /// (an index of the flows by address, say), keeping the result per unit the same.
    fn compile_units(model: &Model, target: &Target, units: &[String]) -> Vec<UnitResult> {
        each_unit(target, units, |t| Self::compile_with_warnings(model, t))
    }

    /// Renders one unit with warnings (or notes) about what was rendered. The default is
    /// [`Backend::compile`] with none; override this instead of `compile` to warn and still
    /// produce files (keep `compile` returning the files for native tests).
    fn compile_with_warnings(
        model: &Model,
        target: &Target,
    ) -> Result<(Vec<File>, Vec<Diagnostic>), Vec<Diagnostic>> {
        Self::compile(model, target).map(|files| (files, Vec::new()))
    }
}

/// Renders each of `units` of `target` with `render`, given the target with that unit: the
/// loop of every [`Backend::compile_units`], which an override calls after building what its
/// units share.
pub fn each_unit(
    target: &Target,
    units: &[String],
    mut render: impl FnMut(&Target) -> UnitResult,
) -> Vec<UnitResult> {
    units
        .iter()
        .map(|u| {
            render(&Target {
                unit: u.clone(),
                ..target.clone()
            })
        })
        .collect()
}

/// Parses the IR the host sends, checking its version.
pub fn read_model(ir: &str) -> Result<Model, Vec<Diagnostic>> {
    read_model_skipping(ir, &[])
}

/// Parses the IR the host sends, checking its version, with the sections in `skip` left empty
/// (see [`Backend::READS`]).
pub fn read_model_skipping(ir: &str, skip: &[Section]) -> Result<Model, Vec<Diagnostic>> {
    let model = Model::from_json_skipping(ir, skip).map_err(|e| {
        vec![Diagnostic::error(
            "SDK001",
            "",
            format!("the IR does not parse as IR {IR_VERSION}: {e}"),
        )]
    })?;
    // The host's rule: while the major is 0 each minor is its own line.
    if !infrac_model::ir_compatible(&[IR_VERSION.to_string()], &model.ir_version) {
        return Err(vec![Diagnostic::error(
            "SDK002",
            "/ir_version",
            format!("IR {} is not {IR_VERSION}", model.ir_version),
        )]);
    }
    Ok(model)
}

/// Glue between the WIT exports and a [`Backend`]; used by [`export_backend!`].
#[doc(hidden)]
pub mod glue {
    use super::*;
    use bindings::infrac::backend::types as wit;

    fn diag(d: Diagnostic) -> wit::Diagnostic {
        wit::Diagnostic {
            severity: match d.severity {
                Severity::Error => wit::Severity::Error,
                Severity::Warning => wit::Severity::Warning,
                Severity::Note => wit::Severity::Note,
            },
            code: d.code,
            message: d.message,
            ir_path: d.ir_path,
        }
    }

    fn diags(ds: Vec<Diagnostic>) -> Vec<wit::Diagnostic> {
        ds.into_iter().map(diag).collect()
    }

    /// `info()` of backend `B`.
    pub fn info<B: Backend>() -> wit::PluginInfo {
        wit::PluginInfo {
            name: B::NAME.to_string(),
            version: B::VERSION.to_string(),
            targets: B::TARGETS.iter().map(|t| t.to_string()).collect(),
            ir_versions: vec![IR_VERSION.to_string()],
        }
    }

    /// `units(ir, target)` of backend `B`.
    pub fn units<B: Backend>(ir: &str, target: &str) -> Result<Vec<String>, Vec<wit::Diagnostic>> {
        let model = read_model_skipping(ir, &Section::all_but(B::UNITS_READS)).map_err(diags)?;
        Ok(B::units(&model, target))
    }

    /// `compile(ir, options)` of backend `B`.
    pub fn compile<B: Backend>(
        ir: &str,
        options: wit::CompileOptions,
    ) -> Result<wit::CompileOutput, Vec<wit::Diagnostic>> {
        let mut opts: Vec<(String, String)> = options
            .options
            .into_iter()
            .map(|o| (o.key, o.value))
            .collect();
        // A batch: the option is consumed here, so each unit sees the options it would alone.
        let batch: Option<Vec<String>> = opts
            .iter()
            .position(|(k, _)| k == UNITS_OPTION)
            .map(|i| opts.remove(i).1.split('\n').map(str::to_string).collect());
        let marker = |n: usize| Diagnostic {
            severity: Severity::Note,
            code: UNITS_OPTION.to_string(),
            message: format!("rendered {n} units in one call"),
            ir_path: String::new(),
        };
        let model = match read_model_skipping(ir, &Section::all_but(B::READS)) {
            Ok(m) => m,
            Err(mut ds) => {
                if let Some(units) = &batch {
                    ds.push(marker(units.len()));
                }
                return Err(diags(ds));
            }
        };
        let target = Target {
            name: options.target,
            unit: options.unit,
            options: opts,
        };
        let units = batch.clone().unwrap_or_else(|| vec![target.unit.clone()]);
        let mut files = Vec::new();
        let mut warnings = Vec::new();
        let mut errors = Vec::new();
        for r in B::compile_units(&model, &target, &units) {
            match r {
                Ok((f, w)) => {
                    files.extend(f);
                    warnings.extend(w);
                }
                Err(e) => errors.extend(e),
            }
        }
        if batch.is_some() {
            let note = marker(units.len());
            if errors.is_empty() {
                warnings.push(note);
            } else {
                errors.push(note);
            }
        }
        if !errors.is_empty() {
            return Err(diags(errors));
        }
        Ok(wit::CompileOutput {
            files: files
                .into_iter()
                .map(|f| wit::File {
                    path: f.path,
                    contents: f.contents,
                })
                .collect(),
            diagnostics: diags(warnings),
        })
    }
}

/// Exports a [`Backend`] as the plugin component's implementation of the WIT world. Compiles
/// to nothing outside WebAssembly, so the crate's native tests are unaffected.
#[macro_export]
macro_rules! export_backend {
    ($backend:ty) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            struct InfracBackendGlue;
            impl $crate::bindings::Guest for InfracBackendGlue {
                fn info() -> $crate::bindings::infrac::backend::types::PluginInfo {
                    $crate::glue::info::<$backend>()
                }
                fn units(
                    ir: String,
                    target: String,
                ) -> Result<Vec<String>, Vec<$crate::bindings::infrac::backend::types::Diagnostic>> {
                    $crate::glue::units::<$backend>(&ir, &target)
                }
                fn compile(
                    ir: String,
                    options: $crate::bindings::infrac::backend::types::CompileOptions,
                ) -> Result<
                    $crate::bindings::infrac::backend::types::CompileOutput,
                    Vec<$crate::bindings::infrac::backend::types::Diagnostic>,
                > {
                    $crate::glue::compile::<$backend>(&ir, options)
                }
            }
            $crate::bindings::__export_backend_world!(InfracBackendGlue with_types_in $crate::bindings);
        };
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest IR of version `v` that reads with every skippable section skipped.
    fn ir(v: &str) -> String {
        format!(
            r#"{{"ir_version":"{v}","project":{{"name":"t","domain":"t.example","ntp":[],"syslog":[]}},
            "secrets":0,"sites":[],"devices":0,"links":0,"hosts":[],"services":0,
            "load_balancers":0,"ha_groups":0,"databases":0,"rules":0,"flows":0,"monitoring":0,
            "dns":0,"policies":0}}"#
        )
    }

    #[test]
    fn another_minor_of_major_zero_is_refused() {
        let read = |v: &str| read_model_skipping(&ir(v), &Section::ALL);
        assert!(read(IR_VERSION).is_ok(), "{:?}", read(IR_VERSION).err());
        let err = read("0.1").expect_err("0.1 is another line");
        assert_eq!(err[0].code, "SDK002", "{err:?}");
        assert!(
            read(&format!("{IR_VERSION}.3")).is_ok(),
            "a patch is the same line"
        );
    }
}
