//! The first-party backend plugins, as the WebAssembly components `plugins/build.sh` writes to
//! `plugins/wasm/`. They are committed, so a fresh clone's `cargo build` needs no WebAssembly
//! toolchain; CI rebuilds them and fails when they are stale.

/// One embedded plugin.
#[derive(Clone, Copy, Debug)]
pub struct Embedded {
    /// The plugin's name (also the file name under `plugins/wasm/`).
    pub name: &'static str,
    /// The component's bytes.
    pub wasm: &'static [u8],
}

/// Every embedded plugin, by name.
pub const PLUGINS: &[Embedded] = &[
    Embedded {
        name: "compose",
        wasm: include_bytes!("../../wasm/compose.wasm"),
    },
    Embedded {
        name: "dns",
        wasm: include_bytes!("../../wasm/dns.wasm"),
    },
    Embedded {
        name: "frr",
        wasm: include_bytes!("../../wasm/frr.wasm"),
    },
    Embedded {
        name: "haproxy",
        wasm: include_bytes!("../../wasm/haproxy.wasm"),
    },
    Embedded {
        name: "ios",
        wasm: include_bytes!("../../wasm/ios.wasm"),
    },
    Embedded {
        name: "keepalived",
        wasm: include_bytes!("../../wasm/keepalived.wasm"),
    },
    Embedded {
        name: "mysql",
        wasm: include_bytes!("../../wasm/mysql.wasm"),
    },
    Embedded {
        name: "nftables",
        wasm: include_bytes!("../../wasm/nftables.wasm"),
    },
    Embedded {
        name: "opnsense",
        wasm: include_bytes!("../../wasm/opnsense.wasm"),
    },
    Embedded {
        name: "prometheus",
        wasm: include_bytes!("../../wasm/prometheus.wasm"),
    },
];

#[cfg(test)]
mod tests {
    #[test]
    fn embedded_plugins_are_components() {
        for p in super::PLUGINS {
            // A component starts with the wasm magic and the component-model layer version.
            assert_eq!(&p.wasm[..4], b"\0asm", "{}", p.name);
            assert_eq!(
                &p.wasm[4..8],
                &[0x0d, 0x00, 0x01, 0x00],
                "{} is not a component",
                p.name
            );
        }
    }
}
