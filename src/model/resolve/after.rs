//! Rules checked once every reference is in: a quorum larger than its group (a team counts
//! as its lead and members), and declarations nothing refers to.

use crate::model::Set;

use super::names::Resolver;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::*;
use crate::source::Span;

pub(super) fn checks(r: &mut Resolver<'_>, m: &Model) {
    criteria_cycles(r, m);
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
/// meaning. Found as the strongly connected components of "refers to" (iteratively).
fn criteria_cycles(r: &mut Resolver<'_>, m: &Model) {
    use petgraph::graphmap::DiGraphMap;
    let mut g: DiGraphMap<u32, Span> = DiGraphMap::new();
    for (i, c) in m.criteria.iter().enumerate() {
        g.add_node(i as u32);
        let Some(w) = &c.when else { continue };
        for n in w.cond.walk() {
            if let ConditionKind::Criteria { criteria } = &n.kind
                && let Some(t) = criteria.target
                && !g.contains_edge(i as u32, t.0)
            {
                g.add_edge(i as u32, t.0, criteria.span);
            }
        }
    }
    let mut sccs = petgraph::algo::kosaraju_scc(&g);
    for scc in &mut sccs {
        scc.sort_unstable();
    }
    sccs.sort_unstable();
    for scc in sccs {
        let first = scc[0];
        if scc.len() == 1 && !g.contains_edge(first, first) {
            continue;
        }
        let members: Set<u32> = scc.iter().copied().collect();
        // The reference from the first criteria to the next one in the cycle.
        let Some((_, to, at)) = g
            .edges(first)
            .filter(|(_, t, _)| members.contains(t))
            .min_by_key(|(_, t, _)| *t)
        else {
            continue;
        };
        let name = |r: &Resolver<'_>, i: u32| {
            let def = r.index.def(m.criteria[i as usize].id);
            r.text(def.name.unwrap_or(def.keyword)).to_string()
        };
        let mut names: Vec<String> = scc
            .iter()
            .take(5)
            .map(|&i| format!("`{}`", name(r, i)))
            .collect();
        if scc.len() > 5 {
            names.push(format!("{} more", scc.len() - 5));
        }
        let me = name(r, first);
        let message = if scc.len() == 1 {
            format!("criteria `{me}` are defined in terms of themselves")
        } else {
            format!(
                "criteria {} are defined in terms of each other",
                names.join(", ")
            )
        };
        let def = r.index.def(m.criteria[first as usize].id);
        let decl = def.name.unwrap_or(def.keyword);
        let target = name(r, to);
        r.report(
            Diagnostic::new(Code::CriteriaCycle, *at, message)
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
    for p in &m.procedures {
        let lifecycle = p.lifecycle.as_ref().map(|l| l.value).or(default);
        let (phases, what): (Vec<&str>, String) = match lifecycle {
            Some(LifecycleRef::Builtin(b)) => (
                b.value.phases().to_vec(),
                format!("lifecycle `{}`", b.value),
            ),
            Some(LifecycleRef::Declared(d)) => match d.target {
                Some(t) => (
                    declared[t.0 as usize].clone(),
                    format!("lifecycle `{}`", r.text(d.span)),
                ),
                // An unknown lifecycle is reported where it is named.
                None => continue,
            },
            None => (Phase::WORDS.to_vec(), String::new()),
        };
        let set: Set<&str> = phases.iter().copied().collect();
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
