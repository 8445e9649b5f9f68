//! Procedures as graphs (IMP20xx): every step reached from the start, every path able to
//! end, no cycle without a way out, the post-incident review on every path of an incident
//! that needs one, evidence collected before eradication where legal action is possible,
//! no decision option that leads nowhere, and approvals that someone can give.
//!
//! # The graph of a procedure
//!
//! A procedure runs its effective steps (its bases', changed by overrides, then its own;
//! [`Steps`]). Each is a node; where it goes when it is done is an edge, as the language
//! defines it: its `next`; without `next`, the step written after it in the procedure that
//! writes it; a decision through its options (an option without `next` takes the decision's
//! own `next`, if it has one) and its own `next`; a parallel step to its branches and, after
//! them, to its `next` (or the step written after it). A path *ends* at an `end` step, at a
//! branch of a parallel step without `next`, and at the last step written without `next`.
//!
//! Each procedure is walked once, bases first, and a finding is keyed by the versions of the
//! steps it is about: a defect that a base has is reported in the base, not again in every
//! procedure that extends it; one that only an extension has (an override changed a `next`)
//! is reported there. A step whose way on is not known (a name that did not resolve, a `next`
//! left open, a declaration read with an error) may end and may lead anywhere: nothing is
//! said that depends on it. Every walk is iterative and linear in the steps walked; the walks
//! share a budget linear in the steps written (a long chain of `extends` would otherwise cost
//! its square), and a procedure that no longer fits is not walked.

use super::Context;
use super::procedures::{Steps, Version, effective_lengths};
use super::severity::holds_at;
use crate::diagnostics::{Code, Diagnostic, backticked};
use crate::model::{
    CategoryId, Holder, LevelId, Loc, Map, PersonId, Phase, ProcedureId, Prop, Quorum, Ref,
    RoleHolder, RoleOrPerson, ScheduleId, Set, StepBody, StepId, StepKind, Threat,
};
use crate::source::Span;

pub(super) fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    if m.procedures.is_empty() {
        return;
    }
    let steps = cx.steps();
    option_leads_nowhere(cx, steps, out);
    approver_unreachable(cx, out);
    let duties = Duties::of(cx);
    let lengths = effective_lengths(m);
    let written: usize = m
        .procedures
        .iter()
        .map(|p| p.steps.len() + p.overrides.len())
        .sum();
    let mut budget = 4 * written + (1 << 16);
    // Bases first: a procedure after every procedure it extends.
    let mut order: Vec<ProcedureId> = (0..m.procedures.len())
        .map(|i| ProcedureId(i as u32))
        .collect();
    order.sort_by_key(|p| (lengths[p.0 as usize] - m[*p].steps.len(), p.0));
    let mut reported: Set<(Code, Vec<usize>)> = Set::default();
    for p in order {
        let cost = lengths[p.0 as usize];
        if cost > budget {
            continue;
        }
        budget -= cost;
        let Some(g) = Graph::of(cx, steps, p) else {
            continue;
        };
        let reach = g.walk(g.start, |_, _| true);
        unreachable(cx, &g, &reach, &mut reported, out);
        never_ends(cx, &g, &reach, &mut reported, out);
        if let Some(need) = duties.review.get(&p) {
            review_skipped(cx, &g, *need, &mut reported, out);
        }
        if let Some(why) = duties.legal.get(&p) {
            eradication_before_evidence(cx, steps, &g, *why, &mut reported, out);
        }
    }
}

/// How a path goes from one step to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Via {
    /// Its `next`, or the step written after it.
    Next,
    /// An option of a decision (its position in the version's options).
    Option(u32),
    /// A branch of a parallel step.
    Branch,
    /// After the branches of a parallel step, its `next` (or the step written after it).
    Join,
}

/// How a step ends a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ending {
    /// It does not: it leads on.
    No,
    /// An `end` step.
    End,
    /// A branch of a parallel step without `next`: it ends its branch.
    Branch,
    /// The last step written, without `next`.
    Last,
}

#[derive(Debug)]
struct Node<'a> {
    version: usize,
    v: &'a Version<'a>,
    edges: Vec<(usize, Via)>,
    ending: Ending,
    /// Its way on is not all known.
    unknown: bool,
    /// An `end` step with `review` (its own or an override's).
    review: bool,
}

/// The effective steps of a procedure as a graph.
struct Graph<'a> {
    procedure: ProcedureId,
    nodes: Vec<Node<'a>>,
    start: usize,
}

impl<'a> Graph<'a> {
    fn of(cx: &Context<'a>, steps: &'a Steps<'a>, p: ProcedureId) -> Option<Graph<'a>> {
        let m = cx.model;
        let proc = &m[p];
        let unresolved = proc
            .start
            .as_ref()
            .is_some_and(|s| s.value.target.is_none());
        if unresolved || !cx.read_cleanly(proc.id) || cx.is_open(proc.id, "start") {
            return None;
        }
        let eff = m.effective_steps(p);
        if eff.is_empty() {
            return None;
        }
        let at: Map<StepId, usize> = eff.iter().enumerate().map(|(k, e)| (e.step, k)).collect();
        let mut found = Vec::with_capacity(eff.len());
        for e in &eff {
            let i = steps.effective_index(e.step, &e.overrides)?;
            found.push((i, &steps.versions[i], e));
        }
        let branch: Set<StepId> = found
            .iter()
            .flat_map(|(_, v, _)| v.branches.iter().flatten().filter_map(|r| r.target))
            .collect();
        let mut nodes = Vec::with_capacity(found.len());
        for (i, v, e) in found {
            let step = &m[v.step];
            // Whether a list property is left open in the step or an override of it.
            let open = |key: &str| {
                cx.is_open(step.id, key) || e.overrides.iter().any(|o| cx.is_open(m[*o].id, key))
            };
            let unknown = std::cell::Cell::new(
                !cx.read_cleanly(step.id)
                    || e.overrides.iter().any(|o| !cx.read_cleanly(m[*o].id))
                    || open("next"),
            );
            let mut edges = Vec::new();
            let add = |list: &[Ref<StepId>], via: Via, edges: &mut Vec<(usize, Via)>| {
                for r in list {
                    match r.target.and_then(|t| at.get(&t)) {
                        Some(&k) => edges.push((k, via)),
                        None => unknown.set(true),
                    }
                }
            };
            let after = || {
                let s = StepId {
                    procedure: v.step.procedure,
                    index: v.step.index + 1,
                };
                at.get(&s).copied()
            };
            let mut ending = Ending::No;
            let mut review = false;
            match &step.body {
                StepBody::End { review: r, .. } => {
                    ending = Ending::End;
                    review = r.is_some() || e.overrides.iter().any(|o| m[*o].review.is_some());
                }
                StepBody::Decision { .. } => {
                    if v.options.is_empty() {
                        unknown.set(true);
                    }
                    for (k, o) in v.options.iter().enumerate() {
                        if cx.is_open(o.id, "next") || !cx.read_cleanly(o.id) {
                            unknown.set(true);
                        }
                        match (&o.next, &v.next) {
                            (Some(n), _) => add(&n.value.items, Via::Option(k as u32), &mut edges),
                            (None, Some(n)) => add(n, Via::Option(k as u32), &mut edges),
                            (None, None) => {}
                        }
                    }
                    if let Some(n) = &v.next {
                        add(n, Via::Next, &mut edges);
                    }
                }
                StepBody::Parallel { .. } => {
                    if open("branches") {
                        unknown.set(true);
                    }
                    add(
                        v.branches.as_deref().unwrap_or(&[]),
                        Via::Branch,
                        &mut edges,
                    );
                    match &v.next {
                        Some(n) => add(n, Via::Join, &mut edges),
                        None if branch.contains(&v.step) => ending = Ending::Branch,
                        None => match after() {
                            Some(k) => edges.push((k, Via::Join)),
                            None => ending = Ending::Last,
                        },
                    }
                }
                _ => match &v.next {
                    Some(n) => add(n, Via::Next, &mut edges),
                    None if branch.contains(&v.step) => ending = Ending::Branch,
                    None => match after() {
                        Some(k) => edges.push((k, Via::Next)),
                        None => ending = Ending::Last,
                    },
                },
            }
            nodes.push(Node {
                version: i,
                v,
                edges,
                ending,
                unknown: unknown.get(),
                review,
            });
        }
        let start = proc
            .start
            .as_ref()
            .and_then(|s| s.value.target)
            .and_then(|s| at.get(&s).copied())
            .unwrap_or(0);
        Some(Graph {
            procedure: p,
            nodes,
            start,
        })
    }

    /// The steps reached from `from` along the edges `follow` allows, not going on from a
    /// step `follow` refuses every edge of; for each, the step it was first reached from
    /// (breadth first: a shortest path), `usize::MAX` for `from` and for steps not reached.
    fn walk(&self, from: usize, follow: impl Fn(usize, Via) -> bool) -> Vec<usize> {
        let mut parent = vec![usize::MAX; self.nodes.len()];
        let mut seen = vec![false; self.nodes.len()];
        let mut queue = std::collections::VecDeque::from([from]);
        seen[from] = true;
        while let Some(k) = queue.pop_front() {
            for &(t, via) in &self.nodes[k].edges {
                if !seen[t] && follow(k, via) {
                    seen[t] = true;
                    parent[t] = k;
                    queue.push_back(t);
                }
            }
        }
        // `seen` is folded into `parent`: the start points at itself.
        parent[from] = from;
        for (k, s) in seen.iter().enumerate() {
            if !s {
                parent[k] = usize::MAX;
            }
        }
        parent
    }

    /// The path from the start to `to` in the result of a walk.
    fn path(&self, parent: &[usize], to: usize) -> Vec<usize> {
        let mut path = vec![to];
        let mut at = to;
        while parent[at] != at && parent[at] != usize::MAX {
            at = parent[at];
            path.push(at);
        }
        path.reverse();
        path
    }

    /// How the path goes from `a` to `b` (the first edge between them).
    fn via(&self, a: usize, b: usize) -> Via {
        self.nodes[a]
            .edges
            .iter()
            .find(|(t, _)| *t == b)
            .map_or(Via::Next, |(_, v)| *v)
    }
}

/// The name of a step of a graph.
fn step_name<'a>(cx: &Context<'a>, g: &Graph, k: usize) -> &'a str {
    cx.name(cx.model[g.nodes[k].v.step].id)
}

fn step_span(cx: &Context, g: &Graph, k: usize) -> Span {
    cx.head(cx.model[g.nodes[k].v.step].id)
}

/// Adds a path to a finding, a label at each step in the order of travel.
fn with_path(cx: &Context, g: &Graph, mut d: Diagnostic, path: &[usize]) -> Diagnostic {
    for (i, &k) in path.iter().enumerate() {
        let name = step_name(cx, g, k);
        let label = if i == 0 {
            format!("start at `{name}`")
        } else {
            let prev = path[i - 1];
            match g.via(prev, k) {
                Via::Next => format!("then `{name}`"),
                Via::Option(o) => format!(
                    "option `{}`: `{name}`",
                    cx.name(g.nodes[prev].v.options[o as usize].id)
                ),
                Via::Branch => format!("branch `{name}`"),
                Via::Join => format!("after the branches, `{name}`"),
            }
        };
        d = d.step(step_span(cx, g, k), label);
    }
    d
}

/// "in `p`", for a finding about an inherited step that only an extension has.
fn in_procedure(cx: &Context, g: &Graph, k: usize) -> String {
    let v = g.nodes[k].v;
    if v.step.procedure == g.procedure {
        String::new()
    } else {
        format!(" in `{}`", cx.name(cx.model[g.procedure].id))
    }
}

/// IMP2001: a step no path from the start reaches.
fn unreachable(
    cx: &Context,
    g: &Graph,
    reach: &[usize],
    reported: &mut Set<(Code, Vec<usize>)>,
    out: &mut Vec<Diagnostic>,
) {
    // A step whose way on is not known may lead to any other.
    if g.nodes.iter().any(|n| n.unknown) {
        return;
    }
    let m = cx.model;
    for (k, n) in g.nodes.iter().enumerate() {
        if reach[k] != usize::MAX || !reported.insert((Code::StepUnreachable, vec![n.version])) {
            continue;
        }
        let step = &m[n.v.step];
        let start = g.start;
        let start_label = if m[g.procedure].start.is_some() {
            "the procedure starts here"
        } else {
            "the procedure starts here, at its first step"
        };
        let mut d = cx
            .at(
                Code::StepUnreachable,
                step.id,
                format!(
                    "{} `{}` is never reached from the start{}",
                    cx.keyword(step.id),
                    cx.name(step.id),
                    in_procedure(cx, g, k)
                ),
            )
            .label("no path from the start leads here")
            .with_secondary(step_span(cx, g, start), start_label);
        if n.v.step.procedure != g.procedure {
            d = d.with_secondary(
                cx.head(m[g.procedure].id),
                "the procedure that extends it no longer leads there",
            );
        }
        out.push(d.help(
            "name it in the `next` of the step that comes before it (or in a decision's option, \
             or a parallel step's `branches`), or delete it",
        ));
    }
}

/// IMP2002 and IMP2003: a path from the start that can never end: into a step with nowhere
/// to go, or into a cycle with no way out. Only the causes are reported, not every step that
/// leads to them.
fn never_ends(
    cx: &Context,
    g: &Graph,
    reach: &[usize],
    reported: &mut Set<(Code, Vec<usize>)>,
    out: &mut Vec<Diagnostic>,
) {
    let n = g.nodes.len();
    // The steps from which a path can end (or may: a step whose way on is not known).
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (k, node) in g.nodes.iter().enumerate() {
        for &(t, _) in &node.edges {
            preds[t].push(k);
        }
    }
    let mut ends = vec![false; n];
    let mut stack: Vec<usize> = (0..n)
        .filter(|&k| g.nodes[k].ending != Ending::No || g.nodes[k].unknown)
        .collect();
    for &k in &stack {
        ends[k] = true;
    }
    while let Some(k) = stack.pop() {
        for &p in &preds[k] {
            if !ends[p] {
                ends[p] = true;
                stack.push(p);
            }
        }
    }
    let dead: Vec<usize> = (0..n)
        .filter(|&k| !ends[k] && reach[k] != usize::MAX)
        .collect();
    if dead.is_empty() {
        return;
    }
    let m = cx.model;
    // Every step a dead step leads to is dead. The causes are the dead steps that lead
    // nowhere, and the cycles that no dead step outside them leads away from: the strongly
    // connected components of the dead steps without an edge to another.
    let mut graph = petgraph::graph::DiGraph::<usize, ()>::new();
    let mut ix: Map<usize, petgraph::graph::NodeIndex> = Map::default();
    for &k in &dead {
        ix.insert(k, graph.add_node(k));
    }
    for &k in &dead {
        for &(t, _) in &g.nodes[k].edges {
            if let (Some(&a), Some(&b)) = (ix.get(&k), ix.get(&t)) {
                graph.update_edge(a, b, ());
            }
        }
    }
    let mut comps = petgraph::algo::kosaraju_scc(&graph);
    for c in &mut comps {
        c.sort_unstable();
    }
    comps.sort_unstable_by_key(|c| c.first().map(|i| graph[*i]));
    for comp in comps {
        let members: Set<usize> = comp.iter().map(|i| graph[*i]).collect();
        let leaves = comp
            .iter()
            .any(|i| graph.neighbors(*i).any(|j| !members.contains(&graph[j])));
        if leaves {
            continue;
        }
        let first = graph[comp[0]];
        let node = &g.nodes[first];
        let step = &m[node.v.step];
        if comp.len() == 1 && node.edges.is_empty() {
            // A decision whose options lead nowhere is IMP2006's.
            if step.kind() == StepKind::Decision
                || !reported.insert((Code::BranchNeverEnds, vec![node.v_index()]))
            {
                continue;
            }
            let path = g.path(reach, first);
            let mut d = cx
                .at(
                    Code::BranchNeverEnds,
                    step.id,
                    format!(
                        "the path through {} `{}` never ends: its `next` names no step{}",
                        cx.keyword(step.id),
                        cx.name(step.id),
                        in_procedure(cx, g, first)
                    ),
                )
                .label("nowhere to go from here");
            if let Some(by) = node.v.by {
                d = d.with_secondary(
                    cx.head(m[by].id),
                    "this override leaves it without a next step",
                );
            }
            d = with_path(cx, g, d, &path);
            out.push(d.help(
                "name the step that follows in `next`, or make the step an `end` if the \
                 procedure ends there",
            ));
            continue;
        }
        // A single step whose own `next` names itself is IMP0609's.
        if comp.len() == 1 {
            let own = node
                .v
                .next
                .iter()
                .flatten()
                .any(|r| r.target == Some(node.v.step));
            if own && node.v.by.is_none() {
                continue;
            }
            if !node.edges.iter().any(|(t, _)| *t == first) {
                continue;
            }
        }
        let mut key: Vec<usize> = members.iter().map(|k| g.nodes[*k].version).collect();
        key.sort_unstable();
        if !reported.insert((Code::CycleWithoutExit, key)) {
            continue;
        }
        // The cycle in order of travel: from its first step reached from the start, along
        // edges inside it, back to the first.
        let entry = *members
            .iter()
            .min_by_key(|k| (g.path(reach, **k).len(), **k))
            .unwrap_or(&first);
        let cycle = cycle_through(g, &members, entry);
        let estep = &m[g.nodes[entry].v.step];
        let names: Vec<&str> = cycle.iter().map(|k| step_name(cx, g, *k)).collect();
        let mut d = cx
            .at(
                Code::CycleWithoutExit,
                estep.id,
                format!(
                    "the steps {} go round in a cycle with no way out{}",
                    backticked(&names, ", "),
                    in_procedure(cx, g, entry)
                ),
            )
            .label("the cycle starts here");
        for (i, &k) in cycle.iter().enumerate() {
            let name = step_name(cx, g, k);
            d = d.step(
                step_span(cx, g, k),
                if i == 0 {
                    format!("`{name}`")
                } else {
                    format!("then `{name}`")
                },
            );
        }
        d = d.step(
            step_span(cx, g, entry),
            format!("back to `{}`", step_name(cx, g, entry)),
        );
        out.push(d.help(
            "give one step of the cycle a way out: a decision with an option that leads on, or \
             a `next` to a step that ends the procedure",
        ));
    }
}

impl Node<'_> {
    fn v_index(&self) -> usize {
        self.version
    }
}

/// A cycle through `from` inside a strongly connected set of steps: a shortest path from it
/// back to it, breadth first.
fn cycle_through(g: &Graph, members: &Set<usize>, from: usize) -> Vec<usize> {
    let mut parent: Map<usize, usize> = Map::default();
    let mut queue = std::collections::VecDeque::from([from]);
    while let Some(k) = queue.pop_front() {
        for &(t, _) in &g.nodes[k].edges {
            if !members.contains(&t) {
                continue;
            }
            if t == from {
                let mut path = vec![k];
                let mut at = k;
                while at != from {
                    at = parent[&at];
                    path.push(at);
                }
                path.reverse();
                return path;
            }
            if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(t) {
                e.insert(k);
                queue.push_back(t);
            }
        }
    }
    vec![from]
}

/// IMP2006: an option of a decision that leads nowhere: no `next` (or an empty one), in a
/// decision without a `next` of its own.
fn option_leads_nowhere(cx: &Context, steps: &Steps, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    let mut seen: Set<crate::model::DeclId> = Set::default();
    for v in &steps.versions {
        let step = &m[v.step];
        if step.kind() != StepKind::Decision {
            continue;
        }
        let default = v.next.as_ref().is_some_and(|n| !n.is_empty());
        let open_default =
            cx.is_open(step.id, "next") || v.by.is_some_and(|o| cx.is_open(m[o].id, "next"));
        for o in v.options {
            let nowhere = match &o.next {
                None => !default && !open_default,
                Some(n) => n.value.items.is_empty(),
            };
            if !nowhere || cx.is_open(o.id, "next") || !cx.read_cleanly(o.id) || !seen.insert(o.id)
            {
                continue;
            }
            out.push(
                cx.at(
                    Code::OptionLeadsNowhere,
                    o.id,
                    format!(
                        "option `{}` of decision `{}` leads nowhere",
                        cx.name(o.id),
                        cx.name(step.id)
                    ),
                )
                .label(if o.next.is_some() {
                    "its `next` names no step"
                } else {
                    "no `next`"
                })
                .with_secondary(cx.head(step.id), "a decision without a `next` of its own")
                .help(
                    "say where the option leads: `next STEP` in the option (or give the decision \
                     a `next` that its options without one take)",
                ),
            );
        }
    }
}

/// Which procedures must lead every incident to a post-incident review, and which must
/// collect evidence before eradication.
struct Duties {
    /// Procedures of a category whose every incident is reviewed: the category, and its
    /// minimum level.
    review: Map<ProcedureId, (CategoryId, LevelId)>,
    /// Procedures where legal action is possible, and why.
    legal: Map<ProcedureId, Legal>,
}

#[derive(Debug, Clone, Copy)]
enum Legal {
    /// The procedure of a category of deliberate threats.
    Deliberate(CategoryId),
    /// A procedure that serves the `forensics` phase.
    Forensics,
}

impl Duties {
    fn of(cx: &Context) -> Duties {
        let m = cx.model;
        let posts: Vec<_> = m
            .reviews
            .iter()
            .filter_map(|r| r.post_incident.as_ref())
            .collect();
        // Whether an incident at a level is reviewed: the level says so, or a `post_incident`
        // review is held at it.
        let reviewed = |l: LevelId| {
            m[l].review.is_some()
                || posts.iter().any(|p| {
                    p.value
                        .when
                        .as_ref()
                        .is_none_or(|w| holds_at(&w.cond, l.scale, l.index) == Some(true))
                })
        };
        let mut review: Map<ProcedureId, (CategoryId, LevelId)> = Map::default();
        let mut legal: Map<ProcedureId, Legal> = Map::default();
        // Each category's minimum level, threat and procedure, its own or from the category
        // it is nested in (a category comes after the one it is in).
        let mut eff: Vec<(Option<LevelId>, Option<Threat>, Option<ProcedureId>)> =
            Vec::with_capacity(m.categories.len());
        for (i, c) in m.categories.iter().enumerate() {
            let parent = c.parent.and_then(|p| eff.get(p.value.0 as usize).copied());
            let level = match &c.minimum {
                Some(l) => l.value.target,
                None => parent.and_then(|p| p.0),
            };
            let threat = match &c.threat {
                Some(t) => Some(t.value.value),
                None => parent.and_then(|p| p.1),
            };
            let procedure = match &c.procedure {
                Some(p) => p.value.target,
                None => parent.and_then(|p| p.2),
            };
            eff.push((level, threat, procedure));
            let Some(p) = procedure else { continue };
            let cat = CategoryId(i as u32);
            if threat == Some(Threat::Deliberate) {
                legal.entry(p).or_insert(Legal::Deliberate(cat));
            }
            // Every level at or above the minimum is reviewed.
            if let Some(l) = level
                && (0..=l.index).all(|k| {
                    reviewed(LevelId {
                        scale: l.scale,
                        index: k,
                    })
                })
            {
                review.entry(p).or_insert((cat, l));
            }
        }
        for (i, p) in m.procedures.iter().enumerate() {
            // With a declared lifecycle, `phase` names its phases (`lifecycle_phases`).
            let forensics = p
                .phase
                .iter()
                .flat_map(|l| l.value.items.iter())
                .any(|t| t.value == Phase::Forensics)
                || p.lifecycle_phases
                    .iter()
                    .flat_map(|l| l.value.items.iter())
                    .any(|t| cx.text(t.span) == "forensics");
            if forensics {
                legal
                    .entry(ProcedureId(i as u32))
                    .or_insert(Legal::Forensics);
            }
        }
        Duties { review, legal }
    }
}

/// Whether a procedure is a post-incident review: it serves the `review` or
/// `lessons_learnt` phase (of the language, or of its lifecycle).
fn is_review(cx: &Context, p: ProcedureId) -> bool {
    let proc = &cx.model[p];
    proc.phase
        .iter()
        .flat_map(|l| l.value.items.iter())
        .any(|t| matches!(t.value, Phase::Review | Phase::LessonsLearnt))
        || proc
            .lifecycle_phases
            .iter()
            .flat_map(|l| l.value.items.iter())
            .any(|t| {
                let w = cx.text(t.span);
                w.contains("review") || w.contains("lessons") || w == "post_incident_activity"
            })
}

/// Whether a procedure collects evidence: it serves the `forensics` phase, or a step of its
/// own or of a base collects.
fn collects(cx: &Context, p: ProcedureId) -> bool {
    let m = cx.model;
    let mut at = Some(p);
    let mut seen: Set<ProcedureId> = Set::default();
    while let Some(q) = at {
        if !seen.insert(q) {
            break;
        }
        let proc = &m[q];
        let forensics = proc
            .phase
            .iter()
            .flat_map(|l| l.value.items.iter())
            .any(|t| t.value == Phase::Forensics);
        if forensics || proc.steps.iter().any(|s| s.kind() == StepKind::Collect) {
            return true;
        }
        at = proc.extends.as_ref().and_then(|e| e.value.target);
    }
    false
}

/// The procedure a `run` step runs.
fn runs(v: &Version, cx: &Context) -> Option<ProcedureId> {
    let step = &cx.model[v.step];
    let mut p = match &step.body {
        StepBody::Run { procedure } => procedure.as_ref().and_then(|p| p.value.target),
        _ => return None,
    };
    if let Some(o) = v.by {
        // The override nearest the procedure wins; versions merge from the base down, so
        // the override that makes this version is the last word.
        if let Some(q) = &cx.model[o].procedure {
            p = q.value.target;
        }
    }
    p
}

/// IMP2004: a procedure whose every incident needs a post-incident review, with a path from
/// the start to an end that passes no review.
fn review_skipped(
    cx: &Context,
    g: &Graph,
    (cat, level): (CategoryId, LevelId),
    reported: &mut Set<(Code, Vec<usize>)>,
    out: &mut Vec<Diagnostic>,
) {
    let m = cx.model;
    // A step that holds the review: an `end` with `review`, or a `run` of a review procedure.
    let holds_review =
        |k: usize| g.nodes[k].review || runs(g.nodes[k].v, cx).is_some_and(|p| is_review(cx, p));
    // An option that cannot apply at the category's levels is not the incident's path.
    let applies = |k: usize, o: u32| {
        let Some(opt) = g.nodes[k].v.options.get(o as usize) else {
            return true;
        };
        let Some(w) = &opt.when else { return true };
        (0..=level.index).any(|i| holds_at(&w.cond, level.scale, i) != Some(false))
    };
    // The incident's path goes on after the branches of a parallel step, not into them (but
    // into them when nothing follows them).
    let follow = |k: usize, via: Via| {
        if holds_review(k) {
            return false;
        }
        let node = &g.nodes[k];
        match via {
            Via::Branch => !node.edges.iter().any(|(_, v)| *v == Via::Join),
            Via::Option(o) => applies(k, o),
            _ => true,
        }
    };
    let parent = g.walk(g.start, follow);
    for (k, node) in g.nodes.iter().enumerate() {
        if parent[k] == usize::MAX || node.ending == Ending::No || holds_review(k) {
            continue;
        }
        // A parallel step that ends after its branches ends in them.
        if node.edges.iter().any(|(_, v)| *v == Via::Branch) {
            continue;
        }
        if node.ending == Ending::Branch && parent[k] != k {
            // A branch ends its branch; the incident goes on after it, unless the parallel
            // step has nothing after its branches.
            let from = parent[k];
            if g.via(from, k) == Via::Branch
                && g.nodes[from].edges.iter().any(|(_, v)| *v == Via::Join)
            {
                continue;
            }
        }
        if !reported.insert((Code::ReviewSkipped, vec![node.version])) {
            continue;
        }
        let step = &m[node.v.step];
        let category = &m.categories[cat.0 as usize];
        let path = g.path(&parent, k);
        let mut d = cx
            .at(
                Code::ReviewSkipped,
                step.id,
                format!(
                    "incidents of `{}` (at least `{}`) can end at `{}` without a post-incident \
                     review{}",
                    cx.name(category.id),
                    cx.name(m[level].id),
                    cx.name(step.id),
                    in_procedure(cx, g, k)
                ),
            )
            .label(if node.ending == Ending::End {
                "an `end` without `review`"
            } else {
                "the path ends here, without a review"
            });
        if let Some(p) = &category.procedure {
            d = d.with_secondary(
                p.value.span,
                format!("the procedure of `{}`", cx.name(category.id)),
            );
        }
        if let Some(min) = &category.minimum {
            d = d.with_secondary(
                min.value.span,
                format!(
                    "every level from `{}` up requires a post-incident review",
                    cx.name(m[level].id)
                ),
            );
        }
        d = with_path(cx, g, d, &path);
        out.push(d.help(
            "end the path at an `end` step with `review` (an override can add it: `override \
             STEP { review }`), or run the review procedure before it ends",
        ));
    }
}

/// Whether a step is in an eradication phase: a `during` block whose phase is an eradication
/// phase of a declared lifecycle (`eradication`, `eradicate`, `eradication_and_recovery`; a
/// phase that also names containment, as NIST's does, is not).
fn eradication_phase<'a>(cx: &Context<'a>, steps: &Steps, v: &Version) -> Option<Span> {
    let k = steps.stage(v.step)?;
    let phase = cx.model[v.step.procedure].stages[k as usize].phase.span;
    let word = cx.text(phase);
    (word.starts_with("eradicat") && !word.contains("contain")).then_some(phase)
}

/// IMP2005: where legal action is possible, a path from the start that reaches a step of an
/// eradication phase before any step that collects evidence.
fn eradication_before_evidence(
    cx: &Context,
    steps: &Steps,
    g: &Graph,
    why: Legal,
    reported: &mut Set<(Code, Vec<usize>)>,
    out: &mut Vec<Diagnostic>,
) {
    let m = cx.model;
    let phases: Vec<Option<Span>> = g
        .nodes
        .iter()
        .map(|n| eradication_phase(cx, steps, n.v))
        .collect();
    if phases.iter().all(Option::is_none) {
        return;
    }
    // A step that collects evidence: a `collect`, or a `run` of a procedure that does.
    let collecting = |k: usize| {
        let v = g.nodes[k].v;
        m[v.step].kind() == StepKind::Collect || runs(v, cx).is_some_and(|p| collects(cx, p))
    };
    // Evidence collected in a branch of a parallel step is collected before the step after
    // the branches (but not before the other branches, which run at the same time).
    let follow = |k: usize, via: Via| {
        if collecting(k) {
            return false;
        }
        via != Via::Join
            || !g.nodes[k]
                .edges
                .iter()
                .any(|(t, v)| *v == Via::Branch && collecting(*t))
    };
    let parent = g.walk(g.start, follow);
    for (k, node) in g.nodes.iter().enumerate() {
        let Some(phase) = phases[k] else { continue };
        if parent[k] == usize::MAX
            || collecting(k)
            || !reported.insert((Code::EradicationBeforeEvidence, vec![node.version]))
        {
            continue;
        }
        let step = &m[node.v.step];
        let path = g.path(&parent, k);
        let mut d = cx
            .at(
                Code::EradicationBeforeEvidence,
                step.id,
                format!(
                    "{} `{}` may eradicate before any evidence is collected{}",
                    cx.keyword(step.id),
                    cx.name(step.id),
                    in_procedure(cx, g, k)
                ),
            )
            .label("a step of the eradication phase")
            .with_secondary(phase, "the eradication phase");
        d = match why {
            Legal::Deliberate(c) => {
                let cat = &m.categories[c.0 as usize];
                d.with_secondary(
                    cat.procedure
                        .as_ref()
                        .map_or(cx.head(cat.id), |p| p.value.span),
                    format!(
                        "the procedure of `{}`, a deliberate threat: legal action is possible",
                        cx.name(cat.id)
                    ),
                )
            }
            Legal::Forensics => d.with_secondary(
                cx.head(m[g.procedure].id),
                "a procedure that serves `forensics`: legal action is possible",
            ),
        };
        d = with_path(cx, g, d, &path);
        out.push(d.help(
            "collect the evidence first: a `collect` step (or a `run` of the evidence \
             procedure) on every path before eradication, or in a branch of a parallel step \
             that comes before it",
        ));
    }
}

/// IMP2007: a step's `approved_by` that cannot be met: approvers who stand for nobody, or
/// fewer different people than the quorum needs.
fn approver_unreachable(cx: &Context, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    for p in &m.procedures {
        let written = p
            .steps
            .iter()
            .map(|s| (s.id, s.common.approved_by.as_ref()))
            .chain(
                p.overrides
                    .iter()
                    .map(|o| (o.id, o.common.approved_by.as_ref())),
            );
        for (id, q) in written {
            let Some(q) = q else { continue };
            if cx.read_cleanly(id) {
                quorum(cx, id, q, out);
            }
        }
    }
}

/// The most people looked for behind one approver, and the most holders walked.
const PEOPLE_CAP: usize = 64;
const WALK_CAP: usize = 4096;

/// The people who can act for a holder: its holders, backups, members and rotas, to any
/// depth. `None` when that is not known: someone outside, a role appointed per incident, a
/// holder left open or not read, or more than can be told apart.
fn people(cx: &Context, from: Loc) -> Option<Vec<PersonId>> {
    let m = cx.model;
    let mut found: Vec<PersonId> = Vec::new();
    let mut seen: Set<Loc> = Set::from_iter([from]);
    let mut todo = vec![from];
    let push = |l: Loc, todo: &mut Vec<Loc>, seen: &mut Set<Loc>| {
        if seen.insert(l) {
            todo.push(l);
        }
    };
    while let Some(l) = todo.pop() {
        if seen.len() > WALK_CAP || found.len() > PEOPLE_CAP {
            return None;
        }
        match l {
            Loc::Person(p) => found.push(p),
            Loc::Role(r) => {
                let role = &m[r];
                if !cx.read_cleanly(role.id)
                    || cx.is_open(role.id, "held_by")
                    || cx.is_open(role.id, "backup")
                    || role.assigned_by.is_some()
                {
                    return None;
                }
                for h in role.held_by.iter().flat_map(|h| h.value.of.items.iter()) {
                    let to = match h.target? {
                        RoleHolder::Person(p) => Loc::Person(p),
                        RoleHolder::Schedule(s) => Loc::Schedule(s),
                        RoleHolder::Team(t) => Loc::Team(t),
                        RoleHolder::Role(r) => Loc::Role(r),
                    };
                    push(to, &mut todo, &mut seen);
                }
                for b in role.backup.iter().flat_map(|b| b.value.items.iter()) {
                    let to = match b.target? {
                        crate::model::Backup::Person(p) => Loc::Person(p),
                        crate::model::Backup::Schedule(s) => Loc::Schedule(s),
                        crate::model::Backup::Role(r) => Loc::Role(r),
                    };
                    push(to, &mut todo, &mut seen);
                }
            }
            Loc::Team(t) => {
                let team = &m[t];
                if !cx.read_cleanly(team.id)
                    || ["lead", "members", "on_call"]
                        .iter()
                        .any(|k| cx.is_open(team.id, k))
                {
                    return None;
                }
                let people = team
                    .lead
                    .iter()
                    .map(|l| &l.value)
                    .chain(team.members.iter().flat_map(|l| l.value.items.iter()));
                for x in people {
                    let to = match x.target? {
                        RoleOrPerson::Person(p) => Loc::Person(p),
                        RoleOrPerson::Role(r) => Loc::Role(r),
                    };
                    push(to, &mut todo, &mut seen);
                }
                if let Some(s) = &team.on_call {
                    push(Loc::Schedule(s.value.target?), &mut todo, &mut seen);
                }
            }
            Loc::Schedule(s) => rota(cx, s, &mut found)?,
            _ => return None,
        }
    }
    found.sort_unstable();
    found.dedup();
    Some(found)
}

/// The people on a rota, directly or through the rotas of its regions.
fn rota(cx: &Context, s: ScheduleId, found: &mut Vec<PersonId>) -> Option<()> {
    let m = cx.model;
    let mut todo = vec![s];
    let mut seen: Set<ScheduleId> = Set::from_iter([s]);
    while let Some(s) = todo.pop() {
        let sc = &m[s];
        if !cx.read_cleanly(sc.id)
            || cx.is_open(sc.id, "rotate")
            || (sc.rotate.is_none() && sc.follow_the_sun.is_none())
        {
            return None;
        }
        for p in sc.rotate.iter().flat_map(|r| r.value.people.items.iter()) {
            found.push(p.target?);
        }
        for r in sc.follow_the_sun.iter().flat_map(|f| f.value.items.iter()) {
            let region = &m[r.target?];
            let on = region.on_call.as_ref()?.value.target?;
            if seen.insert(on) {
                todo.push(on);
            }
        }
        if seen.len() > WALK_CAP {
            return None;
        }
    }
    Some(())
}

/// The most approvers that different people can fill at once: a matching of approvers to
/// people (augmenting paths found breadth first). `None` in a seat is anyone.
fn most_at_once(seats: &[Option<Vec<PersonId>>]) -> usize {
    let mut owner: Map<PersonId, usize> = Map::default();
    let mut matched = 0;
    for (u, s) in seats.iter().enumerate() {
        let Some(_) = s else {
            matched += 1;
            continue;
        };
        let mut came: Map<usize, PersonId> = Map::default();
        let mut via: Map<PersonId, usize> = Map::default();
        let mut queue = std::collections::VecDeque::from([u]);
        let mut free = None;
        'search: while let Some(x) = queue.pop_front() {
            for &p in seats[x].iter().flatten() {
                if via.contains_key(&p) {
                    continue;
                }
                via.insert(p, x);
                match owner.get(&p) {
                    None => {
                        free = Some(p);
                        break 'search;
                    }
                    Some(&y) => {
                        if y != u && !came.contains_key(&y) {
                            came.insert(y, p);
                            queue.push_back(y);
                        }
                    }
                }
            }
        }
        if let Some(mut p) = free {
            loop {
                let x = via[&p];
                let before = came.get(&x).copied();
                owner.insert(p, x);
                match before {
                    Some(q) => p = q,
                    None => break,
                }
            }
            matched += 1;
        }
    }
    matched
}

/// The name of an approver, as written (`span`, where it is written, for one with no
/// declaration of its own to name).
fn loc_name<'a>(cx: &Context<'a>, l: Loc, span: Span) -> &'a str {
    let m = cx.model;
    match l {
        Loc::Role(r) => cx.name(m[r].id),
        Loc::Team(t) => cx.name(m[t].id),
        Loc::Person(p) => cx.name(m[p].id),
        _ => cx.text(span),
    }
}

fn quorum(
    cx: &Context,
    step: crate::model::DeclId,
    q: &Prop<Quorum<Holder>>,
    out: &mut Vec<Diagnostic>,
) {
    let m = cx.model;
    let q = &q.value;
    if q.of.items.iter().any(|i| i.target.is_none()) || q.of.items.len() > WALK_CAP {
        return;
    }
    // The approvers, counted as IMP0605 counts them: a team by its lead and members.
    let mut seats: Vec<(Loc, Span)> = Vec::new();
    let mut seen: Set<Loc> = Set::default();
    for i in &q.of.items {
        let Some(h) = i.target else { continue };
        let expanded: Vec<Loc> = match h {
            Holder::Team(t) => m[t]
                .lead
                .iter()
                .map(|l| &l.value)
                .chain(m[t].members.iter().flat_map(|l| l.value.items.iter()))
                .filter_map(|r| {
                    r.target.map(|x| match x {
                        RoleOrPerson::Person(p) => Loc::Person(p),
                        RoleOrPerson::Role(r) => Loc::Role(r),
                    })
                })
                .collect(),
            _ => Vec::new(),
        };
        let locs = if expanded.is_empty() {
            vec![match h {
                Holder::Role(r) => Loc::Role(r),
                Holder::Person(p) => Loc::Person(p),
                Holder::Team(t) => Loc::Team(t),
                Holder::External(e) => Loc::External(e),
            }]
        } else {
            expanded
        };
        for l in locs {
            if seen.insert(l) {
                seats.push((l, i.span));
            }
        }
    }
    let needed = q.needed() as usize;
    if needed > seats.len() {
        return; // IMP0605
    }
    let people: Vec<Option<Vec<PersonId>>> = seats.iter().map(|(l, _)| people(cx, *l)).collect();
    let most = most_at_once(&people);
    if most >= needed {
        return;
    }
    let name = cx.name(step);
    let nobody: Vec<&str> = seats
        .iter()
        .zip(&people)
        .filter(|(_, p)| p.as_ref().is_some_and(Vec::is_empty))
        .map(|((l, span), _)| loc_name(cx, *l, *span))
        .collect();
    let message = if most == 0 && nobody.len() == seats.len() {
        if nobody.len() == 1 {
            format!(
                "the approval step `{name}` needs cannot be given: `{}` stands for nobody",
                nobody[0]
            )
        } else {
            format!(
                "the approval step `{name}` needs cannot be given: {} stand for nobody",
                backticked(&nobody, ", ")
            )
        }
    } else {
        format!(
            "step `{name}` needs {needed} approvals from different people, but only {most} can give one"
        )
    };
    let mut d = Diagnostic::new(Code::ApproverUnreachable, q.span, message)
        .label("this approval cannot be met")
        .with_secondary(cx.head(step), "the step it guards");
    for ((l, span), p) in seats.iter().zip(&people) {
        let Some(p) = p else { continue };
        let label = match (l, p.is_empty()) {
            (Loc::Role(r), true) => format!("`{}` is held by nobody", cx.name(m[*r].id)),
            (Loc::Team(t), true) => format!("team `{}` has no members", cx.name(m[*t].id)),
            (_, true) => "stands for nobody".to_string(),
            (Loc::Person(_), false) => continue,
            (other, false) => {
                let names: Vec<&str> = p.iter().take(3).map(|x| cx.name(m[*x].id)).collect();
                format!(
                    "`{}` is {}{}",
                    loc_name(cx, *other, *span),
                    backticked(&names, " or "),
                    if p.len() > 3 { " or others" } else { "" }
                )
            }
        };
        d = d.with_secondary(*span, label);
    }
    out.push(d.help(
        "name approvers who are held by people (a role with a holder, a team with members), \
         different enough to give the approvals needed, or lower the number",
    ));
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use crate::diagnostics::Code;

    const PEOPLE: &str = "person ann \"Ann\" { email \"ann@example.org\" }\n\
        person bob \"Bob\" { email \"bob@example.org\" }\n\
        role lead \"Lead\" { held_by ann; backup [bob] }\n";

    /// The evidence path of the first finding of a code: its labels, in order.
    fn path(code: Code, text: &str) -> Vec<String> {
        let config = super::super::Config {
            as_of: jiff::civil::date(2026, 12, 1),
            ..super::super::Config::default()
        };
        let a = crate::check::check_sources(
            &[("test.imp", text)],
            crate::check::Options {
                jobs: 1,
                checks: Some(config),
                only: vec![code],
                ..crate::check::Options::default()
            },
        );
        let d = a
            .diagnostics
            .iter()
            .find(|d| d.code == code)
            .expect("a finding");
        d.flow.iter().map(|l| l.message.to_string()).collect()
    }

    #[test]
    fn a_step_no_path_reaches_is_found() {
        let text = format!(
            "{PEOPLE}procedure p \"P\" {{\n  owner lead\n\
             \x20 action a \"A\" {{ next c }}\n\
             \x20 action b \"B\" {{ next c }}\n\
             \x20 end c \"C\" {{}}\n}}\n"
        );
        assert_eq!(
            findings(Code::StepUnreachable, &text),
            ["7: action `b` is never reached from the start"]
        );
        let fine = text.replace("action a \"A\" { next c }", "action a \"A\" {}");
        assert!(findings(Code::StepUnreachable, &fine).is_empty());
        // A name that does not resolve may lead anywhere.
        let unknown = text.replace("action a \"A\" { next c }", "action a \"A\" { next zz }");
        assert!(findings(Code::StepUnreachable, &unknown).is_empty());
    }

    #[test]
    fn a_step_an_extension_cuts_off_is_reported_in_the_extension_only() {
        let text = format!(
            "{PEOPLE}procedure base \"Base\" {{\n  owner lead\n\
             \x20 action a \"A\" {{ next b }}\n\
             \x20 action b \"B\" {{ next c }}\n\
             \x20 end c \"C\" {{}}\n}}\n\
             procedure ext \"Ext\" {{\n  extends base\n  override a {{ next c }}\n}}\n\
             procedure ext2 \"Ext 2\" {{\n  extends ext\n}}\n"
        );
        assert_eq!(
            findings(Code::StepUnreachable, &text),
            ["7: action `b` is never reached from the start in `ext`"]
        );
    }

    #[test]
    fn a_step_left_with_nowhere_to_go_is_found() {
        let text = format!(
            "{PEOPLE}procedure base \"Base\" {{\n  owner lead\n\
             \x20 action a \"A\" {{ next b }}\n\
             \x20 action b \"B\" {{ next c }}\n\
             \x20 end c \"C\" {{}}\n}}\n\
             procedure ext \"Ext\" {{\n  extends base\n  override b {{ remove next [c] }}\n}}\n"
        );
        assert_eq!(
            findings(Code::BranchNeverEnds, &text),
            ["7: the path through action `b` never ends: its `next` names no step in `ext`"]
        );
        assert_eq!(
            path(Code::BranchNeverEnds, &text),
            ["start at `a`", "then `b`"]
        );
        let fine = text.replace("remove next [c]", "within 1h");
        assert!(findings(Code::BranchNeverEnds, &fine).is_empty());
    }

    #[test]
    fn a_cycle_without_a_way_out_is_found_with_its_steps() {
        let text = format!(
            "{PEOPLE}procedure p \"P\" {{\n  owner lead\n\
             \x20 action triage \"Triage\" {{ next contain }}\n\
             \x20 action contain \"Contain\" {{ next check }}\n\
             \x20 decision check \"Contained?\" {{\n\
             \x20   decided_by lead\n\
             \x20   option no \"No\" {{ next contain }}\n\
             \x20   option unsure \"Unsure\" {{ next triage }}\n  }}\n\
             \x20 end close \"Close\" {{}}\n}}\n"
        );
        assert_eq!(
            findings(Code::CycleWithoutExit, &text),
            ["6: the steps `triage`, `contain`, `check` go round in a cycle with no way out"]
        );
        assert_eq!(
            path(Code::CycleWithoutExit, &text),
            [
                "`triage`",
                "then `contain`",
                "then `check`",
                "back to `triage`"
            ]
        );
        // Nothing else is said of the steps that lead into it.
        assert!(findings(Code::BranchNeverEnds, &text).is_empty());
        let fine = text.replace(
            "option unsure \"Unsure\" { next triage }",
            "option yes \"Yes\" { next close }",
        );
        assert!(findings(Code::CycleWithoutExit, &fine).is_empty());
    }

    const REVIEWED: &str = "scale severity \"S\" {\n\
        \x20 level sev1 \"Critical\" { review within 5d }\n\
        \x20 level sev2 \"High\" { review within 10d }\n\
        \x20 level sev3 \"Low\" {}\n}\n";

    #[test]
    fn a_reviewed_incident_that_can_end_without_a_review_is_found() {
        let text = format!(
            "{PEOPLE}{REVIEWED}category ransomware \"Ransomware\" {{ minimum sev2; procedure p }}\n\
             procedure p \"P\" {{\n  owner lead\n\
             \x20 parallel first \"First\" {{ branches [contain, tell]; next decide }}\n\
             \x20 action contain \"Contain\" {{}}\n\
             \x20 notify tell \"Tell\" {{ to [lead] }}\n\
             \x20 decision decide \"Restore?\" {{\n\
             \x20   decided_by lead\n\
             \x20   option rebuild \"Rebuild\" {{ next close }}\n\
             \x20   option minor \"Minor\" when severity <= sev3 {{ next quick }}\n\
             \x20   option accept \"Accept\" {{ next accept_risk }}\n  }}\n\
             \x20 end close \"Close\" {{ review }}\n\
             \x20 end quick \"Quick close\" {{}}\n\
             \x20 end accept_risk \"Accept the risk\" {{}}\n}}\n"
        );
        assert_eq!(
            findings(Code::ReviewSkipped, &text),
            [
                "23: incidents of `ransomware` (at least `sev2`) can end at `accept_risk` without a post-incident review"
            ]
        );
        assert_eq!(
            path(Code::ReviewSkipped, &text),
            [
                "start at `first`",
                "after the branches, `decide`",
                "option `accept`: `accept_risk`"
            ]
        );
        // At `sev3`, not every incident is reviewed.
        let low = text.replace("minimum sev2", "minimum sev3");
        assert!(findings(Code::ReviewSkipped, &low).is_empty());
    }

    #[test]
    fn eradication_before_evidence_is_found_where_legal_action_is_possible() {
        let text = format!(
            "{PEOPLE}lifecycle ours \"Ours\" {{ phases [triage, eradication, recovery] }}\n\
             category intrusion \"Intrusion\" {{ threat deliberate; procedure p }}\n\
             procedure p \"P\" {{\n  owner lead\n  lifecycle ours\n\
             \x20 during triage {{\n\
             \x20   decision scope \"Scope\" {{\n\
             \x20     decided_by lead\n\
             \x20     option wide \"Wide\" {{ next image }}\n\
             \x20     option narrow \"Narrow\" {{ next wipe }}\n    }}\n\
             \x20   collect image \"Image disks\" {{ items [\"disk images\"] }}\n  }}\n\
             \x20 during eradication {{\n\
             \x20   action wipe \"Wipe and rebuild\" {{}}\n  }}\n\
             \x20 during recovery {{\n    end close \"Close\" {{}}\n  }}\n}}\n"
        );
        assert_eq!(
            findings(Code::EradicationBeforeEvidence, &text),
            ["18: action `wipe` may eradicate before any evidence is collected"]
        );
        assert_eq!(
            path(Code::EradicationBeforeEvidence, &text),
            ["start at `scope`", "option `narrow`: `wipe`"]
        );
        let accidental = text.replace("threat deliberate", "threat accidental");
        assert!(findings(Code::EradicationBeforeEvidence, &accidental).is_empty());
        let fine = text.replace(
            "option narrow \"Narrow\" { next wipe }",
            "option narrow \"Narrow\" { next image }",
        );
        assert!(findings(Code::EradicationBeforeEvidence, &fine).is_empty());
    }

    #[test]
    fn evidence_collected_in_a_branch_comes_before_the_step_after_the_branches() {
        let text = format!(
            "{PEOPLE}lifecycle ours \"Ours\" {{ phases [respond, forensics, eradication] }}\n\
             procedure p \"P\" {{\n  owner lead\n  lifecycle ours\n  phase [forensics]\n\
             \x20 during respond {{\n\
             \x20   parallel first \"First\" {{ branches [log, tell]; next wipe }}\n\
             \x20   collect log \"Log\" {{}}\n\
             \x20   notify tell \"Tell\" {{ to [lead] }}\n  }}\n\
             \x20 during eradication {{\n    end wipe \"Wipe\" {{}}\n  }}\n}}\n"
        );
        assert!(findings(Code::EradicationBeforeEvidence, &text).is_empty());
        let late = text.replace("branches [log, tell]", "branches [tell]");
        assert_eq!(
            findings(Code::EradicationBeforeEvidence, &late).len(),
            1,
            "{:?}",
            findings(Code::EradicationBeforeEvidence, &late)
        );
    }

    #[test]
    fn an_option_without_next_leads_nowhere() {
        let text = format!(
            "{PEOPLE}procedure p \"P\" {{\n  owner lead\n\
             \x20 decision d \"D\" {{\n\
             \x20   decided_by lead\n\
             \x20   option yes \"Yes\" {{ next close }}\n\
             \x20   option no \"No\" {{}}\n  }}\n\
             \x20 end close \"Close\" {{}}\n}}\n"
        );
        assert_eq!(
            findings(Code::OptionLeadsNowhere, &text),
            ["9: option `no` of decision `d` leads nowhere"]
        );
        // The decision's own `next` is where its options without one lead.
        let default = text.replace("decided_by lead\n", "decided_by lead\n    next close\n");
        assert!(findings(Code::OptionLeadsNowhere, &default).is_empty());
    }

    #[test]
    fn an_approval_nobody_can_give_is_found() {
        let text = format!(
            "{PEOPLE}role legal \"Legal\" {{ duty \"Advise\" }}\n\
             role ciso \"CISO\" {{ held_by ann }}\n\
             role cio \"CIO\" {{ held_by ann }}\n\
             team board \"Board\" {{}}\n\
             procedure p \"P\" {{\n  owner lead\n\
             \x20 action a \"A\" {{ approved_by legal }}\n\
             \x20 action b \"B\" {{ approved_by 2 of [ciso, cio] }}\n\
             \x20 action c \"C\" {{ approved_by 2 of [ciso, lead] }}\n\
             \x20 action d \"D\" {{ approved_by board }}\n\
             \x20 end e \"E\" {{ approved_by 1 of [legal, lead] }}\n}}\n"
        );
        assert_eq!(
            findings(Code::ApproverUnreachable, &text),
            [
                "10: the approval step `a` needs cannot be given: `legal` stands for nobody",
                "11: step `b` needs 2 approvals from different people, but only 1 can give one",
                "13: the approval step `d` needs cannot be given: `board` stands for nobody"
            ]
        );
    }
}
