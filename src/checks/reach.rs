//! Reachability and single points of failure (IMP17xx): every report of an event reaches a
//! point of contact, the point of contact the ISIRT, the ISIRT an authority to decide, every
//! level its decider and those it must notify, a crisis level the crisis team, every
//! obligation its owner; and no one absence cuts those paths or an approval quorum.
//!
//! A report travels as [`crate::reach::ladder`] defines: along the hops that certainly apply
//! to the incident, and along the standing links that say who a party is (a channel lands at a
//! desk, a desk is staffed, a role is held, a team has a lead, members and a rota, a rota its
//! people), but not to a role's backups: they are called when the holder does not answer, and
//! count as alternatives (a role with a backup is never a single point of failure), not as
//! where a report goes. A team is reached when the team, its lead or its on-call rota is.
//!
//! Every finding carries the path as evidence, a step at each hop with the time the party is
//! reached: for a party not reached, the path to where the report stops. The cost is a climb
//! per reporting channel that lands at an outside party, per point of contact, per ISIRT, per
//! level and per distinct trigger of an obligation, under one [`Budget`] of 64 climbs of the
//! whole graph: when it is spent, nothing more is reported.

use petgraph::algo::dominators::simple_fast;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use super::Context;
use super::time::show_seconds;
use crate::diagnostics::{Code, Diagnostic, backticked};
use crate::index::Scope;
use crate::model::{
    CategoryId, ConditionKind, DeclId, Destination, Holder, LevelId, Loc, Map, Model, PersonId,
    Quorum, RefTarget, RoleHolder, RoleId, Set, When,
};
use crate::reach::ladder::fires;
use crate::reach::{Budget, Graph, Incident, Ladder, Scratch, Time, Via, climb_in, report_starts};
use crate::source::Span;

type N = NodeIndex<u32>;

pub(super) fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    let g = Graph::new(m);
    let mut w = Walk {
        cx,
        budget: Budget::of(&g, 64),
        g,
        spent: false,
        scratch: Scratch::default(),
    };
    if !(m.points_of_contact.is_empty() && m.channels.is_empty()) {
        let top = top_incident(m);
        channels(&mut w, &top, out);
        points_of_contact(&mut w, &top, out);
        isirt_authority(&mut w, &top, out);
        // A scheme that writes no escalation path says nothing of how a report travels past
        // the point of contact: what its levels and obligations reach is not judged.
        if !m.escalations.is_empty() {
            levels(&mut w, out);
            obligations(&mut w, out);
        }
    }
    quorums(&mut w, out);
}

/// The standing links a report follows: all but a role's backups.
fn follows(v: Via) -> bool {
    !matches!(v, Via::Backup(_))
}

struct Walk<'a, 'c> {
    cx: &'c Context<'a>,
    g: Graph,
    budget: Budget,
    spent: bool,
    /// The working memory of the climbs, kept between them.
    scratch: Scratch,
}

impl Walk<'_, '_> {
    fn climb(&mut self, incident: &Incident, starts: &[N]) -> Option<Ladder> {
        if self.spent {
            return None;
        }
        let l = climb_in(
            &mut self.scratch,
            self.cx.model,
            &self.g,
            incident,
            starts,
            follows,
            &mut self.budget,
        );
        self.spent = l.is_none();
        l
    }

    /// Charges `n` units of work; false once the budget is spent.
    fn charge(&mut self, n: usize) -> bool {
        match self.budget.left.checked_sub(n as u64) {
            Some(left) if !self.spent => {
                self.budget.left = left;
                true
            }
            _ => {
                self.spent = true;
                false
            }
        }
    }

    fn node(&self, loc: Loc) -> Option<N> {
        self.g.node(loc)
    }

    /// The nodes a party is reached at ([`crate::reach::graph::engaged`]). Sorted, see
    /// [`sorted`].
    fn engaged(&self, loc: Loc) -> Vec<N> {
        crate::reach::graph::engaged(self.cx.model, &self.g, loc)
    }

    fn name(&self, n: N) -> &str {
        decl(self.cx.model, self.g.loc(n)).map_or("?", |d| self.cx.name(d))
    }

    fn head(&self, n: N) -> Span {
        decl(self.cx.model, self.g.loc(n)).map_or(Span::at(0), |d| self.cx.head(d))
    }

    /// The first of `targets` (sorted, see [`sorted`]) a ladder reaches, the earliest; the
    /// smaller of the two is walked, the larger searched.
    fn first_reached(&self, l: &Ladder, targets: &[N]) -> Option<N> {
        debug_assert!(targets.is_sorted());
        if targets.len() <= l.len() {
            targets
                .iter()
                .filter_map(|&t| l.reach(t).map(|r| (r.at, t)))
                .min()
        } else {
            l.reached()
                .filter(|(n, _)| targets.binary_search(n).is_ok())
                .map(|(n, r)| (r.at, n))
                .min()
        }
        .map(|(_, t)| t)
    }

    /// The path to `to` as evidence: a step for where it starts and one for each link.
    fn steps(&self, l: &Ladder, to: N, mut d: Diagnostic) -> Diagnostic {
        let path = l.path(&self.g, to);
        let start = path.first().map_or(to, |&e| self.g.edge(e).0);
        d = d.step(
            self.head(start),
            format!("`{}` at {}", self.name(start), when(l, start)),
        );
        for e in path {
            let (a, b, via) = self.g.edge(e);
            let (span, what) = self.link(a, b, via);
            d = d.step(span, format!("{what} `{}` at {}", self.name(b), when(l, b)));
        }
        d
    }

    /// Where the report stops: the party reached last, with the longest path among those.
    fn dead_end(&self, l: &Ladder) -> Option<N> {
        let latest = l.reached().map(|(_, r)| r.at).max()?;
        l.reached()
            .filter(|(_, r)| r.at == latest)
            .take(64)
            .map(|(n, _)| (std::cmp::Reverse(l.path(&self.g, n).len()), n))
            .min()
            .map(|(_, n)| n)
    }

    /// The evidence for a party not reached: the path to where the report stops.
    fn stops(&self, l: &Ladder, d: Diagnostic) -> Diagnostic {
        match self.dead_end(l) {
            Some(n) => self.steps(l, n, d),
            None => d,
        }
    }

    /// Where a link is written, and how it reads in a step.
    fn link(&self, a: N, b: N, via: Via) -> (Span, &'static str) {
        link(self.cx, &self.g, a, b, via)
    }
}

/// Where a link of the party graph is written, and how it reads in a step.
pub(super) fn link(cx: &Context, g: &Graph, a: N, b: N, via: Via) -> (Span, &'static str) {
    let m = cx.model;
    let (la, lb) = (g.loc(a), g.loc(b));
    let item = |items: &mut dyn Iterator<Item = (Option<Loc>, Span)>| {
        for (t, s) in items {
            if t == Some(lb) {
                return Some(s);
            }
        }
        None
    };
    let found = match (via, la) {
        (Via::Hop(h), _) => return (m[h].span, "hop to"),
        (Via::LandsAt, Loc::Channel(c)) => {
            m[c].lands_at.as_ref().map(|p| (p.value.span, "lands at"))
        }
        (Via::Staff, Loc::PointOfContact(p)) => {
            m[p].held_by.as_ref().map(|h| (h.value.span, "staffed by"))
        }
        (Via::OutOfHours, Loc::PointOfContact(p)) => m[p]
            .out_of_hours
            .as_ref()
            .map(|h| (h.value.span, "out of hours")),
        (Via::HeldBy { .. }, Loc::Role(r)) => m[r].held_by.as_ref().and_then(|h| {
            item(
                &mut h
                    .value
                    .of
                    .items
                    .iter()
                    .map(|x| (x.target.map(|t| t.loc()), x.span)),
            )
            .map(|s| (s, "held by"))
        }),
        (Via::Holds, _) => match lb {
            Loc::Role(r) => m[r].held_by.as_ref().and_then(|h| {
                h.value
                    .of
                    .items
                    .iter()
                    .find(|x| x.target.map(|t| t.loc()) == Some(la))
                    .map(|x| (x.span, "who holds"))
            }),
            _ => None,
        },
        (Via::Backup(_), Loc::Role(r)) => m[r].backup.as_ref().and_then(|b| {
            item(
                &mut b
                    .value
                    .items
                    .iter()
                    .map(|x| (x.target.map(|t| t.loc()), x.span)),
            )
            .map(|s| (s, "backup"))
        }),
        (Via::Lead, Loc::Team(t)) => m[t].lead.as_ref().map(|l| (l.value.span, "lead")),
        (Via::Member, Loc::Team(t)) => m[t].members.as_ref().and_then(|ms| {
            item(
                &mut ms
                    .value
                    .items
                    .iter()
                    .map(|x| (x.target.map(|t| t.loc()), x.span)),
            )
            .map(|s| (s, "member"))
        }),
        (Via::OnCall, Loc::Team(t)) => m[t].on_call.as_ref().map(|s| (s.value.span, "on call")),
        (Via::Rota, Loc::Schedule(s)) => m[s].rotate.as_ref().and_then(|r| {
            item(
                &mut r
                    .value
                    .people
                    .items
                    .iter()
                    .map(|x| (x.target.map(Loc::Person), x.span)),
            )
            .map(|s| (s, "on the rota"))
        }),
        (Via::Region, Loc::Schedule(s)) => m[s].follow_the_sun.as_ref().and_then(|f| {
            item(
                &mut f
                    .value
                    .items
                    .iter()
                    .map(|x| (x.target.map(Loc::Region), x.span)),
            )
            .map(|s| (s, "region"))
        }),
        (Via::RegionRota, Loc::Region(r)) => m
            .regions
            .get(r.0 as usize)
            .and_then(|r| r.on_call.as_ref())
            .map(|s| (s.value.span, "on call")),
        _ => None,
    };
    found.unwrap_or((decl(m, lb).map_or(Span::at(0), |d| cx.head(d)), "then"))
}

/// Nodes sorted and each once: a set of targets that [`Walk::first_reached`] and [`spofs`]
/// search in `O(log n)`, whatever its size.
fn sorted(mut v: Vec<N>) -> Vec<N> {
    v.sort_unstable();
    v.dedup();
    v
}

/// When a party is reached, for a step: `15m`, `0m`.
pub(super) fn when(l: &Ladder, n: N) -> String {
    match l.reach(n).map(|r| r.at) {
        Some(Time::At(0)) => "0m".to_string(),
        Some(Time::At(s)) => show_seconds(s),
        Some(Time::Untimed) | None => "a time not stated".to_string(),
    }
}

/// The declaration of a party of the graph.
pub(super) fn decl(m: &Model, loc: Loc) -> Option<DeclId> {
    Some(match loc {
        Loc::Person(x) => m.people.get(x.0 as usize)?.id,
        Loc::Role(x) => m.roles.get(x.0 as usize)?.id,
        Loc::Team(x) => m.teams.get(x.0 as usize)?.id,
        Loc::Schedule(x) => m.schedules.get(x.0 as usize)?.id,
        Loc::Region(x) => m.regions.get(x.0 as usize)?.id,
        Loc::PointOfContact(x) => m.points_of_contact.get(x.0 as usize)?.id,
        Loc::External(x) => m.externals.get(x.0 as usize)?.id,
        Loc::Channel(x) => m.channels.get(x.0 as usize)?.id,
        _ => return None,
    })
}

/// The scales, the default one first.
fn scales(m: &Model) -> impl Iterator<Item = (u32, &crate::model::Scale)> {
    let first = m
        .scales
        .iter()
        .position(|s| s.default.is_some())
        .unwrap_or(0);
    let rest = (0..m.scales.len()).filter(move |&i| i != first);
    std::iter::once(first)
        .filter(|&i| i < m.scales.len())
        .chain(rest)
        .map(|i| (i as u32, &m.scales[i]))
}

/// The incident the checks of the report's first steps are made for: one of the most severe
/// level of the default scale (of the first, when none is marked `default`).
fn top_incident(m: &Model) -> Incident {
    match scales(m).next() {
        Some((s, scale)) if !scale.levels.is_empty() => Incident::of_level(LevelId {
            scale: crate::model::ScaleId(s),
            index: 0,
        }),
        _ => Incident::default(),
    }
}

/// The level of an incident, in words: "a `sev1` incident".
fn words(cx: &Context, i: &Incident) -> String {
    let mut w = String::from("an incident");
    if let Some(l) = i.level {
        w = format!("a `{}` incident", cx.name(cx.model[l].id));
    }
    if let Some(c) = i.category {
        w = format!("{w} of `{}`", cx.name(cx.model.categories[c.0 as usize].id));
    }
    w
}

/// A party named in `imp.yaml` to fill a function, if it is one the graph has.
fn named(w: &Walk, key: &str) -> Option<N> {
    let m = w.cx.config.mandatory.iter().find(|m| m.key == key)?;
    let id =
        w.cx.index
            .lookup(w.cx.sources, Scope::Top, m.name.as_deref()?)?;
    w.node(w.cx.index.def(id).loc)
}

/// The ISIRT: the teams by the rule of [`super::Function::IsirtLead`], and the party
/// `imp.yaml` names as its lead; each with the nodes it is reached at.
fn isirts(w: &Walk) -> Vec<(N, Vec<N>)> {
    let mut out: Vec<(N, Vec<N>)> =
        w.cx.isirt_teams()
            .filter_map(|(t, _)| Some((w.node(Loc::Team(t))?, w.engaged(Loc::Team(t)))))
            .collect();
    if let Some(n) = named(w, "isirt_lead") {
        out.push((n, w.engaged(w.g.loc(n))));
    }
    out
}

/// IMP1701: a reporting channel that lands nowhere a point of contact can be reached from.
fn channels(w: &mut Walk, top: &Incident, out: &mut Vec<Diagnostic>) {
    let cx = w.cx;
    for (i, c) in cx.model.channels.iter().enumerate() {
        if !crate::reach::for_reporting(c) {
            continue;
        }
        let Some(l) = &c.lands_at else { continue };
        let Some(Destination::External(x)) = l.value.target else {
            continue;
        };
        let Some(start) = w.node(Loc::Channel(crate::model::ChannelId(i as u32))) else {
            continue;
        };
        let Some(ladder) = w.climb(top, &[start]) else {
            return;
        };
        let poc = ladder
            .reached()
            .any(|(n, _)| matches!(w.g.loc(n), Loc::PointOfContact(_)));
        if poc {
            continue;
        }
        let d = cx
            .at(
                Code::ChannelUnreached,
                c.id,
                format!(
                    "channel `{}` lands at `{}`, which leads to no point of contact",
                    cx.name(c.id),
                    cx.name(cx.model.externals[x.0 as usize].id)
                ),
            )
            .label("reports sent here reach no point of contact")
            .help("land the channel at a `point_of_contact`, or add a hop from the outside party to one (`hop managed_soc -> service_desk within 15m`)");
        out.push(w.stops(&ladder, d));
    }
}

/// IMP1702 and IMP1707 for points of contact: each reaches the ISIRT, for an incident of the
/// most severe level, and no one absence cuts it off.
fn points_of_contact(w: &mut Walk, top: &Incident, out: &mut Vec<Diagnostic>) {
    let cx = w.cx;
    let isirt = isirts(w);
    let Some((team, _)) = isirt.first() else {
        return;
    };
    let team = *team;
    let targets = sorted(isirt.iter().flat_map(|(_, t)| t.iter().copied()).collect());
    for (i, p) in cx.model.points_of_contact.iter().enumerate() {
        let Some(start) = w.node(Loc::PointOfContact(crate::model::PocId(i as u32))) else {
            continue;
        };
        if targets.binary_search(&start).is_ok() {
            continue;
        }
        let Some(ladder) = w.climb(top, &[start]) else {
            return;
        };
        let Some(reached) = w.first_reached(&ladder, &targets) else {
            let d = cx
                .at(
                    Code::IsirtUnreached,
                    p.id,
                    format!(
                        "point of contact `{}` has no path to the ISIRT `{}` for {}",
                        cx.name(p.id),
                        w.name(team),
                        words(cx, top)
                    ),
                )
                .label("reports stop here")
                .with_secondary(w.head(team), "the ISIRT, not reached")
                .help("add a hop from the point of contact to the ISIRT or its on-call rota (`hop service_desk -> isirt_rota within 15m`), or have the ISIRT rota take reports `out_of_hours`");
            out.push(w.stops(&ladder, d));
            continue;
        };
        let cuts = spofs(w, top, &ladder, &[start], &targets);
        for (k, &cut) in cuts.iter().take(SPOFS_SHOWN).enumerate() {
            let d = cx
                .at(
                    Code::SinglePointOfFailure,
                    p.id,
                    format!(
                        "the absence of {} cuts point of contact `{}` off from the ISIRT `{}`",
                        absent(w, cut),
                        cx.name(p.id),
                        w.name(team)
                    ),
                )
                .label("cut off by one absence")
                .with_secondary(w.head(cut), "single point of failure")
                .help(spof_help(k, cuts.len()));
            out.push(w.steps(&ladder, reached, d));
        }
    }
}

const SPOF_HELP: &str = "give the path an alternative that does not pass through this party: a `backup` for the role, `any [..]` holders, an on-call rota, or a second hop";

/// `` `daniel` ``, or `` `ir_lead` (held by `daniel` alone, with no backup) ``.
fn absent(w: &Walk, n: N) -> String {
    match w.g.loc(n) {
        Loc::Role(r) => match single_holder(w.cx, r) {
            Some(p) => format!(
                "`{}` (held by `{}` alone, with no backup)",
                w.name(n),
                w.cx.name(w.cx.model.people[p.0 as usize].id)
            ),
            None => format!("`{}`", w.name(n)),
        },
        _ => format!("`{}`", w.name(n)),
    }
}

/// The single points of failure reported on one path, the first in the order of travel: each
/// finding carries the path, so a chain of a thousand lone people is told of its first few,
/// and the last says how many more there are (the work stays linear in the path).
const SPOFS_SHOWN: usize = 8;

/// How deep a chain of roles held by roles is followed to the one person it comes down to.
const HOLDER_CHAIN: usize = 64;

/// The help of the `k`th single point of failure shown of `all` on one path.
fn spof_help(k: usize, all: usize) -> String {
    if k + 1 == SPOFS_SHOWN && all > SPOFS_SHOWN {
        format!(
            "{SPOF_HELP}; {} more single points of failure on this path are not shown",
            all - SPOFS_SHOWN
        )
    } else {
        SPOF_HELP.to_string()
    }
}

/// The one person a role comes down to: held by one holder, not `any`, with no backup,
/// down a chain of roles held by roles, at most [`HOLDER_CHAIN`] deep (deeper, it is not
/// taken as one person: the work per role stays bounded).
fn single_holder(cx: &Context, r: RoleId) -> Option<PersonId> {
    let m = cx.model;
    let mut at = r;
    for _ in 0..HOLDER_CHAIN {
        let role = m.roles.get(at.0 as usize)?;
        let backed = role
            .backup
            .as_ref()
            .is_some_and(|b| !b.value.items.is_empty());
        if backed || cx.is_open(role.id, "backup") || cx.is_open(role.id, "held_by") {
            return None;
        }
        let h = role.held_by.as_ref()?;
        if h.value.any.is_some() || h.value.of.items.len() != 1 {
            return None;
        }
        match h.value.of.items[0].target? {
            RoleHolder::Person(p) => return Some(p),
            RoleHolder::Role(next) => at = next,
            _ => return None,
        }
    }
    None
}

/// The parties whose absence alone cuts every path of a ladder from `starts` to all of
/// `targets`, in the order of travel: people, and roles that come down to one person. The
/// dominators of a sink behind the targets, in the graph of the links the ladder follows
/// (`simple_fast`, iterative). `targets` is sorted ([`sorted`]); the work is that of the
/// ladder, not of the whole graph.
fn spofs(w: &mut Walk, incident: &Incident, l: &Ladder, starts: &[N], targets: &[N]) -> Vec<N> {
    debug_assert!(targets.is_sorted());
    let m = w.cx.model;
    let reached: Vec<(N, crate::reach::Reach)> = l.reached().collect();
    if !w.charge(reached.len()) {
        return Vec::new();
    }
    // The local graph: the root, the sink, then the parties reached in the ladder's order,
    // so that a party's node is its rank in the ladder (no map of the whole graph).
    let mut dg: DiGraph<(), (), u32> = DiGraph::with_capacity(reached.len() + 2, 0);
    let root = dg.add_node(());
    let sink = dg.add_node(());
    let mut back: Vec<N> = Vec::with_capacity(reached.len());
    for &(n, _) in &reached {
        dg.add_node(());
        back.push(n);
    }
    let local = |n: N| l.rank(n).map(|k| NodeIndex::<u32>::new(k + 2));
    let at = |n: N| local(n).unwrap_or(NodeIndex::new(0));
    let mut work = 0usize;
    let mut edges = Vec::new();
    for &(u, r) in &reached {
        for e in w.g.graph.edges(u) {
            work += 1;
            let v = e.target();
            if local(v).is_none() {
                continue;
            }
            let ok = match *e.weight() {
                Via::Hop(h) => fires(m, incident, h, r.at).is_some(),
                via => follows(via),
            };
            if ok {
                edges.push((at(u), at(v)));
            }
        }
    }
    if !w.charge(work) {
        return Vec::new();
    }
    for (a, b) in edges {
        dg.add_edge(a, b, ());
    }
    for &s in starts {
        if let Some(s) = local(s) {
            dg.add_edge(root, s, ());
        }
    }
    // Into the sink from each target reached (the smaller of the two walked; the dominators
    // do not depend on the order of the edges).
    if targets.len() <= reached.len() {
        for &t in targets {
            if let Some(t) = local(t) {
                dg.add_edge(t, sink, ());
            }
        }
    } else {
        for &(n, _) in &reached {
            if targets.binary_search(&n).is_ok() {
                dg.add_edge(at(n), sink, ());
            }
        }
    }
    let doms = simple_fast(&dg, root);
    let starts_sorted = sorted(starts.to_vec());
    let Some(chain) = doms.strict_dominators(sink) else {
        return Vec::new();
    };
    let mut cut: Vec<N> = chain
        .filter(|&d| d != root && d != sink)
        .map(|d| back[d.index() - 2])
        .filter(|n| starts_sorted.binary_search(n).is_err() && targets.binary_search(n).is_err())
        .filter(|&n| match w.g.loc(n) {
            Loc::Person(_) => true,
            Loc::Role(r) => single_holder(w.cx, r).is_some(),
            _ => false,
        })
        .collect();
    cut.reverse();
    cut
}

/// IMP1703: the ISIRT reaches a role with the authority to decide.
fn isirt_authority(w: &mut Walk, top: &Incident, out: &mut Vec<Diagnostic>) {
    let cx = w.cx;
    let m = cx.model;
    let mut authority: Vec<N> = m
        .roles
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.authority
                .as_ref()
                .is_some_and(|a| !a.value.items.is_empty())
                || cx.is_open(r.id, "authority")
        })
        .filter_map(|(i, _)| w.node(Loc::Role(RoleId(i as u32))))
        .collect();
    for l in m.scales.iter().flat_map(|s| &s.levels) {
        if let Some(d) = l.decided_by.as_ref().and_then(|d| d.value.target) {
            authority.extend(w.engaged(d.loc()));
        }
    }
    if authority.is_empty() {
        return;
    }
    let authority = sorted(authority);
    for (team, _) in isirts(w) {
        if authority.binary_search(&team).is_ok() {
            continue;
        }
        let Some(ladder) = w.climb(top, &[team]) else {
            return;
        };
        if w.first_reached(&ladder, &authority).is_some() {
            continue;
        }
        let Some(id) = decl(m, w.g.loc(team)) else {
            continue;
        };
        let d = cx
            .at(
                Code::AuthorityUnreached,
                id,
                format!(
                    "the ISIRT `{}` has no path to a role with the authority to decide, for {}",
                    cx.name(id),
                    words(cx, top)
                ),
            )
            .label("escalation stops here")
            .help("give the ISIRT's lead an `authority`, or add a hop from the ISIRT to the role that decides (`hop isirt -> ciso within 30m`)");
        out.push(w.stops(&ladder, d));
    }
}

/// IMP1704, IMP1705 and IMP1707 for levels: a report of each level reaches its decider,
/// those it must notify and, at a crisis level, the crisis team; no one absence cuts it off
/// from its decider.
fn levels(w: &mut Walk, out: &mut Vec<Diagnostic>) {
    let cx = w.cx;
    let m = cx.model;
    let starts = report_starts(m, &w.g);
    if starts.is_empty() {
        return;
    }
    let mut crisis: Vec<(N, Vec<N>)> = cx
        .crisis_teams()
        .filter_map(|(t, _)| Some((w.node(Loc::Team(t))?, w.engaged(Loc::Team(t)))))
        .collect();
    if let Some(n) = named(w, "crisis_lead") {
        crisis.push((n, w.engaged(w.g.loc(n))));
    }
    let crisis_targets = sorted(crisis.iter().flat_map(|(_, t)| t.iter().copied()).collect());
    for (s, scale) in scales(m) {
        for (i, level) in scale.levels.iter().enumerate() {
            let id = LevelId {
                scale: crate::model::ScaleId(s),
                index: i as u32,
            };
            let incident = Incident::of_level(id);
            let Some(ladder) = w.climb(&incident, &starts) else {
                return;
            };
            let name = cx.name(level.id);
            // IMP1704.
            let decider = level.decided_by.as_ref().and_then(|d| {
                d.value
                    .target
                    .map(|t| (d.value.span, w.engaged(t.loc()), t.loc()))
            });
            let mut missing: Vec<(Span, &str, bool)> = Vec::new();
            let mut reached_decider = None;
            if let Some((span, targets, _)) = &decider {
                match w.first_reached(&ladder, targets) {
                    Some(n) => reached_decider = Some((n, targets.clone())),
                    None => missing.push((*span, cx.text(*span), true)),
                }
            }
            if let Some(n) = &level.notify {
                for x in &n.value.items {
                    let Some(t) = x.target else { continue };
                    if w.first_reached(&ladder, &w.engaged(t.loc())).is_none()
                        && !missing.iter().any(|(_, name, _)| *name == cx.text(x.span))
                    {
                        missing.push((x.span, cx.text(x.span), false));
                    }
                }
            }
            if !missing.is_empty() {
                let decider_missing = missing.iter().any(|x| x.2);
                let notify: Vec<&str> = missing.iter().filter(|x| !x.2).map(|x| x.1).collect();
                let what = match (decider_missing, notify.is_empty()) {
                    (true, true) => format!("its decider `{}`", missing[0].1),
                    (true, false) => format!(
                        "its decider `{}`, nor {}, whom it must notify",
                        missing[0].1,
                        backticked(&notify, ", ")
                    ),
                    (false, _) => format!("{}, whom it must notify", backticked(&notify, ", ")),
                };
                let mut d = cx
                    .at(
                        Code::LevelUnreached,
                        level.id,
                        format!("a `{name}` report does not reach {what}"),
                    )
                    .label("no path for this level")
                    .help("add hops that apply to this level (`hop isirt -> ciso within 30m when severity >= sev2`), or change who it names");
                for (span, _, dec) in &missing {
                    d = d.with_secondary(
                        *span,
                        if *dec {
                            "the decider, not reached"
                        } else {
                            "not reached"
                        },
                    );
                }
                out.push(w.stops(&ladder, d));
            }
            // IMP1705.
            if level.crisis.is_some()
                && let Some((team, _)) = crisis.first()
                && w.first_reached(&ladder, &crisis_targets).is_none()
            {
                let team = *team;
                let d = cx
                    .at(
                        Code::CrisisUnreached,
                        level.id,
                        format!(
                            "the crisis level `{name}` does not reach the crisis team `{}`",
                            w.name(team)
                        ),
                    )
                    .label("a crisis that nobody declares")
                    .with_secondary(w.head(team), "the crisis team, not reached")
                    .help("add a hop that applies to this level to the crisis team or its lead (`hop ciso -> crisis_team within 15m when severity >= sev1`)");
                out.push(w.stops(&ladder, d));
            }
            // IMP1707.
            if let (Some((reached, targets)), Some((_, _, who))) = (reached_decider, &decider) {
                let who = *who;
                let cuts = spofs(w, &incident, &ladder, &starts, &targets);
                for (k, &cut) in cuts.iter().take(SPOFS_SHOWN).enumerate() {
                    let d = cx
                        .at(
                            Code::SinglePointOfFailure,
                            level.id,
                            format!(
                                "the absence of {} cuts `{name}` off from its decider `{}`",
                                absent(w, cut),
                                decl(m, who).map_or("?", |d| cx.name(d))
                            ),
                        )
                        .label("cut off by one absence")
                        .with_secondary(w.head(cut), "single point of failure")
                        .help(spof_help(k, cuts.len()));
                    out.push(w.steps(&ladder, reached, d));
                }
            }
        }
    }
}

/// The categories a condition names.
fn categories(when: Option<&When>) -> Vec<CategoryId> {
    let mut out = Vec::new();
    if let Some(w) = when {
        for n in w.cond.walk() {
            if let ConditionKind::Category { categories } = &n.kind {
                out.extend(categories.items.iter().filter_map(|c| c.target));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// IMP1706: an obligation's owner is reached by some incident that triggers it. Its
/// incidents: of the most severe level its `when` allows (the default scale first), of each
/// category its `when` names (of none when it names none).
fn obligations(w: &mut Walk, out: &mut Vec<Diagnostic>) {
    let cx = w.cx;
    let m = cx.model;
    let starts = report_starts(m, &w.g);
    if starts.is_empty() {
        return;
    }
    let levels: Vec<LevelId> = scales(m)
        .flat_map(|(s, scale)| {
            (0..scale.levels.len() as u32).map(move |index| LevelId {
                scale: crate::model::ScaleId(s),
                index,
            })
        })
        .collect();
    type Key = (Option<LevelId>, Option<CategoryId>);
    let mut keys: Vec<Vec<Key>> = Vec::new();
    let mut by_key: Map<Key, Vec<usize>> = Map::default();
    for (o, ob) in m.obligations.iter().enumerate() {
        let mut mine: Vec<Key> = Vec::new();
        if ob.owner.as_ref().and_then(|x| x.value.target).is_some() {
            let level = levels.iter().copied().find(|&l| {
                Incident::of_level(l).when(m, ob.when.as_ref()) != crate::reach::Truth::Fails
            });
            let cats = categories(ob.when.as_ref());
            if cats.is_empty() {
                mine.push((level, None));
            }
            for c in cats {
                let i = Incident {
                    level,
                    category: Some(c),
                    ..Incident::default()
                };
                if i.when(m, ob.when.as_ref()) != crate::reach::Truth::Fails {
                    mine.push((level, Some(c)));
                }
            }
            for k in &mine {
                by_key.entry(*k).or_default().push(o);
            }
        }
        keys.push(mine);
    }
    let mut sorted: Vec<Key> = by_key.keys().copied().collect();
    sorted.sort();
    let mut reached = vec![false; m.obligations.len()];
    let mut evidence: Map<usize, Diagnostic> = Map::default();
    for key in sorted {
        let incident = Incident {
            level: key.0,
            category: key.1,
            ..Incident::default()
        };
        let Some(ladder) = w.climb(&incident, &starts) else {
            return;
        };
        // Where the report stops, found once for every obligation of the key it fails.
        let mut end: Option<Option<N>> = None;
        for &o in &by_key[&key] {
            let ob = &m.obligations[o];
            let Some(owner) = ob.owner.as_ref().and_then(|x| x.value.target) else {
                continue;
            };
            if w.first_reached(&ladder, &w.engaged(owner.loc())).is_some() {
                reached[o] = true;
                continue;
            }
            if keys[o].first() != Some(&key) {
                continue;
            }
            let owner_span = ob.owner.as_ref().map_or(cx.head(ob.id), |x| x.value.span);
            let d = cx
                .at(
                    Code::ObligationUnreached,
                    ob.id,
                    format!(
                        "no incident that triggers obligation `{}` reaches its owner `{}`: not {}",
                        cx.name(ob.id),
                        cx.text(owner_span),
                        words(cx, &incident)
                    ),
                )
                .label("its owner never hears of the incident")
                .with_secondary(owner_span, "the owner, not reached")
                .help("add a hop that applies to the incidents that trigger it to its owner (`hop ciso -> dpo within 1h when severity >= sev2`), or make the owner a party those incidents reach");
            let end = *end.get_or_insert_with(|| w.dead_end(&ladder));
            let d = match end {
                Some(n) => w.steps(&ladder, n, d),
                None => d,
            };
            evidence.insert(o, d);
        }
    }
    for (o, done) in reached.iter().enumerate() {
        if !done && let Some(d) = evidence.remove(&o) {
            out.push(d);
        }
    }
}

/// IMP1708: an approval quorum `N of [..]` with no more than N people behind it (roles by
/// their holders and backups, rotas by their people, teams by their lead and members): one
/// absence leaves it unmet. Fewer than N is a quorum that cannot be met at all (IMP2007).
fn quorums(w: &mut Walk, out: &mut Vec<Diagnostic>) {
    let m = w.cx.model;
    let mut all: Vec<&Quorum<Holder>> = Vec::new();
    for c in &m.communications {
        all.extend(c.statements_approved_by.as_ref().map(|p| &p.value));
    }
    for a in &m.artefacts {
        all.extend(a.approved_by.iter().map(|p| &p.value.quorum));
    }
    for p in &m.procedures {
        all.extend(
            p.steps
                .iter()
                .filter_map(|s| s.common.approved_by.as_ref().map(|p| &p.value)),
        );
        all.extend(
            p.overrides
                .iter()
                .filter_map(|s| s.common.approved_by.as_ref().map(|p| &p.value)),
        );
    }
    for q in all {
        let Some(required) = q.required else { continue };
        let Some(people) = behind(w, q) else {
            if w.spent {
                return;
            }
            continue;
        };
        if people.len() != required.value as usize || required.value == 0 {
            continue;
        }
        let names: Vec<&str> = people
            .iter()
            .filter_map(|&l| decl(m, l).map(|d| w.cx.name(d)))
            .collect();
        let mut d = Diagnostic::new(
            Code::FragileQuorum,
            q.span,
            format!(
                "a quorum of {} has only {} behind it: one absence leaves it unmet",
                required.value,
                if names.len() == 1 {
                    format!("`{}`", names[0])
                } else {
                    backticked(&names, ", ")
                }
            ),
        )
        .label("no slack for one absence")
        .help("add an approver, or a backup to an approver's role, so that one more person than the quorum stands behind it");
        for &l in &people {
            if let Some(id) = decl(m, l) {
                d = d.with_secondary(w.cx.head(id), "behind the quorum");
            }
        }
        out.push(d);
    }
}

/// The people (and outside parties) behind a quorum's approvers, sorted; `None` when one
/// of them cannot be known (a role with no standing holder, a name not resolved).
fn behind(w: &mut Walk, q: &Quorum<Holder>) -> Option<Vec<Loc>> {
    let m = w.cx.model;
    let mut stack: Vec<Loc> = Vec::new();
    for i in &q.of.items {
        stack.push(i.target?.loc());
    }
    let mut seen: Set<Loc> = Set::default();
    let mut people: Vec<Loc> = Vec::new();
    while let Some(l) = stack.pop() {
        if !seen.insert(l) || !w.charge(1) {
            if w.spent {
                return None;
            }
            continue;
        }
        match l {
            Loc::Person(_) | Loc::External(_) => people.push(l),
            Loc::Role(r) => {
                let role = &m[r];
                if w.cx.is_open(role.id, "held_by") {
                    return None;
                }
                let holders = role
                    .held_by
                    .as_ref()
                    .map(|h| &h.value.of.items[..])
                    .unwrap_or(&[]);
                let backups = role
                    .backup
                    .as_ref()
                    .map(|b| &b.value.items[..])
                    .unwrap_or(&[]);
                if holders.is_empty() && backups.is_empty() {
                    return None;
                }
                for h in holders {
                    stack.push(h.target?.loc());
                }
                for b in backups {
                    stack.push(b.target?.loc());
                }
            }
            Loc::Team(t) => {
                let t = &m[t];
                if let Some(l) = &t.lead {
                    stack.push(l.value.target?.loc());
                }
                for x in t.members.iter().flat_map(|x| &x.value.items) {
                    stack.push(x.target?.loc());
                }
            }
            Loc::Schedule(s) => {
                let s = &m[s];
                for p in s.rotate.iter().flat_map(|r| &r.value.people.items) {
                    stack.push(Loc::Person(p.target?));
                }
                for r in s.follow_the_sun.iter().flat_map(|f| &f.value.items) {
                    stack.push(Loc::Region(r.target?));
                }
            }
            Loc::Region(r) => {
                let r = m.regions.get(r.0 as usize)?;
                stack.push(Loc::Schedule(r.on_call.as_ref()?.value.target?));
            }
            _ => return None,
        }
    }
    people.sort();
    Some(people)
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use crate::diagnostics::Code;

    /// A small scheme: a desk, the ISIRT on call, a CISO who decides.
    const BASE: &str = "\
person ann \"Ann\" {}
person bob \"Bob\" {}
person cat \"Cat\" {}
person dan \"Dan\" {}
schedule isirt_rota \"ISIRT on call\" { rotate weekly [ann, bob] }
role ir_lead \"ISIRT lead\" { held_by cat; backup [isirt_rota]; authority [classify] }
role ciso \"CISO\" { held_by dan; backup [ir_lead]; authority [declare_crisis] }
team isirt \"Incident response team\" { lead ir_lead; on_call isirt_rota }
point_of_contact desk \"Desk\" { held_by isirt_rota }
channel portal \"Portal\" { lands_at desk }
";

    fn with(extra: &str) -> String {
        format!("{BASE}{extra}")
    }

    const SCALE: &str = "scale severity \"S\" {\n  level sev1 \"A\" { decided_by ciso; notify [ciso] }\n  level sev2 \"B\" { decided_by ir_lead }\n}\n";

    #[test]
    fn a_channel_landing_at_an_outside_party_needs_a_way_on() {
        let text = with(
            "external soc \"Managed SOC\" { kind vendor }\nchannel soc_line \"SOC line\" { lands_at soc }\n",
        );
        assert_eq!(
            findings(Code::ChannelUnreached, &text),
            ["12: channel `soc_line` lands at `soc`, which leads to no point of contact"]
        );
        let text = format!("{text}escalation e \"E\" {{\n  hop soc -> desk within 15m\n}}\n");
        assert!(findings(Code::ChannelUnreached, &text).is_empty());
    }

    #[test]
    fn a_point_of_contact_must_reach_the_isirt() {
        let text = with("point_of_contact lobby \"Lobby\" { held_by ann }\n");
        assert_eq!(
            findings(Code::IsirtUnreached, &text),
            ["11: point of contact `lobby` has no path to the ISIRT `isirt` for an incident"]
        );
        let text = format!("{text}escalation e \"E\" {{\n  hop lobby -> isirt within 15m\n}}\n");
        assert!(findings(Code::IsirtUnreached, &text).is_empty());
    }

    #[test]
    fn the_isirt_must_reach_an_authority() {
        let text = BASE
            .replace("authority [classify] ", "")
            .replace("authority [declare_crisis] ", "");
        // Nobody has an authority: nothing to reach, nothing to say.
        assert!(findings(Code::AuthorityUnreached, &text).is_empty());
        let text =
            format!("{text}role board \"Board\" {{ held_by dan; authority [everything] }}\n");
        assert_eq!(
            findings(Code::AuthorityUnreached, &text),
            [
                "8: the ISIRT `isirt` has no path to a role with the authority to decide, for an incident"
            ]
        );
        let text = format!("{text}escalation e \"E\" {{\n  hop ir_lead -> board within 1h\n}}\n");
        assert!(findings(Code::AuthorityUnreached, &text).is_empty());
    }

    #[test]
    fn a_level_reaches_its_decider_only_by_hops_that_apply_to_it() {
        let esc = "escalation e \"E\" {\n  hop desk -> ir_lead within 15m\n  hop ir_lead -> ciso within 30m when severity >= sev1\n}\n";
        let text = with(&format!("{SCALE}{esc}"));
        assert!(findings(Code::LevelUnreached, &text).is_empty());
        let text = text.replace(
            "level sev2 \"B\" { decided_by ir_lead }",
            "level sev2 \"B\" { decided_by ciso; notify [ir_lead, isirt] }",
        );
        assert_eq!(
            findings(Code::LevelUnreached, &text),
            ["13: a `sev2` report does not reach its decider `ciso`"]
        );
        let text = text.replace("notify [ciso] ", "notify [ciso, regulator] ")
            + "external regulator \"Regulator\" { kind regulator }\n";
        assert_eq!(
            findings(Code::LevelUnreached, &text)[0],
            "12: a `sev1` report does not reach `regulator`, whom it must notify"
        );
    }

    #[test]
    fn a_crisis_level_reaches_the_crisis_team() {
        let crisis = "team crisis_team \"Crisis team\" { lead ciso }\nscale severity \"S\" {\n  level sev1 \"A\" { decided_by ir_lead; crisis }\n}\n";
        let esc = "escalation e \"E\" {\n  hop desk -> ir_lead within 15m\n}\n";
        let text = with(&format!("{crisis}{esc}"));
        assert_eq!(
            findings(Code::CrisisUnreached, &text),
            ["13: the crisis level `sev1` does not reach the crisis team `crisis_team`"]
        );
        let text = text.replace(
            "within 15m\n}",
            "within 15m\n  hop ir_lead -> crisis_team within 15m\n}",
        );
        assert!(findings(Code::CrisisUnreached, &text).is_empty());
    }

    #[test]
    fn an_obligation_owner_is_reached_by_an_incident_that_triggers_it() {
        let text = with(&format!(
            "{SCALE}person eve \"Eve\" {{}}\nrole dpo \"DPO\" {{ held_by eve }}\ncategory breach \"Breach\" {{}}\n\
             obligation gdpr \"GDPR\" {{\n  when category in [breach]\n  owner dpo\n}}\n\
             escalation e \"E\" {{\n  hop desk -> ir_lead within 15m\n  hop ir_lead -> ciso within 15m\n}}\n"
        ));
        assert_eq!(
            findings(Code::ObligationUnreached, &text),
            [
                "18: no incident that triggers obligation `gdpr` reaches its owner `dpo`: not a `sev1` incident of `breach`"
            ]
        );
        // A hop for the category the obligation is triggered by: it counts.
        let text = text.replace(
            "  hop ir_lead -> ciso within 15m\n",
            "  hop ir_lead -> ciso within 15m\n  hop ir_lead -> dpo within 1h when category in [breach]\n",
        );
        assert!(findings(Code::ObligationUnreached, &text).is_empty());
    }

    #[test]
    fn one_absence_that_cuts_a_level_off_from_its_decider_is_found() {
        // The report goes to `cat` in person: her absence cuts both levels off.
        let esc = "escalation e \"E\" {\n  hop desk -> cat within 15m\n  hop ir_lead -> ciso within 30m\n}\n";
        let text = with(&format!("{SCALE}{esc}"));
        assert_eq!(
            findings(Code::SinglePointOfFailure, &text),
            [
                "12: the absence of `cat` cuts `sev1` off from its decider `ciso`",
                "13: the absence of `cat` cuts `sev2` off from its decider `ir_lead`",
            ]
        );
        // A second way round, straight to the role: no single point of failure.
        let text = text.replace(
            "  hop ir_lead -> ciso",
            "  hop desk -> ir_lead within 15m\n  hop ir_lead -> ciso",
        );
        assert!(findings(Code::SinglePointOfFailure, &text).is_empty());
        // A role held by one person with no backup, on every path, cuts.
        let text = with(&format!(
            "{SCALE}role duty \"Duty officer\" {{ held_by ann }}\n\
             escalation e \"E\" {{\n  hop desk -> duty within 15m\n  hop duty -> ciso within 30m\n}}\n"
        ));
        assert_eq!(
            findings(Code::SinglePointOfFailure, &text),
            [
                "12: the absence of `duty` (held by `ann` alone, with no backup) cuts `sev1` off from its decider `ciso`"
            ]
        );
        // With a backup it does not.
        let text = text.replace("{ held_by ann }", "{ held_by ann; backup [bob] }");
        assert!(findings(Code::SinglePointOfFailure, &text).is_empty());
    }

    #[test]
    fn a_chain_of_lone_people_is_told_of_its_first_few_cuts() {
        // desk -> p0 -> p1 -> ... -> p19 -> ciso: each of the twenty is a cut.
        let mut extra = String::from(SCALE);
        for k in 0..20 {
            extra.push_str(&format!("person p{k} \"P{k}\" {{}}\n"));
        }
        extra.push_str("escalation e \"E\" {\n  hop desk -> p0 within 1m\n");
        for k in 0..19 {
            extra.push_str(&format!("  hop p{k} -> p{} within 1m\n", k + 1));
        }
        extra.push_str("  hop p19 -> ciso within 1m\n  hop p19 -> ir_lead within 1m\n}\n");
        let text = with(&extra);
        let a = crate::check::check_sources(
            &[("test.imp", text.as_str())],
            crate::check::Options {
                jobs: 1,
                only: vec![Code::SinglePointOfFailure],
                ..crate::check::Options::default()
            },
        );
        let sev1: Vec<_> = a
            .diagnostics
            .iter()
            .filter(|d| d.code == Code::SinglePointOfFailure && d.message.contains("`sev1`"))
            .collect();
        assert_eq!(sev1.len(), super::SPOFS_SHOWN, "{sev1:?}");
        assert!(sev1[0].message.contains("`p0`"), "{}", sev1[0].message);
        let last = sev1[super::SPOFS_SHOWN - 1]
            .help
            .as_deref()
            .unwrap_or_default();
        assert!(
            last.ends_with("; 12 more single points of failure on this path are not shown"),
            "{last}"
        );
        assert!(
            !sev1[0]
                .help
                .as_deref()
                .unwrap_or_default()
                .contains("more single points")
        );
    }

    #[test]
    fn the_evidence_is_the_path_in_the_order_travelled() {
        let esc = "escalation e \"E\" {\n  hop desk -> cat within 15m\n  hop ir_lead -> ciso within 30m\n}\n";
        let text = with(&format!("{SCALE}{esc}"));
        let a = crate::check::check_sources(
            &[("test.imp", &text)],
            crate::check::Options {
                jobs: 1,
                checks: Some(super::super::Config {
                    as_of: jiff::civil::date(2026, 12, 1),
                    ..super::super::Config::default()
                }),
                only: vec![Code::SinglePointOfFailure],
                ..crate::check::Options::default()
            },
        );
        let d = a
            .diagnostics
            .iter()
            .find(|d| d.code == Code::SinglePointOfFailure)
            .expect("a finding");
        let steps: Vec<(&str, &str)> = d
            .flow
            .iter()
            .map(|l| (a.sources.slice(l.span), l.message.as_ref()))
            .collect();
        assert_eq!(
            steps,
            [
                ("desk", "`desk` at 0m"),
                ("hop desk -> cat within 15m", "hop to `cat` at 15m"),
                ("cat", "who holds `ir_lead` at 15m"),
                ("hop ir_lead -> ciso within 30m", "hop to `ciso` at 45m"),
            ]
        );
        let secondary: Vec<(&str, &str)> = d
            .secondary
            .iter()
            .map(|l| (a.sources.slice(l.span), l.message.as_ref()))
            .collect();
        assert_eq!(secondary, [("cat", "single point of failure")]);
    }

    #[test]
    fn a_quorum_with_no_slack_is_found() {
        let text = with(
            "role cfo \"CFO\" { held_by ann }\ncommunications { statements_approved_by 2 of [ciso, cfo] }\n",
        );
        // `ciso` is `dan`, backed by `ir_lead` (`cat`, backed by the rota): three people.
        assert!(findings(Code::FragileQuorum, &text).is_empty());
        let text = text.replace("2 of [ciso, cfo]", "2 of [bob, cfo]");
        assert_eq!(
            findings(Code::FragileQuorum, &text),
            ["12: a quorum of 2 has only `ann`, `bob` behind it: one absence leaves it unmet"]
        );
        // Fewer than the quorum even with everyone present is IMP2007's, not this one.
        let text = text.replace("2 of [bob, cfo]", "2 of [ann, cfo]");
        assert!(findings(Code::FragileQuorum, &text).is_empty());
    }
}
