//! Scenario tests: a `scenario` declaration as an incident, and its expectations checked
//! against the simulated timeline.

use jiff::Timestamp;

use super::{Cause, Incident, Timeline, Truth};
use crate::model::*;

/// The level an incident is classified at when it names none: the most severe of the first
/// level of the default scale whose criteria hold and the category's minimum.
pub fn derived_level(m: &Model, category: Option<CategoryId>, probe: &Incident) -> Option<LevelId> {
    let scale = m
        .scales
        .iter()
        .position(|s| s.default.is_some())
        .or_else(|| (!m.scales.is_empty()).then_some(0))?;
    let by_criteria = m.scales[scale]
        .levels
        .iter()
        .enumerate()
        .find(|(i, l)| {
            let inc = Incident {
                level: LevelId {
                    scale: ScaleId(scale as u32),
                    index: *i as u32,
                },
                ..probe.clone()
            };
            l.when
                .as_ref()
                .is_some_and(|w| inc.known().holds(m, &w.cond) == Truth::Holds(0))
        })
        .map(|(i, _)| LevelId {
            scale: ScaleId(scale as u32),
            index: i as u32,
        });
    // The category's minimum, or its nearest parent's.
    let mut minimum = None;
    let mut cat = category;
    for _ in 0..=m.categories.len() {
        let Some(c) = cat else { break };
        if let Some(l) = m[c].minimum.as_ref().and_then(|l| l.target) {
            minimum = Some(l);
            break;
        }
        cat = m[c].parent.map(|p| p.value);
    }
    match (by_criteria, minimum) {
        (Some(a), Some(b)) if a.scale == b.scale => Some(if a.index <= b.index { a } else { b }),
        (a, b) => b.or(a),
    }
}

/// A scenario as an incident; `at` is the time to take when it gives none, `zone` the zone
/// its `at` is in when it names none. `Err` says what is missing.
pub fn incident(
    m: &Model,
    s: &Scenario,
    default_at: Timestamp,
    zone: &jiff::tz::TimeZone,
) -> Result<Incident, String> {
    let at = match &s.at {
        Some(p) => {
            let i = &p.value;
            let time = i.time.value.time().unwrap_or(jiff::civil::Time::midnight());
            let dt = i.date.date.to_datetime(time);
            let tz = i
                .zone
                .as_ref()
                .map_or_else(|| zone.clone(), |z| z.tz.clone());
            tz.to_timestamp(dt)
                .map_err(|e| format!("the time of `at` cannot be placed: {e}"))?
        }
        None => default_at,
    };
    let category = s.category.as_ref().and_then(|c| c.target);
    let facts = s
        .facts
        .iter()
        .flat_map(|f| f.value.iter().filter_map(|r| r.target))
        .collect();
    let impacts = s
        .impacts
        .iter()
        .filter_map(|i| Some((i.value.impact.target?, i.value.level.value)))
        .collect();
    let mut inc = Incident {
        level: LevelId {
            scale: ScaleId(0),
            index: 0,
        },
        category,
        facts,
        impacts,
        at,
    };
    inc.level = match s.severity.as_ref() {
        Some(l) => l.target.ok_or("its `severity` names no level")?,
        None => derived_level(m, category, &inc)
            .ok_or("it gives no `severity`, and neither its impacts nor its category give one")?,
    };
    Ok(inc)
}

/// The outcome of one expectation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Met {
        after: i64,
    },
    /// Reached, but later than the limit.
    Late {
        after: i64,
        limit: i64,
    },
    /// Not reached at all; `maybe`: an obligation to it may apply, under conditions the
    /// scenario does not settle.
    Missing {
        maybe: bool,
    },
}

fn party_matches(
    page: Responder,
    through: &[Responder],
    want: Responder,
    person: Option<PersonId>,
) -> bool {
    page == want
        || through.contains(&want)
        || matches!(want, Responder::Person(p) if person == Some(p))
}

/// Checks one expectation against a timeline.
pub fn check(m: &Model, t: &Timeline, e: &Expect) -> Outcome {
    let Some(want) = e.party.target else {
        return Outcome::Missing { maybe: false };
    };
    let limit = e
        .within
        .as_ref()
        .and_then(|d| d.fixed_seconds())
        .and_then(|s| i64::try_from(s).ok());
    let mut times: Vec<i64> = Vec::new();
    let mut maybe = false;
    let paged = |c: &Cause| matches!(c, Cause::Report { .. } | Cause::Hop { .. } | Cause::Notify);
    let notified = |c: &Cause| matches!(c, Cause::Notify);
    for p in &t.pages {
        let ok = match e.verb.value {
            ExpectVerb::Paged => paged(&p.cause),
            ExpectVerb::Notified => notified(&p.cause),
            ExpectVerb::Engaged => true,
        };
        // A hop not made pages nobody.
        let made = !matches!(p.gap, Some(super::Gap::NotMade(_)));
        if ok && made && party_matches(p.party, &p.through, want, p.person) {
            times.push(p.after.unwrap_or(i64::MAX));
        }
    }
    if matches!(e.verb.value, ExpectVerb::Notified | ExpectVerb::Engaged) {
        for d in &t.deadlines {
            let ob = &m[d.obligation];
            let to_it = ob.to.iter().flat_map(|l| l.iter()).any(|r| {
                r.target.is_some_and(|r| {
                    want == match r {
                        Recipient::External(x) => Responder::External(x),
                        Recipient::Role(x) => Responder::Role(x),
                        Recipient::Team(x) => Responder::Team(x),
                        Recipient::Person(x) => Responder::Person(x),
                    }
                })
            });
            if !to_it {
                continue;
            }
            if d.applies != Truth::Holds(0) {
                maybe = true;
                continue;
            }
            // Within the limit: the first deadline of the notification falls due in time.
            let Some(at) = d.at else {
                times.push(0);
                continue;
            };
            times.push(at.duration_since(t.incident.at).as_secs());
        }
    }
    // A fixed-length `within` bounds the time; a calendar one (`1mo`) against the deadline.
    let calendar_limit = e
        .within
        .as_ref()
        .filter(|d| d.fixed_seconds().is_none())
        .and_then(|d| {
            super::clock::add(m, &t.zone, t.incident.at, d)
                .map(|x| x.duration_since(t.incident.at).as_secs())
        });
    let limit = limit.or(calendar_limit);
    match (times.iter().min(), limit) {
        (None, _) => Outcome::Missing { maybe },
        (Some(&a), Some(l)) if a > l => Outcome::Late { after: a, limit: l },
        (Some(&a), _) => Outcome::Met { after: a },
    }
}
