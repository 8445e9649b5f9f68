//! Procedures (IMP11xx): a procedure for every incident category and every phase of the
//! lifecycle, an owner for every phase and step, the authority a step needs held by its owner,
//! one owner for a duty, and no step of a category's procedure slower than the category's
//! minimum level allows.
//!
//! # Steps as procedures run them
//!
//! A procedure that `extends` another runs its base's steps, changed by its `override`s. The
//! checks of steps look at each *version* of a step once ([`Steps`]): the step as written,
//! and each override merged with the base step and the overrides between them. A version
//! stands for the step in the procedure that writes it and in every procedure below it in the
//! `extends` tree, but those under a further override of the same step. A step without an
//! `owner` is carried out by the owner of its `during` phase, else by the owner of the
//! procedure it is written in (its own, else its base's): so a step inherited unchanged is
//! the same in every procedure, and the checks stay linear in the steps and overrides written.

use super::{Bounds, Context};
use crate::diagnostics::{Code, Diagnostic, backticked};
use crate::model::{
    CategoryId, DecisionOption, EditValues, Holder, LevelId, LifecycleRef, Loc, Map, Member,
    Override, OverrideId, Party, Phase, ProcedureId, Prop, Ref, RoleHolder, RoleId, Set, StepBody,
    StepId, StepKind, Tag, Within,
};
use crate::source::Span;

pub(super) fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let steps = cx.steps();
    category_without_procedure(cx, out);
    phase_without_procedure(cx, out);
    phase_without_owner(cx, steps, out);
    authority_not_held(cx, steps, out);
    no_owner(cx, steps, out);
    two_owners(cx, out);
    target_contradicted(cx, steps, out);
}

/// Who carries something out.
#[derive(Debug, Clone, Copy)]
pub(super) enum Owner<'a> {
    /// Named, and where the name comes from.
    Named(&'a Prop<Ref<Holder>>, From),
    /// Left open (`tbd`), or not known (an unknown base, a declaration read with an error).
    Open,
    /// Nobody.
    Missing,
}

/// Where a step's owner is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum From {
    Step,
    Phase,
    Procedure,
}

/// A step as procedures run it: as written, or changed by an override (merged with the base
/// step and the overrides between them).
#[derive(Debug, Clone)]
pub(super) struct Version<'a> {
    /// The step as written.
    pub step: StepId,
    /// The override that makes this version.
    pub by: Option<OverrideId>,
    pub owner: Option<&'a Prop<Ref<Holder>>>,
    /// The owner is left open.
    pub owner_open: bool,
    pub within: Option<&'a Prop<Within>>,
    pub needs: Vec<Tag>,
    pub decided_by: Option<&'a Prop<Ref<Holder>>>,
    pub next: Option<Vec<Ref<StepId>>>,
    pub branches: Option<Vec<Ref<StepId>>>,
    pub to: Option<Vec<Member<Party>>>,
    pub options: &'a [DecisionOption],
    /// The procedures below the one that writes it where a further override of the step
    /// takes over (the nearest ones).
    masks: Vec<ProcedureId>,
}

impl Version<'_> {
    /// The procedure it is written in: the step's, or the override's.
    pub fn procedure(&self) -> ProcedureId {
        self.by.map_or(self.step.procedure, |o| o.procedure)
    }
}

/// Every version of every step, and what the checks need of the `extends` tree.
#[derive(Default)]
pub(super) struct Steps<'a> {
    /// The steps as written, procedure by procedure (`first[p] + index`), then the overrides.
    pub versions: Vec<Version<'a>>,
    first: Vec<usize>,
    /// The version each override makes.
    by_override: Map<OverrideId, usize>,
    /// Each procedure's position in the pre-order of the `extends` tree, and the end of its
    /// subtree (exclusive); `u32::MAX` for one no root reaches.
    tin: Vec<u32>,
    tout: Vec<u32>,
    /// The owner of each procedure: its own, else its base's.
    owners: Vec<Owner<'a>>,
    /// The `during` block of each step, per procedure.
    stage_of: Vec<Vec<Option<u32>>>,
    /// The `during` blocks whose owner is left open: (procedure, block).
    stage_open: Set<(ProcedureId, u32)>,
}

impl<'a> Steps<'a> {
    pub fn of(cx: &Context<'a>) -> Steps<'a> {
        let m = cx.model;
        let n = m.procedures.len();
        // Owners left open, by the procedure (and block) they are written in.
        let mut proc_open: Set<ProcedureId> = Set::default();
        let mut stage_open: Set<(ProcedureId, u32)> = Set::default();
        for o in &m.open {
            if cx.text(o.key) != "owner" {
                continue;
            }
            let file = cx.sources.file_of(o.key);
            let at = cx
                .index
                .at(cx.sources, file.id, (o.key.lo - file.base) as usize);
            let Some(Loc::Procedure(p)) = at.element.map(|e| cx.index.def(e).loc) else {
                continue;
            };
            match m[p]
                .stages
                .iter()
                .position(|s| s.span.lo <= o.key.lo && o.key.hi <= s.span.hi)
            {
                Some(k) => stage_open.insert((p, k as u32)),
                None => proc_open.insert(p),
            };
        }
        let mut first = Vec::with_capacity(n);
        let mut versions = Vec::new();
        let mut stage_of = Vec::with_capacity(n);
        for (i, p) in m.procedures.iter().enumerate() {
            first.push(versions.len());
            let mut stages = vec![None; p.steps.len()];
            for (k, st) in p.stages.iter().enumerate() {
                for &s in &st.steps {
                    if let Some(x) = stages.get_mut(s as usize) {
                        *x = Some(k as u32);
                    }
                }
            }
            stage_of.push(stages);
            for (j, s) in p.steps.iter().enumerate() {
                let c = &s.common;
                let (decided_by, branches, to) = match &s.body {
                    StepBody::Decision { decided_by, .. } => (decided_by.as_ref(), None, None),
                    StepBody::Parallel { branches } => (None, refs(branches), None),
                    StepBody::Notify { to, .. } => {
                        (None, None, to.as_ref().map(|t| t.value.items.clone()))
                    }
                    _ => (None, None, None),
                };
                versions.push(Version {
                    step: StepId {
                        procedure: ProcedureId(i as u32),
                        index: j as u32,
                    },
                    by: None,
                    owner: c.owner.as_ref(),
                    owner_open: c.owner.is_none() && cx.is_open(s.id, "owner"),
                    within: c.within.as_deref(),
                    needs: c.needs.iter().flat_map(|l| l.value.items.clone()).collect(),
                    decided_by,
                    next: refs(&c.next),
                    branches,
                    to,
                    options: s.options(),
                    masks: Vec::new(),
                });
            }
        }
        // The `extends` tree, walked from its roots: a base before the procedures below it.
        let mut children: Vec<Vec<ProcedureId>> = vec![Vec::new(); n];
        let mut roots = Vec::new();
        for (i, p) in m.procedures.iter().enumerate() {
            match p.extends.as_ref().and_then(|e| e.value.target) {
                Some(b) if b.0 as usize != i => children[b.0 as usize].push(ProcedureId(i as u32)),
                _ => roots.push(ProcedureId(i as u32)),
            }
        }
        let mut tin = vec![u32::MAX; n];
        let mut tout = vec![u32::MAX; n];
        let mut owners = vec![Owner::Open; n];
        let mut by_override = Map::default();
        // The versions in force for each overridden step along the path walked.
        let mut active: Map<StepId, Vec<usize>> = Map::default();
        let mut clock = 0u32;
        let mut stack: Vec<(ProcedureId, bool)> = roots.iter().rev().map(|&r| (r, false)).collect();
        while let Some((p, done)) = stack.pop() {
            let proc = &m[p];
            if done {
                tout[p.0 as usize] = clock;
                for o in &proc.overrides {
                    if let Some(s) = o.step.target {
                        active.entry(s).or_default().pop();
                    }
                }
                continue;
            }
            if tin[p.0 as usize] != u32::MAX {
                continue;
            }
            tin[p.0 as usize] = clock;
            clock += 1;
            owners[p.0 as usize] = match (&proc.owner, &proc.extends) {
                (Some(o), _) => Owner::Named(o, From::Procedure),
                _ if proc_open.contains(&p) || !cx.read_cleanly(proc.id) => Owner::Open,
                (None, Some(e)) => match e.value.target {
                    Some(b) => owners[b.0 as usize],
                    None => Owner::Open,
                },
                (None, None) => Owner::Missing,
            };
            for (k, o) in proc.overrides.iter().enumerate() {
                let Some(s) = o.step.target else { continue };
                let Some(&base) = first.get(s.procedure.0 as usize) else {
                    continue;
                };
                let under = active
                    .get(&s)
                    .and_then(|v| v.last().copied())
                    .unwrap_or(base + s.index as usize);
                let Some(v) = versions.get_mut(under) else {
                    continue;
                };
                v.masks.push(p);
                let id = OverrideId {
                    procedure: p,
                    index: k as u32,
                };
                let merged = merge(cx, &versions[under], o, id);
                by_override.insert(id, versions.len());
                active.entry(s).or_default().push(versions.len());
                versions.push(merged);
            }
            stack.push((p, true));
            stack.extend(children[p.0 as usize].iter().rev().map(|&c| (c, false)));
        }
        Steps {
            versions,
            first,
            by_override,
            tin,
            tout,
            owners,
            stage_of,
            stage_open,
        }
    }

    /// The owner of a procedure: its own, else its base's.
    pub fn procedure_owner(&self, p: ProcedureId) -> Owner<'a> {
        self.owners[p.0 as usize]
    }

    /// Who carries a version of a step out: its owner, else its phase's, else its procedure's.
    pub fn owner(&self, cx: &Context<'a>, v: &Version<'a>) -> Owner<'a> {
        if let Some(o) = v.owner {
            return Owner::Named(o, From::Step);
        }
        if v.owner_open {
            return Owner::Open;
        }
        if let Some(k) = self.stage(v.step) {
            let st = &cx.model[v.step.procedure].stages[k as usize];
            if let Some(o) = &st.owner {
                return Owner::Named(o, From::Phase);
            }
            if self.stage_open.contains(&(v.step.procedure, k)) {
                return Owner::Open;
            }
        }
        self.procedure_owner(v.step.procedure)
    }

    /// The `during` block a written step is in.
    pub fn stage(&self, s: StepId) -> Option<u32> {
        self.stage_of
            .get(s.procedure.0 as usize)
            .and_then(|v| v.get(s.index as usize).copied().flatten())
    }

    /// The version of a step a procedure runs, given the overrides `effective_steps` lists for
    /// it.
    pub fn effective(&self, step: StepId, overrides: &[OverrideId]) -> Option<&Version<'a>> {
        self.versions.get(self.effective_index(step, overrides)?)
    }

    /// The position in `versions` of the version of a step a procedure runs.
    pub fn effective_index(&self, step: StepId, overrides: &[OverrideId]) -> Option<usize> {
        let i = match overrides.last() {
            Some(o) => *self.by_override.get(o)?,
            None => *self.first.get(step.procedure.0 as usize)? + step.index as usize,
        };
        (i < self.versions.len()).then_some(i)
    }

    /// The positions (in the pre-order of the `extends` tree) of the procedures that run a
    /// version: the subtree of the procedure it is written in, but its masks' subtrees.
    fn region(&self, v: &Version) -> Vec<(u32, u32)> {
        let p = v.procedure().0 as usize;
        let (lo, hi) = (self.tin[p], self.tout[p]);
        if lo == u32::MAX {
            return Vec::new();
        }
        let mut holes: Vec<(u32, u32)> = v
            .masks
            .iter()
            .map(|m| (self.tin[m.0 as usize], self.tout[m.0 as usize]))
            .filter(|(a, _)| *a != u32::MAX)
            .collect();
        holes.sort_unstable();
        let mut out = Vec::new();
        let mut at = lo;
        for (a, b) in holes {
            if a > at {
                out.push((at, a));
            }
            at = at.max(b);
        }
        if at < hi {
            out.push((at, hi));
        }
        out
    }
}

/// The number of steps each procedure runs: its own and its bases'.
pub(super) fn effective_lengths(m: &crate::model::Model) -> Vec<usize> {
    let n = m.procedures.len();
    let mut len: Vec<Option<usize>> = vec![None; n];
    for i in 0..n {
        // Up the chain to a procedure whose length is known, or to the root.
        let mut path = Vec::new();
        let mut at = Some(i);
        let mut known = 0;
        while let Some(p) = at {
            if let Some(l) = len[p] {
                known = l;
                break;
            }
            if path.len() > n {
                break;
            }
            path.push(p);
            at = m.procedures[p]
                .extends
                .as_ref()
                .and_then(|e| e.value.target)
                .map(|b| b.0 as usize);
        }
        for &p in path.iter().rev() {
            known += m.procedures[p].steps.len();
            len[p] = Some(known);
        }
    }
    len.into_iter().map(Option::unwrap_or_default).collect()
}

/// The targets of a list of step names.
fn refs<T: Copy>(l: &Option<Prop<crate::model::List<T>>>) -> Option<Vec<T>> {
    l.as_ref().map(|p| p.value.items.clone())
}

/// A version changed by an override.
fn merge<'a>(cx: &Context<'a>, base: &Version<'a>, o: &'a Override, id: OverrideId) -> Version<'a> {
    let mut v = base.clone();
    v.by = Some(id);
    v.masks = Vec::new();
    let c = &o.common;
    if c.owner.is_some() || cx.is_open(o.id, "owner") {
        v.owner = c.owner.as_ref();
        v.owner_open = c.owner.is_none();
    }
    if c.within.is_some() || cx.is_open(o.id, "within") {
        v.within = c.within.as_deref();
    }
    if let Some(n) = &c.needs {
        v.needs = n.value.items.clone();
    }
    if o.decided_by.is_some() {
        v.decided_by = o.decided_by.as_ref();
    }
    if c.next.is_some() {
        v.next = refs(&c.next);
    }
    if o.branches.is_some() {
        v.branches = refs(&o.branches);
    }
    if o.to.is_some() {
        v.to = refs(&o.to);
    }
    if !o.options.is_empty() {
        v.options = &o.options;
    }
    let same_step = |a: &Ref<StepId>, b: &Ref<StepId>| match (a.target, b.target) {
        (Some(x), Some(y)) => x == y,
        _ => cx.text(a.span) == cx.text(b.span),
    };
    for e in &o.edits {
        let add = e.value.add;
        match &e.value.values {
            EditValues::Next(l) => edit(&mut v.next, &l.items, add, same_step),
            EditValues::Branches(l) => edit(&mut v.branches, &l.items, add, same_step),
            EditValues::To(l) => edit(&mut v.to, &l.items, add, |a, b| same_member(cx, a, b)),
            EditValues::Needs(l) => {
                let mut needs = Some(std::mem::take(&mut v.needs));
                edit(&mut needs, &l.items, add, |a: &Tag, b: &Tag| {
                    cx.text(a.span) == cx.text(b.span)
                });
                v.needs = needs.unwrap_or_default();
            }
            EditValues::Items(_) => {}
        }
    }
    v
}

/// Adds values to a list, or removes them from it.
fn edit<T: Copy>(
    list: &mut Option<Vec<T>>,
    values: &[T],
    add: bool,
    same: impl Fn(&T, &T) -> bool,
) {
    let l = list.get_or_insert_with(Vec::new);
    if add {
        l.extend_from_slice(values);
    } else {
        l.retain(|x| !values.iter().any(|y| same(x, y)));
    }
}

/// Whether two members of a list of parties are the same group or name the same party.
pub(super) fn same_member(cx: &Context, a: &Member<Party>, b: &Member<Party>) -> bool {
    match (a, b) {
        (Member::Group(x), Member::Group(y)) => x.value == y.value,
        (Member::Ref(x), Member::Ref(y)) => match (x.target, y.target) {
            (Some(p), Some(q)) => p == q,
            _ => cx.text(x.span) == cx.text(y.span),
        },
        _ => false,
    }
}

/// IMP1101: a category that neither it nor a category it is nested in gives a procedure.
fn category_without_procedure(cx: &Context, out: &mut Vec<Diagnostic>) {
    let cats = &cx.model.categories;
    // In pre-order, a category comes after the one it is nested in.
    let mut covered = vec![false; cats.len()];
    for (i, c) in cats.iter().enumerate() {
        let inherited = c
            .parent
            .is_some_and(|p| covered.get(p.value.0 as usize).copied().unwrap_or(true));
        let given = c.procedure.is_some() || cx.is_open(c.id, "procedure");
        covered[i] = inherited || given || !cx.read_cleanly(c.id);
        if covered[i] {
            continue;
        }
        let mut d = cx
            .at(
                Code::CategoryWithoutProcedure,
                c.id,
                format!("category `{}` has no procedure", cx.name(c.id)),
            )
            .label("no `procedure` here");
        if let Some(p) = c.parent {
            d = d.with_secondary(p.span, "nor in the categories it is nested in");
        }
        out.push(d.help(
            "name the procedure that handles incidents of this category: `procedure NAME` \
             (a category nested in another takes its procedure unless it names its own)",
        ));
    }
}

/// The phases of the policy's lifecycle that procedures must serve, each with where it is
/// written (`None`: nowhere to point but the scheme), and the lifecycle the procedures that
/// serve them follow.
enum Phases<'a> {
    /// A lifecycle: its phases, written in a declared lifecycle or named by the policy.
    Lifecycle(LifecycleRef, Vec<(&'a str, Option<Span>)>),
    /// The language's phase words: all of them, or those the policy covers.
    Language(Vec<(&'a str, Option<Span>)>),
}

/// IMP1102: a phase of the lifecycle that no procedure serves.
fn phase_without_procedure(cx: &Context, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    if !cx.may_lack || m.is_empty() {
        return;
    }
    if m.procedures.is_empty() {
        out.push(
            Diagnostic::new(
                Code::PhaseWithoutProcedure,
                cx.scheme_span(),
                "the scheme has no procedures",
            )
            .label("no procedure in this scheme")
            .help("write a `procedure` for each phase of the lifecycle, from detection and reporting to lessons learnt"),
        );
        return;
    }
    let policy = m.policies.first();
    let Some(phases) = (match policy.and_then(|p| p.lifecycle.as_ref()) {
        Some(l) => match l.value {
            LifecycleRef::Builtin(b) => Some(Phases::Lifecycle(
                l.value,
                b.value
                    .phases()
                    .iter()
                    .map(|w| (*w, Some(b.span)))
                    .collect(),
            )),
            LifecycleRef::Declared(r) => r.target.map(|t| {
                let lc = &m[t];
                Phases::Lifecycle(
                    l.value,
                    lc.phases
                        .iter()
                        .flat_map(|p| p.value.items.iter())
                        .map(|t| (cx.text(t.span), Some(t.span)))
                        .collect(),
                )
            }),
        },
        None => Some(Phases::Language(
            match policy.and_then(|p| p.covers.as_ref()) {
                Some(c) => c
                    .value
                    .items
                    .iter()
                    .filter(|t| Phase::from_word(t.value.as_str()).is_some())
                    .map(|t| (t.value.as_str(), Some(t.span)))
                    .collect(),
                None => Phase::WORDS.iter().map(|w| (*w, None)).collect(),
            },
        )),
    }) else {
        return;
    };
    // A procedure follows the policy's lifecycle unless it names its own.
    let follows = |own: Option<LifecycleRef>| match (&phases, own) {
        (_, None) => true,
        (Phases::Language(_), Some(_)) => false,
        (Phases::Lifecycle(l, _), Some(o)) => same_lifecycle(*l, o),
    };
    let mut served: Set<&str> = Set::default();
    for p in &m.procedures {
        if !follows(p.lifecycle.as_ref().map(|l| l.value)) {
            continue;
        }
        served.extend(p.stages.iter().map(|s| cx.text(s.phase.span)));
        served.extend(
            p.lifecycle_phases
                .iter()
                .flat_map(|l| l.value.items.iter().map(|t| cx.text(t.span))),
        );
        served.extend(
            p.phase
                .iter()
                .flat_map(|l| l.value.items.iter().map(|t| t.value.as_str())),
        );
        if cx.is_open(p.id, "phase") || !cx.read_cleanly(p.id) {
            // A procedure whose phases are not stated yet, or one with an error inside (a
            // misspelt phase), may serve any of them.
            return;
        }
    }
    let (list, what) = match &phases {
        Phases::Lifecycle(l, list) => (
            list,
            match l {
                LifecycleRef::Builtin(b) => format!("of lifecycle `{}`", b.value),
                LifecycleRef::Declared(r) => format!("of lifecycle `{}`", cx.text(r.span)),
            },
        ),
        Phases::Language(list) => (list, String::new()),
    };
    // The phases no procedure serves, those written in one place together (a lifecycle the
    // language knows, or the language's phases when the policy does not say what it covers).
    let mut seen: Set<&str> = Set::default();
    let mut groups: Vec<(Option<Span>, Vec<&str>)> = Vec::new();
    for (w, span) in list {
        if served.contains(w) || !seen.insert(w) {
            continue;
        }
        match groups.last_mut() {
            Some((s, ws)) if s == span => ws.push(w),
            _ => groups.push((*span, vec![w])),
        }
    }
    let covers = matches!(phases, Phases::Language(_)) && list.iter().any(|(_, s)| s.is_some());
    for (span, ws) in groups {
        let message = match (ws.as_slice(), what.is_empty()) {
            ([w], true) => format!("no procedure serves the phase `{w}`"),
            ([w], false) => format!("no procedure serves the phase `{w}` {what}"),
            (_, true) => format!("no procedure serves the phases {}", backticked(&ws, ", ")),
            (_, false) => format!(
                "no procedure serves the phases {} {what}",
                backticked(&ws, ", ")
            ),
        };
        let (span, label) = match (span, &phases) {
            (Some(s), _) if covers => (s, "the policy covers it"),
            (Some(s), Phases::Lifecycle(LifecycleRef::Builtin(_), _)) => {
                (s, "the policy's lifecycle")
            }
            (Some(s), _) => (s, "a phase of the policy's lifecycle"),
            (None, _) => (cx.scheme_span(), "in this scheme"),
        };
        let w = ws[0];
        out.push(
            Diagnostic::new(Code::PhaseWithoutProcedure, span, message)
                .label(label)
                .help(format!(
                    "say which procedure serves {}: `phase [{w}]` in the procedure (or a \
                     `during {w} {{ .. }}` block){}",
                    if ws.len() == 1 { "it" } else { "each" },
                    if covers {
                        ", or leave it out of the policy's `covers`"
                    } else {
                        ""
                    }
                )),
        );
    }
}

fn same_lifecycle(a: LifecycleRef, b: LifecycleRef) -> bool {
    match (a, b) {
        (LifecycleRef::Builtin(x), LifecycleRef::Builtin(y)) => x.value == y.value,
        (LifecycleRef::Declared(x), LifecycleRef::Declared(y)) => {
            x.target.is_some() && x.target == y.target
        }
        _ => false,
    }
}

/// IMP1103: a phase nobody owns: a `during` block without an owner in a procedure without
/// one, or a procedure that serves phases and has no owner.
fn phase_without_owner(cx: &Context, steps: &Steps, out: &mut Vec<Diagnostic>) {
    for (i, p) in cx.model.procedures.iter().enumerate() {
        let id = ProcedureId(i as u32);
        if !matches!(steps.procedure_owner(id), Owner::Missing) {
            continue;
        }
        let phases = p
            .phase
            .as_ref()
            .map(|l| {
                (
                    l.value.span,
                    l.value.items.iter().map(|t| t.span).collect::<Vec<_>>(),
                )
            })
            .or_else(|| {
                p.lifecycle_phases
                    .as_ref()
                    .map(|l| (l.value.span, l.value.items.iter().map(|t| t.span).collect()))
            });
        if let Some((list, words)) = phases {
            out.push(
                cx.at(
                    Code::PhaseWithoutOwner,
                    p.id,
                    format!(
                        "procedure `{}` serves {} and has no owner",
                        cx.name(p.id),
                        backticked(words.iter().map(|s| cx.text(*s)), ", ")
                    ),
                )
                .label("no `owner` here")
                .with_secondary(list, "the phases it serves")
                .help("name who owns the procedure and the phases it serves: `owner ROLE`"),
            );
        }
        for (k, st) in p.stages.iter().enumerate() {
            if st.owner.is_some() || steps.stage_open.contains(&(id, k as u32)) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::PhaseWithoutOwner,
                    st.phase.span,
                    format!(
                        "phase `{}` of procedure `{}` has no owner",
                        cx.text(st.phase.span),
                        cx.name(p.id)
                    ),
                )
                .label("no `owner` in this block")
                .with_secondary(cx.head(p.id), "nor has the procedure")
                .help("name who owns the phase: `owner ROLE` in the `during` block, or an `owner` for the whole procedure"),
            );
        }
    }
}

/// The roles a person or a team holds directly: named in a role's `held_by`, on a rota that
/// holds it, or (a person) leading or in a team that holds it.
struct Held {
    by_person: Map<crate::model::PersonId, Vec<RoleId>>,
    by_team: Map<crate::model::TeamId, Vec<RoleId>>,
}

impl Held {
    fn of(cx: &Context) -> Held {
        let m = cx.model;
        let mut by_schedule: Map<crate::model::ScheduleId, Vec<RoleId>> = Map::default();
        let mut held = Held {
            by_person: Map::default(),
            by_team: Map::default(),
        };
        for (i, r) in m.roles.iter().enumerate() {
            let role = RoleId(i as u32);
            for h in r.held_by.iter().flat_map(|h| h.value.of.items.iter()) {
                match h.target {
                    Some(RoleHolder::Person(p)) => held.by_person.entry(p).or_default().push(role),
                    Some(RoleHolder::Team(t)) => held.by_team.entry(t).or_default().push(role),
                    Some(RoleHolder::Schedule(s)) => by_schedule.entry(s).or_default().push(role),
                    Some(RoleHolder::Role(_)) | None => {}
                }
            }
        }
        for (i, s) in m.schedules.iter().enumerate() {
            let Some(roles) = by_schedule.get(&crate::model::ScheduleId(i as u32)) else {
                continue;
            };
            for p in s.rotate.iter().flat_map(|r| r.value.people.items.iter()) {
                if let Some(p) = p.target {
                    held.by_person.entry(p).or_default().extend(roles);
                }
            }
        }
        for (i, t) in m.teams.iter().enumerate() {
            let Some(roles) = held.by_team.get(&crate::model::TeamId(i as u32)).cloned() else {
                continue;
            };
            let people = t
                .lead
                .iter()
                .map(|l| l.value)
                .chain(t.members.iter().flat_map(|l| l.value.items.iter().copied()));
            for p in people {
                if let Some(crate::model::RoleOrPerson::Person(p)) = p.target {
                    held.by_person.entry(p).or_default().extend(&roles);
                }
            }
        }
        for v in held.by_person.values_mut().chain(held.by_team.values_mut()) {
            v.sort_unstable();
            v.dedup();
        }
        held
    }

    /// The roles a holder stands for: a role itself, the roles a person or a team holds.
    fn roles(&self, h: Holder) -> Vec<RoleId> {
        match h {
            Holder::Role(r) => vec![r],
            Holder::Person(p) => self.by_person.get(&p).cloned().unwrap_or_default(),
            Holder::Team(t) => self.by_team.get(&t).cloned().unwrap_or_default(),
            Holder::External(_) => Vec::new(),
        }
    }
}

/// IMP1104: a step needs an authority that its owner does not hold.
fn authority_not_held(cx: &Context, steps: &Steps, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    if steps.versions.iter().all(|v| v.needs.is_empty()) {
        return;
    }
    let held = Held::of(cx);
    let mut authority: Set<(RoleId, &str)> = Set::default();
    for (i, r) in m.roles.iter().enumerate() {
        for t in r.authority.iter().flat_map(|a| a.value.items.iter()) {
            authority.insert((RoleId(i as u32), cx.text(t.span)));
        }
    }
    // A role whose authority is not stated, or not read, may hold anything.
    let unknown = |r: RoleId| {
        let role = &m[r];
        role.authority.is_none() && !cx.lacks(role.id, false, "authority")
    };
    let mut reported: Set<(Span, Holder)> = Set::default();
    for v in &steps.versions {
        if v.needs.is_empty() {
            continue;
        }
        let Owner::Named(owner, from) = steps.owner(cx, v) else {
            continue;
        };
        let Some(h) = owner.value.target else {
            continue;
        };
        let roles = held.roles(h);
        if roles.is_empty() || roles.iter().any(|r| unknown(*r)) {
            continue;
        }
        for need in &v.needs {
            let word = cx.text(need.span);
            if roles.iter().any(|r| authority.contains(&(*r, word))) {
                continue;
            }
            if !reported.insert((need.span, h)) {
                continue;
            }
            let name = cx.text(owner.value.span);
            let message = match h {
                Holder::Role(_) => {
                    format!("the owner `{name}` does not hold the authority `{word}`")
                }
                _ => format!("the owner `{name}` holds no role with the authority `{word}`"),
            };
            let owner_label = match from {
                From::Step => "the step's owner",
                From::Phase => "the owner of the step's phase",
                From::Procedure => "the owner of the step's procedure",
            };
            let mut d = Diagnostic::new(Code::AuthorityNotHeld, need.span, message)
                .label(format!(
                    "{} `{}` needs it",
                    cx.keyword(m[v.step].id),
                    cx.name(m[v.step].id)
                ))
                .with_secondary(owner.value.span, owner_label);
            for r in &roles {
                let role = &m[*r];
                d = match &role.authority {
                    Some(a) => d.with_secondary(
                        a.value.span,
                        format!("the authority of `{}`", cx.name(role.id)),
                    ),
                    None => d.with_secondary(
                        cx.head(role.id),
                        format!("`{}` has no `authority`", cx.name(role.id)),
                    ),
                };
            }
            let help = match h {
                Holder::Role(_) => format!(
                    "give `{name}` the authority (`authority [.., {word}]`), or make the step's owner a role that holds it"
                ),
                _ => format!(
                    "give one of the roles `{name}` holds the authority `{word}`, or make the step's owner a role that holds it"
                ),
            };
            out.push(d.help(help));
        }
    }
}

/// IMP1105: a step nobody carries out: no owner, in a phase and a procedure without one; a
/// decision that nobody owns or decides.
fn no_owner(cx: &Context, steps: &Steps, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    for v in steps.versions.iter().filter(|v| v.by.is_none()) {
        let step = &m[v.step];
        if !matches!(steps.owner(cx, v), Owner::Missing) || !cx.read_cleanly(step.id) {
            continue;
        }
        let decision = step.kind() == StepKind::Decision;
        if decision && (v.decided_by.is_some() || cx.is_open(step.id, "decided_by")) {
            continue;
        }
        let proc = &m[v.step.procedure];
        let message = if decision {
            format!(
                "decision `{}` is neither owned nor decided by anyone",
                cx.name(step.id)
            )
        } else {
            format!(
                "{} `{}` is owned by nobody",
                cx.keyword(step.id),
                cx.name(step.id)
            )
        };
        let mut d = cx
            .at(Code::NoOwner, step.id, message)
            .label(if decision {
                "no `owner` and no `decided_by`"
            } else {
                "no `owner`"
            })
            .with_secondary(cx.head(proc.id), "its procedure has no `owner` either");
        if let Some(k) = steps.stage(v.step) {
            d = d.with_secondary(proc.stages[k as usize].phase.span, "nor has its phase");
        }
        out.push(d.help(if decision {
            "say who decides: `decided_by ROLE`, or give the step, its phase or its procedure an `owner`"
        } else {
            "give the step an `owner`, or give its phase (`during`) or its procedure an `owner` that its steps fall back to"
        }));
    }
}

/// A duty as people would compare it: lower case, spaces collapsed, no final period.
fn normalise(text: &str) -> String {
    let mut s = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    while s.ends_with('.') {
        s.pop();
    }
    s
}

/// IMP1106: the same duty in two roles.
fn two_owners(cx: &Context, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    let mut first: Map<String, (RoleId, Span)> = Map::default();
    for (i, r) in m.roles.iter().enumerate() {
        let role = RoleId(i as u32);
        let mut own: Set<String> = Set::default();
        for duty in &r.duties {
            let key = normalise(duty.value.get(cx.sources));
            if key.is_empty() || !own.insert(key.clone()) {
                continue;
            }
            match first.get(&key) {
                None => {
                    first.insert(key, (role, duty.value.span));
                }
                Some(&(other, span)) => out.push(
                    Diagnostic::new(
                        Code::TwoOwners,
                        duty.value.span,
                        format!(
                            "roles `{}` and `{}` have the same duty",
                            cx.name(m[other].id),
                            cx.name(r.id)
                        ),
                    )
                    .label(format!("a duty of `{}`", cx.name(r.id)))
                    .with_secondary(span, format!("also a duty of `{}`", cx.name(m[other].id)))
                    .help("give the duty to one role; if both take part, say what each does in its own words"),
                ),
            }
        }
    }
}

/// The target of a level for a kind of step: `contain` for a step of the containment
/// phase, else `resolve`; the default target of `imp.yaml` when the level gives none.
fn level_target<'a>(
    cx: &Context<'a>,
    level: LevelId,
    contain: bool,
) -> Option<(Bounds, Option<&'a Prop<Within>>)> {
    let l = &cx.model[level];
    let (given, key, default) = if contain {
        (
            l.contain.as_ref(),
            "contain",
            cx.config.default_targets.contain,
        )
    } else {
        (
            l.resolve.as_ref(),
            "resolve",
            cx.config.default_targets.resolve,
        )
    };
    match given {
        Some(w) if w.value.from.is_none() => Bounds::of(&w.value).map(|b| (b, Some(w))),
        Some(_) => None,
        None if cx.is_open(l.id, key) => None,
        None => default.map(|s| (Bounds { min: s, max: s }, None)),
    }
}

/// A category's minimum level (and the category that gives it) and procedure, its own or
/// from the category it is nested in.
type Inherited = (Option<(LevelId, CategoryId)>, Option<ProcedureId>);

/// IMP1107: a step of a category's procedure may take longer than the category's minimum
/// level allows for the whole incident (or for containment, for a step of that phase).
fn target_contradicted(cx: &Context, steps: &Steps, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    let cats = &m.categories;
    if cats.is_empty() {
        return;
    }
    // Each category's minimum level and procedure, its own or from the category it is in.
    let mut eff: Vec<Inherited> = Vec::with_capacity(cats.len());
    // The strictest target for the procedures at each position of the `extends` tree.
    let n = m.procedures.len();
    let mut resolve = MinTree::new(n);
    let mut contain = MinTree::new(n);
    for (i, c) in cats.iter().enumerate() {
        let parent = c.parent.and_then(|p| eff.get(p.value.0 as usize).copied());
        let level = match &c.minimum {
            Some(l) => l.value.target.map(|t| (t, CategoryId(i as u32))),
            None => parent.and_then(|p| p.0),
        };
        let procedure = match &c.procedure {
            Some(p) => p.value.target,
            None => parent.and_then(|p| p.1),
        };
        eff.push((level, procedure));
        let (Some((level, from)), Some(p)) = (level, procedure) else {
            continue;
        };
        let at = steps.tin[p.0 as usize];
        if at == u32::MAX {
            continue;
        }
        for (tree, is_contain) in [(&mut resolve, false), (&mut contain, true)] {
            if let Some((b, _)) = level_target(cx, level, is_contain) {
                tree.lower(at as usize, (b.max, from.0, level));
            }
        }
    }
    if resolve.is_empty() && contain.is_empty() {
        return;
    }
    let mut reported: Set<Span> = Set::default();
    for v in &steps.versions {
        let Some(w) = v.within else { continue };
        let Some(b) = Bounds::of(&w.value) else {
            continue;
        };
        let containment = steps.stage(v.step).is_some_and(|k| {
            let phase = cx.text(m[v.step.procedure].stages[k as usize].phase.span);
            phase == "containment" || phase == "contain"
        });
        let tree = if containment { &contain } else { &resolve };
        let Some((max, cat, level)) = steps
            .region(v)
            .into_iter()
            .filter_map(|(lo, hi)| tree.min(lo as usize, hi as usize))
            .min()
        else {
            continue;
        };
        if !b.longer_than(Bounds { min: max, max }) || !reported.insert(w.value.span) {
            continue;
        }
        let category = &cats[cat as usize];
        let key = if containment { "contain" } else { "resolve" };
        let target = level_target(cx, level, containment).and_then(|(_, w)| w);
        let lvl = &m[level];
        let mut d = Diagnostic::new(
            Code::TargetContradicted,
            w.value.span,
            format!(
                "step `{}` may take {}, longer than the {} target of `{}` ({})",
                cx.name(m[v.step].id),
                shown(cx, &w.value),
                key,
                cx.name(lvl.id),
                super::time::show_seconds(max)
            ),
        )
        .label("this step's time limit");
        d = match target {
            Some(t) => d.with_secondary(
                t.span(),
                format!("the `{key}` target of `{}`", cx.name(lvl.id)),
            ),
            None => d.with_secondary(
                cx.head(lvl.id),
                format!(
                    "`{}` takes the default `{key}` target of `imp.yaml`",
                    cx.name(lvl.id)
                ),
            ),
        };
        if let Some(min) = &category.minimum {
            d = d.with_secondary(
                min.value.span,
                format!(
                    "category `{}` is at least `{}`",
                    cx.name(category.id),
                    cx.name(lvl.id)
                ),
            );
        }
        out.push(d.help(format!(
            "shorten the step's `within`, or give the category a procedure that fits the {key} \
             target of its minimum level"
        )));
    }
}

/// A time limit as written, for messages.
fn shown(cx: &Context, w: &Within) -> String {
    let text = cx.text(w.span);
    text.strip_prefix("within ").unwrap_or(text).to_string()
}

/// A segment tree of minima over positions, for the strictest target over a range of the
/// `extends` tree.
struct MinTree {
    n: usize,
    t: Vec<Option<(u64, u32, LevelId)>>,
    any: bool,
}

impl MinTree {
    fn new(n: usize) -> MinTree {
        MinTree {
            n,
            t: vec![None; 2 * n.max(1)],
            any: false,
        }
    }

    fn is_empty(&self) -> bool {
        !self.any
    }

    /// Lowers the value at a position to `v`, if `v` is smaller.
    fn lower(&mut self, at: usize, v: (u64, u32, LevelId)) {
        if at >= self.n {
            return;
        }
        self.any = true;
        let mut i = at + self.n;
        while i >= 1 {
            if self.t[i].is_none_or(|x| v < x) {
                self.t[i] = Some(v);
            }
            i /= 2;
        }
    }

    /// The smallest value in `lo..hi`.
    fn min(&self, lo: usize, hi: usize) -> Option<(u64, u32, LevelId)> {
        let (mut l, mut r) = (lo.min(self.n) + self.n, hi.min(self.n) + self.n);
        let mut best: Option<(u64, u32, LevelId)> = None;
        let mut take = |x: Option<(u64, u32, LevelId)>| {
            if let Some(x) = x
                && best.is_none_or(|b| x < b)
            {
                best = Some(x);
            }
        };
        while l < r {
            if l % 2 == 1 {
                take(self.t[l]);
                l += 1;
            }
            if r % 2 == 1 {
                r -= 1;
                take(self.t[r]);
            }
            l /= 2;
            r /= 2;
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use crate::diagnostics::Code;

    const PEOPLE: &str = "person ann \"Ann\" { email \"ann@example.org\" }\n\
        person bob \"Bob\" { email \"bob@example.org\" }\n\
        schedule rota \"Rota\" { hours 24x7; rotate weekly [bob] }\n\
        role handler \"Handler\" { held_by rota; authority [suspend_accounts] }\n\
        role lead \"Lead\" { held_by ann; authority [disconnect_systems] }\n";

    #[test]
    fn a_category_takes_the_procedure_of_the_one_it_is_in() {
        let text = format!(
            "{PEOPLE}category malware \"Malware\" {{\n  procedure p\n  category worm \"Worm\" {{}}\n}}\n\
             category fraud \"Fraud\" {{\n  category phishing \"Phishing\" {{}}\n}}\n\
             category spam \"Spam\" {{\n  procedure tbd\n  category junk \"Junk\" {{}}\n}}\n\
             category scam \"Scam\" {{\n  category lure \"Lure\" {{ procedure tbd }}\n}}\n\
             procedure p \"P\" {{\n  owner lead\n  action a \"A\" {{}}\n}}\n"
        );
        assert_eq!(
            findings(Code::CategoryWithoutProcedure, &text),
            [
                "10: category `fraud` has no procedure",
                "11: category `phishing` has no procedure",
                "17: category `scam` has no procedure"
            ]
        );
    }

    #[test]
    fn every_phase_the_policy_covers_has_a_procedure() {
        let text = format!(
            "{PEOPLE}policy \"P\" {{ owner lead; covers [detection, response, forensics, training] }}\n\
             procedure p \"P\" {{\n  owner lead\n  phase [detection, response]\n  action a \"A\" {{}}\n}}\n"
        );
        assert_eq!(
            findings(Code::PhaseWithoutProcedure, &text),
            ["6: no procedure serves the phase `forensics`"]
        );
        let none = format!("{PEOPLE}policy \"P\" {{ owner lead }}\n");
        assert_eq!(
            findings(Code::PhaseWithoutProcedure, &none),
            ["6: the scheme has no procedures"]
        );
    }

    #[test]
    fn every_phase_of_the_policys_lifecycle_has_a_procedure() {
        let text = format!(
            "{PEOPLE}policy \"P\" {{ owner lead; lifecycle ours }}\n\
             lifecycle ours \"Ours\" {{ phases [detect, respond, learn] }}\n\
             procedure p \"P\" {{\n  owner lead\n  phase [detection]\n  during detect {{\n    action a \"A\" {{}}\n  }}\n}}\n\
             procedure q \"Q\" {{\n  owner lead\n  lifecycle ours\n  phase [respond]\n  action b \"B\" {{}}\n}}\n"
        );
        assert_eq!(
            findings(Code::PhaseWithoutProcedure, &text),
            ["7: no procedure serves the phase `learn` of lifecycle `ours`"]
        );
    }

    #[test]
    fn a_phase_has_an_owner() {
        let text = format!(
            "{PEOPLE}lifecycle ours \"Ours\" {{ phases [detect, respond] }}\n\
             procedure p \"P\" {{\n  lifecycle ours\n  phase [respond]\n  during detect {{\n    action a \"A\" {{ owner lead }}\n  }}\n\
             \x20 during respond {{\n    owner lead\n    action b \"B\" {{}}\n  }}\n}}\n\
             procedure q \"Q\" {{\n  owner lead\n  during detect {{\n    action c \"C\" {{}}\n  }}\n}}\n"
        );
        assert_eq!(
            findings(Code::PhaseWithoutOwner, &text),
            [
                "7: procedure `p` serves `respond` and has no owner",
                "10: phase `detect` of procedure `p` has no owner"
            ]
        );
    }

    #[test]
    fn a_step_needs_an_authority_its_owner_holds() {
        let text = format!(
            "{PEOPLE}procedure p \"P\" {{\n  owner lead\n\
             \x20 action a \"A\" {{ owner handler; needs [disconnect_systems] }}\n\
             \x20 action b \"B\" {{ needs [disconnect_systems] }}\n\
             \x20 action c \"C\" {{ owner bob; needs [suspend_accounts, disconnect_systems] }}\n\
             \x20 action d \"D\" {{ owner ann; needs [disconnect_systems] }}\n}}\n"
        );
        assert_eq!(
            findings(Code::AuthorityNotHeld, &text),
            [
                "8: the owner `handler` does not hold the authority `disconnect_systems`",
                "10: the owner `bob` holds no role with the authority `disconnect_systems`"
            ]
        );
    }

    #[test]
    fn an_override_is_checked_with_the_owner_and_needs_it_gives() {
        let text = format!(
            "{PEOPLE}procedure base \"Base\" {{\n  owner lead\n\
             \x20 action a \"A\" {{ owner lead; needs [disconnect_systems] }}\n\
             \x20 action b \"B\" {{ owner handler; needs [suspend_accounts] }}\n}}\n\
             procedure fast \"Fast\" {{\n  extends base\n  owner lead\n\
             \x20 override a {{ owner handler }}\n\
             \x20 override b {{ add needs [disconnect_systems] }}\n}}\n"
        );
        assert_eq!(
            findings(Code::AuthorityNotHeld, &text),
            [
                "8: the owner `handler` does not hold the authority `disconnect_systems`",
                "15: the owner `handler` does not hold the authority `disconnect_systems`"
            ]
        );
    }

    #[test]
    fn a_step_without_an_owner_falls_back_to_its_phase_and_procedure() {
        let text = format!(
            "{PEOPLE}procedure p \"P\" {{\n\
             \x20 action a \"A\" {{}}\n\
             \x20 action b \"B\" {{ owner lead }}\n\
             \x20 decision c \"C\" {{ decided_by lead; option x \"X\" {{}} }}\n\
             \x20 decision d \"D\" {{ option x \"X\" {{}} }}\n}}\n\
             procedure q \"Q\" {{\n  owner lead\n  action e \"E\" {{}}\n}}\n\
             procedure r \"R\" {{\n  extends q\n  action f \"F\" {{}}\n}}\n"
        );
        assert_eq!(
            findings(Code::NoOwner, &text),
            [
                "7: action `a` is owned by nobody",
                "10: decision `d` is neither owned nor decided by anyone"
            ]
        );
    }

    #[test]
    fn the_same_duty_in_two_roles_is_found() {
        let text = "role a \"A\" { held_by tbd; duty \"Keep the incident log.\" }\n\
                    role b \"B\" { held_by tbd; duty \"keep the  incident log\"; duty \"Brief the board\" }\n\
                    role c \"C\" { held_by tbd; duty \"Brief the press\" }\n";
        assert_eq!(
            findings(Code::TwoOwners, text),
            ["2: roles `a` and `b` have the same duty"]
        );
    }

    #[test]
    fn a_step_slower_than_the_categorys_minimum_level_is_found() {
        let text = format!(
            "{PEOPLE}scale severity \"Severity\" {{\n\
             \x20 level sev1 \"Critical\" {{ contain within 1h; resolve within 4h }}\n\
             \x20 level sev2 \"High\" {{ resolve within 1d }}\n}}\n\
             category malware \"Malware\" {{\n  procedure base\n  category worm \"Worm\" {{ minimum sev1 }}\n}}\n\
             category ransomware \"Ransomware\" {{ minimum sev1; procedure fast }}\n\
             category spam \"Spam\" {{ minimum sev2; procedure slow }}\n\
             lifecycle ours \"Ours\" {{ phases [containment, recovery] }}\n\
             procedure base \"Base\" {{\n  owner lead\n  lifecycle ours\n\
             \x20 during containment {{\n    action cut \"Cut\" {{ within 2h }}\n  }}\n\
             \x20 during recovery {{\n    action wipe \"Wipe\" {{ within 2h }}\n    action rebuild \"Rebuild\" {{ within 1d }}\n  }}\n}}\n\
             procedure fast \"Fast\" {{\n  extends base\n  owner lead\n  override rebuild {{ within 2h }}\n}}\n\
             procedure slow \"Slow\" {{\n  owner lead\n  action wait \"Wait\" {{ within 12h }}\n}}\n"
        );
        assert_eq!(
            findings(Code::TargetContradicted, &text),
            [
                "21: step `cut` may take 2h, longer than the contain target of `sev1` (1h)",
                "25: step `rebuild` may take 1d, longer than the resolve target of `sev1` (4h)"
            ]
        );
        // `fast` alone runs `rebuild` within 2h: no finding of the base's day.
        let text = text.replace(
            "category worm \"Worm\" { minimum sev1 }",
            "category worm \"Worm\" {}",
        );
        assert_eq!(
            findings(Code::TargetContradicted, &text),
            ["21: step `cut` may take 2h, longer than the contain target of `sev1` (1h)"]
        );
    }
}
