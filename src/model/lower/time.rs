//! Time as plans state it: time limits (`within 30m`, ranges, `immediately`, `required`,
//! `D before MOMENT`, `from MOMENT`), moments, times of day, lifecycles, `every`, and
//! cadences.

use super::Lower;
use super::literal;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::refs::Ref;
use crate::model::schema::{Kind, Shape};
use crate::model::value::*;
use crate::model::vocab::DurationUnit;
use crate::source::Span;
use crate::syntax::tree::{Arg, ArgKind, Entry};

impl Lower<'_> {
    /// A time limit property: `within 30m`, `immediately`, `required`, ... (for a property
    /// whose key is `within`, or a deadline, the forms without the word: `30m`).
    pub fn within(&mut self, e: &Entry) -> Option<Within> {
        let keyed = self.key_text(e) == "within";
        let (w, used) = self.limit_at(e, 0, keyed, Shape::Within);
        if w.is_some() && self.extra(e, Shape::Within, used) {
            return None;
        }
        w
    }

    /// A time limit at `e.args[at]`, and how many arguments it took. `keyed`: the word
    /// `within` is not written (the property's key is `within`, or it is a deadline).
    pub fn limit_at(
        &mut self,
        e: &Entry,
        at: usize,
        keyed: bool,
        shape: Shape,
    ) -> (Option<Within>, usize) {
        let word = |cx: &Self, i: usize| {
            e.args
                .get(i)
                .filter(|a| a.is_atom())
                .map(|a| cx.text(a.span))
        };
        let Some(first) = e.args.get(at) else {
            self.bad_value(e, shape, None);
            return (None, 0);
        };
        if self.open_arg(e, first) {
            return (None, 1 + usize::from(self.reason_after(e, at)));
        }
        let kw = first.span;
        let mut i = at;
        let limit = match word(self, i) {
            Some("immediately") => {
                i += 1;
                Limit::Immediately
            }
            Some("required") => {
                i += 1;
                Limit::Unstated
            }
            Some("within") if !keyed => {
                i += 1;
                match self.limit_value(e, i, shape) {
                    (Some(l), used) => {
                        i += used;
                        l
                    }
                    (None, used) => return (None, i - at + used),
                }
            }
            _ if keyed || self.before_at(e, i + 1) => match self.limit_value(e, i, shape) {
                (Some(l), used) => {
                    i += used;
                    l
                }
                (None, used) => return (None, i - at + used),
            },
            _ => {
                self.bad_value(e, shape, Some(first));
                return (None, 1);
            }
        };
        // `from MOMENT`.
        let mut from = None;
        if word(self, i) == Some("from") {
            match e.args.get(i + 1) {
                Some(m) if !matches!(limit, Limit::Before { .. } | Limit::Unstated) => {
                    from = self.moment_arg(e, m);
                    i += 2;
                    if from.is_none() {
                        return (None, i - at);
                    }
                }
                Some(_) => {
                    let kwd = e.args[i].span;
                    self.report(
                        Diagnostic::new(
                            Code::BadValue,
                            kwd,
                            "this time limit cannot count from a moment",
                        )
                        .label("`from` here")
                        .help("`from` follows `within D`, a range, `next_business_day` or `immediately`"),
                    );
                    return (None, i + 2 - at);
                }
                None => {
                    self.bad_value(e, Shape::Moment, Some(&e.args[i]));
                    return (None, i + 1 - at);
                }
            }
        }
        let end = e.args.get(i.saturating_sub(1)).map_or(kw, |a| a.span);
        (
            Some(Within {
                kw,
                limit,
                from,
                span: kw.join(end),
            }),
            i - at,
        )
    }

    /// Whether `e.args[i]` is the word `before`.
    fn before_at(&self, e: &Entry, i: usize) -> bool {
        e.args
            .get(i)
            .is_some_and(|a| a.is_atom() && self.text(a.span) == "before")
    }

    /// What follows `within`: `30m`, `24h-72h`, `next_business_day[@CAL]`, or `24h before
    /// MOMENT`.
    fn limit_value(&mut self, e: &Entry, i: usize, shape: Shape) -> (Option<Limit>, usize) {
        let Some(a) = e.args.get(i) else {
            let last = e.args.last().cloned();
            self.bad_value(e, shape, last.as_ref());
            return (None, 0);
        };
        if self.open_arg(e, a) {
            return (None, 1);
        }
        let text = self.text(a.span);
        if a.is_atom() && (text == "next_business_day" || text.starts_with("next_business_day@")) {
            let d = match text.split_once('@') {
                Some((_, cal)) if !cal.is_empty() => {
                    let lo = a.span.lo + "next_business_day@".len() as u32;
                    let span = Span::new(lo, lo + cal.len() as u32);
                    if let Some(b) = literal::ref_name_problem(cal) {
                        self.bad_literal(span, b);
                        return (None, 1);
                    }
                    Some(Box::new(CalendarRef::Named(Ref::new(span))))
                }
                Some(_) => {
                    self.bad_value(e, shape, Some(a));
                    return (None, 1);
                }
                None => Some(Box::new(CalendarRef::Implicit(None))),
            };
            return (
                Some(Limit::NextBusinessDay(Duration {
                    amount: 1,
                    unit: DurationUnit::BusinessDays,
                    calendar: d,
                    span: a.span,
                })),
                1,
            );
        }
        // `24h-72h` or `24-72h`.
        if a.is_atom()
            && let Some((lo, hi)) = text.split_once('-')
            && lo.starts_with(|c: char| c.is_ascii_digit())
            && hi.starts_with(|c: char| c.is_ascii_digit())
        {
            return (self.range(a, lo), 1);
        }
        if !self.duration_like(a) {
            self.bad_value(e, shape, Some(a));
            return (None, 1);
        }
        let (d, used) = self.duration_at(e, i);
        let Some(d) = d else { return (None, used) };
        if self.before_at(e, i + used) {
            let Some(m) = e.args.get(i + used + 1) else {
                let b = e.args[i + used].clone();
                self.bad_value(e, Shape::Moment, Some(&b));
                return (None, used + 1);
            };
            let Some(moment) = self.moment_arg(e, m) else {
                return (None, used + 2);
            };
            return (
                Some(Limit::Before {
                    duration: d,
                    moment,
                }),
                used + 2,
            );
        }
        (Some(Limit::Within(d)), used)
    }

    /// `24h-72h`, or `24-72h` (the unit of the upper end for both).
    fn range(&mut self, a: &Arg, lo: &str) -> Option<Limit> {
        let lo_span = Span::new(a.span.lo, a.span.lo + lo.len() as u32);
        let hi_span = Span::new(lo_span.hi + 1, a.span.hi);
        let high = self.duration_text(hi_span)?;
        let low = if lo.bytes().all(|b| b.is_ascii_digit()) {
            let with_unit = format!("{lo}{}", high.unit.suffix());
            let mut d = self.duration_of_text(&with_unit, lo_span).0?;
            d.calendar.clone_from(&high.calendar);
            d
        } else {
            self.duration_text(lo_span)?
        };
        let grows = if low.unit == high.unit {
            Some(low.amount < high.amount)
        } else {
            low.fixed_seconds()
                .zip(high.fixed_seconds())
                .map(|(l, h)| l < h)
        };
        if grows == Some(false) {
            self.report(
                Diagnostic::new(
                    Code::EmptyRange,
                    a.span,
                    format!("the range `{}` does not grow", self.text(a.span)),
                )
                .label("the first end is not below the second")
                .help(if self.text(lo_span) == self.text(hi_span) || low.to_string() == high.to_string() {
                    format!("a range of one time is that time: `within {high}`")
                } else {
                    format!("write the shorter time first: `{high}-{low}`, or one time: `within {high}`")
                }),
            );
            return None;
        }
        Some(Limit::Range { low, high })
    }

    /// A duration written as part of an atom (an end of a range).
    fn duration_text(&mut self, span: Span) -> Option<Duration> {
        let a = Arg {
            kind: ArgKind::Atom,
            span,
        };
        self.duration_arg(&a, None, None).0
    }

    /// A duration from a text that is not the source's own (`24h` for the `24` of
    /// `24-72h`).
    fn duration_of_text(&mut self, text: &str, span: Span) -> (Option<Duration>, usize) {
        match literal::duration(text, None) {
            Ok(p) => match p.amount.parse::<u32>() {
                Ok(n) if n > 0 => (
                    Some(Duration {
                        amount: n,
                        unit: p.unit,
                        calendar: matches!(p.unit, DurationUnit::BusinessDays)
                            .then(|| Box::new(CalendarRef::Implicit(None))),
                        span,
                    }),
                    1,
                ),
                _ => {
                    self.report(
                        Diagnostic::new(Code::InvalidDuration, span, "a duration of zero")
                            .label("zero")
                            .help("give a positive amount, e.g. `15m`"),
                    );
                    (None, 1)
                }
            },
            Err((b, _)) => {
                self.bad_literal(span, b);
                (None, 1)
            }
        }
    }

    /// A lifecycle: `iso27035`, `nist_800_61`, or the name of a declared one.
    pub fn lifecycle(&mut self, e: &Entry) -> Option<crate::model::LifecycleRef> {
        let a = e.args.first()?.clone();
        if self.open_arg(e, &a) {
            return None;
        }
        if self.extra(e, Shape::Lifecycle, 1) {
            return None;
        }
        if a.is_atom()
            && let Some(b) = crate::model::vocab::BuiltinLifecycle::from_word(self.text(a.span))
        {
            return Some(crate::model::LifecycleRef::Builtin(Spanned {
                value: b,
                span: a.span,
            }));
        }
        self.ref_arg(e, &a, &[Kind::Lifecycle], Shape::Lifecycle)
            .map(crate::model::LifecycleRef::Declared)
    }

    /// A time of day: `09:00`.
    pub fn time_of_day(&mut self, e: &Entry) -> Option<Spanned<ClockTime>> {
        let a = e.args.first()?.clone();
        if self.open_arg(e, &a) {
            return None;
        }
        if !a.is_atom() {
            self.bad_value(e, Shape::Time, Some(&a));
            return None;
        }
        if self.extra(e, Shape::Time, 1) {
            return None;
        }
        match literal::time_of_day(self.text(a.span)) {
            Ok(t) => Some(Spanned {
                value: t,
                span: a.span,
            }),
            Err(b) => {
                self.bad_literal(a.span, b);
                None
            }
        }
    }

    /// A moment: a word of the language or the name of a declared `moment`.
    pub fn moment_arg(&mut self, e: &Entry, a: &Arg) -> Option<MomentRef> {
        if self.open_arg(e, a) {
            return None;
        }
        if a.is_atom()
            && let Some(m) = crate::model::vocab::MomentWord::from_word(self.text(a.span))
        {
            return Some(MomentRef::Builtin(Spanned {
                value: m,
                span: a.span,
            }));
        }
        self.ref_arg(e, a, &[Kind::Moment], Shape::Moment)
            .map(MomentRef::Declared)
    }

    /// A moment property: `clock_starts awareness`.
    pub fn moment(&mut self, e: &Entry) -> Option<MomentRef> {
        let a = e.args.first()?.clone();
        let m = self.moment_arg(e, &a)?;
        if self.extra(e, Shape::Moment, 1) {
            return None;
        }
        Some(m)
    }

    /// `every 12mo`.
    pub fn every(&mut self, e: &Entry) -> Option<Every> {
        let (d, used) = self.keyword_duration(e, 0, "every", Shape::Every);
        if d.is_some() && self.extra(e, Shape::Every, used) {
            return None;
        }
        d.map(|(kw, duration)| Every { kw, duration })
    }

    /// A cadence: parts joined by `and`, each `every D [for D] (then every D [for D])*
    /// [from MOMENT]`, `every shift` or `at MOMENTS`.
    pub fn cadence(&mut self, e: &Entry) -> Option<Cadence> {
        let shape = Shape::Cadence;
        let mut c = Cadence {
            phases: Vec::new(),
            from: None,
            per_shift: None,
            at: Vec::new(),
            span: e.args_span(),
        };
        let mut i = 0;
        let mut ok = true;
        let word = |cx: &Self, i: usize, w: &str| {
            e.args
                .get(i)
                .is_some_and(|a| a.is_atom() && cx.text(a.span) == w)
        };
        loop {
            if word(self, i, "at") {
                let Some(list) = e.args.get(i + 1) else {
                    self.bad_value(e, Shape::Moment, Some(&e.args[i]));
                    return None;
                };
                let (_, items) = self.items(list);
                for m in items {
                    match self.moment_arg(e, m) {
                        Some(m) => c.at.push(m),
                        None => ok = false,
                    }
                }
                i += 2;
            } else if word(self, i, "every") && word(self, i + 1, "shift") {
                if let Some(first) = c.per_shift {
                    let span = e.args[i].span.join(e.args[i + 1].span);
                    self.report(
                        Diagnostic::new(Code::BadValue, span, "`every shift` is given twice")
                            .label("again")
                            .with_secondary(first, "first given here")
                            .help("say it once"),
                    );
                    ok = false;
                }
                c.per_shift = Some(e.args[i].span.join(e.args[i + 1].span));
                i += 2;
            } else if !c.phases.is_empty() {
                // A second periodic part: `every 1h and every 2h` has no reading.
                let at = e.args.get(i).cloned();
                self.bad_value(e, shape, at.as_ref());
                return None;
            } else {
                let (phases, used, good) = self.phases(e, i)?;
                ok &= good;
                c.phases = phases;
                i += used;
                if word(self, i, "from") {
                    let Some(m) = e.args.get(i + 1) else {
                        self.bad_value(e, Shape::Moment, Some(&e.args[i]));
                        return None;
                    };
                    c.from = self.moment_arg(e, m);
                    ok &= c.from.is_some();
                    i += 2;
                }
            }
            if word(self, i, "and") {
                i += 1;
                continue;
            }
            break;
        }
        if self.extra(e, shape, i) || !ok {
            return None;
        }
        Some(c)
    }

    /// `every 20m for 2h then every 1h` at `e.args[at]`: the phases, the arguments taken,
    /// and whether they are sound.
    fn phases(&mut self, e: &Entry, at: usize) -> Option<(Vec<CadencePhase>, usize, bool)> {
        let mut phases: Vec<CadencePhase> = Vec::new();
        let mut i = at;
        let mut ok = true;
        let mut open_at: Option<Span> = None;
        let word = |cx: &Self, i: usize, w: &str| {
            e.args
                .get(i)
                .is_some_and(|a| a.is_atom() && cx.text(a.span) == w)
        };
        loop {
            let start = e.args.get(i).map(|a| a.span);
            let (every, used) = self.keyword_duration(e, i, "every", Shape::Cadence);
            i += used;
            let for_ = if word(self, i, "for") {
                let (d, used) = self.keyword_duration(e, i, "for", Shape::Cadence);
                i += used;
                Some(d?.1)
            } else {
                None
            };
            let (_, every) = every?;
            if let (Some(open), Some(s)) = (open_at, start) {
                self.report(
                    Diagnostic::new(Code::CadenceAfterOpenEnd, s, "this phase can never start")
                        .label("comes after an open-ended phase")
                        .with_secondary(open, "this phase has no `for`, so it never ends")
                        .help("give the earlier phase a length: `every 20m for 2h then every 1h`"),
                );
                ok = false;
            }
            if for_.is_none() && open_at.is_none() {
                open_at = start;
            }
            let end = e.args.get(i.saturating_sub(1)).map_or(e.key, |a| a.span);
            phases.push(CadencePhase {
                every,
                for_,
                span: start.unwrap_or(e.key).join(end),
            });
            if word(self, i, "then") {
                i += 1;
                continue;
            }
            break;
        }
        Some((phases, i - at, ok))
    }
}
