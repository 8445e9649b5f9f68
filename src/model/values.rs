//! Literal validation and the reading of property values: dates, durations, windows,
//! cadences, quorums, conditions.

use super::cx::Cx;
use super::schema::{GROUPS, Kind, Shape};
use super::types::*;
use crate::diagnostics::{Code, Diagnostic, did_you_mean, suggest};
use crate::source::Span;
use crate::syntax::ast::{Arg, Entry, Value};

/// Reports that a property's value does not have its shape.
pub fn bad_value(cx: &mut Cx, e: &Entry, shape: Shape, at: Option<&Arg>) {
    let (span, found) = match at {
        Some(a) => (a.span, a.value.describe().to_string()),
        None => match e.args.first() {
            Some(a) => (a.span, a.value.describe().to_string()),
            None => (e.key.span, "nothing".to_string()),
        },
    };
    cx.report(
        Diagnostic::new(
            Code::BadValue,
            span,
            format!("`{}` expects {}", e.key.text, shape.form()),
        )
        .label(format!("found {found}"))
        .help("see docs/language.md for the form of each property"),
    );
}

/// Reports arguments left over after a value was read.
fn extra(cx: &mut Cx, e: &Entry, shape: Shape, used: usize) -> bool {
    if let Some(a) = e.args.get(used) {
        let end = e.args.last().map_or(a.span, |l| l.span);
        cx.report(
            Diagnostic::new(
                Code::BadValue,
                a.span.join(end),
                format!("unexpected value after `{}`", e.key.text),
            )
            .label("not expected here")
            .help(format!("`{}` expects {}", e.key.text, shape.form())),
        );
        return true;
    }
    false
}

fn word(a: &Arg) -> Option<&str> {
    match &a.value {
        Value::Word(w) => Some(w),
        _ => None,
    }
}

fn is_word(a: Option<&Arg>, w: &str) -> bool {
    a.and_then(word) == Some(w)
}

/// A list's items, or the one argument itself.
fn items(a: &Arg) -> Vec<&Arg> {
    match &a.value {
        Value::List(v) => v.iter().collect(),
        _ => vec![a],
    }
}

pub fn text(cx: &mut Cx, e: &Entry) -> Option<String> {
    match e.args.first().map(|a| &a.value) {
        Some(Value::Str(s)) if !extra(cx, e, Shape::Text, 1) => Some(s.clone()),
        Some(Value::Str(_)) => None,
        _ => {
            bad_value(cx, e, Shape::Text, None);
            None
        }
    }
}

pub fn texts(cx: &mut Cx, e: &Entry) -> Vec<String> {
    let Some(first) = e.args.first() else {
        bad_value(cx, e, Shape::Texts, None);
        return Vec::new();
    };
    extra(cx, e, Shape::Texts, 1);
    let mut out = Vec::new();
    for a in items(first) {
        match &a.value {
            Value::Str(s) => out.push(s.clone()),
            _ => bad_value(cx, e, Shape::Texts, Some(a)),
        }
    }
    out
}

pub fn flag(cx: &mut Cx, e: &Entry) -> bool {
    !extra(cx, e, Shape::Flag, 0)
}

/// A checked string: e-mail, URL, phone or time zone.
pub fn contact(cx: &mut Cx, e: &Entry, shape: Shape) -> Option<String> {
    let s = text(cx, e)?;
    let span = e.args[0].span;
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
        cx.report(
            Diagnostic::new(
                Code::InvalidContact,
                span,
                format!(
                    "`{s}` is not a valid {}",
                    match shape {
                        Shape::Email => "e-mail address",
                        Shape::Url => "web address",
                        _ => "telephone number",
                    }
                ),
            )
            .label("invalid")
            .help(help),
        );
        return None;
    }
    Some(s)
}

pub fn timezone(cx: &mut Cx, e: &Entry) -> Option<String> {
    let s = text(cx, e)?;
    let db = jiff::tz::TimeZoneDatabase::bundled();
    if db.get(&s).is_ok() {
        return Some(s);
    }
    let names: Vec<String> = db.available().map(|n| n.as_str().to_string()).collect();
    let help = match suggest(&s, names.iter().map(String::as_str)) {
        Some(n) => format!("did you mean `{n}`?"),
        None => "use an IANA time zone name such as `Europe/London` or `UTC`".to_string(),
    };
    cx.report(
        Diagnostic::new(
            Code::UnknownTimeZone,
            e.args[0].span,
            format!("unknown time zone `{s}`"),
        )
        .label("not in the time zone database")
        .help(help),
    );
    None
}

pub fn int_arg(cx: &mut Cx, a: &Arg, min: u32) -> Option<u32> {
    let Value::Integer(digits) = &a.value else {
        return None;
    };
    match digits.parse::<u32>() {
        Ok(n) if n >= min => Some(n),
        Ok(n) => {
            cx.report(
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
        Err(_) => {
            cx.report(
                Diagnostic::new(Code::NumberOutOfRange, a.span, "number too large")
                    .label("out of range")
                    .help(format!("numbers go up to {}", u32::MAX)),
            );
            None
        }
    }
}

pub fn date_arg(cx: &mut Cx, a: &Arg) -> Option<Date> {
    let Value::Date { year, month, day } = a.value else {
        return None;
    };
    let valid = i16::try_from(year)
        .ok()
        .zip(i8::try_from(month).ok())
        .zip(i8::try_from(day).ok())
        .and_then(|((y, m), d)| jiff::civil::Date::new(y, m, d).ok());
    match valid {
        Some(d) => Some(Date {
            year: d.year(),
            month: d.month(),
            day: d.day(),
        }),
        None => {
            let why = if !(1..=12).contains(&month) {
                format!("there is no month {month}")
            } else {
                format!("{year:04}-{month:02} has no day {day}")
            };
            cx.report(
                Diagnostic::new(
                    Code::InvalidDate,
                    a.span,
                    format!("invalid date `{year:04}-{month:02}-{day:02}`"),
                )
                .label(why)
                .help("write a real calendar date as YYYY-MM-DD"),
            );
            None
        }
    }
}

pub fn date(cx: &mut Cx, e: &Entry) -> Option<Date> {
    match e.args.first() {
        Some(a) if matches!(a.value, Value::Date { .. }) => {
            extra(cx, e, Shape::Date, 1);
            date_arg(cx, a)
        }
        _ => {
            bad_value(cx, e, Shape::Date, None);
            None
        }
    }
}

/// A duration literal, validated: not zero, not absurdly long, business days with a calendar.
pub fn duration_arg(cx: &mut Cx, a: &Arg) -> Option<Duration> {
    let Value::Duration {
        amount,
        unit,
        calendar,
    } = &a.value
    else {
        return None;
    };
    let bad = |cx: &mut Cx, msg: String, label: &str, help: &str| {
        cx.report(
            Diagnostic::new(Code::InvalidDuration, a.span, msg)
                .label(label.to_string())
                .help(help.to_string()),
        );
    };
    let Ok(n) = amount.parse::<u32>() else {
        bad(
            cx,
            "duration too long".into(),
            "out of range",
            "durations go up to a century",
        );
        return None;
    };
    if n == 0 {
        bad(
            cx,
            "a duration of zero".into(),
            "zero",
            "give a positive amount, e.g. `15m`",
        );
        return None;
    }
    // A century, in each unit.
    let max: u32 = match unit {
        DurationUnit::Minutes => 52_596_000,
        DurationUnit::Hours => 876_600,
        DurationUnit::Days | DurationUnit::BusinessDays => 36_525,
        DurationUnit::Weeks => 5_218,
        DurationUnit::Months => 1_200,
        DurationUnit::Years => 100,
    };
    if n > max {
        bad(
            cx,
            format!("duration `{amount}{}` too long", unit.suffix()),
            "more than a century",
            "durations go up to a century",
        );
        return None;
    }
    let calendar = match (unit, calendar) {
        (DurationUnit::BusinessDays, Some(c)) => {
            Some(cx.resolve(&c.text, c.span, &[Kind::Calendar])?)
        }
        (DurationUnit::BusinessDays, None) => {
            let calendars: Vec<String> = cx
                .order
                .iter()
                .filter(|n| cx.names[n.as_str()].kind == Kind::Calendar)
                .cloned()
                .collect();
            match calendars.as_slice() {
                [one] => cx.resolve(one, a.span, &[Kind::Calendar]),
                [] => {
                    bad(
                        cx,
                        "business days need a working calendar".into(),
                        "no calendar is declared",
                        "declare a `calendar` with working hours and holidays",
                    );
                    return None;
                }
                _ => {
                    bad(
                        cx,
                        "business days of which calendar?".into(),
                        "several calendars are declared",
                        "name the calendar: `5bd@uk_office`",
                    );
                    return None;
                }
            }
        }
        (_, Some(c)) => {
            cx.used.insert(c.text.clone());
            cx.report(
                Diagnostic::new(
                    Code::InvalidDuration,
                    c.span,
                    "only business days take a calendar",
                )
                .label("calendar on a calendar-time duration")
                .help(format!(
                    "write `{amount}bd@{}` for business days, or drop `@{}`",
                    c.text, c.text
                )),
            );
            return None;
        }
        (_, None) => None,
    };
    Some(Duration {
        amount: n,
        unit: *unit,
        calendar,
        span: a.span,
    })
}

pub fn duration(cx: &mut Cx, e: &Entry) -> Option<Duration> {
    match e.args.first() {
        Some(a) if matches!(a.value, Value::Duration { .. }) => {
            extra(cx, e, Shape::Duration, 1);
            duration_arg(cx, a)
        }
        _ => {
            bad_value(cx, e, Shape::Duration, None);
            None
        }
    }
}

/// `KEYWORD duration` (`within 30m`, `every 12mo`), starting at argument `at`.
fn keyword_duration(cx: &mut Cx, e: &Entry, at: usize, kw: &str, shape: Shape) -> Option<Duration> {
    match (e.args.get(at), e.args.get(at + 1)) {
        (Some(k), Some(d)) if is_word(Some(k), kw) && matches!(d.value, Value::Duration { .. }) => {
            duration_arg(cx, d)
        }
        (Some(k), _) if is_word(Some(k), kw) => {
            bad_value(cx, e, shape, e.args.get(at + 1).or(Some(k)));
            None
        }
        (found, _) => {
            bad_value(cx, e, shape, found);
            None
        }
    }
}

pub fn within(cx: &mut Cx, e: &Entry) -> Option<Duration> {
    // `within 30m` as a property whose key is `within` takes the duration directly.
    if e.key.text == "within" {
        return duration(cx, e);
    }
    let d = keyword_duration(cx, e, 0, "within", Shape::Within);
    extra(cx, e, Shape::Within, 2);
    d
}

pub fn every(cx: &mut Cx, e: &Entry) -> Option<Duration> {
    if e.key.text == "every" {
        return duration(cx, e);
    }
    let d = keyword_duration(cx, e, 0, "every", Shape::Every);
    extra(cx, e, Shape::Every, 2);
    d
}

/// `every 20m for 2h then every 1h`.
pub fn cadence(cx: &mut Cx, e: &Entry) -> Option<Cadence> {
    let mut phases: Vec<CadencePhase> = Vec::new();
    let mut i = 0;
    let mut ok = true;
    let mut open_at: Option<Span> = None;
    loop {
        let start = e.args.get(i).map(|a| a.span);
        let every = keyword_duration(cx, e, i, "every", Shape::Cadence);
        i += 2;
        let for_ = if is_word(e.args.get(i), "for") {
            let d = keyword_duration(cx, e, i, "for", Shape::Cadence);
            i += 2;
            d
        } else {
            None
        };
        match every {
            Some(every) => {
                if let (Some(open), Some(s)) = (open_at, start) {
                    cx.report(
                        Diagnostic::new(Code::CadenceAfterOpenEnd, s, "this phase can never start")
                            .label("comes after an open-ended phase")
                            .with_secondary(open, "this phase has no `for`, so it never ends")
                            .help(
                                "give the earlier phase a length: `every 20m for 2h then every 1h`",
                            ),
                    );
                    ok = false;
                }
                if for_.is_none() && open_at.is_none() {
                    open_at = start;
                }
                phases.push(CadencePhase { every, for_ })
            }
            None => return None,
        }
        if is_word(e.args.get(i), "then") {
            i += 1;
            continue;
        }
        break;
    }
    if extra(cx, e, Shape::Cadence, i) || !ok {
        return None;
    }
    let span = e
        .args
        .first()
        .map_or(e.key.span, |a| a.span)
        .join(e.args.last().map_or(e.key.span, |a| a.span));
    Some(Cadence { phases, span })
}

/// A window: `24x7`, `mon-fri 08:00-18:00`, `sat`, `22:00-06:00` (every day).
pub fn window(cx: &mut Cx, e: &Entry) -> Option<Window> {
    let args = &e.args;
    let span = args
        .first()
        .map_or(e.key.span, |a| a.span)
        .join(args.last().map_or(e.key.span, |a| a.span));
    let (days, range, used) = match args.first().map(|a| &a.value) {
        Some(Value::Always) => {
            extra(cx, e, Shape::Window, 1);
            return Some(Window::Always { span });
        }
        Some(Value::Days { from, to }) => match args.get(1).map(|a| &a.value) {
            Some(Value::TimeRange { start, end }) => {
                ((*from, *to), Some((*start, *end, args[1].span)), 2)
            }
            _ => ((*from, *to), None, 1),
        },
        Some(Value::TimeRange { start, end }) => (
            (Weekday::Mon, Weekday::Sun),
            Some((*start, *end, args[0].span)),
            1,
        ),
        Some(Value::Word(w)) if Weekday::from_name(w).is_some() => {
            let day = Weekday::from_name(w).unwrap_or(Weekday::Mon);
            ((day, day), None, 1)
        }
        _ => {
            bad_value(cx, e, Shape::Window, None);
            return None;
        }
    };
    if extra(cx, e, Shape::Window, used) {
        return None;
    }
    let (start, end) = match range {
        None => (0, 24 * 60),
        Some((s, t, rspan)) => {
            // Each time of `HH:MM-HH:MM` is five bytes: point at the one that is wrong.
            let first = Span {
                end: rspan.start + 5,
                ..rspan
            };
            let second = Span {
                start: rspan.end.saturating_sub(5),
                ..rspan
            };
            let (s, t) = (minutes(cx, s, first, false), minutes(cx, t, second, true));
            let (s, t) = (s?, t?);
            if s == t {
                cx.report(
                    Diagnostic::new(Code::EmptyWindow, rspan, "the window is empty")
                        .label("starts and ends at the same time")
                        .help("for a whole day, name the days alone (`sat-sun`), or write `24x7`"),
                );
                return None;
            }
            (s, t)
        }
    };
    Some(Window::Weekly {
        from: days.0,
        to: days.1,
        start,
        end,
        span,
    })
}

fn minutes(cx: &mut Cx, (h, m): (u32, u32), span: Span, end: bool) -> Option<u16> {
    let ok = (h < 24 && m < 60) || (end && h == 24 && m == 0);
    if !ok {
        cx.report(
            Diagnostic::new(
                Code::InvalidTime,
                span,
                format!("invalid time `{h:02}:{m:02}`"),
            )
            .label(if m >= 60 {
                "minutes go up to 59"
            } else {
                "hours go up to 23"
            })
            .help("write times as HH:MM, from 00:00 to 23:59 (24:00 may end a window)"),
        );
        return None;
    }
    u16::try_from(h * 60 + m).ok()
}

pub fn word_of(cx: &mut Cx, e: &Entry, a: &Arg, vocab: &[&str], shape: Shape) -> Option<String> {
    match word(a) {
        Some(w) if vocab.contains(&w) => Some(w.to_string()),
        Some(w) => {
            let help = did_you_mean(w, vocab.iter().copied(), "one of:");
            cx.report(
                Diagnostic::new(
                    Code::BadValue,
                    a.span,
                    format!("`{w}` is not a value of `{}`", e.key.text),
                )
                .label("unknown word")
                .help(help),
            );
            None
        }
        None => {
            bad_value(cx, e, shape, Some(a));
            None
        }
    }
}

pub fn one_word(cx: &mut Cx, e: &Entry, vocab: &[&str]) -> Option<String> {
    let shape = Shape::Word(&[]);
    let Some(a) = e.args.first() else {
        bad_value(cx, e, shape, None);
        return None;
    };
    extra(cx, e, shape, 1);
    word_of(cx, e, a, vocab, shape)
}

pub fn words_of(cx: &mut Cx, e: &Entry, vocab: Option<&[&str]>) -> Vec<String> {
    let shape = if vocab.is_some() {
        Shape::Words(&[])
    } else {
        Shape::Tags
    };
    let Some(first) = e.args.first() else {
        bad_value(cx, e, shape, None);
        return Vec::new();
    };
    extra(cx, e, shape, 1);
    let mut out = Vec::new();
    for a in items(first) {
        let w = match vocab {
            Some(v) => word_of(cx, e, a, v, shape),
            None => match word(a) {
                Some(w) => Some(w.to_string()),
                None => {
                    bad_value(cx, e, shape, Some(a));
                    None
                }
            },
        };
        out.extend(w);
    }
    out
}

pub fn ref_arg(cx: &mut Cx, e: &Entry, a: &Arg, kinds: &[Kind], shape: Shape) -> Option<Ref> {
    match (&a.value, word(a)) {
        (_, Some(w)) => cx.resolve(w, a.span, kinds),
        (Value::Str(s), None) if cx.names.contains_key(s) => {
            // `owner "ciso"`: the name is right, the quotes are not.
            cx.used.insert(s.clone());
            cx.report(
                Diagnostic::new(
                    Code::BadValue,
                    a.span,
                    format!("`{}` expects a name, not a string", e.key.text),
                )
                .label("a string")
                .help(format!("write the name without quotes: `{s}`")),
            );
            None
        }
        _ => {
            bad_value(cx, e, shape, Some(a));
            None
        }
    }
}

pub fn reference(cx: &mut Cx, e: &Entry, kinds: &'static [Kind]) -> Option<Ref> {
    let shape = Shape::Ref(kinds);
    let Some(a) = e.args.first() else {
        bad_value(cx, e, shape, None);
        return None;
    };
    extra(cx, e, shape, 1);
    ref_arg(cx, e, a, kinds, shape)
}

pub fn references(cx: &mut Cx, e: &Entry, kinds: &'static [Kind]) -> Vec<Ref> {
    let shape = Shape::Refs(kinds);
    let Some(first) = e.args.first() else {
        bad_value(cx, e, shape, None);
        return Vec::new();
    };
    extra(cx, e, shape, 1);
    items(first)
        .into_iter()
        .filter_map(|a| ref_arg(cx, e, a, kinds, shape))
        .collect()
}

pub fn audience(cx: &mut Cx, e: &Entry, kinds: &'static [Kind]) -> Vec<Member> {
    let shape = Shape::Audience(kinds);
    let Some(first) = e.args.first() else {
        bad_value(cx, e, shape, None);
        return Vec::new();
    };
    extra(cx, e, shape, 1);
    let mut out = Vec::new();
    for a in items(first) {
        match word(a) {
            Some(w) if GROUPS.contains(&w) => out.push(Member::Group(w.to_string())),
            Some(_) => out.extend(ref_arg(cx, e, a, kinds, shape).map(Member::Ref)),
            None => bad_value(cx, e, shape, Some(a)),
        }
    }
    out
}

/// `ciso` or `2 of [legal, hr, ciso, ceo]`.
pub fn quorum(cx: &mut Cx, e: &Entry, kinds: &'static [Kind]) -> Option<Quorum> {
    let shape = Shape::Quorum(kinds);
    let span = e
        .args
        .first()
        .map_or(e.key.span, |a| a.span)
        .join(e.args.last().map_or(e.key.span, |a| a.span));
    match (e.args.first(), e.args.get(1), e.args.get(2)) {
        (Some(a), None, None) if word(a).is_some() => {
            let r = ref_arg(cx, e, a, kinds, shape)?;
            Some(Quorum {
                required: 1,
                of: vec![r],
                span,
            })
        }
        (Some(n), Some(of), Some(list))
            if matches!(n.value, Value::Integer(_)) && is_word(Some(of), "of") =>
        {
            extra(cx, e, shape, 3);
            let group = items(list);
            // Resolve the group first, so that its names are checked whatever the number.
            let of: Vec<Ref> = group
                .iter()
                .filter_map(|a| ref_arg(cx, e, a, kinds, shape))
                .collect();
            let required = int_arg(cx, n, 1)?;
            let mut distinct: Vec<&str> = of.iter().map(|r| r.name.as_str()).collect();
            distinct.sort_unstable();
            distinct.dedup();
            if of.len() == group.len() && required as usize > distinct.len() {
                let size = distinct.len();
                cx.report(
                    Diagnostic::new(
                        Code::QuorumTooLarge,
                        n.span,
                        format!(
                            "a quorum of {required} from a group of {size}{}",
                            if size < group.len() {
                                " different approvers"
                            } else {
                                ""
                            }
                        ),
                    )
                    .label("more approvals than approvers")
                    .with_secondary(list.span, "the group")
                    .help("lower the number or add to the group"),
                );
                return None;
            }
            (of.len() == group.len()).then_some(Quorum { required, of, span })
        }
        _ => {
            bad_value(cx, e, shape, None);
            None
        }
    }
}

/// `ref [within D]` from argument `at`.
pub fn ref_within(
    cx: &mut Cx,
    e: &Entry,
    kinds: &'static [Kind],
    shape: Shape,
    at: usize,
) -> Option<(Ref, Option<Duration>)> {
    let Some(a) = e.args.get(at) else {
        bad_value(cx, e, shape, None);
        return None;
    };
    let r = ref_arg(cx, e, a, kinds, shape);
    let within = if e.args.len() > at + 1 {
        let d = keyword_duration(cx, e, at + 1, "within", shape);
        extra(cx, e, shape, at + 3);
        Some(d?)
    } else {
        None
    };
    Some((r?, within))
}

/// `a -> b` (names of any kind), returning both arguments.
pub fn arrow_pair<'a>(cx: &mut Cx, e: &'a Entry, shape: Shape) -> Option<(&'a Arg, &'a Arg)> {
    match (e.args.first(), e.args.get(1), e.args.get(2)) {
        (Some(a), Some(arrow), Some(b))
            if word(a).is_some() && arrow.value == Value::Arrow && word(b).is_some() =>
        {
            Some((a, b))
        }
        _ => {
            bad_value(cx, e, shape, None);
            None
        }
    }
}

/// A word and a string: `enisa "Malicious Code"`, `signal "+44..."`.
pub fn word_text(cx: &mut Cx, e: &Entry, shape: Shape) -> Option<(String, String)> {
    match (e.args.first(), e.args.get(1)) {
        (
            Some(a),
            Some(Arg {
                value: Value::Str(s),
                ..
            }),
        ) if word(a).is_some() => {
            extra(cx, e, shape, 2);
            Some((word(a)?.to_string(), s.clone()))
        }
        _ => {
            bad_value(cx, e, shape, None);
            None
        }
    }
}

/// Step names: checked against the procedure's steps.
pub fn steps(cx: &mut Cx, e: &Entry, known: &[String], procedure: &str) -> Vec<StepRef> {
    let Some(first) = e.args.first() else {
        bad_value(cx, e, Shape::Steps, None);
        return Vec::new();
    };
    extra(cx, e, Shape::Steps, 1);
    let mut out = Vec::new();
    for a in items(first) {
        let Some(w) = word(a) else {
            bad_value(cx, e, Shape::Steps, Some(a));
            continue;
        };
        if known.iter().any(|k| k == w) {
            out.push(StepRef {
                step: w.to_string(),
                span: a.span,
            });
        } else if !cx.unparsed.contains(w) {
            let help = match suggest(w, known.iter().map(String::as_str)) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "name a step of this procedure".to_string(),
            };
            cx.report(
                Diagnostic::new(
                    Code::UnknownName,
                    a.span,
                    format!("procedure `{procedure}` has no step `{w}`"),
                )
                .label("unknown step")
                .help(help),
            );
        }
    }
    out
}
