//! The registry of diagnostic codes. Every diagnostic infrac emits uses a code from this table,
//! and `infrac explain CODE` prints its explanation. Codes are stable: never reuse a number.
//!
//! Ranges: E01 syntax, E015 loading files, E02 schema (keys, types), E03 names and templates,
//! E04 addressing, E05 model semantics (HA, databases, devices, capabilities), E06 rules and
//! policies, E07 secrets; W for warnings.

use serde::Serialize;

/// A stable diagnostic code such as `E0302`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Code(pub &'static str);

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// A code with its title and explanation.
#[derive(Clone, Copy, Debug)]
pub struct CodeInfo {
    /// The code.
    pub code: Code,
    /// Short title.
    pub title: &'static str,
    /// What it means and how to fix it.
    pub explanation: &'static str,
}

macro_rules! codes {
    ($($name:ident, $title:literal, $explanation:literal;)*) => {
        $(
            #[doc = $title]
            pub const $name: Code = Code(stringify!($name));
        )*
        /// Every registered code, in order.
        pub const ALL: &[CodeInfo] = &[
            $(CodeInfo { code: $name, title: $title, explanation: $explanation },)*
        ];
    };
}

codes! {
    E0101, "unexpected character",
        "The parser met a character that cannot start any token here. Statements start with a keyword; values are strings, numbers, addresses, names or lists.";
    E0102, "unterminated string",
        "A string literal has no closing quote before the end of the line. Close it with `\"`.";
    E0103, "invalid literal",
        "A value looks like a literal but is not a valid one: an IPv4 octet over 255, a prefix length over 32 (128 for IPv6), a port over 65535, a port range whose start exceeds its end, a date that does not exist, or an unknown unit.";
    E0104, "unclosed block",
        "A `{` has no matching `}`. Every block must be closed; the error points at the opening brace.";
    E0105, "unexpected closing brace",
        "A `}` has no matching `{`. Remove it or add the missing opening brace.";
    E0106, "unclosed list",
        "A `[` has no matching `]`.";
    E0107, "invalid escape in string",
        "Strings accept the escapes `\\\"`, `\\\\`, `\\n` and `\\t` only.";
    E0108, "nesting too deep",
        "Blocks or lists are nested more than 64 levels deep. No construct of the language needs that.";
    E0109, "expected a statement",
        "A statement must start with a keyword (a name such as `zone` or `host`). Values cannot stand alone.";
    E0110, "expected a comma",
        "Items of a list are separated by commas: `[a, b, c]`. Newlines between items and a trailing comma are allowed, but do not replace the commas.";
    E0151, "cannot read file",
        "An imported file (or the file or directory given on the command line) does not exist or cannot be read.";
    E0152, "import cycle",
        "Files import each other in a cycle. Each file is read once; remove one of the imports.";
    E0201, "unknown statement",
        "This keyword is not allowed in this block. The help line suggests the closest known keyword and lists the ones allowed here.";
    E0202, "wrong type of value",
        "The value has the wrong type for this attribute, e.g. a string where an address is expected. The message names the expected type.";
    E0203, "missing required attribute",
        "A block lacks an attribute it must have, e.g. a zone without `vlan` or `subnet`.";
    E0204, "duplicate attribute",
        "An attribute that may appear once is given twice in the same block.";
    E0205, "wrong number of arguments",
        "A statement has more or fewer arguments than its form takes, e.g. `vlan` with no value or `zone` without a name.";
    E0206, "value not allowed",
        "The value is of the right type but not one of the allowed choices (e.g. `algorithm` must be `roundrobin`, `leastconn` or `source`) or out of range.";
    E0207, "block expected or not allowed",
        "This statement needs a `{ … }` block, or takes none.";
    E0301, "duplicate definition",
        "Two definitions of the same kind share a name. Names of sites, devices, hosts, services, load balancers, HA groups, databases, secrets, links and policies are unique; zones are unique within a site.";
    E0302, "unresolved reference",
        "A name refers to nothing of the expected kind. Check the spelling; the help line suggests the closest defined name.";
    E0303, "reference to the wrong kind",
        "A name exists but is of another kind than this place needs, e.g. a zone where a host is expected.";
    E0304, "unknown template",
        "`site NAME from TEMPLATE` names a template that is not defined.";
    E0305, "unresolved template variable",
        "`${name}` in a template names an attribute that the instantiating site does not have.";
    E0306, "project missing or repeated",
        "A model has exactly one `project` block.";
    E0307, "ambiguous name",
        "A rule, policy or DNS record names something that is several things at once (a host, service, load balancer, database or site share the name), so which addresses it means is unclear. Rename one of them.";
    E0401, "overlapping subnets",
        "Two zones share addresses. Every subnet in the model must be disjoint (a link's transit prefix overlapping a zone is E0408).";
    E0402, "duplicate VLAN id",
        "Two zones of one site (one switching domain) use the same VLAN id.";
    E0403, "VLAN id out of range",
        "VLAN ids are 1–4094.";
    E0404, "gateway outside its subnet",
        "A zone's gateway (or an interface's gateway) must be a host address inside the subnet.";
    E0405, "address outside its zone",
        "An address given for a zone does not lie in the zone's subnet.";
    E0406, "network or broadcast address used as a host",
        "The first (network) and, for IPv4, last (broadcast) address of a subnet cannot be assigned to a host, gateway or VIP.";
    E0407, "duplicate address",
        "Two hosts, interfaces, gateways or VIPs claim the same address.";
    E0408, "invalid transit prefix",
        "A link's transit prefix must have room for both sides (an IPv4 /30 or /31, or larger) and must not overlap any zone or other link.";
    E0409, "address family mismatch",
        "An IPv4 address was given where the subnet or peer is IPv6, or the reverse.";
    E0501, "duplicate VRRP id",
        "Two HA groups on the same segment (zone) use the same `vrid`; VRRP routers would fight over the virtual MAC.";
    E0502, "VRRP priority out of range",
        "HA member priorities are 1–254 (255 is reserved for the address owner).";
    E0503, "database needs exactly one primary",
        "A database cluster has exactly one `primary`.";
    E0504, "node listed twice",
        "A host appears more than once in the same group (HA members, database nodes, backend servers).";
    E0505, "member has no address in the zone",
        "An HA member, load balancer host or backend host has no address in the zone it must be reached in.";
    E0506, "not supported by the platform",
        "The device's platform cannot express this feature or rule exactly. infrac refuses rather than silently widening or dropping it.";
    E0507, "secret may be too long for its use",
        "Some credentials have a length limit: VRRP (keepalived) passwords are at most 8 characters, OSPF MD5 keys at most 16 (FRR and IOS silently truncate longer keys). Declare the secret with a `max_length` within the limit; a deployment build then refuses a longer value.";
    E0508, "zone not on the device's site",
        "A device port, trunk or address names a zone of another site.";
    E0509, "dependency cycle",
        "Services depend on each other in a cycle (or a service depends on itself), so none of them could start first. Remove one `depends` entry.";
    E0510, "duplicate OSPF router id",
        "Two devices that run OSPF have the same router id (given, or derived from their lowest IPv4 address on an OSPF interface), so their adjacency never comes up and routes flap. Give one of them its own `router_id`.";
    E0601, "ports on a protocol without ports",
        "Only tcp, udp and sctp have ports. `icmp/22` or `ospf/1-2` cannot be enforced as written.";
    E0602, "rule expired",
        "The rule's `expires` date is more than 30 days past. Renew it with a new date or remove the rule.";
    E0603, "policy forbids a flow",
        "A `forbid` assertion of a policy matches a flow that the model allows. Change the rule, or the policy if it is wrong.";
    E0604, "policy requirement not met",
        "A `require` assertion of a policy is not satisfied by the flows the model allows.";
    E0605, "rule allows nothing",
        "A rule's source and destination resolve to no addresses (e.g. a wildcard matching no zone).";
    E0606, "intent test failed",
        "A `test` block states what the flow matrix must say: `allowed SOURCE -> DESTINATION [SERVICE…]` holds when flows cover every address of both sides (and every service listed); `denied …` holds when no flow overlaps them at all. The message says what the matrix says instead and which rules decide it; `infrac query` shows the same for any pair.";
    E0607, "model breaks a policy assertion",
        "A policy's `assert NAME` line names a built-in check of the model (TLS on public frontends, containers that drop every capability, read-only replicas, real redundancy, SSH only from management zones, no any-to-any rule) and an element breaks it. The diagnostic points at the element and at the policy line; fix the element, or drop the assertion from the project's own policy if it does not apply. `docs/language.md` describes each check.";
    E0701, "credential written inline",
        "Passwords, keys and other credentials are referenced by the name of a `secret`, never written as a string in the source.";
    E0702, "secret needs exactly one source",
        "A secret has exactly one of `env \"VAR\"` and `file \"PATH\"`.";
    W0601, "rule expired recently",
        "The rule's `expires` date has passed. It is still applied for 30 days after the date, then it becomes an error (E0602).";
    W0602, "rule expires soon",
        "The rule's `expires` date is within 14 days.";
    W0603, "redundant rule",
        "Everything this rule allows is already allowed, at least as widely, by another rule (shown). Deleting it would not change the flow matrix; keeping it hides which rule is the real reason, and it silently keeps access open if the wider rule is narrowed later. Delete it, or narrow the wider rule.";
    W0604, "waiver not needed",
        "The project waives a policy that the model meets anyway. A stale waiver silently lets the next change break the policy; remove it.";
}

/// Looks a code up by its text, case-insensitively (`e0302` finds `E0302`).
pub fn lookup(code: &str) -> Option<&'static CodeInfo> {
    ALL.iter().find(|c| c.code.0.eq_ignore_ascii_case(code))
}

/// The reference page of every code, as Markdown (`docs/diagnostics.md`).
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# Diagnostic codes\n\nEvery diagnostic infrac reports has a stable code. `infrac explain CODE` prints the\nexplanation below. This page is generated from `compiler/diag/src/codes.rs`.\n",
    );
    for info in ALL {
        out.push_str(&format!(
            "\n## {}: {}\n\n{}\n",
            info.code, info.title, info.explanation
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for info in ALL {
            assert!(seen.insert(info.code.0), "duplicate code {}", info.code);
            let c = info.code.0;
            assert!(
                c.len() == 5 && (c.starts_with('E') || c.starts_with('W')),
                "{c}"
            );
            assert!(!info.explanation.is_empty());
        }
        assert!(lookup("e0302").is_some());
        assert!(lookup("E9999").is_none());
    }
}
