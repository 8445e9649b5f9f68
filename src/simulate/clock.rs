//! Time arithmetic of the simulation: whether a window is open at an instant, who of a rota
//! is on call, business days against a calendar, and a duration added to an instant. Every
//! local time is computed in the zone of the declaration that states it, through jiff's
//! bundled database, so daylight-saving changes fall where they fall.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp, ToSpan};

use crate::model::{
    Calendar, CalendarRef, Duration, DurationUnit, Model, PersonId, RotationPeriod, Schedule,
    Window,
};

/// Monday is 0.
fn weekday_index(d: Date) -> u8 {
    d.weekday().to_monday_zero_offset() as u8
}

/// Whether a window holds a local time, given as its weekday (Monday 0) and minute of day.
/// A window whose end is not after its start crosses midnight: its hours after midnight
/// belong to the day it started on.
pub fn window_holds(w: &Window, weekday: u8, minute: u16) -> bool {
    let (_, _, start, end) = w.parts();
    if end > start {
        w.on_day(weekday) && (start..end).contains(&minute)
    } else {
        let yesterday = (weekday + 6) % 7;
        (w.on_day(weekday) && minute >= start) || (w.on_day(yesterday) && minute < end)
    }
}

fn minute_of(t: Time) -> u16 {
    t.hour() as u16 * 60 + t.minute() as u16
}

/// Whether the windows hold an instant in a zone. A day listed as a holiday counts as a
/// Sunday: a rota that covers Sundays covers its holidays too.
pub fn open_at(windows: &[&Window], tz: &TimeZone, holidays: &[Date], at: Timestamp) -> bool {
    let dt = tz.to_datetime(at);
    let today = dt.date();
    let yesterday = today.yesterday().unwrap_or(today);
    let day_of = |d: Date| {
        if holidays.contains(&d) {
            6
        } else {
            weekday_index(d)
        }
    };
    let minute = minute_of(dt.time());
    windows.iter().any(|w| {
        let (_, _, start, end) = w.parts();
        if end > start {
            w.on_day(day_of(today)) && (start..end).contains(&minute)
        } else {
            (w.on_day(day_of(today)) && minute >= start)
                || (w.on_day(day_of(yesterday)) && minute < end)
        }
    })
}

/// The holidays of a calendar.
pub fn holidays(cal: Option<&Calendar>) -> Vec<Date> {
    cal.map_or_else(Vec::new, |c| {
        c.holidays.iter().map(|h| h.value.date.date).collect()
    })
}

/// The time zone a declaration states, or UTC.
pub fn zone_of(tz: Option<&crate::model::TimeZone>) -> TimeZone {
    tz.map_or(TimeZone::UTC, |t| t.tz.clone())
}

/// Who of a rota's `rotate` is on call at an instant: the turn counts from `starts` (the
/// day the first person's turn begins) in periods of the rotation, changing at `handover`
/// (midnight if not given), in the rota's zone. `None` without `rotate` or `starts`.
pub fn turn_at(s: &Schedule, at: Timestamp) -> Option<PersonId> {
    let rot = s.rotate.as_ref()?;
    let people: Vec<PersonId> = rot.people.iter().filter_map(|r| r.target).collect();
    if people.is_empty() {
        return None;
    }
    if people.len() == 1 {
        return people.first().copied();
    }
    let anchor = s.starts.as_ref()?.value.date;
    let tz = zone_of(s.timezone.as_ref().map(|p| &p.value));
    let handover = s
        .handover
        .as_ref()
        .and_then(|h| h.value.value.time())
        .unwrap_or(Time::midnight());
    let dt = tz.to_datetime(at);
    // The day whose turn is running: before the handover, the turn of the day before.
    let day = if dt.time() < handover {
        dt.date().yesterday().ok()?
    } else {
        dt.date()
    };
    let days = days_between(anchor, day)?;
    let turn = match rot.every.value {
        RotationPeriod::Daily => days,
        RotationPeriod::Weekly => days.div_euclid(7),
        RotationPeriod::Fortnightly => days.div_euclid(14),
        RotationPeriod::Monthly => {
            let months = (i64::from(day.year()) - i64::from(anchor.year())) * 12
                + i64::from(day.month())
                - i64::from(anchor.month());
            if day.day() < anchor.day() {
                months - 1
            } else {
                months
            }
        }
    };
    let n = people.len() as i64;
    people.get(turn.rem_euclid(n) as usize).copied()
}

/// Whole days from `a` to `b`.
fn days_between(a: Date, b: Date) -> Option<i64> {
    let span = a.until((jiff::Unit::Day, b)).ok()?;
    Some(i64::from(span.get_days()))
}

/// The working hours a calendar's day has: the end of its last window that starts that day,
/// as a local date-time (the next day's, for a window crossing midnight). `None`: not a
/// business day (no window, or a holiday).
fn business_day_end(cal: &Calendar, day: Date) -> Option<DateTime> {
    if cal.holidays.iter().any(|h| h.value.date.date == day) {
        return None;
    }
    let wd = weekday_index(day);
    let mut end: Option<DateTime> = None;
    for w in &cal.hours {
        let (_, _, start, stop) = w.value.parts();
        if !w.value.on_day(wd) {
            continue;
        }
        let (d, minute) = if stop > start {
            (day, stop)
        } else {
            (day.tomorrow().ok()?, stop)
        };
        let e = if minute >= 24 * 60 {
            d.tomorrow().ok()?.to_datetime(Time::midnight())
        } else {
            d.to_datetime(Time::new((minute / 60) as i8, (minute % 60) as i8, 0, 0).ok()?)
        };
        end = Some(end.map_or(e, |x: DateTime| x.max(e)));
    }
    end
}

/// The end of the `n`th business day of a calendar after the day of an instant (the day the
/// clock starts does not count), in the calendar's zone. `None` if the calendar has no
/// business day in the next ten years.
pub fn add_business_days(cal: &Calendar, at: Timestamp, n: u32) -> Option<Timestamp> {
    let tz = zone_of(cal.timezone.as_ref().map(|p| &p.value));
    let mut day = tz.to_datetime(at).date();
    let mut left = n;
    for _ in 0..3660 {
        day = day.tomorrow().ok()?;
        if let Some(end) = business_day_end(cal, day) {
            left -= 1;
            if left == 0 {
                return tz.to_timestamp(end).ok();
            }
        }
    }
    None
}

/// An instant plus a duration: units of fixed length on the time line (a day is 24 hours);
/// months and years on the calendar, in `tz`; business days on their calendar (the
/// policy's only one when the duration names none).
pub fn add(model: &Model, tz: &TimeZone, at: Timestamp, d: &Duration) -> Option<Timestamp> {
    if let Some(secs) = d.fixed_seconds() {
        return at
            .checked_add(SignedDuration::from_secs(i64::try_from(secs).ok()?))
            .ok();
    }
    let zoned = at.to_zoned_datetime(tz.clone());
    match d.unit {
        DurationUnit::Months => Some(
            zoned
                .checked_add(i64::from(d.amount).months())
                .ok()?
                .timestamp(),
        ),
        DurationUnit::Years => Some(
            zoned
                .checked_add(i64::from(d.amount).years())
                .ok()?
                .timestamp(),
        ),
        DurationUnit::BusinessDays => {
            let cal = match d.calendar.as_deref() {
                Some(CalendarRef::Named(r)) => r.target,
                Some(CalendarRef::Implicit(c)) => *c,
                None => None,
            }?;
            add_business_days(&model[cal], at, d.amount)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Options, check_sources};

    fn model(text: &str) -> Model {
        let a = check_sources(&[("p.imp", text)], Options::reading_only());
        assert!(!a.has_errors(), "{:?}", a.diagnostics);
        a.model
    }

    fn at(s: &str) -> Timestamp {
        s.parse::<jiff::ZonedDateTime>()
            .expect("a zoned time")
            .timestamp()
    }

    fn show(t: Timestamp, zone: &str) -> String {
        t.in_tz(zone)
            .expect("zone")
            .strftime("%a %F %H:%M %Z")
            .to_string()
    }

    const CAL: &str = r#"
calendar uk "UK" {
  timezone "Europe/London"
  hours mon-fri 09:00-17:30
  holiday 2026-12-25 "Christmas Day"
  holiday 2026-12-28 "Boxing Day (substitute day)"
}
person a "A" { email "a@example.org" }
person b "B" { email "b@example.org" }
person c "C" { email "c@example.org" }
schedule rota "Rota" {
  timezone "Europe/London"
  hours mon-fri 18:00-08:00
  hours sat-sun
  rotate weekly [a, b, c]
  calendar uk
  starts 2026-01-05
  handover 09:00
}
"#;

    #[test]
    fn business_days_skip_weekends_and_holidays() {
        let m = model(CAL);
        let cal = &m.calendars[0];
        // Saturday: Monday to Friday are the five business days.
        let due = add_business_days(cal, at("2026-12-05T03:00[Europe/London]"), 5);
        assert_eq!(
            show(due.expect("due"), "Europe/London"),
            "Fri 2026-12-11 17:30 GMT"
        );
        // Wednesday 23rd: Thursday 24th, then Christmas, the weekend and the substitute
        // Boxing Day are skipped: Tuesday 29th is the second.
        let due = add_business_days(cal, at("2026-12-23T10:00[Europe/London]"), 2);
        assert_eq!(
            show(due.expect("due"), "Europe/London"),
            "Tue 2026-12-29 17:30 GMT"
        );
    }

    #[test]
    fn weekly_turns_change_at_the_handover() {
        let m = model(CAL);
        let s = &m.schedules[0];
        let name = |t: &str| turn_at(s, at(t)).map(|p| p.0);
        // Week 0 from Monday 5 January 09:00 is `a`'s; week 1 `b`'s.
        assert_eq!(name("2026-01-05T08:59[Europe/London]"), Some(2));
        assert_eq!(name("2026-01-05T09:00[Europe/London]"), Some(0));
        assert_eq!(name("2026-01-12T09:00[Europe/London]"), Some(1));
        // 5 December 2026 is in week 47 (from Monday 30 November): 47 mod 3 = 2.
        assert_eq!(name("2026-12-05T03:00[Europe/London]"), Some(2));
    }

    #[test]
    fn the_handover_stays_at_nine_across_the_clock_change() {
        let m = model(CAL);
        let s = &m.schedules[0];
        // Clocks go back on Sunday 25 October 2026; the turn changes on Monday 26th at
        // 09:00 GMT, not 08:00 or 10:00.
        let before = turn_at(s, at("2026-10-26T08:59[Europe/London]"));
        let after = turn_at(s, at("2026-10-26T09:00[Europe/London]"));
        assert_ne!(before, after);
    }

    #[test]
    fn windows_cross_midnight_and_holidays_count_as_sundays() {
        let m = model(CAL);
        let s = &m.schedules[0];
        let tz = zone_of(s.timezone.as_ref().map(|p| &p.value));
        let ws: Vec<&Window> = s.hours.iter().map(|h| &h.value).collect();
        let hol = holidays(Some(&m.calendars[0]));
        let open = |t: &str| open_at(&ws, &tz, &hol, at(t));
        assert!(open("2026-12-08T03:00[Europe/London]"), "Tuesday night");
        assert!(!open("2026-12-08T12:00[Europe/London]"), "Tuesday noon");
        assert!(open("2026-12-05T12:00[Europe/London]"), "Saturday");
        assert!(
            open("2026-12-25T12:00[Europe/London]"),
            "Christmas is a Sunday"
        );
    }

    #[test]
    fn hours_are_elapsed_time_across_the_clock_change() {
        let m = model(CAL);
        let d = Duration {
            amount: 24,
            unit: DurationUnit::Hours,
            calendar: None,
            span: crate::source::Span::new(0, 0),
        };
        let tz = TimeZone::get("Europe/London").expect("zone");
        let due = add(&m, &tz, at("2026-10-24T03:00[Europe/London]"), &d);
        assert_eq!(
            show(due.expect("due"), "Europe/London"),
            "Sun 2026-10-25 02:00 GMT"
        );
    }
}
