//! The severity scales (IMP1001-IMP1005, IMP1009-IMP1012): a scale of at least three levels,
//! each level complete, more severe levels never slower, decided lower or told fewer, levels
//! that differ, targets in order, scales in use mapped onto each other, and reviews that the
//! levels require defined. The coverage of the criteria is the family `criteria`.

use super::{Bounds, Context};
use crate::diagnostics::{Code, Diagnostic, backticked};
use crate::model::{
    ConditionKind, Holder, Level, Limit, Map, MomentRef, Party, Prop, RoleOrTeam, Scale, ScaleId,
    Set, Within,
};
use crate::source::{HasSpan, Span};

pub(super) fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let feeders = feeders(cx);
    no_scale(cx, &feeders, out);
    incomplete(cx, &feeders, out);
    slower_when_worse(cx, out);
    lower_authority(cx, out);
    notifies_fewer(cx, out);
    identical(cx, out);
    out_of_order(cx, out);
    unmapped(cx, out);
    review_not_defined(cx, out);
}

/// The scales that only feed another: the `from` side of a mapping, never its `to` side, and
/// not the `default` scale (a service desk's priorities mapped onto the severities).
pub(super) fn feeders(cx: &Context) -> Set<ScaleId> {
    let mut from = Set::default();
    let mut to = Set::default();
    for m in &cx.model.mappings {
        if let Some(s) = m.from.as_ref().and_then(|p| p.value.target) {
            from.insert(s);
        }
        if let Some(s) = m.to.as_ref().and_then(|p| p.value.target) {
            to.insert(s);
        }
    }
    from.retain(|s| !to.contains(s) && cx.model[*s].default.is_none());
    from
}

/// IMP1001: the scheme has a severity scale of at least three levels.
fn no_scale(cx: &Context, feeders: &Set<ScaleId>, out: &mut Vec<Diagnostic>) {
    if !cx.may_lack || cx.model.is_empty() {
        return;
    }
    let scales = &cx.model.scales;
    let mut severity: Vec<(usize, &Scale)> = scales
        .iter()
        .enumerate()
        .filter(|(i, _)| !feeders.contains(&ScaleId(*i as u32)))
        .collect();
    if severity.is_empty() {
        severity = scales.iter().enumerate().collect();
    }
    // The largest, the first of them on a tie.
    let largest = severity.iter().map(|(_, s)| *s).reduce(|a, b| {
        if b.levels.len() > a.levels.len() {
            b
        } else {
            a
        }
    });
    match largest {
        None => out.push(
            Diagnostic::new(
                Code::NoScale,
                cx.scheme_span(),
                "the scheme has no severity scale",
            )
            .label("no scale in this scheme")
            .help(
                "declare a `scale` of at least three levels, most severe first, each with its \
                 criteria, targets, decider and notifications",
            ),
        ),
        Some(s) if s.levels.len() < 3 && cx.read_cleanly(s.id) => {
            let n = s.levels.len();
            let what = match n {
                0 => "no levels".to_string(),
                1 => "only 1 level".to_string(),
                _ => format!("only {n} levels"),
            };
            out.push(
                cx.at(
                    Code::NoScale,
                    s.id,
                    format!("the severity scale `{}` has {what}", cx.name(s.id)),
                )
                .label("fewer than three levels")
                .help(
                    "give the scale at least three levels, most severe first (four is common: \
                     emergency, critical, serious, minor), so that responses can be graded",
                ),
            );
        }
        Some(_) => {}
    }
}

/// IMP1002: each level gives its criteria, an acknowledge target, a decider and whom it
/// notifies. A scale that only feeds another needs only its targets; the least severe level
/// may go without criteria: it takes every incident the others do not.
fn incomplete(cx: &Context, feeders: &Set<ScaleId>, out: &mut Vec<Diagnostic>) {
    for (si, s) in cx.model.scales.iter().enumerate() {
        let feeder = feeders.contains(&ScaleId(si as u32));
        for (i, l) in s.levels.iter().enumerate() {
            let last = i + 1 == s.levels.len();
            let mut missing: Vec<(&str, &str)> = Vec::new();
            let stated = l.when.is_some() || l.criteria.is_some() || cx.is_open(l.id, "criteria");
            if !feeder && !last && cx.lacks(l.id, stated, "when") {
                missing.push(("criteria", "`when CONDITION` (or `criteria \"...\"`)"));
            }
            let ack = l.acknowledge.is_some() || cx.config.default_targets.acknowledge.is_some();
            if cx.lacks(l.id, ack, "acknowledge") {
                missing.push(("acknowledge target", "`acknowledge within DURATION`"));
            }
            if !feeder && cx.lacks(l.id, l.decided_by.is_some(), "decided_by") {
                missing.push(("decider", "`decided_by ROLE`"));
            }
            if !feeder && cx.lacks(l.id, l.notify.is_some(), "notify") {
                missing.push(("notifications", "`notify [..]`"));
            }
            if missing.is_empty() {
                continue;
            }
            let words: Vec<&str> = missing.iter().map(|(w, _)| *w).collect();
            let props: Vec<&str> = missing.iter().map(|(_, p)| *p).collect();
            out.push(
                cx.at(
                    Code::LevelIncomplete,
                    l.id,
                    format!("level `{}` has no {}", cx.name(l.id), join_or(&words)),
                )
                .label("this level")
                .help(format!(
                    "add {}: handlers need to know when a level applies, how fast to respond, \
                     who decides and who is told",
                    props.join(", ")
                )),
            );
        }
    }
}

/// "a, b or c".
fn join_or(items: &[&str]) -> String {
    join(items, "or")
}

/// "a, b and c" (or "or").
pub(super) fn join<S: AsRef<str>>(items: &[S], word: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => format!(
            "{} {word} {}",
            init.iter()
                .map(|s| s.as_ref())
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

/// A target of a level: its key word, how messages name it, and where it is.
type Target = (
    &'static str,
    &'static str,
    fn(&Level) -> Option<&Prop<Within>>,
);

const TARGETS: &[Target] = &[
    ("acknowledge", "acknowledge", |l| l.acknowledge.as_ref()),
    ("start_work", "start-of-work", |l| l.start_work.as_ref()),
    ("contain", "containment", |l| l.contain.as_ref()),
    ("resolve", "resolution", |l| l.resolve.as_ref()),
    ("review", "review", |l| l.review.as_ref()),
];

/// The moment a limit counts from, as written (`None`: the default).
fn from_text<'a>(cx: &Context<'a>, w: &Within) -> Option<&'a str> {
    w.from.as_ref().map(|m: &MomentRef| {
        cx.text(match m {
            MomentRef::Builtin(b) => b.span,
            MomentRef::Declared(r) => r.span,
        })
    })
}

/// Bounds of a limit that counts from a moment we can compare: `None` for `required`,
/// `before` a moment, or a limit whose calendar did not resolve.
fn comparable(w: &Within) -> Option<Bounds> {
    if let Limit::Before { .. } | Limit::Unstated = w.limit {
        return None;
    }
    Bounds::of(w)
}

/// IMP1003: a more severe level is never certainly slower than the next less severe level
/// that states the same target.
fn slower_when_worse(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.model.scales {
        for (_, words, get) in TARGETS {
            // The nearest less severe level stating the target, walking up from the least.
            let mut below: Option<(&Level, &Prop<Within>, Bounds)> = None;
            for l in s.levels.iter().rev() {
                let Some(p) = get(l) else { continue };
                let Some(b) = comparable(&p.value) else {
                    continue;
                };
                if let Some((lower, q, qb)) = below
                    && from_text(cx, &p.value) == from_text(cx, &q.value)
                    && b.longer_than(qb)
                {
                    out.push(
                        Diagnostic::new(
                            Code::SlowerWhenWorse,
                            p.value.span,
                            format!(
                                "the more severe `{}` has a slower {words} target than `{}`: \
                                 `{}` against `{}`",
                                cx.name(l.id),
                                cx.name(lower.id),
                                cx.text(p.value.span),
                                cx.text(q.value.span)
                            ),
                        )
                        .label(format!("`{}` is slower", cx.name(l.id)))
                        .with_secondary(
                            q.value.span,
                            format!("the less severe `{}` is faster", cx.name(lower.id)),
                        )
                        .help(
                            "a more severe incident needs a faster response: make the target \
                             at most the one of the level below it, or swap the levels",
                        ),
                    );
                }
                below = Some((l, p, b));
            }
        }
    }
}

/// IMP1010: within a level, acknowledge <= start_work <= contain <= resolve.
fn out_of_order(cx: &Context, out: &mut Vec<Diagnostic>) {
    for l in cx.model.scales.iter().flat_map(|s| &s.levels) {
        let mut prev: Option<(&str, &Prop<Within>, Bounds)> = None;
        for (_, words, get) in &TARGETS[..4] {
            let Some(p) = get(l) else { continue };
            let Some(b) = comparable(&p.value) else {
                continue;
            };
            if let Some((pw, q, qb)) = prev
                && from_text(cx, &p.value) == from_text(cx, &q.value)
                && qb.longer_than(b)
            {
                out.push(
                    Diagnostic::new(
                        Code::TargetsOutOfOrder,
                        q.value.span,
                        format!(
                            "the {pw} target of `{}` is longer than its {words} target: `{}` \
                             against `{}`",
                            cx.name(l.id),
                            cx.text(q.value.span),
                            cx.text(p.value.span)
                        ),
                    )
                    .label(format!("{pw} this late"))
                    .with_secondary(p.value.span, format!("{words} comes earlier"))
                    .help(
                        "an incident is acknowledged before work starts, contained before it is \
                         resolved: make each target at most the next one",
                    ),
                );
            }
            prev = Some((words, p, b));
        }
    }
}

/// An element of the seniority graph: a role or a team.
fn node(cx: &Context, r: RoleOrTeam) -> usize {
    match r {
        RoleOrTeam::Role(x) => x.0 as usize,
        RoleOrTeam::Team(t) => cx.model.roles.len() + t.0 as usize,
    }
}

fn decider_node(cx: &Context, l: &Level) -> Option<usize> {
    match l.decided_by.as_ref()?.value.target? {
        Holder::Role(r) => Some(node(cx, RoleOrTeam::Role(r))),
        Holder::Team(t) => Some(node(cx, RoleOrTeam::Team(t))),
        Holder::Person(_) | Holder::External(_) => None,
    }
}

/// An edge of the seniority graph: who is below, and the declaration that says so.
#[derive(Clone, Copy)]
struct Edge {
    to: usize,
    span: Span,
    /// `reports_to` rather than `outranks`.
    reports: bool,
}

/// IMP1004: the decider of a less severe level never outranks the decider of a more severe
/// one (unconditional `outranks`, and a team's `reports_to` chain, transitively).
fn lower_authority(cx: &Context, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    let nodes = m.roles.len() + m.teams.len();
    let mut below: Vec<Vec<Edge>> = vec![Vec::new(); nodes];
    let mut any = false;
    for (i, r) in m.roles.iter().enumerate() {
        for o in r.outranks.iter().filter(|o| o.value.when.is_none()) {
            for t in o.value.roles.iter().filter_map(|x| x.target) {
                below[i].push(Edge {
                    to: node(cx, t),
                    span: o.span(),
                    reports: false,
                });
                any = true;
            }
        }
    }
    for (i, t) in m.teams.iter().enumerate() {
        if let Some(p) = t.reports_to.as_ref()
            && let Some(parent) = p.value.target
        {
            below[node(cx, RoleOrTeam::Team(parent))].push(Edge {
                to: m.roles.len() + i,
                span: p.span(),
                reports: true,
            });
            any = true;
        }
    }
    if !any {
        return;
    }
    let name = |n: usize| {
        if n < m.roles.len() {
            cx.name(m.roles[n].id)
        } else {
            cx.name(m.teams[n - m.roles.len()].id)
        }
    };
    // Every scale walks the seniority graph afresh; one budget, linear in the size of the
    // graph and of the scales, bounds the walks together (many scales over one deep chain of
    // seniority would otherwise cost their product). Past it, no more scales are compared.
    let edges: usize = below.iter().map(Vec::len).sum();
    let levels: usize = m.scales.iter().map(|s| s.levels.len()).sum();
    let mut budget = 16 * (below.len() + edges + levels) + 4096;
    for s in &m.scales {
        // Each node below the decider of a less severe level: the node it was reached from,
        // the edge, and the level whose decider reached it.
        let mut marked: Map<usize, (usize, Edge, usize)> = Map::default();
        let mut expanded: Set<usize> = Set::default();
        for (li, l) in s.levels.iter().enumerate().rev() {
            let Some(d) = decider_node(cx, l) else {
                continue;
            };
            if let Some(&(_, _, origin)) = marked.get(&d) {
                let top = &s.levels[origin];
                let boss = decider_node(cx, top);
                if boss != Some(d)
                    && let (Some(p), Some(q)) = (&l.decided_by, &top.decided_by)
                {
                    let mut diag = Diagnostic::new(
                        Code::LowerAuthority,
                        p.value.span,
                        format!(
                            "the more severe `{}` is decided by `{}`, whom `{}`, the decider \
                             of the less severe `{}`, outranks",
                            cx.name(l.id),
                            cx.text(p.value.span),
                            cx.text(q.value.span),
                            cx.name(top.id)
                        ),
                    )
                    .label("a lower authority")
                    .with_secondary(
                        q.value.span,
                        format!("decides the less severe `{}`", cx.name(top.id)),
                    );
                    // The chain of seniority, from the decider upward (at most 8 links).
                    let mut at = d;
                    let mut links = 0;
                    while let Some(&(from, e, _)) = marked.get(&at) {
                        let what = if e.reports {
                            format!("`{}` reports to `{}`", name(e.to), name(from))
                        } else {
                            format!("`{}` outranks `{}`", name(from), name(e.to))
                        };
                        diag = diag.with_secondary(e.span, what);
                        links += 1;
                        if Some(from) == boss || links == 8 {
                            break;
                        }
                        at = from;
                    }
                    out.push(diag.help(
                        "a more severe incident is decided at least as high: give it the \
                         decider of the less severe level or someone above, or correct the \
                         seniority",
                    ));
                }
            }
            let mut stack = vec![d];
            while let Some(n) = stack.pop() {
                if !expanded.insert(n) {
                    continue;
                }
                budget = budget.saturating_sub(1 + below[n].len());
                if budget == 0 {
                    return;
                }
                for e in &below[n] {
                    if e.to != d && !marked.contains_key(&e.to) {
                        marked.insert(e.to, (n, *e, li));
                        stack.push(e.to);
                    }
                }
            }
        }
    }
}

/// IMP1005: a more severe level notifies everyone the next less severe level does.
fn notifies_fewer(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.model.scales {
        for pair in s.levels.windows(2) {
            let (hi, lo) = (&pair[0], &pair[1]);
            let Some(lower) = &lo.notify else { continue };
            let told: Set<Party> = match &hi.notify {
                Some(p) => {
                    if p.value.iter().any(|r| r.target.is_none()) {
                        continue;
                    }
                    p.value.iter().filter_map(|r| r.target).collect()
                }
                None if cx.lacks(hi.id, false, "notify") => Set::default(),
                None => continue,
            };
            let mut seen = Set::default();
            let missing: Vec<&str> = lower
                .value
                .iter()
                .filter(|r| {
                    r.target
                        .is_some_and(|t| !told.contains(&t) && seen.insert(t))
                })
                .map(|r| cx.text(r.span))
                .collect();
            if missing.is_empty() {
                continue;
            }
            let at = hi.notify.as_ref().map_or(cx.head(hi.id), |p| p.value.span);
            let whom = join(
                &missing.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>(),
                "and",
            );
            out.push(
                Diagnostic::new(
                    Code::NotifiesFewer,
                    at,
                    format!(
                        "the more severe `{}` does not notify {whom}, whom the less severe `{}` \
                         notifies",
                        cx.name(hi.id),
                        cx.name(lo.id)
                    ),
                )
                .label(format!(
                    "{} not told",
                    if missing.len() == 1 { "one" } else { "some" }
                ))
                .with_secondary(
                    lower.value.span,
                    format!("told at the less severe `{}`", cx.name(lo.id)),
                )
                .help(format!(
                    "add {} to the `notify` list of `{}`: whoever must know of a less severe \
                     incident must know of a worse one",
                    backticked(&missing, ", "),
                    cx.name(hi.id)
                )),
            );
        }
    }
}

/// Whether anything in a level is left open.
fn has_open(cx: &Context, l: &Level) -> bool {
    let span = cx.index.def(l.id).span;
    let open = &cx.model.open;
    let from = open.partition_point(|o| o.span.lo < span.lo);
    open.get(from).is_some_and(|o| o.span.hi <= span.hi)
}

/// What a level says, as a key: equal keys for levels that differ in nothing. `None` for a
/// level that cannot be compared (something open, unresolved, or read with an error) or that
/// says nothing at all.
fn level_key(cx: &Context, l: &Level) -> Option<String> {
    if has_open(cx, l) || !cx.read_cleanly(l.id) {
        return None;
    }
    let mut key = String::new();
    let mut said = false;
    let squeeze = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(w) = &l.when {
        if w.cond.walk().any(|c| {
            matches!(
                c.kind,
                ConditionKind::Invalid | ConditionKind::Open | ConditionKind::Word { .. }
            )
        }) {
            return None;
        }
        key.push_str(&squeeze(cx.text(w.cond.span)));
        said = true;
    }
    key.push('\u{1}');
    if let Some(c) = &l.criteria {
        key.push_str(&squeeze(c.value.get(cx.sources)));
        said = true;
    }
    for (_, _, get) in TARGETS {
        key.push('\u{1}');
        if let Some(p) = get(l) {
            let w = &p.value;
            // The kind of limit and both ends of a range, not only the longest reading:
            // `within 1h-2h` is not `within 2h`, nor `next_business_day` `within 1bd`.
            let kind = match &w.limit {
                crate::model::Limit::Range { low, .. } => {
                    let b = Bounds::of_duration(low);
                    format!("range {}-{} to ", b.min, b.max)
                }
                crate::model::Limit::NextBusinessDay(_) => "next business day ".to_string(),
                _ => String::new(),
            };
            key.push_str(&kind);
            match comparable(w) {
                Some(b) => key.push_str(&format!("{}-{}", b.min, b.max)),
                None => key.push_str(&squeeze(cx.text(w.span))),
            }
            if let Some(f) = from_text(cx, w) {
                key.push_str(f);
            }
            said = true;
        }
    }
    key.push('\u{1}');
    if let Some(u) = &l.update {
        key.push_str(&squeeze(cx.text(u.value.span)));
        said = true;
    }
    key.push('\u{1}');
    if let Some(d) = &l.decided_by {
        key.push_str(&format!("{:?}", d.value.target?));
        said = true;
    }
    key.push('\u{1}');
    if let Some(n) = &l.notify {
        let mut parties = Vec::new();
        for r in n.value.iter() {
            parties.push(r.target?);
        }
        parties.sort();
        parties.dedup();
        key.push_str(&format!("{parties:?}"));
        said = true;
    }
    key.push('\u{1}');
    if l.crisis.is_some() {
        key.push_str("crisis");
        said = true;
    }
    said.then_some(key)
}

/// IMP1009: two levels of one scale with the same criteria, targets, decider, notifications
/// and crisis flag.
fn identical(cx: &Context, out: &mut Vec<Diagnostic>) {
    for s in &cx.model.scales {
        let mut first: Map<String, &Level> = Map::default();
        for l in &s.levels {
            let Some(key) = level_key(cx, l) else {
                continue;
            };
            match first.get(&key) {
                Some(a) => out.push(
                    cx.at(
                        Code::IdenticalLevels,
                        l.id,
                        format!(
                            "levels `{}` and `{}` differ in nothing",
                            cx.name(a.id),
                            cx.name(l.id)
                        ),
                    )
                    .label("the same as a more severe level")
                    .with_secondary(cx.head(a.id), "says the same")
                    .help(
                        "two levels that call for the same response are one level: merge them, \
                         or give each its own criteria, targets, decider or notifications",
                    ),
                ),
                None => {
                    first.insert(key, l);
                }
            }
        }
    }
}

/// IMP1011: every two scales in use are mapped onto each other, directly or through others.
fn unmapped(cx: &Context, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    let n = m.scales.len();
    if n < 2 || !cx.may_lack {
        return;
    }
    // The first reference to each scale or one of its levels.
    let mut used: Vec<Option<Span>> = vec![None; n];
    for (span, id) in cx.index.references() {
        let s = match cx.index.def(*id).loc {
            crate::model::Loc::Scale(s) => s,
            crate::model::Loc::Level(l) => l.scale,
            _ => continue,
        };
        // Not a reference from inside the scale itself.
        let own = cx.index.def(m[s].id).span;
        if own.lo <= span.lo && span.hi <= own.hi {
            continue;
        }
        let u = &mut used[s.0 as usize];
        if u.is_none_or(|u| span.lo < u.lo) {
            *u = Some(*span);
        }
    }
    // Scales connected by mappings, as a union-find.
    let mut parent: Vec<usize> = (0..n).collect();
    fn root(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for x in &m.mappings {
        let (Some(a), Some(b)) = (
            x.from.as_ref().and_then(|p| p.value.target),
            x.to.as_ref().and_then(|p| p.value.target),
        ) else {
            continue;
        };
        let (ra, rb) = (
            root(&mut parent, a.0 as usize),
            root(&mut parent, b.0 as usize),
        );
        parent[ra] = rb;
    }
    if m.mappings.iter().any(|x| !cx.read_cleanly(x.id)) {
        return;
    }
    let mut first: Option<usize> = None;
    let mut seen: Set<usize> = Set::default();
    for (i, s) in m.scales.iter().enumerate() {
        let Some(at) = used[i] else { continue };
        let r = root(&mut parent, i);
        let Some(f) = first else {
            first = Some(i);
            seen.insert(r);
            continue;
        };
        if !seen.insert(r) {
            continue;
        }
        let other = &m.scales[f];
        out.push(
            cx.at(
                Code::UnmappedScales,
                s.id,
                format!(
                    "scales `{}` and `{}` are both in use, with no mapping between them",
                    cx.name(other.id),
                    cx.name(s.id)
                ),
            )
            .label("in use")
            .with_secondary(at, format!("`{}` used here", cx.name(s.id)))
            .with_secondary(cx.head(other.id), "also in use")
            .help(format!(
                "add `mapping NAME \"...\" {{ from {}; to {}; map LEVEL -> LEVEL }}`, so that \
                 an incident graded on one scale has a level on the other",
                cx.name(s.id),
                cx.name(other.id)
            )),
        );
    }
}

/// Whether a condition holds at a level, when it says so only through `SCALE OP LEVEL` on the
/// level's own scale (`None`: cannot tell).
pub(super) fn holds_at(c: &crate::model::Condition, scale: ScaleId, index: u32) -> Option<bool> {
    use crate::model::CmpOp;
    match &c.kind {
        ConditionKind::Level {
            scale: sr,
            op,
            level,
        } => {
            let (s, l) = (sr.target?, level.target?);
            if s != scale || l.scale != scale {
                return None;
            }
            // Index 0 is the most severe: "at least as severe" is a smaller index.
            let (k, x) = (index, l.index);
            Some(match op.value {
                CmpOp::Ge => k <= x,
                CmpOp::Gt => k < x,
                CmpOp::Le => k >= x,
                CmpOp::Lt => k > x,
                CmpOp::Eq => k == x,
                CmpOp::Ne => k != x,
            })
        }
        ConditionKind::Not { inner } => holds_at(inner, scale, index).map(|b| !b),
        ConditionKind::Any { terms } => {
            let mut all_false = true;
            for t in terms {
                match holds_at(t, scale, index) {
                    Some(true) => return Some(true),
                    Some(false) => {}
                    None => all_false = false,
                }
            }
            all_false.then_some(false)
        }
        ConditionKind::All { terms } => {
            let mut all_true = true;
            for t in terms {
                match holds_at(t, scale, index) {
                    Some(false) => return Some(false),
                    Some(true) => {}
                    None => all_true = false,
                }
            }
            all_true.then_some(true)
        }
        _ => None,
    }
}

/// IMP1012: a level that requires a post-incident review is covered by a `post_incident` of
/// the `review` declaration.
fn review_not_defined(cx: &Context, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    if m.reviews.iter().any(|r| !cx.read_cleanly(r.id)) {
        return;
    }
    if m.reviews
        .iter()
        .any(|r| r.post_incident.is_none() && cx.is_open(r.id, "post_incident"))
    {
        return;
    }
    let posts: Vec<&Prop<crate::model::PostIncident>> = m
        .reviews
        .iter()
        .filter_map(|r| r.post_incident.as_ref())
        .collect();
    if posts.is_empty() && !cx.may_lack {
        return;
    }
    for (si, s) in m.scales.iter().enumerate() {
        for (li, l) in s.levels.iter().enumerate() {
            let at = match &l.review {
                Some(p) => p.value.span,
                None if cx.is_open(l.id, "review") => cx.head(l.id),
                None => continue,
            };
            let covered = posts.iter().any(|p| {
                p.value
                    .when
                    .as_ref()
                    .is_none_or(|w| holds_at(&w.cond, ScaleId(si as u32), li as u32) != Some(false))
            });
            if covered {
                continue;
            }
            let name = cx.name(l.id);
            let d = match posts.first() {
                None => Diagnostic::new(
                    Code::ReviewNotDefined,
                    at,
                    format!(
                        "level `{name}` requires a post-incident review, but no `review` \
                         declares `post_incident`"
                    ),
                )
                .label("review required here")
                .help(
                    "declare how post-incident reviews are held: `review { post_incident within \
                     10bd; owner ROLE }`",
                ),
                Some(p) => Diagnostic::new(
                    Code::ReviewNotDefined,
                    at,
                    format!(
                        "level `{name}` requires a post-incident review, but the `post_incident` \
                         review is not held at `{name}`"
                    ),
                )
                .label("review required here")
                .with_secondary(
                    p.value
                        .when
                        .as_ref()
                        .map_or(p.span(), |w| p.span().join(w.span())),
                    format!("not held at `{name}`"),
                )
                .help(format!(
                    "widen the `when` of `post_incident` to take in `{name}`, or remove `review` \
                     from the level"
                )),
            };
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use crate::diagnostics::Code;

    const ROLES: &str = "role ciso \"CISO\" { held_by tbd }\nrole lead \"Lead\" { held_by tbd }\nrole handler \"Handler\" { held_by tbd }\n";

    /// A scale `severity` of the levels given one a line.
    fn scale(levels: &str) -> String {
        let levels: String = levels.lines().map(|l| format!("  {l}\n")).collect();
        format!("{ROLES}scale severity \"S\" {{\n{levels}}}\n")
    }

    #[test]
    fn a_scheme_without_a_scale_of_three_levels_is_told() {
        let none = format!("policy \"P\" {{ owner ciso }}\n{ROLES}");
        assert_eq!(
            findings(Code::NoScale, &none),
            ["1: the scheme has no severity scale"]
        );
        let two = scale("level high \"H\"\nlevel low \"L\"\n");
        assert_eq!(
            findings(Code::NoScale, &two),
            ["4: the severity scale `severity` has only 2 levels"]
        );
        let three = scale("level a \"A\"\nlevel b \"B\"\nlevel c \"C\"\n");
        assert!(findings(Code::NoScale, &three).is_empty());
    }

    #[test]
    fn a_level_is_told_what_it_lacks() {
        let text = scale(
            "level a \"A\" { when tbd; acknowledge within 15m; decided_by ciso; notify [ciso] }\n\
             level b \"B\" { acknowledge within 1h }\n\
             level c \"C\" { decided_by lead; notify [lead] }\n",
        );
        assert_eq!(
            findings(Code::LevelIncomplete, &text),
            [
                "6: level `b` has no criteria, decider or notifications",
                "7: level `c` has no acknowledge target"
            ]
        );
    }

    #[test]
    fn a_scale_that_feeds_another_needs_only_targets() {
        let text = format!(
            "{}scale priority \"P\" {{ level p1 \"P1\" {{ acknowledge within 15m }}; level p2 \"P2\" }}\n\
             mapping m \"M\" {{ from priority; to severity; map p1 -> a; map p2 -> a }}\n",
            scale("level a \"A\" { acknowledge within 15m; decided_by ciso; notify [ciso] }\n")
        );
        assert_eq!(
            findings(Code::LevelIncomplete, &text),
            ["7: level `p2` has no acknowledge target"]
        );
    }

    #[test]
    fn a_more_severe_level_is_not_slower() {
        let text = scale(
            "level a \"A\" { acknowledge within 4h; resolve within 1d }\n\
             level b \"B\" { resolve within 2d }\n\
             level c \"C\" { acknowledge within 1h; resolve within 1mo }\n",
        );
        assert_eq!(
            findings(Code::SlowerWhenWorse, &text),
            [
                "5: the more severe `a` has a slower acknowledge target than `c`: `within 4h` against `within 1h`"
            ]
        );
        // A month is 28 to 31 days, a business day up to a week: not certainly slower.
        let text = scale(
            "level a \"A\" { acknowledge within 5bd }\nlevel b \"B\" { acknowledge within 6d }\n",
        );
        assert!(findings(Code::SlowerWhenWorse, &text).is_empty());
    }

    #[test]
    fn targets_within_a_level_are_in_order() {
        let text = scale(
            "level a \"A\" { acknowledge within 4h; start_work within 1h; contain within 8h; resolve within 2h }\n",
        );
        assert_eq!(
            findings(Code::TargetsOutOfOrder, &text),
            [
                "5: the acknowledge target of `a` is longer than its start-of-work target: `within 4h` against `within 1h`",
                "5: the containment target of `a` is longer than its resolution target: `within 8h` against `within 2h`"
            ]
        );
        let text = scale(
            "level a \"A\" { acknowledge within 1h; contain within 1h; resolve within 1d }\n",
        );
        assert!(findings(Code::TargetsOutOfOrder, &text).is_empty());
    }

    #[test]
    fn a_more_severe_level_is_not_decided_lower() {
        let text = format!(
            "role boss \"Boss\" {{ held_by tbd; outranks [ciso] }}\n{}",
            scale(
                "level a \"A\" { decided_by lead }\nlevel b \"B\" { decided_by handler }\nlevel c \"C\" { decided_by boss }\n"
            )
            .replace(
                "role ciso \"CISO\" { held_by tbd }",
                "role ciso \"CISO\" { held_by tbd; outranks [lead] }"
            )
        );
        assert_eq!(
            findings(Code::LowerAuthority, &text),
            [
                "6: the more severe `a` is decided by `lead`, whom `boss`, the decider of the less severe `c`, outranks"
            ]
        );
        let conditional = text.replace("outranks [ciso]", "outranks [ciso] when severity >= a");
        assert!(findings(Code::LowerAuthority, &conditional).is_empty());
    }

    #[test]
    fn a_team_decides_above_its_sub_teams() {
        let text = format!(
            "{ROLES}team isirt \"I\" {{ lead ciso }}\nteam forensics \"F\" {{ lead lead; reports_to isirt }}\n\
             scale severity \"S\" {{ level a \"A\" {{ decided_by forensics }}; level b \"B\" {{ decided_by isirt }} }}\n"
        );
        assert_eq!(
            findings(Code::LowerAuthority, &text),
            [
                "6: the more severe `a` is decided by `forensics`, whom `isirt`, the decider of the less severe `b`, outranks"
            ]
        );
    }

    #[test]
    fn a_more_severe_level_notifies_everyone_below_does() {
        let text = scale(
            "level a \"A\" { notify [ciso] }\nlevel b \"B\" { notify [ciso, lead, handler] }\nlevel c \"C\" { notify [handler] }\n",
        );
        assert_eq!(
            findings(Code::NotifiesFewer, &text),
            [
                "5: the more severe `a` does not notify `lead` and `handler`, whom the less severe `b` notifies"
            ]
        );
        let ok = scale("level a \"A\" { notify [ciso, lead] }\nlevel b \"B\" { notify [lead] }\n");
        assert!(findings(Code::NotifiesFewer, &ok).is_empty());
    }

    #[test]
    fn identical_levels_are_found() {
        let text = scale(
            "level a \"A\" { acknowledge within 15m; decided_by ciso; notify [ciso, lead] }\n\
             level b \"B\" { acknowledge within 1h; decided_by lead }\n\
             level c \"C\" { acknowledge within 60m; decided_by lead }\n\
             level d \"D\" { acknowledge within 15m; decided_by ciso; notify [lead, ciso] }\n",
        );
        assert_eq!(
            findings(Code::IdenticalLevels, &text),
            [
                "7: levels `b` and `c` differ in nothing",
                "8: levels `a` and `d` differ in nothing"
            ]
        );
        let ok = scale("level a \"A\" { acknowledge tbd }\nlevel b \"B\" { acknowledge tbd }\n");
        assert!(findings(Code::IdenticalLevels, &ok).is_empty());
    }

    #[test]
    fn scales_in_use_are_mapped() {
        let scales = "scale severity \"S\" { level sev1 \"1\"; level sev2 \"2\" }\n\
             scale priority \"P\" { level p1 \"1\"; level p2 \"2\" }\n\
             category malware \"M\" { minimum sev1 }\n\
             category spam \"S\" { minimum p2 }\n";
        assert_eq!(
            findings(Code::UnmappedScales, scales),
            ["2: scales `severity` and `priority` are both in use, with no mapping between them"]
        );
        let mapped = format!(
            "{scales}mapping m \"M\" {{ from priority; to severity; map p1 -> sev1; map p2 -> sev2 }}\n"
        );
        assert!(findings(Code::UnmappedScales, &mapped).is_empty());
        // Through a third scale.
        let chained = format!(
            "{scales}scale group \"G\" {{ level g1 \"1\"; level g2 \"2\" }}\n\
             mapping a \"A\" {{ from priority; to group; map p1 -> g1; map p2 -> g2 }}\n\
             mapping b \"B\" {{ from severity; to group; map sev1 -> g1; map sev2 -> g2 }}\n"
        );
        assert!(findings(Code::UnmappedScales, &chained).is_empty());
        // A scale named nowhere is not in use.
        let unused = scales.replace("minimum p2", "minimum sev2");
        assert!(findings(Code::UnmappedScales, &unused).is_empty());
    }

    #[test]
    fn a_review_a_level_requires_is_defined() {
        let levels = scale(
            "level a \"A\" { review within 5d }\nlevel b \"B\" { review within 10d }\nlevel c \"C\"\n",
        );
        assert_eq!(
            findings(Code::ReviewNotDefined, &levels),
            [
                "5: level `a` requires a post-incident review, but no `review` declares `post_incident`",
                "6: level `b` requires a post-incident review, but no `review` declares `post_incident`"
            ]
        );
        let narrow = format!("{levels}review {{ post_incident within 5d when severity >= a }}\n");
        assert_eq!(
            findings(Code::ReviewNotDefined, &narrow),
            [
                "6: level `b` requires a post-incident review, but the `post_incident` review is not held at `b`"
            ]
        );
        let wide = format!("{levels}review {{ post_incident within 5d when severity >= b }}\n");
        assert!(findings(Code::ReviewNotDefined, &wide).is_empty());
        let unknown =
            format!("{levels}fact f \"F\"\nreview {{ post_incident within 5d when f }}\n");
        assert!(findings(Code::ReviewNotDefined, &unknown).is_empty());
    }
}
