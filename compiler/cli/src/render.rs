//! Rendering diagnostics: `human` (miette, with carets), `short`, `json` and `github`.

use infrac_diag::{Diagnostic, Severity, SourceMap};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use std::fmt;
use std::io::IsTerminal;
use std::path::Path;

/// Output format of diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source excerpts with carets, labels and help (rustc/miette style).
    Human,
    /// One line per diagnostic: `file:line:col: error[CODE]: message`.
    Short,
    /// A JSON array, for machines.
    Json,
    /// GitHub Actions workflow commands (annotations on pull requests).
    Github,
}

/// Renders every diagnostic in `format`; `root` prefixes file names so they are relative to
/// where infrac was run.
pub fn render(diags: &[Diagnostic], sources: &SourceMap, root: &Path, format: Format) -> String {
    match format {
        Format::Human => diags
            .iter()
            .map(|d| human(d, sources, root))
            .collect::<Vec<_>>()
            .join(""),
        Format::Short => diags
            .iter()
            .map(|d| short(d, sources, root) + "\n")
            .collect(),
        Format::Json => json(diags, sources, root),
        Format::Github => diags.iter().map(|d| github(d, sources, root)).collect(),
    }
}

fn file_name(sources: &SourceMap, root: &Path, d: &Diagnostic) -> String {
    span_file(sources, root, d.span)
}

/// The file of a span, as a path from where infrac was run.
fn span_file(sources: &SourceMap, root: &Path, span: infrac_diag::Span) -> String {
    let name = sources
        .get(span.file)
        .map(|f| f.name.clone())
        .unwrap_or_else(|| "<input>".into());
    if root.as_os_str().is_empty() {
        name
    } else {
        crate::load::normalize(&root.join(name))
            .to_string_lossy()
            .replace('\\', "/")
    }
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn short(d: &Diagnostic, sources: &SourceMap, root: &Path) -> String {
    let (_, lc) = sources.locate(d.span);
    format!(
        "{}:{}:{}: {}[{}]: {}",
        file_name(sources, root, d),
        lc.line,
        lc.column,
        severity(d.severity),
        d.code,
        d.message
    )
}

fn github(d: &Diagnostic, sources: &SourceMap, root: &Path) -> String {
    let (_, lc) = sources.locate(d.span);
    let end = sources
        .get(d.span.file)
        .map(|f| f.line_col(d.span.end))
        .unwrap_or(lc);
    let esc = |s: &str| {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    };
    let mut msg = d.message.clone();
    if let Some(h) = &d.help {
        msg.push_str("\nhelp: ");
        msg.push_str(h);
    }
    format!(
        "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
        severity(d.severity),
        file_name(sources, root, d),
        lc.line,
        lc.column,
        end.line,
        end.column,
        d.code,
        esc(&msg)
    )
}

fn json(diags: &[Diagnostic], sources: &SourceMap, root: &Path) -> String {
    let items: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let (_, lc) = sources.locate(d.span);
            let end = sources.get(d.span.file).map(|f| f.line_col(d.span.end)).unwrap_or(lc);
            let secondary: Vec<serde_json::Value> = d
                .secondary
                .iter()
                .map(|l| {
                    let (_, lc) = sources.locate(l.span);
                    serde_json::json!({ "file": span_file(sources, root, l.span), "line": lc.line, "column": lc.column, "message": l.message })
                })
                .collect();
            serde_json::json!({
                "severity": severity(d.severity),
                "code": d.code.0,
                "message": d.message,
                "file": file_name(sources, root, d),
                "line": lc.line,
                "column": lc.column,
                "end_line": end.line,
                "end_column": end.column,
                "label": d.label,
                "help": d.help,
                "secondary": secondary,
            })
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_default() + "\n"
}

/// Adapts one diagnostic to miette's `Diagnostic` trait.
struct Adapter<'a> {
    d: &'a Diagnostic,
    source: NamedSource<String>,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
}

impl fmt::Debug for Adapter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl fmt::Display for Adapter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl std::error::Error for Adapter<'_> {}

impl miette::Diagnostic for Adapter<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.d.code.0))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

fn human(d: &Diagnostic, sources: &SourceMap, root: &Path) -> String {
    let text = sources
        .get(d.span.file)
        .map(|f| f.text.clone())
        .unwrap_or_default();
    let span_of = |s: infrac_diag::Span| {
        let start = (s.start as usize).min(text.len());
        let end = (s.end as usize).clamp(start, text.len());
        (start, end - start)
    };
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        Some(d.label.clone().unwrap_or_default()).filter(|l| !l.is_empty()),
        span_of(d.span),
    )];
    let mut notes = Vec::new();
    for l in &d.secondary {
        if l.span.file == d.span.file {
            labels.push(LabeledSpan::new_with_span(
                Some(l.message.clone()),
                span_of(l.span),
            ));
        } else {
            let (_, lc) = sources.locate(l.span);
            notes.push(format!(
                "{}:{}:{}: {}",
                span_file(sources, root, l.span),
                lc.line,
                lc.column,
                l.message
            ));
        }
    }
    let help = match (&d.help, notes.is_empty()) {
        (h, true) => h.clone(),
        (Some(h), false) => Some(format!("{h}\n{}", notes.join("\n"))),
        (None, false) => Some(notes.join("\n")),
    };
    let adapter = Adapter {
        d,
        source: NamedSource::new(file_name(sources, root, d), text.clone()),
        labels,
        help,
    };
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
        .with_break_words(false);
    let mut out = String::new();
    if handler.render_report(&mut out, &adapter).is_err() {
        out = short(d, sources, root) + "\n";
    }
    out
}
