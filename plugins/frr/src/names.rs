//! Operating-system interface names: which device an `interface X` block configures, whether
//! the name is one the kernel accepts, and the order FRR-like tools list interfaces in.

use infrac_sdk::{Interface, InterfaceKind, Platform};
use std::cmp::Ordering;

/// The longest interface name Linux and FreeBSD accept (`IFNAMSIZ` 16, minus the NUL).
pub const MAX_IFNAME_LEN: usize = 15;

/// The OS interface an interface of the model is on, for a device running `platform`:
///
/// - physical interfaces and link ends: their `port` (`vtnet2`, `eth0`);
/// - VLAN sub-interfaces on OPNsense: the VLAN device OPNsense creates, `vlan0.<VLANID>`;
/// - VLAN sub-interfaces on a Linux FRR router: `<port>.<VLANID>` (the iproute2 convention,
///   `ip link add link eth1 name eth1.10 type vlan id 10`);
/// - trunks, SVIs and access ports have no routed OS interface of their own: `None`.
pub fn os_interface(platform: Platform, interface: &Interface) -> Option<String> {
    match interface.kind {
        InterfaceKind::Physical | InterfaceKind::Link => Some(interface.port.clone()),
        InterfaceKind::Vlan => {
            let vlan = interface.vlan?;
            match platform {
                Platform::Opnsense => Some(format!("vlan0.{vlan}")),
                _ => Some(format!("{}.{vlan}", interface.port)),
            }
        }
        InterfaceKind::Trunk | InterfaceKind::Svi | InterfaceKind::Access => None,
    }
}

/// Why `name` cannot be a kernel interface name, or `None` when it can: 1–15 characters of
/// letters, digits, `.`, `_` and `-`, and not `.` or `..`.
pub fn invalid_ifname(name: &str) -> Option<String> {
    if name.is_empty() {
        return Some("it is empty".into());
    }
    if name.len() > MAX_IFNAME_LEN {
        return Some(format!(
            "it is {} characters long; interface names have at most {MAX_IFNAME_LEN}",
            name.len()
        ));
    }
    if name == "." || name == ".." {
        return Some("`.` and `..` are not interface names".into());
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
    {
        return Some(format!(
            "`{c}` cannot appear in an interface name (letters, digits, `.`, `_`, `-`)"
        ));
    }
    None
}

/// Compares interface names with runs of digits taken as numbers (`eth2` < `eth10`,
/// `vlan0.20` < `vlan0.100`), then byte-wise, so the order is total and deterministic.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.as_bytes(), b.as_bytes());
    loop {
        match (x.first(), y.first()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) if p.is_ascii_digit() && q.is_ascii_digit() => {
                let (na, ra) = split_digits(x);
                let (nb, rb) = split_digits(y);
                let ord = compare_numbers(na, nb);
                if ord != Ordering::Equal {
                    return ord;
                }
                x = ra;
                y = rb;
            }
            (Some(p), Some(q)) => {
                if p != q {
                    return p.cmp(q);
                }
                x = &x[1..];
                y = &y[1..];
            }
        }
    }
}

fn split_digits(s: &[u8]) -> (&[u8], &[u8]) {
    let n = s.iter().take_while(|c| c.is_ascii_digit()).count();
    s.split_at(n)
}

fn compare_numbers(a: &[u8], b: &[u8]) -> Ordering {
    let strip = |s: &'_ [u8]| -> usize { s.iter().take_while(|c| **c == b'0').count() };
    let (a, b) = (&a[strip(a)..], &b[strip(b)..]);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_names() {
        assert_eq!(invalid_ifname("vtnet2"), None);
        assert_eq!(invalid_ifname("vlan0.4094"), None);
        assert_eq!(invalid_ifname("eth1.10"), None);
        assert!(invalid_ifname("Gi0/1").is_some());
        assert!(invalid_ifname("a-very-long-name0").is_some());
        assert!(invalid_ifname("").is_some());
        assert!(invalid_ifname("..").is_some());
        assert!(invalid_ifname("eth 1").is_some());
    }

    #[test]
    fn numbers_sort_as_numbers() {
        let mut names = vec!["vlan0.100", "eth10", "vlan0.20", "eth2", "eth02", "vtnet2"];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            ["eth02", "eth2", "eth10", "vlan0.20", "vlan0.100", "vtnet2"]
        );
    }
}
