//! The report as Markdown (a pull-request comment, with a Mermaid picture of the changed flows
//! and a collapsed diff per unit) and as plain text.

use crate::{Change, FlowChange, Report, UnitChange};
use std::collections::BTreeMap;
use std::fmt::Write;

/// A pull-request comment holds at most 65,536 characters; the diffs get what the rest leaves,
/// up to this budget, and the comment says what it left out.
const MARKDOWN_DIFF_BUDGET: usize = 48_000;

/// The whole comment stays under this many characters (GitHub refuses more than 65,536).
const MARKDOWN_TOTAL: usize = 60_000;

/// Rows of the model table and lines of each flow list in Markdown; the rest is counted, and
/// the JSON report has everything.
const MARKDOWN_ROWS: usize = 100;

/// Provenances shown per flow in Markdown.
const MARKDOWN_PROVENANCE: usize = 3;

/// The Mermaid picture shows at most this many edges (one per pair of ends and direction).
const MERMAID_EDGES: usize = 40;

fn counts(r: &Report) -> (usize, usize, usize) {
    let n = |c| r.elements.iter().filter(|e| e.change == c).count();
    (n(Change::Added), n(Change::Changed), n(Change::Removed))
}

/// The one-line summary: `3 to add, 1 to change, 0 to destroy; 4 flows newly allowed (1 from
/// the internet), 0 newly denied`.
pub fn summary(r: &Report) -> String {
    let (add, change, destroy) = counts(r);
    let exposed = r.internet_exposure().count();
    format!(
        "{add} to add, {change} to change, {destroy} to destroy; {} flow(s) newly allowed{}, {} newly denied",
        r.allowed.len(),
        if exposed > 0 {
            format!(" ({exposed} from the internet)")
        } else {
            String::new()
        },
        r.denied.len()
    ) + &artifact_summary(r)
}

fn artifact_summary(r: &Report) -> String {
    if !r.artifacts.compared {
        return String::new();
    }
    let files: usize = r.artifacts.units.iter().map(|u| u.files.len()).sum();
    format!(
        "; {files} generated file(s) change in {} unit(s)",
        r.artifacts.units.len()
    )
}

fn unit_sign(u: &UnitChange) -> &'static str {
    match u.change {
        Change::Added => "+",
        Change::Changed => "~",
        Change::Removed => "-",
    }
}

/// Mermaid node text: quotes and angle brackets as entities.
fn mermaid_text(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

/// A Mermaid flowchart of the changed flows: newly allowed as solid green edges, newly denied
/// as dashed red ones, services joined per pair of ends. `None` when no flow changed.
pub fn mermaid<'a>(r: &'a Report) -> Option<String> {
    if r.allowed.is_empty() && r.denied.is_empty() {
        return None;
    }
    // (from, to, allowed) -> services
    let mut edges: BTreeMap<(&str, &str, bool), Vec<&str>> = BTreeMap::new();
    for (allowed, list) in [(true, &r.allowed), (false, &r.denied)] {
        for f in list {
            edges
                .entry((f.from.as_str(), f.to.as_str(), allowed))
                .or_default()
                .push(f.service.as_str());
        }
    }
    let total = edges.len();
    let mut ids: BTreeMap<&str, usize> = BTreeMap::new();
    let mut out = String::from("flowchart LR\n");
    let mut styles = Vec::new();
    for (i, ((from, to, allowed), services)) in edges.into_iter().take(MERMAID_EDGES).enumerate() {
        let mut id = |name: &'a str, out: &mut String| {
            let next = ids.len();
            let n = *ids.entry(name).or_insert(next);
            if n == next {
                let _ = writeln!(out, "  n{n}[\"{}\"]", mermaid_text(name));
            }
            n
        };
        let a = id(from, &mut out);
        let b = id(to, &mut out);
        let label = mermaid_text(&services.join(", "));
        if allowed {
            let _ = writeln!(out, "  n{a} -->|\"{label}\"| n{b}");
            styles.push(format!("  linkStyle {i} stroke:#1a7f37,stroke-width:2px"));
        } else {
            let _ = writeln!(out, "  n{a} -.->|\"{label} denied\"| n{b}");
            styles.push(format!("  linkStyle {i} stroke:#cf222e,stroke-width:2px"));
        }
    }
    for st in styles {
        out.push_str(&st);
        out.push('\n');
    }
    if total > MERMAID_EDGES {
        let _ = writeln!(
            out,
            "  more[\"… and {} more pair(s): see the lists\"]",
            total - MERMAID_EDGES
        );
    }
    Some(out)
}

/// The flags of a flow: `partly`, `internet`, `database`.
fn flag_words(f: &FlowChange) -> Vec<&'static str> {
    [
        (f.partial, "partly"),
        (f.from_internet, "internet"),
        (f.touches_database, "database"),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .map(|(_, w)| w)
    .collect()
}

fn flags(f: &FlowChange) -> String {
    let v = flag_words(f);
    if v.is_empty() {
        String::new()
    } else {
        format!(" **[{}]**", v.join(", "))
    }
}

/// A Markdown report for a pull-request comment.
pub fn markdown(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### infrac review\n\n**{}**\n", summary(r));
    if r.is_empty() {
        out.push_str(if r.artifacts.compared {
            "No semantic change: the model, its flows and the generated files are the same.\n"
        } else {
            "No semantic change: the model and its flows are the same.\n"
        });
        if r.artifacts.moved_lines_only > 0 {
            let _ = writeln!(
                out,
                "\n_{} generated file(s) differ only in the line numbers of their source references._",
                r.artifacts.moved_lines_only
            );
        }
        return out;
    }
    if !r.elements.is_empty() {
        out.push_str("#### Model\n\n| change | kind | name | fields |\n|---|---|---|---|\n");
        for e in r.elements.iter().take(MARKDOWN_ROWS) {
            let change = match e.change {
                Change::Added => "+ add",
                Change::Changed => "~ change",
                Change::Removed => "- destroy",
            };
            let _ = writeln!(
                out,
                "| {change} | {} | `{}` | {} |",
                e.kind,
                e.name,
                e.fields
                    .iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
        if r.elements.len() > MARKDOWN_ROWS {
            let _ = writeln!(
                out,
                "| … | | {} more | `infrac diff --format json` lists them all |",
                r.elements.len() - MARKDOWN_ROWS
            );
        }
        out.push('\n');
    }
    for (title, list) in [
        ("Newly allowed flows", &r.allowed),
        ("Newly denied flows", &r.denied),
    ] {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(out, "#### {title}\n");
        // Flagged flows first, so a truncated list still shows what matters most.
        let mut shown: Vec<&FlowChange> = list.iter().collect();
        shown.sort_by_key(|f| !(f.from_internet || f.touches_database));
        for f in shown.iter().take(MARKDOWN_ROWS) {
            let mut provenance = f
                .provenance
                .iter()
                .take(MARKDOWN_PROVENANCE)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ");
            if f.provenance.len() > MARKDOWN_PROVENANCE {
                let _ = write!(
                    provenance,
                    "; and {} more",
                    f.provenance.len() - MARKDOWN_PROVENANCE
                );
            }
            let _ = writeln!(
                out,
                "- `{} -> {} {}`{} — {provenance}",
                f.from,
                f.to,
                f.service,
                flags(f),
            );
        }
        if list.len() > MARKDOWN_ROWS {
            let _ = writeln!(
                out,
                "- … and {} more (`infrac diff --format json` lists them all)",
                list.len() - MARKDOWN_ROWS
            );
        }
        out.push('\n');
    }
    if let Some(chart) = mermaid(r) {
        let _ = writeln!(out, "#### Changed flows\n\n```mermaid\n{chart}```\n");
    }
    markdown_artifacts(r, &mut out);
    out
}

fn markdown_artifacts(r: &Report, out: &mut String) {
    if !r.artifacts.compared {
        if let Some(note) = &r.artifacts.note {
            let _ = writeln!(out, "_Generated files not compared: {note}._\n");
        }
        return;
    }
    if r.artifacts.moved_lines_only > 0 {
        let _ = writeln!(
            out,
            "_{} generated file(s) differ only in the line numbers of their source references._\n",
            r.artifacts.moved_lines_only
        );
    }
    if r.artifacts.units.is_empty() {
        out.push_str("_No generated file changes._\n");
        return;
    }
    let _ = writeln!(out, "#### Generated files\n");
    let mut budget = MARKDOWN_DIFF_BUDGET.min(MARKDOWN_TOTAL.saturating_sub(out.len() + 4_000));
    let mut left_out = 0;
    // Each unit's header costs a line; past the row limit, units are only counted.
    let shown = r.artifacts.units.len().min(MARKDOWN_ROWS);
    budget = budget.saturating_sub(shown * 120);
    for u in r.artifacts.units.iter().take(shown) {
        let (added, removed) = u.lines();
        let _ = writeln!(
            out,
            "<details><summary><code>{} {}</code>: {} file(s), +{added} −{removed}</summary>\n",
            unit_sign(u),
            u.unit,
            u.files.len()
        );
        for f in &u.files {
            if f.diff.is_empty() {
                let _ = writeln!(out, "`{}`: binary file changed\n", f.path);
            } else if f.diff.len() + 16 <= budget {
                budget -= f.diff.len() + 16;
                // A fence longer than any backtick run in the diff keeps it intact.
                let fence = "`".repeat(longest_backtick_run(&f.diff).max(2) + 1);
                let _ = writeln!(out, "{fence}diff\n{}{fence}\n", f.diff);
            } else {
                left_out += 1;
                let _ = writeln!(
                    out,
                    "`{}`: +{} −{} (diff left out: the comment is full)\n",
                    f.path, f.added, f.removed
                );
            }
        }
        out.push_str("</details>\n\n");
    }
    if r.artifacts.units.len() > shown {
        let _ = writeln!(
            out,
            "_… and {} more unit(s) with changed files; `infrac diff` lists them all._\n",
            r.artifacts.units.len() - shown
        );
    }
    if left_out > 0 {
        let _ = writeln!(
            out,
            "_{left_out} diff(s) left out to keep the comment within GitHub's limit; `infrac diff` shows them all._\n"
        );
    }
}

fn longest_backtick_run(s: &str) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

/// The report as plain text for a terminal.
pub fn text(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", summary(r));
    if r.is_empty() {
        out.push_str(if r.artifacts.compared {
            "No semantic change: the model, its flows and the generated files are the same.\n"
        } else {
            "No semantic change: the model and its flows are the same.\n"
        });
    }
    for e in &r.elements {
        let sign = match e.change {
            Change::Added => "+",
            Change::Changed => "~",
            Change::Removed => "-",
        };
        let fields = if e.fields.is_empty() {
            String::new()
        } else {
            format!(" ({})", e.fields.join(", "))
        };
        let _ = writeln!(out, "  {sign} {} {}{fields}", e.kind, e.name);
    }
    for (sign, list) in [("+", &r.allowed), ("-", &r.denied)] {
        for f in list {
            let v = flag_words(f);
            let flag = if v.is_empty() {
                String::new()
            } else {
                format!(" [{}]", v.join(", "))
            };
            let _ = writeln!(
                out,
                "  {sign} flow {} -> {} {}{flag}  ({})",
                f.from,
                f.to,
                f.service,
                f.provenance.join("; ")
            );
        }
    }
    if let Some(note) = r.artifacts.note.as_ref().filter(|_| !r.artifacts.compared) {
        let _ = writeln!(out, "  generated files not compared: {note}");
    }
    if r.artifacts.moved_lines_only > 0 {
        let _ = writeln!(
            out,
            "  ({} generated file(s) differ only in the line numbers of their source references)",
            r.artifacts.moved_lines_only
        );
    }
    for u in &r.artifacts.units {
        let (added, removed) = u.lines();
        let _ = writeln!(
            out,
            "  {} {}: {} file(s), +{added} -{removed}",
            unit_sign(u),
            u.unit,
            u.files.len()
        );
    }
    for f in r.artifacts.units.iter().flat_map(|u| &u.files) {
        if f.diff.is_empty() {
            let _ = writeln!(out, "\nbinary file {} changed", f.path);
        } else {
            let _ = write!(out, "\n{}", f.diff);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ArtifactReport, FileChange, REPORT_VERSION, UnitChange};

    fn flow(i: usize) -> FlowChange {
        FlowChange {
            from: format!("site{i}.apps"),
            to: "internet".into(),
            service: "tcp/443".into(),
            provenance: (0..5)
                .map(|k| format!("rule r{i}-{k} (site.infra:{k})"))
                .collect(),
            from_internet: false,
            touches_database: i.is_multiple_of(7),
            partial: false,
        }
    }

    #[test]
    fn a_huge_change_still_fits_in_a_pull_request_comment() {
        let diff = format!(
            "--- old/x\n+++ new/x\n{}",
            "+ permit tcp any any\n".repeat(2_000)
        );
        let r = Report {
            report_version: REPORT_VERSION.into(),
            elements: Vec::new(),
            allowed: (0..3_000).map(flow).collect(),
            denied: (0..3_000).map(flow).collect(),
            artifacts: ArtifactReport {
                compared: true,
                note: None,
                moved_lines_only: 0,
                units: (0..500)
                    .map(|u| UnitChange {
                        unit: format!("ios sw{u}"),
                        change: Change::Changed,
                        files: vec![FileChange {
                            path: format!("ios/s/sw{u}.cfg"),
                            change: Change::Changed,
                            added: 2_000,
                            removed: 0,
                            diff: diff.clone(),
                        }],
                    })
                    .collect(),
            },
        };
        let md = markdown(&r);
        assert!(md.len() < 65_536, "{} characters", md.len());
        assert!(md.contains("and 2900 more"), "the cut is said");
        assert!(md.contains("more unit(s) with changed files"));
        // Flagged flows come first: the first listed allowed flow touches a database.
        let first = md
            .lines()
            .find(|l| l.starts_with("- `"))
            .expect("a flow line");
        assert!(first.contains("[database]"), "{first}");
    }
}
