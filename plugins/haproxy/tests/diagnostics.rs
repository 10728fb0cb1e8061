//! Each HAPROXY code fires, at the IR path of the element that cannot be rendered exactly.

use infrac_plugin_haproxy::Haproxy;
use infrac_sdk::{Backend, Diagnostic, Model, Severity, Target};
use infrac_testkit::model_from_str;

/// A small valid model; tests replace parts of it.
const BASE: &str = r#"
project codes { domain "codes.test" }
site lab {
  id 1
  zone services { vlan 11; subnet 10.9.11.0/24 }
  zone apps { vlan 12; subnet 10.9.12.0/24 }
  host lb1 { address services 10.9.11.11 }
  host app1 { address apps 10.9.12.11 }
  host app2 { address apps 10.9.12.12 }
}
service web { image "web:1"; port 8080; on [app1, app2] }
service api { image "api:1"; port 9090; on [app1] }
loadbalancer www {
  on [lb1]
  vip 10.9.11.100
  tls { cert "/etc/haproxy/certs/www.pem" }
  backend web { check { http "/healthz"; interval 2s } }
  stats 8404
}
allow internet -> www https http
"#;

fn model_with(from: &str, to: &str) -> Model {
    assert!(BASE.contains(from), "{from}");
    model_from_str(&BASE.replacen(from, to, 1))
}

/// The errors of compiling host `unit`; panics when it compiles.
fn errors(model: &Model, unit: &str) -> Vec<Diagnostic> {
    match Haproxy::compile(model, &Target::unit("haproxy", unit)) {
        Ok(files) => panic!("`{unit}` compiled to {} file(s)", files.len()),
        Err(d) => {
            assert!(d.iter().all(|d| d.severity == Severity::Error));
            d
        }
    }
}

/// Asserts that exactly one error has `code`, at `ir_path`, and that the path exists in the IR.
fn assert_one(model: &Model, diags: &[Diagnostic], code: &str, ir_path: &str) {
    let found: Vec<&Diagnostic> = diags.iter().filter(|d| d.code == code).collect();
    assert_eq!(found.len(), 1, "{code} in {diags:#?}");
    assert_eq!(found[0].ir_path, ir_path, "{:#?}", found[0]);
    let ir: serde_json::Value = serde_json::from_str(&model.to_json()).unwrap();
    assert!(
        ir_path.is_empty() || ir.pointer(ir_path).is_some(),
        "{ir_path} is not in the IR"
    );
}

#[test]
fn the_base_model_compiles() {
    let model = model_from_str(BASE);
    assert_eq!(Haproxy::units(&model, "haproxy"), ["lb1"]);
    assert!(Haproxy::compile(&model, &Target::unit("haproxy", "lb1")).is_ok());
}

#[test]
fn haproxy001_unit_is_not_a_load_balancer_host() {
    let model = model_from_str(BASE);
    let d = errors(&model, "nobody");
    assert_one(&model, &d, "HAPROXY001", "");
    let d = errors(&model, "app1");
    assert_one(&model, &d, "HAPROXY001", "/hosts/0");
    assert!(
        d[0].message.contains("`app1` runs no load balancer"),
        "{}",
        d[0].message
    );
}

#[test]
fn haproxy002_several_backends() {
    let model = model_with(
        r#"backend web { check { http "/healthz"; interval 2s } }"#,
        "backend web {}\n  backend api {}",
    );
    assert_one(
        &model,
        &errors(&model, "lb1"),
        "HAPROXY002",
        "/load_balancers/0/backends/1",
    );
}

#[test]
fn haproxy003_tcp_check_expecting_a_status() {
    let model = model_with(r#"http "/healthz""#, "tcp true; expect 200");
    assert_one(
        &model,
        &errors(&model, "lb1"),
        "HAPROXY003",
        "/load_balancers/0/backends/0/check/expect",
    );
}

#[test]
fn haproxy004_text_that_is_not_one_word() {
    let model = model_with(
        "/etc/haproxy/certs/www.pem",
        "/etc/haproxy/my certs/www.pem",
    );
    assert_one(
        &model,
        &errors(&model, "lb1"),
        "HAPROXY004",
        "/load_balancers/0/tls/cert",
    );
    let model = model_with("/healthz", "/healthz#now");
    assert_one(
        &model,
        &errors(&model, "lb1"),
        "HAPROXY004",
        "/load_balancers/0/backends/0/check/http",
    );
    let model = model_with(
        "interval 2s } }",
        "interval 2s }; reencrypt { ca \"/etc/$CA\" } }",
    );
    assert_one(
        &model,
        &errors(&model, "lb1"),
        "HAPROXY004",
        "/load_balancers/0/backends/0/reencrypt/ca",
    );
    // Names become section and server names: one from another front end is refused too.
    let mut model = model_from_str(BASE);
    model.load_balancers[0].backends[0].servers[0].host = "app1\nlisten x".to_string();
    assert_one(
        &model,
        &errors(&model, "lb1"),
        "HAPROXY004",
        "/load_balancers/0/backends/0/servers/0/host",
    );
}

#[test]
fn model_text_in_comments_cannot_start_a_directive() {
    let mut model = model_from_str(BASE);
    model.load_balancers[0].fqdn = Some("www.codes.test\nlisten evil".to_string());
    let files = Haproxy::compile(&model, &Target::unit("haproxy", "lb1")).unwrap();
    let text = String::from_utf8(files[0].contents.clone()).unwrap();
    assert!(text.contains("(www.codes.test listen evil)"), "{text}");
    assert!(!text.lines().any(|l| l.starts_with("listen")), "{text}");
}

#[test]
fn haproxy005_durations_beyond_haproxys_timers() {
    let model = model_with("stats 8404", "stats 8404\n  timeout { client 25d }");
    let d = errors(&model, "lb1");
    assert_one(
        &model,
        &d,
        "HAPROXY005",
        "/load_balancers/0/timeouts/client_ms",
    );
    assert!(d[0].message.contains("25d"), "{}", d[0].message);
    let model = model_with("stats 8404", "stats 8404\n  rate { requests 10; per 4w }");
    assert_one(
        &model,
        &errors(&model, "lb1"),
        "HAPROXY005",
        "/load_balancers/0/rate_limit/period_ms",
    );
    let model = model_with("interval 2s", "interval 30d");
    assert_one(
        &model,
        &errors(&model, "lb1"),
        "HAPROXY005",
        "/load_balancers/0/backends/0/check/interval_ms",
    );
}

#[test]
fn haproxy006_two_listeners_on_one_address_and_port() {
    // A second load balancer on the same host and VIP (the checker leaves it to backends).
    let mut model = model_from_str(BASE);
    let mut second = model.load_balancers[0].clone();
    second.name = "www2".to_string();
    model.load_balancers.push(second);
    assert_one(
        &model,
        &errors(&model, "lb1"),
        "HAPROXY006",
        "/load_balancers/1/vip",
    );
    // The metrics endpoint on the address and port of a VIP.
    let mut model = model_from_str(BASE);
    model.load_balancers[0].vip = "10.9.11.11".parse().unwrap();
    model.load_balancers[0].stats_port = Some(443);
    assert_one(
        &model,
        &errors(&model, "lb1"),
        "HAPROXY006",
        "/load_balancers/0/stats_port",
    );
}

#[test]
fn haproxy007_numbers_outside_haproxys_range() {
    let mut model = model_from_str(BASE);
    model.load_balancers[0].backends[0].servers[1].weight = 300;
    assert_one(
        &model,
        &errors(&model, "lb1"),
        "HAPROXY007",
        "/load_balancers/0/backends/0/servers/1/weight",
    );
    let mut model = model_from_str(BASE);
    if let Some(c) = &mut model.load_balancers[0].backends[0].check {
        c.rise = 0;
    }
    assert_one(
        &model,
        &errors(&model, "lb1"),
        "HAPROXY007",
        "/load_balancers/0/backends/0/check/rise",
    );
    let mut model = model_from_str(BASE);
    model.load_balancers[0].maxconn = Some(0);
    assert_one(
        &model,
        &errors(&model, "lb1"),
        "HAPROXY007",
        "/load_balancers/0/maxconn",
    );
}

#[test]
fn haproxy008_metrics_on_a_host_without_an_address() {
    let mut model = model_from_str(BASE);
    let lb1 = model.hosts.iter().position(|h| h.name == "lb1").unwrap();
    model.hosts[lb1].addresses.clear();
    assert_one(
        &model,
        &errors(&model, "lb1"),
        "HAPROXY008",
        &format!("/hosts/{lb1}"),
    );
}

#[test]
fn every_error_is_reported_in_one_run() {
    let mut model = model_with("interval 2s", "interval 30d; tcp true; expect 200");
    model.load_balancers[0].tls.as_mut().unwrap().cert = "a b".to_string();
    let d = errors(&model, "lb1");
    let mut codes: Vec<&str> = d.iter().map(|d| d.code.as_str()).collect();
    codes.sort();
    assert_eq!(codes, ["HAPROXY003", "HAPROXY004", "HAPROXY005"]);
}

#[test]
fn haproxy009_a_vip_nothing_puts_on_the_host() {
    // protech: one HAProxy host per site, no `ha` group, the VIP not among the host's addresses.
    let (_, dir) = infrac_testkit::examples()
        .into_iter()
        .find(|(n, _)| n == "protech")
        .expect("protech");
    let model = infrac_testkit::model_of(&dir);
    let (files, warnings) =
        <infrac_plugin_haproxy::Haproxy as infrac_sdk::Backend>::compile_with_warnings(
            &model,
            &infrac_sdk::Target::unit("haproxy", "lb1"),
        )
        .expect("renders");
    let i = model
        .load_balancers
        .iter()
        .position(|l| l.name == "www-paris")
        .expect("www-paris");
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert_eq!(warnings[0].code, "HAPROXY009");
    assert_eq!(warnings[0].severity, infrac_sdk::Severity::Warning);
    assert_eq!(warnings[0].ir_path, format!("/load_balancers/{i}/vip"));
    let text = String::from_utf8(files[0].contents.clone()).expect("utf-8");
    assert!(
        text.contains("bind 192.168.11.100:443 transparent"),
        "{text}"
    );
    // A VIP an HA group holds warns nothing (campus: keepalived moves it).
    let (_, dir) = infrac_testkit::examples()
        .into_iter()
        .find(|(n, _)| n == "campus")
        .expect("campus");
    let model = infrac_testkit::model_of(&dir);
    let (_, warnings) =
        <infrac_plugin_haproxy::Haproxy as infrac_sdk::Backend>::compile_with_warnings(
            &model,
            &infrac_sdk::Target::unit("haproxy", "lb1"),
        )
        .expect("renders");
    assert!(warnings.is_empty(), "{warnings:#?}");
}
