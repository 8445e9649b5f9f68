//! Lowering: the syntax trees of a policy's files to the resolved [`Model`].
//!
//! Two passes: the first registers every name (and the levels of scales and impacts), the
//! second builds typed declarations and resolves every reference against that namespace.

use std::collections::HashMap;

use super::bag::{Bag, header, no_rest};
use super::cx::{Cx, ScaleInfo};
use super::decls::*;
use super::procedures::{StepsMemo, procedure};
use super::schema::{self, DeclSpec, Kind, Shape};
use super::types::*;
use super::values as v;
use crate::diagnostics::{Code, Diagnostic, did_you_mean, suggest};
use crate::source::Span;
use crate::syntax::ast::{self, Entry, Ident, Value};

/// The result of lowering: the model (complete only when no error was reported).
#[derive(Debug, Default)]
pub struct Lowered {
    pub model: Model,
    pub diagnostics: Vec<Diagnostic>,
}

struct Top<'a> {
    spec: &'static DeclSpec,
    entry: &'a Entry,
    name: Option<Ident>,
    /// Header arguments after the name and title (an error at the top level).
    rest: &'a [ast::Arg],
    /// Whether this is the first definition of its name.
    first: bool,
}

/// What earlier stages could not read, so that lowering does not report its consequences.
#[derive(Debug, Default, Clone)]
pub struct Gaps {
    /// Names that parts which failed to parse seem to declare: never reported unknown.
    pub unparsed: Vec<String>,
    /// Every word of those parts: never reported unused.
    pub mentioned: Vec<String>,
    /// A `use`d file could not be loaded: no name is reported unknown, since it may be there.
    pub missing_file: bool,
}

/// Lowers the files of one policy, in load order. `files` are the display paths.
pub fn lower(asts: &[&ast::File], files: Vec<String>, gaps: &Gaps) -> Lowered {
    let mut cx = Cx {
        unparsed: gaps.unparsed.iter().cloned().collect(),
        used: gaps.mentioned.iter().cloned().collect(),
        missing_file: gaps.missing_file,
        ..Cx::default()
    };
    let mut tops: Vec<Top<'_>> = Vec::new();

    // Pass 1: names.
    for file in asts {
        for e in &file.entries {
            if e.key.text == "use" {
                continue;
            }
            let Some(spec) = schema::decl(&e.key.text, None) else {
                unknown_decl(&mut cx, e);
                // Its name is unknown only because its key word is, and the names it uses
                // are used: report neither.
                if let Some(ast::Arg {
                    value: Value::Word(w),
                    ..
                }) = e.args.first()
                {
                    cx.unparsed.insert(w.clone());
                }
                mark_words_used(&mut cx, e);
                continue;
            };
            if let Some(c) = &e.when {
                cx.report(
                    Diagnostic::new(
                        Code::MisplacedCondition,
                        c.span(),
                        format!("`{}` takes no `when` condition", spec.keyword),
                    )
                    .label("unexpected condition")
                    .help("put conditions inside the block, on the property they govern"),
                );
            }
            let h = header(&mut cx, spec, e);
            let first = match &h.name_ident {
                Some(n) => cx.define(&n.text, spec.kind, n.span),
                None => true,
            };
            if spec.kind == Kind::Category {
                define_subcategories(&mut cx, e);
            }
            // Levels of a name belong to its first definition, as the name does.
            if let (Kind::Scale, Some(n), true) = (spec.kind, &h.name_ident, first) {
                cx.scales.insert(n.text.clone(), scale_info(e));
            }
            if let (Kind::Impact, Some(n), true) = (spec.kind, &h.name_ident, first) {
                cx.impact_levels.insert(n.text.clone(), impact_levels(e));
            }
            tops.push(Top {
                spec,
                entry: e,
                name: h.name_ident,
                rest: h.rest,
                first,
            });
        }
    }

    // Pass 2: typed declarations.
    let mut model = Model {
        files,
        ..Model::default()
    };
    let procedures: HashMap<String, &Entry> = tops
        .iter()
        .filter(|t| t.spec.kind == Kind::Procedure && t.first)
        .filter_map(|t| Some((t.name.as_ref()?.text.clone(), t.entry)))
        .collect();
    let mut steps_memo = StepsMemo::default();
    for t in &tops {
        let e = t.entry;
        let decl = decl_of(t.spec, e, t.name.as_ref());
        no_rest(&mut cx, t.spec, t.rest);
        let entries: &[Entry] = e.block.as_ref().map_or(&[], |b| b.entries.as_slice());
        let bag = Bag::build(&mut cx, t.spec, entries);
        let cx = &mut cx;
        match t.spec.kind {
            Kind::Organisation => model.organisations.push(organisation(cx, decl, &bag)),
            Kind::Policy => model.policies.push(policy(cx, decl, &bag)),
            Kind::Person => model.people.push(person(cx, decl, &bag)),
            Kind::Role => model.roles.push(role(cx, decl, &bag)),
            Kind::Team => model.teams.push(team(cx, decl, &bag)),
            Kind::Calendar => model.calendars.push(calendar(cx, decl, &bag)),
            Kind::Schedule => model.schedules.push(schedule(cx, decl, &bag)),
            Kind::PointOfContact => model
                .points_of_contact
                .push(point_of_contact(cx, decl, &bag)),
            Kind::Channel => model.channels.push(channel(cx, decl, &bag)),
            Kind::External => model.externals.push(external(cx, decl, &bag)),
            Kind::Impact => model.impacts.push(impact(cx, decl, &bag)),
            Kind::Scale => model.scales.push(scale(cx, decl, &bag)),
            Kind::Mapping => model.mappings.push(mapping(cx, decl, &bag)),
            Kind::Category => category(cx, decl, &bag, None, &mut model.categories),
            Kind::Escalation => model.escalations.push(escalation(cx, decl, &bag)),
            Kind::Procedure => {
                let p = procedure(cx, decl, &bag, e, &procedures, &mut steps_memo);
                model.procedures.push(p);
            }
            Kind::Evidence => model.evidence.push(evidence(cx, decl, &bag)),
            Kind::Communications => model.communications.push(communications(cx, decl, &bag)),
            Kind::Obligation => model.obligations.push(obligation(cx, decl, &bag)),
            Kind::Form => model.forms.push(form(cx, decl, &bag)),
            Kind::Training => model.trainings.push(training(cx, decl, &bag)),
            Kind::Exercise => model.exercises.push(exercise(cx, decl, &bag)),
            Kind::Review => model.reviews.push(review(cx, decl, &bag)),
            Kind::Level
            | Kind::Step
            | Kind::Option
            | Kind::Override
            | Kind::Audience
            | Kind::Field => {}
        }
    }

    // Unused declarations.
    let unused: Vec<(String, Kind, Span)> = cx
        .order
        .iter()
        .filter(|n| !cx.used.contains(n.as_str()))
        .map(|n| {
            (
                n.clone(),
                cx.names[n.as_str()].kind,
                cx.names[n.as_str()].span,
            )
        })
        .filter(|(_, k, _)| k.warn_unused())
        .collect();
    for (name, kind, span) in unused {
        cx.report(
            Diagnostic::new(
                Code::Unused,
                span,
                format!(
                    "{} `{name}` is never referenced",
                    kind.article().split_once(' ').map_or("", |(_, k)| k)
                ),
            )
            .label("declared here, used nowhere")
            .help("reference it where it belongs, or delete it"),
        );
    }
    Lowered {
        model,
        diagnostics: cx.diags,
    }
}

fn unknown_decl(cx: &mut Cx, e: &Entry) {
    let key = e.key.text.as_str();
    let help = match (suggest(key, schema::keywords(None)), schema::home_of(key)) {
        (Some(s), _) => format!("did you mean `{s}`?"),
        (None, Some(home)) => home,
        (None, None) => did_you_mean(key, schema::keywords(None), "the declarations are"),
    };
    cx.report(
        Diagnostic::new(
            Code::UnknownDeclaration,
            e.key.span,
            format!("unknown declaration `{key}`"),
        )
        .label("not a kind of declaration")
        .help(help),
    );
}

/// Marks every word an entry mentions as used.
fn mark_words_used(cx: &mut Cx, e: &Entry) {
    fn arg(cx: &mut Cx, a: &ast::Arg) {
        match &a.value {
            Value::Word(w) => {
                cx.used.insert(w.clone());
            }
            Value::List(items) => items.iter().for_each(|i| arg(cx, i)),
            _ => {}
        }
    }
    e.args.iter().for_each(|a| arg(cx, a));
    for child in e.block.iter().flat_map(|b| &b.entries) {
        mark_words_used(cx, child);
    }
}

fn define_subcategories(cx: &mut Cx, e: &Entry) {
    for child in e.block.iter().flat_map(|b| &b.entries) {
        if child.key.text == "category" {
            if let Some(ast::Arg {
                value: Value::Word(w),
                span,
            }) = child.args.first()
            {
                cx.define(w, Kind::Category, *span);
            }
            define_subcategories(cx, child);
        }
    }
}

fn scale_info(e: &Entry) -> ScaleInfo {
    let mut info = ScaleInfo::default();
    for child in e.block.iter().flat_map(|b| &b.entries) {
        match (child.key.text.as_str(), child.args.first()) {
            (
                "level",
                Some(ast::Arg {
                    value: Value::Word(w),
                    ..
                }),
            ) if !info.levels.contains(w) => info.levels.push(w.clone()),
            ("default", _) => info.default = true,
            _ => {}
        }
    }
    info
}

fn impact_levels(e: &Entry) -> Vec<u32> {
    e.block
        .iter()
        .flat_map(|b| &b.entries)
        .filter(|c| c.key.text == "level")
        .filter_map(|c| match c.args.first() {
            Some(ast::Arg {
                value: Value::Integer(n),
                ..
            }) => n.parse().ok(),
            _ => None,
        })
        .collect()
}

pub(super) fn decl_of(spec: &DeclSpec, e: &Entry, name: Option<&Ident>) -> Decl {
    let title = match (name.is_some(), e.args.first(), e.args.get(1)) {
        (
            true,
            _,
            Some(ast::Arg {
                value: Value::Str(s),
                ..
            }),
        ) => Some(s.clone()),
        (
            false,
            Some(ast::Arg {
                value: Value::Str(s),
                ..
            }),
            _,
        ) => Some(s.clone()),
        _ => None,
    };
    Decl {
        name: name.map_or_else(|| spec.keyword.to_string(), |n| n.text.clone()),
        title,
        doc: e.doc.clone(),
        span: e.span,
        name_span: name.map_or(e.key.span, |n| n.span),
    }
}

/// Reads the typed value of each property by its schema shape.
pub(super) struct Get<'c, 'a> {
    cx: &'c mut Cx,
    spec: &'static DeclSpec,
    bag: &'c Bag<'a>,
}

impl<'c, 'a> Get<'c, 'a> {
    pub(super) fn new(cx: &'c mut Cx, spec: &'static DeclSpec, bag: &'c Bag<'a>) -> Self {
        Get { cx, spec, bag }
    }

    pub(super) fn kinds(&self, key: &str) -> &'static [Kind] {
        Bag::shape(self.spec, key).ref_kinds().unwrap_or(&[])
    }

    pub(super) fn text(&mut self, key: &str) -> Option<String> {
        self.bag.first(key).and_then(|e| v::text(self.cx, e))
    }

    pub(super) fn texts(&mut self, key: &'a str) -> Vec<String> {
        let entries: Vec<&Entry> = self.bag.all(key).collect();
        let mut out = Vec::new();
        for e in entries {
            match Bag::shape(self.spec, key) {
                Shape::Texts => out.extend(v::texts(self.cx, e)),
                _ => out.extend(v::text(self.cx, e)),
            }
        }
        out
    }

    pub(super) fn contact(&mut self, key: &str) -> Option<String> {
        let shape = Bag::shape(self.spec, key);
        self.bag
            .first(key)
            .and_then(|e| v::contact(self.cx, e, shape))
    }

    pub(super) fn contacts(&mut self, key: &'a str) -> Vec<String> {
        let shape = Bag::shape(self.spec, key);
        let entries: Vec<&Entry> = self.bag.all(key).collect();
        entries
            .into_iter()
            .filter_map(|e| v::contact(self.cx, e, shape))
            .collect()
    }

    pub(super) fn timezone(&mut self, key: &str) -> Option<String> {
        self.bag.first(key).and_then(|e| v::timezone(self.cx, e))
    }

    pub(super) fn flag(&mut self, key: &str) -> bool {
        self.bag.first(key).is_some_and(|e| v::flag(self.cx, e))
    }

    pub(super) fn date(&mut self, key: &str) -> Option<Date> {
        self.bag.first(key).and_then(|e| v::date(self.cx, e))
    }

    pub(super) fn duration(&mut self, key: &str) -> Option<Duration> {
        self.bag.first(key).and_then(|e| v::duration(self.cx, e))
    }

    pub(super) fn within(&mut self, key: &str) -> Option<Duration> {
        self.bag.first(key).and_then(|e| v::within(self.cx, e))
    }

    pub(super) fn every(&mut self, key: &str) -> Option<Duration> {
        self.bag.first(key).and_then(|e| v::every(self.cx, e))
    }

    pub(super) fn cadence(&mut self, key: &str) -> Option<Cadence> {
        self.bag.first(key).and_then(|e| v::cadence(self.cx, e))
    }

    pub(super) fn word(&mut self, key: &str) -> Option<String> {
        let vocab = match Bag::shape(self.spec, key) {
            Shape::Word(w) => w,
            Shape::Term => &["higher", "lower"],
            _ => &[],
        };
        self.bag
            .first(key)
            .and_then(|e| v::one_word(self.cx, e, vocab))
    }

    pub(super) fn words(&mut self, key: &str) -> Vec<String> {
        let vocab = match Bag::shape(self.spec, key) {
            Shape::Words(w) => Some(w),
            _ => None,
        };
        self.bag
            .first(key)
            .map(|e| v::words_of(self.cx, e, vocab))
            .unwrap_or_default()
    }

    pub(super) fn reference(&mut self, key: &str) -> Option<Ref> {
        let kinds = self.kinds(key);
        self.bag
            .first(key)
            .and_then(|e| v::reference(self.cx, e, kinds))
    }

    pub(super) fn references(&mut self, key: &str) -> Vec<Ref> {
        let kinds = self.kinds(key);
        self.bag
            .first(key)
            .map(|e| v::references(self.cx, e, kinds))
            .unwrap_or_default()
    }

    pub(super) fn audience(&mut self, key: &str) -> Vec<Member> {
        let kinds = self.kinds(key);
        self.bag
            .first(key)
            .map(|e| v::audience(self.cx, e, kinds))
            .unwrap_or_default()
    }

    pub(super) fn quorum(&mut self, key: &str) -> Option<Quorum> {
        let kinds = self.kinds(key);
        self.bag
            .first(key)
            .and_then(|e| v::quorum(self.cx, e, kinds))
    }

    pub(super) fn windows(&mut self, key: &'a str) -> Vec<Window> {
        let entries: Vec<&Entry> = self.bag.all(key).collect();
        entries
            .into_iter()
            .filter_map(|e| v::window(self.cx, e))
            .collect()
    }

    pub(super) fn level(&mut self, key: &str) -> Option<LevelRef> {
        let e = self.bag.first(key)?;
        match e.args.first() {
            Some(ast::Arg {
                value: Value::Word(w),
                span,
            }) if e.args.len() == 1 => self.cx.level(w, *span, None),
            _ => {
                v::bad_value(self.cx, e, Shape::LevelRef, None);
                None
            }
        }
    }

    /// The condition of the `when` property (`when x >= 1` inside the block).
    pub(super) fn when(&mut self) -> Option<Condition> {
        let c = self.bag.first("when")?.when.as_ref()?;
        super::conditions::condition(self.cx, c)
    }
}

pub(super) fn cond(cx: &mut Cx, e: &Entry) -> Option<Condition> {
    e.when
        .as_ref()
        .and_then(|c| super::conditions::condition(cx, c))
}

pub(super) fn spec_of(keyword: &str) -> &'static DeclSpec {
    schema::DECLS
        .iter()
        .find(|d| d.keyword == keyword)
        .unwrap_or(&schema::DECLS[0])
}

/// Reports a declaration that names itself where it must name another.
pub(super) fn self_ref(cx: &mut Cx, decl: &Decl, refs: &[Ref], message: &str, help: &str) {
    for r in refs.iter().filter(|r| r.name == decl.name) {
        cx.report(
            Diagnostic::new(
                Code::SelfReference,
                r.span,
                format!("`{}` {message}", decl.name),
            )
            .label("refers to itself")
            .with_secondary(decl.name_span, "declared here")
            .help(help.to_string()),
        );
    }
}

/// Names already taken in one scope (options of a decision, audiences of a plan).
#[derive(Default)]
pub(super) struct Seen(HashMap<String, Span>);

impl Seen {
    /// Records `decl`; a second one of the same name is reported and `false` returned.
    pub(super) fn first(
        &mut self,
        cx: &mut Cx,
        decl: &Decl,
        what: &str,
        scope: &str,
        scope_name: &str,
    ) -> bool {
        if let Some(first) = self.0.get(&decl.name) {
            cx.report(
                Diagnostic::new(
                    Code::DuplicateName,
                    decl.name_span,
                    format!(
                        "{what} `{}` is defined twice in {scope} `{scope_name}`",
                        decl.name
                    ),
                )
                .label("second definition")
                .with_secondary(*first, "first defined here")
                .help(format!("give each {what} its own name")),
            );
            return false;
        }
        self.0.insert(decl.name.clone(), decl.name_span);
        true
    }
}
