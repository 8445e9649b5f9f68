//! Hygiene (IMP15xx): names and titles that look like drift, notifications that break an
//! embargo, and declarations left empty.

use std::hash::{BuildHasher, Hasher};

use super::Context;
use super::procedures::{effective_lengths, same_member};
use crate::diagnostics::{Code, Diagnostic};
use crate::index::Def;
use crate::model::schema::Kind;
use crate::model::{
    Condition, ConditionKind, DeclId, Map, Member, MomentRef, MomentWord, Party, ProcedureId, Set,
    StepBody, StepId, StepKind, When,
};
use crate::source::Span;

pub(super) fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    near_duplicate(cx, out);
    embargo_broken(cx, out);
    empty_declaration(cx, out);
}

/// The words of a title or a name, as compared: lower case, without the punctuation around
/// them (`On-Call` is one word, `on-call`).
#[cfg(test)]
fn words(text: &str, split: impl Fn(char) -> bool) -> Vec<String> {
    let (mut arena, mut ranges) = (String::new(), Vec::new());
    words_into(text, split, &mut arena, &mut ranges);
    ranges
        .iter()
        .map(|r| arena[r.clone()].to_string())
        .collect()
}

/// The words of a text, as [`words`] gives them, appended to `arena`; their ranges in it
/// appended to `ranges`. (One arena for all titles: a word is not an allocation of its own.)
fn words_into(
    text: &str,
    split: impl Fn(char) -> bool,
    arena: &mut String,
    ranges: &mut Vec<std::ops::Range<usize>>,
) {
    for w in text.split(split) {
        let w = w.trim_matches(|c: char| !c.is_alphanumeric());
        if w.is_empty() {
            continue;
        }
        let start = arena.len();
        if w.is_ascii() {
            arena.extend(w.bytes().map(|b| char::from(b.to_ascii_lowercase())));
        } else {
            arena.push_str(&w.to_lowercase());
        }
        ranges.push(start..arena.len());
    }
}

fn hash<'a>(tag: u32, ws: impl Iterator<Item = &'a str>) -> u64 {
    let mut h = foldhash::fast::FixedState::with_seed(0x1501).build_hasher();
    h.write_u32(tag);
    for w in ws {
        h.write(w.as_bytes());
        h.write_u8(0xff);
    }
    h.finish()
}

/// The sequence without its word `i`.
fn without<'a>(ws: &'a [&'a str], i: usize) -> impl Iterator<Item = &'a str> {
    ws.iter()
        .enumerate()
        .filter(move |(k, _)| *k != i)
        .map(|(_, w)| *w)
}

/// How two word sequences differ, if by at most one word: `None` when they are further apart.
#[derive(Debug, PartialEq)]
enum Edit<'a> {
    Same,
    /// The same letters, run together differently (`On-Call`, `On call`, `Oncall`).
    Joined,
    /// `b` has this word more than `a`, at this position.
    Added(&'a str, usize),
    /// `b` has this word less than `a`, at this position of `a`.
    Dropped(&'a str, usize),
    /// `b` has the second where `a` has the first.
    Replaced(&'a str, &'a str),
}

fn one_edit<'a, W: AsRef<str>>(a: &'a [W], b: &'a [W]) -> Option<Edit<'a>> {
    let same = |(x, y): &(&W, &W)| x.as_ref() == y.as_ref();
    let prefix = a.iter().zip(b).take_while(same).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(same)
        .count();
    let (ra, rb) = (a.len() - prefix - suffix, b.len() - prefix - suffix);
    match (ra, rb) {
        (0, 0) => Some(Edit::Same),
        (0, 1) => Some(Edit::Added(b[prefix].as_ref(), prefix)),
        (1, 0) => Some(Edit::Dropped(a[prefix].as_ref(), prefix)),
        (1, 1) => Some(Edit::Replaced(a[prefix].as_ref(), b[prefix].as_ref())),
        _ if joined(a) == joined(b) => Some(Edit::Joined),
        _ => None,
    }
}

/// The letters of a sequence of words, run together.
fn joined<W: AsRef<str>>(ws: &[W]) -> String {
    ws.iter()
        .flat_map(|w| w.as_ref().chars().filter(|c| c.is_alphanumeric()))
        .collect()
}

/// Whether two words are one spelt two ways: a letter added, dropped or changed (a plural, a
/// typo) in words of four letters or more, or the same letters with a hyphen.
fn spelt_alike(a: &str, b: &str) -> bool {
    let strip = |w: &str| {
        w.chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<Vec<char>>()
    };
    let (a, b) = (strip(a), strip(b));
    if a == b {
        return true;
    }
    if a.len().min(b.len()) < 4 || a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    a.len() - prefix - suffix <= 1 && b.len() - prefix - suffix <= 1
}

/// Whether two sequences one word apart look like one title drifting rather than two titles
/// for two things: a word spelt differently, or a word added inside the title (not a
/// qualifier before or after it) of elements whose names share a word.
fn drift(edit: &Edit, a: &[&str], b: &[&str], names_meet: bool) -> bool {
    match *edit {
        Edit::Same | Edit::Joined => true,
        _ if a.len().max(b.len()) < 3 => false,
        Edit::Replaced(x, y) => spelt_alike(x, y),
        Edit::Added(_, i) => names_meet && i > 0 && i + 1 < b.len(),
        Edit::Dropped(_, i) => names_meet && i > 0 && i + 1 < a.len(),
    }
}

/// The most words a title may have for its one-word variants to be compared.
const MAX_WORDS: usize = 16;

/// IMP1501: two declarations of the same kind whose titles (or, without a title, names split
/// at `_`) look like one title drifting: the same words, the same letters run together
/// differently, a word spelt two ways, or a word added inside the title. Each is reported
/// once, against the first declaration it is that close to.
fn near_duplicate(cx: &Context, out: &mut Vec<Diagnostic>) {
    struct Elem<'a> {
        id: DeclId,
        def: &'a Def,
        words: &'a [&'a str],
        /// The words of its name.
        name: &'a [&'a str],
        titled: bool,
    }
    // Every word of every name and title, in one arena; each element's words as ranges of
    // `ranges`.
    let mut arena = String::new();
    let mut ranges = Vec::new();
    // An element's words as ranges of `ranges`, before the arena is complete.
    struct Listed<'a> {
        id: DeclId,
        def: &'a Def,
        words: std::ops::Range<usize>,
        name: std::ops::Range<usize>,
        titled: bool,
    }
    let mut listed: Vec<Listed> = Vec::new();
    for (id, d) in cx.index.defs() {
        if d.parent.is_some() && d.kind != Kind::Category {
            continue;
        }
        let first = ranges.len();
        if let Some(n) = d.name {
            words_into(cx.sources.slice(n), |c| c == '_', &mut arena, &mut ranges);
        }
        let name = first..ranges.len();
        let (ws, titled) = match &d.title {
            Some(t) => {
                let first = ranges.len();
                words_into(
                    t.get(cx.sources),
                    char::is_whitespace,
                    &mut arena,
                    &mut ranges,
                );
                (first..ranges.len(), true)
            }
            None => (name.clone(), false),
        };
        if !ws.is_empty() {
            listed.push(Listed {
                id,
                def: d,
                words: ws,
                name,
                titled,
            });
        }
    }
    let all: Vec<&str> = ranges.iter().map(|r| &arena[r.clone()]).collect();
    let elems: Vec<Elem> = listed
        .into_iter()
        .map(|l| Elem {
            id: l.id,
            def: l.def,
            words: &all[l.words],
            name: &all[l.name],
            titled: l.titled,
        })
        .collect();
    // Each map: a key to the first element that has it (elements in index order).
    // The whole sequence.
    let mut whole: Map<(Kind, u64), usize> = Map::default();
    // Its letters run together.
    let mut letters: Map<(Kind, u64), usize> = Map::default();
    // The sequence without one of its words.
    let mut dropped: Map<(Kind, u64), usize> = Map::default();
    // The sequence without its word `i`, for substitutions at `i`.
    let mut replaced: Map<(Kind, u64), usize> = Map::default();
    for (k, e) in elems.iter().enumerate() {
        let kind = e.def.kind;
        let n = e.words.len();
        let w = hash(0, e.words.iter().copied());
        let j = hash(u32::MAX, std::iter::once(joined(e.words).as_str()));
        let variants = (3..=MAX_WORDS).contains(&n);
        let mut candidates: Vec<usize> = Vec::new();
        candidates.extend(whole.get(&(kind, w)));
        candidates.extend(letters.get(&(kind, j)));
        if (2..MAX_WORDS).contains(&n) {
            candidates.extend(dropped.get(&(kind, w)));
        }
        let mut mine: Vec<(u64, u64)> = Vec::new();
        if variants {
            for i in 0..n {
                let d = hash(0, without(e.words, i));
                let r = hash(1 + i as u32, without(e.words, i));
                candidates.extend(whole.get(&(kind, d)));
                candidates.extend(replaced.get(&(kind, r)));
                mine.push((d, r));
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let found = candidates.into_iter().find_map(|c| {
            let a = &elems[c];
            let edit = one_edit(a.words, e.words)?;
            let meet = a.name.iter().any(|x| e.name.contains(x));
            drift(&edit, a.words, e.words, meet).then_some((a, edit))
        });
        if let Some((a, edit)) = found {
            out.push(report(cx, a, e, edit));
        }
        whole.entry((kind, w)).or_insert(k);
        letters.entry((kind, j)).or_insert(k);
        for (d, r) in mine {
            dropped.entry((kind, d)).or_insert(k);
            replaced.entry((kind, r)).or_insert(k);
        }
    }

    fn shown<'a>(cx: &Context<'a>, e: &'a Elem) -> (Span, &'a str) {
        match (&e.def.title, e.def.name) {
            (Some(t), _) if e.titled => (t.span, t.get(cx.sources)),
            (_, Some(n)) => (n, cx.text(n)),
            _ => (e.def.keyword, ""),
        }
    }

    fn report(cx: &Context, a: &Elem, b: &Elem, edit: Edit) -> Diagnostic {
        let (span, _) = shown(cx, b);
        let (other, other_text) = shown(cx, a);
        let what = if b.titled { "title" } else { "name" };
        // `` role `ciso` ``, written straight into the message (there are many of these in
        // a policy that repeats its titles).
        let (kb, nb) = (cx.keyword(b.id), cx.name(b.id));
        let (ka, na) = (cx.keyword(a.id), cx.name(a.id));
        let message = match edit {
            Edit::Same if a.titled && b.titled => {
                format!("{kb} `{nb}` has the same title as {ka} `{na}`: \"{other_text}\"")
            }
            Edit::Same | Edit::Joined => {
                format!("the {what} of {kb} `{nb}` reads the same as {ka} `{na}`")
            }
            _ => format!("the {what} of {kb} `{nb}` differs by one word from {ka} `{na}`"),
        };
        let label: std::borrow::Cow<'static, str> = match edit {
            Edit::Same => "the same words".into(),
            Edit::Joined => "the same letters, run together differently".into(),
            Edit::Added(w, _) => format!("`{w}` added").into(),
            Edit::Dropped(w, _) => format!("without `{w}`").into(),
            Edit::Replaced(x, y) => format!("`{y}` where the other has `{x}`").into(),
        };
        Diagnostic::new(Code::NearDuplicate, span, message)
            .label(label)
            .with_secondary(other, cx.describe(a.id))
            .help(
                "if both stand for the same thing, keep one and refer to it everywhere; if they \
                 differ, make the difference plain in their titles",
            )
    }
}

/// What a condition says, as the checks of embargoes compare it: its facts, judgements and
/// criteria by what they name, other comparisons by their text; each with whether it is
/// negated.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Atom {
    Decl(DeclId),
    Text(String),
}

/// The atoms of a condition, with their polarity; `None` when a part of it is not known (left
/// open, not understood, or naming something unknown).
fn atoms(cx: &Context, c: &Condition) -> Option<Vec<(Atom, bool)>> {
    let m = cx.model;
    let mut out = Vec::new();
    let mut stack = vec![(c, false)];
    while let Some((c, neg)) = stack.pop() {
        let atom = match &c.kind {
            ConditionKind::Any { terms } | ConditionKind::All { terms } => {
                stack.extend(terms.iter().map(|t| (t, neg)));
                continue;
            }
            ConditionKind::Not { inner } => {
                stack.push((inner, !neg));
                continue;
            }
            ConditionKind::Fact { fact } => Atom::Decl(m[fact.target?].id),
            ConditionKind::Criteria { criteria } => Atom::Decl(m[criteria.target?].id),
            ConditionKind::Open
            | ConditionKind::Invalid
            | ConditionKind::Word { .. }
            | ConditionKind::Compare { .. }
            | ConditionKind::Member { .. } => return None,
            _ => Atom::Text(
                cx.text(c.span)
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
        };
        out.push((atom, neg));
    }
    Some(out)
}

/// What an embargo holds back, as a key: a group, a declaration, or a name that did not
/// resolve (compared as written, as `same_member` does).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum HeldKey<'a> {
    Group(crate::model::Group),
    Party(Party),
    Written(&'a str),
}

fn held_key<'a>(cx: &Context<'a>, x: &Member<Party>) -> HeldKey<'a> {
    match x {
        Member::Group(g) => HeldKey::Group(g.value),
        Member::Ref(r) => match r.target {
            Some(p) => HeldKey::Party(p),
            None => HeldKey::Written(cx.text(r.span)),
        },
    }
}

/// An embargo as the checks read it: who it holds back and what lifts it.
struct Held<'a> {
    id: DeclId,
    members: &'a [Member<Party>],
    lifts: &'a When,
    atoms: Set<(Atom, bool)>,
}

impl Held<'_> {
    /// The member of a list it holds back, if any, and its own member that holds it back.
    fn catches<'m>(
        &self,
        cx: &Context,
        list: &'m [Member<Party>],
    ) -> Option<(&'m Member<Party>, Span)> {
        list.iter().find_map(|x| {
            self.members
                .iter()
                .find(|y| same_member(cx, x, y))
                .map(|y| (x, crate::source::HasSpan::span(y)))
        })
    }

    /// Whether a condition says the embargo has lifted: it holds one of the lifting
    /// condition's parts the same way (a condition not known counts as saying it).
    fn lifted_by(&self, cx: &Context, w: Option<&When>) -> bool {
        let Some(w) = w else { return false };
        match atoms(cx, &w.cond) {
            None => true,
            Some(a) => a.iter().any(|x| self.atoms.contains(x)),
        }
    }
}

/// The moments before anyone can have validated an incident.
const EARLY: &[MomentWord] = &[
    MomentWord::Detection,
    MomentWord::Report,
    MomentWord::Identification,
    MomentWord::Awareness,
    MomentWord::Initiation,
];

/// IMP1502: a notification to a party an embargo holds back, on a path of its procedure that
/// passes no decision on what lifts the embargo; an audience held back by an embargo and told
/// at a moment before the incident can be validated.
fn embargo_broken(cx: &Context, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    let embargoes: Vec<Held> = m
        .embargoes
        .iter()
        .filter_map(|e| {
            let members = &e.applies_to.as_ref()?.value.items;
            let lifts = e.lifts.as_ref()?;
            let atoms = atoms(cx, &lifts.cond)?;
            Some(Held {
                id: e.id,
                members,
                lifts,
                atoms: atoms.into_iter().collect(),
            })
        })
        .collect();
    if embargoes.is_empty() {
        return;
    }
    // The embargoes that hold back each party or group: found by a look-up, not by comparing
    // every notification and audience with every embargo.
    let mut holds: Map<HeldKey, Vec<usize>> = Map::default();
    for (k, e) in embargoes.iter().enumerate() {
        for x in e.members {
            let v = holds.entry(held_key(cx, x)).or_default();
            if v.last() != Some(&k) {
                v.push(k);
            }
        }
    }
    let holding = |list: &[Member<Party>]| -> Vec<usize> {
        let mut ks: Vec<usize> = list
            .iter()
            .filter_map(|x| holds.get(&held_key(cx, x)))
            .flatten()
            .copied()
            .collect();
        ks.sort_unstable();
        ks.dedup();
        ks
    };
    let steps = cx.steps();
    // The procedures that write a notification to a party held back: each is walked once.
    let mut walk: Vec<ProcedureId> = steps
        .versions
        .iter()
        .filter(|v| {
            matches!(m[v.step].body, StepBody::Notify { .. })
                && v.to
                    .as_ref()
                    .is_some_and(|to| to.iter().any(|x| holds.contains_key(&held_key(cx, x))))
        })
        .map(|v| v.procedure())
        .collect();
    walk.sort_unstable();
    walk.dedup();
    // Walking a procedure costs the steps it runs, its bases' included: in a long chain of
    // procedures that each notify a party held back, walking every one would cost the square
    // of the chain. The walks share a budget linear in the steps written; a procedure that
    // no longer fits in it is not walked (nothing is said of it).
    let lengths = effective_lengths(m);
    let written: usize = m
        .procedures
        .iter()
        .map(|p| p.steps.len() + p.overrides.len())
        .sum();
    let mut budget = (4 * written + (1 << 16)) / embargoes.len();
    let mut reported: Set<(Span, DeclId)> = Set::default();
    for p in walk {
        let cost = lengths[p.0 as usize];
        if cost > budget {
            continue;
        }
        budget -= cost;
        let proc = &m[p];
        // A walk over steps that did not all read, or from a start that did not resolve,
        // could take a path the policy does not have.
        let unresolved = proc
            .start
            .as_ref()
            .is_some_and(|s| s.value.target.is_none());
        if unresolved || !cx.may_lack || !cx.read_cleanly(proc.id) {
            continue;
        }
        let eff = m.effective_steps(p);
        let at: Map<StepId, usize> = eff.iter().enumerate().map(|(k, e)| (e.step, k)).collect();
        let versions: Vec<_> = eff
            .iter()
            .map(|e| steps.effective(e.step, &e.overrides))
            .collect();
        let branch: Set<StepId> = versions
            .iter()
            .flatten()
            .flat_map(|v| v.branches.iter().flatten().filter_map(|r| r.target))
            .collect();
        let start = proc
            .start
            .as_ref()
            .and_then(|s| s.value.target)
            .and_then(|s| at.get(&s).copied())
            .unwrap_or(0);
        for e in &embargoes {
            // The steps reached from the start through no decision on the lifting condition.
            let mut seen = vec![false; eff.len()];
            let mut todo = Vec::new();
            if !eff.is_empty() {
                seen[start] = true;
                todo.push(start);
            }
            while let Some(k) = todo.pop() {
                let Some(v) = versions[k] else { continue };
                let step = &m[v.step];
                let mut next: Vec<StepId> = Vec::new();
                let targets = |l: &Option<Vec<crate::model::Ref<StepId>>>| {
                    l.iter()
                        .flatten()
                        .filter_map(|r| r.target)
                        .collect::<Vec<_>>()
                };
                match step.kind() {
                    StepKind::End => {}
                    StepKind::Decision => {
                        next.extend(targets(&v.next));
                        for o in v.options {
                            if !e.lifted_by(cx, o.when.as_ref()) {
                                next.extend(
                                    o.next.iter().flat_map(|l| {
                                        l.value.items.iter().filter_map(|r| r.target)
                                    }),
                                );
                            }
                        }
                    }
                    _ => {
                        next.extend(targets(&v.branches));
                        if v.next.is_some() {
                            next.extend(targets(&v.next));
                        } else if !branch.contains(&v.step) {
                            next.push(StepId {
                                procedure: v.step.procedure,
                                index: v.step.index + 1,
                            });
                        }
                    }
                }
                for s in next {
                    if let Some(&j) = at.get(&s)
                        && !seen[j]
                    {
                        seen[j] = true;
                        todo.push(j);
                    }
                }
            }
            for (k, v) in versions.iter().enumerate() {
                let Some(v) = v else { continue };
                if !seen[k] || v.procedure() != p {
                    continue;
                }
                let step = &m[v.step];
                if !matches!(step.body, StepBody::Notify { .. }) {
                    continue;
                }
                let Some((member, held)) = v.to.as_deref().and_then(|to| e.catches(cx, to)) else {
                    continue;
                };
                let span = crate::source::HasSpan::span(member);
                if !reported.insert((span, e.id)) {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        Code::EmbargoBroken,
                        span,
                        format!(
                            "notify `{}` may tell `{}` before embargo `{}` lifts",
                            cx.name(step.id),
                            cx.text(span),
                            cx.name(e.id)
                        ),
                    )
                    .label("held back by the embargo")
                    .with_secondary(held, format!("embargo `{}` holds it back", cx.name(e.id)))
                    .with_secondary(e.lifts.cond.span, "until this holds")
                    .with_secondary(
                        cx.head(proc.id),
                        "a path from its start reaches the step with no decision on it",
                    )
                    .help(format!(
                        "reach the step only through a decision option on what lifts the embargo \
                         (`option .. when {} {{ next {} }}`), or take `{}` off the step",
                        cx.text(e.lifts.cond.span),
                        cx.name(step.id),
                        cx.text(span)
                    )),
                );
            }
        }
    }
    // Audiences told at a moment before anyone can have validated the incident.
    for c in &m.communications {
        for a in &c.audiences {
            let Some(contacts) = &a.contacts else {
                continue;
            };
            for e in holding(&contacts.value.items)
                .into_iter()
                .map(|k| &embargoes[k])
            {
                let Some((member, held)) = e.catches(cx, &contacts.value.items) else {
                    continue;
                };
                for u in &a.updates {
                    if e.lifted_by(cx, u.value.when.as_ref()) {
                        continue;
                    }
                    let early = u.value.cadence.at.iter().find_map(|mo| match mo {
                        MomentRef::Builtin(w) if EARLY.contains(&w.value) => Some(w),
                        _ => None,
                    });
                    let Some(moment) = early else { continue };
                    out.push(
                        Diagnostic::new(
                            Code::EmbargoBroken,
                            moment.span,
                            format!(
                                "audience `{}` is told at `{}`, before embargo `{}` can lift",
                                cx.name(a.id),
                                moment.value,
                                cx.name(e.id)
                            ),
                        )
                        .label("before the incident can be validated")
                        .with_secondary(
                            crate::source::HasSpan::span(member),
                            format!("held back by embargo `{}`", cx.name(e.id)),
                        )
                        .with_secondary(held, "the embargo")
                        .with_secondary(e.lifts.cond.span, "until this holds")
                        .help(format!(
                            "tell this audience at a later moment, or only `when {}`",
                            cx.text(e.lifts.cond.span)
                        )),
                    );
                }
            }
        }
    }
}

/// IMP1503: a procedure without steps, a scale without levels, a calendar without hours, a
/// schedule that says nothing of when it is staffed.
fn empty_declaration(cx: &Context, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    let push = |out: &mut Vec<Diagnostic>, id: DeclId, what: &str, help: &str| {
        out.push(
            cx.at(
                Code::EmptyDeclaration,
                id,
                format!("{} {what}", cx.describe(id)),
            )
            .label("empty")
            .help(help.to_string()),
        );
    };
    for p in &m.procedures {
        if p.steps.is_empty() && p.extends.is_none() && cx.read_cleanly(p.id) {
            push(
                out,
                p.id,
                "has no steps",
                "write its steps (`action`, `decision`, `notify`, ...), or `extends` the procedure it follows; delete it if nothing uses it",
            );
        }
    }
    for s in &m.scales {
        if s.levels.is_empty() && cx.read_cleanly(s.id) {
            push(
                out,
                s.id,
                "has no levels",
                "give the scale its levels, most severe first: `level sev1 \"Critical\" { .. }`",
            );
        }
    }
    for c in &m.calendars {
        if !c.unread_hours && cx.lacks(c.id, !c.hours.is_empty(), "hours") {
            push(
                out,
                c.id,
                "has no working hours",
                "say when business days run: `hours mon-fri 09:00-17:30`",
            );
        }
    }
    for s in &m.schedules {
        let given = !s.hours.is_empty()
            || s.rotate.is_some()
            || s.follow_the_sun.is_some()
            || s.calendar.is_some();
        let open = ["hours", "rotate", "follow_the_sun", "calendar"]
            .iter()
            .any(|k| cx.is_open(s.id, k));
        if !open && cx.lacks(s.id, given, "hours") {
            push(
                out,
                s.id,
                "has no `hours`, `rotate`, `follow_the_sun` or `calendar`",
                "say when the rota is staffed and by whom: `hours 24x7` and `rotate weekly [..]`",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use super::*;
    use crate::diagnostics::Code;

    fn ws(s: &str) -> Vec<String> {
        words(s, char::is_whitespace)
    }

    #[test]
    fn one_word_apart() {
        let (a, b) = (
            ws("Security Manager On-Call"),
            ws("Security Incident Manager On-Call"),
        );
        assert_eq!(one_edit(&a, &b), Some(Edit::Added("incident", 1)));
        let (a, b) = (ws("Payments security lead"), ws("Payment security lead"));
        assert_eq!(
            one_edit(&a, &b),
            Some(Edit::Replaced("payments", "payment"))
        );
        let (a, b) = (ws("a b c"), ws("b c d"));
        assert_eq!(one_edit(&a, &b), None);
        let (a, b) = (ws("Manager on call"), ws("Manager On-Call"));
        assert_eq!(one_edit(&a, &b), Some(Edit::Joined));
        assert!(spelt_alike("payments", "payment"));
        assert!(spelt_alike("on-call", "oncall"));
        assert!(!spelt_alike("uk", "eu"));
        assert!(!spelt_alike("executive", "information"));
    }

    #[test]
    fn near_duplicate_titles_are_found() {
        let text = "role sm_on_call \"Security Manager On-Call\" { held_by tbd }\n\
                    role sim_on_call \"Security Incident Manager On-Call\" { held_by tbd }\n\
                    role a \"Team A\" { held_by tbd }\n\
                    role b \"Team B\" { held_by tbd }\n\
                    role cio \"Chief Information Officer\" { held_by tbd }\n\
                    role ciso \"Chief Information Security Officer\" { held_by tbd }\n\
                    role ceo \"Chief Executive Officer\" { held_by tbd }\n\
                    role duty_lead \"Duty security lead\" { held_by tbd }\n\
                    role duty_leads \"Duty security leads\" { held_by tbd }\n";
        assert_eq!(
            findings(Code::NearDuplicate, text),
            [
                "2: the title of role `sim_on_call` differs by one word from role `sm_on_call`",
                "9: the title of role `duty_leads` differs by one word from role `duty_lead`",
            ]
        );
    }

    #[test]
    fn identical_titles_and_names_are_found() {
        let text = "person tom \"Tom Brown\" { email \"t@example.org\" }\n\
                    person tom_b \"Tom Brown\" { email \"b@example.org\" }\n\
                    role incident_manager_on_call { held_by tom }\n\
                    role incident_manager_oncall { held_by tom_b }\n\
                    team on_call_manager \"Incident manager on call\" {}\n";
        assert_eq!(
            findings(Code::NearDuplicate, text),
            [
                "2: person `tom_b` has the same title as person `tom`: \"Tom Brown\"",
                "4: the name of role `incident_manager_oncall` reads the same as role `incident_manager_on_call`",
            ]
        );
    }

    const EMBARGO: &str = "judgement confirmed \"Confirmed\" { judged_by tbd }\n\
        embargo quiet \"Quiet\" { applies_to [customers, public]; lifts when confirmed }\n";

    #[test]
    fn a_notification_before_the_decision_breaks_the_embargo() {
        let text = format!(
            "{EMBARGO}procedure p \"P\" {{\n  owner tbd\n\
             \x20 notify early \"Tell customers\" {{ to [customers] }}\n\
             \x20 decision ok \"Confirmed?\" {{\n    option yes \"Yes\" when confirmed {{ next tell }}\n    option no \"No\" {{ next close }}\n  }}\n\
             \x20 notify tell \"Tell the public\" {{ to [public]; next close }}\n\
             \x20 end close \"Close\" {{}}\n}}\n"
        );
        assert_eq!(
            findings(Code::EmbargoBroken, &text),
            ["5: notify `early` may tell `customers` before embargo `quiet` lifts"]
        );
    }

    #[test]
    fn procedures_that_extend_another_are_walked_with_its_steps() {
        let text = format!(
            "{EMBARGO}procedure base \"Base\" {{\n  owner tbd\n\
             \x20 action triage \"Triage\" {{}}\n\
             \x20 decision confirm \"Confirmed?\" {{\n    option yes \"Yes\" when confirmed {{ next close }}\n    option no \"No\" {{ next close }}\n  }}\n\
             \x20 end close \"Close\" {{}}\n}}\n\
             procedure loud \"Loud\" {{\n  extends base\n\
             \x20 override triage {{ next tell }}\n\
             \x20 notify tell \"Tell\" {{ to [customers]; next confirm }}\n}}\n\
             procedure hushed \"Hushed\" {{\n  extends base\n\
             \x20 override triage {{ next gate }}\n\
             \x20 decision gate \"Confirmed?\" {{\n    option yes \"Yes\" when confirmed {{ next tell }}\n    option no \"No\" {{ next close }}\n  }}\n\
             \x20 notify tell \"Tell\" {{ to [customers]; next close }}\n}}\n"
        );
        assert_eq!(
            findings(Code::EmbargoBroken, &text),
            ["15: notify `tell` may tell `customers` before embargo `quiet` lifts"]
        );
    }

    #[test]
    fn an_audience_told_at_detection_breaks_the_embargo() {
        let text = format!(
            "{EMBARGO}communications {{\n  audience shoppers \"Customers\" {{\n    contacts [customers]\n    update at [detection]\n    update at [all_clear]\n    update at [report] when confirmed\n  }}\n}}\n"
        );
        assert_eq!(
            findings(Code::EmbargoBroken, &text),
            ["6: audience `shoppers` is told at `detection`, before embargo `quiet` can lift"]
        );
    }

    #[test]
    fn empty_declarations_are_found() {
        let text = "procedure p \"P\" {}\nscale s \"S\" {}\ncalendar c \"C\" { holiday 2026-12-25 }\nschedule r \"R\" { timezone \"Europe/London\" }\n\
                    calendar d \"D\" { hours tbd }\n";
        assert_eq!(
            findings(Code::EmptyDeclaration, text),
            [
                "1: procedure `p` has no steps",
                "2: scale `s` has no levels",
                "3: calendar `c` has no working hours",
                "4: schedule `r` has no `hours`, `rotate`, `follow_the_sun` or `calendar`",
            ]
        );
    }
}
