//! What the zones hold, checked: the forward zone's address records, the name servers, and
//! one reverse zone per /24 (IPv4) or /64 (IPv6) with a PTR per address.

use crate::codes;
use crate::names::{self, fqdn, name_problem};
use crate::reverse::{ReverseKey, ptr_owner};
use infrac_sdk::{Diagnostic, DnsRecord, Host, LoadBalancer, Model};
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

/// The largest TTL (RFC 2181: 2^31 - 1).
pub const MAX_TTL: u32 = 2_147_483_647;

/// Everything the zone files hold.
#[derive(Debug, PartialEq, Eq)]
pub struct Plan {
    /// The project domain, without trailing dot.
    pub domain: String,
    /// Default TTL in seconds.
    pub ttl_s: u32,
    /// Name-server host names (sorted; the first is the SOA's primary).
    pub servers: Vec<String>,
    /// Address records of the forward zone, sorted by owner then address.
    pub forward: Vec<AddressRecord>,
    /// Reverse zones, IPv4 first, each with its PTR records.
    pub reverse: Vec<ReverseZone>,
}

/// One A or AAAA record.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct AddressRecord {
    /// Owner relative to the domain (`www`, `@` for the apex).
    pub owner: String,
    /// The address.
    pub address: IpAddr,
}

/// One reverse zone.
#[derive(Debug, PartialEq, Eq)]
pub struct ReverseZone {
    /// The network it covers.
    pub key: ReverseKey,
    /// PTR records, sorted by address.
    pub ptrs: Vec<Ptr>,
}

/// One PTR record.
#[derive(Debug, PartialEq, Eq)]
pub struct Ptr {
    /// Owner relative to the reverse zone.
    pub owner: String,
    /// The address it maps.
    pub address: IpAddr,
    /// The name it points to, fully qualified with trailing dot.
    pub target: String,
}

/// Plans the zones, or `None` when the model has no DNS server (nothing to serve: records
/// without servers are for a DNS service outside the model). Errors name every problem.
pub fn plan(model: &Model) -> Result<Option<Plan>, Vec<Diagnostic>> {
    let dns = &model.dns;
    if dns.servers.is_empty() {
        return Ok(None);
    }
    let domain = names::domain(&model.project.domain);
    if let Some(why) = name_problem(&domain).or_else(|| domain_shape(&domain)) {
        return Err(vec![Diagnostic::error(
            codes::INVALID_DOMAIN,
            "/project/domain",
            format!(
                "the project domain `{}` is not a valid DNS name: {why}",
                model.project.domain
            ),
        )]);
    }
    let mut errors = Vec::new();
    if dns.ttl_s == 0 || dns.ttl_s > MAX_TTL {
        errors.push(Diagnostic::error(
            codes::TTL_OUT_OF_RANGE,
            "/dns/ttl_s",
            format!(
                "a DNS TTL of {} s is outside 1–{MAX_TTL} s (RFC 2181)",
                dns.ttl_s
            ),
        ));
    }
    let mut forward = Vec::new();
    for (index, record) in dns.records.iter().enumerate() {
        match owner(model, &domain, index, record) {
            Ok(owner) => forward.push(AddressRecord {
                owner,
                address: record.address,
            }),
            Err(d) => errors.push(d),
        }
    }
    forward.sort();
    forward.dedup();
    for (index, server) in dns.servers.iter().enumerate() {
        if !forward.iter().any(|r| &r.owner == server) {
            errors.push(Diagnostic::error(
                codes::SERVER_WITHOUT_ADDRESS,
                format!("/dns/servers/{index}"),
                format!(
                    "DNS server `{server}` has no address record in `{domain}`, so its NS record \
                     `{}` would have no glue",
                    fqdn(server, &domain)
                ),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let reverse = reverse_zones(model, &domain, &forward);
    Ok(Some(Plan {
        domain,
        ttl_s: dns.ttl_s,
        servers: dns.servers.clone(),
        forward,
        reverse,
    }))
}

/// A single-label domain that is all digits would read as an address; anything else valid.
fn domain_shape(domain: &str) -> Option<String> {
    let top = domain.rsplit('.').next().unwrap_or(domain);
    top.chars()
        .all(|c| c.is_ascii_digit())
        .then(|| format!("its last label `{top}` is all digits"))
}

/// The record's owner relative to the domain, checked.
fn owner(
    model: &Model,
    domain: &str,
    index: usize,
    record: &DnsRecord,
) -> Result<String, Diagnostic> {
    // Only a problem needs the element's path (finding it is a search of the model).
    let path = || element_path(model, index, record);
    let name = match record.name.strip_suffix('.') {
        // An absolute name: in the zone only when it ends in the domain.
        Some(absolute) => relative_to(absolute, domain).ok_or_else(|| {
            Diagnostic::error(
                codes::OUTSIDE_DOMAIN,
                path(),
                format!(
                    "DNS name `{absolute}` (for `{}`) is outside the project domain `{domain}`: \
                     the zone cannot hold it",
                    record.target
                ),
            )
        })?,
        None => record.name.clone(),
    };
    if name != "@" {
        let full = format!("{name}.{domain}");
        if let Some(why) = name_problem(&full) {
            return Err(Diagnostic::error(
                codes::INVALID_NAME,
                path(),
                format!(
                    "DNS name `{full}` (for `{}`) is not a valid host name: {why}",
                    record.target
                ),
            ));
        }
    }
    Ok(name)
}

/// `name` relative to `domain` (compared without regard to case), `@` for the apex.
fn relative_to(name: &str, domain: &str) -> Option<String> {
    if name.eq_ignore_ascii_case(domain) {
        return Some("@".to_string());
    }
    let cut = name.len().checked_sub(domain.len() + 1)?;
    let (head, tail) = (name.get(..cut)?, name.get(cut..)?);
    (tail.starts_with('.') && tail.get(1..)?.eq_ignore_ascii_case(domain)).then(|| head.to_string())
}

/// The most specific IR element a record comes from: the host for its own name, the load
/// balancer for its public name, else the record itself.
fn element_path(model: &Model, index: usize, record: &DnsRecord) -> String {
    if record.name == record.target
        && let Some(i) = model.hosts.iter().position(|h| h.name == record.target)
    {
        return format!("/hosts/{i}");
    }
    if let Some(i) = model.load_balancers.iter().position(|l| {
        l.name == record.target
            && l.fqdn
                .as_deref()
                .is_some_and(|f| record.name == front_end_name(f, &model.project.domain))
    }) {
        return format!("/load_balancers/{i}");
    }
    format!("/dns/records/{index}")
}

/// A load balancer's public name as the front end writes it into its record: relative to the
/// domain, `@` for the apex, else absolute with a trailing dot.
fn front_end_name(fqdn: &str, domain: &str) -> String {
    let fqdn = fqdn.trim_end_matches('.');
    if fqdn == domain {
        "@".to_string()
    } else if let Some(rel) = fqdn.strip_suffix(&format!(".{domain}")) {
        rel.to_string()
    } else {
        format!("{fqdn}.")
    }
}

/// One reverse zone per network holding a forward address; one PTR per address.
fn reverse_zones(model: &Model, domain: &str, forward: &[AddressRecord]) -> Vec<ReverseZone> {
    let mut by_address: BTreeMap<IpAddr, Vec<&AddressRecord>> = BTreeMap::new();
    for r in forward {
        by_address.entry(r.address).or_default().push(r);
    }
    // Hosts and load balancers by address, in model order, looked up once per address.
    let mut hosts: HashMap<IpAddr, Vec<&Host>> = HashMap::new();
    for h in &model.hosts {
        for a in &h.addresses {
            let list = hosts.entry(a.address).or_default();
            if list.last().is_none_or(|l| l.name != h.name) {
                list.push(h);
            }
        }
    }
    let mut balancers: HashMap<IpAddr, Vec<&LoadBalancer>> = HashMap::new();
    for l in &model.load_balancers {
        balancers.entry(l.vip).or_default().push(l);
    }
    let by_vip = Holders { hosts, balancers };
    let mut zones: BTreeMap<ReverseKey, Vec<Ptr>> = BTreeMap::new();
    for (address, records) in by_address {
        let Some(name) = ptr_name(&by_vip, domain, address, &records) else {
            continue;
        };
        zones.entry(ReverseKey::of(address)).or_default().push(Ptr {
            owner: ptr_owner(address),
            address,
            target: fqdn(&name, domain),
        });
    }
    zones
        .into_iter()
        .map(|(key, ptrs)| ReverseZone { key, ptrs })
        .collect()
}

/// The hosts holding each address and the load balancers whose VIP it is, in model order.
struct Holders<'m> {
    hosts: HashMap<IpAddr, Vec<&'m Host>>,
    balancers: HashMap<IpAddr, Vec<&'m LoadBalancer>>,
}

/// The name an address maps back to: the host that holds it, by its own name; else the load
/// balancer whose VIP it is, by its public name; else the first record's name. Always a name
/// whose forward records include the address.
fn ptr_name(
    holders: &Holders<'_>,
    domain: &str,
    address: IpAddr,
    records: &[&AddressRecord],
) -> Option<String> {
    let has = |owner: &str| records.iter().any(|r| r.owner == owner);
    let host = holders
        .hosts
        .get(&address)
        .into_iter()
        .flatten()
        .find(|h| has(&h.name));
    if let Some(h) = host {
        return Some(h.name.clone());
    }
    let lb_name = holders
        .balancers
        .get(&address)
        .into_iter()
        .flatten()
        .filter_map(|l| relative_to(l.fqdn.as_deref()?.trim_end_matches('.'), domain))
        .find(|n| has(n));
    lb_name.or_else(|| records.first().map(|r| r.owner.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_names() {
        assert_eq!(
            relative_to("www.foobar.com", "foobar.com").as_deref(),
            Some("www")
        );
        assert_eq!(
            relative_to("WWW.FooBar.com", "foobar.com").as_deref(),
            Some("WWW")
        );
        assert_eq!(
            relative_to("foobar.com", "foobar.com").as_deref(),
            Some("@")
        );
        assert_eq!(relative_to("www.xfoobar.com", "foobar.com"), None);
        assert_eq!(relative_to("com", "foobar.com"), None);
    }
}
