//! Business days, counted exactly on a working calendar: its `hours` say which weekdays are
//! working days and when each closes, its `holiday`s which days are not, its `timezone` where
//! (UTC when it gives none). Shared by the checks (IMP1803) and `imp simulate`.
//!
//! **N business days from a moment** end at the close of business of the N-th business day
//! after the day of that moment (the day it falls on is never counted: it is partly gone).
//! The close of a business day is the latest end of its working windows that day (`24:00`
//! for a whole day; a window that crosses midnight closes the next morning). So
//! `next_business_day` is one business day: a report on Thursday is due at Friday's close.
//!
//! A small, pure API: [`WorkCalendar::of`] reads a calendar of the model,
//! [`WorkCalendar::deadline`] gives the moment N business days from a moment, and
//! [`WorkCalendar::shortest`] the shortest real time N business days can be, over a run of
//! start days (its worst start: the last moment of a day). Every scan is bounded: the N-th
//! business day after a day is at most `7 * (N + holidays + 1)` days away.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use crate::model::{CalendarId, Model};

/// A working calendar, as business days are counted on it.
#[derive(Debug, Clone)]
pub struct WorkCalendar {
    pub tz: TimeZone,
    /// For each weekday (Monday 0), when its working hours close, in minutes after its
    /// midnight (past 1440 for a window that crosses midnight); `None`: not a working day.
    close: [Option<u32>; 7],
    /// Sorted.
    holidays: Vec<Date>,
}

/// The shortest real time of a count of business days, and the day a start that late falls on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shortest {
    /// In seconds, from the last moment of `start` to the deadline.
    pub seconds: u64,
    pub start: Date,
}

impl WorkCalendar {
    /// The calendar of a model; `None` when it has no working hours (or some could not be
    /// read), so that it has no business day.
    pub fn of(model: &Model, id: CalendarId) -> Option<WorkCalendar> {
        let c = model.calendars.get(id.0 as usize)?;
        if c.unread_hours || c.hours.is_empty() {
            return None;
        }
        let mut close = [None; 7];
        for h in &c.hours {
            let (from, to, s, e) = h.value.parts();
            let end = if e <= s {
                1440 + u32::from(e)
            } else {
                u32::from(e)
            };
            let (a, b) = (from.index() as usize, to.index() as usize);
            let n = (b + 7 - a) % 7 + 1;
            for k in 0..n {
                let d = (a + k) % 7;
                close[d] = Some(close[d].map_or(end, |c: u32| c.max(end)));
            }
        }
        let mut holidays: Vec<Date> = c.holidays.iter().map(|h| h.value.date.date).collect();
        holidays.sort_unstable();
        Some(WorkCalendar {
            tz: c
                .timezone
                .as_ref()
                .map_or(TimeZone::UTC, |t| t.value.tz.clone()),
            close,
            holidays,
        })
    }

    /// A calendar from its parts, for tests and callers that build one: the close of each
    /// weekday in minutes (Monday first), and the holidays.
    pub fn new(tz: TimeZone, close: [Option<u32>; 7], mut holidays: Vec<Date>) -> WorkCalendar {
        holidays.sort_unstable();
        WorkCalendar {
            tz,
            close,
            holidays,
        }
    }

    /// Whether a day is a business day: a working weekday, not a holiday.
    pub fn is_business_day(&self, d: Date) -> bool {
        self.close_minutes(d).is_some()
    }

    fn close_minutes(&self, d: Date) -> Option<u32> {
        let c = self.close[d.weekday().to_monday_zero_offset() as usize]?;
        if self.holidays.binary_search(&d).is_ok() {
            return None;
        }
        Some(c)
    }

    /// The close of business of a day, if it is a business day.
    pub fn close_of(&self, d: Date) -> Option<Timestamp> {
        let m = self.close_minutes(d)?;
        let day = d
            .checked_add(jiff::Span::new().days(i64::from(m / 1440)))
            .ok()?;
        let m = m % 1440;
        let dt = day.at((m / 60) as i8, (m % 60) as i8, 0, 0);
        Some(dt.to_zoned_datetime(self.tz.clone()).ok()?.timestamp())
    }

    /// The furthest the N-th business day after a day can be, in days.
    fn horizon(&self, n: u32) -> i64 {
        7 * (i64::from(n) + self.holidays.len() as i64 + 1)
    }

    /// The N-th business day after `d` (not counting `d`); `None` for `n == 0` or when the
    /// calendar has no working day.
    pub fn nth_business_day_after(&self, d: Date, n: u32) -> Option<Date> {
        if n == 0 {
            return None;
        }
        let mut left = n;
        let mut day = d;
        for _ in 0..self.horizon(n) {
            day = day.tomorrow().ok()?;
            if self.is_business_day(day) {
                left -= 1;
                if left == 0 {
                    return Some(day);
                }
            }
        }
        None
    }

    /// The moment N business days from `from`: the close of the N-th business day after
    /// the day `from` falls on, in the calendar's zone.
    pub fn deadline(&self, from: Timestamp, n: u32) -> Option<Timestamp> {
        let day = from.to_zoned_datetime(self.tz.clone()).date();
        self.close_of(self.nth_business_day_after(day, n)?)
    }

    /// The shortest real time N business days can be, for a start on any of the `days` days
    /// from `first` on: from the last moment of the start day (the worst start of that day)
    /// to the deadline. Linear in the days scanned; `None` when the calendar has no working
    /// day or `n == 0`.
    pub fn shortest(&self, n: u32, first: Date, days: u32) -> Option<Shortest> {
        if n == 0 {
            return None;
        }
        // The business days after `first`, far enough for the last start.
        let mut business: Vec<Date> = Vec::new();
        let mut day = first;
        for _ in 0..(i64::from(days) + self.horizon(n)) {
            day = day.tomorrow().ok()?;
            if self.is_business_day(day) {
                business.push(day);
            }
        }
        let mut best: Option<Shortest> = None;
        let mut next = 0usize; // the first business day after the start
        let mut start = first;
        for _ in 0..days {
            while business.get(next).is_some_and(|b| *b <= start) {
                next += 1;
            }
            let Some(&due) = business.get(next + n as usize - 1) else {
                break;
            };
            let end_of_start = start
                .tomorrow()
                .ok()?
                .to_zoned_datetime(self.tz.clone())
                .ok()?
                .timestamp();
            if let Some(close) = self.close_of(due) {
                let s = (close.as_second() - end_of_start.as_second()).max(0) as u64;
                if best.is_none_or(|b| s < b.seconds) {
                    best = Some(Shortest { seconds: s, start });
                }
            }
            start = start.tomorrow().ok()?;
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn office() -> WorkCalendar {
        // mon-fri 09:00-17:30, Europe/London, Christmas and Boxing Day (substitute).
        let c = Some(17 * 60 + 30);
        WorkCalendar::new(
            TimeZone::get("Europe/London").expect("bundled zone"),
            [c, c, c, c, c, None, None],
            vec![date(2026, 12, 25), date(2026, 12, 28)],
        )
    }

    #[test]
    fn business_days_skip_weekends_and_holidays() {
        let c = office();
        assert!(c.is_business_day(date(2026, 12, 24)));
        assert!(!c.is_business_day(date(2026, 12, 25)));
        assert!(!c.is_business_day(date(2026, 12, 26)));
        // Thursday 24th: the next business day is Tuesday 29th.
        assert_eq!(
            c.nth_business_day_after(date(2026, 12, 24), 1),
            Some(date(2026, 12, 29))
        );
        assert_eq!(
            c.nth_business_day_after(date(2026, 12, 21), 3),
            Some(date(2026, 12, 24))
        );
    }

    #[test]
    fn a_deadline_is_the_close_of_the_nth_business_day_after() {
        let c = office();
        let from = date(2026, 12, 3)
            .at(10, 0, 0, 0)
            .to_zoned_datetime(c.tz.clone())
            .expect("a time")
            .timestamp();
        let due = c.deadline(from, 1).expect("a deadline");
        let z = due.to_zoned_datetime(c.tz.clone());
        assert_eq!(
            (z.date(), z.hour(), z.minute()),
            (date(2026, 12, 4), 17, 30)
        );
    }

    #[test]
    fn the_shortest_start_is_late_on_the_day_before_a_business_day() {
        let c = office();
        // Over a week of starts, 1 business day is shortest from late on Sunday to Monday's
        // close (17h30), as from late on any weekday to the next day's close.
        let s = c.shortest(1, date(2026, 11, 30), 7).expect("a shortest");
        assert_eq!(s.seconds, (17 * 60 + 30) * 60);
        // 2 business days over Christmas: from late on Wednesday 23rd, Thursday 24th and
        // Tuesday 29th; never shorter than a day and 17h30 in any week.
        let s = c.shortest(2, date(2026, 12, 1), 365).expect("a shortest");
        assert_eq!(s.seconds, (24 * 60 + 17 * 60 + 30) * 60);
        // No working day: no business day.
        let none = WorkCalendar::new(TimeZone::UTC, [None; 7], Vec::new());
        assert_eq!(none.shortest(1, date(2026, 12, 1), 10), None);
    }
}
