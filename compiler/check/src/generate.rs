//! Generates large valid models, for benchmarks and robustness tests.

use std::fmt::Write;

/// A valid model with `sites` sites, each with three zones, a firewall, a switch, five hosts, a
/// service and two site-local rules, plus two global wildcard rules (`*.mgmt -> *.services`
/// alone is `sites`² flows).
pub fn sites(sites: usize) -> String {
    sites_with(sites, true)
}

/// Like [`sites`]; `global` adds the all-sites wildcard rules.
pub fn sites_with(sites: usize, global: bool) -> String {
    let mut s = String::with_capacity(sites * 1_400);
    s.push_str("project big { domain \"big.example\" }\nsecret admin { env \"ADMIN\" }\n\n");
    for i in 0..sites {
        let net = |k: usize| {
            let n = i * 4 + k;
            format!("10.{}.{}", n / 256, n % 256)
        };
        let (m, v, a) = (net(0), net(1), net(2));
        let _ = write!(
            s,
            "site s{i} {{
  id {id}
  zone mgmt {{ vlan 10; subnet {m}.0/24; purpose management }}
  zone services {{ vlan 11; subnet {v}.0/24 }}
  zone apps {{ vlan 12; subnet {a}.0/24 }}
  firewall fw{i} {{
    interface wan {{ address 172.16.{wa}.{wb}/30; gateway 172.16.{wa}.{wg} }}
    trunk lan {{ vlans [mgmt, services, apps] }}
  }}
  switch sw{i} {{
    management mgmt {m}.2
    trunk Gi0/0 {{ to fw{i}.lan; vlans [mgmt, services, apps] }}
    access Gi0/1 apps {{ host app{i}a }}
    ssh {{ user admin; password admin }}
  }}
  host admin{i} {{ address mgmt {m}.10 }}
  host lb{i} {{ address services {v}.10 }}
  host app{i}a {{ address apps {a}.11 }}
  host app{i}b {{ address apps {a}.12 }}
  host db{i} {{ address apps {a}.20 }}
}}
service web{i} {{ image \"web:1\"; port 8080; on [app{i}a, app{i}b] }}
allow s{i}.mgmt -> s{i}.apps ssh
allow web{i} -> db{i} mysql {{ why \"app to its database\" }}

",
            id = i + 1,
            wa = (i * 4) / 256,
            wb = (i * 4) % 256 + 1,
            wg = (i * 4) % 256 + 2,
        );
    }
    if global {
        s.push_str("allow *.mgmt -> *.services ssh\nallow internet -> *.services https\n");
    }
    s
}
