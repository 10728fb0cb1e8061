//! Flows the model implies, with their provenance.

mod common;

use common::*;
use infrac_flows::{compute_flows, flow_line};
use infrac_model::{Flow, FlowReason, Protocol};

fn implied(reason: FlowReason) -> Vec<Flow> {
    let (flows, diags) = compute_flows(&two_sites(), &[]);
    assert!(diags.is_empty());
    flows
        .into_iter()
        .filter(|f| f.provenance.reason == reason)
        .collect()
}

fn lines(flows: &[Flow]) -> Vec<String> {
    flows.iter().map(flow_line).collect()
}

#[test]
fn load_balancer_to_backends() {
    assert_eq!(
        lines(&implied(FlowReason::LoadBalancer)),
        [
            "lb1 -> app1 tcp/8080 [load_balancer www @ site.infra:14]",
            "lb1 -> app2 tcp/8080 [load_balancer www @ site.infra:14]",
            "lb2 -> app1 tcp/8080 [load_balancer www @ site.infra:14]",
            "lb2 -> app2 tcp/8080 [load_balancer www @ site.infra:14]",
        ]
    );
}

#[test]
fn vrrp_between_members() {
    let flows = implied(FlowReason::Ha);
    assert_eq!(
        lines(&flows),
        [
            "lb1 -> lb2 vrrp [ha web @ site.infra:15]",
            "lb2 -> lb1 vrrp [ha web @ site.infra:15]"
        ]
    );
    assert!(
        flows
            .iter()
            .all(|f| f.service.protocol == Protocol::Vrrp && f.service.ports.is_empty())
    );
}

#[test]
fn replication_to_primary() {
    assert_eq!(
        lines(&implied(FlowReason::Replication)),
        ["db2 -> db1 tcp/3306 [replication main @ site.infra:16]"]
    );
}

#[test]
fn monitoring_scrapes_once_per_target_port() {
    assert_eq!(
        lines(&implied(FlowReason::Monitoring)),
        [
            "mon1 -> app1 tcp/9100 [monitoring prometheus @ site.infra:17]",
            "mon1 -> db1 tcp/9100 [monitoring prometheus @ site.infra:17]",
            "mon1 -> db1 tcp/9104 [monitoring prometheus @ site.infra:17]",
        ]
    );
}

#[test]
fn dns_from_every_other_host() {
    let flows = implied(FlowReason::Dns);
    // 8 hosts besides ns1, udp and tcp each.
    assert_eq!(flows.len(), 16);
    assert!(
        flows
            .iter()
            .all(|f| f.to.name == "ns1" && f.from.name != "ns1")
    );
    assert!(flows.iter().all(|f| f.provenance.name == "dns"));
    assert_eq!(
        flow_line(&flows[0]),
        "admin1 -> ns1 tcp/53 [dns dns @ site.infra:11]"
    );
    assert!(lines(&flows).contains(&"admin1 -> ns1 udp/53 [dns dns @ site.infra:11]".to_string()));
}

#[test]
fn no_dns_no_monitoring_no_flows() {
    let m = Builder::new()
        .site("s", 1, &[("apps", 10, "10.1.0.0/24")])
        .host("h", "s", &[("apps", "10.1.0.10")])
        .build();
    let (flows, diags) = compute_flows(&m, &[]);
    assert!(flows.is_empty() && diags.is_empty());
}

#[test]
fn forward_from_internet() {
    let flows = implied(FlowReason::Forward);
    assert_eq!(
        lines(&flows),
        ["internet -> www tcp/443 [forward fw1 @ site.infra:18]"]
    );
    let m = Builder::new()
        .site("s", 1, &[("dmz", 10, "10.1.0.0/24")])
        .host("web", "s", &[("dmz", "10.1.0.10")])
        .forward("fw", "s", "tcp/80", "web")
        .forward("fw", "s", "tcp/443", "web")
        .build();
    let (flows, _) = compute_flows(&m, &[]);
    assert_eq!(
        lines(&flows),
        [
            "internet -> web tcp/80 [forward fw @ site.infra:3]",
            "internet -> web tcp/443 [forward fw @ site.infra:4]"
        ]
    );
}
