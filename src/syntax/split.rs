//! A small scanner that runs before pest. It
//! - cuts the text into top-level items, so that a syntax error in one declaration does not
//!   hide the others, and recovers from a missing `}` at the next unindented line;
//! - keeps every comment with its span (pest skips them);
//! - checks delimiters, string ends, control characters and nesting depth, so that pest and
//!   the tree conversion never see input that could exhaust the stack.

use super::ast::Comment;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// How deeply `{`, `[` and `(` may nest. Deeper input is refused before parsing.
pub const MAX_NESTING: usize = 64;

/// A top-level item: a byte range of the file. `parse` is false when the scanner already
/// reported an error that makes parsing it pointless.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    pub start: usize,
    pub end: usize,
    pub parse: bool,
}

#[derive(Debug, Default)]
pub struct Scan {
    pub chunks: Vec<Chunk>,
    pub comments: Vec<Comment>,
    pub diagnostics: Vec<Diagnostic>,
    /// Findings past [`MAX_FINDINGS`]: how many, and where the first was.
    dropped: usize,
    first_dropped: Option<Span>,
}

impl Scan {
    /// Keeps a finding, up to [`MAX_FINDINGS`]: a file of stray delimiters or binary junk
    /// would give one per byte, and past a hundred they say nothing new.
    fn report(&mut self, d: Diagnostic) {
        if self.diagnostics.len() < MAX_FINDINGS {
            self.diagnostics.push(d);
        } else {
            self.dropped += 1;
            self.first_dropped.get_or_insert(d.primary.span);
        }
    }
}

struct Open {
    delim: u8,
    at: usize,
}

fn same_line(bytes: &[u8], from: usize, to: usize) -> bool {
    !bytes[from..to].iter().any(|&b| b == b'\n' || b == b'\r')
}

pub fn scan(file: FileId, text: &str) -> Scan {
    let bytes = text.as_bytes();
    let mut out = Scan::default();
    let mut stack: Vec<Open> = Vec::new();
    let mut chunk_start: Option<usize> = None;
    let mut chunk_ok = true;
    let mut i = 0;
    let mut line_start = true;

    // Closes the current chunk at `end`.
    let close = |out: &mut Scan, start: &mut Option<usize>, ok: &mut bool, end: usize| {
        if let Some(s) = start.take() {
            out.chunks.push(Chunk {
                start: s,
                end,
                parse: *ok,
            });
        }
        *ok = true;
    };

    while i < bytes.len() {
        let b = bytes[i];
        let at_line_start = line_start;
        line_start = false;
        match b {
            b'\n' => {
                if stack.is_empty() {
                    close(&mut out, &mut chunk_start, &mut chunk_ok, i);
                }
                line_start = true;
                i += 1;
            }
            // A lone `\r` ends a line, as in the grammar.
            b'\r' if bytes.get(i + 1) != Some(&b'\n') => {
                if stack.is_empty() {
                    close(&mut out, &mut chunk_start, &mut chunk_ok, i);
                }
                line_start = true;
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            // A byte-order mark at the start of the file is not text.
            0xEF if i == 0 && bytes.starts_with(&[0xEF, 0xBB, 0xBF]) => i += 3,
            b'#' => {
                let end = memchr_newline(bytes, i);
                let doc = bytes.get(i + 1) == Some(&b'#');
                let body = &text[i + if doc { 2 } else { 1 }..end];
                // A control character in a comment is reported; the comment is not parsed, so
                // the item around it still is.
                if let Some(c) = control_in(bytes, i, end) {
                    out.report(control(file, text, c));
                }
                out.comments.push(Comment {
                    span: Span::new(file, i, end),
                    text: body.trim_end().to_string(),
                    doc,
                });
                i = end;
            }
            _ => {
                // An unindented word inside an open block starts a new declaration: the block
                // above it was never closed.
                if at_line_start && !stack.is_empty() && (b.is_ascii_alphabetic() || b == b'_') {
                    for open in stack.drain(..).rev() {
                        out.report(unclosed(file, open));
                    }
                    chunk_ok = false;
                    close(&mut out, &mut chunk_start, &mut chunk_ok, i);
                }
                if chunk_start.is_none() {
                    chunk_start = Some(i);
                }
                match b {
                    b';' if stack.is_empty() => {
                        close(&mut out, &mut chunk_start, &mut chunk_ok, i);
                        i += 1;
                    }
                    b'"' => {
                        let (end, ok) = string_end(bytes, i);
                        if !ok {
                            out.report(
                                Diagnostic::new(
                                    Code::UnterminatedString,
                                    Span::new(file, i, end),
                                    "unterminated string",
                                )
                                .label("this string is never closed")
                                .help("close the string with `\"` on the same line, or use `\"\"\"` for text over several lines"),
                            );
                            chunk_ok = false;
                        }
                        if let Some(c) = control_in(bytes, i, end) {
                            out.report(control(file, text, c));
                            chunk_ok = false;
                        }
                        line_start = end > i && bytes[end - 1] == b'\n';
                        i = end;
                    }
                    b'{' | b'[' | b'(' => {
                        stack.push(Open { delim: b, at: i });
                        if stack.len() > MAX_NESTING {
                            out.report(
                                Diagnostic::new(
                                    Code::NestingTooDeep,
                                    Span::new(file, i, i + 1),
                                    format!("nesting deeper than {MAX_NESTING} levels"),
                                )
                                .label("too deep")
                                .help("split the declaration or the condition into smaller ones"),
                            );
                            chunk_ok = false;
                            // Skip to the end of this item so as not to report every level.
                            let end = skip_deep(bytes, i, &mut stack);
                            i = end;
                            continue;
                        }
                        i += 1;
                    }
                    b'}' | b']' | b')' => {
                        let want = match b {
                            b'}' => b'{',
                            b']' => b'[',
                            _ => b'(',
                        };
                        // A closer that matches an opener further down means the openers above
                        // it were never closed, unless the innermost one is on this line and
                        // the match is not: then it is a wrong closer for the innermost one.
                        let top_same_line = stack.last().is_some_and(|o| same_line(bytes, o.at, i));
                        let deeper = stack.iter().rposition(|o| o.delim == want);
                        // ... and no closer for it follows on this line.
                        // (Only looked at for a mismatch, so that balanced text stays linear.)
                        let deeper_same_line = |p: usize| {
                            same_line(bytes, stack[p].at, i)
                                && !bytes[i + 1..memchr_newline(bytes, i).min(i + 256)].contains(&b)
                        };
                        if stack.last().is_some_and(|o| o.delim == want) {
                            stack.pop();
                        } else if let Some(pos) =
                            deeper.filter(|&p| !top_same_line || deeper_same_line(p))
                        {
                            // Openers above the match were never closed: report each at its
                            // opening, and let this delimiter close its own.
                            for open in stack.drain(pos + 1..).rev() {
                                out.report(unclosed(file, open));
                                chunk_ok = false;
                            }
                            stack.pop();
                        } else if let Some(open) = stack.last() {
                            let open_span = Span::new(file, open.at, open.at + 1);
                            out.report(
                                Diagnostic::new(
                                    Code::UnmatchedDelimiter,
                                    Span::new(file, i, i + 1),
                                    format!(
                                        "`{}` does not close `{}`",
                                        b as char, open.delim as char
                                    ),
                                )
                                .label("unexpected closing delimiter")
                                .with_secondary(open_span, "the open delimiter")
                                .help(format!(
                                    "close `{}` with `{}`, or remove this `{}`",
                                    open.delim as char,
                                    closer(open.delim),
                                    b as char
                                )),
                            );
                            // Take it as the closer the author meant.
                            stack.pop();
                            chunk_ok = false;
                        } else {
                            out.report(
                                Diagnostic::new(
                                    Code::UnmatchedDelimiter,
                                    Span::new(file, i, i + 1),
                                    format!("unmatched `{}`", b as char),
                                )
                                .label("nothing to close here")
                                .help("remove it, or add the opening delimiter it belongs to"),
                            );
                            chunk_ok = false;
                        }
                        i += 1;
                    }
                    _ if is_control(b) => {
                        out.report(control(file, text, i));
                        chunk_ok = false;
                        i += 1;
                    }
                    _ => i += 1,
                }
            }
        }
    }
    for open in stack.drain(..).rev() {
        out.report(unclosed(file, open));
        chunk_ok = false;
    }
    close(&mut out, &mut chunk_start, &mut chunk_ok, bytes.len());
    if let Some(span) = out.first_dropped {
        let dropped = out.dropped;
        out.diagnostics.push(
            Diagnostic::new(
                Code::SyntaxError,
                span,
                format!("{dropped} more delimiter and character errors in this file are not shown"),
            )
            .label("the first of them")
            .help("fix the ones above and check again; is this the file you meant?"),
        );
    }
    out
}

/// How many delimiter and character findings the scanner reports in one file.
pub const MAX_FINDINGS: usize = 100;

fn closer(open: u8) -> char {
    match open {
        b'{' => '}',
        b'[' => ']',
        _ => ')',
    }
}

fn unclosed(file: FileId, open: Open) -> Diagnostic {
    Diagnostic::new(
        Code::UnclosedDelimiter,
        Span::new(file, open.at, open.at + 1),
        format!("`{}` is never closed", open.delim as char),
    )
    .label("opened here")
    .help(format!(
        "add `{}` at the end; an unindented line that starts with a word begins the next declaration",
        closer(open.delim)
    ))
}

fn is_control(b: u8) -> bool {
    (b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r') || b == 0x7f
}

fn control_in(bytes: &[u8], start: usize, end: usize) -> Option<usize> {
    (start..end).find(|&j| is_control(bytes[j]))
}

fn control(file: FileId, text: &str, at: usize) -> Diagnostic {
    let b = text.as_bytes()[at];
    let name = if b == 0 {
        "a NUL byte".to_string()
    } else {
        format!("control character U+{b:04X}")
    };
    Diagnostic::new(
        Code::ControlCharacter,
        Span::new(file, at, at + 1),
        format!("{name} in the source"),
    )
    .label("here")
    .help("policy files are plain text: remove the character, or check that this is the file you meant")
}

fn memchr_newline(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map_or(bytes.len(), |p| from + p)
}

/// The end of a string starting at `start` (a `"`), and whether it was closed.
/// A one-line string ends at the line's end if unclosed; a `"""` block may span lines.
fn string_end(bytes: &[u8], start: usize) -> (usize, bool) {
    if bytes[start..].starts_with(b"\"\"\"") {
        let mut j = start + 3;
        while j < bytes.len() {
            if bytes[j..].starts_with(b"\"\"\"") {
                return (j + 3, true);
            }
            j += 1;
        }
        return (bytes.len(), false);
    }
    let mut j = start + 1;
    while j < bytes.len() {
        match bytes[j] {
            b'\\' => j += 2,
            b'"' => return (j + 1, true),
            b'\n' | b'\r' => return (j, false),
            _ => j += 1,
        }
    }
    (bytes.len().min(j), false)
}

/// Skips the rest of an item that nests too deeply: to where its delimiters balance again,
/// or to the end of the file.
fn skip_deep(bytes: &[u8], from: usize, stack: &mut Vec<Open>) -> usize {
    let mut depth = stack.len();
    let mut j = from + 1;
    while j < bytes.len() && depth > 0 {
        match bytes[j] {
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => depth -= 1,
            b'"' => {
                j = string_end(bytes, j).0;
                continue;
            }
            b'#' => {
                j = memchr_newline(bytes, j);
                continue;
            }
            _ => {}
        }
        j += 1;
    }
    stack.clear();
    j
}
