//! Rules checked once every reference is in: a quorum larger than its group (a team counts
//! as its lead and members), and declarations nothing refers to.

use crate::model::Set;

use super::names::Resolver;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::*;
use crate::source::Span;

pub(super) fn checks(r: &mut Resolver<'_>, m: &Model) {
    criteria_cycles(r, m);
    chain_cycles(r, m);
    phases(r, m);
    // Who can approve for a team: its lead and its members. A team of neither, on call
    // through a schedule only, counts as one (its size is not written); a team of no one
    // counts as none.
    let members: Vec<Option<Vec<Loc>>> = m
        .teams
        .iter()
        .map(|t| {
            let people: Vec<Loc> = t
                .lead
                .iter()
                .map(|p| &p.value)
                .chain(t.members.iter().flat_map(|p| &p.value.items))
                .filter_map(|r| r.target.map(RefTarget::loc))
                .collect();
            if people.is_empty() && t.on_call.is_some() {
                None
            } else {
                Some(people)
            }
        })
        .collect();
    let mut quorums: Vec<&Quorum<Holder>> = Vec::new();
    for c in &m.communications {
        quorums.extend(c.statements_approved_by.as_ref().map(|p| &p.value));
    }
    for p in &m.procedures {
        for s in &p.steps {
            quorums.extend(s.common.approved_by.as_ref().map(|p| &p.value));
        }
        for o in &p.overrides {
            quorums.extend(o.common.approved_by.as_ref().map(|p| &p.value));
        }
    }
    for q in quorums {
        quorum(r, q, &members);
    }
}

fn quorum(r: &mut Resolver<'_>, q: &Quorum<Holder>, members: &[Option<Vec<Loc>>]) {
    let Some(required) = q.required else { return };
    if q.of.items.iter().any(|i| i.target.is_none()) {
        return;
    }
    let mut distinct: Set<Loc> = Set::default();
    for i in &q.of.items {
        match i.target {
            Some(Holder::Team(t)) if members[t.0 as usize].is_some() => {
                distinct.extend(members[t.0 as usize].iter().flatten().copied());
            }
            Some(h) => {
                distinct.insert(h.loc());
            }
            None => {}
        }
    }
    let size = distinct.len();
    if required.value as usize > size {
        let teams =
            q.of.items
                .iter()
                .any(|i| matches!(i.target, Some(Holder::Team(_))));
        let suffix = if teams {
            ", its teams counted by their lead and members"
        } else if size < q.of.items.len() {
            " different approvers"
        } else {
            ""
        };
        r.report(
            Diagnostic::new(
                Code::QuorumTooLarge,
                required.span,
                format!(
                    "a quorum of {} from a group of {size}{suffix}",
                    required.value
                ),
            )
            .label("more approvals than approvers")
            .with_secondary(q.of.span, "the group")
            .help("lower the number or add to the group"),
        );
    }
}

/// Declarations nothing refers to, of the kinds that exist only to be used by others.
pub(super) fn unused(r: &mut Resolver<'_>) {
    let mut found = Vec::new();
    for (id, def) in r.index.defs() {
        // A declaration whose name was refused cannot be referred to: not reported again.
        if def.kind.warn_unused()
            && def.parent.is_none()
            && def.name.is_some()
            && !r.used[id.index()]
        {
            let span = def.name.unwrap_or(def.keyword);
            found.push((def.kind, span));
        }
    }
    for (kind, span) in found {
        let name = r.text(span);
        r.report(
            Diagnostic::new(
                Code::Unused,
                span,
                format!("{} `{name}` is never referenced", kind.noun()),
            )
            .label("declared here, used nowhere")
            .help("reference it where it belongs, or delete it"),
        );
    }
}

/// Named criteria that refer to themselves, directly or through others: they have no
/// meaning.
fn criteria_cycles(r: &mut Resolver<'_>, m: &Model) {
    let mut edges: Vec<(u32, u32, Span)> = Vec::new();
    for (i, c) in m.criteria.iter().enumerate() {
        let Some(w) = &c.when else { continue };
        for n in w.cond.walk() {
            if let ConditionKind::Criteria { criteria } = &n.kind
                && let Some(t) = criteria.target
            {
                edges.push((i as u32, t.0, criteria.span));
            }
        }
    }
    for (scc, to, at) in cycles(m.criteria.len(), &edges) {
        let first = scc[0];
        let name = |r: &Resolver<'_>, i: u32| {
            r.index
                .name(r.sources, m.criteria[i as usize].id)
                .unwrap_or("")
                .to_string()
        };
        let me = name(r, first);
        let message = if scc.len() == 1 {
            format!("criteria `{me}` are defined in terms of themselves")
        } else {
            let names = some_names(r, scc.iter().map(|&i| m.criteria[i as usize].id), scc.len());
            format!("criteria {names} are defined in terms of each other")
        };
        let def = r.index.def(m.criteria[first as usize].id);
        let decl = def.name.unwrap_or(def.keyword);
        let target = name(r, to);
        r.report(
            Diagnostic::new(Code::CriteriaCycle, at, message)
                .label(format!("`{me}` refers to `{target}`"))
                .with_secondary(decl, "declared here")
                .help("define each criteria by impacts, facts, quantities or categories, and refer only to criteria that do not lead back"),
        );
    }
}

/// The phases `during` blocks and `phase` name are phases of the procedure's lifecycle: its
/// own, else the policy's, else the phases the language knows.
fn phases(r: &mut Resolver<'_>, m: &Model) {
    let default = m
        .policies
        .first()
        .and_then(|p| p.lifecycle.as_ref())
        .map(|l| l.value);
    let declared: Vec<Vec<&str>> = m
        .lifecycles
        .iter()
        .map(|l| {
            l.phases
                .iter()
                .flat_map(|p| p.value.items.iter().map(|t| r.text(t.span)))
                .collect()
        })
        .collect();
    // Each lifecycle's phases as a set, built once.
    let declared_sets: Vec<Set<&str>> = declared
        .iter()
        .map(|l| l.iter().copied().collect())
        .collect();
    let builtin_sets: Vec<Set<&str>> = BuiltinLifecycle::ALL
        .iter()
        .map(|b| b.phases().iter().copied().collect())
        .collect();
    let language: Set<&str> = Phase::WORDS.iter().copied().collect();
    for p in &m.procedures {
        let lifecycle = p.lifecycle.as_ref().map(|l| l.value).or(default);
        let (phases, set, what): (&[&str], &Set<&str>, String) = match lifecycle {
            Some(LifecycleRef::Builtin(b)) => {
                let i = BuiltinLifecycle::ALL
                    .iter()
                    .position(|x| *x == b.value)
                    .unwrap_or(0);
                (
                    b.value.phases(),
                    &builtin_sets[i],
                    format!("lifecycle `{}`", b.value),
                )
            }
            Some(LifecycleRef::Declared(d)) => match d.target {
                Some(t) => (
                    &declared[t.0 as usize],
                    &declared_sets[t.0 as usize],
                    format!("lifecycle `{}`", r.text(d.span)),
                ),
                // An unknown lifecycle is reported where it is named.
                None => continue,
            },
            None => (Phase::WORDS, &language, String::new()),
        };
        let named = p.stages.iter().map(|s| s.phase).chain(
            p.lifecycle_phases
                .iter()
                .flat_map(|l| l.value.items.iter().copied()),
        );
        for t in named {
            let w = r.text(t.span);
            if set.contains(w) {
                continue;
            }
            let help = if phases.len() <= 12 {
                crate::diagnostics::did_you_mean(w, phases.iter().copied(), "its phases are")
            } else {
                "name one of the phases of the lifecycle".to_string()
            };
            r.report(
                Diagnostic::new(
                    Code::UnknownPhase,
                    t.span,
                    if what.is_empty() {
                        format!("`{w}` is not a phase the language knows")
                    } else {
                        format!("`{w}` is not a phase of {what}")
                    },
                )
                .label("not one of its phases")
                .help(help),
            );
        }
    }
}

/// The cycles of a graph of `n` nodes (edges with the span of the reference), from its
/// strongly connected components (iteratively), in a stable order: for each, its members
/// sorted and the reference from the first member to the next one in the cycle.
fn cycles(n: usize, edges: &[(u32, u32, Span)]) -> Vec<(Vec<u32>, u32, Span)> {
    use petgraph::graphmap::DiGraphMap;
    let mut g: DiGraphMap<u32, Span> = DiGraphMap::new();
    for i in 0..n as u32 {
        g.add_node(i);
    }
    for &(a, b, s) in edges {
        if !g.contains_edge(a, b) {
            g.add_edge(a, b, s);
        }
    }
    let mut sccs = petgraph::algo::kosaraju_scc(&g);
    for scc in &mut sccs {
        scc.sort_unstable();
    }
    sccs.sort_unstable();
    let mut out = Vec::new();
    for scc in sccs {
        let first = scc[0];
        if scc.len() == 1 && !g.contains_edge(first, first) {
            continue;
        }
        let members: Set<u32> = scc.iter().copied().collect();
        if let Some((_, to, at)) = g
            .edges(first)
            .filter(|(_, t, _)| members.contains(t))
            .min_by_key(|(_, t, _)| *t)
        {
            out.push((scc, to, *at));
        }
    }
    out
}

/// Names for a message: at most five, then how many more.
fn some_names(r: &Resolver<'_>, ids: impl Iterator<Item = DeclId>, count: usize) -> String {
    let mut names: Vec<String> = ids
        .take(5)
        .map(|id| {
            let def = r.index.def(id);
            format!("`{}`", r.text(def.name.unwrap_or(def.keyword)))
        })
        .collect();
    if count > 5 {
        names.push(format!("{} more", count - 5));
    }
    names.join(", ")
}

/// Roles held by each other (title chains that lead back), and sub-teams whose parents lead
/// back to them: nobody is at the end of the chain. (A role held by itself, or a team that
/// reports to itself, is reported where it is written.)
fn chain_cycles(r: &mut Resolver<'_>, m: &Model) {
    let mut held: Vec<(u32, u32, Span)> = Vec::new();
    for (i, role) in m.roles.iter().enumerate() {
        // Any of several holders is a way out; only a chain of one holder each binds.
        let Some(holders) = role
            .held_by
            .as_ref()
            .filter(|h| h.value.of.items.len() == 1)
        else {
            continue;
        };
        for h in &holders.value.of.items {
            if let Some(RoleHolder::Role(to)) = h.target
                && to.0 != i as u32
            {
                held.push((i as u32, to.0, h.span));
            }
        }
    }
    let roles: Vec<DeclId> = m.roles.iter().map(|x| x.id).collect();
    for c in cycles(m.roles.len(), &held) {
        report_chain(
            r,
            &roles,
            c,
            ("roles", "are held by each other", "is held by"),
            "end the chain at a person, a rota or a team: one of these roles must be held by someone",
        );
    }
    let mut parents: Vec<(u32, u32, Span)> = Vec::new();
    for (i, t) in m.teams.iter().enumerate() {
        if let Some(p) = &t.reports_to
            && let Some(to) = p.value.target
            && to.0 != i as u32
        {
            parents.push((i as u32, to.0, p.value.span));
        }
    }
    let teams: Vec<DeclId> = m.teams.iter().map(|x| x.id).collect();
    for c in cycles(m.teams.len(), &parents) {
        report_chain(
            r,
            &teams,
            c,
            ("teams", "report to each other", "reports to"),
            "a chain of sub-teams ends at a team that reports to no other",
        );
    }
}

/// Reports one cycle of a chain (`ids` the declarations by position): `(noun, what they do,
/// what one does)` word the message and the label.
fn report_chain(
    r: &mut Resolver<'_>,
    ids: &[DeclId],
    (scc, to, at): (Vec<u32>, u32, Span),
    (noun, each_other, verb): (&str, &str, &str),
    help: &str,
) {
    let names = some_names(r, scc.iter().map(|&i| ids[i as usize]), scc.len());
    let def = r.index.def(ids[scc[0] as usize]);
    let decl = def.name.unwrap_or(def.keyword);
    let me = r.text(decl).to_string();
    let target = r
        .index
        .name(r.sources, ids[to as usize])
        .unwrap_or("")
        .to_string();
    r.report(
        Diagnostic::new(
            Code::SelfReference,
            at,
            format!("{noun} {names} {each_other}"),
        )
        .label(format!("`{me}` {verb} `{target}`"))
        .with_secondary(decl, "declared here")
        .help(help.to_string()),
    );
}
