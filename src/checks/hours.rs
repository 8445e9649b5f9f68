//! Every hour of the week (IMP19xx): the checks of reachability and time, made again at
//! every time of the week, in every stretch of the coming year between changes of offset of
//! the zones the policy uses, and in every week of it with a holiday on a calendar a rota
//! follows. Who answers when is [`crate::reach::hours`]; the times are sets of the week, not
//! samples of it, so the cost does not grow with the resolution.
//!
//! - IMP1901: a level reaches its decider, or a party it must notify, at some times but not
//!   at others: a party on its path, or the party itself, answers nobody then.
//! - IMP1902: a point of contact that reports reach, when a reporting channel is open, and
//!   nobody answers.
//! - IMP1903: a level whose report is answered at the point of contact, at some times, so
//!   late (a rota's `respond` through its staff or its `out_of_hours`) that the level's decider
//!   is reached after its acknowledge target.
//!
//! A gap the policy's structure alone makes (every `hours` read as every hour, the party
//! still answers nobody) is not a gap of hours, and is left to the checks of reachability.
//! A report at a time `t` reaches a party on the level's ladder at `t` plus the party's time
//! on the ladder ([`crate::reach::ladder`]); a hop is made by whoever answered at its `from`,
//! unless it fires for want of acknowledgement (a `when` timer: a paging tool's timer fires
//! whether anyone answered or not). Only the ways the ladder reaches a party by its earliest
//! time count: a party reached later by a second way, when the first is closed, is not.
//!
//! - IMP1904: a deadline of an obligation (of fixed length) that its owner, reached at the
//!   latest when IMP1803 says, meets at most times, but not when the owner answers nobody for
//!   longer than the deadline leaves.
//!
//! Findings name the times in the zone of the policy ([`crate::reach::policy_zone`]).

use petgraph::graph::NodeIndex;

use super::reach::{decl, link, when};
use super::time::show_seconds;
use super::{Bounds, Context};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{Destination, LevelId, Loc, Model, PocId, RefTarget, ScaleId};
use crate::reach::hours::{self, Answer, Stretch};
use crate::reach::ladder::{Scratch, climb_in};
use crate::reach::week::{Week, show};
use crate::reach::{Budget, Graph, Incident, Ladder, Via, policy_zone};
use crate::source::HasSpan;
use crate::source::Span;

type N = NodeIndex<u32>;

/// The date ranges named for one way the times read; past them, a count.
const RANGES_SHOWN: usize = 4;

/// The ways the times read in different stretches of the year that a message names.
const WAYS_SHOWN: usize = 3;

/// Date ranges, sorted, with those that follow on from each other joined.
fn joined(dates: Vec<(jiff::civil::Date, jiff::civil::Date)>) -> Dates {
    let mut out: Dates = Vec::with_capacity(dates.len());
    for (a, b) in dates {
        match out.last_mut() {
            Some(last) if last.1.tomorrow().is_ok_and(|t| t >= a) => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

/// When each party of a ladder is answered, by node.
type Answered = Vec<(N, Week)>;

/// Ranges of days, first and last.
type Dates = Vec<(jiff::civil::Date, jiff::civil::Date)>;

/// The stretches and holiday weeks a week is looked at in, each with every party's answer.
struct Views {
    zone: jiff::tz::TimeZone,
    /// The stretches of the year, each with its date ranges.
    regular: Vec<(Stretch, Dates, Vec<Answer>)>,
    holidays: Vec<(Stretch, Vec<Answer>)>,
    structural: (Stretch, Vec<Answer>),
    /// The reporting channels that land at each point of contact, in model order.
    channels: crate::model::Map<PocId, Vec<usize>>,
}

impl Views {
    /// The offset of the policy's zone in a stretch, in seconds east.
    fn offset(&self, s: &Stretch) -> i64 {
        i64::from(self.zone.to_offset(s.at).seconds())
    }

    /// The regular stretch a holiday week is compared with: the one in force on the day its
    /// offsets are read (its first holiday).
    fn around(&self, h: &Stretch) -> usize {
        let day = self.zone.to_datetime(h.at).date();
        self.regular
            .iter()
            .position(|(_, dates, _)| dates.iter().any(|(a, b)| *a <= day && day <= *b))
            .unwrap_or(0)
    }

    /// Times as a reader says them: local to the policy's zone.
    fn show(&self, s: &Stretch, w: &Week) -> String {
        format!(
            "{} {}",
            show(&w.shift(self.offset(s)), 4),
            self.zone.iana_name().unwrap_or("UTC")
        )
    }
}

/// What a finding found in each view: the failing times of each regular stretch and of
/// each holiday week (holiday weeks: only what fails beyond their regular stretch).
struct Found {
    regular: Vec<Week>,
    holidays: Vec<Week>,
}

impl Found {
    /// The first failing stretch and the first failing holiday week, with their times.
    fn views<'v>(&'v self, v: &'v Views) -> Vec<(&'v Stretch, &'v Week)> {
        let r = self.regular.iter().position(|w| !w.is_empty());
        let h = self.holidays.iter().position(|w| !w.is_empty());
        r.map(|i| (&v.regular[i].0, &self.regular[i]))
            .into_iter()
            .chain(h.map(|i| (&v.holidays[i].0, &self.holidays[i])))
            .collect()
    }

    /// The first failing view: its stretch and times, for the evidence.
    fn first<'v>(&self, v: &'v Views) -> Option<(&'v Stretch, &Week, Option<usize>)> {
        if let Some(i) = self.regular.iter().position(|w| !w.is_empty()) {
            return Some((&v.regular[i].0, &self.regular[i], None));
        }
        let i = self.holidays.iter().position(|w| !w.is_empty())?;
        Some((&v.holidays[i].0, &self.holidays[i], Some(i)))
    }

    /// When, in words: the times of the first failing stretch, with its dates when it does
    /// not fail the same way all year; then the first holiday week that fails beyond its
    /// stretch, with its holidays.
    fn words(&self, cx: &Context, v: &Views) -> Option<String> {
        let mut parts: Vec<String> = Vec::new();
        let texts: Vec<Option<String>> = self
            .regular
            .iter()
            .zip(&v.regular)
            .map(|(w, (s, ..))| (!w.is_empty()).then(|| v.show(s, w)))
            .collect();
        if let Some(first) = texts.iter().flatten().next() {
            if texts.iter().all(|t| t.as_ref() == Some(first)) {
                parts.push(first.clone());
            } else {
                // Each way the times read, with the dates it reads so, in order of date; the
                // first few ways, and a count of the rest.
                let mut seen: Vec<&String> = Vec::new();
                for text in texts.iter().flatten() {
                    if !seen.contains(&text) {
                        seen.push(text);
                    }
                }
                for text in seen.iter().take(WAYS_SHOWN) {
                    let mut dates: Vec<(jiff::civil::Date, jiff::civil::Date)> = texts
                        .iter()
                        .zip(&v.regular)
                        .filter(|(t, _)| t.as_ref() == Some(*text))
                        .flat_map(|(_, (_, d, _))| d.iter().copied())
                        .collect();
                    dates.sort();
                    let dates = joined(dates);
                    let mut ranges: Vec<String> = dates
                        .iter()
                        .take(RANGES_SHOWN)
                        .map(|(a, b)| format!("{a} to {b}"))
                        .collect();
                    if dates.len() > RANGES_SHOWN {
                        let more = dates.len() - RANGES_SHOWN;
                        ranges.push(format!(
                            "{more} more stretch{}",
                            if more == 1 { "" } else { "es" }
                        ));
                    }
                    parts.push(format!("{text} from {}", ranges.join(" and ")));
                }
                if seen.len() > WAYS_SHOWN {
                    let more = seen.len() - WAYS_SHOWN;
                    parts.push(format!(
                        "at other times in {more} more stretch{} of the year",
                        if more == 1 { "" } else { "es" }
                    ));
                }
            }
        }
        if let Some(i) = self.holidays.iter().position(|w| !w.is_empty()) {
            let (s, _) = &v.holidays[i];
            // Each date once, with its name and the calendars that keep it (the first few).
            let mut days: Vec<String> = Vec::new();
            let mut k = 0;
            while k < s.holidays.len() {
                let d = s.holidays[k].0;
                let cals: Vec<crate::model::CalendarId> = s.holidays[k..]
                    .iter()
                    .take_while(|(x, _)| *x == d)
                    .map(|(_, c)| *c)
                    .collect();
                k += cals.len();
                let name = cx.model[cals[0]]
                    .holidays
                    .iter()
                    .find(|h| h.value.date.date == d)
                    .and_then(|h| h.value.name.as_ref())
                    .map(|n| format!(" {}", cx.text(n.span)))
                    .unwrap_or_default();
                let mut names: Vec<String> = cals
                    .iter()
                    .take(3)
                    .map(|c| format!("`{}`", cx.name(cx.model[*c].id)))
                    .collect();
                if cals.len() > 3 {
                    names.push(format!("{} more calendars", cals.len() - 3));
                }
                let of = match names.len() {
                    1 => names.remove(0),
                    _ => {
                        let last = names.pop().unwrap_or_default();
                        format!("{} and {last}", names.join(", "))
                    }
                };
                days.push(format!("{d}{name}, a holiday of {of}"));
            }
            let more = self.holidays.iter().filter(|w| !w.is_empty()).count() - 1;
            let more = if more > 0 {
                format!(
                    " (and {more} more holiday week{})",
                    if more == 1 { "" } else { "s" }
                )
            } else {
                String::new()
            };
            parts.push(format!(
                "{} in the week of {}{more}",
                v.show(s, &self.holidays[i]),
                days.join("; ")
            ));
        }
        (!parts.is_empty()).then(|| parts.join("; and "))
    }
}

pub(super) fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    if m.points_of_contact.is_empty() || !hours::depends_on_the_hour(m) {
        return;
    }
    let g = Graph::new(m);
    let zone = policy_zone(m);
    let zones = hours::zones(m, &zone);
    let mut regular = Vec::new();
    for (s, dates) in hours::stretches(&zones, &zone, cx.config.as_of) {
        let a = hours::answers(m, &g, &s);
        regular.push((s, dates, a));
    }
    let Some(first) = regular.first().map(|r| r.0.clone()) else {
        return;
    };
    let holidays = hours::holiday_weeks(m, &zone, cx.config.as_of)
        .into_iter()
        .map(|s| {
            let a = hours::answers(m, &g, &s);
            (s, a)
        })
        .collect();
    let structural = Stretch {
        structural: true,
        ..first
    };
    let sa = hours::answers(m, &g, &structural);
    let mut channels: crate::model::Map<PocId, Vec<usize>> = crate::model::Map::default();
    for (i, c) in m.channels.iter().enumerate() {
        if crate::reach::for_reporting(c)
            && let Some(Destination::PointOfContact(p)) =
                c.lands_at.as_ref().and_then(|l| l.value.target)
        {
            channels.entry(p).or_default().push(i);
        }
    }
    let v = Views {
        zone,
        regular,
        holidays,
        structural: (structural, sa),
        channels,
    };
    let starts = intake(cx, &g, &v, out);
    levels(cx, &g, &v, &starts, out);
    deadlines(cx, &g, &v, out);
}

/// IMP1904: a deadline of fixed length whose owner, reached on time at most hours, answers
/// nobody for so long at others that the deadline passes first.
fn deadlines(cx: &Context, g: &Graph, v: &Views, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    for need in super::timing::deadline_needs(cx, g) {
        let Some(node) = g.node(need.owner) else {
            continue;
        };
        let Some(slack) = need.limit.checked_sub(need.reached + need.step) else {
            continue;
        };
        if v.structural.1[node.index()].times().is_empty() {
            continue;
        }
        // A page at `p` in a stretch `[a, a + len)` nobody answers waits `a + len - p`:
        // longer than the slack for the first `len - slack` seconds of it.
        let late = |a: &[Answer]| -> Week {
            let off = a[node.index()].times().complement();
            let parts: Vec<Week> = off
                .stretches()
                .into_iter()
                .filter(|&(_, len)| u64::from(len) > slack)
                .map(|(start, len)| Week::span(i64::from(start), len - slack as u32))
                .collect();
            Week::union_all(parts.iter()).shift(-(need.reached as i64))
        };
        let regular: Vec<Week> = v.regular.iter().map(|(_, _, a)| late(a)).collect();
        let holidays: Vec<Week> = v
            .holidays
            .iter()
            .map(|(s, a)| late(a).minus(&regular[v.around(s)]))
            .collect();
        let found = Found { regular, holidays };
        let (Some(words), Some(_)) = (found.words(cx, v), found.first(v)) else {
            continue;
        };
        let o = &m[need.obligation];
        let d = &o.deadlines[need.deadline].value;
        let owner = o.owner.as_ref().map_or(d.name.span, |x| x.value.span);
        // The longest time the owner answers nobody, in the first failing view.
        let views = found.views(v);
        let longest = views
            .first()
            .map(|(s, _)| {
                let a = v
                    .regular
                    .iter()
                    .find(|(x, ..)| x.at == s.at)
                    .map(|r| &r.2)
                    .or_else(|| v.holidays.iter().find(|(x, _)| x.at == s.at).map(|h| &h.1));
                a.map_or(0, |a| a[node.index()].times().complement().longest())
            })
            .unwrap_or(0);
        let mut diag = Diagnostic::new(
            Code::DeadlineUnmeetableAtSomeHours,
            d.name.span,
            format!(
                "deadline `{}` of `{}` cannot be met for an incident reported {words}: `{}` answers nobody for up to {} then, deadline {}",
                cx.text(d.name.span),
                cx.name(o.id),
                cx.text(owner),
                show_seconds(u64::from(longest)),
                cx.text(d.within.span)
            ),
        )
        .label(format!("missed when `{}` is off", cx.text(owner)))
        .with_secondary(owner, "the owner, who makes the notification")
        .with_secondary(d.within.span, "the deadline");
        if let Some((s, _)) = views.first() {
            diag = why(cx, diag, need.owner, s);
        }
        out.push(diag.help(format!(
            "give `{}` a `backup` who answers at those times, or an owner on call whenever the clock may start",
            cx.text(owner)
        )));
    }
}

/// The times reports come in to a point of contact: while a reporting channel that lands at
/// it is open (every time, for a point of contact no reporting channel names).
fn arriving(cx: &Context, v: &Views, p: PocId, s: &Stretch) -> Week {
    let Some(mine) = v.channels.get(&p) else {
        return Week::all();
    };
    let mut open: Vec<Week> = Vec::new();
    for &i in mine {
        let c = &cx.model.channels[i];
        if c.hours.is_empty() {
            return Week::all();
        }
        let tz = c
            .timezone
            .as_ref()
            .map_or(jiff::tz::TimeZone::UTC, |t| t.value.tz.clone());
        let ws: Vec<&crate::model::Window> = c.hours.iter().map(|h| &h.value).collect();
        open.push(hours::open(&ws, &tz, s, None));
    }
    Week::union_all(open.iter())
}

/// The points of contact reports start at, with when they come in.
fn starts(cx: &Context, g: &Graph) -> Vec<(PocId, N)> {
    crate::reach::report_starts(cx.model, g)
        .into_iter()
        .filter_map(|n| match g.loc(n) {
            Loc::PointOfContact(p) => Some((p, n)),
            _ => None,
        })
        .collect()
}

/// IMP1902. Returns the starts.
fn intake(cx: &Context, g: &Graph, v: &Views, out: &mut Vec<Diagnostic>) -> Vec<(PocId, N)> {
    let m = cx.model;
    let all = starts(cx, g);
    for &(p, n) in &all {
        let poc = &m[p];
        if poc.held_by.is_none() && poc.out_of_hours.is_none() {
            continue;
        }
        let gap = |s: &Stretch, a: &[Answer]| arriving(cx, v, p, s).minus(&a[n.index()].times());
        if !gap(&v.structural.0, &v.structural.1).is_empty() {
            continue;
        }
        let regular: Vec<Week> = v.regular.iter().map(|(s, _, a)| gap(s, a)).collect();
        let holidays: Vec<Week> = v
            .holidays
            .iter()
            .map(|(s, a)| gap(s, a).minus(&regular[v.around(s)]))
            .collect();
        let found = Found { regular, holidays };
        let (Some(words), Some((_, w, _))) = (found.words(cx, v), found.first(v)) else {
            continue;
        };
        let name = cx.name(poc.id);
        let mut d = cx
            .at(
                Code::IntakeUnanswered,
                poc.id,
                format!("reports to `{name}` reach nobody {words}"),
            )
            .label(format!(
                "nobody answers for up to {}",
                show_seconds(u64::from(w.longest()))
            ));
        // The evidence of the first failing stretch, and of the first failing holiday week.
        for (s, w) in found.views(v) {
            let tz = poc
                .timezone
                .as_ref()
                .map_or(jiff::tz::TimeZone::UTC, |t| t.value.tz.clone());
            let ws: Vec<&crate::model::Window> = poc.hours.iter().map(|h| &h.value).collect();
            let open = if ws.is_empty() {
                Week::all()
            } else {
                hours::open(&ws, &tz, s, None)
            };
            if !w.intersect(&open).is_empty()
                && let Some(h) = &poc.held_by
            {
                let who = h.value.target.map(|t| t.loc());
                d = d.with_secondary(
                    h.value.span,
                    format!(
                        "in its hours, `{}` answers nobody then",
                        cx.text(h.value.span)
                    ),
                );
                if let Some(loc) = who {
                    d = why(cx, d, loc, s);
                }
            }
            if !w.minus(&open).is_empty() {
                match &poc.out_of_hours {
                    Some(o) => {
                        d = d.with_secondary(
                            o.value.span,
                            format!(
                                "out of hours, `{}` answers nobody then",
                                cx.text(o.value.span)
                            ),
                        );
                        if let Some(loc) = o.value.target.map(|t| t.loc()) {
                            d = why(cx, d, loc, s);
                        }
                    }
                    None => {
                        if let Some(h) = poc.hours.first() {
                            d = d.with_secondary(
                                h.value.span(),
                                "outside its hours, and no `out_of_hours`",
                            );
                        }
                    }
                }
            }
        }
        // A place said once, its first label kept.
        let mut seen: Vec<Span> = Vec::new();
        d.secondary.retain(|l| {
            let new = !seen.contains(&l.span);
            seen.push(l.span);
            new
        });
        out.push(d.help(format!(
            "staff `{name}` at those times: give it an `out_of_hours` rota that covers them, widen its staff's `hours`, or give its role a `backup` who answers then"
        )));
    }
    all
}

/// Why a party answers nobody at some times, as a label: its own hours (a rota), or the
/// holiday of its calendar.
fn why(cx: &Context, d: Diagnostic, loc: Loc, s: &Stretch) -> Diagnostic {
    let m = cx.model;
    let sched = match loc {
        Loc::Schedule(x) => Some(x),
        Loc::Role(r) => m[r]
            .held_by
            .as_ref()
            .and_then(|h| h.value.of.items.first())
            .and_then(|x| x.target)
            .and_then(|t| match t.loc() {
                Loc::Schedule(x) => Some(x),
                _ => None,
            }),
        _ => None,
    };
    let Some(x) = sched else { return d };
    let sc = &m[x];
    if !s.holidays.is_empty()
        && let Some(c) = sc.calendar.as_ref()
        && let Some(cal) = c.value.target
        && s.holidays.iter().any(|(_, hc)| *hc == cal)
    {
        return d.with_secondary(
            c.value.span,
            format!(
                "`{}` keeps the holidays of this calendar, as Sundays",
                cx.name(sc.id)
            ),
        );
    }
    match sc.hours.first() {
        Some(h) => d.with_secondary(
            h.value.span(),
            format!("`{}` is on call only in its hours", cx.name(sc.id)),
        ),
        None => d,
    }
}

/// The parties a level must reach: its decider, then those it must notify, each with the
/// span that names it and the nodes it is reached at.
fn targets(cx: &Context, g: &Graph, level: &crate::model::Level) -> Vec<(Span, bool, Vec<N>)> {
    let engaged = |loc: Loc| crate::reach::graph::engaged(cx.model, g, loc);
    let mut out = Vec::new();
    if let Some(d) = &level.decided_by
        && let Some(t) = d.value.target
    {
        out.push((d.value.span, true, engaged(t.loc())));
    }
    if let Some(n) = &level.notify {
        for x in &n.value.items {
            if let Some(t) = x.target {
                out.push((x.span, false, engaged(t.loc())));
            }
        }
    }
    out
}

/// The times of the week a report reaches each party of a ladder and is answered there, by
/// node: the report lands at `start` at every time; each party is reached the way the ladder
/// first reaches it ([`crate::reach::tree`]): by a hop, if whoever was paged at its `from`
/// answered (or whether or not, for a hop that fires for want of acknowledgement), or by a
/// standing link whenever its source is reached. A party reached at `t` on the ladder is
/// answered for a report made at `r` when it answers at `r + t`.
fn flow(
    m: &Model,
    g: &Graph,
    inc: &Incident,
    l: &Ladder,
    start: N,
    answers: &[Answer],
) -> Answered {
    let mut reached: crate::model::Map<N, Week> = crate::model::Map::default();
    let mut answered: Answered = Vec::new();
    let mut answered_at: crate::model::Map<N, Week> = crate::model::Map::default();
    for (x, by) in crate::reach::tree::tree_order(l, g) {
        let Some(t) = l.reach(x).and_then(|r| r.at.seconds()) else {
            continue;
        };
        let r = match by {
            None if x == start => Week::all(),
            None => continue,
            Some(e) => {
                let (u, _, via) = g.edge(e);
                let Some(ru) = reached.get(&u) else { continue };
                match via {
                    Via::Hop(h) if hours::timer(m, inc, h) => ru.clone(),
                    Via::Hop(_) => answered_at.get(&u).cloned().unwrap_or_default(),
                    _ => ru.clone(),
                }
            }
        };
        let a = r.intersect(&answers[x.index()].times().shift(-(t as i64)));
        reached.insert(x, r);
        answered_at.insert(x, a.clone());
        answered.push((x, a));
    }
    answered.sort_by_key(|(n, _)| *n);
    answered
}

fn get(v: &[(N, Week)], n: N) -> Option<&Week> {
    v.binary_search_by_key(&n, |(k, _)| *k)
        .ok()
        .map(|i| &v[i].1)
}

/// IMP1901 and IMP1903.
fn levels(cx: &Context, g: &Graph, v: &Views, starts: &[(PocId, N)], out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    if m.escalations.is_empty() {
        return;
    }
    // Climbs: one per level and point of contact; the flows: one per climb and view. The
    // budget is that of 64 climbs of the whole graph, and never less than 2^24 edges (a small
    // policy with many levels is checked through); past it, nothing more is reported.
    let mut budget = Budget::of(g, 64);
    budget.left = budget.left.max(1 << 24);
    let mut scratch = Scratch::default();
    for (s, scale) in m.scales.iter().enumerate() {
        for (i, level) in scale.levels.iter().enumerate() {
            let id = LevelId {
                scale: ScaleId(s as u32),
                index: i as u32,
            };
            let inc = Incident::of_level(id);
            let tgts = targets(cx, g, level);
            if tgts.is_empty() {
                continue;
            }
            for &(p, start) in starts {
                let Some(l) = climb_in(
                    &mut scratch,
                    m,
                    g,
                    &inc,
                    &[start],
                    Via::certain,
                    &mut budget,
                ) else {
                    return;
                };
                if unreached(cx, g, v, &inc, &l, p, start, level, &tgts, out)
                    || slow(cx, g, v, &l, p, start, level, &tgts, out)
                {
                    break;
                }
            }
        }
    }
}

/// The times a target is answered, in a view.
fn answered_at(tgt: &[N], answered: &[(N, Week)]) -> Week {
    Week::union_all(tgt.iter().filter_map(|&n| get(answered, n)))
}

/// IMP1901 for a level and a point of contact; whether it found one.
#[allow(clippy::too_many_arguments)]
fn unreached(
    cx: &Context,
    g: &Graph,
    v: &Views,
    inc: &Incident,
    l: &Ladder,
    p: PocId,
    start: N,
    level: &crate::model::Level,
    tgts: &[(Span, bool, Vec<N>)],
    out: &mut Vec<Diagnostic>,
) -> bool {
    let m = cx.model;
    // Who is answered when, in each view, once for all the targets: the structural view,
    // the stretches, the holiday weeks.
    let mut flows: Option<(Answered, Vec<Answered>, Vec<Answered>)> = None;
    for (span, decider, nodes) in tgts {
        // Reached by the ladder at a known time: what the static checks do not report.
        let Some(first) = nodes
            .iter()
            .filter_map(|&n| l.reach(n).and_then(|r| r.at.seconds()).map(|t| (t, n)))
            .min()
            .map(|x| x.1)
        else {
            continue;
        };
        let (fs, fr, fh) = flows.get_or_insert_with(|| {
            (
                flow(m, g, inc, l, start, &v.structural.1),
                v.regular
                    .iter()
                    .map(|(_, _, a)| flow(m, g, inc, l, start, a))
                    .collect(),
                v.holidays
                    .iter()
                    .map(|(_, a)| flow(m, g, inc, l, start, a))
                    .collect(),
            )
        });
        let gap = |s: &Stretch, a: &[Answer], answered: &[(N, Week)]| {
            arriving(cx, v, p, s)
                .intersect(&a[start.index()].times())
                .minus(&answered_at(nodes, answered))
        };
        if !gap(&v.structural.0, &v.structural.1, fs).is_empty() {
            continue;
        }
        let regular: Vec<Week> = v
            .regular
            .iter()
            .zip(fr.iter())
            .map(|((s, _, a), f)| gap(s, a, f))
            .collect();
        let holidays: Vec<Week> = v
            .holidays
            .iter()
            .zip(fh.iter())
            .map(|((s, a), f)| gap(s, a, f).minus(&regular[v.around(s)]))
            .collect();
        let found = Found { regular, holidays };
        let (Some(words), Some((s, w, hol))) = (found.words(cx, v), found.first(v)) else {
            continue;
        };
        let answers = match hol {
            Some(i) => &v.holidays[i].1,
            None => v
                .regular
                .iter()
                .find(|(x, ..)| x.at == s.at)
                .map_or(&v.structural.1, |r| &r.2),
        };
        let name = cx.name(level.id);
        let who = cx.text(*span);
        let what = if *decider {
            format!("its decider `{who}`")
        } else {
            format!("`{who}`, whom it must notify")
        };
        let mut d = cx
            .at(
                Code::LevelUnansweredAtSomeHours,
                level.id,
                format!("a `{name}` report made {words} reaches nobody who answers for {what}"),
            )
            .label(format!(
                "not answered for up to {}",
                show_seconds(u64::from(w.longest()))
            ))
            .with_secondary(
                *span,
                if *decider {
                    "the decider"
                } else {
                    "to be notified"
                },
            );
        // The path, and the first party on it who answers nobody at those times.
        let path = l.path(g, first);
        let head = |n: N| decl(m, g.loc(n)).map_or(Span::at(0), |x| cx.head(x));
        let nm = |n: N| decl(m, g.loc(n)).map_or("?", |x| cx.name(x));
        d = d.step(head(start), format!("`{}` at 0m", nm(start)));
        let mut culprit: Option<N> = None;
        let mut nodes_on: Vec<N> = vec![start];
        for &e in &path {
            let (a, b, via) = g.edge(e);
            let (sp, what) = link(cx, g, a, b, via);
            d = d.step(sp, format!("{what} `{}` at {}", nm(b), when(l, b)));
            nodes_on.push(b);
        }
        for &n in &nodes_on {
            let t = l.reach(n).and_then(|r| r.at.seconds()).unwrap_or(0) as i64;
            if !w.minus(&answers[n.index()].times().shift(-t)).is_empty() {
                culprit = Some(n);
                break;
            }
        }
        if let Some(c) = culprit {
            d = d.with_secondary(head(c), format!("`{}` answers nobody then", nm(c)));
            d = why(cx, d, g.loc(c), s);
        }
        out.push(d.help(format!(
            "have someone who answers at those times on `{name}`'s path to `{who}`: a rota whose `hours` cover them, a `backup`, or a hop for want of acknowledgement (`when not acknowledged after 15m`) to someone on call then"
        )));
        return true;
    }
    false
}

/// IMP1903 for a level and a point of contact; whether it found one.
#[allow(clippy::too_many_arguments)]
fn slow(
    cx: &Context,
    g: &Graph,
    v: &Views,
    l: &Ladder,
    p: PocId,
    start: N,
    level: &crate::model::Level,
    tgts: &[(Span, bool, Vec<N>)],
    out: &mut Vec<Diagnostic>,
) -> bool {
    let m = cx.model;
    let Some(ack) = &level.acknowledge else {
        return false;
    };
    let Some(target) = Bounds::of(&ack.value) else {
        return false;
    };
    let Some((span, _, nodes)) = tgts.iter().find(|t| t.1) else {
        return false;
    };
    let Some((t, first)) = nodes
        .iter()
        .filter_map(|&n| l.reach(n).and_then(|r| r.at.seconds()).map(|t| (t, n)))
        .min()
    else {
        return false;
    };
    if t > target.max {
        return false;
    }
    // The times the point of contact answers so late that the decider is reached late.
    let late = |s: &Stretch, a: &[Answer]| -> Week {
        arriving(cx, v, p, s).intersect(&a[start.index()].slower_than(target.max - t))
    };
    if !late(&v.structural.0, &v.structural.1).is_empty() {
        return false;
    }
    let regular: Vec<Week> = v.regular.iter().map(|(s, _, a)| late(s, a)).collect();
    let holidays: Vec<Week> = v
        .holidays
        .iter()
        .map(|(s, a)| late(s, a).minus(&regular[v.around(s)]))
        .collect();
    let found = Found { regular, holidays };
    let (Some(words), Some((s, w, hol))) = (found.words(cx, v), found.first(v)) else {
        return false;
    };
    let answers = match hol {
        Some(i) => &v.holidays[i].1,
        None => v
            .regular
            .iter()
            .find(|(x, ..)| x.at == s.at)
            .map_or(&v.structural.1, |r| &r.2),
    };
    // The longest delay at those times.
    let delay = answers[start.index()]
        .pieces()
        .iter()
        .filter(|(_, x)| !x.intersect(w).is_empty())
        .map(|(d, _)| *d)
        .max()
        .unwrap_or(0);
    let name = cx.name(level.id);
    let who = cx.text(*span);
    let poc = &m[p];
    let mut d = cx
        .at(
            Code::SlowAtSomeHours,
            level.id,
            format!(
                "`{name}` reaches `{who}` after {} for a report made {words}, target {}",
                show_seconds(t + delay),
                show_seconds(target.max)
            ),
        )
        .label(format!(
            "reaches its decider after {} then",
            show_seconds(t + delay)
        ))
        .with_secondary(
            ack.value.span,
            format!("acknowledge target {}", show_seconds(target.max)),
        );
    // Which of the desk's ways answers late: the staff in its hours, out of hours the other.
    let tz = poc
        .timezone
        .as_ref()
        .map_or(jiff::tz::TimeZone::UTC, |z| z.value.tz.clone());
    let ws: Vec<&crate::model::Window> = poc.hours.iter().map(|h| &h.value).collect();
    let open = if ws.is_empty() {
        Week::all()
    } else {
        hours::open(&ws, &tz, s, None)
    };
    let way = if w.intersect(&open).is_empty() {
        poc.out_of_hours
            .as_ref()
            .map(|o| (o.value.span, o.value.target.map(|t| t.loc())))
    } else {
        poc.held_by
            .as_ref()
            .map(|h| (h.value.span, h.value.target.map(|t| t.loc())))
    };
    if let Some((sp, loc)) = way {
        d = d.with_secondary(
            sp,
            format!(
                "`{}` answers {} after it is paged then",
                cx.text(sp),
                show_seconds(delay)
            ),
        );
        if let Some(Loc::Schedule(x)) = loc
            && let Some(r) = &m[x].respond
        {
            d = d.with_secondary(r.span, "how soon it answers");
        }
    }
    let head = |n: N| decl(m, g.loc(n)).map_or(Span::at(0), |x| cx.head(x));
    let nm = |n: N| decl(m, g.loc(n)).map_or("?", |x| cx.name(x));
    d = d.step(
        head(start),
        format!("`{}` answers after {}", nm(start), show_seconds(delay)),
    );
    for e in l.path(g, first) {
        let (a, b, via) = g.edge(e);
        let (sp, what) = link(cx, g, a, b, via);
        d = d.step(
            sp,
            format!("{what} `{}` at {} after that", nm(b), when(l, b)),
        );
    }
    out.push(d.help(format!(
        "answer reports at `{}` sooner at those times (a rota that `respond`s within the target), or page `{who}` for `{name}` straight from a paging timer",
        cx.name(poc.id)
    )));
    true
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use crate::diagnostics::Code;

    const BASE: &str = "scale severity \"S\" {\n  level sev1 \"A\" {\n    acknowledge within 15m\n    decided_by ciso\n  }\n}\n\
        role ciso \"CISO\" { held_by priya; authority [declare_crisis] }\nperson priya \"Priya\" { phone \"+44 1\" }\n\
        channel portal \"Portal\" { lands_at desk }\n";

    #[test]
    fn a_desk_closed_at_night_with_no_one_out_of_hours_is_found_with_its_window() {
        let text = format!(
            "{BASE}point_of_contact desk \"Desk\" {{\n  held_by desk_rota\n  hours mon-fri 08:00-18:00\n  timezone \"Europe/London\"\n}}\n\
             schedule desk_rota \"Desk rota\" {{ hours mon-fri 08:00-18:00; timezone \"Europe/London\"; rotate weekly [priya] }}\n\
             escalation e \"E\" {{\n  hop desk -> ciso within 5m\n}}\n"
        );
        let f = findings(Code::IntakeUnanswered, &text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].contains("reach nobody Mon-Thu 18:00-08:00, Fri 18:00-Mon 08:00 Europe/London"),
            "{}",
            f[0]
        );
        // With the ISIRT out of hours, nothing is left.
        let fixed = text.replace(
            "  timezone \"Europe/London\"\n}",
            "  timezone \"Europe/London\"\n  out_of_hours priya\n}",
        );
        assert!(findings(Code::IntakeUnanswered, &fixed).is_empty());
    }

    #[test]
    fn a_decider_behind_a_day_rota_is_unanswered_at_night() {
        let text = format!(
            "{BASE}point_of_contact desk \"Desk\" {{ held_by priya }}\n\
             role lead \"Lead\" {{ held_by lead_rota }}\n\
             schedule lead_rota \"Leads\" {{ hours mon-sun 07:00-23:00; timezone \"Europe/London\"; rotate weekly [priya] }}\n\
             escalation e \"E\" {{\n  hop desk -> lead within 5m\n  hop lead -> ciso within 5m\n}}\n"
        );
        let f = findings(Code::LevelUnansweredAtSomeHours, &text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].contains("its decider `ciso`"), "{}", f[0]);
        assert!(
            f[0].contains("made daily 22:55-06:55 Europe/London reaches"),
            "{}",
            f[0]
        );
        // A timer hop fires whoever answered: the gap closes.
        let fixed = text.replace(
            "hop lead -> ciso within 5m",
            "hop lead -> ciso within 5m when not acknowledged after 1m",
        );
        assert!(
            findings(Code::LevelUnansweredAtSomeHours, &fixed).is_empty(),
            "{:?}",
            findings(Code::LevelUnansweredAtSomeHours, &fixed)
        );
    }

    #[test]
    fn a_slow_night_rota_makes_a_level_late_at_night_only() {
        let text = format!(
            "{BASE}point_of_contact desk \"Desk\" {{\n  held_by priya\n  hours mon-fri 08:00-18:00\n  timezone \"Europe/London\"\n  out_of_hours night\n}}\n\
             schedule night \"Night cover\" {{ respond within 30m; rotate weekly [priya] }}\n\
             escalation e \"E\" {{\n  hop desk -> ciso within 5m\n}}\n"
        );
        let f = findings(Code::SlowAtSomeHours, &text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].contains("after 35m"), "{}", f[0]);
        assert!(f[0].contains("Fri 18:00-Mon 08:00"), "{}", f[0]);
        assert!(
            findings(
                Code::SlowAtSomeHours,
                &text.replace("respond within 30m", "respond within 5m")
            )
            .is_empty()
        );
    }

    #[test]
    fn a_holiday_closes_a_rota_that_keeps_its_calendar() {
        let text = format!(
            "{BASE}point_of_contact desk \"Desk\" {{ held_by desk_rota }}\n\
             calendar uk \"UK\" {{ timezone \"Europe/London\"; hours mon-fri 09:00-17:00; holiday 2026-12-25 \"Christmas Day\" }}\n\
             schedule desk_rota \"Desk rota\" {{ hours mon-sat; timezone \"Europe/London\"; rotate weekly [priya]; calendar uk }}\n\
             escalation e \"E\" {{\n  hop desk -> ciso within 5m\n}}\n"
        );
        let f = findings(Code::IntakeUnanswered, &text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].contains("reach nobody Sun 00:00-24:00 Europe/London; and Fri 00:00-24:00 Europe/London in the week of 2026-12-25"), "{}", f[0]);
        assert!(
            findings(
                Code::IntakeUnanswered,
                &text.replace("hours mon-sat", "hours 24x7")
            )
            .is_empty()
        );
    }

    #[test]
    fn a_gap_that_moves_with_summer_time_names_its_dates() {
        // The desk is in London, its rota keeps New York's hours: in London time the gap
        // moves for the weeks the two zones have changed their clocks on different days.
        let text = format!(
            "{BASE}point_of_contact desk \"Desk\" {{ held_by ny; timezone \"Europe/London\" }}\n\
             schedule ny \"NY\" {{ timezone \"America/New_York\"; hours mon-fri 09:00-17:00; rotate weekly [priya] }}\n\
             escalation e \"E\" {{\n  hop desk -> ciso within 5m\n}}\n"
        );
        let f = findings(Code::IntakeUnanswered, &text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].contains("reach nobody Mon-Thu 22:00-14:00, Fri 22:00-Mon 14:00 Europe/London from 2026-12-01 to 2027-03-13 and 2027-03-28 to 2027-10-30 and 2027-11-07 to 2027-11-30; and Mon-Thu 21:00-13:00, Fri 21:00-Mon 13:00 Europe/London from 2027-03-14 to 2027-03-27 and 2027-10-31 to 2027-11-06"),
            "{}",
            f[0]
        );
    }

    #[test]
    fn a_follow_the_sun_rota_is_covered_only_in_its_regions_hours() {
        // London and Sydney cover 08:00-18:00 each: in London's winter that leaves two
        // stretches a weekday uncovered; with New York's hours too, only weekends.
        let text = format!(
            "{BASE}point_of_contact desk \"Desk\" {{ held_by sun; timezone \"Europe/London\" }}\n\
             schedule sun \"Follow the sun\" {{ follow_the_sun [emea, apac] }}\n\
             region emea \"Europe\" {{ timezone \"Europe/London\"; hours mon-fri 08:00-18:00; on_call emea_rota }}\n\
             region apac \"Asia-Pacific\" {{ timezone \"Australia/Sydney\"; hours mon-fri 08:00-18:00; on_call apac_rota }}\n\
             schedule emea_rota \"EMEA\" {{ rotate weekly [priya] }}\n\
             schedule apac_rota \"APAC\" {{ rotate weekly [priya] }}\n\
             escalation e \"E\" {{\n  hop desk -> ciso within 5m\n}}\n"
        );
        let f = findings(Code::IntakeUnanswered, &text);
        assert_eq!(f.len(), 1, "{f:?}");
        // Sydney is 11 hours ahead of London in December: its 08:00-18:00 is 21:00-07:00.
        assert!(
            f[0].contains(
                "reach nobody Mon-Fri 07:00-08:00, Mon-Thu 18:00-21:00, Fri 18:00-Sun 21:00 Europe/London from 2026-12-01 to 2027-03-27"
            ),
            "{}",
            f[0]
        );
        let ny = text.replace(
            "follow_the_sun [emea, apac]",
            "follow_the_sun [emea, apac, americas]",
        ) + "region americas \"Americas\" { timezone \"America/New_York\"; hours mon-fri 08:00-18:00; on_call emea_rota }\n";
        let f = findings(Code::IntakeUnanswered, &ny);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(!f[0].contains("Mon-Thu 18:00-21:00"), "{}", f[0]);
    }

    #[test]
    fn an_office_hours_owner_misses_a_day_long_deadline_over_the_weekend() {
        let text = "point_of_contact desk \"Desk\" { held_by sam }\nperson sam \"Sam\" {}\nperson siobhan \"Siobhan\" {}\n\
            channel portal \"Portal\" { lands_at desk }\nexternal ico \"ICO\" { kind regulator }\n\
            role dpo \"DPO\" { held_by office; authority [notify_regulator] }\n\
            schedule office \"Office\" { hours mon-fri 09:00-17:00; timezone \"Europe/London\"; rotate weekly [siobhan] }\n\
            escalation e \"E\" {\n  hop desk -> dpo within 1h\n}\n\
            obligation breach \"Breach\" {\n  clock_starts awareness\n  deadline notification 24h\n  to ico\n  owner dpo\n}\n";
        let f = findings(Code::DeadlineUnmeetableAtSomeHours, text);
        assert_eq!(f.len(), 1, "{f:?}");
        // Paged from Friday 17:00 the DPO answers Monday 09:00; a page before Sunday 10:00
        // waits more than the 23 hours left, and the page comes an hour after the report.
        assert!(
            f[0].contains("reported Fri 16:00-Sun 09:00 Europe/London"),
            "{}",
            f[0]
        );
        assert!(
            f[0].contains("for up to 64h then, deadline 24h"),
            "{}",
            f[0]
        );
        // Three days are enough whatever the hour.
        assert!(
            findings(
                Code::DeadlineUnmeetableAtSomeHours,
                &text.replace("24h", "72h")
            )
            .is_empty()
        );
        // A backup on call closes the gap.
        let backed = text.replace("held_by office;", "held_by office; backup [sam];");
        assert!(findings(Code::DeadlineUnmeetableAtSomeHours, &backed).is_empty());
    }

    #[test]
    fn a_holiday_kept_by_many_calendars_is_named_once() {
        let mut text = format!(
            "{BASE}point_of_contact desk \"Desk\" {{ held_by r0; timezone \"Europe/London\" }}\n"
        );
        text.push_str("escalation e \"E\" {\n  hop desk -> ciso within 5m\n}\n");
        for k in 0..6 {
            text.push_str(&format!(
                "calendar c{k} \"C{k}\" {{ timezone \"Europe/London\"; hours mon-fri 09:00-17:00; holiday 2026-12-25 \"Christmas Day\" }}\n\
                 schedule s{k} \"S{k}\" {{ timezone \"Europe/London\"; hours mon-sat; rotate weekly [priya]; calendar c{k} }}\n\
                 role r{k} \"R{k}\" {{ held_by s{k}{} }}\n",
                if k < 5 { format!("; backup [r{}]", k + 1) } else { String::new() }
            ));
        }
        let f = findings(Code::IntakeUnanswered, &text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(
            f[0].contains("in the week of 2026-12-25 \"Christmas Day\", a holiday of `c0`, `c1`, `c2` and 3 more calendars"),
            "{}",
            f[0]
        );
    }
}
