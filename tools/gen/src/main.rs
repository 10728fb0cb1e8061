//! `infrac-gen`: prints a deterministic synthetic `.infra` model.
//!
//! ```text
//! infrac-gen sites    [--sites N] [--zones Z] [--hosts H] [--services S] [--ha G]
//!                     [--databases D] [--rules R]             # per site
//! infrac-gen policy   [--rules R] [--objects O] [--services S] [--ipv6 PERCENT] [--seed N]
//!                     [--capirca DIR] [--capirca-targets "cisco X mixed;juniper X mixed"]
//! infrac-gen topology
//! infrac-gen preset   policy | topology | sites-10 | sites-100 | sites-1000
//! ```
//!
//! The model goes to standard output; a summary to standard error.

use infrac_gen::{policy, sites, topology};
use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "usage: infrac-gen sites [--sites N] [--zones Z] [--hosts H] [--services S] [--ha G] [--databases D] [--rules R]
       infrac-gen policy [--rules R] [--objects O] [--services S] [--ipv6 PERCENT] [--seed N] [--capirca DIR] [--capirca-targets \"T1;T2\"]
       infrac-gen topology
       infrac-gen preset policy|topology|sites-10|sites-100|sites-1000
Prints a deterministic .infra model on standard output (sites: parameters per site).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(text) => {
            let mut out = std::io::stdout().lock();
            if out.write_all(text.as_bytes()).is_err() {
                return ExitCode::from(2);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("infrac-gen: {e}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// `--key value` pairs after the command.
struct Flags<'a>(Vec<(&'a str, &'a str)>);

impl<'a> Flags<'a> {
    fn parse(args: &'a [String], known: &[&str]) -> Result<Flags<'a>, String> {
        let mut out = Vec::new();
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let key = a
                .strip_prefix("--")
                .filter(|k| known.contains(k))
                .ok_or_else(|| format!("unknown argument `{a}`"))?;
            let value = it.next().ok_or_else(|| format!("--{key} needs a value"))?;
            out.push((key, value.as_str()));
        }
        Ok(Flags(out))
    }

    fn str(&self, key: &str) -> Option<&'a str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| *v)
    }

    fn num<T: std::str::FromStr>(&self, key: &str, default: T) -> Result<T, String> {
        match self.str(key) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| format!("--{key}: `{v}` is not a number")),
        }
    }
}

fn run(args: &[String]) -> Result<String, String> {
    let (cmd, rest) = args.split_first().ok_or("no command")?;
    match cmd.as_str() {
        "sites" => {
            let f = Flags::parse(
                rest,
                &[
                    "sites",
                    "zones",
                    "hosts",
                    "services",
                    "ha",
                    "databases",
                    "rules",
                ],
            )?;
            let d = sites::Sites::default();
            sites::generate(&sites::Sites {
                sites: f.num("sites", d.sites)?,
                zones: f.num("zones", d.zones)?,
                hosts: f.num("hosts", d.hosts)?,
                services: f.num("services", d.services)?,
                ha: f.num("ha", d.ha)?,
                databases: f.num("databases", d.databases)?,
                rules: f.num("rules", d.rules)?,
            })
        }
        "policy" => {
            let f = Flags::parse(
                rest,
                &[
                    "rules",
                    "objects",
                    "services",
                    "ipv6",
                    "seed",
                    "capirca",
                    "capirca-targets",
                ],
            )?;
            let d = policy::Params::default();
            let pol = policy::generate(&policy::Params {
                rules: f.num("rules", d.rules)?,
                objects: f.num("objects", d.objects)?,
                services: f.num("services", d.services)?,
                ipv6_percent: f.num("ipv6", d.ipv6_percent)?,
                seed: f.num("seed", d.seed)?,
            })?;
            eprintln!("infrac-gen: {}", pol.summary());
            if let Some(dir) = f.str("capirca") {
                let targets: Vec<&str> = f
                    .str("capirca-targets")
                    .unwrap_or("cisco INFRAC mixed;juniper INFRAC mixed;iptables INPUT DROP")
                    .split(';')
                    .map(str::trim)
                    .filter(|t| !t.is_empty())
                    .collect();
                write_capirca(std::path::Path::new(dir), &pol, &targets)?;
            }
            Ok(pol.infra())
        }
        "topology" => {
            Flags::parse(rest, &[])?;
            Ok(topology::generate())
        }
        "preset" => {
            let [name] = rest else {
                return Err("preset takes one name".into());
            };
            match name.as_str() {
                "policy" => Ok(policy::generate(&policy::Params::default())?.infra()),
                "topology" => Ok(topology::generate()),
                "sites-10" | "sites-100" | "sites-1000" => {
                    let n = name.trim_start_matches("sites-").parse().unwrap_or(10);
                    sites::generate(&sites::Sites {
                        sites: n,
                        ..sites::Sites::default()
                    })
                }
                other => Err(format!("unknown preset `{other}`")),
            }
        }
        "-h" | "--help" | "help" => Err("help".into()),
        other => Err(format!("unknown command `{other}`")),
    }
}

/// Writes `DIR/policies/pol/infrac.pol`, `DIR/def/NETWORK.net` and `DIR/def/SERVICES.svc`.
fn write_capirca(
    dir: &std::path::Path,
    pol: &policy::Policy,
    targets: &[&str],
) -> Result<(), String> {
    let (p, net, svc) = pol.capirca(targets);
    let io = |e: std::io::Error| format!("writing the Capirca files under {}: {e}", dir.display());
    std::fs::create_dir_all(dir.join("policies/pol")).map_err(io)?;
    std::fs::create_dir_all(dir.join("def")).map_err(io)?;
    std::fs::write(dir.join("policies/pol/infrac.pol"), p).map_err(io)?;
    std::fs::write(dir.join("def/NETWORK.net"), net).map_err(io)?;
    std::fs::write(dir.join("def/SERVICES.svc"), svc).map_err(io)?;
    Ok(())
}
