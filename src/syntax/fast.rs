//! A hand-written reader for the common case: an item the scanner did not repair, that has
//! no syntax error and is written in ASCII where a token starts. It reads `grammar/imp.pest`
//! the way pest does, with the same ordered choices, and builds the same tree as
//! [`build`](super::build) builds from pest's pairs, in one pass and without the pairs.
//!
//! It never reports a syntax error: at anything it does not read exactly as pest would (an
//! error node, a quote, a token that starts outside ASCII, a condition near its depth limit)
//! it gives up, and the item is parsed by pest, which reports. Giving up is always allowed;
//! reading differently from pest never is. A test and a fuzz target compare the two readers
//! on every item they read (`tests/reader.rs`, `fuzz/fuzz_targets/reader.rs`).

use super::build::{Builder, MAX_COND_DEPTH, MAX_NOTS, group};
use super::tree::*;
use crate::source::Span;

/// The reader gave up; pest reads the item.
pub(super) struct GiveUp;

type Read<T> = Result<T, GiveUp>;

/// Reads an item's text; `None` when the reader gave up (nothing of `b` is changed then).
pub(super) fn read(b: &mut Builder<'_>, text: &str) -> Option<Vec<Node>> {
    let diags = b.diags.len();
    let mut r = Reader {
        b,
        s: text.as_bytes(),
        text,
        pos: 0,
    };
    match r.item() {
        Ok((nodes, semis)) => {
            r.b.semis = semis;
            Some(nodes)
        }
        Err(GiveUp) => {
            r.b.diags.truncate(diags);
            None
        }
    }
}

/// `atom_char` of the grammar, for the byte at `i` (a byte of a character outside ASCII is
/// one, as that character is).
fn atom_char(s: &[u8], i: usize) -> bool {
    match s[i] {
        b'^'..=b'z' | b'.'..=b':' | b'?'..=b'Z' | b'$'..=b'\'' | b'*' | b'+' | b'\\' | b'|' => true,
        b'~' | 0x80..=0xff => true,
        b'-' => s.get(i + 1) != Some(&b'>'),
        _ => false,
    }
}

/// `atom_start`, in ASCII.
fn atom_start(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// `key_char`.
fn key_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

struct Reader<'r, 'a> {
    b: &'r mut Builder<'a>,
    s: &'r [u8],
    text: &'r str,
    pos: usize,
}

impl Reader<'_, '_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.s.get(i).copied()
    }

    fn span(&self, start: usize, end: usize) -> Span {
        self.b.range(start, end)
    }

    /// Whether the text at the position is the word `w`, not followed by an `atom_char`.
    fn word(&self, w: &[u8]) -> bool {
        let end = self.pos + w.len();
        self.s.get(self.pos..end) == Some(w) && (end == self.s.len() || !atom_char(self.s, end))
    }

    /// `ws`.
    fn ws(&mut self) {
        while let Some(b' ' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    /// `NEWLINE`: its length, or 0.
    fn newline(&self) -> usize {
        match self.peek() {
            Some(b'\n') => 1,
            Some(b'\r') if self.at(self.pos + 1) == Some(b'\n') => 2,
            Some(b'\r') => 1,
            _ => 0,
        }
    }

    /// `comment`, at a `#`.
    fn comment(&mut self) {
        let rest = &self.s[self.pos..];
        self.pos += memchr::memchr2(b'\n', b'\r', rest).unwrap_or(rest.len());
    }

    /// `gap`, keeping the `;`.
    fn gap(&mut self, semis: &mut Vec<Span>) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => self.pos += 1,
                Some(b'#') => self.comment(),
                Some(b'\n' | b'\r') => self.pos += self.newline(),
                Some(b';') => {
                    semis.push(self.span(self.pos, self.pos + 1));
                    self.pos += 1;
                }
                _ => return,
            }
        }
    }

    /// `lgap`.
    fn lgap(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t') => self.pos += 1,
                Some(b'#') => self.comment(),
                Some(b'\n' | b'\r') => self.pos += self.newline(),
                _ => return,
            }
        }
    }

    /// `cgap`: blanks, and line breaks each after an optional comment.
    fn cgap(&mut self) {
        self.ws();
        loop {
            let save = self.pos;
            if self.peek() == Some(b'#') {
                self.comment();
            }
            let n = self.newline();
            if n == 0 {
                self.pos = save;
                return;
            }
            self.pos += n;
            self.ws();
        }
    }

    /// `item`: the nodes and the top-level `;`.
    fn item(&mut self) -> Read<(Vec<Node>, Vec<Span>)> {
        let mut nodes = Vec::new();
        let mut semis = Vec::new();
        self.gap(&mut semis);
        while self.pos < self.s.len() {
            nodes.push(Node::Entry(self.entry()?));
            self.gap(&mut semis);
        }
        Ok((nodes, semis))
    }

    /// `entry ~ &entry_end`.
    fn entry(&mut self) -> Read<Entry> {
        let start = self.pos;
        let mut args = Vec::new();
        let mut when = None;
        let key;
        if self.word(b"when") {
            // `when_clause ~ (ws ~ &"{" ~ block)?`
            key = self.span(start, start + 4);
            when = Some(self.when_clause()?);
        } else {
            if !self
                .peek()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
            {
                return Err(GiveUp);
            }
            while self.peek().is_some_and(key_char) {
                self.pos += 1;
            }
            key = self.span(start, self.pos);
            // `(ws ~ !when_word ~ arg)*`
            loop {
                let save = self.pos;
                self.ws();
                if self.word(b"when") {
                    self.pos = save;
                    break;
                }
                match self.arg()? {
                    Some(a) => args.push(a),
                    None => {
                        self.pos = save;
                        break;
                    }
                }
            }
            // `(ws ~ &"w" ~ when_clause)?`
            let save = self.pos;
            self.ws();
            if self.word(b"when") {
                when = Some(self.when_clause()?);
            } else {
                self.pos = save;
            }
        }
        // `(ws ~ &"{" ~ block)?`
        let save = self.pos;
        self.ws();
        let block = if self.peek() == Some(b'{') {
            Some(self.block()?)
        } else {
            self.pos = save;
            None
        };
        // `&entry_end`
        let mut p = self.pos;
        while let Some(b' ' | b'\t') = self.at(p) {
            p += 1;
        }
        if !matches!(self.at(p), None | Some(b'#' | b'\n' | b'\r' | b';' | b'}')) {
            return Err(GiveUp);
        }
        Ok(self.b.entry_of(key, args, when, block))
    }

    /// `when_clause`, at a `when` word.
    fn when_clause(&mut self) -> Read<When> {
        let kw = self.span(self.pos, self.pos + 4);
        self.pos += 4;
        self.ws();
        let cond = self.condition(0)?;
        Ok(When { kw, cond })
    }

    /// `block`, at a `{`.
    fn block(&mut self) -> Read<Block> {
        let open = self.span(self.pos, self.pos + 1);
        self.pos += 1;
        let mut semis = Vec::new();
        let mut nodes = Vec::new();
        self.gap(&mut semis);
        loop {
            match self.peek() {
                None => return Err(GiveUp),
                Some(b'}') => break,
                Some(_) => {
                    nodes.push(Node::Entry(self.entry()?));
                    self.gap(&mut semis);
                }
            }
        }
        let close = self.span(self.pos, self.pos + 1);
        self.pos += 1;
        Ok(Block {
            open,
            nodes,
            close: Some(close),
            semis,
        })
    }

    /// `arg`: `None` where no argument starts.
    fn arg(&mut self) -> Read<Option<Arg>> {
        match self.peek() {
            Some(b'-') if self.at(self.pos + 1) == Some(b'>') => {
                let span = self.span(self.pos, self.pos + 2);
                self.pos += 2;
                Ok(Some(Arg {
                    span,
                    kind: ArgKind::Arrow,
                }))
            }
            Some(b'-') => Ok(None),
            _ => self.value(),
        }
    }

    /// `list_item`, which is `arg` without `->`: `None` where none starts.
    fn value(&mut self) -> Read<Option<Arg>> {
        let start = self.pos;
        let kind = match self.peek() {
            Some(c) if atom_start(c) => {
                self.atom();
                ArgKind::Atom
            }
            Some(b'"') => self.string()?,
            Some(b'[') => ArgKind::List(Box::new(self.list()?)),
            Some(b'{') if self.at(self.pos + 1) == Some(b'{') => {
                self.placeholder()?;
                ArgKind::Placeholder
            }
            // A quote, or a character outside ASCII, which may be a typographic quote.
            Some(b'\'' | 0x80..=0xff) => return Err(GiveUp),
            _ => return Ok(None),
        };
        Ok(Some(Arg {
            span: self.span(start, self.pos),
            kind,
        }))
    }

    /// `atom`, at an `atom_start`.
    fn atom(&mut self) {
        self.pos += 1;
        while self.pos < self.s.len() && atom_char(self.s, self.pos) {
            self.pos += 1;
        }
    }

    /// `text_block | string`, at a `"`.
    fn string(&mut self) -> Read<ArgKind> {
        let start = self.pos;
        if self.s[start..].starts_with(b"\"\"\"") {
            let end = memchr::memmem::find(&self.s[start + 3..], b"\"\"\"").ok_or(GiveUp)?;
            self.pos = start + 3 + end + 3;
            return Ok(ArgKind::TextBlock);
        }
        let mut i = start + 1;
        loop {
            match memchr::memchr2(b'"', b'\\', &self.s[i..]) {
                Some(n) if self.s[i + n] == b'"' => {
                    i += n + 1;
                    break;
                }
                // A backslash and the character after it (a byte of it: the rest cannot
                // be a quote or a backslash).
                Some(n) if i + n + 1 < self.s.len() => i += n + 2,
                _ => return Err(GiveUp),
            }
        }
        self.pos = i;
        let text = self.text;
        self.b.escapes(start, &text[start..i]);
        Ok(ArgKind::Str)
    }

    /// `placeholder`, at `{{`.
    fn placeholder(&mut self) -> Read<()> {
        let mut i = self.pos + 2;
        while let Some(c) = self.at(i) {
            if matches!(c, b'{' | b'}' | b'\n' | b'\r') {
                break;
            }
            i += 1;
        }
        if self.s.get(i..i + 2) != Some(b"}}") {
            return Err(GiveUp);
        }
        self.pos = i + 2;
        Ok(())
    }

    /// `list`, at a `[`.
    fn list(&mut self) -> Read<List> {
        self.pos += 1;
        self.lgap();
        let mut items = Vec::new();
        let mut commas = Vec::new();
        if let Some(first) = self.value()? {
            items.push(first);
            // `(lgap ~ comma ~ lgap ~ list_item)*`
            loop {
                let save = self.pos;
                self.lgap();
                if self.peek() == Some(b',') {
                    let comma = self.span(self.pos, self.pos + 1);
                    self.pos += 1;
                    self.lgap();
                    if let Some(item) = self.value()? {
                        commas.push(comma);
                        items.push(item);
                        continue;
                    }
                }
                self.pos = save;
                break;
            }
            // `(lgap ~ comma)?`
            let save = self.pos;
            self.lgap();
            if self.peek() == Some(b',') {
                commas.push(self.span(self.pos, self.pos + 1));
                self.pos += 1;
            } else {
                self.pos = save;
            }
        }
        self.lgap();
        if self.peek() != Some(b']') {
            return Err(GiveUp);
        }
        let close = self.span(self.pos, self.pos + 1);
        self.pos += 1;
        Ok(List {
            items,
            commas,
            close: Some(close),
        })
    }

    /// `condition`: terms, and the `and` and `or` between them, grouped as the builder does.
    fn condition(&mut self, depth: usize) -> Read<Cond> {
        let mut terms = vec![self.unary(depth)?];
        let mut ops = Vec::new();
        loop {
            let save = self.pos;
            self.cgap();
            let is_and = if self.word(b"and") {
                true
            } else if self.word(b"or") {
                false
            } else {
                self.pos = save;
                break;
            };
            let len = if is_and { 3 } else { 2 };
            ops.push((is_and, self.span(self.pos, self.pos + len)));
            self.pos += len;
            self.cgap();
            terms.push(self.unary(depth)?);
        }
        group(terms, ops).ok_or(GiveUp)
    }

    /// `cond_unary`: `not`s, then a parenthesis or a simple condition.
    fn unary(&mut self, depth: usize) -> Read<Cond> {
        let mut nots = Vec::new();
        while self.word(b"not") {
            nots.push(self.span(self.pos, self.pos + 3));
            self.pos += 3;
            self.ws();
        }
        let d = depth + nots.len() + 1;
        // Near its limits a condition is refused and reported, by pest's builder.
        if nots.len() > MAX_NOTS || d > MAX_COND_DEPTH {
            return Err(GiveUp);
        }
        let mut c = if self.peek() == Some(b'(') {
            self.paren(d)?
        } else {
            self.simple()?
        };
        for op in nots.into_iter().rev() {
            c = Cond {
                span: op.join(c.span),
                kind: CondKind::Not {
                    op,
                    inner: Box::new(c),
                },
            };
        }
        Ok(c)
    }

    /// `paren`, at a `(`.
    fn paren(&mut self, depth: usize) -> Read<Cond> {
        let start = self.pos;
        self.pos += 1;
        self.cgap();
        let inner = self.condition(depth)?;
        self.cgap();
        if self.peek() != Some(b')') {
            return Err(GiveUp);
        }
        let close = self.span(self.pos, self.pos + 1);
        self.pos += 1;
        Ok(Cond {
            span: self.span(start, self.pos),
            kind: CondKind::Paren {
                inner: Box::new(inner),
                close,
            },
        })
    }

    /// `cond_word`: `None` at a condition's key word or where no atom starts.
    fn cond_word(&mut self) -> Read<Option<Span>> {
        match self.peek() {
            Some(0x80..=0xff) => Err(GiveUp),
            Some(c) if atom_start(c) => {
                if self.word(b"and") || self.word(b"or") || self.word(b"not") || self.word(b"in") {
                    return Ok(None);
                }
                let start = self.pos;
                self.atom();
                Ok(Some(self.span(start, self.pos)))
            }
            _ => Ok(None),
        }
    }

    /// `cond_simple`: words, then a comparison, a membership or nothing.
    fn simple(&mut self) -> Read<Cond> {
        let start = self.pos;
        let mut words = vec![self.cond_word()?.ok_or(GiveUp)?];
        loop {
            let save = self.pos;
            self.ws();
            match self.cond_word()? {
                Some(w) => words.push(w),
                None => {
                    self.pos = save;
                    break;
                }
            }
        }
        let save = self.pos;
        self.ws();
        let rest = &self.s[self.pos..];
        let cmp = [">=", "<=", "==", "!=", ">", "<"]
            .into_iter()
            .find(|op| rest.starts_with(op.as_bytes()));
        let kind = if let Some(op) = cmp {
            let op_span = self.span(self.pos, self.pos + op.len());
            self.pos += op.len();
            self.ws();
            let value = self.cond_word()?.ok_or(GiveUp)?;
            CondKind::Compare {
                subject: words,
                op: op_span,
                cmp: CmpOp::from_text(op).ok_or(GiveUp)?,
                value,
            }
        } else if self.word(b"in") {
            let kw = self.span(self.pos, self.pos + 2);
            self.pos += 2;
            self.ws();
            if self.peek() != Some(b'[') {
                return Err(GiveUp);
            }
            let list_start = self.pos;
            let list = self.list()?;
            CondKind::In {
                subject: words,
                kw,
                list: Arg {
                    span: self.span(list_start, self.pos),
                    kind: ArgKind::List(Box::new(list)),
                },
            }
        } else {
            self.pos = save;
            CondKind::Words(words)
        };
        Ok(Cond {
            span: self.span(start, self.pos),
            kind,
        })
    }
}
