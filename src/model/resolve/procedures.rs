//! Procedures: `extends` resolved and its cycles broken, steps registered (an own step that
//! repeats an inherited one is left out), then every step reference resolved in the steps
//! the procedure has, its own and its bases'. Procedures form a forest through `extends`; it
//! is walked depth first with an explicit stack and one map of the step names in scope, so
//! that a chain of any length costs what its steps do.

use crate::model::Map;

use super::Pile;
use super::names::Resolver;
use crate::diagnostics::suggest::{MAX_SCAN, listing, suggest};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::lower::{Head, Piled};
use crate::model::*;
use crate::source::Span;

/// The step names in scope while the forest is walked.
#[derive(Default)]
struct StepScope<'a> {
    map: Map<&'a str, Vec<StepId>>,
    /// Names in the order they came into scope, for "did you mean".
    order: Vec<&'a str>,
}

impl<'a> StepScope<'a> {
    fn push(&mut self, name: &'a str, id: StepId) {
        self.map.entry(name).or_default().push(id);
        self.order.push(name);
    }

    fn pop(&mut self, name: &'a str) {
        if let Some(v) = self.map.get_mut(name) {
            v.pop();
            if v.is_empty() {
                self.map.remove(name);
            }
        }
        self.order.pop();
    }

    fn get(&self, name: &str) -> Option<StepId> {
        self.map.get(name).and_then(|v| v.last()).copied()
    }
}

fn base_of(m: &Model, p: usize) -> Option<usize> {
    m.procedures[p]
        .extends
        .as_ref()
        .and_then(|e| e.value.target)
        .map(|t| t.0 as usize)
}

pub(super) fn register_and_resolve(
    r: &mut Resolver<'_>,
    m: &mut Model,
    heads: Vec<Vec<Head>>,
    pile: &mut Pile,
) {
    let n = m.procedures.len();
    // `extends`, and procedures that extend themselves.
    for (i, p) in m.procedures.iter_mut().enumerate() {
        if let Some(e) = &mut p.extends {
            r.resolve(&mut e.value);
            if e.value.target == Some(ProcedureId(i as u32)) {
                r.self_ref(
                    p.id,
                    e.value.span,
                    "extends itself",
                    "a procedure extends another, base procedure",
                );
                e.value.target = None;
            }
        }
    }
    cycles(r, m);
    // Children of each procedure, and the roots of the forest.
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut roots = Vec::new();
    for p in 0..n {
        match base_of(m, p) {
            Some(b) => children[b].push(p),
            None => roots.push(p),
        }
    }
    let name_of = |p: usize, local: DeclId| heads[p][local.index()].name;
    // Own steps that repeat an inherited name are left out of the model.
    let mut shadowed: Vec<Vec<bool>> = m
        .procedures
        .iter()
        .map(|p| vec![false; p.steps.len()])
        .collect();
    {
        let mut scope: Map<&str, Vec<Span>> = Map::default();
        let mut stack: Vec<(usize, bool)> = roots.iter().rev().map(|&p| (p, false)).collect();
        let mut pushed: Vec<Vec<&str>> = vec![Vec::new(); n];
        while let Some((p, done)) = stack.pop() {
            if done {
                for name in pushed[p].drain(..).rev() {
                    if let Some(v) = scope.get_mut(name) {
                        v.pop();
                    }
                }
                continue;
            }
            let inherited = base_of(m, p).is_some();
            for (i, s) in m.procedures[p].steps.iter().enumerate() {
                let Some(span) = name_of(p, s.id) else {
                    continue;
                };
                let name = r.text(span);
                if inherited && let Some(first) = scope.get(name).and_then(|v| v.last()) {
                    let pname = r.index.name(r.sources, m.procedures[p].id).unwrap_or("");
                    r.report(
                        Diagnostic::new(
                            Code::DuplicateName,
                            span,
                            format!("step `{name}` is defined twice in procedure `{pname}`"),
                        )
                        .label("second definition")
                        .with_secondary(*first, "first defined here")
                        .help(format!(
                            "the base procedure has a step `{name}`: write `override {name} {{ .. }}` to change it"
                        )),
                    );
                    shadowed[p][i] = true;
                    continue;
                }
                scope.entry(name).or_default().push(span);
                pushed[p].push(name);
            }
            stack.push((p, true));
            for &c in children[p].iter().rev() {
                stack.push((c, false));
            }
        }
    }
    // Register steps, options and overrides.
    for (p, proc) in m.procedures.iter_mut().enumerate() {
        let pid = ProcedureId(p as u32);
        if shadowed[p].contains(&true) {
            let mut kept = Vec::with_capacity(proc.steps.len());
            for (i, s) in std::mem::take(&mut proc.steps).into_iter().enumerate() {
                if shadowed[p][i] {
                    pile.nested.push((Some(pid), Piled::Step(Box::new(s))));
                } else {
                    kept.push(s);
                }
            }
            proc.steps = kept;
        }
        let pdecl = proc.id;
        for (i, s) in proc.steps.iter_mut().enumerate() {
            let sid = StepId {
                procedure: pid,
                index: i as u32,
            };
            s.id = register(r, &heads[p], s.id, Loc::Step(sid), pdecl, true);
            let sdecl = s.id;
            if let StepBody::Decision { options, .. } = &mut s.body {
                for (j, o) in options.iter_mut().enumerate() {
                    let loc = Loc::Option(OptionId {
                        of: OptionOwner::Step(sid),
                        index: j as u32,
                    });
                    o.id = register(r, &heads[p], o.id, loc, sdecl, true);
                }
            }
        }
        for (k, o) in proc.overrides.iter_mut().enumerate() {
            let oid = OverrideId {
                procedure: pid,
                index: k as u32,
            };
            o.id = register(r, &heads[p], o.id, Loc::Override(oid), pdecl, false);
            let odecl = o.id;
            for (j, opt) in o.options.iter_mut().enumerate() {
                let loc = Loc::Option(OptionId {
                    of: OptionOwner::Override(oid),
                    index: j as u32,
                });
                opt.id = register(r, &heads[p], opt.id, loc, odecl, true);
            }
        }
    }
    drop(shadowed);
    drop(heads);
    r.used.resize(r.index.len(), false);
    // Resolve, depth first through the forest.
    let mut nested: Vec<Vec<Piled>> = (0..n).map(|_| Vec::new()).collect();
    let mut rest = Vec::new();
    for (p, item) in std::mem::take(&mut pile.nested) {
        match (p, item) {
            (Some(p), item @ (Piled::Step(_) | Piled::Option(_) | Piled::Override(_))) => {
                nested[p.0 as usize].push(item)
            }
            other => rest.push(other),
        }
    }
    pile.nested = rest;
    let mut scope = StepScope::default();
    let mut stack: Vec<(usize, bool)> = roots.iter().rev().map(|&p| (p, false)).collect();
    while let Some((p, done)) = stack.pop() {
        let count = m.procedures[p].steps.len();
        if done {
            for s in m.procedures[p].steps.iter().rev() {
                if let Some(name) = r.index.name(r.sources, s.id) {
                    scope.pop(name);
                }
            }
            let _ = count;
            continue;
        }
        let base = base_of(m, p);
        let pname = r
            .index
            .name(r.sources, m.procedures[p].id)
            .unwrap_or("")
            .to_string();
        let bname = base
            .and_then(|b| r.index.name(r.sources, m.procedures[b].id))
            .unwrap_or("")
            .to_string();
        // Overrides name steps of the base.
        for o in &mut m.procedures[p].overrides {
            if base.is_none() {
                continue;
            }
            let name = r.text(o.step.span);
            match scope.get(name) {
                Some(sid) => {
                    o.step.target = Some(sid);
                    let d = m_step_decl(r, sid, &scope);
                    if let Some(d) = d {
                        r.index.add_ref(o.step.span, d);
                        r.mark_used(d);
                    }
                }
                None => {
                    let help = match r.suggest_step(name, &scope.order) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!(
                            "the steps of `{bname}` are {}",
                            listing(scope.order.iter().copied())
                        ),
                    };
                    r.report(
                        Diagnostic::new(
                            Code::OverrideUnknownStep,
                            o.step.span,
                            format!("`{bname}` has no step `{name}` to override"),
                        )
                        .label("no such step in the base")
                        .help(help),
                    );
                }
            }
        }
        for (i, s) in m.procedures[p].steps.iter().enumerate() {
            if let Some(name) = r.index.name(r.sources, s.id) {
                scope.push(
                    name,
                    StepId {
                        procedure: ProcedureId(p as u32),
                        index: i as u32,
                    },
                );
            }
        }
        let proc = &mut m.procedures[p];
        r.opt(&mut proc.owner);
        if let Some(l) = &mut proc.lifecycle {
            r.lifecycle(&mut l.value);
        }
        for st in &mut proc.stages {
            r.opt(&mut st.owner);
        }
        for l in &mut proc.see_also {
            for it in &mut l.value.items {
                r.resolve(it);
            }
        }
        r.twice_words(&proc.phase);
        if let Some(s) = &mut proc.start {
            step_ref(r, &scope, &mut s.value, &pname);
        }
        for (i, s) in proc.steps.iter_mut().enumerate() {
            let sid = StepId {
                procedure: ProcedureId(p as u32),
                index: i as u32,
            };
            step(r, &scope, s, &pname);
            if let Some(next) = &s.common.next {
                for it in &next.value.items {
                    if it.target == Some(sid) {
                        r.self_ref(
                            s.id,
                            it.span,
                            "is its own next step",
                            "a step that follows itself never ends: name the step that comes after it",
                        );
                    }
                }
            }
        }
        for o in &mut proc.overrides {
            override_(r, &scope, o, &pname);
        }
        for item in &mut nested[p] {
            match item {
                Piled::Step(s) => step(r, &scope, s, &pname),
                Piled::Option(o) => option(r, &scope, o, &pname),
                Piled::Override(o) => override_(r, &scope, o, &pname),
                _ => {}
            }
        }
        let _ = count;
        stack.push((p, true));
        for &c in children[p].iter().rev() {
            stack.push((c, false));
        }
    }
}

impl Resolver<'_> {
    /// "did you mean" among the steps in scope, within the budget of plain scans.
    fn suggest_step<'n>(&mut self, name: &str, order: &[&'n str]) -> Option<&'n str> {
        let n = order.len().min(MAX_SCAN);
        if self.scan_budget < n {
            return None;
        }
        self.scan_budget -= n;
        suggest(name, order.iter().copied())
    }
}

/// The definition of a step in scope.
fn m_step_decl(r: &Resolver<'_>, sid: StepId, _scope: &StepScope<'_>) -> Option<DeclId> {
    r.step_decls.get(&sid).copied()
}

fn register(
    r: &mut Resolver<'_>,
    heads: &[Head],
    local: DeclId,
    loc: Loc,
    parent: DeclId,
    named: bool,
) -> DeclId {
    let id = super::register_nested(&mut r.index, r.sources, heads, local, loc, parent, named);
    if let Loc::Step(sid) = loc {
        r.step_decls.insert(sid, id);
    }
    id
}

/// Cycles of `extends`: each reported once, at the `extends` that closes it, which loses its
/// target, so that the model has none.
fn cycles(r: &mut Resolver<'_>, m: &mut Model) {
    let n = m.procedures.len();
    let mut state = vec![0u8; n];
    for start in 0..n {
        if state[start] != 0 {
            continue;
        }
        let mut path = Vec::new();
        let mut cur = start;
        loop {
            state[cur] = 1;
            path.push(cur);
            match base_of(m, cur) {
                None => break,
                Some(b) if state[b] == 1 => {
                    let pos = path.iter().position(|&x| x == b).unwrap_or(0);
                    let cycle = &path[pos..];
                    let name = |i: usize| {
                        r.index
                            .name(r.sources, m.procedures[i].id)
                            .unwrap_or("")
                            .to_string()
                    };
                    let mut names: Vec<String> =
                        cycle.iter().map(|&i| format!("`{}`", name(i))).collect();
                    names.push(format!("`{}`", name(b)));
                    let span = m.procedures[cur]
                        .extends
                        .as_ref()
                        .map_or(Span::default(), |e| e.value.span);
                    let mut d = Diagnostic::new(
                        Code::ExtendsCycle,
                        span,
                        format!("cycle of `extends`: {}", names.join(" → ")),
                    )
                    .label(format!(
                        "`{}` extends `{}`, which closes the cycle",
                        name(cur),
                        name(b)
                    ))
                    .help("a procedure cannot extend a procedure that extends it: break the cycle");
                    for &i in &cycle[..cycle.len() - 1] {
                        if let Some(e) = &m.procedures[i].extends {
                            d = d.with_secondary(
                                e.value.span,
                                format!("`{}` extends the next", name(i)),
                            );
                        }
                    }
                    r.report(d);
                    if let Some(e) = &mut m.procedures[cur].extends {
                        e.value.target = None;
                    }
                    break;
                }
                Some(b) if state[b] == 2 => break,
                Some(b) => cur = b,
            }
        }
        for p in path {
            state[p] = 2;
        }
    }
}

fn step_ref(r: &mut Resolver<'_>, scope: &StepScope<'_>, s: &mut Ref<StepId>, procedure: &str) {
    let name = r.text(s.span);
    match scope.get(name) {
        Some(sid) => {
            s.target = Some(sid);
            if let Some(d) = r.step_decls.get(&sid).copied() {
                r.mark_used(d);
                r.index.add_ref(s.span, d);
            }
        }
        None if r.unparsed.contains(name) => {}
        None => {
            let help = match r.suggest_step(name, &scope.order) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "name a step of this procedure".to_string(),
            };
            let shown = if procedure.is_empty() {
                "the procedure".to_string()
            } else {
                format!("procedure `{procedure}`")
            };
            r.report(
                Diagnostic::new(
                    Code::UnknownName,
                    s.span,
                    format!("{shown} has no step `{name}`"),
                )
                .label("unknown step")
                .help(help),
            );
        }
    }
}

fn steps(
    r: &mut Resolver<'_>,
    scope: &StepScope<'_>,
    l: &mut Option<Prop<List<Ref<StepId>>>>,
    procedure: &str,
) {
    if let Some(p) = l {
        for s in &mut p.value.items {
            step_ref(r, scope, s, procedure);
        }
        r.twice_refs(&p.value);
    }
}

fn common(r: &mut Resolver<'_>, scope: &StepScope<'_>, c: &mut StepCommon, procedure: &str) {
    r.opt(&mut c.owner);
    if let Some(w) = &mut c.within {
        r.limit(&mut w.value);
    }
    r.opt(&mut c.form);
    steps(r, scope, &mut c.next, procedure);
    r.quorum(&mut c.approved_by);
    r.twice_words(&c.needs);
}

fn option(r: &mut Resolver<'_>, scope: &StepScope<'_>, o: &mut DecisionOption, procedure: &str) {
    r.when(&mut o.when);
    steps(r, scope, &mut o.next, procedure);
}

fn step(r: &mut Resolver<'_>, scope: &StepScope<'_>, s: &mut Step, procedure: &str) {
    common(r, scope, &mut s.common, procedure);
    match &mut s.body {
        StepBody::Action | StepBody::Collect { .. } => {}
        StepBody::Decision {
            decided_by,
            options,
        } => {
            r.opt(decided_by);
            for o in options {
                option(r, scope, o, procedure);
            }
        }
        StepBody::Parallel { branches } => steps(r, scope, branches, procedure),
        StepBody::Notify { to, obligation } => {
            r.members(to);
            r.opt(obligation);
        }
        StepBody::Escalate { path, to } => {
            r.opt(path);
            r.list(to);
        }
        StepBody::Run { procedure: p } => r.opt(p),
        StepBody::End { .. } => {}
    }
}

fn override_(r: &mut Resolver<'_>, scope: &StepScope<'_>, o: &mut Override, procedure: &str) {
    common(r, scope, &mut o.common, procedure);
    r.opt(&mut o.decided_by);
    steps(r, scope, &mut o.branches, procedure);
    r.members(&mut o.to);
    r.opt(&mut o.obligation);
    r.opt(&mut o.path);
    r.opt(&mut o.procedure);
    for opt in &mut o.options {
        option(r, scope, opt, procedure);
    }
    for e in &mut o.edits {
        match &mut e.value.values {
            EditValues::Next(l) | EditValues::Branches(l) => {
                for s in &mut l.items {
                    step_ref(r, scope, s, procedure);
                }
            }
            EditValues::To(l) => {
                for m in &mut l.items {
                    if let Member::Ref(x) = m {
                        r.resolve(x);
                    }
                }
            }
            EditValues::Needs(_) | EditValues::Items(_) => {}
        }
    }
}

/// A procedure left out of the model (its name was taken): checked against its own steps
/// and its base's.
pub(super) fn piled_procedure(r: &mut Resolver<'_>, m: &Model, p: &mut Procedure, heads: &[Head]) {
    if let Some(e) = &mut p.extends {
        r.resolve(&mut e.value);
    }
    let mut scope = StepScope::default();
    // The base chain's steps, outermost first.
    let mut chain = Vec::new();
    let mut seen = Set::default();
    let mut cur = p.extends.as_ref().and_then(|e| e.value.target);
    while let Some(b) = cur {
        if !seen.insert(b) {
            break;
        }
        chain.push(b);
        cur = m[b].extends.as_ref().and_then(|e| e.value.target);
    }
    for &b in chain.iter().rev() {
        for (i, s) in m[b].steps.iter().enumerate() {
            if let Some(name) = r.index.name(r.sources, s.id) {
                scope.push(
                    name,
                    StepId {
                        procedure: b,
                        index: i as u32,
                    },
                );
            }
        }
    }
    // Its own steps have no ids; a placeholder one stands for each.
    let fake = ProcedureId(u32::MAX);
    for (i, s) in p.steps.iter().enumerate() {
        if let Some(span) = heads[s.id.index()].name {
            scope.push(
                r.text(span),
                StepId {
                    procedure: fake,
                    index: i as u32,
                },
            );
        }
    }
    let pname = heads
        .first()
        .and_then(|h| h.name)
        .map_or(String::new(), |n| r.text(n).to_string());
    r.opt(&mut p.owner);
    for st in &mut p.stages {
        r.opt(&mut st.owner);
    }
    for l in &mut p.see_also {
        for it in &mut l.value.items {
            r.resolve(it);
        }
    }
    if let Some(s) = &mut p.start {
        step_ref(r, &scope, &mut s.value, &pname);
    }
    for s in &mut p.steps {
        step(r, &scope, s, &pname);
    }
    for o in &mut p.overrides {
        override_(r, &scope, o, &pname);
    }
}

/// A step left out with its procedure: only names outside the procedure are checked.
pub(super) fn loose_step(r: &mut Resolver<'_>, s: &mut Step) {
    let scope = StepScope::default();
    r.opt(&mut s.common.owner);
    r.quorum(&mut s.common.approved_by);
    let _ = scope;
}

pub(super) fn loose_override(r: &mut Resolver<'_>, o: &mut Override) {
    r.opt(&mut o.common.owner);
    r.opt(&mut o.decided_by);
    r.members(&mut o.to);
}
