//! Who may connect, in haproxy.cfg: the deny and allow lists and the flow matrix, enforced when
//! a connection is accepted (`tcp-request connection reject`), before any byte is read.

use crate::access::{Access, model_has_zones, model_zones};
use crate::plan::Listener;
use crate::prefix::{Prefix, aggregate};
use crate::render::note;
use infrac_sdk::{LoadBalancer, Model, TextWriter};
use std::net::IpAddr;

/// Prefixes per `acl` line.
pub const ACL_WORDS: usize = 16;

/// `acl NAME src …` lines of at most [`ACL_WORDS`] prefixes each (HAProxy reads at most 64
/// words per line; lines with one name are ORed).
fn acl_src(w: &mut TextWriter, name: &str, prefixes: &[Prefix]) {
    for chunk in prefixes.chunks(ACL_WORDS) {
        w.line(format!("acl {name} src {}", list(chunk)));
    }
}

/// Prefixes as words of one line.
fn list(prefixes: &[Prefix]) -> String {
    let words: Vec<String> = prefixes.iter().map(|p| p.to_string()).collect();
    words.join(" ")
}

/// Refuses, at connection time, every client the load balancer's lists or the flow matrix do
/// not let in.
pub fn clients(w: &mut TextWriter, model: &Model, lb: &LoadBalancer, listeners: &[Listener]) {
    let vip = lb.vip;
    let allow = aggregate(
        lb.allow
            .iter()
            .map(|p| Prefix::new(p.network(), p.prefix_len())),
    );
    let deny = aggregate(
        lb.deny
            .iter()
            .map(|p| Prefix::new(p.network(), p.prefix_len())),
    );
    note(
        w,
        "Clients: the deny list, the allow list and the flow matrix; anything else is",
    );
    note(w, "refused before a byte is read.");
    if !deny.is_empty() {
        acl_src(w, "deny_list", &deny);
        w.line("tcp-request connection reject if deny_list");
    }
    if !allow.is_empty() {
        acl_src(w, "allow_list", &allow);
        w.line("tcp-request connection reject if !allow_list");
    }
    let internet = listeners.iter().any(|l| l.access.internet);
    let has_zones = model_has_zones(model, vip);
    if internet && has_zones {
        acl_src(w, "model_zones", &model_zones(model, vip));
    }
    let several = listeners.len() > 1;
    for l in listeners {
        let port = l.port;
        let to_port = several.then(|| format!("to_{port}"));
        if let Some(acl) = &to_port {
            w.line(format!("acl {acl} dst_port {port}"));
        }
        flow_rule(
            w,
            &format!("tcp/{port}"),
            &l.access,
            has_zones,
            &format!("from_flows_{port}"),
            to_port.as_deref(),
        );
    }
}

/// Refuses every client the flow matrix does not let reach `address:port` (a listener of its
/// own, such as the metrics endpoint).
pub fn endpoint_clients(
    w: &mut TextWriter,
    model: &Model,
    address: IpAddr,
    port: u16,
    access: &Access,
) {
    let has_zones = model_has_zones(model, address);
    if access.internet && has_zones {
        acl_src(w, "model_zones", &model_zones(model, address));
    }
    flow_rule(
        w,
        &format!("tcp/{port}"),
        access,
        has_zones,
        "from_flows",
        None,
    );
}

/// The reject rule of one port: refuse unless the flow matrix allows the source.
fn flow_rule(
    w: &mut TextWriter,
    service: &str,
    access: &Access,
    have_zones: bool,
    acl: &str,
    on_port: Option<&str>,
) {
    if access.reasons.is_empty() {
        note(
            w,
            format!("{service}: no flow of the model allows any client."),
        );
    }
    for r in &access.reasons {
        note(w, format!("{service} from {r}"));
    }
    if access.internet && !have_zones {
        // Every address is outside the (absent) zones: everyone may connect.
        return;
    }
    let mut terms: Vec<String> = on_port.iter().map(|p| p.to_string()).collect();
    if access.internet {
        // The internet is every address outside the zones: refuse only zone addresses.
        terms.push("model_zones".to_string());
    }
    if !access.prefixes.is_empty() {
        acl_src(w, acl, &access.prefixes);
        terms.push(format!("!{acl}"));
    }
    if terms.is_empty() {
        w.line("tcp-request connection reject");
    } else {
        w.line(format!(
            "tcp-request connection reject if {}",
            terms.join(" ")
        ));
    }
}
