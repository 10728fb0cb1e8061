//! The syntax tree of a `.infra` file.
//!
//! The grammar is generic: a file is a list of [`Statement`]s; a statement is a keyword, zero or
//! more argument [`Value`]s and an optional [`Block`] of nested statements. What a keyword means
//! is decided later, by the schema-driven lowering in `infrac-check`. Every node carries a byte
//! [`Span`]; comments are attached to the statements around them so `fmt` can keep them.

use infrac_diag::Span;
use std::net::IpAddr;

/// A parsed file.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    /// Top-level statements, in source order.
    pub statements: Vec<Statement>,
    /// Comments after the last statement.
    pub trailing_comments: Vec<Comment>,
}

/// `keyword arg arg { … }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// The first word, e.g. `zone`.
    pub keyword: Ident,
    /// The values after the keyword, before the block.
    pub args: Vec<Value>,
    /// The `{ … }` block, if any.
    pub block: Option<Block>,
    /// From the keyword to the end of the block or last argument.
    pub span: Span,
    /// Comments on the lines just before the statement (each without its `#`/`//` marker kept
    /// as written in `text`).
    pub leading_comments: Vec<Comment>,
    /// A comment on the same line, after the statement.
    pub trailing_comment: Option<Comment>,
    /// Whether a blank line separated this statement from the previous one (fmt keeps one).
    pub blank_line_before: bool,
}

/// `{ statement … }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    /// Statements in the block.
    pub statements: Vec<Statement>,
    /// Comments after the last statement, before `}`.
    pub trailing_comments: Vec<Comment>,
    /// From `{` to `}` inclusive.
    pub span: Span,
    /// Whether the block was written on one line (fmt keeps short one-line blocks).
    pub single_line: bool,
}

/// A comment, including its marker (`# text` or `// text`), without the newline.
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    /// The comment text including the marker.
    pub text: String,
    /// Where it is.
    pub span: Span,
}

/// A keyword or bare name.
#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    /// The name.
    pub name: String,
    /// Where it is.
    pub span: Span,
}

/// A value with its span.
#[derive(Clone, Debug, PartialEq)]
pub struct Value {
    /// What it is.
    pub kind: ValueKind,
    /// Where it is.
    pub span: Span,
}

/// Transport protocol of a port spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    /// TCP.
    Tcp,
    /// UDP.
    Udp,
    /// SCTP.
    Sctp,
    /// ICMP (v4 or v6).
    Icmp,
    /// VRRP (IP protocol 112).
    Vrrp,
    /// OSPF (IP protocol 89).
    Ospf,
    /// ESP (IP protocol 50).
    Esp,
    /// GRE (IP protocol 47).
    Gre,
}

/// An inclusive range of ports; a single port has `start == end`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortRange {
    /// First port.
    pub start: u16,
    /// Last port (inclusive).
    pub end: u16,
}

/// The kinds of value. Literals are classified when lexed (see [`crate::classify_word`]).
#[derive(Clone, Debug, PartialEq)]
pub enum ValueKind {
    /// `"text"`, with escapes resolved.
    String(String),
    /// `42`.
    Integer(u64),
    /// `0.5` (kept as written, plus its value).
    Decimal(f64),
    /// `5%` (the number before `%`).
    Percent(f64),
    /// `true` / `false`.
    Bool(bool),
    /// `192.168.1.1`, `2001:db8::1`.
    Address(IpAddr),
    /// `192.168.1.0/24`, `203.0.113.10/28` (host bits kept as written).
    Prefix(ipnet::IpNet),
    /// `8000-8080`.
    PortRange(PortRange),
    /// `tcp/443`, `udp/53`, `tcp/8000-8080`, `icmp`… (`ports` empty means every port, or a
    /// protocol without ports). Bare protocol names such as `icmp` lex as [`ValueKind::Name`];
    /// only `proto/ports` forms lex as this.
    PortSpec {
        /// The protocol before `/`.
        protocol: Protocol,
        /// The ports after `/`.
        ports: PortRange,
    },
    /// `30s`, `2w`: milliseconds.
    Duration(u64),
    /// `512MiB`: bytes.
    Size(u64),
    /// `2027-06-30`.
    Date {
        /// Year.
        year: u16,
        /// Month 1–12.
        month: u8,
        /// Day 1–31 (valid for the month).
        day: u8,
    },
    /// `paris`, `paris.apps`, `*.db`, `*`: the dot-separated segments.
    Name(Vec<String>),
    /// A bare word that is not a name, e.g. `Gi0/1`.
    Word(String),
    /// `[a, b]`.
    List(Vec<Value>),
    /// `->`.
    Arrow,
    /// A word containing `${…}`, kept raw until a template is instantiated; then it is
    /// substituted and classified with [`crate::classify_word`].
    Template(String),
    /// A value that failed to lex; a diagnostic was already reported.
    Error,
}

impl ValueKind {
    /// A short English name of the kind, for "expected X, found Y" messages.
    pub fn describe(&self) -> &'static str {
        match self {
            ValueKind::String(_) => "a string",
            ValueKind::Integer(_) => "an integer",
            ValueKind::Decimal(_) => "a decimal number",
            ValueKind::Percent(_) => "a percentage",
            ValueKind::Bool(_) => "a boolean",
            ValueKind::Address(IpAddr::V4(_)) => "an IPv4 address",
            ValueKind::Address(IpAddr::V6(_)) => "an IPv6 address",
            ValueKind::Prefix(_) => "a prefix",
            ValueKind::PortRange(_) => "a port range",
            ValueKind::PortSpec { .. } => "a port spec",
            ValueKind::Duration(_) => "a duration",
            ValueKind::Size(_) => "a size",
            ValueKind::Date { .. } => "a date",
            ValueKind::Name(_) => "a name",
            ValueKind::Word(_) => "a word",
            ValueKind::List(_) => "a list",
            ValueKind::Arrow => "`->`",
            ValueKind::Template(_) => "a template value",
            ValueKind::Error => "an invalid value",
        }
    }
}
