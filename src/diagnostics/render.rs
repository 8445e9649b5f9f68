//! Rendering of diagnostics: human (miette), plain (one line each), JSON and SARIF
//! ([`sarif`]).
//! This is the only module that knows how a finding looks on screen.
//!
//! No format lets a character of a policy (or of a path) drive the terminal: the human format
//! shows control characters and bidirectional controls of source lines as visible stand-ins
//! ([`excerpt::stand_in`]) and escapes them in messages, labels and help ([`escape_controls`]);
//! the plain format escapes them; the JSON format writes them as `\uXXXX` escapes. The human
//! output of one finding is bounded whatever the input: excerpts are clipped (see
//! [`excerpt`]), long texts are cut and at most [`MAX_SHOWN_LABELS`] labels are drawn.

mod excerpt;
pub mod sarif;

use std::fmt;
use std::fmt::Write as _;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};
use serde::Serialize;

use super::{Code, Diagnostic, Level};
use crate::source::{SourceFile, SourceMap, Span};

pub use excerpt::{is_bidi_control, is_unsafe};

/// The most labels the human format draws for one finding; it says how many more there are.
pub const MAX_SHOWN_LABELS: usize = 8;
/// The most characters of a message, label or help the human format shows; a longer one keeps
/// its start and end, with `…` between.
pub const MAX_TEXT_CHARS: usize = 300;

/// Counts of a run, for the summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub errors: usize,
    pub warnings: usize,
    pub files: usize,
    /// Findings that silences in the policy silenced: not shown, not counted as errors or
    /// warnings.
    pub silenced: usize,
}

impl Summary {
    pub fn of<'a>(diags: impl IntoIterator<Item = &'a Diagnostic>, files: usize) -> Summary {
        let mut s = Summary {
            files,
            ..Summary::default()
        };
        // The finding that says how many are not shown is not one of them.
        for d in diags
            .into_iter()
            .filter(|d| d.code != Code::FindingsNotShown)
        {
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
            write!(f, "no problems found in {files}")?;
        } else {
            write!(
                f,
                "{}, {} in {files}",
                plural(self.errors, "error"),
                plural(self.warnings, "warning")
            )?;
        }
        if self.silenced > 0 {
            write!(f, " ({} silenced)", self.silenced)?;
        }
        Ok(())
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

/// The text with its control characters (line breaks, escapes) and bidirectional controls
/// written as Rust escapes: `\n`, `\t`, `\u{1b}`, `\u{202e}`.
pub fn escape_controls(text: &str) -> String {
    escape(text, false)
}

fn escape(text: &str, keep_newlines: bool) -> String {
    if !text.chars().any(is_unsafe) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_unsafe(c) && !(keep_newlines && c == '\n') {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// A message, label or help as the human format shows it: escaped (line breaks kept only if
/// asked) and at most [`MAX_TEXT_CHARS`] characters.
fn human_text(text: &str, keep_newlines: bool) -> String {
    let text = escape(text, keep_newlines);
    let count = text.chars().count();
    if count <= MAX_TEXT_CHARS {
        return text;
    }
    let tail = MAX_TEXT_CHARS / 5;
    let head: String = text.chars().take(MAX_TEXT_CHARS - tail - 1).collect();
    let end: String = text.chars().skip(count - tail).collect();
    format!("{head}\u{2026}{end}")
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
        .with_links(false)
        .with_context_lines(excerpt::CONTEXT_LINES);
    let mut out = String::new();
    for d in diags {
        // Excerpt lines are clipped, so no label is drawn past column 65535 (where miette's
        // padding would panic), however long the line.
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

/// The version of the JSON format, its `format_version`: raised when a field changes meaning
/// or goes away (adding a field does not raise it). docs/json-schema.json describes it.
pub const JSON_FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct JsonDoc<'a> {
    format_version: u32,
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
    /// The place's number on the evidence path, from 1; absent for a label off the path.
    #[serde(skip_serializing_if = "Option::is_none")]
    step: Option<usize>,
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
        format_version: JSON_FORMAT_VERSION,
        diagnostics: groups
            .iter()
            .flat_map(|(sources, diags)| diags.iter().map(move |d| (*sources, d)))
            .map(|(sources, d)| JsonDiag {
                code: d.code.as_str(),
                level: d.level,
                message: &d.message,
                location: location(d.primary.span, sources),
                labels: std::iter::once((None, &d.primary, true))
                    .chain(d.labels().map(|(step, l)| (step, l, false)))
                    .map(|(step, l, primary)| JsonLabel {
                        location: location(l.span, sources),
                        message: &l.message,
                        primary,
                        step,
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
    escape_json(text)
}

/// The JSON text with DEL, C1 controls and bidirectional controls written as `\uXXXX`
/// escapes (serde_json escapes C0 controls itself). They can only stand in strings, where the
/// escape is the same value; all of them are in the Basic Multilingual Plane.
fn escape_json(text: String) -> String {
    if !text.chars().any(is_unsafe) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        // The document's own line breaks stay; every other such character is in a string.
        if is_unsafe(c) && c != '\n' {
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push(c);
        }
    }
    out
}

/// A finding as miette wants it: the labels of one file, with that file's source; labels in
/// other files become related reports carrying their own source.
struct Report {
    code: &'static str,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: excerpt::Excerpts,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Report")
            .field("code", &self.code)
            .field("message", &self.message)
            .finish_non_exhaustive()
    }
}

impl Report {
    fn build(d: &Diagnostic, sources: &SourceMap) -> Report {
        let f = sources.file_of(d.primary.span);
        let all = d.secondary.len() + d.flow.len();
        let shown = all.min(MAX_SHOWN_LABELS - 1);
        // The steps of a path are numbered, so that the order of travel shows.
        let texts: Vec<std::borrow::Cow<'_, str>> = d
            .labels()
            .take(shown)
            .map(|(step, l)| match step {
                Some(n) if !l.message.is_empty() => format!("{n}. {}", l.message).into(),
                Some(n) => format!("{n}.").into(),
                None => l.message.as_ref().into(),
            })
            .collect();
        let mut here = vec![(d.primary.span, d.primary.message.as_ref(), true)];
        let mut related = Vec::new();
        for ((_, l), text) in d.labels().zip(&texts) {
            let lf = sources.file_of(l.span);
            if lf.id == f.id {
                here.push((l.span, text.as_ref(), false));
            } else {
                let (source, labels) = excerpts(lf, &[(l.span, "", true)]);
                related.push(Report {
                    code: "",
                    message: human_text(text, false),
                    severity: miette::Severity::Advice,
                    help: None,
                    source,
                    labels,
                    related: Vec::new(),
                });
            }
        }
        let (source, labels) = excerpts(f, &here);
        let see = d.clause.map(|c| {
            if c.starts_with("Annex") {
                format!("see ISO/IEC TR 18044 {c}")
            } else if c.starts_with(|ch: char| ch.is_ascii_digit()) {
                format!("see ISO/IEC TR 18044 clause {c}")
            } else {
                // Another text's article, as written: `GDPR art. 33`.
                format!("see {c}")
            }
        });
        let more = (all > shown).then(|| {
            format!(
                "{} more labelled places are not shown (`--format json` lists them all)",
                all - shown
            )
        });
        let help = [d.help.as_deref().map(|h| human_text(h, true)), see, more]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>();
        Report {
            code: d.code.as_str(),
            message: human_text(&d.message, false),
            severity: match d.level {
                Level::Error => miette::Severity::Error,
                Level::Warning => miette::Severity::Warning,
            },
            help: (!help.is_empty()).then(|| help.join("\n")),
            source,
            labels,
            related,
        }
    }
}

/// The excerpts of a file for labels of it (span, message, whether it is the primary one),
/// and the labels as miette draws them there.
fn excerpts(
    file: &SourceFile,
    labels: &[(Span, &str, bool)],
) -> (excerpt::Excerpts, Vec<LabeledSpan>) {
    let ranges: Vec<_> = labels.iter().map(|l| file.range(l.0)).collect();
    let (source, placed) = excerpt::Excerpts::new(file, escape_controls(&file.path), &ranges);
    let spans = labels
        .iter()
        .zip(placed)
        .map(|(&(_, message, primary), placed)| {
            let mut text = human_text(message, false);
            if let Some((line, col)) = placed.cut_to {
                if !text.is_empty() {
                    text.push(' ');
                }
                let _ = write!(text, "(continues to line {line}, column {col})");
            }
            let text = (!text.is_empty()).then_some(text);
            if primary {
                LabeledSpan::new_primary_with_span(text, placed.span)
            } else {
                LabeledSpan::new_with_span(text, placed.span)
            }
        })
        .collect();
    (source, spans)
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;

    #[test]
    fn the_steps_of_a_path_are_numbered_in_human_output_and_in_json() {
        let text = "role a \"A\" {}\nrole b \"B\" {}\n";
        let a =
            crate::check::check_sources(&[("p.imp", text)], crate::check::Options::reading_only());
        let base = a.sources.files().next().expect("one file").base;
        let span = |lo: u32, hi: u32| Span {
            lo: base + lo,
            hi: base + hi,
        };
        let d = Diagnostic::new(Code::EscalationTooSlow, span(5, 6), "slow")
            .label("the level")
            .step(span(5, 6), "`a` at 0m")
            .step(span(20, 21), "`b` after 30m");
        let style = HumanStyle {
            color: false,
            width: 100,
        };
        let out = human(std::slice::from_ref(&d), &a.sources, style);
        assert!(out.contains("1. `a` at 0m"), "{out}");
        assert!(out.contains("2. `b` after 30m"), "{out}");
        let json = json(&[(&a.sources, &[d])], Summary::of([], 1));
        let v: serde_json::Value = serde_json::from_str(&json).expect("JSON");
        let labels = v["diagnostics"][0]["labels"].as_array().expect("labels");
        assert_eq!(labels.len(), 3);
        assert!(labels[0].get("step").is_none());
        assert_eq!(labels[1]["step"], 1);
        assert_eq!(labels[2]["step"], 2);
        assert_eq!(labels[2]["line"], 2);
    }
}
