//! Source files and spans: the only place that turns positions into files, lines and columns.

mod file;
mod span;

use std::sync::Arc;

pub use file::{FileId, SourceFile};
pub use span::{HasSpan, Span};

/// The most bytes one run reads, over all its files: positions are `u32`.
pub const MAX_TOTAL: u64 = 1 << 30;

/// Every file of a run, in the order they were loaded, in one address space.
#[derive(Debug, Clone)]
pub struct SourceMap {
    files: Vec<Arc<SourceFile>>,
    /// The base of the next file.
    next: u32,
    /// The most bytes the files may have together.
    limit: u64,
}

impl Default for SourceMap {
    fn default() -> SourceMap {
        SourceMap::with_limit(MAX_TOTAL)
    }
}

impl SourceMap {
    /// A source map that takes at most `limit` bytes in all (at most [`MAX_TOTAL`]).
    pub fn with_limit(limit: u64) -> SourceMap {
        SourceMap {
            files: Vec::new(),
            next: 0,
            limit: limit.min(MAX_TOTAL),
        }
    }

    /// The most bytes the files may have together.
    pub fn limit(&self) -> u64 {
        self.limit
    }

    /// Adds a file. `None` when the run's files together would be larger than the limit
    /// (an empty file always fits, so that a file not read still has a place for its
    /// findings).
    pub fn add(&mut self, path: String, text: String) -> Option<FileId> {
        let end = u64::from(self.next) + text.len() as u64 + 1;
        let limit = if text.is_empty() {
            u64::from(u32::MAX)
        } else {
            self.limit
        };
        if end > limit {
            return None;
        }
        let id = FileId(self.files.len() as u32);
        let base = self.next;
        self.next = end as u32;
        self.files
            .push(Arc::new(SourceFile::new(id, path, text, base)));
        Some(id)
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    pub fn files(&self) -> impl ExactSizeIterator<Item = &SourceFile> + Clone {
        self.files.iter().map(|f| &**f)
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The file a span (or position) lies in.
    pub fn file_of(&self, span: Span) -> &SourceFile {
        let i = self.files.partition_point(|f| f.base <= span.lo);
        &self.files[i.saturating_sub(1)]
    }

    /// The text of a span.
    pub fn slice(&self, span: Span) -> &str {
        self.file_of(span).slice(span)
    }
}
