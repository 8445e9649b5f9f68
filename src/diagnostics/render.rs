//! Rendering of diagnostics: human (miette), plain (one line each) and JSON.
//! This is the only module that knows how a finding looks on screen.

use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};
use serde::Serialize;

use super::{Diagnostic, Level};
use crate::source::{SourceFile, SourceMap, Span};

/// Counts of a run, for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub files: usize,
}

impl Summary {
    pub fn of<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>, files: usize) -> Summary {
        let mut s = Summary {
            files,
            ..Summary::default()
        };
        for d in diags {
            match d.level {
                Level::Error => s.errors += 1,
                Level::Warning => s.warnings += 1,
            }
        }
        s
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let files = plural(self.files, "file");
        if self.errors == 0 && self.warnings == 0 {
            return write!(f, "no problems found in {files}");
        }
        write!(
            f,
            "{}, {} in {files}",
            plural(self.errors, "error"),
            plural(self.warnings, "warning")
        )
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Options of the human format.
#[derive(Debug, Clone, Copy)]
pub struct HumanStyle {
    pub color: bool,
    pub width: usize,
}

/// The text with its control characters (line breaks, escapes) written as `\n`, `\u{1b}`.
fn escape_controls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// Renders every finding with source excerpts, as a person reads them.
pub fn human(diags: &[Diagnostic], sources: &SourceMap, style: HumanStyle) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(style.width)
        .with_links(false);
    let mut out = String::new();
    for d in diags {
        // miette cannot draw a label past column 65535: such a finding is shown as its line.
        let too_wide = std::iter::once(&d.primary)
            .chain(&d.secondary)
            .any(|l| sources.file_of(l.span).line_col_at(l.span.hi).1 > 60_000);
        if too_wide {
            out.push_str(&plain_line(d, sources));
            out.push('\n');
            continue;
        }
        let report = Report::build(d, sources);
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&plain_line(d, sources));
        }
        out.push('\n');
    }
    out
}

/// One line a finding: `path:line:col: error[IMP0301]: message`.
pub fn plain(diags: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = String::new();
    for d in diags {
        out.push_str(&plain_line(d, sources));
        out.push('\n');
    }
    out
}

fn plain_line(d: &Diagnostic, sources: &SourceMap) -> String {
    let file = sources.file_of(d.primary.span);
    let (line, col) = file.line_col_at(d.primary.span.lo);
    // One finding, one line: control characters from the source are shown escaped.
    let message = escape_controls(&d.message);
    let path = escape_controls(&file.path);
    format!(
        "{path}:{line}:{col}: {}[{}]: {message}",
        d.level.as_str(),
        d.code,
    )
}

#[derive(Serialize)]
struct JsonDoc<'a> {
    diagnostics: Vec<JsonDiag<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct JsonDiag<'a> {
    code: &'static str,
    level: Level,
    message: &'a str,
    #[serde(flatten)]
    location: JsonLocation<'a>,
    labels: Vec<JsonLabel<'a>>,
    help: Option<&'a str>,
    clause: Option<&'static str>,
}

#[derive(Serialize)]
struct JsonLocation<'a> {
    file: &'a str,
    start: u32,
    end: u32,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    #[serde(flatten)]
    location: JsonLocation<'a>,
    message: &'a str,
    primary: bool,
}

fn location(span: Span, sources: &SourceMap) -> JsonLocation<'_> {
    let file = sources.file_of(span);
    let (line, column) = file.line_col_at(span.lo);
    let (end_line, end_column) = file.line_col_at(span.hi);
    JsonLocation {
        file: &file.path,
        start: file.offset(span.lo) as u32,
        end: file.offset(span.hi) as u32,
        line,
        column,
        end_line,
        end_column,
    }
}

/// One JSON document with every finding of every policy, and the summary.
pub fn json(groups: &[(&SourceMap, &[Diagnostic])], summary: Summary) -> String {
    let doc = JsonDoc {
        diagnostics: groups
            .iter()
            .flat_map(|(sources, diags)| diags.iter().map(move |d| (*sources, d)))
            .map(|(sources, d)| JsonDiag {
                code: d.code.as_str(),
                level: d.level,
                message: &d.message,
                location: location(d.primary.span, sources),
                labels: std::iter::once((&d.primary, true))
                    .chain(d.secondary.iter().map(|l| (l, false)))
                    .map(|(l, primary)| JsonLabel {
                        location: location(l.span, sources),
                        message: &l.message,
                        primary,
                    })
                    .collect(),
                help: d.help.as_deref(),
                clause: d.clause,
            })
            .collect(),
        summary,
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| String::from("{}"));
    text.push('\n');
    text
}

/// A finding as miette wants it: the labels of one file, with that file's source; labels in
/// other files become related reports carrying their own source.
struct Report<'a> {
    code: &'static str,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Excerpts<'a>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report<'a>>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report")
            .field("code", &self.code)
            .field("message", &self.message)
            .finish_non_exhaustive()
    }
}

impl<'a> Report<'a> {
    fn build(d: &Diagnostic, sources: &'a SourceMap) -> Report<'a> {
        let f = sources.file_of(d.primary.span);
        let mut labels = vec![labeled(&d.primary.message, d.primary.span, f, true)];
        let mut related = Vec::new();
        for l in &d.secondary {
            let lf = sources.file_of(l.span);
            if lf.id == f.id {
                labels.push(labeled(&l.message, l.span, f, false));
            } else {
                related.push(Report {
                    code: "",
                    message: l.message.clone(),
                    severity: miette::Severity::Advice,
                    help: None,
                    source: Excerpts(lf),
                    labels: vec![labeled("", l.span, lf, true)],
                    related: Vec::new(),
                });
            }
        }
        let see = d.clause.map(|c| {
            if c.starts_with("Annex") {
                format!("see ISO/IEC TR 18044 {c}")
            } else {
                format!("see ISO/IEC TR 18044 clause {c}")
            }
        });
        let help = match (&d.help, see) {
            (Some(h), Some(c)) => Some(format!("{h}\n{c}")),
            (Some(h), None) => Some(h.clone()),
            (None, c) => c,
        };
        Report {
            code: d.code.as_str(),
            message: d.message.clone(),
            severity: match d.level {
                Level::Error => miette::Severity::Error,
                Level::Warning => miette::Severity::Warning,
            },
            help,
            source: Excerpts(f),
            labels,
            related,
        }
    }
}

fn labeled(message: &str, span: Span, file: &SourceFile, primary: bool) -> LabeledSpan {
    let label = (!message.is_empty()).then(|| message.to_string());
    let r = file.range(span);
    let range = SourceSpan::new(r.start.into(), r.end - r.start);
    if primary {
        LabeledSpan::new_primary_with_span(label, range)
    } else {
        LabeledSpan::new_with_span(label, range)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
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

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

/// A file as miette reads it for the human format: excerpts are cut with the line index, so
/// rendering a finding does not scan or copy the file, and the header's column counts
/// characters as the other formats do.
struct Excerpts<'a>(&'a SourceFile);

impl miette::SourceCode for Excerpts<'_> {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let f = self.0;
        let len = f.text.len();
        let (start, end) = (span.offset(), span.offset() + span.len());
        if end > len {
            return Err(miette::MietteError::OutOfBounds);
        }
        let first = f.line_of(start);
        let last = f.line_of(if span.is_empty() { start } else { end - 1 });
        let from = first.saturating_sub(before);
        let to = (last + after).min(f.line_count() - 1);
        // Without context lines, miette wants the span's own start (for the header).
        let data_start = if before == 0 {
            start
        } else {
            f.line_start(from)
        };
        let data_end = f.line_start(to + 1).max(data_start);
        let column = if before == 0 {
            f.column(first, start)
        } else {
            0
        };
        Ok(Box::new(miette::MietteSpanContents::new_named(
            f.path.clone(),
            &f.text.as_bytes()[data_start..data_end],
            miette::SourceSpan::new(data_start.into(), data_end - data_start),
            from,
            column,
            to + 1,
        )))
    }
}
