//! The excerpts of the human format: the lines of one file that a finding's labels need,
//! made safe for a terminal and clipped, as miette reads them.
//!
//! miette draws a label by byte offsets into the text that [`miette::SourceCode::read_span`]
//! returns, and counts lines by `\n` in it. So the excerpt is not the file but a copy of the
//! lines the labels need, in *chunks* of consecutive lines, where
//!
//! - every control character and bidirectional control is a visible stand-in ([`stand_in`]);
//! - every line ends with `\n` (a `\r\n` or lone `\r` of the file too), so line numbers are
//!   right whatever the file's line ends;
//! - a label over more than [`MAX_LABEL_LINES`] lines keeps its first line only (its label
//!   says where it ends);
//! - a line of more than [`MAX_LINE_CHARS`] characters keeps a window around each label on it,
//!   the rest elided with `…`;
//!
//! and the labels are moved to the same characters in that copy. Every position of the copy is
//! a position of one chunk: chunks are laid end to end with a gap of one, as files are in the
//! source map, and miette never gets a span across two chunks. The header's line and column are
//! the file's, read from the line index, not counted in the copy.

use std::ops::Range;

use miette::{MietteError, MietteSpanContents, SourceSpan, SpanContents};

use crate::source::SourceFile;

/// A label over more lines than this shows its first line only.
pub const MAX_LABEL_LINES: usize = 4;
/// A line of more characters than this is clipped around its labels.
pub const MAX_LINE_CHARS: usize = 200;
/// On a clipped line: characters shown before a label's start, and from it on.
const BEFORE: usize = 40;
const AFTER: usize = 120;
/// Two windows of a clipped line closer than this are shown as one.
const WINDOW_JOIN: usize = 8;
/// Lines of context miette shows around a label (`with_context_lines`).
pub const CONTEXT_LINES: usize = 1;
/// Two excerpts of one file with at most this many lines between them are shown as one,
/// lines between included.
const JOIN_LINES: usize = 3;
/// The mark of elided text on a line.
const ELIDED: char = '…';

/// Whether a character is a bidirectional control (Unicode's `Bidi_Control` property): it
/// reorders the text around it on screen, so it could make a line read as something else.
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
    )
}

/// Whether a character must not reach a terminal as itself: a control character (C0, DEL,
/// C1) or a bidirectional control.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Appends the character as an excerpt shows it: a tab as itself (miette expands it), a C0
/// control as its control picture (U+2400 + code: `␛` for ESC), DEL as `␡`, a C1 control or a
/// bidirectional control as `<U+XXXX>`; any other character as itself.
pub fn stand_in(c: char, out: &mut String) {
    match c {
        '\t' => out.push('\t'),
        '\0'..='\u{1f}' => out.push(char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}')),
        '\u{7f}' => out.push('\u{2421}'),
        c if is_unsafe(c) => out.push_str(&format!("<U+{:04X}>", c as u32)),
        c => out.push(c),
    }
}

/// A label as the excerpt shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placed {
    /// Its span in the excerpt's positions.
    pub span: SourceSpan,
    /// Where the label really ends (1-based line and column), when it was cut to its first line.
    pub cut_to: Option<(usize, usize)>,
}

/// One line of a chunk.
#[derive(Debug)]
struct Line {
    /// 0-based line of the file.
    real: usize,
    /// Where its text starts in the chunk.
    start: usize,
    /// The length of its text in the chunk, without the `\n`.
    len: usize,
    /// The shown windows of the line: ranges of characters (columns) of the file's line.
    windows: Vec<Range<usize>>,
    /// For each window, where its first character is in the line's text in the chunk.
    window_starts: Vec<usize>,
    /// For each shown character: (column in the file, byte in the line's text in the chunk).
    columns: Vec<(usize, usize)>,
}

impl Line {
    /// The byte in the line's text of a column of the file's line; a column that is not shown
    /// is the start of the next window (after its `…`), or the text's end.
    fn byte_of(&self, col: usize) -> usize {
        let i = self.columns.partition_point(|&(c, _)| c < col);
        match self.columns.get(i) {
            Some(&(c, b)) if c == col => b,
            _ => {
                let w = self.windows.partition_point(|w| w.end <= col);
                match self.windows.get(w) {
                    Some(win) if col < win.start => self.window_starts[w],
                    _ => self.len,
                }
            }
        }
    }

    /// The column of the file's line shown at a byte of the line's text in the chunk.
    fn col_of(&self, byte: usize) -> usize {
        let i = self.columns.partition_point(|&(_, b)| b < byte);
        match self.columns.get(i) {
            Some(&(c, _)) => c,
            None => self.windows.last().map_or(0, |w| w.end),
        }
    }
}

/// Consecutive lines of the file, as shown.
#[derive(Debug)]
struct Chunk {
    /// Its first position in the excerpt's positions.
    base: usize,
    text: String,
    lines: Vec<Line>,
}

impl Chunk {
    /// The index of the line holding a byte of the chunk.
    fn line_at(&self, byte: usize) -> usize {
        self.lines
            .partition_point(|l| l.start <= byte)
            .saturating_sub(1)
    }
}

/// The excerpts of one file for one finding: a [`miette::SourceCode`].
#[derive(Debug)]
pub struct Excerpts {
    name: String,
    chunks: Vec<Chunk>,
}

/// The first byte of a line's text (after a byte-order mark on line 1) and its end.
fn text_range(f: &SourceFile, line: usize) -> Range<usize> {
    let mut start = f.line_start(line);
    let end = f.line_end(line);
    if line == 0 && f.text.starts_with('\u{feff}') {
        start = 3.min(end);
    }
    start..end
}

/// The column (in characters) of a byte offset on a line, at most the line's length.
fn column(f: &SourceFile, line: usize, offset: usize) -> usize {
    let r = text_range(f, line);
    let mut end = offset.clamp(r.start, r.end);
    while !f.text.is_char_boundary(end) {
        end -= 1;
    }
    f.text[r.start..end].chars().count()
}

/// A label's span in the file after the vertical cut: (start, end, line of start, line of
/// end, where it really ends if cut).
struct Cut {
    lo: usize,
    hi: usize,
    first: usize,
    last: usize,
    cut_to: Option<(usize, usize)>,
}

fn cut(f: &SourceFile, range: Range<usize>) -> Cut {
    let (lo, hi) = (range.start, range.end.max(range.start));
    let first = f.line_of(lo);
    // The line holding the span's last byte: a span ending at a line's start ends on the line
    // before, as far as the lines it covers go.
    let last = if hi > lo { f.line_of(hi - 1) } else { first };
    if last - first + 1 > MAX_LABEL_LINES {
        let hi_cut = f.line_end(first).max(lo);
        Cut {
            lo,
            hi: hi_cut,
            first,
            last: first,
            cut_to: Some(f.line_col(hi)),
        }
    } else {
        Cut {
            lo,
            hi,
            first,
            last,
            cut_to: None,
        }
    }
}

impl Excerpts {
    /// The excerpts of `file` for labels at these byte ranges of it; the labels as placed in
    /// them, in the same order. `name` is the header's file name, already made safe.
    pub fn new(
        file: &SourceFile,
        name: String,
        labels: &[Range<usize>],
    ) -> (Excerpts, Vec<Placed>) {
        let cuts: Vec<Cut> = labels.iter().map(|r| cut(file, r.clone())).collect();
        let last_line = file.line_count() - 1;
        // Line ranges to show, with context, joined when close.
        let mut ranges: Vec<Range<usize>> = cuts
            .iter()
            .map(|c| {
                c.first.saturating_sub(CONTEXT_LINES)..(c.last + CONTEXT_LINES).min(last_line) + 1
            })
            .collect();
        ranges.sort_by_key(|r| r.start);
        let mut joined: Vec<Range<usize>> = Vec::new();
        for r in ranges {
            match joined.last_mut() {
                Some(j) if r.start <= j.end + JOIN_LINES => j.end = j.end.max(r.end),
                _ => joined.push(r),
            }
        }
        let mut chunks = Vec::with_capacity(joined.len());
        let mut base = 0;
        for lines in joined {
            let chunk = build_chunk(file, lines, &cuts, base);
            base = chunk.base + chunk.text.len() + 1;
            chunks.push(chunk);
        }
        let excerpts = Excerpts { name, chunks };
        let placed = cuts
            .iter()
            .map(|c| {
                let lo = excerpts.place(file, c.lo);
                let hi = excerpts.place(file, c.hi).max(lo);
                Placed {
                    span: SourceSpan::new(lo.into(), hi - lo),
                    cut_to: c.cut_to,
                }
            })
            .collect();
        (excerpts, placed)
    }

    /// The position in the excerpts of a byte offset of the file (on a shown line).
    fn place(&self, f: &SourceFile, offset: usize) -> usize {
        let line = f.line_of(offset);
        for chunk in &self.chunks {
            let (Some(first), Some(last)) = (chunk.lines.first(), chunk.lines.last()) else {
                continue;
            };
            if !(first.real..=last.real).contains(&line) {
                continue;
            }
            let l = &chunk.lines[line - first.real];
            let at = if offset > f.line_end(line) {
                // In the line break, shown as the `\n`.
                l.len
            } else {
                l.byte_of(column(f, line, offset))
            };
            return chunk.base + l.start + at;
        }
        // Unreachable: every label's lines are shown. The start of the excerpts is harmless.
        0
    }
}

/// Columns of a line to show: everything, or windows around the given columns.
fn windows(len: usize, points: &mut [usize]) -> Vec<Range<usize>> {
    if len <= MAX_LINE_CHARS {
        return std::iter::once(0..len).collect();
    }
    if points.is_empty() {
        return std::iter::once(0..BEFORE + AFTER).collect();
    }
    points.sort_unstable();
    let mut out: Vec<Range<usize>> = Vec::new();
    for &p in points.iter() {
        let w = p.saturating_sub(BEFORE)..(p + AFTER).min(len);
        match out.last_mut() {
            Some(last) if w.start <= last.end + WINDOW_JOIN => last.end = last.end.max(w.end),
            _ => out.push(w),
        }
    }
    out
}

fn build_chunk(f: &SourceFile, lines: Range<usize>, cuts: &[Cut], base: usize) -> Chunk {
    let mut text = String::new();
    let mut shown = Vec::with_capacity(lines.len());
    for line in lines {
        let r = text_range(f, line);
        let src = &f.text[r.clone()];
        // Where labels start on this line, and where labels from earlier lines end on it.
        let mut points: Vec<usize> = Vec::new();
        for c in cuts {
            if c.first == line {
                points.push(column(f, line, c.lo));
            } else if c.first < line && f.line_of(c.hi) == line {
                points.push(column(f, line, c.hi));
            }
        }
        let len = src.chars().count();
        let wins = windows(len, &mut points);
        let start = text.len();
        let mut columns = Vec::new();
        let mut window_starts = Vec::with_capacity(wins.len());
        let mut w = 0;
        for (col, ch) in src.chars().enumerate() {
            let Some(win) = wins.get(w) else { break };
            if col < win.start {
                continue;
            }
            if col == win.start {
                if col > 0 {
                    text.push(ELIDED);
                }
                window_starts.push(text.len() - start);
            }
            columns.push((col, text.len() - start));
            stand_in(ch, &mut text);
            if col + 1 == win.end {
                w += 1;
            }
        }
        // An empty line, or a window that starts at the line's end.
        while window_starts.len() < wins.len() {
            window_starts.push(text.len() - start);
        }
        if wins.last().is_some_and(|win| win.end < len) {
            text.push(ELIDED);
        }
        let text_len = text.len() - start;
        if line + 1 < f.line_count() {
            text.push('\n');
        }
        shown.push(Line {
            real: line,
            start,
            len: text_len,
            windows: wins,
            window_starts,
            columns,
        });
    }
    Chunk {
        base,
        text,
        lines: shown,
    }
}

impl miette::SourceCode for Excerpts {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let (start, end) = (span.offset(), span.offset() + span.len());
        let i = self.chunks.partition_point(|c| c.base <= start);
        let chunk = i
            .checked_sub(1)
            .and_then(|i| self.chunks.get(i))
            .ok_or(MietteError::OutOfBounds)?;
        // A span across two chunks cannot be shown: miette then shows them apart.
        if end > chunk.base + chunk.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let (s, e) = (start - chunk.base, end - chunk.base);
        let first = chunk.line_at(s);
        let last = chunk.line_at(if s == e { s } else { e - 1 });
        let from = first.saturating_sub(before);
        let to = (last + after).min(chunk.lines.len() - 1);
        let data_start = if before == 0 {
            s
        } else {
            chunk.lines[from].start
        };
        let data_end = chunk
            .lines
            .get(to + 1)
            .map_or(chunk.text.len(), |l| l.start)
            .max(data_start);
        let l = &chunk.lines[first];
        // Without context lines, miette wants the span's own line and column (for the
        // header): the file's, not the copy's.
        let column = if before == 0 {
            l.col_of(s - l.start)
        } else {
            0
        };
        let line = if before == 0 {
            l.real
        } else {
            chunk.lines[from].real
        };
        // miette joins two excerpts when the first's line plus this count reaches the second's
        // first line: counting to the chunk's end makes it try exactly within one chunk.
        let line_count = chunk.lines.last().map_or(0, |l| l.real + 1) - line;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            &chunk.text.as_bytes()[data_start..data_end],
            SourceSpan::new((chunk.base + data_start).into(), data_end - data_start),
            line,
            column,
            line_count,
        )))
    }
}
