//! Who answers when, over the week: the availability of every party as sets of times of the
//! week ([`Week`]), for each stretch of the coming year in which no zone the policy uses
//! changes its offset, and for each week of the year with a holiday on a calendar a rota
//! follows.
//!
//! - A person and an outside party answer at every hour (the language gives people no
//!   hours).
//! - A rota answers in its `hours` (every hour without any) when it has someone to rotate, a
//!   `respond` after it is paged; a follow-the-sun rota also by its regions, each in its
//!   `hours` through its own rota. A day that is a holiday of the rota's `calendar` counts as
//!   a Sunday, as in `imp simulate`.
//! - A role answers when one of its holders or of its backups does (a backup as soon as it
//!   is paged: the wait for the holder is not known).
//! - A team answers when its on-call rota or its lead does.
//! - A point of contact answers in its `hours` (every hour without any) when its staff does,
//!   and outside them when its `out_of_hours` does.
//!
//! Each party's answer is computed once per stretch, after those it depends on (an iterative
//! walk, not recursion): a party that depends on itself through a chain of roles does not
//! answer through that chain. Every local time is placed in the week by its zone's offset in
//! the stretch (jiff's bundled database).

use jiff::Timestamp;
use jiff::civil::Date;
use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use super::graph::{Graph, Via};
use super::week::Week;
use crate::model::bounds::Bounds;
use crate::model::{Calendar, Loc, Model, Window};

/// A stretch of the year in which the offsets of the policy's zones are fixed, or a week of
/// it with holidays.
#[derive(Debug, Clone)]
pub struct Stretch {
    /// An instant of it: offsets are read here.
    pub at: Timestamp,
    /// Its first and last days (policy zone): the whole stretch, or the holiday's week.
    pub from: Date,
    pub to: Date,
    /// The holidays of the week (a week of holidays only), with the calendar's name and the
    /// holiday's.
    pub holidays: Vec<(Date, crate::model::CalendarId)>,
    /// Every `hours` counts as the whole week: the policy's structure alone, which says
    /// whether a gap is one of hours at all.
    pub structural: bool,
}

/// The stretches of the coming year from `as_of`: one per distinct set of offsets of the
/// `zones` (the first stretch with those offsets, and every later date range with them in
/// `also`), in order of date.
pub fn stretches(
    zones: &[jiff::tz::TimeZone],
    policy: &jiff::tz::TimeZone,
    as_of: Date,
) -> Vec<(Stretch, Vec<(Date, Date)>)> {
    let start = policy
        .to_timestamp(as_of.to_datetime(jiff::civil::Time::midnight()))
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let end_day = as_of
        .checked_add(jiff::Span::new().years(1))
        .unwrap_or(as_of);
    let end = policy
        .to_timestamp(end_day.to_datetime(jiff::civil::Time::midnight()))
        .unwrap_or(start);
    let mut cuts: Vec<Timestamp> = vec![start];
    for z in zones {
        // A zone changes its offset a few times a year: the cap only guards a broken rule.
        for t in z.following(start).take(64) {
            if t.timestamp() >= end {
                break;
            }
            cuts.push(t.timestamp());
        }
    }
    cuts.sort();
    cuts.dedup();
    let offsets =
        |at: Timestamp| -> Vec<i32> { zones.iter().map(|z| z.to_offset(at).seconds()).collect() };
    let day = |t: Timestamp| policy.to_datetime(t).date();
    // Each distinct set of offsets: the offsets, its first stretch, and all its date ranges.
    type Seen = (Vec<i32>, Stretch, Vec<(Date, Date)>);
    let mut out: Vec<Seen> = Vec::new();
    for (i, &c) in cuts.iter().enumerate() {
        let next = cuts.get(i + 1).copied().unwrap_or(end);
        // Two zones that change on the same day leave a stretch of hours between them: its
        // offsets are those of a stretch beside it, for most of that day.
        if next.duration_since(c).as_secs() < 86_400 && cuts.len() > 1 {
            continue;
        }
        let from = day(c);
        let to = day(next).yesterday().unwrap_or(from).max(from);
        let key = offsets(c);
        if let Some((_, _, dates)) = out.iter_mut().find(|(k, ..)| *k == key) {
            dates.push((from, to));
        } else {
            let s = Stretch {
                at: c,
                from,
                to,
                holidays: Vec::new(),
                structural: false,
            };
            out.push((key, s, vec![(from, to)]));
        }
    }
    out.into_iter().map(|(_, s, d)| (s, d)).collect()
}

/// The weeks of the coming year with a holiday on a calendar some rota follows, each a
/// stretch of its own: its Monday to its Sunday, the holidays in it.
pub fn holiday_weeks(model: &Model, policy: &jiff::tz::TimeZone, as_of: Date) -> Vec<Stretch> {
    let end = as_of
        .checked_add(jiff::Span::new().years(1))
        .unwrap_or(as_of);
    // The calendars rotas keep, each once; then their holidays in the year.
    let mut kept: Vec<crate::model::CalendarId> = model
        .schedules
        .iter()
        .filter_map(|s| s.calendar.as_ref().and_then(|c| c.value.target))
        .collect();
    kept.sort_unstable();
    kept.dedup();
    let mut days: Vec<(Date, crate::model::CalendarId)> = Vec::new();
    for c in kept {
        for h in &model[c].holidays {
            let d = h.value.date.date;
            if d >= as_of && d < end {
                days.push((d, c));
            }
        }
    }
    days.sort();
    days.dedup();
    let mut out: Vec<Stretch> = Vec::new();
    for (d, c) in days {
        let monday = d
            .checked_sub(jiff::Span::new().days(i64::from(d.weekday().to_monday_zero_offset())))
            .unwrap_or(d);
        match out.last_mut() {
            Some(w) if w.from == monday => w.holidays.push((d, c)),
            _ => {
                let noon = d.to_datetime(jiff::civil::Time::new(12, 0, 0, 0).unwrap_or_default());
                out.push(Stretch {
                    at: policy.to_timestamp(noon).unwrap_or(Timestamp::UNIX_EPOCH),
                    from: monday,
                    to: monday
                        .checked_add(jiff::Span::new().days(6))
                        .unwrap_or(monday),
                    holidays: vec![(d, c)],
                    structural: false,
                })
            }
        }
    }
    out
}

/// How a party answers: the times it answers, each with how long after it is paged, the
/// sets disjoint, sorted by that delay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answer {
    pieces: Vec<(u64, Week)>,
}

impl Answer {
    pub fn never() -> Answer {
        Answer::default()
    }

    /// At every time, `delay` after being paged.
    pub fn always(delay: u64) -> Answer {
        Answer::at(delay, Week::all())
    }

    pub fn at(delay: u64, when: Week) -> Answer {
        let mut a = Answer::default();
        if !when.is_empty() {
            a.pieces.push((delay, when));
        }
        a
    }

    /// The times it answers at all.
    pub fn times(&self) -> Week {
        Week::union_all(self.pieces.iter().map(|p| &p.1))
    }

    /// The pieces: the delay, and when it applies.
    pub fn pieces(&self) -> &[(u64, Week)] {
        &self.pieces
    }

    /// The times it answers later than `d` after being paged.
    pub fn slower_than(&self, d: u64) -> Week {
        Week::union_all(self.pieces.iter().filter(|p| p.0 > d).map(|p| &p.1))
    }

    /// Whichever of the two answers first.
    pub fn or(&self, other: &Answer) -> Answer {
        let mut all: Vec<&(u64, Week)> = self.pieces.iter().chain(&other.pieces).collect();
        all.sort_by_key(|p| p.0);
        let mut out = Answer::default();
        let mut covered = Week::none();
        for (d, w) in all {
            let new = w.minus(&covered);
            if new.is_empty() {
                continue;
            }
            covered = covered.union(&new);
            match out.pieces.last_mut() {
                Some(last) if last.0 == *d => last.1 = last.1.union(&new),
                _ => out.pieces.push((*d, new)),
            }
        }
        out
    }

    /// Only at the times of `mask`.
    pub fn only(&self, mask: &Week) -> Answer {
        Answer {
            pieces: self
                .pieces
                .iter()
                .map(|(d, w)| (*d, w.intersect(mask)))
                .filter(|p| !p.1.is_empty())
                .collect(),
        }
    }

    /// `d` later.
    pub fn later(&self, d: u64) -> Answer {
        Answer {
            pieces: self
                .pieces
                .iter()
                .map(|(x, w)| (x.saturating_add(d), w.clone()))
                .collect(),
        }
    }
}

/// Where a day of a zone's week falls: the local times of `windows` in the week of a
/// stretch, placed on the week of seconds from Monday 00:00 UTC. A day of `holidays` counts as
/// a Sunday; a window that crosses midnight keeps its hours after midnight with the day it
/// started on (as `imp simulate` reads it).
pub fn open(
    windows: &[&Window],
    tz: &jiff::tz::TimeZone,
    stretch: &Stretch,
    holidays: Option<&Calendar>,
) -> Week {
    if stretch.structural {
        return Week::all();
    }
    let offset = i64::from(tz.to_offset(stretch.at).seconds());
    // The Monday of a holiday week, in every zone: the dates of the week are the same days
    // wherever they are kept.
    let monday = stretch.from;
    let mut days = [0u8, 1, 2, 3, 4, 5, 6];
    if let Some(c) = holidays
        && !stretch.holidays.is_empty()
    {
        for (k, d) in days.iter_mut().enumerate() {
            let date = monday
                .checked_add(jiff::Span::new().days(k as i64))
                .unwrap_or(monday);
            if c.holidays.iter().any(|h| h.value.date.date == date) {
                *d = 6;
            }
        }
    }
    let mut parts: Vec<Week> = Vec::new();
    for w in windows {
        let (_, _, start, end) = w.parts();
        let (start, end) = (u32::from(start) * 60, u32::from(end) * 60);
        let len = if end > start {
            end - start
        } else {
            86_400 - start + end
        };
        for (k, &d) in days.iter().enumerate() {
            if w.on_day(d) {
                let local_start = i64::from(k as u32 * 86_400 + start);
                parts.push(Week::span(local_start - offset, len));
            }
        }
    }
    Week::union_all(parts.iter())
}

/// Whether a hop applies to an incident only once a timer has run (`not acknowledged after
/// 30m`): a paging tool fires it whether anyone answered its `from` or not. Any other hop is
/// made by whoever answered.
pub fn timer(model: &Model, incident: &super::Incident, hop: crate::model::HopId) -> bool {
    matches!(
        incident.when(model, model[hop].when.as_ref()),
        super::Truth::Holds(c) if c > 0
    )
}

/// The zone a declaration states, or UTC (as `imp simulate` reads it).
fn zone(tz: Option<&crate::model::TimeZone>) -> jiff::tz::TimeZone {
    tz.map_or(jiff::tz::TimeZone::UTC, |t| t.tz.clone())
}

fn windows(hours: &[crate::model::Prop<Window>]) -> Vec<&Window> {
    hours.iter().map(|h| &h.value).collect()
}

/// Every party's answer in a stretch, by node: the least answers that agree with every
/// party's rule (a party on a cycle of roles answers only as far as the cycle's other ways
/// let it). The parties that depend on each other are taken together, in the order of their
/// strongly connected components (`kosaraju_scc`, iterative), those depended on first; inside
/// one, a worklist recombines a party whenever one it depends on has changed. An answer only
/// grows, and has a bounded number of pieces, so the worklist ends.
pub fn answers(model: &Model, graph: &Graph, stretch: &Stretch) -> Vec<Answer> {
    let n = graph.len();
    let mut done: Vec<Option<Answer>> = vec![None; n];
    let deps = petgraph::visit::EdgeFiltered::from_fn(&graph.graph, |e| depends(*e.weight()));
    let mut queued = vec![false; n];
    for scc in petgraph::algo::kosaraju_scc(&deps) {
        if let [u] = scc[..] {
            let a = combine(model, graph, stretch, u, &done);
            done[u.index()] = Some(a);
            continue;
        }
        let mut scc = scc;
        scc.sort_unstable();
        for &u in &scc {
            done[u.index()] = Some(Answer::never());
        }
        let mut queue: std::collections::VecDeque<NodeIndex<u32>> = scc.iter().copied().collect();
        for &u in &scc {
            queued[u.index()] = true;
        }
        let inside = |x: NodeIndex<u32>| scc.binary_search(&x).is_ok();
        while let Some(u) = queue.pop_front() {
            queued[u.index()] = false;
            let a = combine(model, graph, stretch, u, &done);
            if done[u.index()].as_ref() == Some(&a) {
                continue;
            }
            done[u.index()] = Some(a);
            for e in graph.graph.edges_directed(u, petgraph::Direction::Incoming) {
                let v = e.source();
                if depends(*e.weight()) && inside(v) && !queued[v.index()] {
                    queued[v.index()] = true;
                    queue.push_back(v);
                }
            }
        }
    }
    done.into_iter().map(Option::unwrap_or_default).collect()
}

/// The links along which a party's answer depends on another's.
fn depends(v: Via) -> bool {
    matches!(
        v,
        Via::HeldBy { .. }
            | Via::Backup(_)
            | Via::OnCall
            | Via::Lead
            | Via::Region
            | Via::RegionRota
            | Via::Staff
            | Via::OutOfHours
    )
}

/// A party's answer from those it depends on (a party not yet answered, on a cycle, counts
/// as never answering).
fn combine(
    model: &Model,
    graph: &Graph,
    stretch: &Stretch,
    u: NodeIndex<u32>,
    done: &[Option<Answer>],
) -> Answer {
    let of = |via: fn(Via) -> bool| -> Answer {
        let mut a = Answer::never();
        for e in graph.graph.edges(u) {
            if via(*e.weight())
                && let Some(x) = &done[e.target().index()]
            {
                a = a.or(x);
            }
        }
        a
    };
    match graph.loc(u) {
        Loc::Role(_) => of(|v| matches!(v, Via::HeldBy { .. } | Via::Backup(_))),
        Loc::Team(_) => of(|v| matches!(v, Via::OnCall | Via::Lead)),
        Loc::Region(r) => {
            let r = &model[r];
            let tz = zone(r.timezone.as_ref().map(|t| &t.value));
            let hours = open(&windows(&r.hours), &tz, stretch, None);
            of(|v| v == Via::RegionRota).only(&hours)
        }
        Loc::Schedule(s) => {
            let sc = &model[s];
            let regions = of(|v| v == Via::Region);
            let people = sc
                .rotate
                .as_ref()
                .is_some_and(|r| r.value.people.items.iter().any(|p| p.target.is_some()));
            let respond = sc
                .respond
                .as_ref()
                .and_then(|r| Bounds::of(&r.value))
                .map_or(0, |b| b.max);
            let own = if people {
                let tz = zone(sc.timezone.as_ref().map(|t| &t.value));
                let cal = sc
                    .calendar
                    .as_ref()
                    .and_then(|c| c.value.target)
                    .map(|c| &model[c]);
                let hours = if sc.hours.is_empty() {
                    Week::all()
                } else {
                    open(&windows(&sc.hours), &tz, stretch, cal)
                };
                Answer::at(0, hours)
            } else {
                Answer::never()
            };
            regions.or(&own).later(respond)
        }
        Loc::PointOfContact(p) => {
            let poc = &model[p];
            let staff = of(|v| v == Via::Staff);
            if poc.hours.is_empty() {
                return staff;
            }
            let tz = zone(poc.timezone.as_ref().map(|t| &t.value));
            let hours = open(&windows(&poc.hours), &tz, stretch, None);
            staff
                .only(&hours)
                .or(&of(|v| v == Via::OutOfHours).only(&hours.complement()))
        }
        // People and outside parties; the graph has no other kind of node.
        _ => Answer::always(0),
    }
}

/// The zones the policy's times are in: of every point of contact, rota, region, channel and
/// calendar that states one, and the policy's; each once, in that order.
pub fn zones(model: &Model, policy: &jiff::tz::TimeZone) -> Vec<jiff::tz::TimeZone> {
    let mut out: Vec<jiff::tz::TimeZone> = vec![policy.clone()];
    let mut add = |t: Option<&crate::model::Prop<crate::model::TimeZone>>| {
        if let Some(t) = t
            && !out.iter().any(|z| z.iana_name() == t.value.tz.iana_name())
        {
            out.push(t.value.tz.clone());
        }
    };
    for p in &model.points_of_contact {
        add(p.timezone.as_ref());
    }
    for s in &model.schedules {
        add(s.timezone.as_ref());
    }
    for r in &model.regions {
        add(r.timezone.as_ref());
    }
    for c in &model.channels {
        add(c.timezone.as_ref());
    }
    for c in &model.calendars {
        add(c.timezone.as_ref());
    }
    out
}

/// Whether any time of the policy depends on the hour: some `hours` or `respond`, a
/// follow-the-sun rota. Without one, every party answers at every hour or never.
pub fn depends_on_the_hour(model: &Model) -> bool {
    model.points_of_contact.iter().any(|p| !p.hours.is_empty())
        || model
            .schedules
            .iter()
            .any(|s| !s.hours.is_empty() || s.respond.is_some() || s.follow_the_sun.is_some())
        || model.regions.iter().any(|r| !r.hours.is_empty())
        || model.channels.iter().any(|c| !c.hours.is_empty())
}
