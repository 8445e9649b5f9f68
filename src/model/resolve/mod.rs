//! Resolution, the second half of the model: every lowered declaration registered in the
//! [`Index`] (first definition wins: a duplicate is reported and left out of the model,
//! though still checked), then every reference filled in, then the rules that need names
//! (conditions against impacts and scales, steps through `extends`, quorums, loops) and what
//! is never used.
//!
//! Nothing here recurses on unbounded input: `extends` chains are walked with an explicit
//! stack, and a condition is no deeper than the syntax layer allows.

mod after;
mod condition;
mod names;
mod procedures;
mod walk;

use crate::model::{Map, Set};

use super::Model;
use super::ids::*;
use super::lower::{Extra, Fragment, Head, Loose, Lowered, Piled};
use super::schema::Kind;
use super::value::Spanned;
use crate::diagnostics::{Code, Diagnostic};
use crate::index::{Def, Index, Scope};
use crate::source::{SourceMap, Span};
pub use names::Resolver;

/// The resolved policy.
#[derive(Debug, Default)]
pub struct Resolved {
    pub model: Model,
    pub index: Index,
    pub diagnostics: Vec<Diagnostic>,
}

/// What resolution checks but the model does not keep.
#[derive(Debug, Default)]
pub(super) struct Pile {
    /// Declarations whose name (or kind, for those a policy has once) was taken.
    pub decls: Vec<Lowered>,
    /// Nested elements left out, with the procedure they belong to, if it is in the model.
    pub nested: Vec<(Option<ProcedureId>, Piled)>,
    /// Procedures whose name was taken, with their heads (for their steps' names).
    pub procedures: Vec<(super::Procedure, Vec<Head>)>,
    pub loose: Vec<Loose>,
}

/// Registration: the model and index being built.
struct Registry<'a> {
    sources: &'a SourceMap,
    model: Model,
    index: Index,
    diags: Vec<Diagnostic>,
    pile: Pile,
    /// Each procedure's heads, for registering its steps once `extends` is known.
    proc_heads: Vec<Vec<Head>>,
    singletons: Map<Kind, Span>,
    unparsed: Set<&'a str>,
    used_words: Vec<Span>,
    /// Which files (by id) come from a library.
    library: &'a [bool],
}

/// Resolves the fragments of a policy, in load order. `defs` is the number of their heads,
/// so that the index is allocated once.
pub fn resolve(
    sources: &SourceMap,
    fragments: impl IntoIterator<Item = Fragment>,
    defs: usize,
    missing_file: bool,
    library: &[bool],
) -> Resolved {
    let mut reg = Registry {
        sources,
        model: Model::default(),
        index: Index::with_capacity(defs),
        diags: Vec::new(),
        pile: Pile::default(),
        proc_heads: Vec::new(),
        singletons: Map::default(),
        unparsed: Set::default(),
        used_words: Vec::new(),
        library,
    };
    for f in fragments {
        reg.fragment(f);
    }
    let Registry {
        model,
        index,
        diags,
        pile,
        proc_heads,
        unparsed,
        used_words,
        ..
    } = reg;
    let mut model = model;
    model.prop_docs.sort_unstable();
    model.open.sort_by_key(|o| o.span);
    let mut r = Resolver::new(sources, index);
    r.diags = diags;
    r.unparsed = unparsed;
    r.missing_file = missing_file;
    r.tables(&model);
    for w in used_words {
        r.use_word(w);
    }
    let mut pile = pile;
    procedures::register_and_resolve(&mut r, &mut model, proc_heads, &mut pile);
    walk::model(&mut r, &mut model);
    walk::pile(&mut r, &model, &mut pile);
    after::checks(&mut r, &model);
    after::unused(&mut r);
    let Resolver {
        mut index, diags, ..
    } = r;
    index.finish();
    Resolved {
        model,
        index,
        diagnostics: diags,
    }
}

impl<'a> Registry<'a> {
    fn text(&self, span: Span) -> &'a str {
        self.sources.slice(span)
    }

    fn def(head: &Head, loc: Loc, parent: Option<DeclId>) -> Def {
        def_of(head, loc, parent)
    }

    /// Registers a top-level declaration (or category): `None`, reported, when its name or
    /// its kind is taken.
    fn top(&mut self, head: &Head, loc: Loc) -> Option<DeclId> {
        if head.kind.singleton() {
            let kw = self.text(head.keyword);
            if let Some(first) = self.singletons.get(&head.kind) {
                // A member's own `policy` or `review` stands in for its library's.
                let file = |span: Span| self.sources.file_of(span).id.0 as usize;
                let lib = |i: usize| self.library.get(i).copied().unwrap_or(false);
                if lib(file(head.keyword)) && !lib(file(*first)) {
                    return None;
                }
                let d = Diagnostic::new(
                    Code::DeclaredTwice,
                    head.keyword,
                    format!("a second `{kw}`"),
                )
                .label(format!("`{kw}` declared again"))
                .with_secondary(*first, format!("the first `{kw}`"))
                .help(format!("a policy has one `{kw}`: merge the two into one"));
                // The code's clause is the policy's; a review rests on the review phase.
                let d = if head.kind == Kind::Review {
                    d.clause("9")
                } else {
                    d
                };
                self.diags.push(d);
                return None;
            }
            self.singletons.insert(head.kind, head.keyword);
        }
        if let Some(n) = head.name {
            let name = self.text(n);
            if let Some(first) = self.index.lookup(self.sources, Scope::Top, name) {
                let f = self.index.def(first);
                let (fkind, fspan) = (f.kind, f.name.unwrap_or(f.keyword));
                // A library's declaration after a member's of the same name: the member's
                // is kept, unless the library's is `fixed`.
                let from_library = |span: Span| {
                    let file = self.sources.file_of(span).id.0 as usize;
                    self.library.get(file).copied().unwrap_or(false)
                };
                let first_fixed = f.meta.as_ref().is_some_and(|m| m.fixed.is_some());
                if from_library(fspan) && first_fixed && !from_library(n) {
                    self.diags.push(
                        Diagnostic::new(
                            Code::RedefinesFixed,
                            n,
                            format!("`{name}` redefines what the central policy fixes"),
                        )
                        .label(format!("declared again here, as {}", head.kind.article()))
                        .with_secondary(fspan, format!("fixed by the central policy, as {}", fkind.article()))
                        .help(format!("remove this declaration and use the central `{name}`: the central policy marks it `fixed`")),
                    );
                    return None;
                }
                if from_library(n) && !from_library(fspan) {
                    // The member's own declaration stands in for the central default.
                    return None;
                }
                self.diags.push(
                    Diagnostic::new(Code::DuplicateName, n, format!("`{name}` is defined twice"))
                        .label(format!("second definition, as {}", head.kind.article()))
                        .with_secondary(
                            fspan,
                            format!("first defined here, as {}", fkind.article()),
                        )
                        .help(
                            "names are shared by every declaration of a policy: rename one of them",
                        ),
                );
                return None;
            }
        }
        let id = self.index.push(Self::def(head, loc, None));
        let _ = self.index.name_in(self.sources, Scope::Top, id);
        Some(id)
    }

    /// Registers a nested element from the fragment's heads.
    fn nested(
        &mut self,
        heads: &[Head],
        local: DeclId,
        loc: Loc,
        parent: DeclId,
        named: bool,
    ) -> DeclId {
        register_nested(
            &mut self.index,
            self.sources,
            heads,
            local,
            loc,
            parent,
            named,
        )
    }

    fn fragment(&mut self, f: Fragment) {
        let Fragment { decl, heads, extra } = f;
        let mut pile = Vec::new();
        if let Some(extra) = extra {
            let Extra {
                loose,
                pile: piled,
                prop_docs,
                errors,
                refused,
                open,
            } = *extra;
            self.model.open.extend(open);
            for e in errors {
                self.error_words(e);
            }
            for n in refused {
                self.unparsed.insert(self.text(n));
            }
            self.model.prop_docs.extend(prop_docs);
            self.pile.loose.extend(loose);
            pile = piled;
        }
        macro_rules! simple {
            ($v:ident, $field:ident, $variant:ident, $id:ident) => {{
                let mut v = $v;
                let loc = Loc::$variant($id(self.model.$field.len() as u32));
                match self.top(&heads[0], loc) {
                    Some(id) => {
                        v.id = id;
                        self.model.$field.push(*v);
                        Some(id)
                    }
                    None => {
                        self.pile.decls.push(Lowered::$variant(v));
                        None
                    }
                }
            }};
        }
        // A declaration whose items can be pointed at: the items are registered under it,
        // as `Loc::$item_loc { $owner: <the declaration>, index }`; `$named` says whether an
        // item must have a name.
        macro_rules! with_items {
            ($v:ident, $field:ident, $variant:ident, $id:ident, $items:ident, $item_loc:ident,
             $item_id:ident, $owner:ident, $named:expr) => {{
                let mut v = $v;
                let own = $id(self.model.$field.len() as u32);
                match self.top(&heads[0], Loc::$variant(own)) {
                    Some(id) => {
                        v.id = id;
                        for (i, item) in v.$items.iter_mut().enumerate() {
                            let loc = Loc::$item_loc($item_id {
                                $owner: own,
                                index: i as u32,
                            });
                            item.id = self.nested(&heads, item.id, loc, id, $named);
                        }
                        self.model.$field.push(*v);
                    }
                    None => self.pile.decls.push(Lowered::$variant(v)),
                }
            }};
        }
        let mut procedure = None;
        match decl {
            Lowered::Organisation(v) => {
                simple!(v, organisations, Organisation, OrganisationId);
            }
            Lowered::Policy(v) => {
                simple!(v, policies, Policy, PolicyId);
            }
            Lowered::Person(v) => {
                simple!(v, people, Person, PersonId);
            }
            Lowered::Role(v) => {
                simple!(v, roles, Role, RoleId);
            }
            Lowered::Team(v) => {
                simple!(v, teams, Team, TeamId);
            }
            Lowered::Calendar(v) => {
                simple!(v, calendars, Calendar, CalendarId);
            }
            Lowered::Schedule(v) => {
                simple!(v, schedules, Schedule, ScheduleId);
            }
            Lowered::PointOfContact(v) => {
                simple!(v, points_of_contact, PointOfContact, PocId);
            }
            Lowered::Channel(v) => {
                simple!(v, channels, Channel, ChannelId);
            }
            Lowered::External(v) => {
                simple!(v, externals, External, ExternalId);
            }
            Lowered::Impact(v) => {
                simple!(v, impacts, Impact, ImpactId);
            }
            Lowered::Mapping(v) => {
                simple!(v, mappings, Mapping, MappingId);
            }
            Lowered::Evidence(v) => {
                simple!(v, evidence, Evidence, EvidenceId);
            }
            Lowered::Obligation(v) => {
                simple!(v, obligations, Obligation, ObligationId);
            }
            Lowered::Training(v) => {
                simple!(v, trainings, Training, TrainingId);
            }
            Lowered::Exercise(v) => {
                simple!(v, exercises, Exercise, ExerciseId);
            }
            Lowered::Review(v) => {
                simple!(v, reviews, Review, ReviewId);
            }
            Lowered::Moment(v) => {
                simple!(v, moments, Moment, MomentId);
            }
            Lowered::Fact(v) => {
                simple!(v, facts, Fact, FactId);
            }
            Lowered::Quantity(v) => {
                simple!(v, quantities, Quantity, QuantityId);
            }
            Lowered::Criteria(v) => {
                simple!(v, criteria, Criteria, CriteriaId);
            }
            Lowered::Enumeration(v) => {
                simple!(v, enumerations, Enumeration, EnumerationId);
            }
            Lowered::Region(v) => {
                simple!(v, regions, Region, RegionId);
            }
            Lowered::Metric(v) => {
                simple!(v, metrics, Metric, MetricId);
            }
            Lowered::ActionItem(v) => {
                simple!(v, action_items, ActionItem, ActionItemId);
            }
            Lowered::Lifecycle(v) => {
                simple!(v, lifecycles, Lifecycle, LifecycleId);
            }
            Lowered::Artefact(v) => {
                simple!(v, artefacts, Artefact, ArtefactId);
            }
            Lowered::Embargo(v) => {
                simple!(v, embargoes, Embargo, EmbargoId);
            }
            Lowered::Scenario(v) => {
                simple!(v, scenarios, Scenario, ScenarioId);
            }
            Lowered::Scale(v) => {
                with_items!(
                    v, scales, Scale, ScaleId, levels, Level, LevelId, scale, true
                );
            }
            Lowered::Escalation(v) => {
                with_items!(
                    v,
                    escalations,
                    Escalation,
                    EscalationId,
                    hops,
                    Hop,
                    HopId,
                    escalation,
                    false
                );
            }
            Lowered::Communications(v) => {
                with_items!(
                    v,
                    communications,
                    Communications,
                    CommunicationsId,
                    audiences,
                    Audience,
                    AudienceId,
                    communications,
                    true
                );
            }
            Lowered::Form(v) => {
                with_items!(v, forms, Form, FormId, fields, Field, FieldId, form, true);
            }
            Lowered::Category(cats) => self.categories(&heads, cats),
            Lowered::Procedure(mut v) => {
                let pid = ProcedureId(self.model.procedures.len() as u32);
                match self.top(&heads[0], Loc::Procedure(pid)) {
                    Some(id) => {
                        v.id = id;
                        self.model.procedures.push(*v);
                        self.proc_heads.push(heads);
                        procedure = Some(pid);
                    }
                    None => self.pile.procedures.push((*v, heads)),
                }
            }
            Lowered::Use { .. } => {}
            Lowered::Unknown { name, words } => {
                if let Some(n) = name {
                    self.unparsed.insert(self.text(n));
                }
                self.used_words.extend(words);
            }
            Lowered::Error { span } => self.error_words(span),
        }
        for p in pile {
            self.pile.nested.push((procedure, p));
        }
    }

    /// A category and its subcategories: each a top-level name. A subcategory whose name is
    /// taken is left out, and its own subcategories hang from the nearest one kept.
    fn categories(&mut self, heads: &[Head], cats: Vec<super::Category>) {
        let mut kept: Vec<Option<(CategoryId, DeclId)>> = Vec::with_capacity(cats.len());
        let mut parents: Vec<Option<usize>> = Vec::with_capacity(cats.len());
        for mut c in cats {
            let local = c.id.index();
            let parent_local = c.parent.map(|p| p.value.0 as usize);
            let mut p = parent_local;
            while let Some(pi) = p {
                if kept[pi].is_some() {
                    break;
                }
                p = parents[pi];
            }
            parents.push(parent_local);
            let cid = CategoryId(self.model.categories.len() as u32);
            match self.top(&heads[local], Loc::Category(cid)) {
                Some(id) => {
                    c.id = id;
                    let span = c.parent.map(|p| p.span).unwrap_or_default();
                    c.parent = p.and_then(|pi| {
                        let (pcid, pdecl) = kept[pi]?;
                        self.index.def_mut(id).parent = Some(pdecl);
                        Some(Spanned { value: pcid, span })
                    });
                    self.model.categories.push(c);
                    kept.push(Some((cid, id)));
                }
                None => {
                    self.pile.decls.push(Lowered::Category(vec![c]));
                    kept.push(None);
                }
            }
        }
    }

    /// The words of text that did not parse: the names it seems to declare are never
    /// reported unknown, and the names it mentions count as used.
    fn error_words(&mut self, span: Span) {
        let text = self.text(span);
        let base = span.lo;
        let is_word = |s: &str| super::lower::literal::is_name(s);
        let mut i = 0;
        for part in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
            let start = i;
            i += part.len() + 1;
            if is_word(part) {
                self.used_words.push(Span::new(
                    base + start as u32,
                    base + (start + part.len()) as u32,
                ));
            }
        }
        // Lines shaped like a declaration header: `word name "Title"`, `word name {`.
        for line in crate::syntax::text::lines(text) {
            let mut it = line.split_whitespace();
            let (Some(a), Some(b)) = (it.next(), it.next()) else {
                continue;
            };
            let header = it
                .next()
                .is_some_and(|c| c.starts_with('"') || c.starts_with('{'));
            if is_word(a) && is_word(b) && header {
                self.unparsed.insert(b);
            }
        }
    }
}

/// Registers a nested element from its fragment's heads: in the index, and, if `named`,
/// by its name in its parent's scope.
pub(super) fn register_nested(
    index: &mut Index,
    sources: &SourceMap,
    heads: &[Head],
    local: DeclId,
    loc: Loc,
    parent: DeclId,
    named: bool,
) -> DeclId {
    let id = index.push(def_of(&heads[local.index()], loc, Some(parent)));
    if named {
        let _ = index.name_in(sources, Scope::In(parent), id);
    }
    id
}

/// The definition of an element, from what lowering found.
pub(super) fn def_of(head: &Head, loc: Loc, parent: Option<DeclId>) -> Def {
    Def {
        kind: head.kind,
        loc,
        keyword: head.keyword,
        name: head.name,
        title: head.title.clone(),
        span: head.span,
        doc: head.doc,
        parent,
        meta: head.meta.clone(),
    }
}

impl<'a> Resolver<'a> {
    /// The tables names are resolved against: levels, impacts, calendars.
    fn tables(&mut self, model: &Model) {
        let sources = self.sources;
        self.levels = model
            .scales
            .iter()
            .map(|s| {
                s.levels
                    .iter()
                    .map(|l| self.index.name(sources, l.id).unwrap_or(""))
                    .collect()
            })
            .collect();
        self.level_decls = model
            .scales
            .iter()
            .map(|s| s.levels.iter().map(|l| l.id).collect())
            .collect();
        self.scale_decls = model.scales.iter().map(|s| s.id).collect();
        self.default_scale = model.scales.iter().map(|s| s.default.is_some()).collect();
        let mut level_scales: Map<&'a str, Vec<ScaleId>> = Map::default();
        for (i, names) in self.levels.iter().enumerate() {
            for n in names {
                level_scales.entry(n).or_default().push(ScaleId(i as u32));
            }
        }
        self.level_scales = level_scales;
        self.impact_levels = model
            .impacts
            .iter()
            .map(|i| i.levels.iter().map(|l| l.value.level.value).collect())
            .collect();
        self.impact_choices = model
            .impacts
            .iter()
            .map(|i| {
                i.choices
                    .iter()
                    .map(|c| sources.slice(c.value.term.span))
                    .collect()
            })
            .collect();
        self.choice_index = self
            .impact_choices
            .iter()
            .map(|c| c.iter().enumerate().map(|(i, w)| (*w, i as u32)).collect())
            .collect();
        let mut former: Map<&'a str, DeclId> = Map::default();
        for (id, def) in self.index.defs() {
            for t in def.meta.iter().flat_map(|m| &m.formerly) {
                let name = sources.slice(t.span);
                // A name in use is never a former name; the first to claim one keeps it.
                if self.index.lookup(sources, Scope::Top, name).is_none() {
                    former.entry(name).or_insert(id);
                }
            }
        }
        self.former = former;
        self.calendars = (0..model.calendars.len() as u32).map(CalendarId).collect();
        self.calendar_decls = model.calendars.iter().map(|c| c.id).collect();
        self.calendar_has_hours = model
            .calendars
            .iter()
            .map(|c| !c.hours.is_empty() || c.unread_hours)
            .collect();
    }
}
