//! Parse throughput on a large generated model: `cargo bench -p infrac-syntax`.
//!
//! The model has 1,000 sites, each the protech site template expanded (zones, a firewall, a
//! switch, hosts, a load balancer, HA, rules and comments), about 3.5 MB in all.

use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use infrac_diag::FileId;
use std::fmt::Write;

fn main() {
    // `INFRAC_PARSE_ROUNDS=N cargo bench -p infrac-syntax`: parse the 1,000-site model N times
    // and print the best time, without divan (handy under a profiler).
    if let Some(rounds) = std::env::var("INFRAC_PARSE_ROUNDS")
        .ok()
        .and_then(|n| n.parse::<usize>().ok())
    {
        let src = model(1000);
        let mut best = std::time::Duration::MAX;
        for _ in 0..rounds {
            let start = std::time::Instant::now();
            let parsed = infrac_syntax::parse(FileId(0), black_box(&src));
            best = best.min(start.elapsed());
            drop(black_box(parsed));
        }
        let mb = src.len() as f64 / 1e6;
        let (file, _) = infrac_syntax::parse(FileId(0), &src);
        println!(
            "{:.2} MB ({} lines, {} statements) parsed in {best:?} (best of {rounds}): {:.1} MB/s",
            mb,
            src.lines().count(),
            count(&file.statements),
            mb / best.as_secs_f64()
        );
        return;
    }
    divan::main();
}

fn count(stmts: &[infrac_syntax::ast::Statement]) -> usize {
    stmts
        .iter()
        .map(|s| 1 + s.block.as_ref().map_or(0, |b| count(&b.statements)))
        .sum()
}

/// One site, like the protech template expanded for site `i`.
fn site(out: &mut String, i: usize) {
    let (a, b) = (i / 64, (i % 64) * 4);
    let _ = write!(
        out,
        r#"# Site {i}: three zones, a firewall, a switch, an admin VM, a load balancer and apps.
site site{i} {{
  id {i}
  description "Site number {i}"
  zone mgmt     {{ vlan 10; subnet 10.{a}.{b}.0/26; purpose management }}
  zone services {{ vlan 11; subnet 10.{a}.{b1}.0/26; purpose services }}
  zone apps     {{ vlan 12; subnet 10.{a}.{b2}.0/26; purpose applications }}

  firewall fw{i} {{
    platform opnsense
    interface wan {{ port vtnet0; address 203.0.{a}.{b}/28; gateway 203.0.{a}.1 }}
    trunk lan {{ port vtnet1; vlans [mgmt, services, apps] }}
    ospf {{ area 0; passive [mgmt, services, apps] }}
    forward tcp/80 tcp/443 -> www{i}
  }}

  switch sw{i} {{
    platform iosvl2
    management mgmt 10.{a}.{b}.2
    trunk Gi0/0 {{ to fw{i}.lan; vlans [mgmt, services, apps]; native 999 }}
    access Gi0/1 mgmt     {{ host admin{i} }}   // the admin VM
    access Gi0/2 services {{ host lb{i} }}
    access Gi1/0 apps     {{ host app1-{i} }}
    access Gi1/1 apps     {{ host app2-{i} }}
    ssh {{ user admin; password admin-pass }}
  }}

  host admin{i}  {{ address mgmt 10.{a}.{b}.10; role admin }}
  host lb{i}     {{ address services 10.{a}.{b1}.10; address mgmt 10.{a}.{b}.11 }}
  host app1-{i}  {{ address apps 10.{a}.{b2}.11; monitor true }}
  host app2-{i}  {{ address apps 10.{a}.{b2}.12; monitor true }}
}}

loadbalancer www{i} {{
  name "www{i}.foobar.com"
  on [lb{i}]
  vip 10.{a}.{b1}.100
  tls {{ cert "/etc/haproxy/certs/www.pem"; redirect true }}
  backend app1 {{ port 8443; weight app1-{i} 3; check {{ http "/healthz"; expect 200; interval 2s }} }}
  maxconn 2000
  rate {{ requests 100; per 10s }}
  allow [0.0.0.0/0, 2001:db8::/32]
}}

allow internet -> www{i} https http {{ why "public web"; owner "web-team" }}
allow site{i}.mgmt -> * ssh {{ why "administration"; expires 2027-06-30 }}
allow 10.0.0.0/8 -> site{i}.apps tcp/8080-8090

"#,
        b1 = b + 1,
        b2 = b + 2,
    );
}

/// The whole model: `sites` sites.
fn model(sites: usize) -> String {
    let mut out =
        String::from("project foobar {\n  domain \"foobar.com\"\n  owner \"platform-team\"\n}\n\n");
    for i in 1..=sites {
        site(&mut out, i);
    }
    out
}

#[divan::bench(args = [100, 1000])]
fn parse(bencher: Bencher, sites: usize) {
    let src = model(sites);
    let (_, diags) = infrac_syntax::parse(FileId(0), &src);
    assert!(diags.is_empty(), "{diags:?}");
    bencher
        .counter(BytesCount::new(src.len()))
        .bench(|| infrac_syntax::parse(FileId(0), black_box(&src)));
}

#[divan::bench(args = [1000])]
fn format(bencher: Bencher, sites: usize) {
    let src = model(sites);
    let (file, _) = infrac_syntax::parse(FileId(0), &src);
    bencher
        .counter(BytesCount::new(src.len()))
        .bench(|| infrac_syntax::format(black_box(&file), &src));
}

#[divan::bench]
fn classify_word(bencher: Bencher) {
    let words = [
        "192.168.10.1",
        "10.0.0.0/8",
        "2001:db8::1",
        "tcp/443",
        "8000-8080",
        "30s",
        "512MiB",
        "2027-06-30",
        "paris.apps",
        "Gi0/1",
        "42",
    ];
    bencher.bench(|| {
        for w in words {
            let _ = black_box(infrac_syntax::classify_word(black_box(w)));
        }
    });
}
