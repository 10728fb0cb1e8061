//! Snapshots of parse trees (compact rendering with spans and comments) and diagnostics.

mod common;

use common::{p, render_diags};
use infrac_syntax::dump;

macro_rules! check {
    ($src:expr) => {
        insta::with_settings!({ omit_expression => true, prepend_module_to_snapshot => false }, {
            insta::assert_snapshot!(snapshot($src));
        })
    };
}

fn snapshot(src: &str) -> String {
    let (file, diags) = p(src);
    let mut out = dump(&file, true);
    if !diags.is_empty() {
        out.push_str("---- diagnostics\n");
        out.push_str(&render_diags(src, &diags));
    }
    out
}

#[test]
fn language_reference_sample() {
    check!(
        r#"project shop { domain "shop.example" }

site paris {
  zone apps { vlan 12; subnet 192.168.12.0/24 }
  host app1 { address apps 192.168.12.11 }
}

allow internet -> app1 tcp/443 { why "public shop" }
"#
    );
}

#[test]
fn every_literal_kind() {
    check!(
        r#"literals "www.foobar.com" "a \"quoted\" word\n" 42 0 0.5 1.25 5% 99.9% true false
addresses 192.168.10.1 2001:db8::1 ::1 192.168.10.0/24 2001:db8:10::/64 203.0.113.10/28
ports 8000-8080 tcp/443 udp/53 tcp/8000-8080 icmp ospf vrrp icmp/22
durations 500ms 30s 5m 1h 2d 2w
sizes 512B 64KiB 512MiB 2GiB 1TiB 10MB 1GB
dates 2027-06-30 2024-02-29
names paris app1-1 paris.apps fw1.lan *.db * Gi0/1 GigabitEthernet0/0
lists [mgmt, services, apps] [] [
  a,
  [b, c],
]
rule a->b
template vlan ${id}0 192.168.${id}0.0/24 host${id}
"#
    );
}

#[test]
fn comments_and_blank_lines() {
    check!(
        "# header\n\n# about a\na 1 # after a\n\nb { # on brace\n  c 1; d 2 # after d\n\n  # end of b\n} // after b\n# end\n"
    );
}

#[test]
fn errors_and_recovery() {
    check!(
        r#"site paris {
  zone apps { vlan 10.0.0.256; subnet 192.168.12.0/33 }
  host "app1" { address apps 192.168.12.11 }
  description "unterminated
  list [a b, c
  ok true
}
}
allow x -> y tcp/70000 { why "\q" }
zone z
{
  vlan 1
}
last @ 1
"#
    );
}
