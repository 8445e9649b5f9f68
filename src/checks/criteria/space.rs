//! The incidents a scale's criteria speak of, as a space of finite variables, and the
//! reasoning over it that the coverage checks need: conditions in disjunctive normal form,
//! and a small solver for "is there an incident that ...".
//!
//! # The variables
//! Each thing a condition can ask of an incident is a variable with a finite domain, its
//! values numbered from 0 (the smallest, or `false`):
//! - an impact with levels: its level numbers, in order;
//! - an impact with choices: one of them; with `multiple`, one yes/no variable per choice;
//! - a fact or a judgement: `false`, `true`;
//! - a quantity: the intervals between the thresholds the conditions compare it with;
//! - the time to acknowledgement, to control, and to the next deadline: the same, with the
//!   durations of `not acknowledged after`, `not under_control after` and `deadline within`;
//! - the category: every category (`category in [x]` allows `x` and its subtree);
//! - the level on another scale: its levels, most severe first.
//!
//! A set of values is a bit set; a *term* holds one set per variable (all of them, one word
//! run each), and stands for the incidents whose every variable is in its set.
//!
//! # The bounds
//! A condition's normal form has at most [`MAX_TERMS`] terms, and the whole work on a scale
//! (normal forms, comparisons of terms, the solver's steps) at most [`BUDGET`] word
//! operations: past either, the checks say nothing of the scale.

use crate::checks::Context;
use crate::checks::time::show_seconds;
use crate::model::{
    CmpOp, Condition, ConditionKind, CriteriaId, Duration, FactId, ImpactId, Map, QuantityId,
    ScaleId, Set,
};

/// The most terms a condition's normal form may have.
pub const MAX_TERMS: usize = 512;
/// The most word operations spent on one scale.
pub const BUDGET: u64 = 40_000_000;

/// Why the checks say nothing of a scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// Some part of a condition is not known: open, invalid, unresolved, or only words.
    Unknown,
    /// A normal form or the work grew past its bound.
    TooBig,
}

/// What a variable stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    Impact(ImpactId),
    Choice(ImpactId),
    Flag(ImpactId, u32),
    Fact(FactId),
    Quantity(QuantityId),
    Acknowledged,
    UnderControl,
    Deadline,
    Category,
    Scale(ScaleId),
}

impl Key {
    /// Whether the domain is cut into intervals at thresholds.
    fn cut(self) -> bool {
        matches!(
            self,
            Key::Quantity(_) | Key::Acknowledged | Key::UnderControl | Key::Deadline
        )
    }
}

#[derive(Debug, Clone)]
pub struct Var {
    pub key: Key,
    /// The number of values.
    pub size: usize,
    /// Where its words start in a term.
    pub at: usize,
    /// Its number of words.
    pub len: usize,
    /// An impact's level numbers; the thresholds of a cut domain, sorted.
    pub points: Vec<u64>,
}

/// The variables of one scale's criteria, in the order conditions first name them.
pub struct Space {
    pub vars: Vec<Var>,
    index: Map<Key, usize>,
    /// The words of a term.
    pub words: usize,
    /// A term that allows everything.
    pub full: Vec<u64>,
    /// Criteria in an order where each comes after those it names.
    order: Vec<CriteriaId>,
    /// The polarities each criteria is needed in: (positive, negative).
    need: Map<CriteriaId, (bool, bool)>,
    /// The end (exclusive) of each category's subtree, in the model's pre-order.
    subtree: Vec<usize>,
}

/// The work left on a scale.
pub struct Budget(pub u64);

impl Budget {
    pub fn spend(&mut self, n: usize) -> Result<(), Skip> {
        let n = n.max(1) as u64;
        if self.0 < n {
            self.0 = 0;
            return Err(Skip::TooBig);
        }
        self.0 -= n;
        Ok(())
    }
}

fn seconds(d: &Duration) -> Result<u64, Skip> {
    d.fixed_seconds().ok_or(Skip::Unknown)
}

/// The thresholds a comparison `x OP v` cuts a domain at (values `<= c` and `> c`).
fn cuts(op: CmpOp, v: u64) -> impl Iterator<Item = u64> {
    let below = v.checked_sub(1);
    let (a, b) = match op {
        CmpOp::Le | CmpOp::Gt => (Some(v), None),
        CmpOp::Lt | CmpOp::Ge => (below, None),
        CmpOp::Eq | CmpOp::Ne => (Some(v), below),
    };
    a.into_iter().chain(b)
}

fn compare(op: CmpOp, x: u64, v: u64) -> bool {
    match op {
        CmpOp::Ge => x >= v,
        CmpOp::Gt => x > v,
        CmpOp::Le => x <= v,
        CmpOp::Lt => x < v,
        CmpOp::Eq => x == v,
        CmpOp::Ne => x != v,
    }
}

/// Severity: index 0 is the most severe, so "at least as severe as `k`" is `i <= k`.
fn compare_severity(op: CmpOp, i: u64, k: u64) -> bool {
    match op {
        CmpOp::Ge => i <= k,
        CmpOp::Gt => i < k,
        CmpOp::Le => i >= k,
        CmpOp::Lt => i > k,
        CmpOp::Eq => i == k,
        CmpOp::Ne => i != k,
    }
}

impl Space {
    /// The variables of the conditions `roots` (the levels' criteria of scale `own`), with
    /// the named criteria they use, expanded. `Err` when any part cannot be reasoned about.
    pub fn build(cx: &Context, own: ScaleId, roots: &[&Condition]) -> Result<Space, Skip> {
        let m = cx.model;
        let mut space = Space {
            vars: Vec::new(),
            index: Map::default(),
            words: 0,
            full: Vec::new(),
            order: Vec::new(),
            need: Map::default(),
            subtree: Vec::new(),
        };
        let mut deps: Map<CriteriaId, Vec<CriteriaId>> = Map::default();
        // Pre-order over the roots, each criteria expanded where first named.
        let mut stack: Vec<(&Condition, Option<CriteriaId>)> =
            roots.iter().rev().map(|c| (*c, None)).collect();
        let mut seen: Set<CriteriaId> = Set::default();
        while let Some((c, within)) = stack.pop() {
            match &c.kind {
                ConditionKind::Any { terms } | ConditionKind::All { terms } => {
                    stack.extend(terms.iter().rev().map(|t| (t, within)));
                }
                ConditionKind::Not { inner } => stack.push((inner, within)),
                ConditionKind::Criteria { criteria } => {
                    let id = criteria.target.ok_or(Skip::Unknown)?;
                    if let Some(w) = within {
                        deps.entry(w).or_default().push(id);
                    }
                    if seen.insert(id) {
                        let k = &m[id];
                        if !cx.read_cleanly(k.id) {
                            return Err(Skip::Unknown);
                        }
                        let when = k.when.as_ref().ok_or(Skip::Unknown)?;
                        deps.entry(id).or_default();
                        stack.push((&when.cond, Some(id)));
                    }
                }
                ConditionKind::Impact { impact, .. } => {
                    let id = impact.target.ok_or(Skip::Unknown)?;
                    // An impact with a level that did not read may have more levels.
                    if !cx.read_cleanly(m[id].id) {
                        return Err(Skip::Unknown);
                    }
                    let mut points: Vec<u64> = m[id]
                        .levels
                        .iter()
                        .map(|l| u64::from(l.value.level.value))
                        .collect();
                    points.sort_unstable();
                    points.dedup();
                    if points.is_empty() {
                        return Err(Skip::Unknown);
                    }
                    space.var(Key::Impact(id), points.len(), points);
                }
                ConditionKind::Choice { impact, choices } => {
                    let id = impact.target.ok_or(Skip::Unknown)?;
                    if !cx.read_cleanly(m[id].id) {
                        return Err(Skip::Unknown);
                    }
                    let n = m[id].choices.len();
                    if n == 0 || choices.iter().any(|c| c.value as usize >= n) {
                        return Err(Skip::Unknown);
                    }
                    if m[id].multiple.is_some() {
                        for c in choices.iter() {
                            space.var(Key::Flag(id, c.value), 2, Vec::new());
                        }
                    } else {
                        space.var(Key::Choice(id), n, Vec::new());
                    }
                }
                ConditionKind::Fact { fact } => {
                    let id = fact.target.ok_or(Skip::Unknown)?;
                    space.var(Key::Fact(id), 2, Vec::new());
                }
                ConditionKind::Quantity {
                    quantity,
                    op,
                    value,
                    ..
                } => {
                    let id = quantity.target.ok_or(Skip::Unknown)?;
                    space.threshold(Key::Quantity(id), cuts(op.value, value.value));
                }
                ConditionKind::NotAcknowledged { after } => {
                    space.threshold(Key::Acknowledged, [seconds(after)?].into_iter());
                }
                ConditionKind::NotUnderControl { after } => {
                    space.threshold(Key::UnderControl, [seconds(after)?].into_iter());
                }
                ConditionKind::DeadlineWithin { within } => {
                    space.threshold(Key::Deadline, [seconds(within)?].into_iter());
                }
                ConditionKind::Category { categories } => {
                    if categories.iter().any(|c| c.target.is_none())
                        || m.categories.is_empty()
                        || !cx.may_lack
                    {
                        return Err(Skip::Unknown);
                    }
                    space.var(Key::Category, m.categories.len(), Vec::new());
                }
                ConditionKind::Level { scale, level, .. } => {
                    let (s, l) = (
                        scale.target.ok_or(Skip::Unknown)?,
                        level.target.ok_or(Skip::Unknown)?,
                    );
                    if s == own
                        || l.scale != s
                        || m[s].levels.is_empty()
                        || !cx.read_cleanly(m[s].id)
                    {
                        return Err(Skip::Unknown);
                    }
                    space.var(Key::Scale(s), m[s].levels.len(), Vec::new());
                }
                ConditionKind::Open
                | ConditionKind::Invalid
                | ConditionKind::Member { .. }
                | ConditionKind::Compare { .. }
                | ConditionKind::Word { .. } => return Err(Skip::Unknown),
            }
        }
        space.order = topological(&deps)?;
        space.needs(cx, roots);
        // The domains of the cut variables: an interval below each threshold, and one above.
        for v in &mut space.vars {
            if v.key.cut() {
                v.points.sort_unstable();
                v.points.dedup();
                v.size = v.points.len() + usize::from(v.points.last() != Some(&u64::MAX));
            }
        }
        for v in &mut space.vars {
            v.at = space.words;
            v.len = v.size.div_ceil(64);
            space.words += v.len;
        }
        let mut full = vec![0u64; space.words];
        for v in &space.vars {
            fill(&mut full[v.at..v.at + v.len], v.size);
        }
        space.full = full;
        if space.index.contains_key(&Key::Category) {
            space.subtree = subtrees(cx);
        }
        Ok(space)
    }

    fn var(&mut self, key: Key, size: usize, points: Vec<u64>) -> usize {
        if let Some(&i) = self.index.get(&key) {
            return i;
        }
        let i = self.vars.len();
        self.vars.push(Var {
            key,
            size,
            at: 0,
            len: 0,
            points,
        });
        self.index.insert(key, i);
        i
    }

    fn threshold(&mut self, key: Key, cuts: impl Iterator<Item = u64>) {
        let i = self.var(key, 0, Vec::new());
        self.vars[i].points.extend(cuts);
    }

    /// Which polarities of each criteria the levels' conditions need: the levels need their
    /// own positively, and a criteria named under a `not` is needed negated.
    fn needs(&mut self, cx: &Context, roots: &[&Condition]) {
        let mark = |c: &Condition, pos: bool, need: &mut Map<CriteriaId, (bool, bool)>| {
            let mut stack = vec![(c, pos)];
            while let Some((c, pos)) = stack.pop() {
                match &c.kind {
                    ConditionKind::Any { terms } | ConditionKind::All { terms } => {
                        stack.extend(terms.iter().map(|t| (t, pos)));
                    }
                    ConditionKind::Not { inner } => stack.push((inner, !pos)),
                    ConditionKind::Criteria { criteria } => {
                        if let Some(id) = criteria.target {
                            let e = need.entry(id).or_default();
                            if pos {
                                e.0 = true;
                            } else {
                                e.1 = true;
                            }
                        }
                    }
                    _ => {}
                }
            }
        };
        let mut need = Map::default();
        for r in roots {
            mark(r, true, &mut need);
        }
        // Those that name others first (the reverse of the order).
        for id in self.order.iter().rev() {
            let (p, n) = need.get(id).copied().unwrap_or_default();
            if let Some(w) = &cx.model[*id].when {
                if p {
                    mark(&w.cond, true, &mut need);
                }
                if n {
                    mark(&w.cond, false, &mut need);
                }
            }
        }
        self.need = need;
    }

    /// The words of variable `v` in a term.
    pub fn of<'t>(&self, term: &'t [u64], v: usize) -> &'t [u64] {
        let x = &self.vars[v];
        &term[x.at..x.at + x.len]
    }

    fn full_of(&self, v: usize) -> &[u64] {
        self.of(&self.full, v)
    }

    /// The normal form of each level's condition, in order (`None` for a level without
    /// one).
    pub fn levels(
        &self,
        cx: &Context,
        conds: &[Option<&Condition>],
        budget: &mut Budget,
    ) -> Result<Vec<Option<Dnf>>, Skip> {
        let mut memo: Map<(CriteriaId, bool), Dnf> = Map::default();
        for id in &self.order {
            let (p, n) = self.need.get(id).copied().unwrap_or_default();
            let Some(w) = &cx.model[*id].when else {
                return Err(Skip::Unknown);
            };
            for (want, pos) in [(p, true), (n, false)] {
                if want {
                    let d = self.dnf(cx, &w.cond, pos, &memo, budget)?;
                    memo.insert((*id, pos), d);
                }
            }
        }
        conds
            .iter()
            .map(|c| c.map(|c| self.dnf(cx, c, true, &memo, budget)).transpose())
            .collect()
    }

    /// The normal form of a condition (`pos`) or of its negation; named criteria from `memo`.
    /// Recursion is bounded by the nesting of conditions as written (at most
    /// [`crate::syntax::MAX_COND_DEPTH`]).
    fn dnf(
        &self,
        cx: &Context,
        c: &Condition,
        pos: bool,
        memo: &Map<(CriteriaId, bool), Dnf>,
        budget: &mut Budget,
    ) -> Result<Dnf, Skip> {
        let m = cx.model;
        // A term or two of this width is made or copied below.
        budget.spend(self.words)?;
        match &c.kind {
            ConditionKind::Any { terms } | ConditionKind::All { terms } => {
                let any = matches!(c.kind, ConditionKind::Any { .. });
                // `or` positively, or `and` negated, is a union; the others a product.
                let union = any == pos;
                let mut acc = if union { Dnf::none() } else { Dnf::all(self) };
                for t in terms {
                    let d = self.dnf(cx, t, pos, memo, budget)?;
                    acc = if union {
                        acc.or(self, d, budget)?
                    } else {
                        acc.and(self, &d, budget)?
                    };
                }
                Ok(acc)
            }
            ConditionKind::Not { inner } => self.dnf(cx, inner, !pos, memo, budget),
            ConditionKind::Criteria { criteria } => {
                let id = criteria.target.ok_or(Skip::Unknown)?;
                let d = memo.get(&(id, pos)).ok_or(Skip::Unknown)?;
                budget.spend(d.words.len())?;
                Ok(d.clone())
            }
            ConditionKind::Choice { impact, choices } => {
                let id = impact.target.ok_or(Skip::Unknown)?;
                if m[id].multiple.is_some() {
                    // One of the listed choices applies: an `or` of yes/no variables.
                    let mut acc = if pos { Dnf::none() } else { Dnf::all(self) };
                    for ch in choices.iter() {
                        let v = self.find(Key::Flag(id, ch.value))?;
                        let d = self.atom(v, &[2u64], pos);
                        acc = if pos {
                            acc.or(self, d, budget)?
                        } else {
                            acc.and(self, &d, budget)?
                        };
                    }
                    return Ok(acc);
                }
                let v = self.find(Key::Choice(id))?;
                let mut set = vec![0u64; self.vars[v].len];
                for ch in choices.iter() {
                    set_bit(&mut set, ch.value as usize);
                }
                Ok(self.atom(v, &set, pos))
            }
            ConditionKind::Impact { impact, op, level } => {
                let v = self.find(Key::Impact(impact.target.ok_or(Skip::Unknown)?))?;
                let set = self.matching(v, |x| {
                    compare(op.value, self.vars[v].points[x], u64::from(level.value))
                });
                Ok(self.atom(v, &set, pos))
            }
            ConditionKind::Fact { fact } => {
                let v = self.find(Key::Fact(fact.target.ok_or(Skip::Unknown)?))?;
                Ok(self.atom(v, &[2u64], pos))
            }
            ConditionKind::Quantity {
                quantity,
                op,
                value,
                ..
            } => {
                let v = self.find(Key::Quantity(quantity.target.ok_or(Skip::Unknown)?))?;
                let set = self.matching(v, |x| compare(op.value, self.low(v, x), value.value));
                Ok(self.atom(v, &set, pos))
            }
            ConditionKind::NotAcknowledged { after } => {
                let (v, d) = (self.find(Key::Acknowledged)?, seconds(after)?);
                let set = self.matching(v, |x| self.low(v, x) > d);
                Ok(self.atom(v, &set, pos))
            }
            ConditionKind::NotUnderControl { after } => {
                let (v, d) = (self.find(Key::UnderControl)?, seconds(after)?);
                let set = self.matching(v, |x| self.low(v, x) > d);
                Ok(self.atom(v, &set, pos))
            }
            ConditionKind::DeadlineWithin { within } => {
                let (v, d) = (self.find(Key::Deadline)?, seconds(within)?);
                let set = self.matching(v, |x| self.low(v, x) <= d);
                Ok(self.atom(v, &set, pos))
            }
            ConditionKind::Category { categories } => {
                let v = self.find(Key::Category)?;
                let mut set = vec![0u64; self.vars[v].len];
                for c in categories.iter() {
                    let c = c.target.ok_or(Skip::Unknown)?.0 as usize;
                    for x in c..self.subtree[c] {
                        set_bit(&mut set, x);
                    }
                }
                Ok(self.atom(v, &set, pos))
            }
            ConditionKind::Level { scale, op, level } => {
                let v = self.find(Key::Scale(scale.target.ok_or(Skip::Unknown)?))?;
                let k = u64::from(level.target.ok_or(Skip::Unknown)?.index);
                let set = self.matching(v, |x| compare_severity(op.value, x as u64, k));
                Ok(self.atom(v, &set, pos))
            }
            ConditionKind::Open
            | ConditionKind::Invalid
            | ConditionKind::Member { .. }
            | ConditionKind::Compare { .. }
            | ConditionKind::Word { .. } => Err(Skip::Unknown),
        }
    }

    fn find(&self, key: Key) -> Result<usize, Skip> {
        self.index.get(&key).copied().ok_or(Skip::Unknown)
    }

    /// The smallest number in a value of a cut domain: 0, or just above a threshold.
    fn low(&self, v: usize, x: usize) -> u64 {
        match x {
            0 => 0,
            _ => self.vars[v].points[x - 1] + 1,
        }
    }

    /// The values of `v` for which `f` holds.
    fn matching(&self, v: usize, f: impl Fn(usize) -> bool) -> Vec<u64> {
        let mut set = vec![0u64; self.vars[v].len];
        for x in 0..self.vars[v].size {
            if f(x) {
                set_bit(&mut set, x);
            }
        }
        set
    }

    /// `v in set` (or, negated, `v not in set`) as a normal form.
    fn atom(&self, v: usize, set: &[u64], pos: bool) -> Dnf {
        let mut term = self.full.clone();
        let at = self.vars[v].at;
        let full = self.full_of(v);
        let mut empty = true;
        for (i, w) in set.iter().enumerate() {
            let x = if pos { w & full[i] } else { !w & full[i] };
            term[at + i] = x;
            empty &= x == 0;
        }
        if empty {
            Dnf::none()
        } else {
            Dnf { n: 1, words: term }
        }
    }

    /// Whether `a` and `b` have an incident in common (they meet on every variable).
    pub fn meet(&self, a: &[u64], b: &[u64], budget: &mut Budget) -> Result<bool, Skip> {
        budget.spend(self.words)?;
        Ok(self
            .vars
            .iter()
            .all(|v| (v.at..v.at + v.len).any(|i| a[i] & b[i] != 0) || v.len == 0))
    }

    /// The smallest value of `v` in a term.
    pub fn smallest(&self, term: &[u64], v: usize) -> Option<usize> {
        self.of(term, v)
            .iter()
            .enumerate()
            .find(|(_, w)| **w != 0)
            .map(|(i, w)| i * 64 + w.trailing_zeros() as usize)
    }

    /// Whether a term leaves `v` free.
    pub fn free(&self, term: &[u64], v: usize) -> bool {
        self.of(term, v) == self.full_of(v)
    }

    /// A value of a variable, for messages: "`financial` 2", "`criminal_activity` false".
    pub fn describe(&self, cx: &Context, v: usize, x: usize) -> String {
        let m = cx.model;
        let var = &self.vars[v];
        let name = |id| cx.name(id);
        match var.key {
            Key::Impact(id) => format!("`{}` {}", name(m[id].id), var.points[x]),
            Key::Choice(id) => format!(
                "`{}` `{}`",
                name(m[id].id),
                cx.text(m[id].choices[x].value.term.span)
            ),
            Key::Flag(id, c) => format!(
                "`{}` {}`{}`",
                name(m[id].id),
                if x == 1 { "" } else { "not " },
                cx.text(m[id].choices[c as usize].value.term.span)
            ),
            Key::Fact(id) => format!("`{}` {}", name(m[id].id), x == 1),
            Key::Quantity(id) => format!("`{}` {}", name(m[id].id), self.low(v, x)),
            Key::Category => format!("category `{}`", name(m.categories[x].id)),
            Key::Scale(s) => format!("`{}` `{}`", name(m[s].id), name(m[s].levels[x].id)),
            Key::Acknowledged => self.timed(v, x, "acknowledged within", "not acknowledged after"),
            Key::UnderControl => {
                self.timed(v, x, "under control within", "not under control after")
            }
            Key::Deadline => {
                let p = &var.points;
                match x {
                    0 => format!("a deadline due within {}", show_seconds(p[0])),
                    _ if x == p.len() => {
                        format!("no deadline due within {}", show_seconds(p[x - 1]))
                    }
                    _ => format!(
                        "the next deadline due within {} but not within {}",
                        show_seconds(p[x]),
                        show_seconds(p[x - 1])
                    ),
                }
            }
        }
    }

    fn timed(&self, v: usize, x: usize, within: &str, after: &str) -> String {
        let p = &self.vars[v].points;
        match x {
            0 => format!("{within} {}", show_seconds(p[0])),
            _ if x == p.len() => format!("{after} {}", show_seconds(p[x - 1])),
            _ => format!(
                "{after} {} but within {}",
                show_seconds(p[x - 1]),
                show_seconds(p[x])
            ),
        }
    }
}

/// Criteria after those they name: an iterative depth-first search. `Err` on a cycle
/// (which resolution reports; it leaves none among resolved criteria).
fn topological(deps: &Map<CriteriaId, Vec<CriteriaId>>) -> Result<Vec<CriteriaId>, Skip> {
    let mut keys: Vec<CriteriaId> = deps.keys().copied().collect();
    keys.sort_unstable();
    // 1: on the path, 2: done.
    let mut state: Map<CriteriaId, u8> = Map::default();
    let mut order = Vec::with_capacity(keys.len());
    for k in keys {
        if state.contains_key(&k) {
            continue;
        }
        let mut stack: Vec<(CriteriaId, usize)> = vec![(k, 0)];
        state.insert(k, 1);
        while let Some((id, i)) = stack.pop() {
            let next = deps.get(&id).and_then(|d| d.get(i)).copied();
            match next {
                Some(n) => {
                    stack.push((id, i + 1));
                    match state.get(&n) {
                        Some(1) => return Err(Skip::Unknown),
                        Some(_) => {}
                        None => {
                            state.insert(n, 1);
                            stack.push((n, 0));
                        }
                    }
                }
                None => {
                    state.insert(id, 2);
                    order.push(id);
                }
            }
        }
    }
    Ok(order)
}

/// The end of each category's subtree: categories are in pre-order, each after its parent.
fn subtrees(cx: &Context) -> Vec<usize> {
    let cats = &cx.model.categories;
    let n = cats.len();
    let mut end = vec![n; n];
    // The open ancestors of the category at hand.
    let mut open: Vec<usize> = Vec::new();
    for (i, c) in cats.iter().enumerate() {
        let parent = c.parent.map(|p| p.value.0 as usize);
        while let Some(&top) = open.last() {
            if Some(top) == parent {
                break;
            }
            end[top] = i;
            open.pop();
        }
        open.push(i);
    }
    end
}

fn fill(words: &mut [u64], size: usize) {
    for (i, w) in words.iter_mut().enumerate() {
        let left = size.saturating_sub(i * 64);
        *w = if left >= 64 {
            u64::MAX
        } else {
            (1u64 << left) - 1
        };
    }
}

fn set_bit(words: &mut [u64], x: usize) {
    if let Some(w) = words.get_mut(x / 64) {
        *w |= 1 << (x % 64);
    }
}

/// A condition in disjunctive normal form: the incidents of any of its terms.
#[derive(Debug, Clone)]
pub struct Dnf {
    pub n: usize,
    /// The terms, one after the other.
    pub words: Vec<u64>,
}

impl Dnf {
    fn none() -> Dnf {
        Dnf {
            n: 0,
            words: Vec::new(),
        }
    }

    fn all(space: &Space) -> Dnf {
        Dnf {
            n: 1,
            words: space.full.clone(),
        }
    }

    pub fn term<'a>(&'a self, space: &Space, i: usize) -> &'a [u64] {
        &self.words[i * space.words..(i + 1) * space.words]
    }

    pub fn terms<'a>(&'a self, space: &'a Space) -> impl Iterator<Item = &'a [u64]> + 'a {
        (0..self.n).map(move |i| self.term(space, i))
    }

    fn is_true(&self, space: &Space) -> bool {
        self.terms(space).any(|t| t == space.full.as_slice())
    }

    fn or(mut self, space: &Space, other: Dnf, budget: &mut Budget) -> Result<Dnf, Skip> {
        budget.spend(self.words.len() + other.words.len())?;
        if self.is_true(space) {
            return Ok(self);
        }
        if other.is_true(space) {
            return Ok(other);
        }
        budget.spend(other.words.len())?;
        self.words.extend_from_slice(&other.words);
        self.n += other.n;
        self.simplify(space, budget)?;
        Ok(self)
    }

    fn and(self, space: &Space, other: &Dnf, budget: &mut Budget) -> Result<Dnf, Skip> {
        let w = space.words;
        let mut out = Dnf::none();
        let mut term = vec![0u64; w];
        for a in self.terms(space) {
            for b in other.terms(space) {
                budget.spend(w)?;
                for i in 0..w {
                    term[i] = a[i] & b[i];
                }
                let empty = space
                    .vars
                    .iter()
                    .any(|v| v.len > 0 && term[v.at..v.at + v.len].iter().all(|x| *x == 0));
                if !empty {
                    out.words.extend_from_slice(&term);
                    out.n += 1;
                    if out.n > MAX_TERMS {
                        return Err(Skip::TooBig);
                    }
                }
            }
        }
        out.simplify(space, budget)?;
        Ok(out)
    }

    /// Drops the terms another contains (small forms only: it is quadratic).
    fn simplify(&mut self, space: &Space, budget: &mut Budget) -> Result<(), Skip> {
        if self.n > MAX_TERMS {
            return Err(Skip::TooBig);
        }
        if self.n < 2 || self.n > 64 {
            return Ok(());
        }
        let w = space.words;
        let mut keep = vec![true; self.n];
        for i in 0..self.n {
            for j in 0..self.n {
                if i == j || !keep[j] {
                    continue;
                }
                budget.spend(w)?;
                let (a, b) = (self.term(space, i), self.term(space, j));
                // `a` within `b` (and, for equal ones, the later goes).
                let within = (0..w).all(|k| a[k] & !b[k] == 0);
                if within && (a != b || j < i) {
                    keep[i] = false;
                    break;
                }
            }
        }
        if keep.iter().all(|k| *k) {
            return Ok(());
        }
        let mut words = Vec::with_capacity(self.words.len());
        for (i, k) in keep.iter().enumerate() {
            if *k {
                words.extend_from_slice(self.term(space, i));
            }
        }
        self.n = keep.iter().filter(|k| **k).count();
        self.words = words;
        Ok(())
    }
}

/// A clause: one of its literals holds (`var in set`).
pub struct Clause {
    pub lits: Vec<(usize, Vec<u64>)>,
}

impl Clause {
    /// The negation of a term: some variable it restricts is outside its set. `None` for a
    /// term that allows everything (its negation is false).
    pub fn not(space: &Space, term: &[u64]) -> Clause {
        let mut lits = Vec::new();
        for v in 0..space.vars.len() {
            if space.free(term, v) {
                continue;
            }
            let full = space.full_of(v);
            let set: Vec<u64> = space
                .of(term, v)
                .iter()
                .zip(full)
                .map(|(t, f)| !t & f)
                .collect();
            lits.push((v, set));
        }
        Clause { lits }
    }

    /// Whether every incident of `dom` satisfies it.
    fn certain(&self, space: &Space, dom: &[u64]) -> bool {
        self.lits
            .iter()
            .any(|(v, set)| space.of(dom, *v).iter().zip(set).all(|(d, s)| d & !s == 0))
    }
}

/// Whether some incident of `dom` satisfies every clause; the first found, smallest values
/// first. A DPLL search: unit propagation, then a choice of the first variable still open,
/// tried at its smallest value and then without it.
pub fn solve(
    space: &Space,
    clauses: &[&Clause],
    dom: Vec<u64>,
    budget: &mut Budget,
) -> Result<Option<Vec<u64>>, Skip> {
    // Only the clauses `dom` does not already satisfy.
    let mut open = Vec::new();
    for c in clauses {
        budget.spend(c.lits.len())?;
        if !c.certain(space, &dom) {
            open.push(*c);
        }
    }
    let clauses = open;
    let mut dom = dom;
    let mut alternatives: Vec<Vec<u64>> = Vec::new();
    loop {
        match propagate(space, &clauses, &mut dom, budget)? {
            Propagated::Conflict => match alternatives.pop() {
                Some(d) => dom = d,
                None => return Ok(None),
            },
            Propagated::Done => return Ok(Some(dom)),
            Propagated::Open(v) => {
                let x = space.smallest(&dom, v).ok_or(Skip::TooBig)?;
                let at = space.vars[v].at;
                let mut alt = dom.clone();
                alt[at + x / 64] &= !(1 << (x % 64));
                alternatives.push(alt);
                budget.spend(dom.len())?;
                for w in &mut dom[at..at + space.vars[v].len] {
                    *w = 0;
                }
                dom[at + x / 64] = 1 << (x % 64);
            }
        }
    }
}

enum Propagated {
    Conflict,
    /// Every clause holds for every incident left.
    Done,
    /// The first variable a clause still depends on.
    Open(usize),
}

fn propagate(
    space: &Space,
    clauses: &[&Clause],
    dom: &mut [u64],
    budget: &mut Budget,
) -> Result<Propagated, Skip> {
    loop {
        let mut changed = false;
        let mut open: Option<usize> = None;
        for c in clauses {
            let mut possible: Option<usize> = None;
            let mut count = 0;
            let mut certain = false;
            for (i, (v, set)) in c.lits.iter().enumerate() {
                let d = space.of(dom, *v);
                budget.spend(d.len())?;
                if d.iter().zip(set).all(|(d, s)| d & !s == 0) {
                    certain = true;
                    break;
                }
                if d.iter().zip(set).any(|(d, s)| d & s != 0) {
                    count += 1;
                    possible = Some(i);
                }
            }
            if certain {
                continue;
            }
            match (count, possible) {
                (0, _) | (_, None) => return Ok(Propagated::Conflict),
                (1, Some(i)) => {
                    let (v, set) = &c.lits[i];
                    let at = space.vars[*v].at;
                    for (k, s) in set.iter().enumerate() {
                        dom[at + k] &= s;
                    }
                    changed = true;
                }
                _ => {
                    for (v, set) in &c.lits {
                        let d = space.of(dom, *v);
                        if d.iter().zip(set).any(|(d, s)| d & s != 0) {
                            open = Some(open.map_or(*v, |o| o.min(*v)));
                        }
                    }
                }
            }
        }
        if !changed {
            return Ok(match open {
                None => Propagated::Done,
                Some(v) => Propagated::Open(v),
            });
        }
    }
}

/// Few variables of a solution that still make every clause hold, each at its smallest
/// value, in the order of the variables: first every variable is set to its smallest value,
/// then each in turn, from the last, is freed if the clauses hold without it.
pub fn shortest(
    space: &Space,
    clauses: &[&Clause],
    dom: &[u64],
    budget: &mut Budget,
) -> Result<Vec<(usize, usize)>, Skip> {
    let mut point = space.full.clone();
    let mut value = Vec::with_capacity(space.vars.len());
    for (v, var) in space.vars.iter().enumerate() {
        let x = space.smallest(dom, v).ok_or(Skip::TooBig)?;
        for w in &mut point[var.at..var.at + var.len] {
            *w = 0;
        }
        point[var.at + x / 64] = 1 << (x % 64);
        value.push(x);
    }
    let mut kept = Vec::new();
    // The last freed first, so that the variables named first are kept.
    for (v, var) in space.vars.iter().enumerate().rev() {
        let saved: Vec<u64> = point[var.at..var.at + var.len].to_vec();
        point[var.at..var.at + var.len].copy_from_slice(space.full_of(v));
        budget.spend(clauses.len() * space.words.max(1))?;
        if !clauses.iter().all(|c| c.certain(space, &point)) {
            point[var.at..var.at + var.len].copy_from_slice(&saved);
            kept.push((v, value[v]));
        }
    }
    kept.reverse();
    Ok(kept)
}
