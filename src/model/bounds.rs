//! Time limits as bounds: what the checks and the reach layer compare. A month is 28 to 31 days and a business day
//! one to several calendar days, so a limit is an interval of seconds; one limit is *certainly*
//! longer than another only when its shortest reading is longer than the other's longest.

use super::{Duration, DurationUnit, Limit, Within};

pub const DAY: u64 = 86_400;

/// The shortest and the longest a time limit can mean, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub min: u64,
    pub max: u64,
}

impl Bounds {
    /// Of a duration. A business day is at least a few hours away (the end of the next
    /// working day can be tonight's) and at most a week (a weekend and holidays).
    pub fn of_duration(d: &Duration) -> Bounds {
        let n = u64::from(d.amount);
        match d.unit {
            DurationUnit::Months => Bounds {
                min: n * 28 * DAY,
                max: n * 31 * DAY,
            },
            DurationUnit::Years => Bounds {
                min: n * 365 * DAY,
                max: n * 366 * DAY,
            },
            DurationUnit::BusinessDays => Bounds {
                min: n.saturating_sub(1) * DAY,
                max: n * 7 * DAY,
            },
            _ => {
                let s = d.fixed_seconds().unwrap_or(0);
                Bounds { min: s, max: s }
            }
        }
    }

    /// Of a time limit: `immediately` is zero; a range its upper end; `before` a moment and
    /// `required` have none.
    pub fn of(w: &Within) -> Option<Bounds> {
        match &w.limit {
            Limit::Within(d) | Limit::Range { high: d, .. } | Limit::NextBusinessDay(d) => {
                Some(Bounds::of_duration(d))
            }
            Limit::Immediately => Some(Bounds { min: 0, max: 0 }),
            Limit::Before { .. } | Limit::Unstated => None,
        }
    }

    /// Whether `self` is certainly longer than `other`.
    pub fn longer_than(self, other: Bounds) -> bool {
        self.min > other.max
    }
}

/// A length in seconds as people write it: `90m` is `1h30m`, shown in the largest whole unit.
pub fn show_seconds(s: u64) -> String {
    for (unit, len) in [("w", 7 * DAY), ("d", DAY), ("h", 3600), ("m", 60)] {
        if s >= len && s.is_multiple_of(len) {
            return format!("{}{unit}", s / len);
        }
    }
    format!("{s}s")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_are_shown_in_the_largest_whole_unit() {
        assert_eq!(show_seconds(3600), "1h");
        assert_eq!(show_seconds(5400), "90m");
        assert_eq!(show_seconds(2 * DAY), "2d");
        assert_eq!(show_seconds(45), "45s");
    }
}
