//! The file back from its tree: every token the tree holds, every comment, and the blanks
//! between them. A formatter stands on this; a test rebuilds every example byte for byte, so
//! that nothing the tree should hold (a parenthesis, a comma, a `;`, a comment) is lost.

use super::tree::*;
use crate::source::{SourceFile, Span};

/// Every token span of a file's tree (supplied tokens, which have no text, left out), with
/// the comments, in source order.
pub fn tokens(file: &File) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    for n in &file.nodes {
        node(n, &mut out);
    }
    out.extend(file.semis.iter().copied());
    out.extend(file.skipped.iter().copied());
    out.extend(file.comments.iter().map(|c| c.span));
    out.retain(|s| !s.is_empty());
    out.sort();
    out
}

fn node(n: &Node, out: &mut Vec<Span>) {
    match n {
        Node::Error(s) => out.push(*s),
        Node::Entry(e) => entry(e, out),
    }
}

fn entry(e: &Entry, out: &mut Vec<Span>) {
    if !e.is_when() {
        out.push(e.key);
    }
    for a in &e.args {
        arg(a, out);
    }
    if let Some(w) = &e.when {
        out.push(w.kw);
        cond(&w.cond, out);
    }
    if let Some(b) = &e.block {
        out.push(b.open);
        for n in &b.nodes {
            node(n, out);
        }
        out.extend(b.semis.iter().copied());
        out.extend(b.close);
    }
}

fn arg(a: &Arg, out: &mut Vec<Span>) {
    match &a.kind {
        ArgKind::List(l) => {
            out.push(Span::new(a.span.lo, a.span.lo + 1));
            for i in &l.items {
                arg(i, out);
            }
            out.extend(l.commas.iter().copied());
            out.extend(l.close);
        }
        _ => out.push(a.span),
    }
}

fn cond(c: &Cond, out: &mut Vec<Span>) {
    match &c.kind {
        CondKind::Or { terms, ops } | CondKind::And { terms, ops } => {
            for t in terms {
                cond(t, out);
            }
            out.extend(ops.iter().copied());
        }
        CondKind::Not { op, inner } => {
            out.push(*op);
            cond(inner, out);
        }
        CondKind::Paren { inner, close } => {
            out.push(Span::new(c.span.lo, c.span.lo + 1));
            cond(inner, out);
            out.push(*close);
        }
        CondKind::Compare {
            subject, op, value, ..
        } => {
            out.extend(subject.iter().copied());
            out.push(*op);
            out.push(*value);
        }
        CondKind::In { subject, kw, list } => {
            out.extend(subject.iter().copied());
            out.push(*kw);
            arg(list, out);
        }
        CondKind::Words(w) => out.extend(w.iter().copied()),
        CondKind::Error => out.push(c.span),
    }
}

/// What stands between two tokens and is not a blank: the tree lost it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lost {
    pub span: Span,
    pub text: String,
}

/// The text rebuilt from the tree's tokens, the comments and the blanks between them; or
/// the first text that no token accounts for, or two tokens that overlap.
pub fn rebuild(source: &SourceFile, file: &File) -> Result<String, Lost> {
    let mut out = String::with_capacity(source.text.len());
    let mut at = source.base;
    let blank = |s: &str, first: bool| {
        let s = if first {
            s.strip_prefix('\u{feff}').unwrap_or(s)
        } else {
            s
        };
        s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
    };
    let mut last = Span::at(source.base);
    for t in tokens(file) {
        // A token inside an error node (a comment in a block that did not parse) is part of
        // the node's text.
        if last.contains(t) && !last.is_empty() {
            continue;
        }
        last = t;
        if t.lo < at {
            return Err(Lost {
                span: t,
                text: format!("overlapping token `{}`", source.slice(t)),
            });
        }
        let gap = source.slice(Span::new(at, t.lo));
        if !blank(gap, at == source.base) {
            return Err(Lost {
                span: Span::new(at, t.lo),
                text: gap.to_string(),
            });
        }
        out.push_str(gap);
        out.push_str(source.slice(t));
        at = t.hi;
    }
    let end = source.base + source.len();
    let gap = source.slice(Span::new(at, end));
    if !blank(gap, at == source.base) {
        return Err(Lost {
            span: Span::new(at, end),
            text: gap.to_string(),
        });
    }
    out.push_str(gap);
    Ok(out)
}
