//! The `dns` backend: BIND zone files for the project's domain, from `Model.dns` (the records
//! the front end computed: every host, load balancers' public names at their VIPs, explicit
//! records) and `Model.project.domain`.
//!
//! One unit, the whole model (`""`), and only when the model has DNS servers. It writes:
//!
//! - `dns/db.DOMAIN`: the forward zone: `$TTL` from `dns.ttl`, an SOA naming the first DNS
//!   server (`ns1.DOMAIN.`) and `hostmaster.DOMAIN.`, an NS record per DNS server (their
//!   address records are in the zone: glue), and every A/AAAA record;
//! - `dns/db.A.B.C` per IPv4 /24 and `dns/db.XXXX.XXXX.XXXX.XXXX` per IPv6 /64 holding a
//!   forward address: the reverse zone (`C.B.A.in-addr.arpa`, nibbles under `ip6.arpa`) with
//!   one PTR per address, naming the host that holds it, else the load balancer whose VIP it
//!   is, else the first record with that address (always a name whose A/AAAA records include
//!   the address, so reverse lookups are forward-confirmed);
//! - `dns/named.conf.local`: every zone as `type master` with its file under
//!   `/etc/bind/infrac` (option `zone_directory` to change it). Every DNS server is a primary
//!   loading the same files; zone transfers are refused and NOTIFY is off.
//!
//! The SOA serial is a hash of the zone's content (see [`serial`]), never the clock.
//!
//! A model without DNS servers renders nothing: its records (if any) are for a DNS service
//! outside the model (`examples/foobar/stages/single`).
//!
//! # Diagnostics
//!
//! | code | meaning | where |
//! |---|---|---|
//! | `DNS001` | a DNS name is not a valid host name (letters, digits, `-`; labels of 1–63, not starting or ending with `-`; at most 253 in all) | the host, load balancer, or `/dns/records/N` |
//! | `DNS002` | the project domain is not a valid DNS name | `/project/domain` |
//! | `DNS003` | a record name (a load balancer's public name) is outside the project domain | the load balancer |
//! | `DNS004` | a DNS server has no address record in the zone (its NS would lack glue) | `/dns/servers/N` |
//! | `DNS005` | the TTL is outside 1–2147483647 s | `/dns/ttl_s` |
//! | `DNS006` | `compile` was asked for a unit other than `""` | the whole model |
//! | `DNS007` | option `zone_directory` is not an absolute path safe to quote in `named.conf` | the whole model |

pub mod codes;
pub mod names;
pub mod plan;
pub mod render;
pub mod reverse;
pub mod serial;

use infrac_sdk::{Backend, Diagnostic, File, Model, Section, Target};

/// Where the zone files are installed unless option `zone_directory` says otherwise.
pub const DEFAULT_ZONE_DIRECTORY: &str = "/etc/bind/infrac";

/// The dns backend.
pub struct Dns;

impl Backend for Dns {
    const NAME: &'static str = "dns";
    const VERSION: &'static str = "0.1.0";
    const TARGETS: &'static [&'static str] = &["dns"];
    const READS: &'static [Section] = &[Section::LoadBalancers, Section::Dns, Section::Hosts];
    const UNITS_READS: &'static [Section] = &[Section::Dns];

    /// One unit (`""`, the whole model) when the model has DNS servers, else none.
    fn units(model: &Model, _target: &str) -> Vec<String> {
        if model.dns.servers.is_empty() {
            Vec::new()
        } else {
            vec![String::new()]
        }
    }

    fn compile(model: &Model, target: &Target) -> Result<Vec<File>, Vec<Diagnostic>> {
        if !target.unit.is_empty() {
            return Err(vec![Diagnostic::error(
                codes::UNKNOWN_UNIT,
                "",
                format!(
                    "the dns backend renders the whole model (unit \"\"), not unit `{}`",
                    target.unit
                ),
            )]);
        }
        let directory = zone_directory(target)?;
        let Some(plan) = plan::plan(model)? else {
            return Ok(Vec::new());
        };
        let zones = render::zone_files(&plan, &model.project.name);
        let mut files: Vec<File> = zones
            .iter()
            .map(|z| File::text(format!("dns/{}", z.file), z.text.clone()))
            .collect();
        files.push(File::text(
            "dns/named.conf.local",
            render::named_conf(&plan, &zones, &directory),
        ));
        Ok(files)
    }
}

infrac_sdk::export_backend!(Dns);

/// The directory named.conf gives for the zone files, checked.
fn zone_directory(target: &Target) -> Result<String, Vec<Diagnostic>> {
    let Some(dir) = target.option("zone_directory") else {
        return Ok(DEFAULT_ZONE_DIRECTORY.to_string());
    };
    let unsafe_char = dir
        .chars()
        .find(|c| matches!(c, '"' | '\\' | ';') || c.is_control());
    if !dir.starts_with('/') || unsafe_char.is_some() {
        return Err(vec![Diagnostic::error(
            codes::BAD_ZONE_DIRECTORY,
            "",
            format!(
                "option zone_directory `{}` must be an absolute path without quotes, \
                 backslashes, `;` or control characters",
                dir.escape_debug()
            ),
        )]);
    }
    Ok(dir.trim_end_matches('/').to_string())
}
