//! Spans: byte ranges in the [`SourceMap`](super::SourceMap)'s one address space.
//!
//! Every file of a run has a *base*: its first byte is at that position, and its last byte
//! is followed by a gap of one position before the next file's base. A span is two `u32`
//! positions in that space, so it names its file without carrying it: eight bytes, the
//! same for every file, and two spans of one run always compare by position.

use serde::Serialize;

/// A byte range of one file, as positions in the source map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Span {
    pub lo: u32,
    pub hi: u32,
}

impl Span {
    pub const fn new(lo: u32, hi: u32) -> Span {
        Span {
            lo,
            hi: if hi < lo { lo } else { hi },
        }
    }

    /// The empty span at a position.
    pub const fn at(pos: u32) -> Span {
        Span { lo: pos, hi: pos }
    }

    /// The smallest span covering both (of one file).
    pub fn join(self, other: Span) -> Span {
        Span {
            lo: self.lo.min(other.lo),
            hi: self.hi.max(other.hi),
        }
    }

    pub const fn len(self) -> u32 {
        self.hi - self.lo
    }

    pub const fn is_empty(self) -> bool {
        self.lo == self.hi
    }

    /// Whether `pos` lies in the span (a position at its end counts, so that the cursor
    /// right after a word finds the word).
    pub const fn touches(self, pos: u32) -> bool {
        self.lo <= pos && pos <= self.hi
    }

    /// Whether `other` lies within this span.
    pub const fn contains(self, other: Span) -> bool {
        self.lo <= other.lo && other.hi <= self.hi
    }

    /// The span with `n` bytes taken off each end (the inside of quotes).
    pub fn shrink(self, n: u32) -> Span {
        if self.len() < 2 * n {
            return Span::at(self.lo + self.len() / 2);
        }
        Span::new(self.lo + n, self.hi - n)
    }
}

/// Something with a span.
pub trait HasSpan {
    fn span(&self) -> Span;
}

impl HasSpan for Span {
    fn span(&self) -> Span {
        *self
    }
}
