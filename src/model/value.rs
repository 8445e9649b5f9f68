//! The values of properties. Every value keeps its span; a property keeps the span of its
//! key word too ([`Prop`]), so that a finding can label the whole property, its key word or
//! its value. Values that stand on their own print back as the language writes them
//! (`Display`): `15m`, `within 15m`, `mon-fri 08:00-18:00`, `2026-03-01`.

use std::fmt;

use serde::Serialize;

use super::condition::Condition;
use super::ids::CalendarId;
use super::refs::Ref;
use super::vocab::{DurationUnit, Weekday};
use crate::source::{HasSpan, SourceMap, Span};

/// A value and where it was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> HasSpan for Spanned<T> {
    fn span(&self) -> Span {
        self.span
    }
}

impl<T: fmt::Display> fmt::Display for Spanned<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.value.fmt(f)
    }
}

/// A property: its key word and its value. `prop.span()` covers both.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prop<T> {
    pub key: Span,
    pub value: T,
}

impl<T: HasSpan> Prop<T> {
    /// The whole property, key word and value.
    pub fn span(&self) -> Span {
        self.key.join(self.value.span())
    }
}

impl<T: HasSpan> HasSpan for Prop<T> {
    fn span(&self) -> Span {
        Prop::span(self)
    }
}

impl<T> std::ops::Deref for Prop<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// A property with no value: the key word alone says it (`crisis`, `required`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Flag {
    pub span: Span,
}

impl HasSpan for Flag {
    fn span(&self) -> Span {
        self.span
    }
}

/// A string or a text block. Its text is the source's, between the quotes, unless escapes
/// or a text block's indentation make it differ: then it is kept here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Text {
    /// The literal, quotes included.
    pub span: Span,
    /// The text, when it is not the source between the quotes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owned: Option<Box<str>>,
    /// The bytes of quoting at each end (1 for `"`, 3 for `"""`, 0 when recovered from
    /// typographic quotes and kept in `owned`).
    #[serde(skip)]
    pub quote: u8,
}

impl Text {
    /// The text.
    pub fn get<'a>(&'a self, sources: &'a SourceMap) -> &'a str {
        match &self.owned {
            Some(s) => s,
            None => {
                let q = u32::from(self.quote);
                sources.slice(self.span.shrink(q))
            }
        }
    }
}

impl HasSpan for Text {
    fn span(&self) -> Span {
        self.span
    }
}

/// A free word: an authority, a metric, an ATT&CK technique, a taxonomy's name. Its text is
/// the source's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Tag {
    pub span: Span,
}

impl Tag {
    pub fn get(self, sources: &SourceMap) -> &str {
        sources.slice(self.span)
    }
}

impl HasSpan for Tag {
    fn span(&self) -> Span {
        self.span
    }
}

/// A list `[a, b]`, or one value standing for a list of one. The span is the brackets'
/// (or the one value's); each item has its own.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct List<T> {
    pub span: Span,
    pub items: Vec<T>,
}

impl<T> HasSpan for List<T> {
    fn span(&self) -> Span {
        self.span
    }
}

impl<T> std::ops::Deref for List<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.items
    }
}

/// The calendar business days count against.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", content = "calendar", rename_all = "snake_case")]
pub enum CalendarRef {
    /// `10bd@uk_office`.
    Named(Ref<CalendarId>),
    /// `10bd`: the policy's only calendar.
    Implicit(Option<CalendarId>),
}

/// A calendar-aware span of time: months and years are never turned into days, and
/// business days count against a working calendar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Duration {
    pub amount: u32,
    pub unit: DurationUnit,
    /// For business days only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar: Option<Box<CalendarRef>>,
    pub span: Span,
}

impl Duration {
    /// The length in seconds, for units of fixed length (seconds to weeks).
    pub fn fixed_seconds(&self) -> Option<u64> {
        Some(u64::from(self.amount) * self.unit.seconds()?)
    }
}

impl HasSpan for Duration {
    fn span(&self) -> Span {
        self.span
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.amount, self.unit.suffix())
    }
}

/// A time limit, as plans state them: `within 30m`, `within 24h-72h`, `immediately`,
/// `within next_business_day`, `24h before board_meeting`, or `required` (a limit the plan
/// does not give a time for); any but the last two may count `from` a moment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Within {
    /// The first word: `within`, `immediately`, `required`, or the duration of `before`.
    pub kw: Span,
    pub limit: Limit,
    /// `from declaration`: the moment the limit counts from (default: the start of what
    /// the property times).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<MomentRef>,
    pub span: Span,
}

impl Within {
    /// The duration of a plain `within D`, or the upper end of a range.
    pub fn duration(&self) -> Option<&Duration> {
        match &self.limit {
            Limit::Within(d) | Limit::Range { high: d, .. } | Limit::NextBusinessDay(d) => Some(d),
            Limit::Before { duration, .. } => Some(duration),
            Limit::Immediately | Limit::Unstated => None,
        }
    }

    /// Every duration it holds, for resolution of their calendars.
    pub fn durations_mut(&mut self) -> Vec<&mut Duration> {
        match &mut self.limit {
            Limit::Within(d) | Limit::NextBusinessDay(d) => vec![d],
            Limit::Range { low, high } => vec![low, high],
            Limit::Before { duration, .. } => vec![duration],
            Limit::Immediately | Limit::Unstated => Vec::new(),
        }
    }

    /// The moments it refers to.
    pub fn moments_mut(&mut self) -> Vec<&mut MomentRef> {
        let mut out: Vec<&mut MomentRef> = self.from.iter_mut().collect();
        if let Limit::Before { moment, .. } = &mut self.limit {
            out.push(moment);
        }
        out
    }
}

/// What a time limit says.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Limit {
    /// `within 30m`.
    Within(Duration),
    /// `within 24h-72h`: at the earliest `low`, at the latest `high`.
    Range { low: Duration, high: Duration },
    /// `within next_business_day`: by the end of the next business day of the calendar
    /// (the duration is one business day, for its calendar).
    NextBusinessDay(Duration),
    /// `immediately`: at once, which is neither zero nor no target.
    Immediately,
    /// `24h before board_meeting`.
    Before {
        duration: Duration,
        moment: MomentRef,
    },
    /// `required`: the plan requires it but gives no time.
    Unstated,
}

impl HasSpan for Within {
    fn span(&self) -> Span {
        self.span
    }
}

impl fmt::Display for Within {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.limit {
            Limit::Within(d) => write!(f, "within {d}")?,
            Limit::Range { low, high } => write!(f, "within {low}-{high}")?,
            Limit::NextBusinessDay(_) => f.write_str("within next_business_day")?,
            Limit::Immediately => f.write_str("immediately")?,
            Limit::Before { duration, moment } => write!(f, "{duration} before {moment}")?,
            Limit::Unstated => f.write_str("required")?,
        }
        if let Some(m) = &self.from {
            write!(f, " from {m}")?;
        }
        Ok(())
    }
}

/// A moment an incident passes through: a word of the language (`detection`,
/// `declaration`, `shift_end`, ...) or a declared `moment` (`board_meeting`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum MomentRef {
    Builtin(Spanned<super::vocab::MomentWord>),
    Declared(Ref<super::ids::MomentId>),
}

impl HasSpan for MomentRef {
    fn span(&self) -> Span {
        match self {
            MomentRef::Builtin(m) => m.span,
            MomentRef::Declared(r) => r.span,
        }
    }
}

impl fmt::Display for MomentRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MomentRef::Builtin(m) => write!(f, "{}", m.value),
            MomentRef::Declared(_) => f.write_str("(moment)"),
        }
    }
}

/// `every 12mo`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Every {
    pub kw: Span,
    pub duration: Duration,
}

impl HasSpan for Every {
    fn span(&self) -> Span {
        self.kw.join(self.duration.span)
    }
}

impl fmt::Display for Every {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "every {}", self.duration)
    }
}

/// A calendar date, validated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub date: jiff::civil::Date,
    pub span: Span,
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.date)
    }
}

impl HasSpan for Date {
    fn span(&self) -> Span {
        self.span
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.date)
    }
}

/// An IANA time zone, from the database built into imp.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeZone {
    pub tz: jiff::tz::TimeZone,
    pub span: Span,
}

impl TimeZone {
    pub fn name(&self) -> &str {
        self.tz.iana_name().unwrap_or("UTC")
    }
}

impl Serialize for TimeZone {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl HasSpan for TimeZone {
    fn span(&self) -> Span {
        self.span
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self.name())
    }
}

/// A time of day in a window. `24:00` may end a window: it is midnight at the day's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ClockTime {
    /// Minutes after midnight, 0 to 1440.
    pub minutes: u16,
}

impl ClockTime {
    /// As a jiff time; the end of the day (`24:00`) is `None`.
    pub fn time(self) -> Option<jiff::civil::Time> {
        let (h, m) = (self.minutes / 60, self.minutes % 60);
        jiff::civil::Time::new(h as i8, m as i8, 0, 0).ok()
    }
}

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.minutes / 60, self.minutes % 60)
    }
}

impl Serialize for ClockTime {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// `mon-fri`, or one day (`sat`): from `from` to `to`, wrapping past Sunday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct DayRange {
    pub from: Weekday,
    pub to: Weekday,
}

impl fmt::Display for DayRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else {
            write!(f, "{}-{}", self.from, self.to)
        }
    }
}

/// `08:00-18:00`; an end earlier than the start crosses midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TimeRange {
    pub start: ClockTime,
    pub end: ClockTime,
}

impl fmt::Display for TimeRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start, self.end)
    }
}

/// When someone or something is available.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Window {
    /// `24x7`: every hour of the week.
    Always { span: Span },
    /// Days and hours; no days is every day, no hours the whole day.
    Weekly {
        days: Option<Spanned<DayRange>>,
        hours: Option<Spanned<TimeRange>>,
        span: Span,
    },
}

impl Window {
    /// Whether the window's days include day `d` (Monday 0): its days are a cyclic range
    /// `from..=to` (`sat-mon` runs over the weekend).
    pub fn on_day(&self, d: u8) -> bool {
        let (from, to, _, _) = self.parts();
        let (f, t) = (from.index(), to.index());
        if f <= t {
            (f..=t).contains(&d)
        } else {
            d >= f || d <= t
        }
    }

    /// Days `from..=to` and minutes after midnight `start..end` (`end <= start` crosses
    /// midnight), for every form.
    pub fn parts(&self) -> (Weekday, Weekday, u16, u16) {
        match self {
            Window::Always { .. } => (Weekday::Mon, Weekday::Sun, 0, 24 * 60),
            Window::Weekly { days, hours, .. } => {
                let (from, to) =
                    days.map_or((Weekday::Mon, Weekday::Sun), |d| (d.value.from, d.value.to));
                let (s, e) = hours.map_or((0, 24 * 60), |h| {
                    (h.value.start.minutes, h.value.end.minutes)
                });
                (from, to, s, e)
            }
        }
    }
}

impl HasSpan for Window {
    fn span(&self) -> Span {
        match self {
            Window::Always { span } | Window::Weekly { span, .. } => *span,
        }
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Window::Always { .. } => f.write_str("24x7"),
            Window::Weekly { days, hours, .. } => match (days, hours) {
                (Some(d), Some(h)) => write!(f, "{d} {h}"),
                (Some(d), None) => write!(f, "{d}"),
                (None, Some(h)) => write!(f, "{h}"),
                (None, None) => f.write_str("mon-sun"),
            },
        }
    }
}

/// One phase of an update cadence: every `every`, for `for_` (open-ended if none).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CadencePhase {
    pub every: Duration,
    #[serde(rename = "for", skip_serializing_if = "Option::is_none")]
    pub for_: Option<Duration>,
    pub span: Span,
}

/// How often updates are due: `every 20m for 2h then every 1h` (a later phase is a switch to
/// another mode, "long-incident mode after 2h"), counted `from` a moment; `every shift`; and
/// `at [initiation, all_clear]`, fixed moments. Parts are joined with `and`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cadence {
    /// The periodic phases, in order; empty when the cadence is only `every shift` or `at`.
    pub phases: Vec<CadencePhase>,
    /// `from declaration`: where the periodic phases start (default: the start of the
    /// incident).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<MomentRef>,
    /// `every shift`: once per shift.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_shift: Option<Span>,
    /// `at [initiation, all_clear]`: at these moments.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub at: Vec<MomentRef>,
    pub span: Span,
}

impl HasSpan for Cadence {
    fn span(&self) -> Span {
        self.span
    }
}

impl fmt::Display for Cadence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if !self.at.is_empty() {
            let at: Vec<String> = self.at.iter().map(ToString::to_string).collect();
            parts.push(format!("at [{}]", at.join(", ")));
        }
        if self.per_shift.is_some() {
            parts.push("every shift".to_string());
        }
        if !self.phases.is_empty() {
            let mut p = String::new();
            for (i, ph) in self.phases.iter().enumerate() {
                if i > 0 {
                    p.push_str(" then ");
                }
                p.push_str(&format!("every {}", ph.every));
                if let Some(d) = &ph.for_ {
                    p.push_str(&format!(" for {d}"));
                }
            }
            if let Some(m) = &self.from {
                p.push_str(&format!(" from {m}"));
            }
            parts.push(p);
        }
        f.write_str(&parts.join(" and "))
    }
}

/// `ciso`, or `2 of [legal, hr, ciso, ceo]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quorum<T> {
    /// The number required; `None` for a single approver written alone.
    pub required: Option<Spanned<u32>>,
    pub of: List<Ref<T>>,
    pub span: Span,
}

impl<T> Quorum<T> {
    /// How many approvals are needed.
    pub fn needed(&self) -> u32 {
        self.required.map_or(1, |r| r.value)
    }
}

impl<T> HasSpan for Quorum<T> {
    fn span(&self) -> Span {
        self.span
    }
}

/// `when CONDITION` on a property.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct When {
    pub kw: Span,
    pub cond: Condition,
}

impl HasSpan for When {
    fn span(&self) -> Span {
        self.kw.join(self.cond.span)
    }
}
