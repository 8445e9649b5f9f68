//! One source file: its text, its place in the source map, and its line index.

use super::Span;

/// Index of a file in a [`SourceMap`](super::SourceMap), in load order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct FileId(pub u32);

/// One loaded file.
#[derive(Debug)]
pub struct SourceFile {
    pub id: FileId,
    /// The path as the user gave it (or as reached through `use`), with `/` separators.
    pub path: String,
    /// The text. Files that are not UTF-8 hold a lossy copy, for display only.
    pub text: String,
    /// The position of the first byte in the source map.
    pub base: u32,
    /// Byte offsets (in the file) where lines start; the first is 0.
    line_starts: Vec<u32>,
    /// The text starts with a byte-order mark, which is not a character of line 1.
    bom: bool,
}

impl SourceFile {
    pub(super) fn new(id: FileId, path: String, text: String, base: u32) -> SourceFile {
        // A line ends at `\n`, `\r\n` or a lone `\r`, as in the grammar.
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut i = 0;
        while let Some(p) = memchr::memchr2(b'\n', b'\r', &bytes[i..]) {
            let at = i + p;
            let next = if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                at + 2
            } else {
                at + 1
            };
            line_starts.push(next as u32);
            i = next;
        }
        let bom = text.starts_with('\u{feff}');
        SourceFile {
            id,
            path,
            text,
            base,
            line_starts,
            bom,
        }
    }

    /// The file's length in bytes.
    pub fn len(&self) -> u32 {
        self.text.len() as u32
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The span of the whole file.
    pub fn span(&self) -> Span {
        Span::new(self.base, self.base + self.len())
    }

    /// The span of a byte range of this file.
    pub fn span_of(&self, start: usize, end: usize) -> Span {
        let clamp = |n: usize| n.min(self.text.len()) as u32 + self.base;
        Span::new(clamp(start), clamp(end))
    }

    /// The byte range of a span of this file.
    pub fn range(&self, span: Span) -> std::ops::Range<usize> {
        let local = |p: u32| (p.saturating_sub(self.base) as usize).min(self.text.len());
        local(span.lo)..local(span.hi)
    }

    /// The byte offset in this file of a position.
    pub fn offset(&self, pos: u32) -> usize {
        (pos.saturating_sub(self.base) as usize).min(self.text.len())
    }

    /// The text of a span (empty if the span does not fall on character boundaries).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(self.range(span)).unwrap_or("")
    }

    /// 0-based index of the line holding a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len()) as u32;
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// Byte offset where a line (0-based) starts; the text's end past the last line.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .map_or(self.text.len(), |&s| s as usize)
    }

    /// Byte offset where a line's text ends, before its line break.
    pub fn line_end(&self, line: usize) -> usize {
        let next = self.line_start(line + 1);
        let bytes = self.text.as_bytes();
        let mut end = next;
        while end > self.line_start(line) && matches!(bytes[end - 1], b'\n' | b'\r') {
            end -= 1;
        }
        end
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 1-based line and column of a byte offset. Columns count characters, in every output
    /// format; a byte-order mark is not a character of line 1.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = self.line_of(offset);
        (line + 1, self.column(line, offset) + 1)
    }

    /// 1-based line and column of a position.
    pub fn line_col_at(&self, pos: u32) -> (usize, usize) {
        self.line_col(self.offset(pos))
    }

    /// 0-based column, in characters, of a byte offset on a line.
    pub fn column(&self, line: usize, offset: usize) -> usize {
        let mut start = self.line_start(line);
        if line == 0 && self.bom {
            start = 3.min(self.text.len());
        }
        let mut end = offset.min(self.text.len()).max(start);
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        self.text[start..end].chars().count()
    }

    /// The byte offset of a 1-based line and column: the inverse of [`line_col`](Self::line_col).
    pub fn offset_of(&self, line: usize, column: usize) -> Option<usize> {
        let l = line.checked_sub(1)?;
        if l >= self.line_count() {
            return None;
        }
        let mut start = self.line_start(l);
        if l == 0 && self.bom {
            start = 3.min(self.text.len());
        }
        let rest = &self.text[start..self.line_start(l + 1)];
        let col = column.checked_sub(1)?;
        match rest.char_indices().nth(col) {
            Some((i, _)) => Some(start + i),
            None if rest.chars().count() == col => Some(start + rest.len()),
            None => None,
        }
    }
}
