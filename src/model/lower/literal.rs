//! Literals read from atoms, where the schema says what they must be. Every malformed
//! literal gets its own finding, with the fix in the help: `1hr` (write `1h`), `1h30m`
//! (write `90m`), `2026-1-5` (write `2026-01-05`), `9:00` (write `09:00`).
//!
//! These functions read text only; the caller turns a [`Bad`] into a diagnostic at the
//! atom's span.

use crate::diagnostics::Code;
use crate::model::value::{ClockTime, DayRange, TimeRange};
use crate::model::vocab::{DurationUnit, Weekday};

/// Why a literal is not what it should be: a code, a message, a label and a help, and the
/// byte range of the atom to point at (all of it when `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bad {
    pub code: Code,
    pub message: String,
    pub label: String,
    pub help: String,
    pub at: Option<(usize, usize)>,
}

fn bad(code: Code, message: String, label: &str, help: String) -> Bad {
    Bad {
        code,
        message,
        label: label.to_string(),
        help,
        at: None,
    }
}

/// What an atom looks like, in words, for "found ..." in messages.
pub fn describe(text: &str) -> &'static str {
    if text == "24x7" {
        "`24x7`"
    } else if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        "a number"
    } else if split_duration(text)
        .is_some_and(|(n, u)| !n.is_empty() && DurationUnit::from_suffix(unit_word(u)).is_some())
    {
        "a duration"
    } else if is_date_shape(text) {
        "a date"
    } else if time_of(text).is_some() {
        "a time of day"
    } else if text
        .split_once('-')
        .is_some_and(|(a, b)| time_of(a).is_some() && time_of(b).is_some())
    {
        "a time range"
    } else if day_range(text).is_some() && text.contains('-') {
        "a day range"
    } else {
        "a name"
    }
}

/// Whether a word is a name: ASCII letters, digits and `_`, not starting with a digit.
pub fn is_name(text: &str) -> bool {
    let mut b = text.bytes();
    b.next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == b'_')
        && b.all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// Why a word is not a name, if it is not, where an element is declared.
pub fn name_problem(text: &str) -> Option<Bad> {
    name_problem_as(text, true)
}

/// Why a word is not a name, if it is not, where a name is referred to.
pub fn ref_name_problem(text: &str) -> Option<Bad> {
    name_problem_as(text, false)
}

fn name_problem_as(text: &str, declared: bool) -> Option<Bad> {
    if is_name(text) {
        return None;
    }
    let first_bad = text.char_indices().find(|(i, c)| {
        !(c.is_ascii_alphanumeric() || *c == '_') || (*i == 0 && c.is_ascii_digit())
    });
    let (i, c) = first_bad?;
    let ascii: String = text
        .chars()
        .filter_map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                Some(c)
            } else {
                fold_accent(c).or(if c.is_alphanumeric() { None } else { Some('_') })
            }
        })
        .collect();
    let ascii = ascii.trim_matches('_').to_string();
    let help = if let Some(bare) = text.strip_suffix(':').filter(|b| is_name(b)) {
        format!("write `{bare}`: a value follows its key word with no `:` between them")
    } else if is_name(&ascii) && declared {
        format!(
            "names are made of ASCII letters, digits and `_`: write `{ascii}`, and keep the rest for the title"
        )
    } else if is_name(&ascii) {
        format!(
            "names are made of ASCII letters, digits and `_`: write `{ascii}`, here and where it is declared"
        )
    } else {
        "names are made of ASCII letters, digits and `_`, and start with a letter or `_`"
            .to_string()
    };
    let label = if i == 0 && c.is_ascii_digit() {
        "a name starts with a letter or `_`".to_string()
    } else if c.is_alphabetic() {
        format!("`{c}` is a letter outside ASCII")
    } else {
        format!("`{}` is not allowed in a name", c.escape_default())
    };
    Some(Bad {
        code: Code::InvalidName,
        message: format!("`{text}` is not a valid name"),
        label,
        help,
        at: None,
    })
}

/// The ASCII letter an accented Latin letter is written with.
fn fold_accent(c: char) -> Option<char> {
    const TABLE: &[(&str, char)] = &[
        ("àáâãäåāăą", 'a'),
        ("ÀÁÂÃÄÅĀĂĄ", 'A'),
        ("çćĉċč", 'c'),
        ("ÇĆĈĊČ", 'C'),
        ("ďđ", 'd'),
        ("èéêëēĕėęě", 'e'),
        ("ÈÉÊËĒĔĖĘĚ", 'E'),
        ("ĝğġģ", 'g'),
        ("ìíîïĩīĭįı", 'i'),
        ("ÌÍÎÏĨĪĬĮİ", 'I'),
        ("ñńņňŉ", 'n'),
        ("ÑŃŅŇ", 'N'),
        ("òóôõöøōŏő", 'o'),
        ("ÒÓÔÕÖØŌŎŐ", 'O'),
        ("ŕŗř", 'r'),
        ("śŝşš", 's'),
        ("ŚŜŞŠ", 'S'),
        ("ţťŧ", 't'),
        ("ùúûüũūŭůűų", 'u'),
        ("ÙÚÛÜŨŪŬŮŰŲ", 'U'),
        ("ýÿŷ", 'y'),
        ("źżž", 'z'),
        ("ŹŻŽ", 'Z'),
        ("ß", 's'),
    ];
    TABLE
        .iter()
        .find(|(set, _)| set.contains(c))
        .map(|(_, a)| *a)
}

/// A whole number.
pub fn integer(text: &str) -> Result<u32, Bad> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad(
            Code::BadValue,
            format!("`{text}` is not a number"),
            "not a number",
            "write a whole number with digits only, e.g. `2`".into(),
        ));
    }
    text.parse::<u32>().map_err(|_| {
        bad(
            Code::NumberOutOfRange,
            "number too large".into(),
            "out of range",
            format!("numbers go up to {}", u32::MAX),
        )
    })
}

/// Digits, and what follows them.
fn split_duration(text: &str) -> Option<(&str, &str)> {
    let n = text.bytes().take_while(u8::is_ascii_digit).count();
    (n > 0).then(|| (&text[..n], &text[n..]))
}

/// The unit part before a `@calendar`.
fn unit_word(rest: &str) -> &str {
    rest.split_once('@').map_or(rest, |(u, _)| u)
}

/// The unit a word for a unit stands for (`hours` is `h`).
pub fn unit_for_word(word: &str) -> Option<DurationUnit> {
    use DurationUnit as U;
    Some(match word.to_ascii_lowercase().as_str() {
        "s" | "sec" | "secs" | "second" | "seconds" => U::Seconds,
        "m" | "min" | "mins" | "minute" | "minutes" | "mn" => U::Minutes,
        "h" | "hr" | "hrs" | "hour" | "hours" => U::Hours,
        "d" | "day" | "days" => U::Days,
        "w" | "wk" | "wks" | "week" | "weeks" => U::Weeks,
        "mo" | "mon" | "mos" | "mth" | "mths" | "month" | "months" => U::Months,
        "y" | "yr" | "yrs" | "year" | "years" => U::Years,
        "bd" | "bds" | "businessday" | "businessdays" | "business_day" | "business_days" | "wd"
        | "workday" | "workdays" | "working_days" => U::BusinessDays,
        _ => return None,
    })
}

/// A duration's amount, unit and calendar name (`10bd@uk_office`), not yet validated for
/// range. `next` is the argument after this one, for `1 hour`; `Ok((.., true))` says that
/// it was taken.
pub struct DurationParts<'a> {
    pub amount: &'a str,
    pub unit: DurationUnit,
    /// The calendar name and its offset in the atom.
    pub calendar: Option<(&'a str, usize)>,
}

/// Reads `15m`, `10bd@uk_office`. `next` is the word after it, to recognise `1 hour`: the
/// error then says so, and `true` in it says the next word belongs to it.
pub fn duration<'a>(text: &'a str, next: Option<&str>) -> Result<DurationParts<'a>, (Bad, bool)> {
    let Some((n, rest)) = split_duration(text) else {
        return Err((
            bad(
                Code::BadValue,
                format!("`{text}` is not a duration"),
                "not a duration",
                "write a number and a unit, e.g. `30m`, `4h`, `5d`".into(),
            ),
            false,
        ));
    };
    if rest.is_empty() {
        if let Some(w) = next
            && let Some(u) = unit_for_word(w)
        {
            let help = format!("write `{n}{}`, with no space", u.suffix());
            return Err((
                bad(
                    Code::DurationInWords,
                    format!("duration written as `{text} {w}`"),
                    "a number and a unit are written together",
                    help,
                ),
                true,
            ));
        }
        return Err((
            bad(
                Code::UnknownDurationUnit,
                format!("`{text}` has no unit"),
                "a unit is missing",
                format!("write `{n}m` for minutes, `{n}h` for hours or `{n}s` for seconds"),
            ),
            false,
        ));
    }
    let (unit_text, calendar) = match rest.split_once('@') {
        Some((u, c)) => (u, Some((c, n.len() + u.len() + 1))),
        None => (rest, None),
    };
    if let Some(unit) = DurationUnit::from_suffix(unit_text) {
        return Ok(DurationParts {
            amount: n,
            unit,
            calendar,
        });
    }
    // Several amounts and units: `1h30m`.
    if let Some(total) = compound(text) {
        return Err((
            bad(
                Code::CompoundDuration,
                format!("`{text}` has several units"),
                "one amount and one unit",
                match total {
                    Some(t) => format!("write `{t}`"),
                    None => "write one amount and one unit, e.g. `36h`".into(),
                },
            ),
            false,
        ));
    }
    let help = match unit_for_word(unit_text) {
        Some(u) => format!("write `{n}{}`", u.suffix()),
        None => "the units are `s`, `m` (or `min`), `h`, `d`, `w`, `mo`, `y` and `bd`".into(),
    };
    Err((
        Bad {
            code: Code::UnknownDurationUnit,
            message: format!("unknown duration unit `{unit_text}`"),
            label: "not a unit".into(),
            help,
            at: Some((n.len(), n.len() + unit_text.len())),
        },
        false,
    ))
}

/// `1h30m`: `Some(Some("90m"))` when every part has a fixed length, `Some(None)` when one
/// is calendar-based; `None` when the text is not several amounts and units.
fn compound(text: &str) -> Option<Option<String>> {
    let mut parts = Vec::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (n, after) = split_duration(rest)?;
        let u = after
            .bytes()
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        if u == 0 {
            // `1h30`: minutes left out at the end.
            parts.push((n.parse::<u64>().ok()?, None));
            rest = &after[u..];
            continue;
        }
        let unit = unit_for_word(&after[..u])?;
        parts.push((n.parse::<u64>().ok()?, Some(unit)));
        rest = &after[u..];
    }
    if parts.len() < 2 {
        return None;
    }
    // A bare trailing number takes the unit below the one before it (`1h30` is 1h 30m).
    let mut total = 0u64;
    let mut smallest = u64::MAX;
    let mut prev: Option<DurationUnit> = None;
    for (n, u) in &parts {
        let unit = match (u, prev) {
            (Some(u), _) => *u,
            (None, Some(DurationUnit::Hours)) => DurationUnit::Minutes,
            (None, Some(DurationUnit::Minutes)) => DurationUnit::Seconds,
            (None, Some(DurationUnit::Days)) => DurationUnit::Hours,
            _ => return Some(None),
        };
        let Some(m) = unit.seconds() else {
            return Some(None);
        };
        total = total.checked_add(n.checked_mul(m)?)?;
        smallest = smallest.min(m);
        prev = Some(unit);
    }
    let (amount, suffix) = match smallest {
        1 => (total, "s"),
        60 => (total / 60, "m"),
        3600 => (total / 3600, "h"),
        86_400 => (total / 86_400, "d"),
        _ => (total / 604_800, "w"),
    };
    Some(Some(format!("{amount}{suffix}")))
}

/// Whether the text looks like `NNNN-NN-NN`.
fn is_date_shape(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// Reads `2026-03-01`.
pub fn date(text: &str) -> Result<jiff::civil::Date, Bad> {
    if is_date_shape(text) {
        let (y, m, d) = (&text[0..4], &text[5..7], &text[8..10]);
        let (y, m, d): (i16, i8, i8) = (
            y.parse().unwrap_or(0),
            m.parse().unwrap_or(0),
            d.parse().unwrap_or(0),
        );
        return jiff::civil::Date::new(y, m, d).map_err(|_| {
            let why = if !(1..=12).contains(&m) {
                format!("there is no month {m}")
            } else {
                format!("{y:04}-{m:02} has no day {d}")
            };
            Bad {
                code: Code::InvalidDate,
                message: format!("invalid date `{text}`"),
                label: why,
                help: "write a real calendar date as YYYY-MM-DD".into(),
                at: None,
            }
        });
    }
    let template = text.bytes().all(|b| {
        matches!(
            b.to_ascii_uppercase(),
            b'Y' | b'M' | b'D' | b'-' | b'/' | b'.'
        )
    }) && text.len() >= 6;
    if template {
        return Err(bad(
            Code::MalformedDate,
            format!("`{text}` is the form of a date, not a date"),
            "a template, not a date",
            "write the date, e.g. `2026-01-05`".into(),
        ));
    }
    let parts: Vec<&str> = text.split(['-', '/', '.']).collect();
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    if parts.len() == 3 && parts.iter().all(|p| digits(p)) {
        let sep = text
            .bytes()
            .find(|b| matches!(b, b'-' | b'/' | b'.'))
            .unwrap_or(b'-');
        let help = if parts[0].len() == 4 && parts[1].len() <= 2 && parts[2].len() <= 2 {
            format!("write `{}-{:0>2}-{:0>2}`", parts[0], parts[1], parts[2])
        } else if parts[2].len() == 4 && sep != b'-' {
            // Day and month cannot be told apart: say so with the user's own date.
            let (a, b, y) = (parts[0], parts[1], parts[2]);
            let (na, nb) = (a.parse::<u32>().unwrap_or(0), b.parse::<u32>().unwrap_or(0));
            if na > 12 && nb <= 12 {
                format!("write dates year first, as YYYY-MM-DD: `{y}-{b:0>2}-{a:0>2}`")
            } else if nb > 12 && na <= 12 {
                format!("write dates year first, as YYYY-MM-DD: `{y}-{a:0>2}-{b:0>2}`")
            } else {
                format!(
                    "write dates year first, as YYYY-MM-DD: `{text}` is `{y}-{b:0>2}-{a:0>2}` in some countries and `{y}-{a:0>2}-{b:0>2}` in others"
                )
            }
        } else {
            "write dates as YYYY-MM-DD, e.g. `2026-01-05`".into()
        };
        return Err(bad(
            Code::MalformedDate,
            format!("`{text}` is not written YYYY-MM-DD"),
            "not a YYYY-MM-DD date",
            help,
        ));
    }
    Err(bad(
        Code::BadValue,
        format!("`{text}` is not a date"),
        "not a date",
        "write a date as YYYY-MM-DD, e.g. `2026-03-01`".into(),
    ))
}

/// `HH:MM`, with its hour and minute (not range-checked).
fn time_of(text: &str) -> Option<(u32, u32)> {
    let b = text.as_bytes();
    (b.len() == 5 && b[2] == b':' && [0, 1, 3, 4].iter().all(|&i| b[i].is_ascii_digit()))
        .then(|| (digits(&text[0..2]), digits(&text[3..5])))
}

fn digits(s: &str) -> u32 {
    s.bytes().fold(0u32, |n, b| {
        n.saturating_mul(10).saturating_add(u32::from(b - b'0'))
    })
}

/// A time of day that is not written `HH:MM`: what it should be.
fn time_fix(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    let (body, pm) = if let Some(b) = lower.strip_suffix("am") {
        (b, Some(false))
    } else if let Some(b) = lower.strip_suffix("pm") {
        (b, Some(true))
    } else {
        (lower.as_str(), None)
    };
    let (h, m) = match body.split_once(':') {
        Some((h, m)) => (h, m),
        None if pm.is_some() => (body, "00"),
        None if body.len() == 4 && body.is_char_boundary(2) => (&body[..2], &body[2..]),
        None => return None,
    };
    let ok = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !ok(h, 2) || !ok(m, 2) || m.len() != 2 {
        return None;
    }
    let mut hour: u32 = h.parse().ok()?;
    match pm {
        Some(true) if hour < 12 => hour += 12,
        Some(false) if hour == 12 => hour = 0,
        _ => {}
    }
    Some(format!("{hour:02}:{m}"))
}

/// Reads one time of day, `HH:MM` (`24:00` is refused: it ends a window only).
pub fn time_of_day(text: &str) -> Result<ClockTime, Bad> {
    clock(text, false)
}

/// Reads one time of a range, `end` saying whether it ends the range (so may be `24:00`).
fn clock(text: &str, end: bool) -> Result<ClockTime, Bad> {
    match time_of(text) {
        Some((h, m)) => {
            if (h < 24 && m < 60) || (end && h == 24 && m == 0) {
                Ok(ClockTime {
                    minutes: (h * 60 + m) as u16,
                })
            } else {
                Err(bad(
                    Code::InvalidTime,
                    format!("invalid time `{text}`"),
                    if m >= 60 {
                        "minutes go up to 59"
                    } else {
                        "hours go up to 23"
                    },
                    "write times as HH:MM, from 00:00 to 23:59 (24:00 may end a window)".into(),
                ))
            }
        }
        None => Err(match time_fix(text) {
            Some(fix) => bad(
                Code::MalformedTime,
                format!("`{text}` is not written HH:MM"),
                "not an HH:MM time",
                format!("write `{fix}`"),
            ),
            None => bad(
                Code::MalformedTime,
                format!("`{text}` is not a time of day"),
                "not an HH:MM time",
                "write times as HH:MM on a 24-hour clock, e.g. `08:00-18:00`".into(),
            ),
        }),
    }
}

/// Reads `08:00-18:00` (or one time, which is refused: windows are ranges). Each time that
/// is wrong is reported.
pub fn time_range(text: &str) -> Result<TimeRange, Vec<Bad>> {
    let Some((a, b)) = text.split_once('-') else {
        return Err(vec![match clock(text, false) {
            Ok(_) => bad(
                Code::BadValue,
                format!("`{text}` is a time, not a range"),
                "one time",
                format!("write the window's start and end, e.g. `{text}-18:00`"),
            ),
            Err(e) => e,
        }]);
    };
    let (start, end) = (clock(a, false), clock(b, true));
    match (start, end) {
        (Ok(start), Ok(end)) => {
            if start == end {
                return Err(vec![bad(
                    Code::EmptyWindow,
                    "the window is empty".into(),
                    "starts and ends at the same time",
                    "for a whole day, name the days alone (`sat-sun`), or write `24x7`".into(),
                )]);
            }
            Ok(TimeRange { start, end })
        }
        (s, e) => {
            let mut out = Vec::new();
            let malformed = matches!(&s, Err(x) if x.code == Code::MalformedTime)
                || matches!(&e, Err(x) if x.code == Code::MalformedTime);
            if malformed {
                // One finding for the range, with the whole fix.
                let mut x = s
                    .err()
                    .or(e.err())
                    .unwrap_or_else(|| bad(Code::MalformedTime, String::new(), "", String::new()));
                x.code = Code::MalformedTime;
                x.message = format!("`{text}` is not written HH:MM-HH:MM");
                x.label = "not an HH:MM time".into();
                x.help = range_help(a, b);
                x.at = None;
                return Err(vec![x]);
            }
            if let Err(mut x) = s {
                x.at.get_or_insert((0, a.len()));
                out.push(x);
            }
            if let Err(mut x) = e {
                x.at.get_or_insert((a.len() + 1, text.len()));
                out.push(x);
            }
            Err(out)
        }
    }
}

fn range_help(a: &str, b: &str) -> String {
    let fix = |t: &str| time_of(t).map(|_| t.to_string()).or_else(|| time_fix(t));
    match (fix(a), fix(b)) {
        (Some(a), Some(b)) => format!("write `{a}-{b}`"),
        _ => "write times as HH:MM on a 24-hour clock, e.g. `08:00-18:00`".into(),
    }
}

/// Reads `mon`, `mon-fri`.
pub fn day_range(text: &str) -> Option<DayRange> {
    let (a, b) = text.split_once('-').unwrap_or((text, text));
    Some(DayRange {
        from: Weekday::from_word(a)?,
        to: Weekday::from_word(b)?,
    })
}

/// How a day that is not written `mon` .. `sun` should be written.
pub fn day_fix(text: &str) -> Option<String> {
    let fix = |d: &str| -> Option<&'static str> {
        let l = d.to_ascii_lowercase();
        Weekday::WORDS
            .iter()
            .find(|w| l.get(..3).is_some_and(|p| w.starts_with(p)) && ("monday tuesday wednesday thursday friday saturday sunday tues thur thurs weds".split(' ').any(|full| full.starts_with(&l)) || l.len() == 3))
            .copied()
    };
    let (a, b) = text.split_once('-').unwrap_or((text, text));
    let (fa, fb) = (fix(a)?, fix(b)?);
    Some(if a == b && !text.contains('-') {
        fa.to_string()
    } else {
        format!("{fa}-{fb}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dur_err(t: &str, next: Option<&str>) -> (Code, String) {
        match duration(t, next) {
            Ok(_) => panic!("{t} parsed"),
            Err((b, _)) => (b.code, b.help),
        }
    }

    #[test]
    fn durations() {
        assert!(duration("15m", None).is_ok());
        assert!(
            duration("10bd@uk_office", None).is_ok_and(|d| d.calendar == Some(("uk_office", 5)))
        );
        assert_eq!(
            dur_err("1hr", None),
            (Code::UnknownDurationUnit, "write `1h`".into())
        );
        assert_eq!(
            dur_err("2days", None),
            (Code::UnknownDurationUnit, "write `2d`".into())
        );
        assert_eq!(
            dur_err("1", Some("hour")),
            (Code::DurationInWords, "write `1h`, with no space".into())
        );
        assert_eq!(
            dur_err("1h30m", None),
            (Code::CompoundDuration, "write `90m`".into())
        );
        assert_eq!(
            dur_err("1h30", None),
            (Code::CompoundDuration, "write `90m`".into())
        );
        assert_eq!(
            dur_err("1d12h", None),
            (Code::CompoundDuration, "write `36h`".into())
        );
        assert_eq!(dur_err("1mo2d", None).0, Code::CompoundDuration);
        assert_eq!(dur_err("30", None).0, Code::UnknownDurationUnit);
        assert!(duration("90s", None).is_ok_and(|d| d.unit == DurationUnit::Seconds));
        assert_eq!(
            dur_err("90secs", None),
            (Code::UnknownDurationUnit, "write `90s`".into())
        );
        assert_eq!(
            dur_err("1m30s", None),
            (Code::CompoundDuration, "write `90s`".into())
        );
    }

    #[test]
    fn dates() {
        assert!(date("2028-02-29").is_ok());
        assert_eq!(
            date("2026-02-30").expect_err("refused").code,
            Code::InvalidDate
        );
        let e = date("2026-1-5").expect_err("refused");
        assert_eq!(
            (e.code, e.help.as_str()),
            (Code::MalformedDate, "write `2026-01-05`")
        );
        assert_eq!(
            date("YYYY-MM-DD").expect_err("refused").code,
            Code::MalformedDate
        );
        assert_eq!(
            date("05/01/2026").expect_err("refused").code,
            Code::MalformedDate
        );
    }

    #[test]
    fn times() {
        assert!(time_range("08:00-24:00").is_ok());
        let e = time_range("9:00-17:00").expect_err("refused");
        assert_eq!(
            (e[0].code, e[0].help.as_str()),
            (Code::MalformedTime, "write `09:00-17:00`")
        );
        let e = time_range("9am-5pm").expect_err("refused");
        assert_eq!(e[0].help, "write `09:00-17:00`");
        assert_eq!(
            time_range("24:00-08:00").expect_err("refused")[0].code,
            Code::InvalidTime
        );
        assert_eq!(time_range("25:00-26:00").expect_err("refused").len(), 2);
        assert_eq!(
            time_range("08:00-08:00").expect_err("refused")[0].code,
            Code::EmptyWindow
        );
    }

    #[test]
    fn names() {
        assert!(name_problem("incident_manager").is_none());
        let b = name_problem("société").expect("not a name");
        assert_eq!(b.code, Code::InvalidName);
        assert!(b.help.contains("`societe`"), "{}", b.help);
        assert!(name_problem("3rd_line").is_some());
    }

    #[test]
    fn days() {
        assert_eq!(day_fix("Monday-Friday").as_deref(), Some("mon-fri"));
        assert_eq!(day_fix("Sat").as_deref(), Some("sat"));
        assert_eq!(day_fix("xyz"), None);
    }
}
