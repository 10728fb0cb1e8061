//! Every KEEPALIVED0xx code fires, at the most specific IR path, on a model keepalived cannot
//! run exactly; and what the backend accepts instead renders as documented.

mod common;

use infrac_plugin_keepalived::{Keepalived, codes};
use infrac_sdk::{Backend, Diagnostic, Model, Target};

/// Two load balancers sharing a VIP; `{ha}` is replaced by extra lines of the `ha` block,
/// `{lb1}` by extra statements of lb1's address block.
const BASE: &str = r#"
project t { domain "t.test" }
secret vrrp-pass { env "T_VRRP_PASSWORD"; max_length 8 }
site s1 {
  id 1
  zone lan { vlan 10; subnet 10.99.0.0/24 }
  zone lan6 { vlan 11; subnet fd00:99::/64 }
  host lb1 { address lan 10.99.0.11 { LB1 } ; address lan6 fd00:99::11 }
  host lb2 { address lan 10.99.0.12; address lan6 fd00:99::12 }
  host lb3 { address lan 10.99.0.13 }
}
ha www {
  member lb1 { priority 150 }
  member lb2 { priority 100 }
  vrid 42
  HA
}
"#;

/// The base model with `ha` lines in the group and `lb1` statements in lb1's address.
fn model(ha: &str, lb1: &str) -> Model {
    infrac_testkit::model_from_str(&BASE.replace("HA", ha).replace("LB1", lb1))
}

/// The diagnostics of compiling `host`.
fn errors(model: &Model, host: &str) -> Vec<Diagnostic> {
    match Keepalived::compile(model, &Target::unit("keepalived", host)) {
        Ok(files) => panic!(
            "expected an error, got:\n{}",
            infrac_testkit::snapshot_text(&files)
        ),
        Err(d) => d,
    }
}

/// Asserts that compiling `host` fails with `code` at `path` (and only with that code).
fn assert_fires(model: &Model, host: &str, code: &str, path: &str) -> String {
    let diags = errors(model, host);
    assert!(
        diags.iter().all(|d| d.code == code),
        "only {code} expected: {diags:#?}"
    );
    let d = diags
        .iter()
        .find(|d| d.ir_path == path)
        .unwrap_or_else(|| panic!("{code} at {path} expected: {diags:#?}"));
    assert_eq!(d.severity, infrac_sdk::Severity::Error);
    d.message.clone()
}

/// The config of `host`.
fn config(model: &Model, host: &str) -> String {
    let files = Keepalived::compile(model, &Target::unit("keepalived", host)).expect("compiles");
    assert_eq!(files.len(), 1);
    common::text(&files[0])
}

#[test]
fn the_base_model_renders() {
    let m = model("vip 10.99.0.100", "");
    assert_eq!(Keepalived::units(&m, "keepalived"), ["lb1", "lb2"]);
    let text = config(&m, "lb1");
    assert!(text.contains("state MASTER\n"), "{text}");
    assert!(text.contains("advert_int 1\n"), "{text}");
    assert!(!text.contains("version 3"), "{text}");
    assert!(config(&m, "lb2").contains("state BACKUP\n"));
}

#[test]
fn kal001_a_unit_that_is_no_member() {
    let m = model("vip 10.99.0.100", "");
    assert_fires(&m, "nobody", codes::NOT_A_MEMBER, "");
    let mut m = m;
    m.ha_groups[0].members.retain(|x| x.host != "lb2");
    assert_fires(&m, "lb2", codes::NOT_A_MEMBER, "/hosts/1");
}

#[test]
fn kal002_an_advert_interval_no_vrrp_version_carries() {
    for ha in [
        "vip 10.99.0.100; advert 1005ms",
        "vip 10.99.0.100; advert 300s",
        "vip fd00:99::100; advert 41s",
    ] {
        let m = model(ha, "");
        let msg = assert_fires(&m, "lb1", codes::ADVERT_INTERVAL, "/ha_groups/0/advert_ms");
        assert!(msg.contains("ms cannot be expressed"), "{msg}");
    }
    // What VRRP can carry is rendered: sub-second on VRRPv3, whole seconds on VRRPv2.
    let text = config(&model("vip 10.99.0.100; advert 250ms", ""), "lb1");
    assert!(text.contains("version 3\n"), "{text}");
    assert!(text.contains("advert_int 0.25\n"), "{text}");
    let text = config(&model("vip 10.99.0.100; advert 41s", ""), "lb1");
    assert!(text.contains("advert_int 41\n"), "{text}");
    assert!(!text.contains("version 3"), "{text}");
}

#[test]
fn kal003_authentication_on_vrrpv3() {
    let m = model("vip 10.99.0.100; advert 500ms; auth vrrp-pass", "");
    let msg = assert_fires(&m, "lb1", codes::AUTH_VRRPV3, "/ha_groups/0/auth");
    assert!(msg.contains("not whole seconds"), "{msg}");
    let m = model("vip fd00:99::100; auth vrrp-pass", "");
    let msg = assert_fires(&m, "lb2", codes::AUTH_VRRPV3, "/ha_groups/0/auth");
    assert!(msg.contains("IPv6"), "{msg}");
    // Whole seconds on IPv4 authenticate, with the placeholder quoted.
    let text = config(&model("vip 10.99.0.100; auth vrrp-pass", ""), "lb1");
    assert!(
        text.contains("auth_type PASS\n        auth_pass \"@@secret:vrrp-pass@@\"\n"),
        "{text}"
    );
}

#[test]
fn ipv6_vips_render_as_an_ipv6_instance() {
    let text = config(&model("vip fd00:99::100", ""), "lb1");
    for line in [
        "native_ipv6\n",
        "version 3\n",
        "unicast_src_ip fd00:99::11\n",
        "        fd00:99::12\n",
        "fd00:99::100/64 dev eth1\n",
    ] {
        assert!(text.contains(line), "{line:?} in\n{text}");
    }
}

#[test]
fn kal004_mixed_families_or_no_vip() {
    let m = model("vip 10.99.0.100", "");
    let mut mixed = m.clone();
    mixed.ha_groups[0]
        .vips
        .push("fd00:99::100".parse().unwrap());
    let msg = assert_fires(&mixed, "lb1", codes::ADDRESS_FAMILY, "/ha_groups/0/vips/1");
    assert!(msg.contains("one address family"), "{msg}");
    let mut member = m.clone();
    member.ha_groups[0].members[1].address = "fd00:99::12".parse().unwrap();
    assert_fires(
        &member,
        "lb1",
        codes::ADDRESS_FAMILY,
        "/ha_groups/0/members/1/address",
    );
    let mut none = m.clone();
    none.ha_groups[0].vips.clear();
    assert_fires(&none, "lb2", codes::ADDRESS_FAMILY, "/ha_groups/0/vips");
    let mut prefix = m;
    prefix.ha_groups[0].prefix_len = 33;
    assert_fires(
        &prefix,
        "lb2",
        codes::ADDRESS_FAMILY,
        "/ha_groups/0/prefix_len",
    );
}

#[test]
fn kal005_a_process_name_pgrep_cannot_match_exactly() {
    for track in ["\"ha proxy\"", "\"-x\"", "ha.proxy", "a-process-name-of-16"] {
        let m = model(&format!("vip 10.99.0.100; track {track}"), "");
        assert_fires(&m, "lb1", codes::TRACK_NAME, "/ha_groups/0/track");
    }
}

#[test]
fn kal006_tracking_with_a_member_of_priority_1() {
    let m = model(
        "vip 10.99.0.100; track haproxy; member lb3 { priority 1 }",
        "",
    );
    let msg = assert_fires(
        &m,
        "lb1",
        codes::TRACK_PRIORITY,
        "/ha_groups/0/members/2/priority",
    );
    assert!(msg.contains("`lb3` has priority 1"), "{msg}");
    // Without tracking, or without preemption (a failure means FAULT), priority 1 is fine.
    config(
        &model("vip 10.99.0.100; member lb3 { priority 1 }", ""),
        "lb3",
    );
    let text = config(
        &model(
            "vip 10.99.0.100; track haproxy; preempt false; member lb3 { priority 1 }",
            "",
        ),
        "lb3",
    );
    assert!(text.contains("priority 1\n"), "{text}");
}

#[test]
fn a_host_in_two_groups_gets_one_file_with_two_instances() {
    let text = BASE
        .replace("HA", "vip 10.99.0.100; track haproxy")
        .replace("LB1", "")
        + "ha www6 { vip fd00:99::100; member lb1 { priority 110 }; member lb2 { priority 120 }; \
           vrid 42; track haproxy; advert 500ms }\n";
    let m = infrac_testkit::model_from_str(&text);
    let files = common::render(&m);
    assert_eq!(files.len(), 2, "one file per host");
    let lb1 = common::text(&files[0]);
    assert_eq!(files[0].path, "keepalived/s1/lb1/keepalived.conf");
    assert_eq!(lb1.matches("vrrp_instance ").count(), 2, "{lb1}");
    assert_eq!(
        lb1.matches("vrrp_script ").count(),
        1,
        "one script per process: {lb1}"
    );
    // www (150/100) sets the script's weight; www6 (110/120) overrides it.
    assert!(lb1.contains("weight -51\n"), "{lb1}");
    assert!(lb1.contains("chk_haproxy weight -11\n"), "{lb1}");
    let www6 = &lb1[lb1.find("vrrp_instance www6").unwrap()..];
    assert!(www6.contains("state BACKUP\n"), "{www6}");
    assert!(www6.contains("interface eth1\n"), "{www6}");
}

#[test]
fn tracking_weights() {
    // Preempting: the weight drops a failed member below every healthy one.
    let text = config(&model("vip 10.99.0.100; track haproxy", ""), "lb1");
    assert!(
        text.contains("script \"/usr/bin/pgrep -x haproxy\"\n"),
        "{text}"
    );
    assert!(text.contains("weight -51\n"), "{text}");
    assert!(
        text.contains("track_script {\n        chk_haproxy\n"),
        "{text}"
    );
    // Not preempting: every member starts BACKUP with nopreempt, and a failure means FAULT.
    let m = model("vip 10.99.0.100; track haproxy; preempt false", "");
    for host in ["lb1", "lb2"] {
        let text = config(&m, host);
        assert!(text.contains("state BACKUP\n    nopreempt\n"), "{text}");
        assert!(!text.contains("MASTER"), "{text}");
        assert!(text.contains("weight 0\n"), "{text}");
    }
}

#[test]
fn kal007_a_notify_script_that_is_not_a_plain_absolute_path() {
    for notify in ["notify.sh", "/usr/local/bin/notify.sh --all", "/bin/a;b"] {
        let m = model(&format!("vip 10.99.0.100; notify \"{notify}\""), "");
        assert_fires(&m, "lb1", codes::NOTIFY_PATH, "/ha_groups/0/notify");
    }
    let text = config(
        &model("vip 10.99.0.100; notify \"/usr/local/bin/notify.sh\"", ""),
        "lb1",
    );
    assert!(
        text.contains("    notify \"/usr/local/bin/notify.sh\"\n"),
        "{text}"
    );
}

#[test]
fn kal008_an_interface_keepalived_cannot_run_on() {
    for iface in ["lo", "\"eth 0\"", "\"eth0:1\"", "a-very-long-name0"] {
        let m = model("vip 10.99.0.100", &format!("interface {iface}"));
        assert_fires(
            &m,
            "lb1",
            codes::INTERFACE_NAME,
            "/ha_groups/0/members/0/interface",
        );
        // Only lb1's own interface matters to lb1's config.
        config(&m, "lb2");
    }
}

#[test]
fn kal009_a_name_that_is_not_one_keepalived_word() {
    let m = model("vip 10.99.0.100", "");
    let mut group = m.clone();
    group.ha_groups[0].name = "w w".into();
    assert_fires(&group, "lb1", codes::NOT_A_WORD, "/ha_groups/0/name");
    let mut host = m.clone();
    host.hosts[0].site = "s#1".into();
    assert_fires(&host, "lb1", codes::NOT_A_WORD, "/hosts/0/site");
    let mut auth = model("vip 10.99.0.100; auth vrrp-pass", "");
    auth.ha_groups[0].auth.as_mut().unwrap().placeholder = "@@secret:a b@@".into();
    assert_fires(&auth, "lb1", codes::NOT_A_WORD, "/ha_groups/0/auth");
}

#[test]
fn kal010_one_vrid_twice_on_an_interface() {
    let m = model("vip 10.99.0.100", "");
    let mut twice = m.clone();
    let mut other = twice.ha_groups[0].clone();
    other.name = "xyz".into();
    other.vips = vec!["10.99.0.101".parse().unwrap()];
    twice.ha_groups.push(other);
    let msg = assert_fires(&twice, "lb1", codes::VRID_CLASH, "/ha_groups/1/vrid");
    assert!(msg.contains("vrid 42"), "{msg}");
}

#[test]
fn kal011_priority_or_vrid_out_of_range() {
    let m = model("vip 10.99.0.100", "");
    let mut owner = m.clone();
    owner.ha_groups[0].members[0].priority = 255;
    assert_fires(
        &owner,
        "lb2",
        codes::RANGE,
        "/ha_groups/0/members/0/priority",
    );
    let mut vrid = m;
    vrid.ha_groups[0].vrid = 0;
    assert_fires(&vrid, "lb1", codes::RANGE, "/ha_groups/0/vrid");
}

#[test]
fn kal012_a_member_that_does_not_run_the_load_balancer_of_the_vip() {
    // lb3 may take the VIP of `www`, which runs on lb1 and lb2 only: a warning on lb3, the
    // file still rendered; lb1 gets none.
    let m = infrac_testkit::model_from_str(&format!(
        "{}\nservice web {{ image \"web:1\"; port 80; on [lb1] }}\n\
         loadbalancer www {{ on [lb1, lb2]; vip 10.99.0.100; backend web {{}} }}\n",
        BASE.replace("LB1", "")
            .replace("HA", "vip 10.99.0.100\n  member lb3 { priority 50 }")
    ));
    let group = m.ha_groups.iter().position(|g| g.name == "www").unwrap();
    let member = m.ha_groups[group]
        .members
        .iter()
        .position(|x| x.host == "lb3")
        .unwrap();
    let (files, warnings) =
        Keepalived::compile_with_warnings(&m, &Target::unit("keepalived", "lb3")).unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert_eq!(warnings[0].code, codes::VIP_WITHOUT_LOAD_BALANCER);
    assert_eq!(warnings[0].severity, infrac_sdk::Severity::Warning);
    assert_eq!(
        warnings[0].ir_path,
        format!("/ha_groups/{group}/members/{member}")
    );
    assert!(
        warnings[0].message.contains("`www`"),
        "{}",
        warnings[0].message
    );
    let (_, none) =
        Keepalived::compile_with_warnings(&m, &Target::unit("keepalived", "lb1")).unwrap();
    assert!(none.is_empty(), "{none:#?}");
}
