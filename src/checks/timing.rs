//! Time along escalation paths (IMP18xx): how long a report takes to reach the decider of
//! its level, ladders whose timers overlap, legal deadlines that cannot be met, escalation
//! cycles without a bound, repeats without an interval, and paths that end at no authority.
//!
//! Times are those of the reach layer ([`crate::reach::ladder`], the one definition of how a
//! path's time adds up; `docs/language.md` states it): a report lands at time 0 at each point
//! of contact a reporting channel lands at (every point of contact when no channel lands at
//! one); each is climbed on its own, and the slowest of them is the worst case. The point of
//! contact's `assess_within` is not added: the hops out of it say how soon it hands on.
//! Standing links are followed where they certainly lead ([`Via::certain`]).
//!
//! A time is *certainly* too long when its shortest reading (each hop's `within` at its
//! shortest, along the path shown) is longer than the longest reading of the target.
//!
//! # Cost
//!
//! Every climb of every check of this family draws on one [`Budget`] of
//! [`CLIMBS`] climbs of the whole graph; past it, the family reports nothing more (a
//! policy that large is checked as far as the budget goes). Cycles are found with
//! `kosaraju_scc` (iterative), ends and their chains with explicit queues.

use petgraph::Direction;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use super::time::show_seconds;
use super::{Bounds, Context};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::refs::RefTarget;
use crate::model::{
    CategoryId, ChannelUse, Condition, ConditionKind, Deadline, Destination, DurationUnit, HopId,
    HopTiming, LevelId, Limit, Loc, Map, Model, MomentRef, MomentWord, ObligationId, ScaleId,
    StepBody, Within,
};
use crate::reach::ladder::fires;
use crate::reach::{
    Budget, Graph, Incident, Ladder, Scratch, Time, Truth, Via, WorkCalendar, climb_in,
};
use crate::source::Span;

/// The climbs of the whole graph the family may make.
pub const CLIMBS: u64 = 64;

/// The hops shown of the chain that leads to an end (IMP1806): the last ones.
const SHOWN_HOPS: usize = 32;

pub(super) fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    if cx.model.is_empty() {
        return;
    }
    let graph = Graph::new(cx.model);
    let mut w = Walk {
        cx,
        graph: &graph,
        budget: Budget::of(&graph, CLIMBS),
        starts: starts(cx, &graph),
        spent: false,
        scratch: Scratch::default(),
    };
    too_slow(&mut w, out);
    overlapping(&mut w, out);
    deadlines(&mut w, out);
    cycles(cx, &graph, out);
    repeats(cx, out);
    ends(cx, &graph, out);
}

/// The climbs of the family, under its budget.
struct Walk<'a, 'b> {
    cx: &'a Context<'b>,
    graph: &'a Graph,
    budget: Budget,
    starts: Vec<NodeIndex<u32>>,
    /// The budget is spent: nothing more is reported.
    spent: bool,
    /// The working memory of the climbs, kept between them.
    scratch: Scratch,
}

/// The slowest way a party is reached: its time at the longest and at the shortest reading,
/// and the hops of its path, each with the time its target is reached.
struct Worst {
    max: u64,
    min: u64,
    hops: Vec<(HopId, u64)>,
}

impl Walk<'_, '_> {
    fn climb(&mut self, incident: &Incident, starts: &[NodeIndex<u32>]) -> Option<Ladder> {
        if self.spent {
            return None;
        }
        let l = climb_in(
            &mut self.scratch,
            self.cx.model,
            self.graph,
            incident,
            starts,
            Via::certain,
            &mut self.budget,
        );
        self.spent = l.is_none();
        l
    }

    /// Spends one unit of the budget on work that is not a climb.
    fn spend(&mut self) -> bool {
        match self.budget.left.checked_sub(1) {
            Some(l) if !self.spent => {
                self.budget.left = l;
                true
            }
            _ => {
                self.spent = true;
                false
            }
        }
    }

    /// The slowest, over the points of contact, of the earliest worst-case times `target`
    /// is reached at; `None` when no point of contact reaches it at a known time.
    fn slowest(&mut self, incident: &Incident, target: NodeIndex<u32>) -> Option<Worst> {
        let mut best: Option<Worst> = None;
        for s in self.starts.clone() {
            let l = self.climb(incident, &[s])?;
            let Some(r) = l.reach(target) else { continue };
            let Time::At(t) = r.at else { continue };
            if best.as_ref().is_some_and(|b| b.max >= t) {
                continue;
            }
            let path = l.path(self.graph, target);
            let model = self.cx.model;
            let mut hops = Vec::new();
            let mut min = 0u64;
            for &e in &path {
                let (_, to, via) = self.graph.edge(e);
                let Via::Hop(h) = via else { continue };
                min = shortest_fire(model, incident, h, min)
                    .saturating_add(respond_min(model, self.graph.loc(to)));
                let at = l.reach(to).and_then(|r| r.at.seconds()).unwrap_or(t);
                hops.push((h, at));
            }
            best = Some(Worst { max: t, min, hops });
        }
        best
    }
}

/// When a hop fires at the shortest reading of its time, its `from` reached at `from`.
fn shortest_fire(model: &Model, incident: &Incident, h: HopId, from: u64) -> u64 {
    let hop = &model[h];
    let cond = incident.when(model, hop.when.as_ref()).from().unwrap_or(0);
    let d = hop
        .within
        .as_ref()
        .map_or(0, |w| Bounds::of(w).map_or(0, |b| b.min));
    let t = match hop.timing {
        HopTiming::AfterPrevious => from.saturating_add(d),
        HopTiming::FromStart => from.max(d),
    };
    t.max(cond)
}

/// A rota's `respond` at its shortest.
fn respond_min(model: &Model, loc: Loc) -> u64 {
    match loc {
        Loc::Schedule(s) => model[s]
            .respond
            .as_ref()
            .and_then(|r| Bounds::of(&r.value))
            .map_or(0, |b| b.min),
        _ => 0,
    }
}

/// Where reports land: the points of contact reporting channels land at, in the order of
/// the channels; every point of contact when none does.
fn starts(cx: &Context, g: &Graph) -> Vec<NodeIndex<u32>> {
    let mut out: Vec<NodeIndex<u32>> = Vec::new();
    let mut seen: crate::model::Set<NodeIndex<u32>> = crate::model::Set::default();
    for c in &cx.model.channels {
        let reporting = c
            .used_for
            .as_ref()
            .is_none_or(|u| u.value.iter().any(|x| x.value == ChannelUse::Reporting));
        if !reporting {
            continue;
        }
        if let Some(Destination::PointOfContact(p)) =
            c.lands_at.as_ref().and_then(|l| l.value.target)
            && let Some(n) = g.node(Loc::PointOfContact(p))
            && seen.insert(n)
        {
            out.push(n);
        }
    }
    if out.is_empty() {
        out = (0..cx.model.points_of_contact.len() as u32)
            .filter_map(|i| g.node(Loc::PointOfContact(crate::model::PocId(i))))
            .collect();
    }
    out
}

/// Every level of every scale, with its id.
fn levels(model: &Model) -> impl Iterator<Item = (LevelId, &crate::model::Level)> {
    model.scales.iter().enumerate().flat_map(|(s, scale)| {
        scale.levels.iter().enumerate().map(move |(i, l)| {
            (
                LevelId {
                    scale: ScaleId(s as u32),
                    index: i as u32,
                },
                l,
            )
        })
    })
}

/// `from -> to` of a hop, where findings about it point.
fn hop_span(model: &Model, h: HopId) -> Span {
    let hop = &model[h];
    hop.from.span.join(hop.to.span)
}

/// The parties of a hop as written: `` `desk` -> `isirt` ``.
fn hop_words(cx: &Context, h: HopId) -> String {
    let hop = &cx.model[h];
    format!("`{}` -> `{}`", cx.text(hop.from.span), cx.text(hop.to.span))
}

/// A length for messages: in its largest whole unit (`90m`), else in parts (`26d 17h 30m`).
fn show_length(s: u64) -> String {
    let unit = [86_400, 3600, 60].into_iter().find(|u| s >= *u);
    match unit {
        Some(u) if !s.is_multiple_of(u) && s.is_multiple_of(3600) => format!("{}h", s / 3600),
        Some(u) if !s.is_multiple_of(u) && s.is_multiple_of(60) && s < 2 * 3600 => {
            format!("{}m", s / 60)
        }
        Some(u) if !s.is_multiple_of(u) && s.is_multiple_of(60) => {
            // Under three days, in hours: `24h 30m`.
            let days = if s < 3 * 86_400 { 0 } else { s / 86_400 };
            let (d, h, m) = (days, (s - days * 86_400) / 3600, s % 3600 / 60);
            let parts: Vec<String> = [(d, "d"), (h, "h"), (m, "m")]
                .iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, u)| format!("{n}{u}"))
                .collect();
            parts.join(" ")
        }
        _ => show_seconds(s),
    }
}

/// A time limit for messages, as written (`15m`, the upper end of a range), else its length.
fn limit_words(cx: &Context, w: &Within, b: Bounds) -> String {
    match &w.limit {
        Limit::Within(d) | Limit::Range { high: d, .. } => cx.text(d.span).to_string(),
        _ => show_length(b.max),
    }
}

/// IMP1801: the decider of a level is reached, along the escalation paths, within the
/// level's acknowledge target. The path shown is the one by which the decider is first
/// reached when every hop takes its longest, from the slowest point of contact.
fn too_slow(w: &mut Walk, out: &mut Vec<Diagnostic>) {
    let cx = w.cx;
    let m = cx.model;
    for (id, level) in levels(m) {
        let (Some(ack), Some(dec)) = (&level.acknowledge, &level.decided_by) else {
            continue;
        };
        let (Some(target), Some(who)) = (Bounds::of(&ack.value), dec.value.target) else {
            continue;
        };
        let Some(node) = w.graph.node(who.loc()) else {
            continue;
        };
        let Some(worst) = w.slowest(&Incident::of_level(id), node) else {
            if w.spent {
                return;
            }
            continue;
        };
        if worst.min <= target.max {
            continue;
        }
        let mut d = cx
            .at(
                Code::EscalationTooSlow,
                level.id,
                format!(
                    "`{}` reaches `{}` after {} in the worst case, target {}",
                    cx.name(level.id),
                    cx.text(dec.value.span),
                    show_length(worst.max),
                    limit_words(cx, &ack.value, target)
                ),
            )
            .label(format!(
                "reaches its decider after {}",
                show_length(worst.max)
            ))
            .with_secondary(
                ack.value.span,
                format!("acknowledge target {}", limit_words(cx, &ack.value, target)),
            );
        for &(h, at) in &worst.hops {
            d = d.step(
                hop_span(m, h),
                format!("`{}` after {}", cx.text(m[h].to.span), show_length(at)),
            );
        }
        out.push(d.help(format!(
            "page `{}` sooner for `{}` (a hop to it `within` or `at` a time inside the target), or give the level a target its escalation can meet",
            cx.text(dec.value.span),
            cx.name(level.id)
        )));
    }
}

/// Whether a condition holds with its timers taken as never holding: whether it can apply
/// without a timer. Conditions are as deep as their parentheses, which reading bounds.
fn without_timers(model: &Model, incident: &Incident, c: &Condition) -> Truth {
    match &c.kind {
        ConditionKind::NotAcknowledged { .. } | ConditionKind::NotUnderControl { .. } => {
            Truth::Fails
        }
        ConditionKind::Any { terms } => {
            let mut unknown = false;
            for t in terms {
                match without_timers(model, incident, t) {
                    Truth::Holds(_) => return Truth::Holds(0),
                    Truth::Unknown => unknown = true,
                    Truth::Fails => {}
                }
            }
            if unknown {
                Truth::Unknown
            } else {
                Truth::Fails
            }
        }
        ConditionKind::All { terms } => {
            let mut unknown = false;
            for t in terms {
                match without_timers(model, incident, t) {
                    Truth::Fails => return Truth::Fails,
                    Truth::Unknown => unknown = true,
                    Truth::Holds(_) => {}
                }
            }
            if unknown {
                Truth::Unknown
            } else {
                Truth::Holds(0)
            }
        }
        _ => incident.holds(model, c),
    }
}

/// IMP1802: ladders whose timers overlap.
///
/// - A hop that applies to a level only for want of acknowledgement (its `when` holds only
///   through `not acknowledged after X`, whatever else of the incident is known) and, on the
///   level's ladder, fires certainly before the level's acknowledge target is up: the party
///   it leaves is escalated past before its time to acknowledge is over.
/// - A hop `at D` whose time is no later than that of the hop written before it (each
///   hop's time as written: `within` after the previous hop, `at` from the start; the
///   conditions aside): the later hop fires no later than the earlier.
fn overlapping(w: &mut Walk, out: &mut Vec<Diagnostic>) {
    let cx = w.cx;
    let m = cx.model;
    let gated: Vec<HopId> = hops(m)
        .filter(|&h| {
            m[h].when.as_ref().is_some_and(|c| {
                c.cond
                    .walk()
                    .any(|c| matches!(c.kind, ConditionKind::NotAcknowledged { .. }))
            })
        })
        .collect();
    if !gated.is_empty() {
        for (id, level) in levels(m) {
            let Some(ack) = &level.acknowledge else {
                continue;
            };
            let Some(target) = Bounds::of(&ack.value) else {
                continue;
            };
            let inc = Incident::of_level(id);
            let Some(ladder) = w.climb(&inc, &w.starts.clone()) else {
                return;
            };
            for &h in &gated {
                if !w.spend() {
                    return;
                }
                let hop = &m[h];
                let Some(when) = &hop.when else { continue };
                let Truth::Holds(x) = inc.when(m, Some(when)) else {
                    continue;
                };
                let timer = when.cond.walk().find(|c| match &c.kind {
                    ConditionKind::NotAcknowledged { after } => after.fixed_seconds() == Some(x),
                    _ => false,
                });
                let Some(timer) = timer.filter(|_| x > 0) else {
                    continue;
                };
                if without_timers(m, &inc, &when.cond) != Truth::Fails {
                    continue;
                }
                let (Some(from), Some(to)) = (hop.from.target, hop.to.target) else {
                    continue;
                };
                let Some(fnode) = w.graph.node(crate::reach::graph::responder(from)) else {
                    continue;
                };
                let _ = to;
                let Some(reached) = ladder.reach(fnode) else {
                    continue;
                };
                let Some(Time::At(f)) = fires(m, &inc, h, reached.at) else {
                    continue;
                };
                if target.min <= f {
                    continue;
                }
                let mut d = Diagnostic::new(
                    Code::LadderOverlap,
                    timer.span,
                    format!(
                        "hop {} escalates `{}` after {} for want of acknowledgement, before its acknowledge target of {} is up",
                        hop_words(cx, h),
                        cx.name(level.id),
                        show_length(f),
                        limit_words(cx, &ack.value, target)
                    ),
                )
                .label(format!("`{}` is escalated past after {}", cx.text(hop.from.span), show_length(f)))
                .with_secondary(
                    ack.value.span,
                    format!("`{}` has {} to acknowledge", cx.name(level.id), limit_words(cx, &ack.value, target)),
                );
                // The hop that reached the party escalated past, then this one.
                if let Some(e) = reached.by
                    && let (_, _, Via::Hop(before)) = w.graph.edge(e)
                {
                    let at = reached
                        .at
                        .seconds()
                        .map_or("at no known time".to_string(), |s| {
                            format!("after {}", show_length(s))
                        });
                    d = d.step(
                        hop_span(m, before),
                        format!("`{}` reached {at}", cx.text(hop.from.span)),
                    );
                }
                d = d.step(
                    hop_span(m, h),
                    format!("`{}` after {}", cx.text(hop.to.span), show_length(f)),
                );
                out.push(d.help(format!(
                    "escalate for want of acknowledgement no sooner than the target (`not acknowledged after {}`), or make `{}`'s acknowledge target the time the ladder gives",
                    show_seconds(target.max),
                    cx.name(level.id)
                )));
            }
        }
    }
    for (e, esc) in m.escalations.iter().enumerate() {
        // The time of the hop written before, as written: (min, max), and its position.
        let mut t: Option<Bounds> = Some(Bounds { min: 0, max: 0 });
        let mut prev: Option<usize> = None;
        for (k, hop) in esc.hops.iter().enumerate() {
            let d = hop
                .within
                .as_ref()
                .map_or(Some(Bounds { min: 0, max: 0 }), Bounds::of);
            let now = match (d, hop.timing) {
                (None, _) => None,
                (Some(d), HopTiming::AfterPrevious) => t.map(|p| Bounds {
                    min: p.min.saturating_add(d.min),
                    max: p.max.saturating_add(d.max),
                }),
                (Some(d), HopTiming::FromStart) => {
                    if let (Some(p), Some(j), Some(within)) = (t, prev, &hop.within)
                        && d.max <= p.min
                    {
                        let id = |i: usize| HopId {
                            escalation: crate::model::EscalationId(e as u32),
                            index: i as u32,
                        };
                        let (a, b) = (id(j), id(k));
                        out.push(
                            Diagnostic::new(
                                Code::LadderOverlap,
                                within.span,
                                format!(
                                    "hop {} `at {}` fires no later than the hop before it, at {}",
                                    hop_words(cx, b),
                                    show_length(d.max),
                                    show_length(p.min)
                                ),
                            )
                            .label("out of order with the hop before it")
                            .step(
                                hop_span(m, a),
                                format!("`{}` at {}", cx.text(m[a].to.span), show_length(p.min)),
                            )
                            .step(
                                hop_span(m, b),
                                format!(
                                    "`{}` at {}: no later",
                                    cx.text(hop.to.span),
                                    show_length(d.max)
                                ),
                            )
                            .help(format!(
                                "give each hop `at` a time after the one before it (later than {}), or write `within` for a delay after the previous hop",
                                show_length(p.min)
                            )),
                        );
                    }
                    Some(match t {
                        Some(p) => Bounds {
                            min: p.min.max(d.min),
                            max: p.max.max(d.max),
                        },
                        None => Bounds {
                            min: d.min,
                            max: u64::MAX,
                        },
                    })
                }
            };
            t = now;
            prev = Some(k);
        }
    }
}

/// Every hop of every escalation, in model order.
fn hops(model: &Model) -> impl Iterator<Item = HopId> + '_ {
    model.escalations.iter().enumerate().flat_map(|(e, esc)| {
        (0..esc.hops.len() as u32).map(move |index| HopId {
            escalation: crate::model::EscalationId(e as u32),
            index,
        })
    })
}

/// Whether a clock starts at the report or before it, so that the path to the owner runs
/// on it: `detection`, `report`, `identification` and `awareness` (imp takes the report as
/// the moment the organisation becomes aware). A later moment may come after the owner was
/// reached: only the owner's step counts from it.
fn clock_counts_path(m: &MomentRef) -> bool {
    matches!(
        m,
        MomentRef::Builtin(w) if matches!(
            w.value,
            MomentWord::Detection | MomentWord::Report | MomentWord::Identification | MomentWord::Awareness
        )
    )
}

/// The business days of a limit and the calendar they count on, if it is counted in them.
fn business_days(w: &Within) -> Option<(u32, Option<crate::model::CalendarId>)> {
    let d = match &w.limit {
        Limit::Within(d) | Limit::Range { high: d, .. } | Limit::NextBusinessDay(d) => d,
        _ => return None,
    };
    if d.unit != DurationUnit::BusinessDays {
        return None;
    }
    let cal = match d.calendar.as_deref() {
        Some(crate::model::CalendarRef::Named(r)) => r.target,
        Some(crate::model::CalendarRef::Implicit(c)) => *c,
        None => None,
    };
    Some((d.amount, cal))
}

/// The fastest notify step that fulfils each obligation: its name and its time (zero for a
/// step with none). Written steps and overrides, in one pass.
fn fulfilling_steps(cx: &Context) -> Map<ObligationId, (crate::model::DeclId, Bounds, String)> {
    let m = cx.model;
    let mut best: Map<ObligationId, (crate::model::DeclId, Bounds, String)> = Map::default();
    let mut offer = |o: ObligationId, id: crate::model::DeclId, w: Option<&Within>| {
        let b = w.map_or(Some(Bounds { min: 0, max: 0 }), Bounds::of);
        let Some(b) = b else { return };
        let words = w.map_or("no stated time".to_string(), |w| limit_words(cx, w, b));
        match best.get_mut(&o) {
            Some(e) if b.min >= e.1.min => {}
            Some(e) => *e = (id, b, words),
            None => {
                best.insert(o, (id, b, words));
            }
        }
    };
    for p in &m.procedures {
        for s in &p.steps {
            if let StepBody::Notify {
                obligation: Some(ob),
                ..
            } = &s.body
                && let Some(o) = ob.value.target
            {
                offer(o, s.id, s.common.within.as_ref().map(|w| &w.value));
            }
        }
        for ov in &p.overrides {
            let base = ov.step.target.map(|s| &m[s]);
            let base_ob = base.and_then(|b| match &b.body {
                StepBody::Notify { obligation, .. } => {
                    obligation.as_ref().and_then(|o| o.value.target)
                }
                _ => None,
            });
            let ob = ov
                .obligation
                .as_ref()
                .and_then(|o| o.value.target)
                .or(base_ob);
            let within = ov
                .common
                .within
                .as_ref()
                .or(base.and_then(|b| b.common.within.as_ref()))
                .map(|w| &w.value);
            if let (Some(o), Some(b)) = (ob, base) {
                offer(o, b.id, within);
            }
        }
    }
    best
}

/// Whether a deadline is in force on a day.
fn in_force(d: &Deadline, day: jiff::civil::Date) -> bool {
    d.since.is_none_or(|s| s.date <= day) && d.until.is_none_or(|u| day < u.date)
}

/// IMP1803: from an obligation's clock, the path to its owner and the owner's step fit each
/// deadline in force today.
///
/// - The incidents that trigger it: each level of each scale (with each category its
///   trigger names). When its trigger certainly holds for some, the slowest of them is
///   shown; when it holds certainly for none (it rests on impacts or facts), the fastest of
///   those it may hold for, so that a finding is certain.
/// - The path counts only from a clock at the report or before it ([`clock_counts_path`]).
/// - The owner's step: the fastest `notify` step with `obligation` this one, at the
///   shortest reading of its `within` (none: no time).
/// - A deadline in business days is counted on its calendar, exactly, at the worst start
///   over the coming year from the day of the check; others at their longest reading.
fn deadlines(w: &mut Walk, out: &mut Vec<Diagnostic>) {
    let cx = w.cx;
    let m = cx.model;
    let steps = fulfilling_steps(cx);
    for (i, o) in m.obligations.iter().enumerate() {
        let Some(owner) = o.owner.as_ref().and_then(|x| x.value.target) else {
            continue;
        };
        let Some(onode) = w.graph.node(owner.loc()) else {
            continue;
        };
        let due: Vec<&Deadline> = o
            .deadlines
            .iter()
            .map(|d| &d.value)
            .filter(|d| in_force(d, cx.config.as_of))
            .collect();
        if due.is_empty() {
            continue;
        }
        let step = steps.get(&ObligationId(i as u32));
        let step_min = step.map_or(0, |s| s.1.min);
        // The path, computed once, when some deadline counts it.
        let mut path: Option<Option<(Worst, String)>> = None;
        for d in due {
            let Some(clock) = clock_of(o, d) else {
                continue;
            };
            let (limit, words) = match business_days(&d.within) {
                Some((n, Some(cal))) => {
                    let Some(c) = WorkCalendar::of(m, cal) else {
                        continue;
                    };
                    let Some(s) = c.shortest(n, cx.config.as_of, 366) else {
                        continue;
                    };
                    (
                        s.seconds,
                        format!(
                            "{} can be as short as {} (from late on {})",
                            cx.text(d.within.span),
                            show_length(s.seconds),
                            s.start
                        ),
                    )
                }
                Some((_, None)) => continue,
                None => {
                    let Some(b) = Bounds::of(&d.within) else {
                        continue;
                    };
                    (b.max, format!("deadline {}", limit_words(cx, &d.within, b)))
                }
            };
            let p = if clock_counts_path(clock) {
                if path.is_none() {
                    path = Some(owner_path(w, o, onode));
                    if w.spent {
                        return;
                    }
                }
                path.as_ref().and_then(|p| p.as_ref())
            } else {
                None
            };
            if clock_counts_path(clock) && p.is_none() {
                continue;
            }
            let total_min = p.map_or(0, |(p, _)| p.min).saturating_add(step_min);
            if total_min <= limit {
                continue;
            }
            let total_max = p
                .map_or(0, |(p, _)| p.max)
                .saturating_add(step.map_or(0, |s| s.1.max));
            let mut parts = Vec::new();
            if let Some((p, _)) = p {
                parts.push(format!(
                    "`{}` is reached after {}",
                    cx.text(o.owner.as_ref().map_or(d.name.span, |x| x.value.span)),
                    show_length(p.max)
                ));
            }
            if let Some((id, _, words)) = step {
                parts.push(format!("`{}` takes {words}", cx.name(*id)));
            }
            let mut diag = Diagnostic::new(
                Code::DeadlineUnmeetable,
                d.name.span,
                format!(
                    "deadline `{}` of `{}` cannot be met: {}, {} in the worst case, {}",
                    cx.text(d.name.span),
                    cx.name(o.id),
                    parts.join(" and "),
                    show_length(total_max),
                    if words.starts_with("deadline") {
                        words.clone()
                    } else {
                        format!(
                            "deadline {} (as short as {})",
                            cx.text(d.within.span),
                            show_length(limit)
                        )
                    }
                ),
            )
            .label(format!("needs {}", show_length(total_max)))
            .with_secondary(d.within.span, words.clone());
            if let Some((p, level)) = p {
                for &(h, at) in &p.hops {
                    diag = diag.step(
                        hop_span(m, h),
                        if level.is_empty() {
                            format!("`{}` after {}", cx.text(m[h].to.span), show_length(at))
                        } else {
                            format!(
                                "`{}` after {} ({level})",
                                cx.text(m[h].to.span),
                                show_length(at)
                            )
                        },
                    );
                }
            }
            if let Some((id, _, words)) = step {
                diag = diag.step(cx.head(*id), format!("`{}` takes {words}", cx.name(*id)));
            }
            out.push(diag.help(format!(
                "reach `{}` sooner, shorten the step that makes the notification, or check the deadline against the law or contract",
                cx.text(o.owner.as_ref().map_or(d.name.span, |x| x.value.span))
            )));
        }
    }
}

/// The moment a deadline's clock starts: its own `from`, else the obligation's
/// `clock_starts`.
fn clock_of<'m>(o: &'m crate::model::Obligation, d: &'m Deadline) -> Option<&'m MomentRef> {
    d.within
        .from
        .as_ref()
        .or(o.clock_starts.as_ref().map(|c| &c.value))
}

/// What a deadline of fixed length needs, for the check of every hour of the week (IMP1904):
/// the obligation, its deadline (its place in `deadlines`), its owner, the shortest time the
/// owner is reached (0 when the clock does not count the path) and the shortest time of the
/// owner's step, and the deadline at its longest.
pub(super) struct Need {
    pub obligation: ObligationId,
    pub deadline: usize,
    pub owner: Loc,
    pub reached: u64,
    pub step: u64,
    pub limit: u64,
}

/// The needs of every deadline of fixed length in force, under the family's budget: as IMP1803
/// reads them.
pub(super) fn deadline_needs(cx: &Context, graph: &Graph) -> Vec<Need> {
    let mut w = Walk {
        cx,
        graph,
        budget: Budget::of(graph, CLIMBS),
        starts: starts(cx, graph),
        scratch: Scratch::default(),
        spent: false,
    };
    let m = cx.model;
    let steps = fulfilling_steps(cx);
    let mut out = Vec::new();
    for (i, o) in m.obligations.iter().enumerate() {
        let Some(owner) = o.owner.as_ref().and_then(|x| x.value.target) else {
            continue;
        };
        let Some(onode) = graph.node(owner.loc()) else {
            continue;
        };
        let step = steps.get(&ObligationId(i as u32)).map_or(0, |s| s.1.min);
        let mut path: Option<Option<u64>> = None;
        for (k, d) in o.deadlines.iter().enumerate() {
            let d = &d.value;
            if !in_force(d, cx.config.as_of) || business_days(&d.within).is_some() {
                continue;
            }
            let Some(clock) = clock_of(o, d) else {
                continue;
            };
            let Some(b) = Bounds::of(&d.within) else {
                continue;
            };
            let reached = if clock_counts_path(clock) {
                if path.is_none() {
                    path = Some(owner_path(&mut w, o, onode).map(|(p, _)| p.min));
                    if w.spent {
                        return out;
                    }
                }
                match path {
                    Some(Some(t)) => t,
                    _ => continue,
                }
            } else {
                0
            };
            out.push(Need {
                obligation: ObligationId(i as u32),
                deadline: k,
                owner: owner.loc(),
                reached,
                step,
                limit: b.max,
            });
        }
    }
    out
}

/// The path to an obligation's owner over the incidents that trigger it (see [`deadlines`]),
/// with the incident in words.
fn owner_path(
    w: &mut Walk,
    o: &crate::model::Obligation,
    owner: NodeIndex<u32>,
) -> Option<(Worst, String)> {
    let cx = w.cx;
    let m = cx.model;
    let mut cats: Vec<Option<CategoryId>> = Vec::new();
    if let Some(when) = &o.when {
        for c in when.cond.walk() {
            if let ConditionKind::Category { categories } = &c.kind {
                for r in categories.items.iter().filter_map(|r| r.target) {
                    if !cats.contains(&Some(r)) {
                        cats.push(Some(r));
                    }
                }
            }
        }
    }
    if cats.is_empty() {
        cats.push(None);
    }
    let mut lv: Vec<Option<LevelId>> = levels(m).map(|(id, _)| Some(id)).collect();
    if lv.is_empty() {
        lv.push(None);
    }
    let mut certain = Vec::new();
    let mut maybe = Vec::new();
    for &l in &lv {
        for &c in &cats {
            if !w.spend() {
                return None;
            }
            let inc = Incident {
                level: l,
                category: c,
                ..Incident::default()
            };
            match inc.when(m, o.when.as_ref()) {
                Truth::Holds(_) => certain.push(inc),
                Truth::Unknown => maybe.push(inc),
                Truth::Fails => {}
            }
        }
    }
    let slowest = !certain.is_empty();
    let set = if slowest { certain } else { maybe };
    let mut best: Option<(Worst, String)> = None;
    for inc in &set {
        let Some(worst) = w.slowest(inc, owner) else {
            if w.spent {
                return None;
            }
            continue;
        };
        let better = best.as_ref().is_none_or(|(b, _)| {
            if slowest {
                worst.max > b.max
            } else {
                worst.min < b.min
            }
        });
        if better {
            let mut words = Vec::new();
            if let Some(l) = inc.level {
                words.push(format!("`{}`", cx.name(m[l].id)));
            }
            if let Some(c) = inc.category {
                words.push(format!("`{}`", cx.name(m[c].id)));
            }
            let words = words.join(", ");
            best = Some((worst, words));
        }
    }
    best
}

/// Whether a hop stops once the incident is taken in hand: its `when` cannot hold without
/// `not acknowledged after` or `not under_control after` (a timer that every way for it to
/// hold needs). Conditions are as deep as their parentheses, which reading bounds.
fn stops(c: &Condition) -> bool {
    match &c.kind {
        ConditionKind::NotAcknowledged { .. } | ConditionKind::NotUnderControl { .. } => true,
        ConditionKind::All { terms } => terms.iter().any(stops),
        ConditionKind::Any { terms } => !terms.is_empty() && terms.iter().all(stops),
        _ => false,
    }
}

/// IMP1804: escalation cycles without a bound. The hop graph (the parties, and the hops
/// alone: not the standing links) is split into strongly connected sets (`kosaraju_scc`);
/// each set of two or more parties is a cycle, bounded when one of its hops stops once the
/// incident is acknowledged or under control ([`stops`]). One finding for each unbounded set,
/// at its first hop in model order, with a cycle through that hop as the evidence.
fn cycles(cx: &Context, g: &Graph, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    let mut hg: DiGraph<(), HopId, u32> = DiGraph::with_capacity(g.len(), 0);
    for _ in 0..g.len() {
        hg.add_node(());
    }
    for e in g.graph.edge_references() {
        if let Via::Hop(h) = *e.weight() {
            hg.add_edge(e.source(), e.target(), h);
        }
    }
    let mut comp = vec![u32::MAX; g.len()];
    let sccs = petgraph::algo::kosaraju_scc(&hg);
    for (k, scc) in sccs.iter().enumerate() {
        if scc.len() > 1 {
            for n in scc {
                comp[n.index()] = k as u32;
            }
        }
    }
    for (k, scc) in sccs.iter().enumerate() {
        if scc.len() < 2 {
            continue;
        }
        let k = k as u32;
        // The hops inside the set, in model order.
        let mut inside: Vec<(HopId, NodeIndex<u32>, NodeIndex<u32>)> = Vec::new();
        for &n in scc {
            for e in hg.edges(n) {
                if comp[e.target().index()] == k {
                    inside.push((*e.weight(), e.source(), e.target()));
                }
            }
        }
        inside.sort_by_key(|x| x.0);
        if inside
            .iter()
            .any(|(h, ..)| m[*h].when.as_ref().is_some_and(|w| stops(&w.cond)))
        {
            continue;
        }
        let Some(&(first, a, b)) = inside.first() else {
            continue;
        };
        // A shortest way back from `b` to `a` inside the set (breadth first).
        let mut by: Map<NodeIndex<u32>, (HopId, NodeIndex<u32>)> = Map::default();
        let mut queue = std::collections::VecDeque::from([b]);
        let mut seen = crate::model::Set::default();
        seen.insert(b);
        while let Some(u) = queue.pop_front() {
            if u == a {
                break;
            }
            let mut next: Vec<(HopId, NodeIndex<u32>)> = hg
                .edges(u)
                .filter(|e| comp[e.target().index()] == k)
                .map(|e| (*e.weight(), e.target()))
                .collect();
            next.sort();
            for (h, v) in next {
                if seen.insert(v) {
                    by.insert(v, (h, u));
                    queue.push_back(v);
                }
            }
        }
        let mut back = Vec::new();
        let mut at = a;
        while at != b {
            let Some(&(h, u)) = by.get(&at) else { break };
            back.push(h);
            at = u;
            if back.len() > scc.len() {
                break;
            }
        }
        back.reverse();
        let cycle: Vec<HopId> = std::iter::once(first).chain(back).collect();
        let mut names = vec![format!("`{}`", cx.text(m[first].from.span))];
        for &h in &cycle {
            names.push(format!("`{}`", cx.text(m[h].to.span)));
        }
        let more = scc.len().saturating_sub(cycle.len());
        let mut d = Diagnostic::new(
            Code::EscalationCycle,
            hop_span(m, first),
            format!(
                "escalation cycle {} has no bound{}",
                names.join(" -> "),
                if more > 0 {
                    format!(" ({more} more parties escalate to each other with it)")
                } else {
                    String::new()
                }
            ),
        )
        .label("no hop of the cycle stops once the incident is in hand");
        for &h in &cycle {
            d = d.step(
                hop_span(m, h),
                format!("{} in `{}`", hop_words(cx, h), cx.name(m[h.escalation].id)),
            );
        }
        out.push(d.help(
            "gate a hop of the cycle with `when not acknowledged after D` or `when not under_control after D`, so that the cycle stops once someone has taken the incident; to try the same parties again, use `repeat`",
        ));
    }
}

/// IMP1805: a `repeat` with no interval between its tries (`every`). A repeat whose tries
/// outlast the targets it serves is not a finding: a retry after a missed target still
/// reaches someone.
fn repeats(cx: &Context, out: &mut Vec<Diagnostic>) {
    for esc in &cx.model.escalations {
        let Some(r) = &esc.repeat else { continue };
        if r.value.every.is_some() {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::UnboundedRepeat,
                r.value.span,
                format!(
                    "`repeat {}` of `{}` gives no interval between its tries",
                    r.value.times.value,
                    cx.name(esc.id)
                ),
            )
            .label("no `every`")
            .help(format!(
                "write `repeat {} every 15m` (the wait before each new try): without it, nobody can tell when the path is tried again, nor when it has given up",
                r.value.times.value
            )),
        );
    }
}

/// IMP1806: every escalation path ends at an authority. The ends of a path are the parties
/// its hops lead to and no hop of it leads on from. An end is an authority when it is an
/// outside party, a role with `authority` (or `authority tbd`), or the decider of a level, or
/// stands for one: a holder of such a role, a team led by one, a role held by one alone.
fn ends(cx: &Context, g: &Graph, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    // Which parties are authorities: the base ones, then back along the standing links.
    let mut ok = vec![false; g.len()];
    let mut queue: Vec<NodeIndex<u32>> = Vec::new();
    let mark = |n: NodeIndex<u32>, ok: &mut Vec<bool>, queue: &mut Vec<NodeIndex<u32>>| {
        if !ok[n.index()] {
            ok[n.index()] = true;
            queue.push(n);
        }
    };
    for n in g.graph.node_indices() {
        let base = match g.loc(n) {
            Loc::External(_) => true,
            Loc::Role(r) => m[r].authority.is_some() || cx.is_open(m[r].id, "authority"),
            _ => false,
        };
        if base {
            mark(n, &mut ok, &mut queue);
        }
    }
    for (_, level) in levels(m) {
        if let Some(who) = level.decided_by.as_ref().and_then(|d| d.value.target)
            && let Some(n) = g.node(who.loc())
        {
            mark(n, &mut ok, &mut queue);
        }
    }
    while let Some(v) = queue.pop() {
        for e in g.graph.edges_directed(v, Direction::Incoming) {
            if matches!(
                e.weight(),
                Via::Holds | Via::Lead | Via::HeldBy { any: false }
            ) {
                mark(e.source(), &mut ok, &mut queue);
            }
        }
    }
    for (ei, esc) in m.escalations.iter().enumerate() {
        if esc
            .hops
            .iter()
            .any(|h| h.from.target.is_none() || h.to.target.is_none())
        {
            continue;
        }
        let party = |r: &crate::model::Ref<crate::model::Responder>| {
            r.target.map(crate::reach::graph::responder)
        };
        let froms: crate::model::Set<Loc> =
            esc.hops.iter().filter_map(|h| party(&h.from)).collect();
        // The first hop into each party, for the chains walked back.
        let mut into: Map<Loc, usize> = Map::default();
        for (k, h) in esc.hops.iter().enumerate() {
            if let Some(to) = party(&h.to) {
                into.entry(to).or_insert(k);
            }
        }
        let mut done = crate::model::Set::default();
        for (k, hop) in esc.hops.iter().enumerate() {
            let Some(to) = party(&hop.to) else { continue };
            if froms.contains(&to) || !done.insert(to) {
                continue;
            }
            let Some(n) = g.node(to) else { continue };
            if ok[n.index()] {
                continue;
            }
            // The chain of hops that leads to it, walked back, each party once.
            let mut chain = vec![k];
            let mut seen = crate::model::Set::from_iter([to]);
            let mut at = party(&hop.from);
            while let Some(p) = at {
                // The last hops of a longer chain: the evidence stays bounded, and so does
                // the work, however many ends hang off one long chain.
                if chain.len() >= SHOWN_HOPS || !seen.insert(p) {
                    break;
                }
                let Some(&j) = into.get(&p) else {
                    break;
                };
                chain.push(j);
                at = party(&esc.hops[j].from);
            }
            chain.reverse();
            let mut d = Diagnostic::new(
                Code::PathEndsWithoutAuthority,
                hop.to.span,
                format!(
                    "escalation `{}` ends at `{}`, which has no authority to decide",
                    cx.name(esc.id),
                    cx.text(hop.to.span)
                ),
            )
            .label("the path goes no further");
            for j in chain {
                let h = HopId {
                    escalation: crate::model::EscalationId(ei as u32),
                    index: j as u32,
                };
                d = d.step(hop_span(m, h), hop_words(cx, h));
            }
            out.push(d.help(format!(
                "escalate on from `{}` to a role with `authority`, the decider of a level or an outside party, or give it the `authority` it needs",
                cx.text(hop.to.span)
            )));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use crate::diagnostics::Code;

    const BASE: &str = "scale severity \"S\" {\n  level sev1 \"A\" { acknowledge within 15m; decided_by ciso }\n  level sev2 \"B\" { acknowledge within 4h; decided_by ciso }\n}\n\
        point_of_contact desk \"Desk\" {}\nchannel portal \"Portal\" { lands_at desk }\n\
        role isirt \"ISIRT\" {}\nrole ciso \"CISO\" { authority [declare_incident] }\n";

    fn check(code: Code, extra: &str) -> Vec<String> {
        findings(code, &format!("{BASE}{extra}"))
    }

    /// The diagnostics of one code, with their labels.
    fn diags(code: Code, extra: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
        let text = format!("{BASE}{extra}");
        let config = super::super::Config {
            as_of: jiff::civil::date(2026, 12, 1),
            ..super::super::Config::default()
        };
        let a = crate::check::check_sources(
            &[("test.imp", text.as_str())],
            crate::check::Options {
                jobs: 1,
                checks: Some(config),
                only: vec![code],
                ..crate::check::Options::default()
            },
        );
        a.diagnostics
            .iter()
            .filter(|d| d.code == code)
            .map(|d| {
                let show = |l: &crate::diagnostics::Label| {
                    format!("{}: {}", a.sources.slice(l.span), l.message)
                };
                (
                    d.message.clone(),
                    d.secondary.iter().map(show).collect(),
                    d.flow.iter().map(show).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn a_slow_path_to_the_decider_is_shown_hop_by_hop() {
        let slow = "escalation e \"E\" {\n  hop desk -> isirt within 30m\n  hop isirt -> ciso within 15m\n}\n";
        assert_eq!(
            check(Code::EscalationTooSlow, slow),
            ["2: `sev1` reaches `ciso` after 45m in the worst case, target 15m"]
        );
        let d = diags(Code::EscalationTooSlow, slow);
        assert_eq!(d[0].1, ["within 15m: acknowledge target 15m"]);
        assert_eq!(
            d[0].2,
            [
                "desk -> isirt: `isirt` after 30m",
                "isirt -> ciso: `ciso` after 45m"
            ]
        );
        let fast =
            "escalation e \"E\" {\n  hop desk -> isirt at 5m\n  hop isirt -> ciso at 15m\n}\n";
        assert!(check(Code::EscalationTooSlow, fast).is_empty());
        // A rota's answer counts.
        let rota = "schedule r \"R\" { respond within 20m }\nescalation e \"E\" {\n  hop desk -> r immediately\n  hop r -> ciso immediately\n}\n";
        assert_eq!(
            check(Code::EscalationTooSlow, rota),
            ["2: `sev1` reaches `ciso` after 20m in the worst case, target 15m"]
        );
    }

    #[test]
    fn a_hop_for_want_of_acknowledgement_inside_the_target_overlaps() {
        let early = "escalation e \"E\" {\n  hop desk -> isirt within 5m\n  hop isirt -> ciso within 5m when severity >= sev1 or not acknowledged after 1h\n}\n";
        let found = check(Code::LadderOverlap, early);
        assert_eq!(
            found,
            [
                "11: hop `isirt` -> `ciso` escalates `sev2` after 1h for want of acknowledgement, before its acknowledge target of 4h is up"
            ]
        );
        let d = diags(Code::LadderOverlap, early);
        assert_eq!(d[0].1, ["within 4h: `sev2` has 4h to acknowledge"]);
        assert_eq!(
            d[0].2,
            [
                "desk -> isirt: `isirt` reached after 5m",
                "isirt -> ciso: `ciso` after 1h"
            ]
        );
        let aligned = early.replace("after 1h", "after 4h");
        assert!(check(Code::LadderOverlap, &aligned).is_empty());
    }

    #[test]
    fn an_at_no_later_than_the_hop_before_overlaps() {
        let text =
            "escalation e \"E\" {\n  hop desk -> isirt at 15m\n  hop isirt -> ciso at 10m\n}\n";
        assert_eq!(
            check(Code::LadderOverlap, text),
            ["11: hop `isirt` -> `ciso` `at 10m` fires no later than the hop before it, at 15m"]
        );
        let d = diags(Code::LadderOverlap, text);
        assert_eq!(
            d[0].2,
            [
                "desk -> isirt: `isirt` at 15m",
                "isirt -> ciso: `ciso` at 10m: no later"
            ]
        );
        let text = text.replace("at 10m", "at 20m");
        assert!(check(Code::LadderOverlap, &text).is_empty());
    }

    const OBLIGATION: &str = "calendar office \"Office\" { timezone \"Europe/London\"; hours mon-fri 09:00-17:30; holiday 2026-12-25; holiday 2026-12-28 }\n\
        escalation e \"E\" {\n  hop desk -> isirt within 1h\n  hop isirt -> ciso within 2h\n}\n\
        obligation duty \"Duty\" {\n  clock_starts awareness\n  deadline notice DEADLINE\n  to ciso\n  owner ciso\n}\n\
        procedure p \"P\" {\n  notify tell \"Tell\" { owner ciso; to [ciso]; obligation duty; within STEP }\n}\n";

    fn obligation(deadline: &str, step: &str) -> String {
        OBLIGATION
            .replace("DEADLINE", deadline)
            .replace("STEP", step)
    }

    #[test]
    fn a_deadline_the_path_and_the_step_cannot_fit_is_found() {
        assert_eq!(
            check(Code::DeadlineUnmeetable, &obligation("24h", "22h")),
            [
                "16: deadline `notice` of `duty` cannot be met: `ciso` is reached after 3h and `tell` takes 22h, 25h in the worst case, deadline 24h"
            ]
        );
        let d = diags(Code::DeadlineUnmeetable, &obligation("24h", "22h"));
        assert_eq!(
            d[0].2,
            [
                "desk -> isirt: `isirt` after 1h (`sev1`)",
                "isirt -> ciso: `ciso` after 3h (`sev1`)",
                "tell: `tell` takes 22h"
            ]
        );
        assert!(check(Code::DeadlineUnmeetable, &obligation("24h", "20h")).is_empty());
    }

    #[test]
    fn business_days_count_on_the_calendar_at_the_worst_start() {
        // 1 business day can be 17h30 (from late on a day to the next day's close).
        let found = check(Code::DeadlineUnmeetable, &obligation("1bd@office", "15h"));
        assert_eq!(
            found,
            [
                "16: deadline `notice` of `duty` cannot be met: `ciso` is reached after 3h and `tell` takes 15h, 18h in the worst case, deadline 1bd@office (as short as 17h 30m)"
            ]
        );
        let d = diags(Code::DeadlineUnmeetable, &obligation("1bd@office", "15h"));
        assert_eq!(
            d[0].1,
            ["1bd@office: 1bd@office can be as short as 17h 30m (from late on 2026-12-01)"]
        );
        assert!(check(Code::DeadlineUnmeetable, &obligation("1bd@office", "14h")).is_empty());
        // A clock after the report: only the step counts.
        let later = obligation("24h", "22h")
            .replace("clock_starts awareness", "clock_starts classification");
        assert!(check(Code::DeadlineUnmeetable, &later).is_empty());
    }

    #[test]
    fn a_cycle_without_a_bound_is_shown_in_order() {
        let text = "role lead \"Lead\" {}\nescalation e \"E\" {\n  hop desk -> isirt within 5m\n  hop isirt -> lead within 5m\n  hop lead -> isirt within 5m\n}\n";
        assert_eq!(
            check(Code::EscalationCycle, text),
            ["12: escalation cycle `isirt` -> `lead` -> `isirt` has no bound"]
        );
        let d = diags(Code::EscalationCycle, text);
        assert_eq!(
            d[0].2,
            [
                "isirt -> lead: `isirt` -> `lead` in `e`",
                "lead -> isirt: `lead` -> `isirt` in `e`"
            ]
        );
        let bounded = text.replace(
            "hop lead -> isirt within 5m",
            "hop lead -> isirt within 5m when not acknowledged after 30m",
        );
        assert!(check(Code::EscalationCycle, &bounded).is_empty());
        // `or` with a term that needs no timer does not stop it.
        let open = text.replace(
            "hop lead -> isirt within 5m",
            "hop lead -> isirt within 5m when severity >= sev1 or not acknowledged after 30m",
        );
        assert_eq!(check(Code::EscalationCycle, &open).len(), 1);
    }

    #[test]
    fn a_repeat_needs_an_interval() {
        let text = "escalation e \"E\" {\n  hop desk -> ciso within 5m\n  repeat 2\n}\n";
        assert_eq!(
            check(Code::UnboundedRepeat, text),
            ["11: `repeat 2` of `e` gives no interval between its tries"]
        );
        let text = text.replace("repeat 2", "repeat 2 every 10m");
        assert!(check(Code::UnboundedRepeat, &text).is_empty());
    }

    #[test]
    fn a_path_ends_at_an_authority() {
        let text = "escalation e \"E\" {\n  hop desk -> isirt within 5m\n}\n";
        assert_eq!(
            check(Code::PathEndsWithoutAuthority, text),
            ["10: escalation `e` ends at `isirt`, which has no authority to decide"]
        );
        let d = diags(Code::PathEndsWithoutAuthority, text);
        assert_eq!(d[0].2, ["desk -> isirt: `desk` -> `isirt`"]);
        // A decider, a role with authority, an outside party, a team led by one.
        for end in ["ciso", "police"] {
            let t = format!(
                "external police \"Police\" {{ kind law_enforcement }}\nescalation e \"E\" {{\n  hop desk -> isirt within 5m\n  hop isirt -> {end} within 5m\n}}\n"
            );
            assert!(
                check(Code::PathEndsWithoutAuthority, &t).is_empty(),
                "{end}"
            );
        }
        let team = "team crisis \"Crisis\" { lead ciso }\nescalation e \"E\" {\n  hop desk -> crisis within 5m\n}\n";
        assert!(check(Code::PathEndsWithoutAuthority, team).is_empty());
    }

    #[test]
    fn length_words() {
        assert_eq!(super::show_length(90 * 60), "90m");
        assert_eq!(
            super::show_length(26 * 86_400 + 17 * 3600 + 1800),
            "26d 17h 30m"
        );
        assert_eq!(super::show_length(45), "45s");
    }

    #[test]
    fn a_long_chain_to_an_end_shows_its_last_hops() {
        let mut extra = String::new();
        for k in 0..40 {
            extra.push_str(&format!("role r{k} \"R{k}\" {{}}\n"));
        }
        extra.push_str("escalation long \"Long\" {\n  hop desk -> r0 within 1m\n");
        for k in 0..39 {
            extra.push_str(&format!("  hop r{k} -> r{} within 1m\n", k + 1));
        }
        extra.push_str("}\n");
        let d = diags(Code::PathEndsWithoutAuthority, &extra);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].2.len(), 32, "{:?}", d[0].2);
        assert!(d[0].2[31].starts_with("r38 -> r39"), "{:?}", d[0].2[31]);
        assert!(d[0].2[0].starts_with("r7 -> r8"), "{:?}", d[0].2[0]);
    }
}
