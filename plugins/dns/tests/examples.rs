//! Every example and test model rendered, snapshotted, and loaded by BIND's own
//! checkers: `named-checkzone` in strict mode on every zone, `named-checkconf -z` on the
//! `named.conf.local` fragment with the zone files in place; then the loaded zones are compared
//! with the model's records.

use infrac_plugin_dns::Dns;
use infrac_sdk::{File, Model};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every example plus every model of `tests/models` that the DNS backend is not expected to
/// refuse (`infrac_testkit::corpus`), as (snapshot name, model).
fn models() -> Vec<(String, Model)> {
    infrac_testkit::corpus("DNS")
        .into_iter()
        .map(|(name, dir)| {
            let name = match name.strip_prefix("models-") {
                Some(model) => format!("model-{model}"),
                None => name,
            };
            (name, infrac_testkit::model_of(&dir))
        })
        .collect()
}

/// The test models whose snapshots are kept here.
const SNAPSHOTTED: &[&str] = &["model-ipv6", "model-svc-data", "model-svc-lbfarm"];

/// `zone "NAME" { … file "PATH"; … };` pairs of a named.conf fragment.
fn declared_zones(conf: &str) -> Vec<(String, String)> {
    let mut zones = Vec::new();
    let mut current = None;
    for line in conf.lines().map(str::trim) {
        if let Some(rest) = line.strip_prefix("zone \"") {
            current = rest.split('"').next().map(str::to_string);
        } else if let Some(rest) = line.strip_prefix("file \"") {
            let zone = current.take().expect("a file inside a zone");
            zones.push((zone, rest.split('"').next().unwrap_or_default().to_string()));
        }
    }
    zones
}

fn text(files: &[File], path: &str) -> String {
    let f = files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("no file {path}"));
    String::from_utf8(f.contents.clone()).expect("utf-8")
}

/// Writes the zone files where named.conf says (under `root`), returning (zone, path on disk).
fn install(files: &[File], root: &Path) -> Vec<(String, PathBuf)> {
    let conf = text(files, "dns/named.conf.local");
    std::fs::write(root.join("named.conf.local"), &conf).unwrap();
    declared_zones(&conf)
        .into_iter()
        .map(|(zone, file)| {
            let name = Path::new(&file).file_name().unwrap().to_string_lossy();
            let on_disk = root.join(file.trim_start_matches('/'));
            std::fs::create_dir_all(on_disk.parent().unwrap()).unwrap();
            std::fs::write(&on_disk, text(files, &format!("dns/{name}"))).unwrap();
            (zone, on_disk)
        })
        .collect()
}

/// `named-checkzone` with every check failing hard (VALIDATION.md: the defaults are lenient);
/// returns the zone in canonical form (`-D`).
fn checkzone(zone: &str, file: &Path) -> Result<String, String> {
    let out = infrac_testkit::run(
        Command::new(infrac_testkit::tool("named-checkzone"))
            .args(["-i", "full", "-k", "fail", "-m", "fail", "-M", "fail"])
            .args(["-n", "fail", "-r", "fail", "-S", "fail", "-D", "-o", "-"])
            .arg(zone)
            .arg(file),
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() {
        Ok(stdout)
    } else {
        Err(format!("{stdout}{}", String::from_utf8_lossy(&out.stderr)))
    }
}

/// (owner, type, data) of every record of a canonical dump.
fn records(dump: &str) -> BTreeSet<(String, String, String)> {
    dump.lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            // owner TTL IN TYPE DATA...
            (f.len() >= 5 && f[2] == "IN")
                .then(|| (f[0].to_string(), f[3].to_string(), f[4..].join(" ")))
        })
        .collect()
}

#[test]
fn every_example_renders_and_snapshots() {
    for (name, model) in models() {
        let files = infrac_testkit::render::<Dns>(&model, "dns");
        let again = infrac_testkit::render::<Dns>(&model, "dns");
        assert_eq!(files, again, "{name}: rendering is deterministic");
        // Only the examples and the test models listed are pinned: the others belong to
        // other engineers (they are still checked by named-checkzone below).
        if name.starts_with("model-") && !SNAPSHOTTED.contains(&name.as_str()) {
            continue;
        }
        insta::assert_snapshot!(format!("dns-{name}"), infrac_testkit::snapshot_text(&files));
    }
}

#[test]
fn every_zone_passes_strict_named_checkzone_and_holds_the_model_records() {
    let mut checked = 0;
    for (name, model) in models() {
        let files = infrac_testkit::render::<Dns>(&model, "dns");
        if model.dns.servers.is_empty() {
            assert!(files.is_empty(), "{name}: no DNS server, nothing rendered");
            continue;
        }
        let dir = infrac_testkit::tempdir();
        let zones = install(&files, dir.path());
        // Every zone file is declared, and only those.
        assert_eq!(zones.len() + 1, files.len(), "{name}: {zones:?}");
        let domain = model.project.domain.trim_end_matches('.').to_string();
        let mut addresses = BTreeSet::new();
        let mut ptrs = BTreeSet::new();
        for (zone, path) in &zones {
            let dump = checkzone(zone, path)
                .unwrap_or_else(|e| panic!("{name}: zone {zone} fails named-checkzone:\n{e}"));
            checked += 1;
            let rs = records(&dump);
            // SOA and an NS per server in every zone.
            assert!(
                rs.iter()
                    .any(|(o, t, _)| o == &format!("{zone}.") && t == "SOA")
            );
            for s in &model.dns.servers {
                let ns = (
                    format!("{zone}."),
                    "NS".to_string(),
                    format!("{s}.{domain}."),
                );
                assert!(rs.contains(&ns), "{name}: {zone} lacks {ns:?}");
            }
            for (owner, kind, data) in rs {
                match kind.as_str() {
                    "A" | "AAAA" => {
                        addresses.insert((owner, data));
                    }
                    "PTR" => {
                        ptrs.insert((owner, data));
                    }
                    _ => {}
                }
            }
        }
        // The forward zone holds exactly the model's records.
        let expected: BTreeSet<(String, String)> = model
            .dns
            .records
            .iter()
            .map(|r| {
                let owner = match r.name.as_str() {
                    "@" => format!("{domain}."),
                    n if n.ends_with('.') => n.to_string(),
                    n => format!("{n}.{domain}."),
                };
                (owner, r.address.to_string())
            })
            .collect();
        assert_eq!(addresses, expected, "{name}: forward records");
        // One PTR per address, each forward-confirmed.
        let distinct: BTreeSet<&String> = expected.iter().map(|(_, a)| a).collect();
        assert_eq!(ptrs.len(), distinct.len(), "{name}: one PTR per address");
        for (owner, target) in &ptrs {
            let address = address_of_ptr(owner);
            assert!(
                addresses.contains(&(target.clone(), address.clone())),
                "{name}: PTR {owner} -> {target} is not confirmed by an A/AAAA record for {address}"
            );
        }
    }
    assert!(checked >= 4, "zones checked: {checked}");
}

/// The address a PTR owner (`53.11.0.10.in-addr.arpa.`, nibbles `.ip6.arpa.`) stands for.
fn address_of_ptr(owner: &str) -> String {
    if let Some(v4) = owner.strip_suffix(".in-addr.arpa.") {
        let mut octets: Vec<&str> = v4.split('.').collect();
        octets.reverse();
        return octets.join(".");
    }
    let nibbles: String = owner
        .trim_end_matches(".ip6.arpa.")
        .split('.')
        .rev()
        .collect();
    let groups: Vec<String> = nibbles
        .as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    groups
        .join(":")
        .parse::<std::net::Ipv6Addr>()
        .unwrap()
        .to_string()
}

#[test]
fn campus_maps_each_address_back_to_its_host() {
    let model = infrac_testkit::model_of(&infrac_testkit::repo_root().join("examples/campus"));
    let files = infrac_testkit::render::<Dns>(&model, "dns");
    let mgmt = text(&files, "dns/db.10.20.10");
    // mon1 also carries the names grafana and prometheus: the PTR names the host.
    assert!(
        mgmt.contains("20\tIN\tPTR\tmon1.campus.example.\t; 10.20.10.20\n"),
        "{mgmt}"
    );
    let db = text(&files, "dns/db.10.20.40");
    assert!(db.contains("11\tIN\tPTR\tdb1.campus.example."), "{db}");
    // The load balancer's VIP maps back to its public name.
    let services = text(&files, "dns/db.10.20.20");
    assert!(
        services.contains("100\tIN\tPTR\twww.campus.example."),
        "{services}"
    );
}

#[test]
fn named_checkconf_loads_the_fragment_with_its_zones() {
    for (name, model) in models() {
        if model.dns.servers.is_empty() {
            continue;
        }
        let files = infrac_testkit::render::<Dns>(&model, "dns");
        let root = infrac_testkit::tempdir();
        install(&files, root.path());
        // -t: the zone paths are read inside `root`, as a chrooted named would; -z: load them.
        let out = infrac_testkit::run(
            Command::new(infrac_testkit::tool("named-checkconf"))
                .args(["-z", "-t"])
                .arg(root.path())
                .arg("/named.conf.local"),
        );
        assert!(
            out.status.success(),
            "{name}: named-checkconf: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn the_checkers_reject_what_they_should() {
    // The gates are not vacuous: the same strict checkzone rejects an owner with `_` (check-names)
    // and an NS without an address record; named-checkconf -z rejects a missing zone file.
    let dir = infrac_testkit::tempdir();
    let soa = "$TTL 3600\n@ IN SOA ns1.t.example. hostmaster.t.example. ( 1 3600 900 1209600 300 )\n\
               @ IN NS ns1.t.example.\n";
    for (bad, why) in [
        ("ns1 IN A 10.0.0.1\napp_1 IN A 10.0.0.2\n", "underscore"),
        ("ns2 IN A 10.0.0.1\n", "NS without address"),
    ] {
        let path = dir.path().join("db.t.example");
        std::fs::write(&path, format!("{soa}{bad}")).unwrap();
        assert!(checkzone("t.example", &path).is_err(), "{why} accepted");
    }
    let good = dir.path().join("db.good");
    std::fs::write(&good, format!("{soa}ns1 IN A 10.0.0.1\n")).unwrap();
    assert!(checkzone("t.example", &good).is_ok());

    let conf = dir.path().join("named.conf.local");
    std::fs::write(
        &conf,
        "zone \"t.example\" { type master; file \"/nonexistent/db\"; };\n",
    )
    .unwrap();
    let out = infrac_testkit::run(
        Command::new(infrac_testkit::tool("named-checkconf"))
            .arg("-z")
            .arg(&conf),
    );
    assert!(!out.status.success(), "a missing zone file is accepted");
}
