//! pest pairs to the tree, for one item.
//!
//! The item's text may have been repaired by the scanner; every span is mapped back to the
//! file through the repairs, so a supplied `}` has an empty span where it was supplied.

use pest::iterators::Pair;

use super::grammar::Rule;
use super::scan::{Cut, Repair, Scan};
use super::text::unescape;
use super::tree::*;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{SourceFile, Span};

/// How many `not` a condition may have in a row.
pub const MAX_NOTS: usize = 64;

/// How deeply parentheses and `not` may nest in one condition, together.
pub const MAX_COND_DEPTH: usize = 100;

/// Offsets of an item's (possibly repaired) text mapped back to the file.
pub struct Remap<'a> {
    /// Offset of the item in the file.
    start: usize,
    /// (offset in the repaired text where the repair's text starts, the repair).
    points: Vec<(usize, &'a Repair)>,
}

impl<'a> Remap<'a> {
    pub fn new(cut: &'a Cut) -> Remap<'a> {
        let mut points = Vec::with_capacity(cut.repairs.len());
        let mut shift: isize = 0;
        for r in &cut.repairs {
            let at = (r.at - cut.start) as isize + shift;
            points.push((at as usize, r));
            shift += r.insert.len() as isize - r.remove as isize;
        }
        Remap {
            start: cut.start,
            points,
        }
    }

    /// The file offset of an offset of the repaired text.
    pub fn offset(&self, p: usize) -> usize {
        let i = self.points.partition_point(|(at, _)| *at <= p);
        if i == 0 {
            return self.start + p;
        }
        let (at, r) = self.points[i - 1];
        let inside = p - at;
        if inside < r.insert.len() {
            r.at + inside.min(r.remove)
        } else {
            r.at + r.remove + (inside - r.insert.len())
        }
    }
}

/// The repaired text of an item.
pub fn repaired(text: &str, cut: &Cut) -> String {
    let mut out = String::with_capacity(cut.end - cut.start + 8);
    let mut at = cut.start;
    for r in &cut.repairs {
        out.push_str(&text[at..r.at]);
        out.push_str(&r.insert);
        at = r.at + r.remove;
    }
    out.push_str(&text[at..cut.end]);
    out
}

pub struct Builder<'a> {
    pub file: &'a SourceFile,
    pub remap: Remap<'a>,
    /// Runs of `##` lines: (line of the last, span), sorted.
    pub docs: &'a [(u32, Span)],
    /// The file's comments, in order.
    pub comments: &'a [Comment],
    /// The text pest parsed.
    pub text: &'a str,
    pub diags: Vec<Diagnostic>,
    /// `;` at the top level of the item.
    pub semis: Vec<Span>,
}

impl<'a> Builder<'a> {
    /// A builder for one item, whose text (repaired, if the scanner repaired it) is `text`.
    pub fn new(file: &'a SourceFile, scan: &'a Scan, cut: &'a Cut, text: &'a str) -> Builder<'a> {
        Builder {
            file,
            remap: Remap::new(cut),
            docs: &scan.docs,
            comments: &scan.comments,
            text,
            diags: Vec::new(),
            semis: Vec::new(),
        }
    }

    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        self.range(s.start(), s.end())
    }

    pub(super) fn range(&self, start: usize, end: usize) -> Span {
        let (a, b) = (self.remap.offset(start), self.remap.offset(end));
        self.file.span_of(a, b.max(a))
    }

    /// The span of a pair without the blanks and comments pest may have consumed at its end.
    fn trimmed(&self, pair: &Pair<'_, Rule>) -> Span {
        let mut s = self.span(pair);
        loop {
            let text = self.file.slice(s);
            let t = text.trim_end_matches([' ', '\t', '\n', '\r']);
            s.hi = s.lo + t.len() as u32;
            // A comment that ends the span.
            let i = self.comments.partition_point(|c| c.span.hi < s.hi);
            match self.comments.get(i) {
                Some(c) if c.span.hi == s.hi && c.span.lo >= s.lo && c.span.lo < s.hi => {
                    s.hi = c.span.lo;
                }
                _ => return s,
            }
        }
    }

    /// The nodes of an item.
    pub fn item(&mut self, pair: Pair<'_, Rule>) -> Vec<Node> {
        let mut semis = Vec::new();
        let nodes = self.nodes(pair, false, &mut semis);
        self.semis = semis;
        nodes
    }

    fn nodes(&mut self, pair: Pair<'_, Rule>, in_block: bool, semis: &mut Vec<Span>) -> Vec<Node> {
        let mut out = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::entry => out.push(Node::Entry(self.entry(p))),
                Rule::error => {
                    let span = self.trimmed(&p);
                    let s = p.as_span();
                    let text = &self.text[s.start()..s.end()];
                    let base = s.start();
                    let d = super::errors::explain(text, in_block, &|a, b| {
                        self.range(base + a, base + b)
                    });
                    self.diags.push(d);
                    out.push(Node::Error(span));
                }
                Rule::semi => semis.push(self.span(&p)),
                _ => {}
            }
        }
        out
    }

    fn entry(&mut self, pair: Pair<'_, Rule>) -> Entry {
        let start = self.span(&pair).lo;
        let mut key = None;
        let mut args = Vec::new();
        let mut when = None;
        let mut block = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::key => key = Some(self.span(&p)),
                Rule::when_clause => {
                    let mut inner = p.into_inner();
                    let kw = inner.next().map(|k| self.span(&k));
                    let cond = inner.next().map(|c| self.condition(c, 0));
                    if let (Some(kw), Some(cond)) = (kw, cond) {
                        key.get_or_insert(kw);
                        when = Some(When { kw, cond });
                    }
                }
                Rule::block => block = Some(self.block(p)),
                _ => args.push(self.arg(p)),
            }
        }
        let key = key.unwrap_or(Span::at(start));
        self.entry_of(key, args, when, block)
    }

    /// An entry of its parts: its span runs from its key to its last token (pest's may take
    /// in the blanks and comment after it), and its doc comment is looked up.
    pub(super) fn entry_of(
        &self,
        key: Span,
        args: Vec<Arg>,
        when: Option<When>,
        block: Option<Block>,
    ) -> Entry {
        let mut span = key;
        if let Some(a) = args.last() {
            span = span.join(a.span);
        }
        if let Some(w) = &when {
            span = span.join(w.cond.span);
        }
        if let Some(b) = &block {
            span = span.join(b.span());
        }
        let doc = self.doc_of(span);
        Entry {
            span,
            key,
            args,
            when,
            block,
            doc,
        }
    }

    /// The `##` run on the lines directly above, if the entry is the first thing on its line:
    /// the last run before the entry, if only a line break and blanks lie between them (a
    /// run ends where its last comment does, before the line break).
    pub(super) fn doc_of(&self, span: Span) -> Option<Span> {
        let i = self.docs.partition_point(|(_, d)| d.hi <= span.lo);
        let (_, doc) = *self.docs.get(i.checked_sub(1)?)?;
        let f = self.file;
        let between = &f.text.as_bytes()[f.offset(doc.hi)..f.offset(span.lo)];
        let rest = between
            .strip_prefix(b"\r\n")
            .or_else(|| between.strip_prefix(b"\n"))
            .or_else(|| between.strip_prefix(b"\r"))?;
        rest.iter().all(|&b| b == b' ' || b == b'\t').then_some(doc)
    }

    fn block(&mut self, pair: Pair<'_, Rule>) -> Block {
        let s = pair.as_span();
        let open = self.range(s.start(), s.start() + 1);
        let close = self.range(s.end() - 1, s.end());
        let mut semis = Vec::new();
        let nodes = self.nodes(pair, true, &mut semis);
        Block {
            open,
            nodes,
            close: (!close.is_empty()).then_some(close),
            semis,
        }
    }

    fn arg(&mut self, pair: Pair<'_, Rule>) -> Arg {
        let span = self.span(&pair);
        let kind = match pair.as_rule() {
            Rule::atom | Rule::quote_atom => ArgKind::Atom,
            Rule::quoted => ArgKind::Str,
            Rule::string => {
                self.check_escapes(&pair);
                ArgKind::Str
            }
            Rule::text_block => ArgKind::TextBlock,
            Rule::arrow => ArgKind::Arrow,
            Rule::placeholder => ArgKind::Placeholder,
            Rule::list => ArgKind::List(Box::new(self.list(pair))),
            _ => ArgKind::Atom,
        };
        Arg { span, kind }
    }

    fn list(&mut self, pair: Pair<'_, Rule>) -> List {
        let s = pair.as_span();
        let close = self.range(s.end() - 1, s.end());
        let mut items = Vec::new();
        let mut commas = Vec::new();
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::comma => commas.push(self.span(&p)),
                _ => items.push(self.arg(p)),
            }
        }
        List {
            items,
            commas,
            close: (!close.is_empty()).then_some(close),
        }
    }

    fn check_escapes(&mut self, pair: &Pair<'_, Rule>) {
        self.escapes(pair.as_span().start(), pair.as_str());
    }

    /// IMP0105 for each invalid escape of a one-line string: `raw` is its text with the
    /// quotes, at `start` in the parsed text.
    pub(super) fn escapes(&mut self, start: usize, raw: &str) {
        if raw.len() < 2 || !raw.contains('\\') {
            return;
        }
        let inner = &raw[1..raw.len() - 1];
        let (_, bad) = unescape(inner);
        for b in bad {
            let span = self.range(start + 1 + b.start, start + 1 + b.end);
            let text = &inner[b.start..b.end];
            self.diags.push(
                Diagnostic::new(
                    Code::InvalidEscape,
                    span,
                    format!("invalid escape `{text}`"),
                )
                .label("not an escape")
                .help(
                    "the escapes are `\\\"`, `\\\\`, `\\n` and `\\t`; write `\\\\` for a backslash",
                ),
            );
        }
    }

    /// A condition: a flat sequence of terms and operators, grouped by precedence without
    /// recursion; only parentheses recurse, and the scanner bounds them.
    fn condition(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Cond {
        let span = self.trimmed(&pair);
        // Terms and the operators between them.
        let mut terms: Vec<Cond> = Vec::new();
        let mut ops: Vec<(bool, Span)> = Vec::new(); // (is `and`, span)
        let mut nots: Vec<Span> = Vec::new();
        let mut refused = false;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::op_not => {
                    nots.push(self.span(&p));
                    if nots.len() == MAX_NOTS + 1 && !refused {
                        refused = true;
                        self.diags.push(
                            Diagnostic::new(
                                Code::NestingTooDeep,
                                self.span(&p),
                                format!("more than {MAX_NOTS} `not` in a row"),
                            )
                            .label("too deep")
                            .help("two `not` cancel out: simplify the condition"),
                        );
                    }
                }
                Rule::op_and | Rule::op_or => {
                    ops.push((p.as_rule() == Rule::op_and, self.span(&p)))
                }
                Rule::paren | Rule::cond_simple => {
                    let d = depth + nots.len() + 1;
                    let mut c = if refused {
                        Cond {
                            span: self.trimmed(&p),
                            kind: CondKind::Error,
                        }
                    } else if d > MAX_COND_DEPTH {
                        refused = true;
                        self.diags.push(
                            Diagnostic::new(
                                Code::NestingTooDeep,
                                self.span(&p),
                                format!("condition nested more than {MAX_COND_DEPTH} levels deep"),
                            )
                            .label("too deep")
                            .help("split the condition, or take out parentheses and `not` that are not needed"),
                        );
                        Cond {
                            span: self.trimmed(&p),
                            kind: CondKind::Error,
                        }
                    } else if p.as_rule() == Rule::paren {
                        self.paren(p, d)
                    } else {
                        self.simple(p)
                    };
                    if refused {
                        nots.clear();
                    }
                    for op in nots.drain(..).rev() {
                        c = Cond {
                            span: op.join(c.span),
                            kind: CondKind::Not {
                                op,
                                inner: Box::new(c),
                            },
                        };
                    }
                    terms.push(c);
                }
                _ => {}
            }
        }
        if refused {
            return Cond {
                span,
                kind: CondKind::Error,
            };
        }
        group(terms, ops).unwrap_or(Cond {
            span,
            kind: CondKind::Error,
        })
    }

    fn paren(&mut self, pair: Pair<'_, Rule>, depth: usize) -> Cond {
        let span = self.span(&pair);
        let s = pair.as_span();
        let close = self.range(s.end() - 1, s.end());
        let inner = pair
            .into_inner()
            .find(|p| p.as_rule() == Rule::condition)
            .map(|c| self.condition(c, depth))
            .unwrap_or(Cond {
                span,
                kind: CondKind::Error,
            });
        Cond {
            span,
            kind: CondKind::Paren {
                inner: Box::new(inner),
                close,
            },
        }
    }

    fn simple(&mut self, pair: Pair<'_, Rule>) -> Cond {
        let span = self.trimmed(&pair);
        let mut words = Vec::new();
        let mut op: Option<(Span, CmpOp)> = None;
        let mut value = None;
        let mut kw_in = None;
        let mut list = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::atom if op.is_some() => value = Some(self.span(&p)),
                Rule::atom => words.push(self.span(&p)),
                Rule::cmp_op => op = CmpOp::from_text(p.as_str()).map(|c| (self.span(&p), c)),
                Rule::kw_in => kw_in = Some(self.span(&p)),
                Rule::list => list = Some(self.arg(p)),
                _ => {}
            }
        }
        let kind = match (op, value, kw_in, list) {
            (Some((op, cmp)), Some(value), _, _) => CondKind::Compare {
                subject: words,
                op,
                cmp,
                value,
            },
            (_, _, Some(kw), Some(list)) => CondKind::In {
                subject: words,
                kw,
                list,
            },
            _ => CondKind::Words(words),
        };
        Cond { span, kind }
    }
}

/// Groups terms and operators: `not` is already applied; `and` binds tighter than `or`.
pub(super) fn group(terms: Vec<Cond>, ops: Vec<(bool, Span)>) -> Option<Cond> {
    let mut ors: Vec<Cond> = Vec::new();
    let mut or_ops: Vec<Span> = Vec::new();
    let mut and_terms: Vec<Cond> = Vec::new();
    let mut and_ops: Vec<Span> = Vec::new();
    let mut terms = terms.into_iter();
    and_terms.push(terms.next()?);
    let flush = |and_terms: &mut Vec<Cond>, and_ops: &mut Vec<Span>| -> Option<Cond> {
        if and_terms.len() == 1 {
            return and_terms.pop();
        }
        let span = and_terms.first()?.span.join(and_terms.last()?.span);
        Some(Cond {
            span,
            kind: CondKind::And {
                terms: std::mem::take(and_terms),
                ops: std::mem::take(and_ops),
            },
        })
    };
    for ((is_and, op), t) in ops.into_iter().zip(terms) {
        if is_and {
            and_ops.push(op);
        } else {
            ors.extend(flush(&mut and_terms, &mut and_ops));
            or_ops.push(op);
        }
        and_terms.push(t);
    }
    ors.extend(flush(&mut and_terms, &mut and_ops));
    if ors.len() == 1 {
        return ors.pop();
    }
    let span = ors.first()?.span.join(ors.last()?.span);
    Some(Cond {
        span,
        kind: CondKind::Or {
            terms: ors,
            ops: or_ops,
        },
    })
}
