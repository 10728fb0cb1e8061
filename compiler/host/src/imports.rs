//! The import allow-list, checked before a component is instantiated.

use wasmtime::Engine;
use wasmtime::component::Component;
use wasmtime::component::types::ComponentItem;

use crate::error::Cause;

/// WASI packages a plugin may import (any 0.2.x version). They are linked, but
/// the sandbox grants nothing through them (see `sandbox.rs`).
pub const ALLOWED_WASI_PACKAGES: &[&str] =
    &["cli", "clocks", "filesystem", "io", "random", "sockets"];

/// Check every import of `component` against the allow-list.
pub(crate) fn check(engine: &Engine, component: &Component) -> Result<(), Cause> {
    let ty = component.component_type();
    for (name, item) in ty.imports(engine) {
        if let Err(reason) = check_name(name) {
            return Err(Cause::BadImport {
                import: crate::error::sanitize(name),
                reason,
            });
        }
        if !matches!(item.ty, ComponentItem::ComponentInstance(_)) {
            return Err(Cause::BadImport {
                import: crate::error::sanitize(name),
                reason: "only interface (instance) imports are allowed".to_string(),
            });
        }
    }
    Ok(())
}

/// The contract's own type-only interface, which every plugin imports (its
/// types are used by the world's exports).
const CONTRACT_TYPES: &str = "infrac:backend/types@0.1.";

/// Check an import name: `wasi:PACKAGE/INTERFACE@0.2.x`, or the contract's types.
fn check_name(name: &str) -> Result<(), String> {
    if name
        .strip_prefix(CONTRACT_TYPES)
        .is_some_and(|patch| patch.parse::<u32>().is_ok())
    {
        return Ok(());
    }
    let Some((namespace, rest)) = name.split_once(':') else {
        return Err("not an interface of a WIT package".to_string());
    };
    if namespace != "wasi" {
        return Err(format!("package namespace `{namespace}` is not allowed"));
    }
    let Some((package, rest)) = rest.split_once('/') else {
        return Err("not an interface of a WIT package".to_string());
    };
    if !ALLOWED_WASI_PACKAGES.contains(&package) {
        return Err(format!("`wasi:{package}` is not on the allow-list"));
    }
    let Some((_interface, version)) = rest.split_once('@') else {
        return Err("unversioned WASI import (expected @0.2.x)".to_string());
    };
    let mut parts = version.split('.');
    let ok = parts.next() == Some("0")
        && parts.next() == Some("2")
        && parts.next().is_some_and(|patch| {
            patch
                .split(['-', '+'])
                .next()
                .is_some_and(|p| p.parse::<u32>().is_ok())
        })
        && parts.next().is_none();
    if !ok {
        return Err(format!("WASI version {version} is not 0.2.x"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_name;

    #[test]
    fn wasi_0_2_is_allowed() {
        for name in [
            "wasi:cli/environment@0.2.0",
            "wasi:io/streams@0.2.6",
            "wasi:sockets/tcp@0.2.12",
            "wasi:filesystem/preopens@0.2.3",
            "infrac:backend/types@0.1.0",
        ] {
            assert_eq!(check_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn everything_else_is_refused() {
        for name in [
            "evil:x/y",
            "wasi:http/outgoing-handler@0.2.0",
            "wasi:cli/environment@0.3.0",
            "wasi:cli/environment",
            "wasi:cli/environment@0.2",
            "wasi:cli/environment@0.2.x",
            "foo",
            "infrac:backend/types@0.2.0",
            "infrac:backend/other@0.1.0",
        ] {
            assert!(check_name(name).is_err(), "{name}");
        }
    }
}
