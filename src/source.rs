//! Source files and spans: the only place that turns byte offsets into lines and columns.

use serde::Serialize;

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct FileId(pub u32);

/// A byte range in one file. Offsets are byte offsets into the file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: clamp(start),
            end: clamp(end.max(start)),
        }
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Span {
        if self.file != other.file {
            return self;
        }
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

fn clamp(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// One loaded file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub id: FileId,
    /// The path as the user gave it (or as reached through `use`), with `/` separators.
    pub path: String,
    /// The text. Files that are not UTF-8 hold a lossy copy, for display only.
    pub text: String,
    line_starts: Vec<u32>,
}

impl SourceFile {
    pub fn new(id: FileId, path: String, text: String) -> SourceFile {
        // A line ends at `\n`, `\r\n` or a lone `\r`, as the grammar's NEWLINE does.
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            let ends = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            if ends {
                line_starts.push(clamp(i + 1));
            }
        }
        SourceFile {
            id,
            path,
            text,
            line_starts,
        }
    }

    /// 0-based index of the line holding a byte offset.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = clamp(offset.min(self.text.len()));
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

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// 1-based line and column of a byte offset. Columns count characters, in every output
    /// format.
    pub fn line_col(&self, offset: u32) -> (usize, usize) {
        let line = self.line_of(offset as usize);
        (line + 1, self.column(line, offset as usize) + 1)
    }

    /// 0-based column, in characters, of a byte offset on a line. Long lines count only the
    /// part before the offset.
    fn column(&self, line: usize, offset: usize) -> usize {
        let start = self.line_start(line);
        let mut end = offset.min(self.text.len()).max(start);
        while !self.text.is_char_boundary(end) {
            end -= 1;
        }
        self.text[start..end].chars().count()
    }

    /// The text of a span (empty if the span does not fall on character boundaries).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.range()).unwrap_or("")
    }
}

/// A file as miette reads it for the human format: excerpts are cut with the line index, so
/// rendering a finding does not scan or copy the file, and the header's column counts
/// characters as the other formats do.
pub struct Excerpts<'a>(pub &'a SourceFile);

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

/// Every file of a run, in the order they were loaded.
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, path: String, text: String) -> FileId {
        let id = FileId(clamp(self.files.len()));
        self.files.push(SourceFile::new(id, path, text));
        id
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> &[SourceFile] {
        &self.files
    }
}
