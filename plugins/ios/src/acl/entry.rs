//! Access-control entries: protocol words, port matches, the entries that let a flow in and
//! those that let its replies back.

use crate::net::AclAddr;
use infrac_sdk::{Flow, FlowOrigin, PortRange, Protocol};
use std::fmt;

/// A port match.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Ports {
    Eq(u16),
    Range(u16, u16),
}

impl Ports {
    pub(super) fn of(r: &PortRange) -> Ports {
        if r.start == r.end {
            Ports::Eq(r.start)
        } else {
            Ports::Range(r.start, r.end)
        }
    }
}

impl fmt::Display for Ports {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ports::Eq(p) => write!(f, "eq {p}"),
            Ports::Range(a, b) => write!(f, "range {a} {b}"),
        }
    }
}

/// One access-control entry.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct Ace {
    pub(super) permit: bool,
    pub(super) protocol: &'static str,
    pub(super) src: AclAddr,
    pub(super) src_ports: Option<Ports>,
    pub(super) dst: AclAddr,
    pub(super) dst_ports: Option<Ports>,
    pub(super) tail: Option<&'static str>,
}

impl Ace {
    pub(super) fn permit(protocol: &'static str, src: AclAddr, dst: AclAddr) -> Ace {
        Ace {
            permit: true,
            protocol,
            src,
            src_ports: None,
            dst,
            dst_ports: None,
            tail: None,
        }
    }

    pub(super) fn deny_ip(src: AclAddr, dst: AclAddr) -> Ace {
        Ace {
            permit: false,
            ..Ace::permit("ip", src, dst)
        }
    }
}

impl fmt::Display for Ace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let action = if self.permit { "permit" } else { "deny" };
        write!(f, "{action} {} {}", self.protocol, self.src)?;
        if let Some(p) = self.src_ports {
            write!(f, " {p}")?;
        }
        write!(f, " {}", self.dst)?;
        if let Some(p) = self.dst_ports {
            write!(f, " {p}")?;
        }
        if let Some(t) = self.tail {
            write!(f, " {t}")?;
        }
        Ok(())
    }
}

/// The IOS keyword (or number) of a protocol in an extended ACL.
pub(super) fn protocol_word(p: Protocol) -> &'static str {
    match p {
        Protocol::Any => "ip",
        Protocol::Tcp => "tcp",
        Protocol::Udp => "udp",
        Protocol::Icmp => "icmp",
        Protocol::Ospf => "ospf",
        Protocol::Gre => "gre",
        Protocol::Esp => "esp",
        Protocol::Vrrp => "112",
        Protocol::Sctp => "132",
    }
}

/// `rule NAME file:line`, shortened by the caller to IOS's remark length.
pub(super) fn provenance(p: &FlowOrigin) -> String {
    let reason = match p.reason {
        infrac_sdk::FlowReason::Rule => "rule",
        infrac_sdk::FlowReason::LoadBalancer => "load balancer",
        infrac_sdk::FlowReason::Ha => "ha group",
        infrac_sdk::FlowReason::Replication => "replication",
        infrac_sdk::FlowReason::Monitoring => "monitoring",
        infrac_sdk::FlowReason::Dns => "dns",
        infrac_sdk::FlowReason::Forward => "forward on",
    };
    format!("{reason} {} {}", p.name, p.origin)
}

/// The entries that let a flow's packets in: one per port range.
pub(super) fn forward_aces(f: &Flow, src: AclAddr, dst: AclAddr) -> Vec<Ace> {
    let word = protocol_word(f.service.protocol);
    if f.service.protocol.has_ports() && !f.service.ports.is_empty() {
        f.service
            .ports
            .iter()
            .map(|r| Ace {
                dst_ports: Some(Ports::of(r)),
                ..Ace::permit(word, src, dst)
            })
            .collect()
    } else {
        vec![Ace::permit(word, src, dst)]
    }
}

/// What a stateless ACL needs for a flow's replies.
pub(super) enum Replies {
    /// These entries (the reply comes from the service port, or is an echo reply).
    Narrow(Vec<Ace>),
    /// Nothing comes back (routing protocols, VRRP).
    None,
    /// Only the reverse flow itself would let replies back.
    Reverse,
}

pub(super) fn reply_aces(f: &Flow, src: AclAddr, dst: AclAddr) -> Replies {
    let ports = &f.service.ports;
    match f.service.protocol {
        Protocol::Tcp if ports.is_empty() => Replies::Narrow(vec![Ace {
            tail: Some("established"),
            ..Ace::permit("tcp", src, dst)
        }]),
        Protocol::Tcp => Replies::Narrow(
            ports
                .iter()
                .map(|r| Ace {
                    src_ports: Some(Ports::of(r)),
                    tail: Some("established"),
                    ..Ace::permit("tcp", src, dst)
                })
                .collect(),
        ),
        Protocol::Udp if !ports.is_empty() => Replies::Narrow(
            ports
                .iter()
                .map(|r| Ace {
                    src_ports: Some(Ports::of(r)),
                    ..Ace::permit("udp", src, dst)
                })
                .collect(),
        ),
        Protocol::Icmp => Replies::Narrow(vec![Ace {
            tail: Some("echo-reply"),
            ..Ace::permit("icmp", src, dst)
        }]),
        Protocol::Ospf | Protocol::Vrrp => Replies::None,
        Protocol::Udp | Protocol::Any | Protocol::Gre | Protocol::Esp | Protocol::Sctp => {
            Replies::Reverse
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::V4;

    #[test]
    fn ace_text() {
        let net = |s: &str, len| V4::new(s.parse().unwrap(), len);
        let ace = Ace {
            src_ports: Some(Ports::Eq(443)),
            tail: Some("established"),
            ..Ace::permit(
                "tcp",
                AclAddr::Net(net("10.1.20.5", 32)),
                AclAddr::Net(net("10.1.10.0", 24)),
            )
        };
        assert_eq!(
            ace.to_string(),
            "permit tcp host 10.1.20.5 eq 443 10.1.10.0 0.0.0.255 established"
        );
        assert_eq!(
            Ace::deny_ip(AclAddr::Any, AclAddr::Any).to_string(),
            "deny ip any any"
        );
    }
}
