//! Reading property values by their shape in the schema: the arguments of an entry to a
//! typed value, every malformed one reported with its fix.

use super::literal::{self, Bad};
use super::{Loose, Lower};
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::model::refs::{Member, Ref, RefTarget};
use crate::model::schema::{Kind, Shape};
use crate::model::value::*;
use crate::model::vocab::{DurationUnit, Group, Vocab};
use crate::source::Span;
use crate::syntax::text::{dedent, unescape};
use crate::syntax::tree::{Arg, ArgKind, Entry};

/// Opening typographic quotes, and the closing one each is paired with.
const QUOTES: &[(char, &[char])] = &[
    ('\u{201c}', &['\u{201d}', '\u{201c}']),
    ('\u{201d}', &['\u{201d}']),
    ('\u{201e}', &['\u{201c}', '\u{201d}']),
    ('\u{2018}', &['\u{2019}', '\u{2018}']),
    ('\u{2019}', &['\u{2019}']),
    ('\u{201a}', &['\u{2018}', '\u{2019}']),
    ('\u{00ab}', &['\u{00bb}']),
    ('\u{00bb}', &['\u{00ab}']),
    ('\u{2039}', &['\u{203a}']),
    ('\'', &['\'']),
];

impl Lower<'_> {
    /// The key word of an entry, for messages.
    pub fn key_text(&self, e: &Entry) -> &str {
        self.text(e.key)
    }

    /// Reports that a property's value does not have its shape.
    pub fn bad_value(&mut self, e: &Entry, shape: Shape, at: Option<&Arg>) {
        // A placeholder stands for a value of any form.
        if let Some(a) = at
            .or(e.args.first())
            .filter(|a| matches!(a.kind, ArgKind::Placeholder))
        {
            self.placeholder(a);
            return;
        }
        let (span, found) = match at.or(e.args.first()) {
            Some(a) => (a.span, self.describe(a).to_string()),
            None => (e.key, "nothing".to_string()),
        };
        let key = self.key_text(e).to_string();
        // A list where one name belongs: say to keep one.
        let one_of = match at.or(e.args.first()).map(|a| &a.kind) {
            Some(ArgKind::List(l)) if shape.ref_kinds().is_some() => l
                .items
                .iter()
                .find(|i| i.is_atom())
                .map(|i| self.text(i.span)),
            _ => None,
        };
        let help = match one_of {
            Some(first) => {
                format!("`{key}` takes one name, not a list: keep one, e.g. `{key} {first}`")
            }
            None => "see docs/language.md for the form of each property".to_string(),
        };
        self.report(
            Diagnostic::new(
                Code::BadValue,
                span,
                format!("`{key}` expects {}", shape.form()),
            )
            .label(format!("found {found}"))
            .help(help),
        );
        if let Some(a) = at.or(e.args.first()) {
            self.loose_arg(a, shape.ref_kinds().unwrap_or(&[]));
        }
    }

    /// The names in a refused argument, still looked up.
    fn loose_arg(&mut self, a: &Arg, kinds: &'static [Kind]) {
        match &a.kind {
            ArgKind::Atom if literal::is_name(self.text(a.span)) => self.loose.push(Loose {
                span: a.span,
                kinds,
                quoted: None,
            }),
            ArgKind::List(l) => {
                for i in &l.items {
                    self.loose_arg(i, kinds);
                }
            }
            _ => {}
        }
    }

    /// References that lowering could not keep, still looked up.
    pub fn loose_refs<T>(&mut self, refs: &[Ref<T>], kinds: &'static [Kind]) {
        for r in refs {
            self.loose.push(Loose {
                span: r.span,
                kinds,
                quoted: None,
            });
        }
    }

    /// Reports arguments left over after a value was read.
    pub fn extra(&mut self, e: &Entry, shape: Shape, used: usize) -> bool {
        let Some(a) = e.args.get(used) else {
            return false;
        };
        let end = e.args.last().map_or(a.span, |l| l.span);
        let key = self.key_text(e).to_string();
        // `owner alice next b`: a second property on the line, without `;`. Its words are
        // not names of this property, so they are not looked up.
        let word = self.text(a.span);
        if a.is_atom() && crate::model::schema::is_property_word(word) {
            self.report(
                Diagnostic::new(
                    Code::BadValue,
                    a.span.join(end),
                    format!("unexpected value after `{key}`"),
                )
                .label(format!("`{word}` starts another property"))
                .help(format!(
                    "put `;` or a line break before `{word}`: one property per line, or `;` between them"
                )),
            );
            return true;
        }
        self.report(
            Diagnostic::new(
                Code::BadValue,
                a.span.join(end),
                format!("unexpected value after `{key}`"),
            )
            .label("not expected here")
            .help(format!("`{key}` expects {}", shape.form())),
        );
        for a in &e.args[used..] {
            self.loose_arg(a, shape.ref_kinds().unwrap_or(&[]));
        }
        true
    }

    /// Reports a literal that is not what it should be.
    pub fn bad_literal(&mut self, span: Span, b: Bad) {
        let span = match b.at {
            Some((s, e)) => Span::new(span.lo + s as u32, span.lo + e as u32),
            None => span,
        };
        self.report(
            Diagnostic::new(b.code, span, b.message)
                .label(b.label)
                .help(b.help),
        );
    }

    /// Whether an atom starts with a typographic (or single) quote.
    pub fn is_typographic_quote(&self, a: &Arg) -> bool {
        a.is_atom()
            && self
                .text(a.span)
                .chars()
                .next()
                .is_some_and(|c| QUOTES.iter().any(|(q, _)| *q == c))
    }

    /// Text in typographic quotes, over one or more atoms: reported, and read as the text
    /// between the quotes. Returns the text and how many arguments it took.
    pub fn typographic(&mut self, args: &[Arg]) -> (Option<Text>, usize) {
        let Some(first) = args.first() else {
            return (None, 0);
        };
        let t = self.text(first.span);
        let open = t.chars().next().unwrap_or('"');
        let closers = QUOTES
            .iter()
            .find(|(q, _)| *q == open)
            .map_or(&[][..], |(_, c)| *c);
        let ends = |s: &str, first: bool| {
            let body = if first { &s[open.len_utf8()..] } else { s };
            body.chars().last().is_some_and(|c| closers.contains(&c))
        };
        let mut used = 1;
        if !ends(t, true) {
            // Consecutive atoms up to the one that closes the quote.
            let mut end = None;
            for (i, a) in args.iter().enumerate().skip(1) {
                if !a.is_atom() {
                    break;
                }
                if ends(self.text(a.span), false) {
                    end = Some(i);
                    break;
                }
            }
            used = end.map_or(1, |i| i + 1);
        }
        let span = first.span.join(args[used - 1].span);
        let raw = self.text(span);
        let mut inner = &raw[open.len_utf8()..];
        if let Some(c) = inner.chars().last().filter(|c| closers.contains(c)) {
            inner = &inner[..inner.len() - c.len_utf8()];
        }
        self.wrong_quotes(span, open, inner);
        (
            Some(Text {
                span,
                owned: Some(inner.into()),
                quote: 0,
            }),
            used,
        )
    }

    /// Reports text between quotes other than `"`, opened by `open`.
    fn wrong_quotes(&mut self, span: Span, open: char, inner: &str) {
        let straight = open == '\'';
        self.report(
            Diagnostic::new(
                Code::TypographicQuotes,
                span,
                if straight {
                    "text in single quotes"
                } else {
                    "text in typographic quotes"
                },
            )
            .label(if straight {
                "single quotes"
            } else {
                "curly quotes, as a word processor writes them"
            })
            .help(format!(
                "write text between straight double quotes: `\"{inner}\"`"
            )),
        );
    }

    /// The quotes just reported are around a name, where a name is expected: the fix is
    /// to drop them, not to straighten them.
    fn quotes_around_name(&mut self, name: &str) {
        if let Some(d) = self
            .diags
            .last_mut()
            .filter(|d| d.code == Code::TypographicQuotes)
        {
            d.message = d.message.replacen("text", "name", 1);
            d.help = Some(format!("a name is written without quotes: `{name}`").into());
        }
    }

    /// The text of a string or text block argument; template placeholders inside it are
    /// reported and recorded.
    pub fn text_of(&mut self, a: &Arg) -> Option<Text> {
        let raw = self.text(a.span);
        if matches!(a.kind, ArgKind::Str | ArgKind::TextBlock) && raw.contains("{{") {
            let bytes = raw.as_bytes();
            let mut i = 0;
            while let Some(off) = memchr::memmem::find(&bytes[i..], b"{{") {
                let at = i + off;
                match crate::syntax::scan::placeholder_end(bytes, at) {
                    Some(end) => {
                        let span = Span::new(a.span.lo + at as u32, a.span.lo + end as u32);
                        self.placeholder_at(self.key, span);
                        i = end;
                    }
                    None => i = at + 2,
                }
            }
        }
        match a.kind {
            ArgKind::Str if !raw.starts_with('"') => {
                // Typographic or single quotes: reported, and the text between them read.
                let open = raw.chars().next().unwrap_or('"');
                let close = raw.chars().last().unwrap_or('"');
                let inner = &raw[open.len_utf8()..raw.len() - close.len_utf8()];
                self.wrong_quotes(a.span, open, inner);
                Some(Text {
                    span: a.span,
                    owned: Some(inner.into()),
                    quote: 0,
                })
            }
            ArgKind::Str => {
                let closed = raw.len() >= 2 && raw.ends_with('"');
                let inner = if closed {
                    &raw[1..raw.len() - 1]
                } else {
                    raw.get(1..).unwrap_or("")
                };
                let (text, _) = unescape(inner);
                let owned = match text {
                    std::borrow::Cow::Borrowed(_) if closed => None,
                    t => Some(t.into_owned().into_boxed_str()),
                };
                Some(Text {
                    span: a.span,
                    owned,
                    quote: 1,
                })
            }
            ArgKind::TextBlock => {
                let inner = raw.get(3..raw.len().saturating_sub(3)).unwrap_or("");
                let text = dedent(inner);
                let owned = (text != inner).then(|| text.into_boxed_str());
                Some(Text {
                    span: a.span,
                    owned,
                    quote: 3,
                })
            }
            _ => None,
        }
    }

    /// A text argument, with typographic quotes and placeholders reported.
    fn text_arg(&mut self, e: &Entry, at: usize, shape: Shape) -> Option<(Text, usize)> {
        let a = e.args.get(at)?;
        match a.kind {
            ArgKind::Str | ArgKind::TextBlock => Some((self.text_of(a)?, 1)),
            ArgKind::Placeholder => {
                self.placeholder(a);
                None
            }
            ArgKind::Atom if self.is_typographic_quote(a) => {
                let (t, used) = self.typographic(&e.args[at..]);
                Some((t?, used))
            }
            _ => {
                self.bad_value(e, shape, Some(a));
                None
            }
        }
    }

    /// `"text"`.
    pub fn string(&mut self, e: &Entry) -> Option<Text> {
        self.text_shaped(e, Shape::Text)
    }

    fn text_shaped(&mut self, e: &Entry, shape: Shape) -> Option<Text> {
        if e.args.is_empty() {
            self.bad_value(e, shape, None);
            return None;
        }
        let (t, used) = self.text_arg(e, 0, shape)?;
        if self.extra(e, shape, used) {
            return None;
        }
        Some(t)
    }

    /// A list of strings, or one.
    pub fn texts(&mut self, e: &Entry) -> Option<List<Text>> {
        let shape = Shape::Texts;
        let Some(first) = e.args.first() else {
            self.bad_value(e, shape, None);
            return None;
        };
        if let Some(l) = first.list() {
            self.extra(e, shape, 1);
            let mut items = Vec::new();
            for a in &l.items {
                match a.kind {
                    ArgKind::Str | ArgKind::TextBlock => items.extend(self.text_of(a)),
                    ArgKind::Placeholder => self.placeholder(a),
                    ArgKind::Atom if self.is_typographic_quote(a) => {
                        items.extend(self.typographic(std::slice::from_ref(a)).0)
                    }
                    _ => self.bad_value(e, shape, Some(a)),
                }
            }
            return Some(List {
                span: first.span,
                items,
            });
        }
        let (t, used) = self.text_arg(e, 0, shape)?;
        self.extra(e, shape, used);
        Some(List {
            span: t.span,
            items: vec![t],
        })
    }

    /// A key word alone.
    pub fn flag(&mut self, e: &Entry) -> Option<Flag> {
        (!self.extra(e, Shape::Flag, 0)).then_some(Flag { span: e.key })
    }

    /// A checked string: an e-mail address, a web address or a telephone number.
    pub fn contact(&mut self, e: &Entry, shape: Shape) -> Option<Text> {
        let t = self.text_shaped(e, shape)?;
        if self.holds_placeholder(&t) {
            // Reported: its form is the template's business.
            return Some(t);
        }
        let s = t
            .owned
            .as_deref()
            .unwrap_or_else(|| self.text(t.span.shrink(u32::from(t.quote))))
            .to_string();
        let problem = match shape {
            Shape::Email => {
                let ok = s.split_once('@').is_some_and(|(a, b)| {
                    !a.is_empty() && b.contains('.') && !b.starts_with('.') && !b.ends_with('.')
                }) && !s.chars().any(char::is_whitespace);
                (!ok).then_some("an e-mail address has the form `name@domain.example`")
            }
            Shape::Url => {
                let host = s
                    .strip_prefix("https://")
                    .or_else(|| s.strip_prefix("http://"));
                let ok = host.is_some_and(|h| !h.is_empty() && !h.starts_with('/'))
                    && !s.chars().any(char::is_whitespace);
                (!ok).then_some("a web address starts with `https://` and has no spaces")
            }
            Shape::Phone => {
                let digits = s.chars().filter(char::is_ascii_digit).count();
                let ok = digits >= 3
                    && s.chars()
                        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
                (!ok).then_some("a telephone number has digits, spaces, `+`, `-` and brackets only")
            }
            _ => None,
        };
        if let Some(help) = problem {
            let what = match shape {
                Shape::Email => "e-mail address",
                Shape::Url => "web address",
                _ => "telephone number",
            };
            self.report(
                Diagnostic::new(
                    Code::InvalidContact,
                    t.span,
                    format!("`{s}` is not a valid {what}"),
                )
                .label("invalid")
                .help(help),
            );
            return None;
        }
        if shape == Shape::Email {
            self.mixed_scripts(&s, t.span);
        }
        Some(t)
    }

    /// An address whose letters come from several scripts may imitate another one.
    fn mixed_scripts(&mut self, s: &str, span: Span) {
        use unicode_script::{Script, UnicodeScript};
        let mut scripts: Vec<Script> = Vec::new();
        for c in s.chars().filter(|c| c.is_alphabetic()) {
            let sc = c.script();
            if !matches!(sc, Script::Common | Script::Inherited | Script::Unknown)
                && !scripts.contains(&sc)
            {
                scripts.push(sc);
            }
        }
        if scripts.len() > 1 {
            let names: Vec<&str> = scripts.iter().map(|s| s.full_name()).collect();
            let list = match names.as_slice() {
                [init @ .., last] => format!("{} and {last}", init.join(", ")),
                [] => String::new(),
            };
            self.report(
                Diagnostic::new(
                    Code::MixedScriptAddress,
                    span,
                    format!("`{s}` mixes {list} letters"),
                )
                .label("letters of more than one script")
                .help("an address that mixes scripts can imitate another one: check that it is the address you mean"),
            );
        }
    }

    /// An IANA time zone, in quotes.
    pub fn timezone(&mut self, e: &Entry) -> Option<TimeZone> {
        if let Some(a) = e.args.first()
            && a.is_atom()
            && !self.is_typographic_quote(a)
        {
            let w = self.text(a.span).to_string();
            self.report(
                Diagnostic::new(
                    Code::BadValue,
                    a.span,
                    format!("`{}` expects {}", self.key_text(e), Shape::TimeZone.form()),
                )
                .label("a time zone is written in quotes")
                .help(format!("write `\"{w}\"`")),
            );
            return None;
        }
        let t = self.text_shaped(e, Shape::TimeZone)?;
        if self.holds_placeholder(&t) {
            // Reported: the zone is not known yet.
            return None;
        }
        let s = t
            .owned
            .as_deref()
            .unwrap_or_else(|| self.text(t.span.shrink(u32::from(t.quote))))
            .to_string();
        let db = tz_db();
        if let Ok(tz) = db.get(&s) {
            return Some(TimeZone { tz, span: t.span });
        }
        let help = match tz_names().suggest(&s) {
            Some(n) => format!("did you mean `{}`?", n.name),
            None => "use an IANA time zone name such as `Europe/London` or `UTC`".to_string(),
        };
        let shown: String = s.chars().take(64).collect();
        let shown = if shown.len() < s.len() {
            format!("{shown}…")
        } else {
            shown
        };
        self.report(
            Diagnostic::new(
                Code::UnknownTimeZone,
                t.span,
                format!("unknown time zone `{shown}`"),
            )
            .label("not in the time zone database")
            .help(help),
        );
        None
    }

    /// A number of at least `min`.
    pub fn int_arg(&mut self, a: &Arg, min: u32) -> Option<Spanned<u32>> {
        let text = self.text(a.span);
        match literal::integer(text) {
            Ok(n) if n >= min => Some(Spanned {
                value: n,
                span: a.span,
            }),
            Ok(n) => {
                self.report(
                    Diagnostic::new(
                        Code::NumberOutOfRange,
                        a.span,
                        format!("{n} is too small here"),
                    )
                    .label(format!("must be at least {min}"))
                    .help("use a number of at least 1"),
                );
                None
            }
            Err(b) => {
                self.bad_literal(a.span, b);
                None
            }
        }
    }

    /// Whether an argument is a number.
    pub fn is_int(&self, a: &Arg) -> bool {
        a.is_atom()
            && !self.text(a.span).is_empty()
            && self.text(a.span).bytes().all(|b| b.is_ascii_digit())
    }

    /// A date argument.
    pub fn date_arg(&mut self, a: &Arg) -> Option<Date> {
        if matches!(a.kind, ArgKind::Placeholder) {
            self.placeholder(a);
            return None;
        }
        if a.is_atom() && self.text(a.span) == "tbd" {
            self.not_stated(self.key, a.span, None);
            return None;
        }
        match literal::date(self.text(a.span)) {
            Ok(date) => Some(Date { date, span: a.span }),
            Err(b) => {
                self.bad_literal(a.span, b);
                None
            }
        }
    }

    /// Whether an argument could be meant as a date (starts with a digit, or is a template).
    fn date_like(&self, a: &Arg) -> bool {
        matches!(a.kind, ArgKind::Placeholder)
            || (a.is_atom() && self.text(a.span) == "tbd")
            || (a.is_atom() && {
                let t = self.text(a.span);
                t.starts_with(|c: char| c.is_ascii_digit())
                    || t.to_ascii_uppercase().starts_with("YYYY")
                    || t.to_ascii_uppercase().starts_with("DD")
            })
    }

    pub fn date(&mut self, e: &Entry) -> Option<Date> {
        match e.args.first() {
            Some(a) if self.date_like(a) => {
                self.extra(e, Shape::Date, 1);
                self.date_arg(a)
            }
            _ => {
                self.bad_value(e, Shape::Date, None);
                None
            }
        }
    }

    /// Whether an argument could be meant as a duration (starts with a digit).
    pub fn duration_like(&self, a: &Arg) -> bool {
        matches!(a.kind, ArgKind::Placeholder)
            || (a.is_atom() && self.text(a.span) == "tbd")
            || (a.is_atom() && self.text(a.span).starts_with(|c: char| c.is_ascii_digit()))
    }

    /// A duration at `e.args[at]`, validated: not zero, not absurdly long, a calendar only
    /// on business days. Returns it and how many arguments it took (2 for `1 hour`).
    pub fn duration_at(&mut self, e: &Entry, at: usize) -> (Option<Duration>, usize) {
        let Some(a) = e.args.get(at) else {
            return (None, 0);
        };
        let next = e
            .args
            .get(at + 1)
            .filter(|n| n.is_atom())
            .map(|n| self.text(n.span));
        self.duration_arg(a, next, e.args.get(at + 1))
    }

    pub fn duration_arg(
        &mut self,
        a: &Arg,
        next: Option<&str>,
        next_arg: Option<&Arg>,
    ) -> (Option<Duration>, usize) {
        if matches!(a.kind, ArgKind::Placeholder) {
            self.placeholder(a);
            return (None, 1);
        }
        if a.is_atom() && self.text(a.span) == "tbd" {
            self.not_stated(self.key, a.span, None);
            return (None, 1);
        }
        let text = self.text(a.span);
        let parts = match literal::duration(text, next) {
            Ok(p) => p,
            Err((b, took_next)) => {
                let span = match (took_next, next_arg) {
                    (true, Some(n)) => a.span.join(n.span),
                    _ => a.span,
                };
                self.bad_literal(span, b);
                return (None, if took_next { 2 } else { 1 });
            }
        };
        let bad = |cx: &mut Self, msg: String, label: &str, help: &str| {
            cx.report(
                Diagnostic::new(Code::InvalidDuration, a.span, msg)
                    .label(label.to_string())
                    .help(help.to_string()),
            );
        };
        let Ok(n) = parts.amount.parse::<u32>() else {
            bad(
                self,
                "duration too long".into(),
                "out of range",
                "durations go up to a century",
            );
            return (None, 1);
        };
        if n == 0 {
            bad(
                self,
                "a duration of zero".into(),
                "zero",
                "give a positive amount, e.g. `15m`",
            );
            return (None, 1);
        }
        // A century, in each unit.
        let max: u32 = match parts.unit {
            DurationUnit::Seconds => 3_155_760_000,
            DurationUnit::Minutes => 52_596_000,
            DurationUnit::Hours => 876_600,
            DurationUnit::Days | DurationUnit::BusinessDays => 36_525,
            DurationUnit::Weeks => 5_218,
            DurationUnit::Months => 1_200,
            DurationUnit::Years => 100,
        };
        if n > max {
            bad(
                self,
                format!(
                    "duration `{}{}` too long",
                    parts.amount,
                    parts.unit.suffix()
                ),
                "more than a century",
                "durations go up to a century",
            );
            return (None, 1);
        }
        let calendar = match (parts.unit, parts.calendar) {
            (DurationUnit::BusinessDays, Some((name, off))) => {
                let span = Span::new(
                    a.span.lo + off as u32,
                    a.span.lo + (off + name.len()) as u32,
                );
                if let Some(b) = literal::ref_name_problem(name) {
                    self.bad_literal(span, b);
                    return (None, 1);
                }
                Some(Box::new(CalendarRef::Named(Ref::new(span))))
            }
            (DurationUnit::BusinessDays, None) => Some(Box::new(CalendarRef::Implicit(None))),
            (_, Some((name, off))) => {
                let span = Span::new(
                    a.span.lo + off as u32,
                    a.span.lo + (off + name.len()) as u32,
                );
                self.loose.push(Loose {
                    span,
                    kinds: &[],
                    quoted: None,
                });
                self.report(
                    Diagnostic::new(
                        Code::InvalidDuration,
                        span,
                        "only business days take a calendar",
                    )
                    .label("calendar on a calendar-time duration")
                    .help(format!(
                        "write `{}bd@{name}` for business days, or drop `@{name}`",
                        parts.amount
                    )),
                );
                return (None, 1);
            }
            (_, None) => None,
        };
        (
            Some(Duration {
                amount: n,
                unit: parts.unit,
                calendar,
                span: a.span,
            }),
            1,
        )
    }

    /// A duration property.
    pub fn duration(&mut self, e: &Entry) -> Option<Duration> {
        self.duration_shaped(e, Shape::Duration, 0)
    }

    fn duration_shaped(&mut self, e: &Entry, shape: Shape, at: usize) -> Option<Duration> {
        match e.args.get(at) {
            Some(a) if self.duration_like(a) => {
                let (d, used) = self.duration_at(e, at);
                self.extra(e, shape, at + used);
                d
            }
            found => {
                let found = found.cloned();
                self.bad_value(e, shape, found.as_ref());
                None
            }
        }
    }

    /// `KEYWORD duration` (`within 30m`, `every 12mo`) at `e.args[at]`; returns it and how
    /// many arguments it took.
    pub fn keyword_duration(
        &mut self,
        e: &Entry,
        at: usize,
        kw: &str,
        shape: Shape,
    ) -> (Option<(Span, Duration)>, usize) {
        let is_kw =
            |cx: &Self, a: Option<&Arg>| a.is_some_and(|a| a.is_atom() && cx.text(a.span) == kw);
        match (e.args.get(at), e.args.get(at + 1)) {
            (Some(k), Some(d)) if is_kw(self, Some(k)) && self.duration_like(d) => {
                let (dur, used) = self.duration_at(e, at + 1);
                (dur.map(|d| (k.span, d)), 1 + used)
            }
            (Some(k), d) if is_kw(self, Some(k)) => {
                let at_arg = d.unwrap_or(k).clone();
                self.bad_value(e, shape, Some(&at_arg));
                (None, 2)
            }
            (found, _) => {
                let found = found.cloned();
                self.bad_value(e, shape, found.as_ref());
                (None, 1)
            }
        }
    }

    /// A window: `24x7`, `mon-fri 08:00-18:00`, `sat`, `22:00-06:00` (every day).
    pub fn window(&mut self, e: &Entry) -> Option<Window> {
        let shape = Shape::Window;
        let span = e.args_span();
        let Some(first) = e.args.first().filter(|a| a.is_atom()) else {
            if let Some(a) = e
                .args
                .first()
                .filter(|a| matches!(a.kind, ArgKind::Placeholder))
            {
                self.placeholder(a);
                return None;
            }
            self.bad_value(e, shape, None);
            return None;
        };
        let t = self.text(first.span);
        if t == "24x7" {
            self.extra(e, shape, 1);
            return Some(Window::Always { span });
        }
        if matches!(t, "24/7" | "24*7" | "24-7" | "always") {
            self.report(
                Diagnostic::new(
                    Code::BadValue,
                    first.span,
                    format!("`{}` expects {}", self.key_text(e), shape.form()),
                )
                .label("every hour of the week is written `24x7`")
                .help("write `24x7`"),
            );
            return None;
        }
        let (days, range_at) = if let Some(d) = literal::day_range(t) {
            (
                Some(Spanned {
                    value: d,
                    span: first.span,
                }),
                1,
            )
        } else if t.starts_with(|c: char| c.is_ascii_digit()) {
            (None, 0)
        } else {
            let help = match literal::day_fix(t) {
                Some(f) => format!("write `{f}`"),
                None => "see docs/language.md for the form of each property".to_string(),
            };
            self.report(
                Diagnostic::new(
                    Code::BadValue,
                    first.span,
                    format!("`{}` expects {}", self.key_text(e), shape.form()),
                )
                .label(format!("found {}", self.describe(first)))
                .help(help),
            );
            return None;
        };
        let hours = match e.args.get(range_at) {
            Some(r) if matches!(r.kind, ArgKind::Placeholder) => {
                self.placeholder(r);
                self.extra(e, shape, range_at + 1);
                return None;
            }
            Some(r)
                if r.is_atom() && self.text(r.span).starts_with(|c: char| c.is_ascii_digit()) =>
            {
                match literal::time_range(self.text(r.span)) {
                    Ok(tr) => Some(Spanned {
                        value: tr,
                        span: r.span,
                    }),
                    Err(bads) => {
                        for b in bads {
                            self.bad_literal(r.span, b);
                        }
                        self.extra(e, shape, range_at + 1);
                        return None;
                    }
                }
            }
            _ if days.is_none() => {
                self.bad_value(e, shape, None);
                return None;
            }
            _ => None,
        };
        let used = range_at + usize::from(hours.is_some());
        if self.extra(e, shape, used) {
            return None;
        }
        Some(Window::Weekly { days, hours, span })
    }

    /// One word of a vocabulary.
    pub fn word<V: Vocab>(&mut self, e: &Entry) -> Option<Spanned<V>> {
        let Some(a) = e.args.first() else {
            self.bad_value(e, Shape::Word(V::WORDS), None);
            return None;
        };
        self.extra(e, Shape::Word(V::WORDS), 1);
        self.word_of::<V>(e, a, Shape::Word(V::WORDS))
    }

    pub fn word_of<V: Vocab>(&mut self, e: &Entry, a: &Arg, shape: Shape) -> Option<Spanned<V>> {
        if matches!(a.kind, ArgKind::Placeholder) {
            self.placeholder(a);
            return None;
        }
        if !a.is_atom() {
            self.bad_value(e, shape, Some(a));
            return None;
        }
        let w = self.text(a.span);
        if let Some(v) = V::from_word(w) {
            return Some(Spanned {
                value: v,
                span: a.span,
            });
        }
        let help = did_you_mean(w, V::WORDS.iter().copied(), "one of:");
        let key = self.key_text(e).to_string();
        self.report(
            Diagnostic::new(
                Code::BadValue,
                a.span,
                format!("`{w}` is not a value of `{key}`"),
            )
            .label("unknown word")
            .help(help),
        );
        None
    }

    /// Words of a vocabulary, as a list or one word.
    pub fn words<V: Vocab>(&mut self, e: &Entry) -> Option<List<Spanned<V>>> {
        let shape = Shape::Words(V::WORDS);
        let first = self.list_head(e, shape)?;
        let (span, items) = self.items(first);
        let mut out = Vec::new();
        for a in items {
            out.extend(self.word_of::<V>(e, a, shape));
        }
        Some(List { span, items: out })
    }

    /// The first argument, with anything after it reported.
    fn list_head<'t>(&mut self, e: &'t Entry, shape: Shape) -> Option<&'t Arg> {
        let Some(first) = e.args.first() else {
            self.bad_value(e, shape, None);
            return None;
        };
        self.extra(e, shape, 1);
        Some(first)
    }

    /// A list's items, or the one argument itself.
    pub(super) fn items<'t>(&self, a: &'t Arg) -> (Span, Vec<&'t Arg>) {
        match a.list() {
            Some(l) => (a.span, l.items.iter().collect()),
            None => (a.span, vec![a]),
        }
    }

    /// Free words (authorities, metrics, techniques), as a list or one word.
    pub fn tags(&mut self, e: &Entry) -> Option<List<Tag>> {
        let shape = Shape::Tags;
        let first = self.list_head(e, shape)?;
        let (span, items) = self.items(first);
        let mut out = Vec::new();
        for a in items {
            match a.kind {
                ArgKind::Atom => {
                    let w = self.text(a.span);
                    let ok = w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
                        && w.bytes()
                            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.');
                    if ok {
                        out.push(Tag { span: a.span });
                    } else {
                        self.report(
                            Diagnostic::new(
                                Code::InvalidName,
                                a.span,
                                format!("`{w}` is not a valid word"),
                            )
                            .label("not a word of letters, digits, `_` and `.`")
                            .help(format!(
                                "`{}` expects {}",
                                self.key_text(e),
                                shape.form()
                            )),
                        );
                    }
                }
                ArgKind::Placeholder => self.placeholder(a),
                _ => self.bad_value(e, shape, Some(a)),
            }
        }
        Some(List { span, items: out })
    }

    /// One name: a reference to resolve.
    pub fn ref_arg<T>(
        &mut self,
        e: &Entry,
        a: &Arg,
        kinds: &'static [Kind],
        shape: Shape,
    ) -> Option<Ref<T>> {
        if a.is_atom() && self.text(a.span) == "tbd" {
            self.not_stated(self.key, a.span, None);
            return None;
        }
        match a.kind {
            ArgKind::Atom if self.is_typographic_quote(a) => {
                let (t, _) = self.typographic(std::slice::from_ref(a));
                // The name between the quotes, if it is one.
                let t = t?;
                let inner = t.owned.as_deref().unwrap_or("");
                let raw = self.text(a.span);
                let off = raw.find(inner).filter(|_| literal::is_name(inner))?;
                self.quotes_around_name(inner);
                let span = Span::new(
                    a.span.lo + off as u32,
                    a.span.lo + (off + inner.len()) as u32,
                );
                Some(Ref::new(span))
            }
            ArgKind::Atom => {
                let w = self.text(a.span);
                match literal::ref_name_problem(w) {
                    None => Some(Ref::new(a.span)),
                    Some(b) => {
                        self.bad_literal(a.span, b);
                        None
                    }
                }
            }
            ArgKind::Str if !self.text(a.span).starts_with('"') => {
                // `owner “ciso”`: the quotes are reported, the name between them used.
                let t = self.text_of(a)?;
                let inner = t.owned.as_deref().unwrap_or("");
                let raw = self.text(a.span);
                let off = raw.find(inner).filter(|_| literal::is_name(inner))?;
                self.quotes_around_name(inner);
                Some(Ref::new(Span::new(
                    a.span.lo + off as u32,
                    a.span.lo + (off + inner.len()) as u32,
                )))
            }
            ArgKind::Str => {
                // `owner "ciso"`: resolution says whether the name is right and the quotes
                // are not.
                let key = crate::model::schema::static_key(self.key_text(e));
                self.loose.push(Loose {
                    span: a.span,
                    kinds,
                    quoted: Some(super::Quoted {
                        key,
                        form: shape.form(),
                    }),
                });
                None
            }
            ArgKind::Placeholder => {
                self.placeholder(a);
                None
            }
            _ => {
                self.bad_value(e, shape, Some(a));
                None
            }
        }
    }

    /// `alice`, or `any [alice, bob, duty_manager]`.
    pub fn holders(&mut self, e: &Entry) -> Option<crate::model::Holders> {
        let shape = Shape::Holders(crate::model::RoleHolder::KINDS);
        let kinds = crate::model::RoleHolder::KINDS;
        match e.args.as_slice() {
            [k, list] if k.is_atom() && self.text(k.span) == "any" => {
                let (span, items) = self.items(list);
                let mut of = Vec::new();
                for a in items {
                    if let Some(r) = self.ref_arg(e, a, kinds, shape) {
                        of.push(r);
                    }
                }
                Some(crate::model::Holders {
                    any: Some(k.span),
                    of: List { span, items: of },
                    span: e.args_span(),
                })
            }
            [a] if a.list().is_some() => {
                let key = self.key_text(e).to_string();
                self.report(
                    Diagnostic::new(
                        Code::BadValue,
                        a.span,
                        format!("`{key}` takes one holder, or `any` of several"),
                    )
                    .label("a list")
                    .help(format!(
                        "write `{key} any {}` when any one of them may hold it",
                        self.text(a.span)
                    )),
                );
                self.loose_arg(a, kinds);
                None
            }
            [a] => {
                let r = self.ref_arg(e, a, kinds, shape)?;
                Some(crate::model::Holders {
                    any: None,
                    of: List {
                        span: a.span,
                        items: vec![r],
                    },
                    span: a.span,
                })
            }
            _ => {
                self.bad_value(e, shape, e.args.get(1).or(e.args.first()));
                None
            }
        }
    }

    pub fn reference<T: RefTarget>(&mut self, e: &Entry) -> Option<Ref<T>> {
        self.reference_of(e, T::KINDS)
    }

    pub fn reference_of<T>(&mut self, e: &Entry, kinds: &'static [Kind]) -> Option<Ref<T>> {
        let shape = Shape::Ref(kinds);
        let Some(a) = e.args.first() else {
            self.bad_value(e, shape, None);
            return None;
        };
        self.extra(e, shape, 1);
        if a.list().is_some() {
            self.bad_value(e, shape, Some(a));
            return None;
        }
        self.ref_arg(e, a, kinds, shape)
    }

    /// Names, as a list or one.
    pub fn references<T: RefTarget>(&mut self, e: &Entry) -> Option<List<Ref<T>>> {
        self.references_of(e, T::KINDS)
    }

    pub fn references_of<T>(&mut self, e: &Entry, kinds: &'static [Kind]) -> Option<List<Ref<T>>> {
        let shape = Shape::Refs(kinds);
        let first = self.list_head(e, shape)?;
        let (span, items) = self.items(first);
        let mut out = Vec::new();
        for a in items {
            out.extend(self.ref_arg(e, a, kinds, shape));
        }
        Some(List { span, items: out })
    }

    /// Groups or names.
    pub fn audience<T: RefTarget>(&mut self, e: &Entry) -> Option<List<Member<T>>> {
        let shape = Shape::Audience(T::KINDS);
        let first = self.list_head(e, shape)?;
        let (span, items) = self.items(first);
        let mut out = Vec::new();
        for a in items {
            if a.is_atom()
                && let Some(g) = Group::from_word(self.text(a.span))
            {
                out.push(Member::Group(Spanned {
                    value: g,
                    span: a.span,
                }));
                continue;
            }
            out.extend(self.ref_arg(e, a, T::KINDS, shape).map(Member::Ref));
        }
        Some(List { span, items: out })
    }

    /// `ciso` or `2 of [legal, hr, ciso, ceo]`. Whether the group is large enough is for
    /// resolution, which knows the teams.
    pub fn quorum<T: RefTarget>(&mut self, e: &Entry) -> Option<Quorum<T>> {
        let shape = Shape::Quorum(T::KINDS);
        let span = e.args_span();
        let of_word = |cx: &Self, a: &Arg| a.is_atom() && cx.text(a.span) == "of";
        match (e.args.first(), e.args.get(1), e.args.get(2)) {
            (Some(a), None, None) if a.is_atom() && !self.is_int(a) => {
                let r = self.ref_arg(e, a, T::KINDS, shape)?;
                Some(Quorum {
                    required: None,
                    of: List {
                        span: a.span,
                        items: vec![r],
                    },
                    span,
                })
            }
            (Some(n), Some(of), Some(list)) if self.is_int(n) && of_word(self, of) => {
                self.extra(e, shape, 3);
                let (lspan, group) = self.items(list);
                // Resolve the group first, so that its names are checked whatever the number.
                let mut refs = Vec::new();
                for a in &group {
                    refs.extend(self.ref_arg(e, a, T::KINDS, shape));
                }
                let Some(required) = self.int_arg(n, 1) else {
                    self.loose_refs(&refs, T::KINDS);
                    return None;
                };
                (refs.len() == group.len()).then_some(Quorum {
                    required: Some(required),
                    of: List {
                        span: lspan,
                        items: refs,
                    },
                    span,
                })
            }
            _ => {
                self.bad_value(e, shape, None);
                None
            }
        }
    }

    /// `a -> b` (both names), returning both arguments.
    pub fn arrow_pair<'t>(
        &mut self,
        e: &'t Entry,
        shape: Shape,
    ) -> Option<(&'t Arg, &'t Arg, &'t Arg)> {
        match (e.args.first(), e.args.get(1), e.args.get(2)) {
            (Some(a), Some(arrow), Some(b))
                if a.is_atom() && matches!(arrow.kind, ArgKind::Arrow) && b.is_atom() =>
            {
                Some((a, arrow, b))
            }
            _ => {
                self.bad_value(e, shape, None);
                None
            }
        }
    }

    /// A word and a string: `enisa "Malicious Code"`, `signal "+44..."`.
    pub fn word_text(&mut self, e: &Entry, shape: Shape) -> Option<(Tag, Text, Span)> {
        match (e.args.first(), e.args.get(1)) {
            (Some(a), Some(_)) if a.is_atom() && literal::is_name(self.text(a.span)) => {
                let (t, used) = self.text_arg(e, 1, shape)?;
                self.extra(e, shape, 1 + used);
                let span = a.span.join(t.span);
                Some((Tag { span: a.span }, t, span))
            }
            _ => {
                self.bad_value(e, shape, None);
                None
            }
        }
    }

    /// Names of steps in the same procedure (resolved there).
    pub fn steps(&mut self, e: &Entry) -> Option<List<Ref<crate::model::ids::StepId>>> {
        let shape = Shape::Steps;
        let first = self.list_head(e, shape)?;
        let (span, items) = self.items(first);
        let mut out = Vec::new();
        for a in items {
            if !a.is_atom() {
                self.bad_value(e, shape, Some(a));
                continue;
            }
            out.extend(self.ref_arg(e, a, &[Kind::Step], shape));
        }
        Some(List { span, items: out })
    }

    /// A level, `sev2`, or with its scale, `severity.sev2`.
    pub fn level_ref(&mut self, e: &Entry) -> Option<Ref<crate::model::ids::LevelId>> {
        match e.args.first() {
            Some(a) if a.is_atom() && e.args.len() == 1 => self.level_arg(a),
            Some(a) if matches!(a.kind, ArgKind::Placeholder) => {
                self.placeholder(a);
                None
            }
            _ => {
                self.bad_value(e, Shape::LevelRef, None);
                None
            }
        }
    }

    /// One level argument.
    pub fn level_arg(&mut self, a: &Arg) -> Option<Ref<crate::model::ids::LevelId>> {
        let w = self.text(a.span);
        let parts_ok = w.split('.').count() <= 2 && w.split('.').all(literal::is_name);
        if parts_ok {
            return Some(Ref::new(a.span));
        }
        let first_bad = w.split('.').find(|p| !literal::is_name(p)).unwrap_or(w);
        if let Some(b) = literal::ref_name_problem(first_bad) {
            self.bad_literal(
                a.span,
                Bad {
                    message: format!("`{w}` is not a valid level"),
                    ..b
                },
            );
        } else {
            self.bad_literal(
                a.span,
                Bad {
                    code: Code::InvalidName,
                    message: format!("`{w}` is not a valid level"),
                    label: "a level is `sev2` or `severity.sev2`".into(),
                    help: "write the level's name, or the scale's and the level's with one `.`"
                        .into(),
                    at: None,
                },
            );
        }
        None
    }
}

/// An index of the time zone names, for "did you mean".
fn tz_names() -> &'static crate::diagnostics::suggest::Suggester {
    static NAMES: std::sync::OnceLock<crate::diagnostics::suggest::Suggester> =
        std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        let names: Vec<String> = tz_db()
            .available()
            .map(|n| n.as_str().to_string())
            .collect();
        crate::diagnostics::suggest::Suggester::new(names.iter().map(|n| (n.as_str(), None)))
    })
}

/// The time zone database built into imp (never the machine's).
pub fn tz_db() -> &'static jiff::tz::TimeZoneDatabase {
    static DB: std::sync::OnceLock<jiff::tz::TimeZoneDatabase> = std::sync::OnceLock::new();
    DB.get_or_init(jiff::tz::TimeZoneDatabase::bundled)
}
