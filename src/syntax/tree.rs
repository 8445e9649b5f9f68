//! The concrete syntax tree. It says what was written, not what it means: the model layer
//! decides what a key word or an argument stands for.
//!
//! The tree keeps a span on every token, so that it and the source together give back the
//! file byte for byte (see [`rebuild`](super::rebuild)): key words, arguments with their raw
//! text, `when`, every condition operator and parenthesis, braces, brackets, commas and `;`.
//! Comments are kept beside the tree, in source order. What failed to parse stays in the tree
//! as an [`Node::Error`] with its span.

use crate::source::{HasSpan, Span};

/// A parsed file: its top-level nodes, and every comment.
#[derive(Debug, Clone, Default)]
pub struct File {
    pub nodes: Vec<Node>,
    /// Every comment, in source order.
    pub comments: Vec<Comment>,
    /// The `;` between top-level entries.
    pub semis: Vec<Span>,
    /// Text the scanner blanked out before parsing (a stray `}`, a control character), and
    /// reported.
    pub skipped: Vec<Span>,
}

/// A `#` comment. `##` comments alone on the lines directly above an entry are its
/// documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Comment {
    pub span: Span,
    pub doc: bool,
}

/// An entry, or something that did not parse.
#[derive(Debug, Clone)]
pub enum Node {
    Entry(Entry),
    /// Text that is not an entry, to the end of its line or block (reported already).
    Error(Span),
}

impl HasSpan for Node {
    fn span(&self) -> Span {
        match self {
            Node::Entry(e) => e.span,
            Node::Error(s) => *s,
        }
    }
}

/// `key arg* [when condition] [{ nodes }]`, or `when condition` alone.
#[derive(Debug, Clone)]
pub struct Entry {
    pub span: Span,
    /// The key word; for a `when` entry, the `when` itself.
    pub key: Span,
    pub args: Vec<Arg>,
    pub when: Option<When>,
    pub block: Option<Block>,
    /// The `##` lines directly above, as one span from the first `##` to the end of the last.
    pub doc: Option<Span>,
}

impl Entry {
    /// Whether the entry is a `when` condition alone (its key is the `when`).
    pub fn is_when(&self) -> bool {
        self.when.as_ref().is_some_and(|w| w.kw == self.key)
    }

    /// The entries of the block, if any (error nodes left out).
    pub fn children(&self) -> impl Iterator<Item = &Entry> {
        self.block
            .iter()
            .flat_map(|b| &b.nodes)
            .filter_map(|n| match n {
                Node::Entry(e) => Some(e),
                Node::Error(_) => None,
            })
    }

    /// The span of the arguments, or the key's if there are none.
    pub fn args_span(&self) -> Span {
        match (self.args.first(), self.args.last()) {
            (Some(a), Some(b)) => a.span.join(b.span),
            _ => self.key,
        }
    }
}

/// `when CONDITION`.
#[derive(Debug, Clone)]
pub struct When {
    pub kw: Span,
    pub cond: Cond,
}

/// `{ nodes }`.
#[derive(Debug, Clone)]
pub struct Block {
    pub open: Span,
    pub nodes: Vec<Node>,
    /// The closing `}`; `None` when it was missing and the scanner supplied one.
    pub close: Option<Span>,
    /// The `;` between entries of the block.
    pub semis: Vec<Span>,
}

impl Block {
    pub fn span(&self) -> Span {
        let end = self
            .close
            .or_else(|| self.nodes.last().map(|n| n.span()))
            .unwrap_or(self.open);
        self.open.join(end)
    }
}

/// An argument, as written.
#[derive(Debug, Clone)]
pub struct Arg {
    pub span: Span,
    pub kind: ArgKind,
}

impl HasSpan for Arg {
    fn span(&self) -> Span {
        self.span
    }
}

#[derive(Debug, Clone)]
pub enum ArgKind {
    /// A word-like token: a name, a number, a duration, a date, a day or time range.
    Atom,
    /// `"..."`, quotes included in the span.
    Str,
    /// `"""..."""`, quotes included in the span.
    TextBlock,
    /// `->`.
    Arrow,
    /// `{{NAME}}`.
    Placeholder,
    List(Box<List>),
}

impl Arg {
    /// What the argument is, in words, for messages ("expected a duration, found a string").
    pub fn describe(&self) -> &'static str {
        match self.kind {
            ArgKind::Atom => "a word",
            ArgKind::Str => "a string",
            ArgKind::TextBlock => "a text block",
            ArgKind::Arrow => "`->`",
            ArgKind::Placeholder => "a template placeholder",
            ArgKind::List(_) => "a list",
        }
    }

    pub fn list(&self) -> Option<&List> {
        match &self.kind {
            ArgKind::List(l) => Some(l),
            _ => None,
        }
    }

    pub fn is_atom(&self) -> bool {
        matches!(self.kind, ArgKind::Atom)
    }
}

/// `[a, b, c]`.
#[derive(Debug, Clone)]
pub struct List {
    pub items: Vec<Arg>,
    /// The commas, in order: `commas[i]` follows `items[i]`; a trailing comma is the last.
    pub commas: Vec<Span>,
    /// The closing `]`; `None` when the scanner supplied it.
    pub close: Option<Span>,
}

/// Comparison operators of conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum CmpOp {
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
}

impl CmpOp {
    pub fn from_text(s: &str) -> Option<CmpOp> {
        Some(match s {
            ">=" => CmpOp::Ge,
            ">" => CmpOp::Gt,
            "<=" => CmpOp::Le,
            "<" => CmpOp::Lt,
            "==" => CmpOp::Eq,
            "!=" => CmpOp::Ne,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Ge => ">=",
            CmpOp::Gt => ">",
            CmpOp::Le => "<=",
            CmpOp::Lt => "<",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        }
    }
}

impl std::fmt::Display for CmpOp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A condition as written. `and` and `or` chains are flat (one node for `a or b or c`), so
/// the tree is no deeper than the parentheses and `not`s written, both bounded.
#[derive(Debug, Clone)]
pub struct Cond {
    pub span: Span,
    pub kind: CondKind,
}

#[derive(Debug, Clone)]
pub enum CondKind {
    /// `a or b or ...`: two or more terms, and the `or` between each two.
    Or { terms: Vec<Cond>, ops: Vec<Span> },
    /// `a and b and ...`.
    And { terms: Vec<Cond>, ops: Vec<Span> },
    /// `not a`.
    Not { op: Span, inner: Box<Cond> },
    /// `( a )`: the span covers the parentheses.
    Paren { inner: Box<Cond>, close: Span },
    /// `SUBJECT OP VALUE`: `financial >= 3`, `severity >= sev2`. The subject is the words
    /// before the operator.
    Compare {
        subject: Vec<Span>,
        op: Span,
        cmp: CmpOp,
        value: Span,
    },
    /// `SUBJECT in [..]`.
    In {
        subject: Vec<Span>,
        kw: Span,
        list: Arg,
    },
    /// Words alone: `acknowledged after 30m` (after a `not`), or a bare word.
    Words(Vec<Span>),
    /// A condition refused as too deep (reported); the span holds its text.
    Error,
}

impl HasSpan for Cond {
    fn span(&self) -> Span {
        self.span
    }
}
