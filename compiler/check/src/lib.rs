//! The checker: from parsed `.infra` files to the resolved IR [`Model`].
//!
//! Phases, in order: template expansion ([`template`]), schema-driven lowering to the HIR
//! ([`lower`]), resolution into the IR with model checks ([`resolve`], [`devices`]), addressing
//! checks ([`address`]), then the flow matrix and policies (`infrac-flows`). Every phase reports
//! and carries on, so one run finds every mistake; a model is returned only when no error was
//! found. The checker does no I/O: the CLI reads files and follows imports.

pub mod address;
mod assertions;
pub mod devices;
pub mod generate;
pub mod hir;
pub mod lower;
pub mod resolve;
pub mod schema;
pub mod template;

use infrac_diag::{Diagnostic, FileId, SourceMap, Span, codes, sort_diagnostics};
use infrac_model::Model;
use infrac_syntax::ast;
use std::collections::{BTreeMap, BTreeSet};

/// Options of a check.
#[derive(Clone, Debug, Default)]
pub struct CheckOptions {
    /// Today's date (year, month, day) for rule expiry; `None` skips expiry checks.
    pub today: Option<(u16, u8, u8)>,
}

/// The result of a check.
#[derive(Debug)]
pub struct Checked {
    /// The model, when there is no error.
    pub model: Option<Model>,
    /// Every diagnostic, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// Where each model element was declared, for mapping IR paths back to sources.
    pub spans: SpanIndex,
    /// The intent tests (`test` blocks), each line with its outcome, in source order.
    pub tests: Vec<TestOutcome>,
}

/// The outcome of one `allowed`/`denied` line of a `test` block.
#[derive(Clone, Debug, PartialEq)]
pub struct TestOutcome {
    /// The test block's name.
    pub test: String,
    /// The line as written: `allowed internet -> www https`.
    pub case: String,
    /// Where it is.
    pub span: Span,
    /// Whether the flow matrix says what the line expects.
    pub passed: bool,
    /// What the matrix says, per concrete endpoint pair, when it differs.
    pub detail: Vec<String>,
}

impl Checked {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Declaration spans of model elements, by collection and name.
#[derive(Debug, Default)]
pub struct SpanIndex {
    by_name: BTreeMap<(&'static str, String), Span>,
    by_origin: BTreeMap<infrac_model::Origin, Span>,
    /// The model as JSON, made on the first lookup by origin and kept: a build may map many
    /// plugin diagnostics, and the model does not change.
    json: std::sync::OnceLock<Option<serde_json::Value>>,
}

impl SpanIndex {
    fn insert(&mut self, kind: &'static str, name: &str, span: Span) {
        self.by_name.entry((kind, name.to_string())).or_insert(span);
    }

    /// The span of the element a JSON pointer into the IR names, e.g. `/hosts/3/addresses/0`:
    /// the deepest element on the path that records where it was written (its `origin`, or a
    /// flow's `provenance.origin`: the rule or element that allowed it), else the declaration
    /// of the top-level element the pointer starts with. `model` is the model of the same check.
    ///
    /// Flows are named as the model holds them, `/flows/N` (the N-th flow, as the Rust SDK
    /// gives it), or as IR 0.2 writes them, `/flows/matrix/N`.
    pub fn locate(&self, model: &Model, pointer: &str) -> Option<Span> {
        let pointer = match pointer.strip_prefix("/flows/matrix/") {
            Some(rest) => std::borrow::Cow::Owned(format!("/flows/{rest}")),
            None => std::borrow::Cow::Borrowed(pointer),
        };
        self.locate_by_origin(model, &pointer)
            .or_else(|| self.locate_by_name(model, &pointer))
    }

    fn locate_by_origin(&self, model: &Model, pointer: &str) -> Option<Span> {
        let value = self
            .json
            .get_or_init(|| {
                // The flows as a list, each whole: the pointer's view, not the IR's tables.
                let mut value = serde_json::to_value(model).ok()?;
                value["flows"] = serde_json::to_value(&model.flows).ok()?;
                Some(value)
            })
            .as_ref()?;
        let mut node = value;
        let mut found = None;
        let origin_of = |v: &serde_json::Value| {
            let o = v
                .get("origin")
                .or_else(|| v.get("provenance")?.get("origin"))?;
            serde_json::from_value::<infrac_model::Origin>(o.clone()).ok()
        };
        for part in pointer
            .trim_start_matches('/')
            .split('/')
            .filter(|p| !p.is_empty())
        {
            let part = part.replace("~1", "/").replace("~0", "~");
            node = match node {
                serde_json::Value::Object(map) => map.get(&part)?,
                serde_json::Value::Array(items) => items.get(part.parse::<usize>().ok()?)?,
                _ => break,
            };
            if let Some(span) = origin_of(node).and_then(|o| self.by_origin.get(&o)) {
                found = Some(*span);
            }
        }
        found
    }

    fn locate_by_name(&self, model: &Model, pointer: &str) -> Option<Span> {
        let mut parts = pointer.trim_start_matches('/').split('/');
        let kind = parts.next()?;
        let index: usize = parts.next()?.parse().ok()?;
        let (key, name): (&'static str, &str) = match kind {
            "sites" => ("sites", &model.sites.get(index)?.name),
            "devices" => ("devices", &model.devices.get(index)?.name),
            "links" => ("links", &model.links.get(index)?.name),
            "hosts" => ("hosts", &model.hosts.get(index)?.name),
            "services" => ("services", &model.services.get(index)?.name),
            "load_balancers" => ("load_balancers", &model.load_balancers.get(index)?.name),
            "ha_groups" => ("ha_groups", &model.ha_groups.get(index)?.name),
            "databases" => ("databases", &model.databases.get(index)?.name),
            "rules" => ("rules", &model.rules.get(index)?.name),
            "flows" => ("rules", &model.flows.get(index)?.provenance.name),
            _ => return None,
        };
        self.by_name.get(&(key, name.to_string())).copied()
    }
}

/// Checks parsed files (every file of the model, imports already followed) and builds the model.
pub fn check(
    sources: &SourceMap,
    files: &[(FileId, &ast::File)],
    options: &CheckOptions,
) -> Checked {
    let mut cx = schema::Cx {
        sources,
        diags: Vec::new(),
        rejected: Vec::new(),
        dropped: Default::default(),
        origins: Default::default(),
    };
    for (_, f) in files {
        cx.note_rejected(&f.statements);
    }
    let top: Vec<&ast::Statement> = files
        .iter()
        .flat_map(|(_, f)| f.statements.iter())
        .collect();
    let expanded = template::expand_all(&mut cx, &top);
    let hir = lower::lower(&mut cx, &expanded);
    if let Some(today) = options.today {
        check_expiry(&mut cx, &hir, today);
    }
    let mut spans = SpanIndex::default();
    index_spans(&hir, &mut spans);
    let mut model = None;
    let mut tests = Vec::new();
    if let Some((mut m, zones)) = resolve::resolve(&mut cx, &hir) {
        address::check_duplicates(&mut cx, &hir, &zones);
        let rules: Vec<infrac_flows::RuleInput> =
            hir.rules.iter().map(|r| r.input.clone()).collect();
        check_rule_names(&mut cx, &hir);
        let (flows, fd) = infrac_flows::compute_flows(&m, &rules);
        // An endpoint that matches nothing because an earlier error removed what it names is a
        // cascade of that error, not a mistake of its own.
        let earlier_errors = cx.diags.iter().any(Diagnostic::is_error) || !cx.rejected.is_empty();
        // Likewise a reference to something declared but dropped for its own errors.
        let zone_keys = declared_zone_keys(&hir);
        let mut declared = declared_names(&hir);
        declared.extend(zone_keys.iter().map(String::as_str));
        declared.extend(cx.dropped.iter().map(String::as_str));
        let cascade = |d: &Diagnostic| {
            earlier_errors
                && (d.code == codes::E0605
                    || (d.code == codes::E0302
                        && span_text(sources, d.span).is_some_and(|t| declared.contains(t))))
        };
        cx.diags.extend(fd.into_iter().filter(|d| !cascade(d)));
        // With errors, endpoints may coincide by mistake (a duplicate address): no advice yet.
        if !earlier_errors {
            report_redundant_rules(&mut cx, &hir, &flows);
        }
        m.flows = flows;
        let waived = waived_policies(&mut cx, &hir);
        let assertions: Vec<infrac_flows::AssertionInput> = hir
            .policies
            .iter()
            .filter(|p| !waived.contains(p.name.v.as_str()))
            .flat_map(|p| p.assertions.iter().cloned())
            .collect();
        let pd = infrac_flows::check_policies(&m, &m.flows, &assertions);
        // A requirement unmet because an erroneous rule was dropped is that error's cascade.
        cx.diags.extend(
            pd.into_iter()
                .filter(|d| !(earlier_errors && d.code == codes::E0604)),
        );
        if !earlier_errors {
            assertions::check(&mut cx, &hir, &m, &waived);
            report_needless_waivers(&mut cx, &hir, &m, &waived);
            tests = run_tests(&mut cx, &hir, &m);
        }
        model = Some(m);
    }
    spans.by_origin = cx.origins.take();
    let mut diagnostics = cx.diags;
    sort_diagnostics(&mut diagnostics);
    let failed = diagnostics.iter().any(Diagnostic::is_error);
    Checked {
        model: if failed { None } else { model },
        diagnostics,
        spans,
        tests,
    }
}

/// The policies the project waives; a waiver must name a policy of the model (E0302), once
/// (E0204), with a reason (E0203).
fn waived_policies<'h>(cx: &mut schema::Cx, hir: &'h hir::Hir) -> BTreeSet<&'h str> {
    let names: Vec<&str> = hir.policies.iter().map(|p| p.name.v.as_str()).collect();
    let mut out = BTreeSet::new();
    let mut first: BTreeMap<&str, infrac_diag::Span> = BTreeMap::new();
    for (policy, why, span) in hir.projects.iter().take(1).flat_map(|p| &p.waivers) {
        if let Some(earlier) = first.insert(policy.v.as_str(), policy.span) {
            cx.report(
                Diagnostic::error(
                    codes::E0204,
                    policy.span,
                    format!("policy `{}` is waived twice", policy.v),
                )
                .with_secondary(earlier, "first waived here"),
            );
        }
        if why.trim().is_empty() {
            cx.report(
                Diagnostic::error(
                    codes::E0203,
                    *span,
                    format!("the waiver of `{}` gives no reason", policy.v),
                )
                .with_help("say why the policy does not apply: reviewers read it in `infrac diff`"),
            );
        }
        if names.contains(&policy.v.as_str()) {
            out.insert(policy.v.as_str());
        } else {
            resolve::unresolved(cx, "policy", policy, names.iter().copied());
        }
    }
    out
}

/// W0604 for each waiver of a policy the model would meet anyway: a stale waiver hides the next
/// violation.
fn report_needless_waivers(
    cx: &mut schema::Cx,
    hir: &hir::Hir,
    m: &Model,
    waived: &BTreeSet<&str>,
) {
    for (policy, _, span) in hir.projects.iter().take(1).flat_map(|p| &p.waivers) {
        let Some(p) = hir
            .policies
            .iter()
            .find(|p| p.name.v == policy.v && waived.contains(p.name.v.as_str()))
        else {
            continue;
        };
        let flow_violations = infrac_flows::check_policies(m, &m.flows, &p.assertions);
        if flow_violations.is_empty() && assertions::violations(cx, hir, m, p).is_empty() {
            cx.report(
                Diagnostic::warning(
                    codes::W0604,
                    *span,
                    format!(
                        "the model meets policy `{}`: the waiver is not needed",
                        policy.v
                    ),
                )
                .with_secondary(p.name.span, "the policy")
                .with_help("remove the waiver, so that the policy guards the next change"),
            );
        }
    }
}

/// Checks every intent test against the flow matrix: E0606 for each line that does not hold.
fn run_tests(cx: &mut schema::Cx, hir: &hir::Hir, m: &Model) -> Vec<TestOutcome> {
    use infrac_flows::Verdict;
    let mut out = Vec::new();
    for t in &hir.tests {
        for c in &t.cases {
            let (word, want) = match c.expect {
                hir::Expect::Allowed => ("allowed", Verdict::Allowed),
                hir::Expect::Denied => ("denied", Verdict::Denied),
            };
            let services: Vec<String> = c.services.iter().map(ToString::to_string).collect();
            let case = format!(
                "{word} {} -> {}{}{}",
                c.from.text,
                c.to.text,
                if services.is_empty() { "" } else { " " },
                services.join(" ")
            );
            let answers = match infrac_flows::query(m, &m.flows, &c.from, &c.to, &c.services) {
                Ok(a) => a,
                Err(d) => {
                    cx.report(*d);
                    continue;
                }
            };
            let mut detail = Vec::new();
            for a in answers.iter().filter(|a| a.verdict != want) {
                let service = a
                    .service
                    .as_ref()
                    .map_or_else(String::new, |s| format!(" {s}"));
                let verdict = match a.verdict {
                    Verdict::Allowed => "allowed",
                    Verdict::Partly => "partly allowed",
                    Verdict::Denied => "denied",
                };
                let by: Vec<String> = a
                    .flows
                    .iter()
                    .take(3)
                    .map(|f| infrac_flows::render::provenance_text(&f.provenance))
                    .collect();
                detail.push(format!(
                    "{} -> {}{service} is {verdict}{}",
                    a.from.name,
                    a.to.name,
                    if by.is_empty() {
                        String::new()
                    } else {
                        format!(" by {}", by.join(", "))
                    }
                ));
            }
            let passed = detail.is_empty();
            if !passed {
                let mut d = Diagnostic::error(
                    codes::E0606,
                    c.span,
                    format!("test `{}` fails: {}", t.name.v, detail[0]),
                )
                .with_label(format!("expected {word}"));
                if detail.len() > 1 {
                    d = d.with_help(format!(
                        "also: {}{}",
                        detail[1..detail.len().min(4)].join("; "),
                        if detail.len() > 4 { "; …" } else { "" }
                    ));
                }
                cx.report(d);
            }
            out.push(TestOutcome {
                test: t.name.v.clone(),
                case,
                span: c.span,
                passed,
                detail,
            });
        }
    }
    out
}

/// Names of every declared host, service, load balancer, database and site.
fn declared_names(hir: &hir::Hir) -> std::collections::BTreeSet<&str> {
    let hosts = hir.hosts.iter().map(|h| h.name.v.as_str());
    let services = hir.services.iter().map(|s| s.name.v.as_str());
    let lbs = hir.lbs.iter().map(|l| l.name.v.as_str());
    let dbs = hir.dbs.iter().map(|d| d.name.v.as_str());
    let sites = hir.sites.iter().map(|s| s.name.v.as_str());
    hosts
        .chain(services)
        .chain(lbs)
        .chain(dbs)
        .chain(sites)
        .collect()
}

/// `site.zone` keys of every declared zone, valid or not.
fn declared_zone_keys(hir: &hir::Hir) -> Vec<String> {
    hir.sites
        .iter()
        .flat_map(|s| {
            s.zones
                .iter()
                .map(move |z| format!("{}.{}", s.name.v, z.name.v))
        })
        .collect()
}

/// The source text a span covers.
fn span_text(sources: &SourceMap, span: Span) -> Option<&str> {
    sources.get(span.file)?.text.get(span.range())
}

fn index_spans(hir: &hir::Hir, idx: &mut SpanIndex) {
    for s in &hir.sites {
        idx.insert("sites", &s.name.v, s.span);
    }
    for d in &hir.devices {
        idx.insert("devices", &d.name.v, d.span);
    }
    for l in &hir.links {
        idx.insert("links", &l.name.v, l.span);
    }
    for h in &hir.hosts {
        idx.insert("hosts", &h.name.v, h.span);
    }
    for s in &hir.services {
        idx.insert("services", &s.name.v, s.span);
    }
    for l in &hir.lbs {
        idx.insert("load_balancers", &l.name.v, l.span);
    }
    for h in &hir.has {
        idx.insert("ha_groups", &h.name.v, h.span);
    }
    for d in &hir.dbs {
        idx.insert("databases", &d.name.v, d.span);
    }
    for r in &hir.rules {
        idx.insert("rules", &r.input.name, r.input.span);
    }
}

/// W0603 for every rule another rule already covers, with both spans.
fn report_redundant_rules(cx: &mut schema::Cx, hir: &hir::Hir, flows: &[infrac_model::Flow]) {
    let spans: BTreeMap<&str, Span> = hir
        .rules
        .iter()
        .map(|r| (r.input.name.as_str(), r.input.span))
        .collect();
    for r in infrac_flows::redundant_rules(flows) {
        let (Some(&span), Some(&wider)) = (
            spans.get(r.rule.as_str()),
            spans.get(r.covered_by.name.as_str()),
        ) else {
            continue;
        };
        cx.report(
            Diagnostic::warning(
                codes::W0603,
                span,
                format!(
                    "rule `{}` adds nothing: rule `{}` already allows all of it",
                    r.rule, r.covered_by.name
                ),
            )
            .with_label("redundant")
            .with_secondary(wider, "this rule already allows it")
            .with_help("delete this rule, or narrow the wider one if this is the real intent"),
        );
    }
}

fn check_rule_names(cx: &mut schema::Cx, hir: &hir::Hir) {
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for r in hir.rules.iter().filter(|r| r.explicit_name) {
        if let Some(prev) = seen.insert(&r.input.name, r.input.span) {
            cx.report(
                Diagnostic::error(
                    codes::E0301,
                    r.input.span,
                    format!("rule `{}` is defined twice", r.input.name),
                )
                .with_secondary(prev, "first defined here"),
            );
        }
    }
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(y: u16, m: u8, d: u8) -> i64 {
    let (y, m, d) = (i64::from(y) - i64::from(m <= 2), i64::from(m), i64::from(d));
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Civil date of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (u16, u8, u8) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let y = (yoe + era * 400 + i64::from(m <= 2)) as u16;
    (y, m, d)
}

fn check_expiry(cx: &mut schema::Cx, hir: &hir::Hir, today: (u16, u8, u8)) {
    let now = days_from_civil(today.0, today.1, today.2);
    for r in &hir.rules {
        let Some(e) = &r.expires else { continue };
        let date = days_from_civil(e.v.0, e.v.1, e.v.2);
        let text = format!("{:04}-{:02}-{:02}", e.v.0, e.v.1, e.v.2);
        if now > date + 30 {
            cx.report(
                Diagnostic::error(
                    codes::E0602,
                    e.span,
                    format!(
                        "rule `{}` expired on {text}, more than 30 days ago",
                        r.input.name
                    ),
                )
                .with_label("expired")
                .with_help("renew it with a later `expires` date, or remove the rule"),
            );
        } else if now > date {
            cx.report(
                Diagnostic::warning(
                    codes::W0601,
                    e.span,
                    format!("rule `{}` expired on {text}", r.input.name),
                )
                .with_label("expired")
                .with_help(format!(
                    "it becomes an error after {}",
                    fmt_date(civil_from_days(date + 30))
                )),
            );
        } else if date - now <= 14 {
            cx.report(
                Diagnostic::warning(
                    codes::W0602,
                    e.span,
                    format!("rule `{}` expires on {text}", r.input.name),
                )
                .with_label("expires soon")
                .with_help("renew it with a later `expires` date, or plan its removal"),
            );
        }
    }
}

fn fmt_date((y, m, d): (u16, u8, u8)) -> String {
    format!("{y:04}-{m:02}-{d:02}")
}

/// Reads a rule endpoint written on its own (`paris.mgmt`, `*.db`, `internet`, `app1`,
/// `10.0.0.0/8`), as a rule's source or destination; `Err` holds why it is not one.
pub fn parse_selector(text: &str) -> Result<infrac_flows::SpannedSelector, String> {
    let mut values = parse_words(text)?;
    if values.len() != 1 {
        return Err(format!("`{text}` is not one rule endpoint"));
    }
    let value = values.remove(0);
    let sources = SourceMap::new();
    let mut cx = scratch_cx(&sources);
    lower::selector(&mut cx, &value).ok_or_else(|| first_message(&cx, text))
}

/// Reads services as a rule writes them (`tcp/443`, `https`, `udp/5000-5010`, `icmp`).
pub fn parse_services(text: &str) -> Result<Vec<infrac_model::PortSpec>, String> {
    let sources = SourceMap::new();
    let mut cx = scratch_cx(&sources);
    let mut out = Vec::new();
    for value in parse_words(text)? {
        match cx.services(&value) {
            Some(mut specs) => out.append(&mut specs),
            None => return Err(first_message(&cx, text)),
        }
    }
    Ok(out)
}

fn scratch_cx(sources: &SourceMap) -> schema::Cx<'_> {
    schema::Cx {
        sources,
        diags: Vec::new(),
        rejected: Vec::new(),
        dropped: Default::default(),
        origins: Default::default(),
    }
}

fn first_message(cx: &schema::Cx, text: &str) -> String {
    cx.diags
        .first()
        .map(|d| d.message.clone())
        .unwrap_or_else(|| format!("`{text}` cannot be read"))
}

/// The values of `text` read as the arguments of a statement.
fn parse_words(text: &str) -> Result<Vec<infrac_syntax::ast::Value>, String> {
    let line = format!("q {text}\n");
    let (file, diags) = infrac_syntax::parse(FileId(0), &line);
    if let Some(d) = diags.first() {
        return Err(format!("`{text}`: {}", d.message));
    }
    match file.statements.as_slice() {
        [st] if st.block.is_none() && !st.args.is_empty() => Ok(st.args.clone()),
        _ => Err(format!("`{text}` cannot be read")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_round_trip() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
        for d in [0, 11_017, 20_000, 20_454, -1] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }
}
