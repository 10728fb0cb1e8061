//! Port forwards (`<nat><rule>`, OPNsense's destination NAT) from `Device.forwards`.
//!
//! One NAT rule per forwarded port range: traffic arriving on the forward's interface for the
//! external address and port is redirected to the target's address, same port. The NAT rule
//! passes nothing by itself (no associated rule): the forward's flow in the flow matrix gives
//! the separate filter rule, on the same interface, for the translated destination.

use crate::filter::Provenance;
use crate::interfaces::Plan;
use infrac_sdk::{Device, Diagnostic, PortRange, Protocol};
use std::net::IpAddr;

/// One port forward.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NatRule {
    /// Interface identifier (`wan`).
    pub interface: String,
    /// `inet` or `inet6`.
    pub ipprotocol: &'static str,
    /// `tcp` or `udp`.
    pub protocol: &'static str,
    /// The outside address.
    pub external: IpAddr,
    /// Forwarded port range.
    pub port: PortRange,
    /// The inside address.
    pub target: IpAddr,
    /// First inside port (ranges map one to one).
    pub local_port: u16,
    /// The forward it renders.
    pub provenance: Provenance,
}

impl NatRule {
    /// `descr`: the forward's provenance and its target.
    pub fn descr(&self) -> String {
        format!("{} to {}", self.provenance, self.target)
    }
}

/// The port forwards of `device` (at `/devices/{index}`).
pub fn rules(device: &Device, index: usize, plan: &Plan) -> Result<Vec<NatRule>, Vec<Diagnostic>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (k, forward) in device.forwards.iter().enumerate() {
        let path = format!("/devices/{index}/forwards/{k}");
        let Some(assigned) = plan.by_model_name(&forward.interface) else {
            errors.push(Diagnostic::error(
                "OPNSENSE010",
                path,
                format!(
                    "port forward on `{}`: the firewall has no such addressed interface",
                    forward.interface
                ),
            ));
            continue;
        };
        if !assigned
            .address
            .is_some_and(|a| a.contains_addr(forward.external))
        {
            errors.push(Diagnostic::error(
                "OPNSENSE010",
                path,
                format!(
                    "port forward to {} on `{}`: the address is not in the interface's subnet, so traffic for it never arrives there",
                    forward.external, forward.interface
                ),
            ));
            continue;
        }
        let protocol = match forward.ports.protocol {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            other => {
                errors.push(Diagnostic::error(
                    "OPNSENSE005",
                    path,
                    format!(
                        "port forward of {}: OPNsense forwards ports of tcp or udp only",
                        other.name()
                    ),
                ));
                continue;
            }
        };
        if forward.ports.ports.is_empty() {
            errors.push(Diagnostic::error(
                "OPNSENSE005",
                path,
                format!("port forward of every {protocol} port: name the ports to forward"),
            ));
            continue;
        }
        if forward.external.is_ipv4() != forward.target_address.is_ipv4() {
            errors.push(Diagnostic::error(
                "OPNSENSE005",
                path,
                format!(
                    "port forward from {} to {}: a port forward cannot change the address family",
                    forward.external, forward.target_address
                ),
            ));
            continue;
        }
        for port in &forward.ports.ports {
            out.push(NatRule {
                interface: assigned.ident.clone(),
                ipprotocol: if forward.external.is_ipv4() {
                    "inet"
                } else {
                    "inet6"
                },
                protocol,
                external: forward.external,
                port: *port,
                target: forward.target_address,
                local_port: port.start,
                provenance: Provenance {
                    kind: "forward".to_string(),
                    name: device.name.clone(),
                    file: forward.origin.file.clone(),
                    line: forward.origin.line,
                },
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
