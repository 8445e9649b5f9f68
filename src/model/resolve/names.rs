//! The resolver: names to ids, with "did you mean" at a bounded cost, and what counts as
//! used.

use crate::model::{Map, Set};

use crate::diagnostics::suggest::{Suggester, listing, suggest, title_key};
use crate::diagnostics::{Code, Diagnostic, did_you_mean};
use crate::index::{Index, Scope};
use crate::model::ids::*;
use crate::model::refs::{Ref, RefTarget};
use crate::model::schema::{Kind, kinds_phrase};
use crate::source::{SourceMap, Span};

pub struct Resolver<'a> {
    pub sources: &'a SourceMap,
    pub index: Index,
    /// Whether each definition is referred to.
    pub used: Vec<bool>,
    pub diags: Vec<Diagnostic>,
    /// Names that text which did not parse seems to declare: never reported unknown.
    pub unparsed: Set<&'a str>,
    /// A `use`d file could not be loaded: no name is reported unknown, since it may be there.
    pub missing_file: bool,
    /// Each scale's level names, most severe first; and which scales have a level name.
    pub levels: Vec<Vec<&'a str>>,
    pub level_scales: Map<&'a str, Vec<ScaleId>>,
    pub default_scale: Vec<bool>,
    /// Each scale's definition, and its levels'.
    pub scale_decls: Vec<DeclId>,
    pub level_decls: Vec<Vec<DeclId>>,
    /// The levels each impact declares.
    pub impact_levels: Vec<Vec<u32>>,
    /// The choices each impact declares, by word.
    pub impact_choices: Vec<Vec<&'a str>>,
    /// The same, word to position.
    pub choice_index: Vec<Map<&'a str, u32>>,
    /// Former names (`formerly`) of top-level declarations.
    pub former: Map<&'a str, DeclId>,
    pub calendars: Vec<CalendarId>,
    pub calendar_decls: Vec<DeclId>,
    pub calendar_has_hours: Vec<bool>,
    /// Each registered step's definition.
    pub step_decls: Map<StepId, DeclId>,
    /// Top-level candidates for "did you mean", by the kinds a reference accepts.
    candidates: Map<&'static [Kind], Candidates>,
    /// Comparisons the plain scans of "did you mean" may still make.
    pub scan_budget: usize,
}

/// The declarations of some kinds, in order, and an index over them when there are many.
struct Candidates {
    ids: Vec<DeclId>,
    suggester: Option<Suggester>,
}

impl<'a> Resolver<'a> {
    pub fn new(sources: &'a SourceMap, index: Index) -> Resolver<'a> {
        let used = vec![false; index.len()];
        Resolver {
            sources,
            index,
            used,
            diags: Vec::new(),
            unparsed: Set::default(),
            missing_file: false,
            levels: Vec::new(),
            level_scales: Map::default(),
            default_scale: Vec::new(),
            scale_decls: Vec::new(),
            level_decls: Vec::new(),
            impact_levels: Vec::new(),
            impact_choices: Vec::new(),
            choice_index: Vec::new(),
            former: Map::default(),
            calendars: Vec::new(),
            calendar_decls: Vec::new(),
            calendar_has_hours: Vec::new(),
            step_decls: Map::default(),
            candidates: Map::default(),
            scan_budget: crate::diagnostics::suggest::SCAN_BUDGET,
        }
    }

    pub fn text(&self, span: Span) -> &'a str {
        self.sources.slice(span)
    }

    pub fn report(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    pub fn mark_used(&mut self, id: DeclId) {
        if let Some(u) = self.used.get_mut(id.index()) {
            *u = true;
        }
    }

    /// Marks the top-level declaration a word names as used.
    pub fn use_word(&mut self, span: Span) {
        let w = self.text(span);
        if let Some(id) = self.index.lookup(self.sources, Scope::Top, w) {
            self.mark_used(id);
        }
    }

    /// Resolves a reference to a top-level declaration of `T`'s kinds.
    pub fn resolve<T: RefTarget>(&mut self, r: &mut Ref<T>) {
        r.target = self.lookup::<T>(r.span, T::KINDS);
    }

    /// The declaration a name at `span` stands for, if it is of one of `kinds`; anything
    /// else is reported.
    pub fn lookup<T: RefTarget>(&mut self, span: Span, kinds: &'static [Kind]) -> Option<T> {
        let name = self.text(span);
        match self.index.lookup(self.sources, Scope::Top, name) {
            Some(id) => {
                self.mark_used(id);
                self.index.add_ref(span, id);
                let def = self.index.def(id);
                if let Some(t) = T::from_loc(def.loc) {
                    return Some(t);
                }
                let (found, at) = (def.kind, def.name.unwrap_or(def.keyword));
                self.wrong_kind(name, span, found, kinds, Some(at));
                None
            }
            None => match self.former.get(name).copied() {
                Some(id) => {
                    self.mark_used(id);
                    self.index.add_ref(span, id);
                    let def = self.index.def(id);
                    let now = def.name.map_or("", |n| self.sources.slice(n));
                    let at = def.name.unwrap_or(def.keyword);
                    let target = T::from_loc(def.loc);
                    let (article, kind) = (def.kind.article(), def.kind);
                    let d = Diagnostic::new(
                        Code::FormerName,
                        span,
                        format!("`{name}` is the former name of `{now}`"),
                    )
                    .label(format!("renamed to `{now}`"))
                    .with_secondary(at, format!("{article}, formerly `{name}`"))
                    .help(format!("write the new name: `{now}`"));
                    self.report(d);
                    if target.is_none() {
                        self.wrong_kind(name, span, kind, kinds, None);
                    }
                    target
                }
                None => {
                    self.unknown(name, span, kinds);
                    None
                }
            },
        }
    }

    /// Reports a name of a declaration of another kind than `kinds` (`found`), with where it
    /// is declared.
    fn wrong_kind(
        &mut self,
        name: &str,
        span: Span,
        found: Kind,
        kinds: &'static [Kind],
        at: Option<Span>,
    ) {
        let help = self.hint(name, kinds);
        let mut d = Diagnostic::new(
            Code::WrongKind,
            span,
            format!(
                "`{name}` is {}, not {}",
                found.article(),
                kinds_phrase(kinds)
            ),
        )
        .label(format!("expected {}", kinds_phrase(kinds)));
        if let Some(at) = at {
            d = d.with_secondary(
                at,
                format!("`{name}` is defined here as {}", found.article()),
            );
        }
        self.report(d.help(help));
    }

    /// Checks a name without keeping a target: reports it unknown, marks it used.
    pub fn check_name(&mut self, span: Span, kinds: &'static [Kind]) {
        let name = self.text(span);
        match self.index.lookup(self.sources, Scope::Top, name) {
            Some(id) => {
                self.mark_used(id);
                self.index.add_ref(span, id);
            }
            None if kinds.is_empty() => {}
            None => self.unknown(name, span, kinds),
        }
    }

    /// Reports an unknown name, unless what did not parse or load may declare it.
    pub fn unknown(&mut self, name: &str, span: Span, kinds: &'static [Kind]) {
        if self.unparsed.contains(name) || self.missing_file {
            return;
        }
        // Where the language has words of its own (moments, lifecycles), they come first.
        let builtin: &[&str] = match kinds {
            [Kind::Moment] => crate::model::vocab::MomentWord::WORDS,
            [Kind::Lifecycle] => crate::model::vocab::BuiltinLifecycle::WORDS,
            _ => &[],
        };
        let help = match crate::diagnostics::suggest(name, builtin.iter().copied()) {
            Some(w) => format!("did you mean `{w}`?"),
            None => self.hint(name, kinds),
        };
        self.report(
            Diagnostic::new(Code::UnknownName, span, format!("unknown name `{name}`"))
                .label(format!("expected {}", kinds_phrase(kinds)))
                .help(help),
        );
    }

    fn candidates(&mut self, kinds: &'static [Kind]) {
        let (index, sources) = (&self.index, self.sources);
        let budget = self.scan_budget;
        if let Some(c) = self.candidates.get_mut(kinds) {
            // Out of budget: build the index now.
            if c.suggester.is_none() && c.ids.len() > budget {
                c.suggester = Some(suggester(index, sources, &c.ids));
            }
            return;
        }
        self.candidates.entry(kinds).or_insert_with(|| {
            let ids: Vec<DeclId> = index
                .defs()
                .filter(|(_, d)| d.parent.is_none() || d.kind == Kind::Category)
                .filter(|(_, d)| kinds.contains(&d.kind) && d.name.is_some())
                .map(|(id, _)| id)
                .collect();
            let suggester = (ids.len() > crate::diagnostics::suggest::MAX_SCAN
                || ids.len() > budget)
                .then(|| suggester(index, sources, &ids));
            Candidates { ids, suggester }
        });
    }

    /// "did you mean `alice`?", from names (and titles) of the accepted kinds. The suggested
    /// name counts as used: it is what the author meant, so it gets no "never referenced".
    pub fn hint(&mut self, name: &str, kinds: &'static [Kind]) -> String {
        let sources = self.sources;
        self.candidates(kinds);
        let found: Option<(String, Option<String>)> = {
            let index = &self.index;
            let c = &self.candidates[kinds];
            match &c.suggester {
                Some(s) => s.suggest(name).map(|s| {
                    let title = s
                        .by_title
                        .then(|| title_of(index, sources, &c.ids, &s.name))
                        .flatten();
                    (s.name, title)
                }),
                None => {
                    self.scan_budget = self.scan_budget.saturating_sub(2 * c.ids.len());
                    let names = c.ids.iter().filter_map(|&id| index.name(sources, id));
                    match suggest(name, names) {
                        Some(s) => Some((s.to_string(), None)),
                        None => {
                            // By title: `alice_smith` for "Alice Smith".
                            let keys: Vec<(String, DeclId)> = c
                                .ids
                                .iter()
                                .filter_map(|&id| {
                                    let t = index.def(id).title.as_ref()?.get(sources);
                                    Some((title_key(t)?, id))
                                })
                                .collect();
                            let by_title = keys
                                .iter()
                                .find(|(k, _)| k == name)
                                .map(|(_, id)| *id)
                                .or_else(|| {
                                    suggest(name, keys.iter().map(|(k, _)| k.as_str())).and_then(
                                        |k| keys.iter().find(|(kk, _)| kk == k).map(|(_, id)| *id),
                                    )
                                });
                            by_title.and_then(|id| {
                                let n = index.name(sources, id)?.to_string();
                                let t = index.def(id).title.as_ref()?.get(sources).to_string();
                                Some((n, Some(t)))
                            })
                        }
                    }
                }
            }
        };
        if let Some((s, title)) = found {
            if let Some(id) = self.index.lookup(sources, Scope::Top, &s) {
                self.mark_used(id);
            }
            return match title {
                Some(t) => format!("did you mean `{s}` ({t})?"),
                None => format!("did you mean `{s}`?"),
            };
        }
        let index = &self.index;
        let c = &self.candidates[kinds];
        let listed = listing(c.ids.iter().filter_map(|&id| index.name(sources, id)));
        let exists = index.lookup(sources, Scope::Top, name).is_some();
        match (c.ids.is_empty(), exists) {
            (true, false) => format!("declare {} named `{name}`", kinds_phrase(kinds)),
            (true, true) => format!(
                "{} is expected here, and none is declared yet",
                kinds_phrase(kinds)
            ),
            (false, _) => format!("it may name {}: {listed}", kinds_phrase(kinds)),
        }
    }

    /// Resolves `sev2` (in the scale that has it, or the default scale) or `severity.sev2`;
    /// `scale` when the context names the scale.
    pub fn level(&mut self, r: &mut Ref<LevelId>, scale_hint: Option<ScaleId>) {
        r.target = self.level_at(r.span, scale_hint);
    }

    fn level_at(&mut self, span: Span, scale_hint: Option<ScaleId>) -> Option<LevelId> {
        let text = self.text(span);
        let (scale, level): (ScaleId, &str) = match text.split_once('.') {
            Some((s, l)) => {
                let sspan = Span::new(span.lo, span.lo + s.len() as u32);
                let scale = self.lookup::<ScaleId>(sspan, &[Kind::Scale])?;
                (scale, l)
            }
            None => match scale_hint {
                Some(s) => (s, text),
                None => {
                    let with = self.level_scales.get(text).cloned().unwrap_or_default();
                    match with.as_slice() {
                        [one] => (*one, text),
                        [] if self.missing_file || self.unparsed.contains(text) => return None,
                        [] => {
                            let all: Vec<&str> = self.levels.iter().flatten().copied().collect();
                            let help = match suggest(text, all.iter().copied()) {
                                Some(s) => format!("did you mean `{s}`?"),
                                None => "name a level declared in a `scale`".to_string(),
                            };
                            self.report(
                                Diagnostic::new(
                                    Code::UnknownName,
                                    span,
                                    format!("unknown level `{text}`"),
                                )
                                .label("no scale has this level")
                                .help(help),
                            );
                            return None;
                        }
                        many => match many.iter().find(|s| self.default_scale[s.0 as usize]) {
                            Some(d) => (*d, text),
                            None => {
                                let mut names: Vec<String> = many
                                    .iter()
                                    .map(|s| format!("`{}.{text}`", self.scale_name(*s)))
                                    .collect();
                                names.sort();
                                self.report(
                                    Diagnostic::new(
                                        Code::AmbiguousLevel,
                                        span,
                                        format!("level `{text}` is in more than one scale"),
                                    )
                                    .label("which scale?")
                                    .help(format!(
                                        "write {}, or mark one scale `default`",
                                        names.join(" or ")
                                    )),
                                );
                                return None;
                            }
                        },
                    }
                }
            },
        };
        let sdecl = self.scale_decl(scale);
        self.mark_used(sdecl);
        let levels = &self.levels[scale.0 as usize];
        match levels.iter().position(|l| *l == level) {
            Some(i) => {
                let id = LevelId {
                    scale,
                    index: i as u32,
                };
                if let Some(d) = self.level_decl(id) {
                    self.mark_used(d);
                    self.index.add_ref(span, d);
                }
                Some(id)
            }
            None => {
                let sname = self.scale_name(scale).to_string();
                let help = did_you_mean(
                    level,
                    levels.iter().copied(),
                    &format!("the levels of `{sname}` are"),
                );
                self.report(
                    Diagnostic::new(
                        Code::UnknownName,
                        span,
                        format!("scale `{sname}` has no level `{level}`"),
                    )
                    .label("unknown level")
                    .help(help),
                );
                None
            }
        }
    }

    fn scale_decl(&self, s: ScaleId) -> DeclId {
        self.scale_decls[s.0 as usize]
    }

    fn scale_name(&self, s: ScaleId) -> &'a str {
        self.index
            .name(self.sources, self.scale_decl(s))
            .unwrap_or("")
    }

    fn level_decl(&self, l: LevelId) -> Option<DeclId> {
        self.level_decls
            .get(l.scale.0 as usize)?
            .get(l.index as usize)
            .copied()
    }
}

fn suggester(index: &Index, sources: &SourceMap, ids: &[DeclId]) -> Suggester {
    Suggester::new(ids.iter().map(|&id| {
        let d = index.def(id);
        (
            d.name.map_or("", |n| sources.slice(n)),
            d.title.as_ref().map(|t| t.get(sources)),
        )
    }))
}

fn title_of(index: &Index, sources: &SourceMap, ids: &[DeclId], name: &str) -> Option<String> {
    ids.iter()
        .find(|&&id| index.name(sources, id) == Some(name))
        .and_then(|&id| Some(index.def(id).title.as_ref()?.get(sources).to_string()))
}
