//! Sets of times over a week, as sorted disjoint intervals of seconds from Monday 00:00: the
//! form in which the every-hour-of-the-week checks hold who answers when. The cost of every
//! operation grows with the number of intervals, never with the resolution (a week of
//! seconds is not sampled).

/// Seconds in a week.
pub const WEEK: u32 = 7 * 86_400;

/// A set of times of the week: half-open intervals `[start, end)` of seconds from Monday
/// 00:00, sorted, disjoint and not touching, each within `0..=WEEK`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Week {
    spans: Vec<(u32, u32)>,
}

impl Week {
    /// No time of the week.
    pub fn none() -> Week {
        Week::default()
    }

    /// Every time of the week.
    pub fn all() -> Week {
        Week {
            spans: vec![(0, WEEK)],
        }
    }

    /// The times from `start` for `len` seconds, wrapping past Sunday into Monday; the whole
    /// week when `len` is a week or more.
    pub fn span(start: i64, len: u32) -> Week {
        if len >= WEEK {
            return Week::all();
        }
        let s = start.rem_euclid(i64::from(WEEK)) as u32;
        let e = s + len;
        let mut w = Week::default();
        if e <= WEEK {
            w.push(s, e);
        } else {
            w.push(0, e - WEEK);
            w.push(s, WEEK);
        }
        w
    }

    fn push(&mut self, s: u32, e: u32) {
        if s < e {
            self.spans.push((s, e));
        }
    }

    /// The intervals, in order.
    pub fn spans(&self) -> &[(u32, u32)] {
        &self.spans
    }

    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    pub fn is_all(&self) -> bool {
        self.spans == [(0, WEEK)]
    }

    /// The seconds of the week the set holds.
    pub fn len(&self) -> u32 {
        self.spans.iter().map(|(s, e)| e - s).sum()
    }

    pub fn contains(&self, t: u32) -> bool {
        self.spans.iter().any(|&(s, e)| s <= t && t < e)
    }

    /// The union of many sets: linear in their intervals after a sort.
    pub fn union_all<'a>(sets: impl IntoIterator<Item = &'a Week>) -> Week {
        let mut all: Vec<(u32, u32)> = sets
            .into_iter()
            .flat_map(|w| w.spans.iter().copied())
            .collect();
        all.sort_unstable();
        let mut out: Vec<(u32, u32)> = Vec::with_capacity(all.len());
        for (s, e) in all {
            match out.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => out.push((s, e)),
            }
        }
        Week { spans: out }
    }

    pub fn union(&self, other: &Week) -> Week {
        Week::union_all([self, other])
    }

    pub fn intersect(&self, other: &Week) -> Week {
        let (a, b) = (&self.spans, &other.spans);
        let (mut i, mut j) = (0, 0);
        let mut out = Week::default();
        while i < a.len() && j < b.len() {
            let s = a[i].0.max(b[j].0);
            let e = a[i].1.min(b[j].1);
            out.push(s, e);
            if a[i].1 < b[j].1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        out
    }

    /// The times the set does not hold.
    pub fn complement(&self) -> Week {
        let mut out = Week::default();
        let mut at = 0;
        for &(s, e) in &self.spans {
            out.push(at, s);
            at = e;
        }
        out.push(at, WEEK);
        out
    }

    pub fn minus(&self, other: &Week) -> Week {
        self.intersect(&other.complement())
    }

    /// The set moved `by` seconds later, wrapping around the week.
    pub fn shift(&self, by: i64) -> Week {
        let by = by.rem_euclid(i64::from(WEEK)) as u32;
        if by == 0 {
            return self.clone();
        }
        Week::union_all(
            self.spans
                .iter()
                .map(|&(s, e)| Week::span(i64::from(s) + i64::from(by), e - s))
                .collect::<Vec<_>>()
                .iter(),
        )
    }

    /// The stretches of the set as `(start, length)`, in order of their start; one that wraps
    /// from Sunday into Monday is one stretch, the last.
    pub fn stretches(&self) -> Vec<(u32, u32)> {
        if self.is_all() {
            return vec![(0, WEEK)];
        }
        let mut out: Vec<(u32, u32)> = self.spans.iter().map(|&(s, e)| (s, e - s)).collect();
        if out.len() > 1
            && let (Some(&(0, head)), Some(&(ls, ll))) = (out.first(), out.last())
            && ls + ll == WEEK
        {
            out.remove(0);
            if let Some(last) = out.last_mut() {
                *last = (ls, ll + head);
            }
        }
        out
    }

    /// The longest stretch, in seconds.
    pub fn longest(&self) -> u32 {
        self.stretches().iter().map(|s| s.1).max().unwrap_or(0)
    }
}

const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

fn clock(t: u32) -> String {
    format!("{:02}:{:02}", t / 3600, t / 60 % 60)
}

/// A stretch of the week as a reader says it, in the zone its seconds are local to:
/// `Sat 00:00-08:00`, `Fri 19:00-Mon 07:00`, `Sun 23:00-24:00`; `every hour` for the week.
pub fn show_stretch(start: u32, len: u32) -> String {
    if len >= WEEK {
        return "every hour".to_string();
    }
    let end = start + len;
    let (sd, st) = (start / 86_400 % 7, start % 86_400);
    // An end at midnight is the day before's 24:00.
    let (ed, et) = if end.is_multiple_of(86_400) {
        ((end / 86_400 + 6) % 7, 86_400)
    } else {
        (end / 86_400 % 7, end % 86_400)
    };
    if sd == ed && len <= 86_400 {
        format!("{} {}-{}", DAYS[sd as usize], clock(st), clock(et))
    } else {
        format!(
            "{} {}-{} {}",
            DAYS[sd as usize],
            clock(st),
            DAYS[ed as usize],
            clock(et)
        )
    }
}

/// A set of the week as a reader says it: its stretches joined with `, `, those at the same
/// time on consecutive days as one (`Mon-Thu 18:00-08:00`, `daily 23:00-07:00`), at most
/// `max` of them and a count of the rest.
pub fn show(w: &Week, max: usize) -> String {
    let s = w.stretches();
    // Runs of stretches of the same time of day and length on consecutive days, in order of
    // their first start.
    let mut keyed: Vec<((u32, u32), u32)> = s
        .iter()
        .map(|&(a, l)| ((a % 86_400, l), a / 86_400))
        .collect();
    keyed.sort_unstable();
    let mut runs: Vec<(u32, u32, usize)> = Vec::new();
    for ((tod, l), day) in keyed {
        let a = day * 86_400 + tod;
        match runs.last_mut() {
            Some((ra, rl, n))
                if *rl == l
                    && l < 86_400
                    && *ra % 86_400 == tod
                    && a == *ra + *n as u32 * 86_400 =>
            {
                *n += 1
            }
            _ => runs.push((a, l, 1)),
        }
    }
    runs.sort_unstable();
    let mut parts: Vec<String> = runs
        .iter()
        .take(max)
        .map(|&(a, l, n)| {
            if n == 1 {
                return show_stretch(a, l);
            }
            let end = (a + l) % 86_400;
            let clocks = format!(
                "{}-{}",
                clock(a % 86_400),
                if end == 0 {
                    "24:00".to_string()
                } else {
                    clock(end)
                }
            );
            if n == 7 {
                format!("daily {clocks}")
            } else {
                let first = a / 86_400 % 7;
                let last = (first + n as u32 - 1) % 7;
                format!("{}-{} {clocks}", DAYS[first as usize], DAYS[last as usize])
            }
        })
        .collect();
    if runs.len() > max {
        parts.push(format!("and {} more", runs.len() - max));
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: u32 = 3600;
    const D: u32 = 86_400;

    #[test]
    fn set_operations_keep_intervals_sorted_and_disjoint() {
        let a = Week::span(0, 10 * H).union(&Week::span(i64::from(5 * H), 10 * H));
        assert_eq!(a.spans(), &[(0, 15 * H)]);
        let b = Week::span(i64::from(12 * H), 10 * H);
        assert_eq!(a.intersect(&b).spans(), &[(12 * H, 15 * H)]);
        assert_eq!(a.minus(&b).spans(), &[(0, 12 * H)]);
        assert_eq!(a.complement().spans(), &[(15 * H, WEEK)]);
        assert!(Week::none().complement().is_all());
        assert_eq!(a.len(), 15 * H);
    }

    #[test]
    fn a_span_and_a_shift_wrap_around_the_week() {
        let late_sunday = Week::span(i64::from(6 * D + 22 * H), 4 * H);
        assert_eq!(late_sunday.spans(), &[(0, 2 * H), (6 * D + 22 * H, WEEK)]);
        assert_eq!(late_sunday.stretches(), vec![(6 * D + 22 * H, 4 * H)]);
        assert_eq!(late_sunday.shift(i64::from(2 * H)).spans(), &[(0, 4 * H)]);
        assert_eq!(Week::span(-i64::from(H), H).spans(), &[(WEEK - H, WEEK)]);
        assert!(Week::span(5, WEEK).is_all());
    }

    #[test]
    fn stretches_read_as_days_and_clock_times() {
        assert_eq!(show_stretch(5 * D, 8 * H), "Sat 00:00-08:00");
        assert_eq!(
            show_stretch(4 * D + 19 * H, 2 * D + 12 * H),
            "Fri 19:00-Mon 07:00"
        );
        assert_eq!(show_stretch(6 * D + 23 * H, H), "Sun 23:00-24:00");
        assert_eq!(show_stretch(D, D), "Tue 00:00-24:00");
        assert_eq!(show_stretch(0, WEEK), "every hour");
        let w = Week::span(0, H).union(&Week::span(i64::from(D), H));
        assert_eq!(show(&w, 1), "Mon-Tue 00:00-01:00");
        let w = Week::span(0, H).union(&Week::span(i64::from(2 * D), H));
        assert_eq!(show(&w, 1), "Mon 00:00-01:00, and 1 more");
        let nights = (0..7).map(|d| Week::span(i64::from(d * D + 23 * H), 8 * H));
        let nights = Week::union_all(nights.collect::<Vec<_>>().iter());
        assert_eq!(show(&nights, 4), "daily 23:00-07:00");
        let weeknights = (0..4).map(|d| Week::span(i64::from(d * D + 18 * H), 14 * H));
        let mut all: Vec<Week> = weeknights.collect();
        all.push(Week::span(i64::from(4 * D + 18 * H), 2 * D + 14 * H));
        assert_eq!(
            show(&Week::union_all(all.iter()), 4),
            "Mon-Thu 18:00-08:00, Fri 18:00-Mon 08:00"
        );
    }
}
