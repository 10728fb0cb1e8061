//! Schema-driven reading of statements: allowed keywords, arity, and typed values.
//!
//! Lowering code describes each block by the keywords it allows; [`Fields`] reports unknown
//! keywords (with "did you mean"), duplicates and missing required keys, and the `Cx` value
//! accessors report wrong types naming the expected one. Everything reports and returns `None`
//! on error, so lowering carries on and finds every mistake in one run.

use infrac_diag::suggest;
use infrac_diag::{Diagnostic, SourceMap, Span, codes};
use infrac_model::{Origin, PortRange, PortSpec, Protocol};
use infrac_syntax::ast::{self, Statement, Value, ValueKind};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// The lowering context: sources (for origins) and the diagnostics found so far.
pub struct Cx<'a> {
    /// Every source file.
    pub sources: &'a SourceMap,
    /// Diagnostics found so far.
    pub diags: Vec<Diagnostic>,
    /// Spans of values the parser already rejected: type and arity complaints about them
    /// would only repeat that error.
    pub rejected: Vec<Span>,
    /// Names of declarations dropped for their own errors: references to them are not
    /// reported again as unresolved.
    pub dropped: std::collections::BTreeSet<String>,
    /// Every origin handed out, with the span it came from: plugin diagnostics name IR
    /// elements, and an element's `origin` leads back to its exact span.
    pub origins: std::cell::RefCell<std::collections::BTreeMap<Origin, Span>>,
}

impl<'a> Cx<'a> {
    /// Reports a diagnostic.
    pub fn report(&mut self, d: Diagnostic) {
        let follow_on = [codes::E0202, codes::E0203, codes::E0205, codes::E0206].contains(&d.code)
            && self.rejected.iter().any(|r| {
                r.file == d.span.file
                    && r.start < d.span.end.max(d.span.start + 1)
                    && d.span.start < r.end.max(r.start + 1)
            });
        if !follow_on {
            self.diags.push(d);
        }
    }

    /// Records the spans of every value the parser rejected in `statements`.
    pub fn note_rejected(&mut self, statements: &[Statement]) {
        fn walk(v: &Value, out: &mut Vec<Span>) {
            match &v.kind {
                ValueKind::Error => out.push(v.span),
                ValueKind::List(items) => items.iter().for_each(|i| walk(i, out)),
                _ => {}
            }
        }
        for st in statements {
            st.args.iter().for_each(|v| walk(v, &mut self.rejected));
            if let Some(b) = &st.block {
                self.note_rejected(&b.statements);
            }
        }
    }

    /// Reports an error with `code` at `span`.
    pub fn error(&mut self, code: infrac_diag::Code, span: Span, msg: impl Into<String>) {
        self.diags.push(Diagnostic::error(code, span, msg));
    }

    /// `file:line:column` of a span, for the IR.
    pub fn origin(&self, span: Span) -> Origin {
        let (file, lc) = self.sources.locate(span);
        let origin = Origin {
            file,
            line: lc.line,
            column: lc.column,
        };
        self.origins
            .borrow_mut()
            .entry(origin.clone())
            .or_insert(span);
        origin
    }

    /// The statement's arguments, checking their count is within `min..=max`.
    pub fn args<'s>(
        &mut self,
        st: &'s Statement,
        min: usize,
        max: usize,
        form: &str,
    ) -> Option<&'s [Value]> {
        let n = st.args.len();
        if st.args.iter().any(|a| a.kind == ValueKind::Error) {
            return None; // the parser reported the bad value; its count means nothing
        }
        if n < min || n > max {
            let span = if n > max {
                st.args[max].span.to(st.args[n - 1].span)
            } else {
                st.span
            };
            self.report(
                Diagnostic::error(
                    codes::E0205,
                    span,
                    format!("`{}` takes {}, found {n}", st.keyword.name, arity(min, max)),
                )
                .with_help(format!("write it as `{form}`")),
            );
            return None;
        }
        Some(&st.args)
    }

    /// The single argument of an attribute statement (`key value`), with no block.
    pub fn single<'s>(&mut self, st: &'s Statement, form: &str) -> Option<&'s Value> {
        if let Some(b) = &st.block {
            self.error(
                codes::E0207,
                b.span,
                format!("`{}` takes no block", st.keyword.name),
            );
        }
        self.args(st, 1, 1, form).map(|a| &a[0])
    }

    /// Reports that `v` is not of the `expected` type (unless the parser already rejected it).
    pub fn wrong(&mut self, v: &Value, expected: &str) {
        if matches!(v.kind, ValueKind::Error) {
            return; // already reported by the parser
        }
        self.report(
            Diagnostic::error(
                codes::E0202,
                v.span,
                format!("expected {expected}, found {}", v.kind.describe()),
            )
            .with_label(format!("expected {expected}")),
        );
    }

    /// An integer within `lo..=hi`.
    pub fn int(&mut self, v: &Value, lo: u64, hi: u64) -> Option<u64> {
        match v.kind {
            ValueKind::Integer(n) if (lo..=hi).contains(&n) => Some(n),
            ValueKind::Integer(n) => {
                self.report(
                    Diagnostic::error(
                        codes::E0206,
                        v.span,
                        format!("{n} is out of range ({lo}–{hi})"),
                    )
                    .with_label(format!("must be {lo}–{hi}")),
                );
                None
            }
            _ => {
                self.wrong(v, "an integer");
                None
            }
        }
    }

    /// A string.
    pub fn string(&mut self, v: &Value) -> Option<String> {
        match &v.kind {
            ValueKind::String(s) => Some(s.clone()),
            _ => {
                self.wrong(v, "a string");
                None
            }
        }
    }

    /// A single-segment name (`paris`, `app1-1`).
    pub fn name(&mut self, v: &Value) -> Option<String> {
        match &v.kind {
            ValueKind::Name(segs) if segs.len() == 1 && segs[0] != "*" => Some(segs[0].clone()),
            _ => {
                self.wrong(v, "a name");
                None
            }
        }
    }

    /// An interface or port name: a name, a word like `Gi0/1`, or a string.
    pub fn port_name(&mut self, v: &Value) -> Option<String> {
        match &v.kind {
            ValueKind::Name(segs) if !segs.iter().any(|s| s == "*") => Some(segs.join(".")),
            ValueKind::Word(w) | ValueKind::String(w) => Some(w.clone()),
            ValueKind::Integer(n) => Some(n.to_string()),
            _ => {
                self.wrong(v, "an interface name");
                None
            }
        }
    }

    /// A dotted reference (`fw1.lan`, `paris.apps`) as its segments.
    pub fn path(&mut self, v: &Value) -> Option<Vec<String>> {
        match &v.kind {
            ValueKind::Name(segs) => Some(segs.clone()),
            _ => {
                self.wrong(v, "a name");
                None
            }
        }
    }

    /// `true` or `false`.
    pub fn bool(&mut self, v: &Value) -> Option<bool> {
        match v.kind {
            ValueKind::Bool(b) => Some(b),
            _ => {
                self.wrong(v, "`true` or `false`");
                None
            }
        }
    }

    /// An IP address.
    pub fn addr(&mut self, v: &Value) -> Option<IpAddr> {
        match v.kind {
            ValueKind::Address(a) => Some(a),
            _ => {
                self.wrong(v, "an IP address");
                None
            }
        }
    }

    /// A prefix, as written (host bits kept).
    pub fn prefix(&mut self, v: &Value) -> Option<ipnet::IpNet> {
        match v.kind {
            ValueKind::Prefix(p) => Some(p),
            _ => {
                self.wrong(v, "a prefix such as 192.168.10.0/24");
                None
            }
        }
    }

    /// A duration longer than zero, in milliseconds (intervals, periods, timeouts).
    pub fn positive_duration(&mut self, v: &Value) -> Option<u64> {
        let ms = self.duration(v)?;
        if ms == 0 {
            self.report(
                Diagnostic::error(codes::E0206, v.span, "a duration of 0 here means nothing")
                    .with_label("must be longer than 0"),
            );
            return None;
        }
        Some(ms)
    }

    /// A duration in milliseconds.
    pub fn duration(&mut self, v: &Value) -> Option<u64> {
        match v.kind {
            ValueKind::Duration(ms) => Some(ms),
            _ => {
                self.wrong(v, "a duration such as 30s");
                None
            }
        }
    }

    /// A size in bytes.
    pub fn size(&mut self, v: &Value) -> Option<u64> {
        match v.kind {
            ValueKind::Size(b) => Some(b),
            _ => {
                self.wrong(v, "a size such as 512MiB");
                None
            }
        }
    }

    /// A TCP/UDP port number (1–65535).
    pub fn port(&mut self, v: &Value) -> Option<u16> {
        self.int(v, 1, 65535).map(|n| n as u16)
    }

    /// A keyword from a fixed set, e.g. `roundrobin`.
    pub fn choice<'c>(&mut self, v: &Value, choices: &[&'c str]) -> Option<&'c str> {
        let ValueKind::Name(segs) = &v.kind else {
            self.wrong(v, &format!("one of {}", quoted(choices)));
            return None;
        };
        let word = segs.join(".");
        if let Some(c) = choices.iter().find(|c| **c == word) {
            return Some(c);
        }
        let mut d = Diagnostic::error(
            codes::E0206,
            v.span,
            format!("`{word}` is not allowed here"),
        )
        .with_label(format!("expected one of {}", quoted(choices)));
        if let Some(c) = suggest::closest(&word, choices.iter().copied()) {
            d = d.with_help(format!("did you mean `{c}`?"));
        }
        self.report(d);
        None
    }

    /// The items of a list value; a single non-list value is a one-item list.
    pub fn list<'v>(&mut self, v: &'v Value) -> Vec<&'v Value> {
        match &v.kind {
            ValueKind::List(items) => items.iter().collect(),
            _ => vec![v],
        }
    }

    /// A secret's name, where a credential is expected. A string here is E0701.
    pub fn secret_name(&mut self, v: &Value) -> Option<(String, Span)> {
        match &v.kind {
            ValueKind::Name(segs) if segs.len() == 1 => Some((segs[0].clone(), v.span)),
            ValueKind::String(_) => {
                self.report(
                    Diagnostic::error(codes::E0701, v.span, "credentials cannot be written inline")
                        .with_label("a secret value in the source")
                        .with_help(
                            "declare `secret NAME { env \"VAR\" }` (or `file \"PATH\"`) and write its name here",
                        ),
                );
                None
            }
            _ => {
                self.wrong(v, "the name of a secret");
                None
            }
        }
    }

    /// A port spec or named service (`tcp/443`, `https`, `icmp`), expanded to specs.
    pub fn services(&mut self, v: &Value) -> Option<Vec<PortSpec>> {
        let spec = |p: Protocol, s: u16, e: u16| PortSpec {
            protocol: p,
            ports: vec![PortRange { start: s, end: e }],
        };
        let bare = |p: Protocol| PortSpec {
            protocol: p,
            ports: Vec::new(),
        };
        match &v.kind {
            ValueKind::PortSpec { protocol, ports } => {
                let p = protocol_of(*protocol);
                if !p.has_ports() {
                    self.report(
                        Diagnostic::error(
                            codes::E0601,
                            v.span,
                            format!("protocol `{}` has no ports", p.name()),
                        )
                        .with_help(format!("write `{}` alone", p.name())),
                    );
                    return None;
                }
                if ports.start == 0 {
                    self.report(
                        Diagnostic::error(codes::E0206, v.span, "port 0 is not a port")
                            .with_label("ports are 1–65535"),
                    );
                    return None;
                }
                Some(vec![spec(p, ports.start, ports.end)])
            }
            ValueKind::Name(segs) if segs.len() == 1 => {
                let s = match segs[0].as_str() {
                    "ssh" => vec![spec(Protocol::Tcp, 22, 22)],
                    "http" => vec![spec(Protocol::Tcp, 80, 80)],
                    "https" => vec![spec(Protocol::Tcp, 443, 443)],
                    "dns" => vec![spec(Protocol::Udp, 53, 53), spec(Protocol::Tcp, 53, 53)],
                    "ntp" => vec![spec(Protocol::Udp, 123, 123)],
                    "mysql" => vec![spec(Protocol::Tcp, 3306, 3306)],
                    "smtp" => vec![spec(Protocol::Tcp, 25, 25)],
                    "ldap" => vec![spec(Protocol::Tcp, 389, 389)],
                    "syslog" => vec![spec(Protocol::Udp, 514, 514)],
                    "snmp" => vec![spec(Protocol::Udp, 161, 161)],
                    "tcp" => vec![bare(Protocol::Tcp)],
                    "sctp" => vec![bare(Protocol::Sctp)],
                    "udp" => vec![bare(Protocol::Udp)],
                    "icmp" => vec![bare(Protocol::Icmp)],
                    "vrrp" => vec![bare(Protocol::Vrrp)],
                    "ospf" => vec![bare(Protocol::Ospf)],
                    "esp" => vec![bare(Protocol::Esp)],
                    "gre" => vec![bare(Protocol::Gre)],
                    "any" => vec![bare(Protocol::Any)],
                    other => {
                        let mut d = Diagnostic::error(
                            codes::E0206,
                            v.span,
                            format!("`{other}` is not a protocol or named service"),
                        )
                        .with_label("expected a port spec such as tcp/443, or a named service");
                        if let Some(c) = suggest::closest(other, SERVICE_NAMES.iter().copied()) {
                            d = d.with_help(format!("did you mean `{c}`?"));
                        }
                        self.report(d);
                        return None;
                    }
                };
                Some(s)
            }
            _ => {
                self.wrong(
                    v,
                    "a port spec such as tcp/443 or a named service such as https",
                );
                None
            }
        }
    }
}

/// Named services accepted where a port spec is expected.
pub const SERVICE_NAMES: &[&str] = &[
    "ssh", "http", "https", "dns", "ntp", "mysql", "smtp", "ldap", "syslog", "snmp", "tcp", "udp",
    "sctp", "icmp", "vrrp", "ospf", "esp", "gre", "any",
];

/// The model protocol of a syntax protocol.
pub fn protocol_of(p: ast::Protocol) -> Protocol {
    match p {
        ast::Protocol::Tcp => Protocol::Tcp,
        ast::Protocol::Udp => Protocol::Udp,
        ast::Protocol::Sctp => Protocol::Sctp,
        ast::Protocol::Icmp => Protocol::Icmp,
        ast::Protocol::Vrrp => Protocol::Vrrp,
        ast::Protocol::Ospf => Protocol::Ospf,
        ast::Protocol::Esp => Protocol::Esp,
        ast::Protocol::Gre => Protocol::Gre,
    }
}

fn arity(min: usize, max: usize) -> String {
    let n = |k: usize| {
        if k == 1 {
            "1 argument".to_string()
        } else {
            format!("{k} arguments")
        }
    };
    if min == max {
        n(min)
    } else if max == usize::MAX {
        format!("at least {}", n(min))
    } else {
        format!("{min} to {max} arguments")
    }
}

fn quoted(choices: &[&str]) -> String {
    choices
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The statements of one block, grouped by keyword, checked against the allowed keywords.
pub struct Fields<'s> {
    by_key: BTreeMap<&'s str, Vec<&'s Statement>>,
    /// Allowed keywords that an unknown keyword of the block was probably meant to be.
    misspelled: Vec<String>,
    owner: String,
    owner_span: Span,
}

impl<'s> Fields<'s> {
    /// Reads `statements` of a block belonging to `owner` (e.g. "zone `apps`"), reporting every
    /// keyword not in `allowed`.
    pub fn new(
        cx: &mut Cx,
        statements: &'s [Statement],
        allowed: &[&str],
        owner: &str,
        owner_span: Span,
    ) -> Fields<'s> {
        let mut by_key: BTreeMap<&str, Vec<&Statement>> = BTreeMap::new();
        let mut misspelled = Vec::new();
        for st in statements {
            let k = st.keyword.name.as_str();
            if allowed.contains(&k) {
                by_key.entry(k).or_default().push(st);
            } else {
                let mut d = Diagnostic::error(
                    codes::E0201,
                    st.keyword.span,
                    format!("unknown statement `{k}` in {owner}"),
                )
                .with_label("not allowed here");
                if let Some(c) = suggest::closest(k, allowed.iter().copied()) {
                    misspelled.push(c.to_string());
                }
                if let Some(h) = suggest::help(k, allowed.iter().copied()) {
                    d = d.with_help(h);
                }
                cx.report(d);
            }
        }
        Fields {
            by_key,
            misspelled,
            owner: owner.to_string(),
            owner_span,
        }
    }

    /// Reads the block of `st` (an empty block if it has none).
    pub fn of(cx: &mut Cx, st: &'s Statement, allowed: &[&str], owner: &str) -> Fields<'s> {
        let stmts: &'s [Statement] = st
            .block
            .as_ref()
            .map(|b| b.statements.as_slice())
            .unwrap_or(&[]);
        Fields::new(cx, stmts, allowed, owner, st.span)
    }

    /// Every statement with keyword `key`, in source order.
    pub fn all(&self, key: &str) -> &[&'s Statement] {
        self.by_key.get(key).map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// The statement with keyword `key`, reporting a duplicate if there are several.
    pub fn one(&self, cx: &mut Cx, key: &str) -> Option<&'s Statement> {
        let all = self.all(key);
        if let [first, rest @ ..] = all {
            for dup in rest {
                cx.report(
                    Diagnostic::error(
                        codes::E0204,
                        dup.keyword.span,
                        format!("`{key}` is given twice in {}", self.owner),
                    )
                    .with_secondary(first.keyword.span, "first given here"),
                );
            }
            Some(first)
        } else {
            None
        }
    }

    /// The single value of attribute `key`, if present.
    pub fn value(&self, cx: &mut Cx, key: &str) -> Option<&'s Value> {
        let st = self.one(cx, key)?;
        cx.single(st, &format!("{key} VALUE"))
    }

    /// Like [`Fields::value`] but reports E0203 when absent.
    pub fn required(&self, cx: &mut Cx, key: &str, what: &str) -> Option<&'s Value> {
        if self.all(key).is_empty() && !self.is_misspelled(key) {
            cx.report(
                Diagnostic::error(
                    codes::E0203,
                    self.owner_span,
                    format!("{} has no `{key}`", self.owner),
                )
                .with_help(format!("add `{key} {what}`")),
            );
            return None;
        }
        self.value(cx, key)
    }

    /// Whether an unknown keyword of the block was probably a misspelling of `key` (so its
    /// absence is not reported again).
    pub fn is_misspelled(&self, key: &str) -> bool {
        self.misspelled.iter().any(|m| m == key)
    }

    /// The owner's span (the whole statement).
    pub fn span(&self) -> Span {
        self.owner_span
    }
}
