//! A scanner that runs before pest, in one linear pass over a file. It
//! - cuts the text into top-level items, so that items parse on their own (and in parallel);
//! - keeps every comment with its span (pest skips them), and the runs of `##` lines;
//! - checks delimiters, string ends, control and bidirectional characters and the nesting
//!   depth, so that pest and the tree builder never see input that could exhaust the stack;
//! - *repairs* what it reports, so that the rest of the item still parses: a missing closer
//!   is supplied, a wrong one replaced, a stray one or a control character blanked, an
//!   unterminated string closed at the end of its line.
//!
//! A missing `}` is looked for with the indentation, but only in an item whose delimiters do
//! not balance: a balanced item is never second-guessed. In such an item, a line indented no
//! deeper than the line that opened a block (or a closer indented less) ends that block.

use std::borrow::Cow;

use memchr::{memchr, memchr2, memchr3};

use super::tree::Comment;
use crate::diagnostics::{Code, Diagnostic, Level};
use crate::source::{SourceFile, Span};

/// How deeply `{`, `[` and `(` may nest. Deeper input is refused before parsing.
pub const MAX_NESTING: usize = 64;

/// How many delimiter and character findings the scanner reports in one file.
pub const MAX_FINDINGS: usize = 100;

/// A change to an item's text before it is parsed: `remove` bytes at `at` (an offset in the
/// file) are replaced by `insert`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repair {
    pub at: usize,
    pub remove: usize,
    pub insert: Cow<'static, str>,
    /// The removed text is blanked out and belongs to no token (a stray `}`, a control
    /// character outside strings): the tree keeps it as skipped.
    pub skip: bool,
}

impl Repair {
    fn new(at: usize, remove: usize, insert: &'static str) -> Repair {
        Repair {
            at,
            remove,
            insert: Cow::Borrowed(insert),
            skip: false,
        }
    }

    fn blank(at: usize, remove: usize) -> Repair {
        Repair {
            at,
            remove,
            insert: Cow::Borrowed(if remove == 1 { " " } else { "  " }),
            skip: true,
        }
    }
}

/// A top-level item: a byte range of the file, and the repairs to make before parsing it.
/// `parse` is false when the scanner reported an error that makes parsing it pointless
/// (nesting too deep, an unterminated text block).
#[derive(Debug, Clone, Default)]
pub struct Cut {
    pub start: usize,
    pub end: usize,
    pub repairs: Vec<Repair>,
    pub parse: bool,
}

#[derive(Debug, Default)]
pub struct Scan {
    pub items: Vec<Cut>,
    pub comments: Vec<Comment>,
    /// Runs of `##` lines alone on their lines: (0-based line of the last, span of the run).
    pub docs: Vec<(u32, Span)>,
    /// The `;` between top-level items.
    pub semis: Vec<Span>,
    pub diagnostics: Vec<Diagnostic>,
    /// Findings past the cap of [`MAX_FINDINGS`], not made: where the first was, and how
    /// many errors and warnings. The pipeline counts them in its per-file summary.
    pub dropped: Option<Dropped>,
}

/// Findings a stage did not make, past its cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dropped {
    pub first: Span,
    pub errors: usize,
    pub warnings: usize,
}

#[derive(Debug, Clone, Copy)]
struct Open {
    delim: u8,
    at: usize,
    line: u32,
    /// Indentation (bytes of blanks) of the line the opener is on.
    indent: usize,
}

/// Findings and repairs of the item being scanned, in two buckets: the delimiter ones are
/// worked out again, with the indentation, when the item's delimiters do not balance.
#[derive(Default)]
struct ItemOut {
    diags: Vec<Diagnostic>,
    repairs: Vec<Repair>,
    delim_diags: Vec<Diagnostic>,
    delim_repairs: Vec<Repair>,
    /// Some opener was found unclosed: the item is scanned again with the indentation.
    unclosed: bool,
    parse: bool,
}

struct Scanner<'a> {
    file: &'a SourceFile,
    bytes: &'a [u8],
    out: Scan,
    reported: usize,
}

/// Scans a file.
pub fn scan(file: &SourceFile) -> Scan {
    let mut s = Scanner {
        file,
        bytes: file.text.as_bytes(),
        out: Scan::default(),
        reported: 0,
    };
    s.run();
    s.finish()
}

fn closer(open: u8) -> u8 {
    match open {
        b'{' => b'}',
        b'[' => b']',
        _ => b')',
    }
}

fn closer_str(open: u8) -> &'static str {
    match open {
        b'{' => "}",
        b'[' => "]",
        _ => ")",
    }
}

fn opener_of(close: u8) -> u8 {
    match close {
        b'}' => b'{',
        b']' => b'[',
        _ => b'(',
    }
}

fn is_control(b: u8) -> bool {
    (b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r') || b == 0x7f
}

/// Bytes the main loop must look at; others are skipped in runs.
const fn special_table() -> [bool; 256] {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[0x7f] = true;
    let list = b" \t#\"';{}[]()\xc2\xe2";
    let mut i = 0;
    while i < list.len() {
        t[list[i] as usize] = true;
        i += 1;
    }
    t
}
static SPECIAL: [bool; 256] = special_table();

impl Scanner<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        self.file.span_of(start, end)
    }

    /// Whether another finding may be reported (the cap of [`MAX_FINDINGS`]).
    fn room(&mut self, d: &Diagnostic) -> bool {
        if self.reported < MAX_FINDINGS {
            self.reported += 1;
            return true;
        }
        let dropped = self.out.dropped.get_or_insert(Dropped {
            first: d.primary.span,
            errors: 0,
            warnings: 0,
        });
        match d.level {
            Level::Error => dropped.errors += 1,
            Level::Warning => dropped.warnings += 1,
        }
        false
    }

    fn report(&mut self, item: &mut ItemOut, d: Diagnostic) {
        if self.room(&d) {
            item.diags.push(d);
        }
    }

    fn run(&mut self) {
        let bytes = self.bytes;
        let len = bytes.len();
        let mut i = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
            3
        } else {
            0
        };
        let mut line: u32 = 0;
        let mut line_start = 0usize;
        let mut at_line_start = true;
        let mut indent = 0usize;
        let mut stack: Vec<Open> = Vec::new();
        let mut item_start: Option<usize> = None;
        let mut item = ItemOut {
            parse: true,
            ..ItemOut::default()
        };
        // The current run of `##` lines: (first comment's start, last line, end).
        let mut doc_run: Option<(usize, u32, usize)> = None;

        while i < len {
            let b = bytes[i];
            match b {
                b'\n' | b'\r' => {
                    let next = if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                        i + 2
                    } else {
                        i + 1
                    };
                    if stack.is_empty() {
                        self.close(&mut item_start, &mut item, &mut stack, i);
                    }
                    line += 1;
                    line_start = next;
                    at_line_start = true;
                    i = next;
                }
                b' ' | b'\t' => i += 1,
                b'#' => {
                    let end = memchr2(b'\n', b'\r', &bytes[i..]).map_or(len, |p| i + p);
                    let doc = bytes.get(i + 1) == Some(&b'#');
                    self.check_chars(&mut item, i, end, false);
                    self.out.comments.push(Comment {
                        span: self.span(i, end),
                        doc,
                    });
                    if at_line_start && !doc {
                        self.flush_doc(doc_run.take());
                    }
                    if doc && at_line_start {
                        doc_run = match doc_run {
                            Some((first, last, _)) if last + 1 == line => Some((first, line, end)),
                            _ => {
                                self.flush_doc(doc_run);
                                Some((i, line, end))
                            }
                        };
                    }
                    i = end;
                }
                _ => {
                    if at_line_start {
                        at_line_start = false;
                        indent = i - line_start;
                        // A line that is not a `##` line ends a run of them.
                        if doc_run.is_some_and(|(_, last, _)| last != line) {
                            self.flush_doc(doc_run.take());
                        }
                        // An unindented word inside an open block starts a new declaration:
                        // the block above it was never closed.
                        if indent == 0
                            && !stack.is_empty()
                            && (b.is_ascii_alphabetic() || b == b'_')
                        {
                            item.unclosed = true;
                            self.close(&mut item_start, &mut item, &mut stack, i);
                        }
                    }
                    if item_start.is_none() {
                        item_start = Some(i);
                    }
                    match b {
                        b';' if stack.is_empty() => {
                            self.close(&mut item_start, &mut item, &mut stack, i);
                            self.out.semis.push(self.span(i, i + 1));
                            i += 1;
                        }
                        b'"' => i = self.string(&mut item, i),
                        b'\'' | 0xE2 | 0xC2
                            if (i == 0 || !atom_byte(bytes[i - 1]))
                                && other_quoted_end(bytes, i).is_some() =>
                        {
                            let end = other_quoted_end(bytes, i).unwrap_or(i + 1);
                            self.check_chars(&mut item, i, end, true);
                            i = end;
                        }
                        b'{' if placeholder_end(bytes, i).is_some() => {
                            i = placeholder_end(bytes, i).unwrap_or(i + 1);
                        }
                        b'{' | b'[' | b'(' => {
                            stack.push(Open {
                                delim: b,
                                at: i,
                                line,
                                indent,
                            });
                            if stack.len() > MAX_NESTING {
                                let d = Diagnostic::new(
                                    Code::NestingTooDeep,
                                    self.span(i, i + 1),
                                    format!("nesting deeper than {MAX_NESTING} levels"),
                                )
                                .label("too deep")
                                .help("split the declaration or the condition into smaller ones");
                                self.report(&mut item, d);
                                item.parse = false;
                                i = skip_deep(bytes, i, stack.len());
                                stack.clear();
                                continue;
                            }
                            i += 1;
                        }
                        b'}' | b']' | b')' => {
                            self.close_delim(&mut item, &mut stack, i, line);
                            i += 1;
                        }
                        _ if is_control(b) => {
                            self.control(&mut item, i, 1);
                            i += 1;
                        }
                        0xC2 | 0xE2 => {
                            let n = self.special_char(&mut item, i);
                            i += n;
                        }
                        _ => {
                            i += 1;
                            while i < len && !SPECIAL[bytes[i] as usize] {
                                i += 1;
                            }
                        }
                    }
                }
            }
        }
        self.flush_doc(doc_run);
        if !stack.is_empty() {
            item.unclosed = true;
        }
        self.close(&mut item_start, &mut item, &mut stack, len);
    }

    fn flush_doc(&mut self, run: Option<(usize, u32, usize)>) {
        if let Some((first, last, end)) = run {
            self.out.docs.push((last, self.span(first, end)));
        }
    }

    /// Ends the current item at `end`.
    fn close(
        &mut self,
        start: &mut Option<usize>,
        item: &mut ItemOut,
        stack: &mut Vec<Open>,
        end: usize,
    ) {
        let mut done = std::mem::replace(
            item,
            ItemOut {
                parse: true,
                ..ItemOut::default()
            },
        );
        stack.clear();
        let Some(s) = start.take() else {
            self.out.diagnostics.append(&mut done.diags);
            return;
        };
        if done.unclosed && done.parse {
            // Work the delimiters out again, with the indentation.
            let (diags, repairs) = self.indented(s, end);
            done.delim_diags = diags;
            done.delim_repairs = repairs;
        }
        self.out.diagnostics.append(&mut done.diags);
        for d in done.delim_diags {
            if self.room(&d) {
                self.out.diagnostics.push(d);
            }
        }
        let mut repairs = done.repairs;
        repairs.append(&mut done.delim_repairs);
        repairs.sort_by_key(|r| (r.at, r.remove));
        self.out.items.push(Cut {
            start: s,
            end,
            repairs,
            parse: done.parse,
        });
    }

    /// A closing delimiter in the first pass.
    fn close_delim(&mut self, item: &mut ItemOut, stack: &mut Vec<Open>, i: usize, line: u32) {
        match classify(self.bytes, stack, i, line) {
            Closer::Matches => {
                stack.pop();
            }
            Closer::ClosesDeeper(pos) => {
                // The openers above the match were never closed: the item is worked out
                // again with the indentation, which says where.
                item.unclosed = true;
                stack.truncate(pos);
            }
            Closer::Wrong => {
                if let Some(open) = stack.pop() {
                    item.delim_diags.push(self.wrong_closer(open, i));
                    item.delim_repairs
                        .push(Repair::new(i, 1, closer_str(open.delim)));
                }
            }
            Closer::Stray => {
                item.delim_diags.push(self.stray(i));
                item.delim_repairs.push(Repair::blank(i, 1));
            }
        }
    }

    fn wrong_closer(&self, open: Open, i: usize) -> Diagnostic {
        let b = self.bytes[i] as char;
        let o = open.delim as char;
        Diagnostic::new(
            Code::UnmatchedDelimiter,
            self.span(i, i + 1),
            format!("`{b}` does not close `{o}`"),
        )
        .label("unexpected closing delimiter")
        .with_secondary(self.span(open.at, open.at + 1), "the open delimiter")
        .help(format!(
            "close `{o}` with `{}`, or remove this `{b}`",
            closer(open.delim) as char
        ))
    }

    fn stray(&self, i: usize) -> Diagnostic {
        Diagnostic::new(
            Code::UnmatchedDelimiter,
            self.span(i, i + 1),
            format!("unmatched `{}`", self.bytes[i] as char),
        )
        .label("nothing to close here")
        .help("remove it, or add the opening delimiter it belongs to")
    }

    /// The delimiters of an item whose delimiters do not balance, worked out with the
    /// indentation: its delimiter findings and repairs.
    fn indented(&mut self, start: usize, end: usize) -> (Vec<Diagnostic>, Vec<Repair>) {
        let bytes = &self.bytes[..end];
        let mut diags = Vec::new();
        let mut repairs = Vec::new();
        let mut stack: Vec<Open> = Vec::new();
        let line_of = |p: usize| self.file.line_of(p) as u32;
        let mut i = start;
        let mut line = line_of(start);
        let mut line_start = self.file.line_start(line as usize);
        let mut at_line_start = start == line_start
            || bytes[line_start..start]
                .iter()
                .all(|&b| b == b' ' || b == b'\t');
        let mut indent = 0usize;
        // The end of the last token (not a blank, not a comment): whether the line before
        // goes on into this one.
        let mut last_token = start;
        let unclosed = |s: &Self, open: Open, help: String, at: Option<(usize, usize)>| {
            let mut d = Diagnostic::new(
                Code::UnclosedDelimiter,
                s.span(open.at, open.at + 1),
                format!("`{}` is never closed", open.delim as char),
            )
            .label("opened here")
            .help(help);
            if let Some((a, b)) = at {
                d = d.with_secondary(s.span(a, b), "not inside it, by its indentation");
            }
            d
        };
        while i < end {
            let b = bytes[i];
            match b {
                b'\n' | b'\r' => {
                    let next = if b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
                        i + 2
                    } else {
                        i + 1
                    };
                    line += 1;
                    line_start = next;
                    at_line_start = true;
                    i = next;
                }
                b' ' | b'\t' => i += 1,
                b'#' => i = memchr2(b'\n', b'\r', &bytes[i..]).map_or(end, |p| i + p),
                _ => {
                    if at_line_start {
                        at_line_start = false;
                        indent = i - line_start;
                        let is_closer = matches!(b, b'}' | b']' | b')');
                        let goes_on =
                            goes_on(&bytes[start..last_token]) || goes_on_from(&bytes[i..]);
                        // A line indented no deeper than the line that opened a block ends
                        // it (a closer only when indented less); a list or parentheses end
                        // at a line indented less, or as deep unless the line before goes on
                        // (`,`, an opener, `and`, `or`, `not`) or this one does (`and`, `or`).
                        while let Some(&top) = stack.last() {
                            let ends = top.line < line
                                && if is_closer {
                                    top.indent > indent
                                } else if top.delim == b'{' {
                                    top.indent >= indent
                                } else {
                                    top.indent > indent || (top.indent == indent && !goes_on)
                                };
                            if !ends {
                                break;
                            }
                            stack.pop();
                            let word_end = bytes[i..]
                                .iter()
                                .position(|&c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
                                .map_or(end, |p| i + p)
                                .max(i + 1);
                            let c = closer_str(top.delim);
                            diags.push(unclosed(
                                self,
                                top,
                                format!(
                                    "add `{c}` before line {}: that line is indented no deeper than the line that opens this `{}`",
                                    line + 1,
                                    top.delim as char
                                ),
                                Some((i, word_end)),
                            ));
                            let insert = match top.delim {
                                b'{' => "}\n",
                                b'[' => "]\n",
                                _ => ")\n",
                            };
                            repairs.push(Repair::new(line_start, 0, insert));
                        }
                    }
                    match b {
                        b'"' => {
                            let (e, closed) = if bytes[i..].starts_with(b"\"\"\"") {
                                text_block_end(bytes, i)
                            } else {
                                string_end(bytes, i)
                            };
                            let _ = closed;
                            i = e.max(i + 1);
                        }
                        b'{' if placeholder_end(bytes, i).is_some() => {
                            i = placeholder_end(bytes, i).unwrap_or(i + 1);
                        }
                        b'{' | b'[' | b'(' => {
                            stack.push(Open {
                                delim: b,
                                at: i,
                                line,
                                indent,
                            });
                            i += 1;
                        }
                        b'}' | b']' | b')' => {
                            match classify(bytes, &stack, i, line) {
                                Closer::Matches => {
                                    stack.pop();
                                }
                                Closer::ClosesDeeper(pos) => {
                                    for open in stack.drain(pos + 1..).rev() {
                                        let c = closer_str(open.delim);
                                        diags.push(unclosed(
                                            self,
                                            open,
                                            format!("add `{c}` before this `{}`", b as char),
                                            None,
                                        ));
                                        repairs.push(Repair::new(i, 0, c));
                                    }
                                    stack.pop();
                                }
                                Closer::Wrong => {
                                    if let Some(open) = stack.pop() {
                                        diags.push(self.wrong_closer(open, i));
                                        repairs.push(Repair::new(i, 1, closer_str(open.delim)));
                                    }
                                }
                                Closer::Stray => {
                                    diags.push(self.stray(i));
                                    repairs.push(Repair::blank(i, 1));
                                }
                            }
                            i += 1;
                        }
                        _ => i += 1,
                    }
                    last_token = i;
                }
            }
        }
        // What is still open closes at the end of the item.
        if !stack.is_empty() {
            let mut insert = String::from("\n");
            for open in stack.iter().rev() {
                insert.push_str(closer_str(open.delim));
            }
            // Where the next declaration begins, if one does.
            let next = self.bytes[end..]
                .iter()
                .position(|b| !b.is_ascii_whitespace())
                .map(|p| self.file.line_of(end + p) + 1);
            for open in stack.drain(..).rev() {
                let c = closer_str(open.delim);
                let help = match next {
                    Some(line) => format!(
                        "add `{c}` before line {line}: an unindented line that starts with a word begins the next declaration"
                    ),
                    None => format!("add `{c}` at the end of the file"),
                };
                diags.push(unclosed(self, open, help, None));
            }
            repairs.push(Repair {
                at: end,
                remove: 0,
                insert: Cow::Owned(insert),
                skip: false,
            });
        }
        (diags, repairs)
    }

    /// A string or text block starting at `i`; returns where it ends.
    fn string(&mut self, item: &mut ItemOut, i: usize) -> usize {
        let bytes = self.bytes;
        if bytes[i..].starts_with(b"\"\"\"") {
            let (end, closed) = text_block_end(bytes, i);
            self.check_chars(item, i, end, true);
            if !closed {
                let d = Diagnostic::new(
                    Code::UnterminatedString,
                    self.span(i, i + 3),
                    "unterminated text block",
                )
                .label("this text block is never closed")
                .help("close the text block with `\"\"\"`");
                self.report(item, d);
                item.parse = false;
            }
            return end;
        }
        let (end, closed) = string_end(bytes, i);
        self.check_chars(item, i, end, true);
        if !closed {
            let d = Diagnostic::new(
                Code::UnterminatedString,
                self.span(i, end),
                "unterminated string",
            )
            .label("this string is never closed")
            .help(
                "close the string with `\"` on the same line, or use `\"\"\"` for text over several lines",
            );
            self.report(item, d);
            // Close it at the end of its line; a backslash there would escape the quote.
            let backslashes = bytes[i + 1..end]
                .iter()
                .rev()
                .take_while(|&&c| c == b'\\')
                .count();
            if backslashes % 2 == 1 {
                item.repairs.push(Repair::new(end - 1, 1, " "));
            }
            item.repairs.push(Repair::new(end, 0, "\""));
        }
        end
    }

    /// Control and bidirectional characters in `[start, end)` (a comment or a string).
    fn check_chars(&mut self, item: &mut ItemOut, start: usize, end: usize, repair: bool) {
        let bytes = self.bytes;
        let mut j = start;
        while j < end {
            let b = bytes[j];
            if is_control(b) {
                self.control_at(item, j, 1, repair, true);
                j += 1;
            } else if b == 0xC2 || b == 0xE2 {
                let n = self.special_char_at(item, j, repair, true);
                j += n;
            } else {
                j += 1;
            }
        }
    }

    fn control(&mut self, item: &mut ItemOut, at: usize, len: usize) {
        self.control_at(item, at, len, true, false);
    }

    fn control_at(
        &mut self,
        item: &mut ItemOut,
        at: usize,
        len: usize,
        repair: bool,
        inside: bool,
    ) {
        let c = self.file.text[at..].chars().next().unwrap_or('\0');
        let name = if c == '\0' {
            "a NUL byte".to_string()
        } else {
            format!("control character U+{:04X}", c as u32)
        };
        let d = Diagnostic::new(
            Code::ControlCharacter,
            self.span(at, at + len),
            format!("{name} in the source"),
        )
        .label("here")
        .help("policy files are plain text: remove the character, or check that this is the file you meant");
        self.report(item, d);
        if repair {
            let mut r = Repair::blank(at, len);
            // Inside a string or a comment, the character is part of that token.
            r.skip = !inside;
            item.repairs.push(r);
        }
    }

    /// A character starting with 0xC2 or 0xE2 outside strings and comments: C1 controls and
    /// bidirectional controls. Returns its length.
    fn special_char(&mut self, item: &mut ItemOut, at: usize) -> usize {
        self.special_char_at(item, at, true, false)
    }

    fn special_char_at(
        &mut self,
        item: &mut ItemOut,
        at: usize,
        repair: bool,
        inside: bool,
    ) -> usize {
        let bytes = self.bytes;
        match (bytes[at], bytes.get(at + 1), bytes.get(at + 2)) {
            (0xC2, Some(&c), _) if (0x80..=0x9F).contains(&c) => {
                self.control_at(item, at, 2, repair, inside);
                2
            }
            (0xE2, Some(&0x80), Some(&c)) if (0xAA..=0xAE).contains(&c) => {
                self.bidi(item, at);
                3
            }
            (0xE2, Some(&0x81), Some(&c)) if (0xA6..=0xA9).contains(&c) => {
                self.bidi(item, at);
                3
            }
            _ => 1,
        }
    }

    fn bidi(&mut self, item: &mut ItemOut, at: usize) {
        let c = self.file.text[at..].chars().next().unwrap_or('\0');
        let d = Diagnostic::new(
            Code::BidiControl,
            self.span(at, at + c.len_utf8()),
            format!("bidirectional control character U+{:04X}", c as u32),
        )
        .label("changes the order in which the text around it is shown")
        .help("remove it: it can make the text look different from what imp reads (\"Trojan Source\")");
        self.report(item, d);
    }

    fn finish(self) -> Scan {
        self.out
    }
}

/// Whether a byte continues an atom (so that a quote after it is not a string's start).
fn atom_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b >= 0x80 || b"_.:@/+'-*%$&?|\\^~`".contains(&b)
}

/// The end of text in typographic quotes (or single quotes) starting at `i`, if it closes
/// on its line: the grammar reads it as a string, so its delimiters are not delimiters.
pub fn other_quoted_end(bytes: &[u8], i: usize) -> Option<usize> {
    let text = std::str::from_utf8(&bytes[i..bytes.len().min(i + 4)])
        .ok()
        .or_else(|| {
            // Cut at a character boundary.
            (1..4)
                .rev()
                .find_map(|n| std::str::from_utf8(bytes.get(i..i + n)?).ok())
        })?;
    let open = text.chars().next()?;
    let closers: &[char] = match open {
        '\u{201c}' => &['\u{201d}'],
        '\u{201e}' => &['\u{201c}', '\u{201d}'],
        '\u{2018}' => &['\u{2019}'],
        '\u{ab}' => &['\u{bb}'],
        '\'' => &['\''],
        _ => return None,
    };
    let start = i + open.len_utf8();
    let line_end = memchr2(b'\n', b'\r', &bytes[start..]).map_or(bytes.len(), |p| start + p);
    let rest = std::str::from_utf8(&bytes[start..line_end]).ok()?;
    let close = rest.char_indices().find(|(_, c)| closers.contains(c))?;
    Some(start + close.0 + close.1.len_utf8())
}

/// Whether a line that ends with `text` goes on into the next: it ends with `,`, an opener,
/// or a condition's `and`, `or` or `not`.
fn goes_on(text: &[u8]) -> bool {
    let t = text.trim_ascii_end();
    if matches!(t.last(), Some(b',' | b'[' | b'(' | b'{')) {
        return true;
    }
    [&b"and"[..], b"or", b"not"].iter().any(|w| {
        t.strip_suffix(*w)
            .is_some_and(|rest| rest.last().is_none_or(|c| !atom_byte(*c)))
    })
}

/// Whether a line that starts with `text` goes on from the line before: it starts with a
/// condition's `and` or `or`.
fn goes_on_from(text: &[u8]) -> bool {
    [&b"and"[..], b"or"].iter().any(|w| {
        text.strip_prefix(*w)
            .is_some_and(|rest| rest.first().is_none_or(|c| !atom_byte(*c)))
    })
}

/// What a closing delimiter does.
enum Closer {
    /// It closes the innermost opener.
    Matches,
    /// It closes the opener at this depth: the ones above it were never closed.
    ClosesDeeper(usize),
    /// It is the wrong closer for the innermost opener, which it is taken to close.
    Wrong,
    /// Nothing is open.
    Stray,
}

/// A closer that does not match the innermost opener closes a deeper one, unless the
/// innermost is on this line and the deeper one is not (or another such closer follows on
/// this line): then it is a wrong closer for the innermost. (Only looked at for a mismatch,
/// so that balanced text stays linear.)
fn classify(bytes: &[u8], stack: &[Open], i: usize, line: u32) -> Closer {
    let b = bytes[i];
    let want = opener_of(b);
    match stack.last() {
        None => return Closer::Stray,
        Some(o) if o.delim == want => return Closer::Matches,
        Some(_) => {}
    }
    let top_same_line = stack.last().is_some_and(|o| o.line == line);
    // Looked at no further than 256 bytes on, so that a long line stays linear.
    let later_on_line = || {
        let window = &bytes[i + 1..(i + 257).min(bytes.len())];
        let end = memchr2(b'\n', b'\r', window).unwrap_or(window.len());
        window[..end].contains(&b)
    };
    match stack.iter().rposition(|o| o.delim == want) {
        Some(p) if !top_same_line || (stack[p].line == line && !later_on_line()) => {
            Closer::ClosesDeeper(p)
        }
        _ => Closer::Wrong,
    }
}

/// The end of `{{...}}` starting at `i`, if it is a placeholder (no brace or line break
/// inside).
pub fn placeholder_end(bytes: &[u8], i: usize) -> Option<usize> {
    if !bytes[i..].starts_with(b"{{") {
        return None;
    }
    let mut j = i + 2;
    while j + 1 < bytes.len() {
        match bytes[j] {
            b'}' if bytes[j + 1] == b'}' => return Some(j + 2),
            b'{' | b'}' | b'\n' | b'\r' => return None,
            _ => j += 1,
        }
    }
    None
}

/// The end of a one-line string starting at `start` (a `"`), and whether it was closed. An
/// unclosed one ends at its line's end.
pub fn string_end(bytes: &[u8], start: usize) -> (usize, bool) {
    let mut j = start + 1;
    loop {
        let seg = &bytes[j..];
        let p = memchr3(b'"', b'\\', b'\n', seg).unwrap_or(seg.len());
        if let Some(r) = memchr(b'\r', &seg[..p]) {
            return (j + r, false);
        }
        if j + p >= bytes.len() {
            return (bytes.len(), false);
        }
        match bytes[j + p] {
            b'"' => return (j + p + 1, true),
            b'\n' => return (j + p, false),
            _ => {
                // A backslash escapes the next byte, but never a line break.
                let next = bytes.get(j + p + 1);
                j = match next {
                    None | Some(b'\n') | Some(b'\r') => j + p + 1,
                    Some(_) => j + p + 2,
                };
            }
        }
    }
}

/// The end of a text block starting at `start` (`"""`), and whether it was closed.
pub fn text_block_end(bytes: &[u8], start: usize) -> (usize, bool) {
    match memchr::memmem::find(&bytes[start + 3..], b"\"\"\"") {
        Some(p) => (start + 3 + p + 3, true),
        None => (bytes.len(), false),
    }
}

/// Skips the rest of an item that nests too deeply: to where its delimiters balance again,
/// or to the end of the file.
fn skip_deep(bytes: &[u8], from: usize, depth: usize) -> usize {
    let mut depth = depth;
    let mut j = from + 1;
    while j < bytes.len() && depth > 0 {
        match bytes[j] {
            b'{' | b'[' | b'(' => depth += 1,
            b'}' | b']' | b')' => depth -= 1,
            b'"' => {
                j = if bytes[j..].starts_with(b"\"\"\"") {
                    text_block_end(bytes, j).0
                } else {
                    string_end(bytes, j).0
                };
                continue;
            }
            b'#' => {
                j = memchr2(b'\n', b'\r', &bytes[j..]).map_or(bytes.len(), |p| j + p);
                continue;
            }
            _ => {}
        }
        j += 1;
    }
    j
}
