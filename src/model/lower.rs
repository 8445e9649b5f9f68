//! Lowering: the syntax trees of a policy's files to the resolved [`Model`].
//!
//! Two passes: the first registers every name (and the levels of scales and impacts), the
//! second builds typed declarations and resolves every reference against that namespace.

use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;

use super::bag::{Bag, Header, header, no_rest};
use super::cx::{Cx, ScaleInfo};
use super::schema::{self, DeclSpec, Kind, Shape};
use super::types::*;
use super::values as v;
use crate::diagnostics::{Code, Diagnostic, backticked, did_you_mean, suggest};
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

/// Lowers the files of one policy, in load order. `files` are the display paths.
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

fn decl_of(spec: &DeclSpec, e: &Entry, name: Option<&Ident>) -> Decl {
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
struct Get<'c, 'a> {
    cx: &'c mut Cx,
    spec: &'static DeclSpec,
    bag: &'c Bag<'a>,
}

impl<'c, 'a> Get<'c, 'a> {
    fn new(cx: &'c mut Cx, spec: &'static DeclSpec, bag: &'c Bag<'a>) -> Self {
        Get { cx, spec, bag }
    }

    fn kinds(&self, key: &str) -> &'static [Kind] {
        Bag::shape(self.spec, key).ref_kinds().unwrap_or(&[])
    }

    fn text(&mut self, key: &str) -> Option<String> {
        self.bag.first(key).and_then(|e| v::text(self.cx, e))
    }

    fn texts(&mut self, key: &'a str) -> Vec<String> {
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

    fn contact(&mut self, key: &str) -> Option<String> {
        let shape = Bag::shape(self.spec, key);
        self.bag
            .first(key)
            .and_then(|e| v::contact(self.cx, e, shape))
    }

    fn contacts(&mut self, key: &'a str) -> Vec<String> {
        let shape = Bag::shape(self.spec, key);
        let entries: Vec<&Entry> = self.bag.all(key).collect();
        entries
            .into_iter()
            .filter_map(|e| v::contact(self.cx, e, shape))
            .collect()
    }

    fn timezone(&mut self, key: &str) -> Option<String> {
        self.bag.first(key).and_then(|e| v::timezone(self.cx, e))
    }

    fn flag(&mut self, key: &str) -> bool {
        self.bag.first(key).is_some_and(|e| v::flag(self.cx, e))
    }

    fn date(&mut self, key: &str) -> Option<Date> {
        self.bag.first(key).and_then(|e| v::date(self.cx, e))
    }

    fn duration(&mut self, key: &str) -> Option<Duration> {
        self.bag.first(key).and_then(|e| v::duration(self.cx, e))
    }

    fn within(&mut self, key: &str) -> Option<Duration> {
        self.bag.first(key).and_then(|e| v::within(self.cx, e))
    }

    fn every(&mut self, key: &str) -> Option<Duration> {
        self.bag.first(key).and_then(|e| v::every(self.cx, e))
    }

    fn cadence(&mut self, key: &str) -> Option<Cadence> {
        self.bag.first(key).and_then(|e| v::cadence(self.cx, e))
    }

    fn word(&mut self, key: &str) -> Option<String> {
        let vocab = match Bag::shape(self.spec, key) {
            Shape::Word(w) => w,
            Shape::Term => &["higher", "lower"],
            _ => &[],
        };
        self.bag
            .first(key)
            .and_then(|e| v::one_word(self.cx, e, vocab))
    }

    fn words(&mut self, key: &str) -> Vec<String> {
        let vocab = match Bag::shape(self.spec, key) {
            Shape::Words(w) => Some(w),
            _ => None,
        };
        self.bag
            .first(key)
            .map(|e| v::words_of(self.cx, e, vocab))
            .unwrap_or_default()
    }

    fn reference(&mut self, key: &str) -> Option<Ref> {
        let kinds = self.kinds(key);
        self.bag
            .first(key)
            .and_then(|e| v::reference(self.cx, e, kinds))
    }

    fn references(&mut self, key: &str) -> Vec<Ref> {
        let kinds = self.kinds(key);
        self.bag
            .first(key)
            .map(|e| v::references(self.cx, e, kinds))
            .unwrap_or_default()
    }

    fn audience(&mut self, key: &str) -> Vec<Member> {
        let kinds = self.kinds(key);
        self.bag
            .first(key)
            .map(|e| v::audience(self.cx, e, kinds))
            .unwrap_or_default()
    }

    fn quorum(&mut self, key: &str) -> Option<Quorum> {
        let kinds = self.kinds(key);
        self.bag
            .first(key)
            .and_then(|e| v::quorum(self.cx, e, kinds))
    }

    fn windows(&mut self, key: &'a str) -> Vec<Window> {
        let entries: Vec<&Entry> = self.bag.all(key).collect();
        entries
            .into_iter()
            .filter_map(|e| v::window(self.cx, e))
            .collect()
    }

    fn level(&mut self, key: &str) -> Option<LevelRef> {
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
    fn when(&mut self) -> Option<Condition> {
        let c = self.bag.first("when")?.when.as_ref()?;
        v::condition(self.cx, c)
    }
}

fn cond(cx: &mut Cx, e: &Entry) -> Option<Condition> {
    e.when.as_ref().and_then(|c| v::condition(cx, c))
}

fn organisation(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Organisation {
    let spec = spec_of("organisation");
    let mut report_upward = Vec::new();
    for e in bag.all("report_upward") {
        let shape = Bag::shape(spec, "report_upward");
        if let Some((to, within)) = v::ref_within(cx, e, shape.ref_kinds().unwrap_or(&[]), shape, 0)
        {
            report_upward.push(Report {
                to,
                within,
                when: cond(cx, e),
            });
        }
    }
    let mut g = Get::new(cx, spec, bag);
    Organisation {
        decl,
        scope: g.text("scope"),
        services: g.words("services"),
        sites: g.words("sites"),
        jurisdictions: g.words("jurisdictions"),
        regimes: g.words("regimes"),
        parent: g.reference("parent"),
        report_upward,
    }
}

fn spec_of(keyword: &str) -> &'static DeclSpec {
    schema::DECLS
        .iter()
        .find(|d| d.keyword == keyword)
        .unwrap_or(&schema::DECLS[0])
}

fn policy(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Policy {
    let spec = spec_of("policy");
    let approved_by = bag.first("approved_by").and_then(|e| {
        let shape = Bag::shape(spec, "approved_by");
        let kinds = shape.ref_kinds().unwrap_or(&[]);
        let by = e
            .args
            .first()
            .and_then(|a| v::ref_arg(cx, e, a, kinds, shape));
        let on = match (e.args.get(1), e.args.get(2)) {
            (None, None) => None,
            (
                Some(ast::Arg {
                    value: Value::Word(w),
                    ..
                }),
                Some(d),
            ) if w == "on" && e.args.len() == 3 => match d.value {
                Value::Date { .. } => v::date_arg(cx, d),
                _ => {
                    v::bad_value(cx, e, shape, Some(d));
                    None
                }
            },
            (Some(a), _) => {
                v::bad_value(cx, e, shape, Some(a));
                None
            }
            _ => None,
        };
        Some(Approval { by: by?, on })
    });
    let definitions = bag
        .all("define")
        .filter_map(|e| v::word_text(cx, e, Shape::Taxonomy))
        .map(|(term, text)| Definition { term, text })
        .collect();
    let mut g = Get::new(cx, spec, bag);
    Policy {
        decl,
        version: g.text("version"),
        owner: g.reference("owner"),
        approved_by,
        review: g.every("review"),
        next_review: g.date("next_review"),
        purpose: g.text("purpose"),
        commitment: g.text("commitment"),
        covers: g.words("covers"),
        definitions,
        related: g.texts("related"),
    }
}

fn person(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Person {
    let out_of_band = bag
        .all("out_of_band")
        .filter_map(|e| v::word_text(cx, e, Shape::OutOfBand))
        .map(|(method, address)| Contact { method, address })
        .collect();
    let mut g = Get::new(cx, spec_of("person"), bag);
    Person {
        decl,
        email: g.contacts("email"),
        phone: g.contacts("phone"),
        out_of_band,
        verified: g.date("verified"),
        timezone: g.timezone("timezone"),
    }
}

/// Reports a declaration that names itself where it must name another.
fn self_ref(cx: &mut Cx, decl: &Decl, refs: &[Ref], message: &str, help: &str) {
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

fn role(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Role {
    let spec = spec_of("role");
    let mut hands_over_to = Vec::new();
    for e in bag.all("hands_over_to") {
        if let Some(to) = v::reference(cx, e, &[Kind::Role]) {
            hands_over_to.push(Handover {
                to,
                when: cond(cx, e),
            });
        }
    }
    let mut g = Get::new(cx, spec, bag);
    let r = Role {
        held_by: g.reference("held_by"),
        backup: g.references("backup"),
        authority: g.words("authority"),
        duties: g.texts("duty"),
        exclusive_with: g.references("exclusive_with"),
        hands_over_to,
        decl,
    };
    self_ref(
        cx,
        &r.decl,
        &r.backup,
        "is its own backup",
        "a backup must be someone else: name another person, role or rota",
    );
    self_ref(
        cx,
        &r.decl,
        &r.exclusive_with,
        "is exclusive with itself",
        "`exclusive_with` names the other roles one person must not hold at the same time",
    );
    let to: Vec<Ref> = r.hands_over_to.iter().map(|h| h.to.clone()).collect();
    self_ref(
        cx,
        &r.decl,
        &to,
        "hands over to itself",
        "command is handed over to another role",
    );
    r
}

fn team(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Team {
    let mut g = Get::new(cx, spec_of("team"), bag);
    Team {
        decl,
        lead: g.reference("lead"),
        members: g.references("members"),
        on_call: g.reference("on_call"),
        purpose: g.text("purpose"),
    }
}

fn calendar(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Calendar {
    let mut holidays = Vec::new();
    for e in bag.all("holiday") {
        match (e.args.first(), e.args.get(1), e.args.len()) {
            (Some(d), name, 1 | 2) if matches!(d.value, Value::Date { .. }) => {
                let name = match name.map(|a| &a.value) {
                    Some(Value::Str(s)) => Some(s.clone()),
                    None => None,
                    Some(_) => {
                        v::bad_value(cx, e, Shape::Holiday, name);
                        continue;
                    }
                };
                if let Some(date) = v::date_arg(cx, d) {
                    holidays.push(Holiday { date, name });
                }
            }
            _ => v::bad_value(cx, e, Shape::Holiday, None),
        }
    }
    let mut g = Get::new(cx, spec_of("calendar"), bag);
    Calendar {
        decl,
        timezone: g.timezone("timezone"),
        hours: g.windows("hours"),
        holidays,
    }
}

fn schedule(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Schedule {
    let rotate = bag.first("rotate").and_then(|e| {
        let period = e.args.first()?;
        let every = v::word_of(
            cx,
            e,
            period,
            &["daily", "weekly", "fortnightly", "monthly"],
            Shape::Rotation,
        );
        let people = match e.args.get(1) {
            Some(list) if e.args.len() == 2 => {
                let items: Vec<&ast::Arg> = match &list.value {
                    Value::List(items) => items.iter().collect(),
                    _ => vec![list],
                };
                items
                    .into_iter()
                    .filter_map(|a| v::ref_arg(cx, e, a, &[Kind::Person], Shape::Rotation))
                    .collect()
            }
            _ => {
                v::bad_value(cx, e, Shape::Rotation, e.args.get(1));
                return None;
            }
        };
        Some(Rotation {
            every: every?,
            people,
        })
    });
    let mut g = Get::new(cx, spec_of("schedule"), bag);
    Schedule {
        decl,
        timezone: g.timezone("timezone"),
        hours: g.windows("hours"),
        rotate,
        calendar: g.reference("calendar"),
    }
}

fn point_of_contact(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> PointOfContact {
    let mut g = Get::new(cx, spec_of("point_of_contact"), bag);
    PointOfContact {
        decl,
        held_by: g.reference("held_by"),
        hours: g.windows("hours"),
        timezone: g.timezone("timezone"),
        out_of_hours: g.reference("out_of_hours"),
        assess_within: g.within("assess_within"),
    }
}

fn channel(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Channel {
    let mut g = Get::new(cx, spec_of("channel"), bag);
    Channel {
        decl,
        kind: g.word("kind"),
        url: g.contact("url"),
        email: g.contact("email"),
        phone: g.contact("phone"),
        audience: g.audience("audience"),
        lands_at: g.reference("lands_at"),
        hours: g.windows("hours"),
        timezone: g.timezone("timezone"),
        form: g.reference("form"),
        out_of_band: g.flag("out_of_band"),
    }
}

fn external(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> External {
    let mut g = Get::new(cx, spec_of("external"), bag);
    External {
        decl,
        kind: g.word("kind"),
        email: g.contact("email"),
        phone: g.contact("phone"),
        url: g.contact("url"),
        verified: g.date("verified"),
        contract: g.text("contract"),
    }
}

fn impact(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Impact {
    let mut levels: Vec<ImpactLevel> = Vec::new();
    for e in bag.all("level") {
        match (e.args.first(), e.args.get(1)) {
            (
                Some(n),
                Some(ast::Arg {
                    value: Value::Str(text),
                    ..
                }),
            ) if matches!(n.value, Value::Integer(_)) && e.args.len() == 2 => {
                let Some(level) = v::int_arg(cx, n, 1) else {
                    continue;
                };
                let expected = levels.len() as u32 + 1;
                if level != expected {
                    let mut d = Diagnostic::new(
                        Code::ImpactLevelsOutOfOrder,
                        n.span,
                        format!("impact level {level} where {expected} was expected"),
                    )
                    .label(format!("expected level {expected}"))
                    .help("number the levels 1, 2, 3, ... from the least to the most severe");
                    if let Some(prev) = levels.iter().find(|l| l.level == level) {
                        d = d.with_secondary(prev.span, "already declared here");
                    }
                    cx.report(d);
                    continue;
                }
                levels.push(ImpactLevel {
                    level,
                    text: text.clone(),
                    span: n.span,
                });
            }
            _ => v::bad_value(cx, e, Shape::ImpactLevel, None),
        }
    }
    Impact { decl, levels }
}

fn scale(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Scale {
    let mut levels = Vec::new();
    let mut seen = Seen::default();
    for (spec, e) in &bag.children {
        let h = header(cx, spec, e);
        no_rest(cx, spec, h.rest);
        let ldecl = decl_of(spec, e, h.name_ident.as_ref());
        // A second level of the same name is checked, but not kept.
        let first = seen.first(cx, &ldecl, "level", "scale", &decl.name);
        let entries: &[Entry] = e.block.as_ref().map_or(&[], |b| b.entries.as_slice());
        let lbag = Bag::build(cx, spec, entries);
        let mut g = Get::new(cx, spec, &lbag);
        let level = Level {
            decl: ldecl,
            when: g.when(),
            acknowledge: g.within("acknowledge"),
            contain: g.within("contain"),
            resolve: g.within("resolve"),
            update: g.cadence("update"),
            decided_by: g.reference("decided_by"),
            notify: g.references("notify"),
            crisis: g.flag("crisis"),
            review: g.within("review"),
        };
        if first {
            levels.push(level);
        }
    }
    let mut g = Get::new(cx, spec_of("scale"), bag);
    Scale {
        decl,
        levels,
        if_unsure: g.word("if_unsure"),
        default: g.flag("default"),
    }
}

fn mapping(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Mapping {
    let mut g = Get::new(cx, spec_of("mapping"), bag);
    let from = g.reference("from");
    let to = g.reference("to");
    for (key, r) in [("from", &from), ("to", &to)] {
        if bag.first(key).is_none() {
            cx.report(
                Diagnostic::new(
                    Code::MissingProperty,
                    decl.name_span,
                    format!("mapping `{}` has no `{key}`", decl.name),
                )
                .label(format!("`{key}` missing"))
                .help("a mapping names the scale it maps `from` and the scale it maps `to`"),
            );
        }
        let _ = r;
    }
    let mut pairs = Vec::new();
    for e in bag.all("map") {
        let Some((a, b)) = v::arrow_pair(cx, e, Shape::LevelPair) else {
            continue;
        };
        let (Some(f), Some(t)) = (&from, &to) else {
            continue;
        };
        let la = match &a.value {
            Value::Word(w) => cx.level(w, a.span, Some(&f.name)),
            _ => None,
        };
        let lb = match &b.value {
            Value::Word(w) => cx.level(w, b.span, Some(&t.name)),
            _ => None,
        };
        if e.args.len() > 3 {
            v::bad_value(cx, e, Shape::LevelPair, e.args.get(3));
        }
        if let (Some(la), Some(lb)) = (la, lb) {
            pairs.push((la, lb));
        }
    }
    Mapping {
        decl,
        from,
        to,
        pairs,
    }
}

fn category(cx: &mut Cx, decl: Decl, bag: &Bag<'_>, parent: Option<&str>, out: &mut Vec<Category>) {
    let spec = spec_of("category");
    let maps_to = bag
        .all("maps_to")
        .filter_map(|e| v::word_text(cx, e, Shape::Taxonomy))
        .map(|(taxonomy, term)| TaxonomyTerm { taxonomy, term })
        .collect();
    let mut g = Get::new(cx, spec, bag);
    let c = Category {
        parent: parent.map(str::to_string),
        threat: g.word("threat"),
        maps_to,
        attack: g.words("attack"),
        minimum: g.level("minimum"),
        procedure: g.reference("procedure"),
        description: g.text("description"),
        decl,
    };
    let name = c.decl.name.clone();
    out.push(c);
    for (cspec, e) in &bag.children {
        let h = header(cx, cspec, e);
        no_rest(cx, cspec, h.rest);
        let cdecl = decl_of(cspec, e, h.name_ident.as_ref());
        let entries: &[Entry] = e.block.as_ref().map_or(&[], |b| b.entries.as_slice());
        let cbag = Bag::build(cx, cspec, entries);
        category(cx, cdecl, &cbag, Some(&name), out);
    }
}

fn escalation(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Escalation {
    let spec = spec_of("escalation");
    let shape = Bag::shape(spec, "hop");
    let kinds = shape.ref_kinds().unwrap_or(&[]);
    let mut hops = Vec::new();
    for e in bag.all("hop") {
        let Some((a, _)) = v::arrow_pair(cx, e, shape) else {
            continue;
        };
        let from = v::ref_arg(cx, e, a, kinds, shape);
        let Some((to, within)) = v::ref_within(cx, e, kinds, shape, 2) else {
            continue;
        };
        let when = cond(cx, e);
        if let Some(from) = from {
            hops.push(Hop {
                from,
                to,
                within,
                when,
                span: e.span,
            });
        }
    }
    let repeat = bag.first("repeat").and_then(|e| {
        let n = e
            .args
            .first()
            .filter(|a| matches!(a.value, Value::Integer(_)));
        let Some(n) = n else {
            v::bad_value(cx, e, Shape::Repeat, None);
            return None;
        };
        let times = v::int_arg(cx, n, 1)?;
        let every = match (e.args.get(1), e.args.get(2)) {
            (None, _) => None,
            (
                Some(ast::Arg {
                    value: Value::Word(w),
                    ..
                }),
                Some(d),
            ) if w == "every" && e.args.len() == 3 => match d.value {
                Value::Duration { .. } => v::duration_arg(cx, d),
                _ => {
                    v::bad_value(cx, e, Shape::Repeat, Some(d));
                    None
                }
            },
            (Some(a), _) => {
                v::bad_value(cx, e, Shape::Repeat, Some(a));
                None
            }
        };
        Some(Repeat { times, every })
    });
    Escalation { decl, hops, repeat }
}

/// A step entry of a procedure's effective step list, with where it comes from. Own and
/// inherited steps borrow the tree; only a step merged with an override is a new entry.
#[derive(Clone)]
struct StepEntry<'a> {
    keyword: &'a str,
    entry: Cow<'a, Entry>,
    origin: Origin,
    /// For an overridden step, the `override` that changed it: only findings inside it are
    /// new, the rest were reported where the base step is written.
    over: Option<Span>,
}

type Steps<'a> = Rc<Vec<StepEntry<'a>>>;

/// Effective steps of the procedures computed so far, by name (first definitions only), and
/// the chain of `extends` being followed.
#[derive(Default)]
struct StepsMemo<'a> {
    done: HashMap<String, Steps<'a>>,
    visiting: Vec<(String, Span)>,
}

/// The effective step entries of procedure `name` declared by `entry`: its base's (with
/// overrides merged in), then its own. A base that cannot be had (unknown, itself, or in a
/// cycle, each reported once) contributes nothing, and the own steps are still checked.
fn effective_steps<'a>(
    cx: &mut Cx,
    name: &str,
    entry: &'a Entry,
    procedures: &HashMap<String, &'a Entry>,
    memo: &mut StepsMemo<'a>,
) -> Steps<'a> {
    // Only the first definition of a name is memoised: a duplicate is computed on its own.
    let registered = procedures
        .get(name)
        .is_some_and(|e| std::ptr::eq(*e, entry));
    if registered && let Some(done) = memo.done.get(name) {
        return Rc::clone(done);
    }
    let entries: &'a [Entry] = entry.block.as_ref().map_or(&[], |b| b.entries.as_slice());
    let extends = entries.iter().find(|e| e.key.text == "extends");
    let overrides: Vec<&'a Entry> = entries
        .iter()
        .filter(|e| e.key.text == "override")
        .collect();
    let base = extends.and_then(|e| match e.args.first() {
        Some(ast::Arg {
            value: Value::Word(w),
            span,
        }) if procedures.contains_key(w) && w != name => Some((w.clone(), *span)),
        _ => None,
    });
    let mut result: Vec<StepEntry<'a>> = Vec::new();
    if let Some((base, span)) = base {
        let base_steps = if let Some(pos) = memo.visiting.iter().position(|(n, _)| *n == base) {
            extends_cycle(cx, &memo.visiting[pos..], name, &base, span);
            None
        } else {
            memo.visiting.push((name.to_string(), span));
            let base_entry = procedures[&base];
            let steps = effective_steps(cx, &base, base_entry, procedures, memo);
            memo.visiting.pop();
            Some(steps)
        };
        if let Some(base_steps) = base_steps {
            inherit(cx, &base, &base_steps, &overrides, &mut result);
        }
    } else if extends.is_none() {
        for o in &overrides {
            cx.report(
                Diagnostic::new(
                    Code::OverrideWithoutBase,
                    o.key.span,
                    format!("`{name}` extends no procedure, so there is nothing to override"),
                )
                .label("override without a base")
                .help("add `extends BASE` to the procedure, or declare the step itself"),
            );
        }
    }
    for e in entries
        .iter()
        .filter(|e| StepKind::from_keyword(&e.key.text).is_some())
    {
        result.push(StepEntry {
            keyword: &e.key.text,
            entry: Cow::Borrowed(e),
            origin: Origin::Own,
            over: None,
        });
    }
    let result = Rc::new(result);
    if registered {
        memo.done.insert(name.to_string(), Rc::clone(&result));
    }
    result
}

fn extends_cycle(cx: &mut Cx, cycle: &[(String, Span)], name: &str, base: &str, span: Span) {
    let names: Vec<&str> = cycle
        .iter()
        .map(|(n, _)| n.as_str())
        .chain([name, base])
        .collect();
    let mut d = Diagnostic::new(
        Code::ExtendsCycle,
        span,
        format!("cycle of `extends`: {}", backticked(&names, " → ")),
    )
    .label(format!("`{name}` extends `{base}`, which closes the cycle"))
    .help("a procedure cannot extend a procedure that extends it: break the cycle");
    for (n, s) in cycle {
        d = d.with_secondary(*s, format!("`{n}` extends the next"));
    }
    cx.report(d);
}

/// The base's steps, with the overrides merged into the steps they name.
fn inherit<'a>(
    cx: &mut Cx,
    base: &str,
    base_steps: &[StepEntry<'a>],
    overrides: &[&'a Entry],
    result: &mut Vec<StepEntry<'a>>,
) {
    let base_names: Vec<String> = base_steps
        .iter()
        .filter_map(|s| step_name(&s.entry))
        .collect();
    for o in overrides {
        let Some(oname) = step_name(o) else { continue };
        if !base_names.contains(&oname) {
            let help = did_you_mean(
                &oname,
                base_names.iter().map(String::as_str),
                &format!("the steps of `{base}` are"),
            );
            cx.report(
                Diagnostic::new(
                    Code::OverrideUnknownStep,
                    o.args[0].span,
                    format!("`{base}` has no step `{oname}` to override"),
                )
                .label("no such step in the base")
                .help(help),
            );
        }
    }
    for s in base_steps {
        let sname = step_name(&s.entry);
        match overrides.iter().find(|o| step_name(o) == sname) {
            Some(o) => result.push(StepEntry {
                keyword: s.keyword,
                entry: Cow::Owned(merge(&s.entry, o)),
                origin: Origin::Overridden,
                over: Some(o.span),
            }),
            None => result.push(StepEntry {
                origin: Origin::Inherited,
                over: None,
                ..s.clone()
            }),
        }
    }
}

fn step_name(e: &Entry) -> Option<String> {
    match e.args.first() {
        Some(ast::Arg {
            value: Value::Word(w),
            ..
        }) => Some(w.clone()),
        _ => None,
    }
}

/// The base step with the override's properties in place of its own.
fn merge(base: &Entry, over: &Entry) -> Entry {
    let mut merged = base.clone();
    let over_entries: &[Entry] = over.block.as_ref().map_or(&[], |b| b.entries.as_slice());
    if let Some(block) = &mut merged.block {
        block
            .entries
            .retain(|e| !over_entries.iter().any(|o| o.key.text == e.key.text));
        block.entries.extend(over_entries.iter().cloned());
    } else if let Some(b) = &over.block {
        merged.block = Some(b.clone());
    }
    merged
}

fn procedure<'a>(
    cx: &mut Cx,
    decl: Decl,
    bag: &Bag<'_>,
    entry: &'a Entry,
    procedures: &HashMap<String, &'a Entry>,
    memo: &mut StepsMemo<'a>,
) -> Procedure {
    let spec = spec_of("procedure");
    let mut g = Get::new(cx, spec, bag);
    let owner = g.reference("owner");
    let phase = g.words("phase");
    let extends = g.reference("extends");
    let purpose = g.text("purpose");
    if extends.as_ref().is_some_and(|e| e.name == decl.name) {
        let r = extends.clone();
        self_ref(
            cx,
            &decl,
            &r.into_iter().collect::<Vec<_>>(),
            "extends itself",
            "a procedure extends another, base procedure",
        );
    }
    let step_entries = effective_steps(cx, &decl.name, entry, procedures, memo);
    // Names of the effective steps, with duplicates reported.
    let mut names: Vec<String> = Vec::new();
    let mut spans: HashMap<String, Span> = HashMap::new();
    let mut unique: Vec<&StepEntry> = Vec::new();
    let mut duplicates: Vec<&StepEntry> = Vec::new();
    for s in step_entries.iter() {
        let Some(n) = step_name(&s.entry) else {
            unique.push(s);
            continue;
        };
        let span = s.entry.args[0].span;
        if let Some(first) = spans.get(&n) {
            let help = if s.origin == Origin::Own
                && step_entries.iter().any(|o| {
                    o.origin != Origin::Own && step_name(&o.entry).as_deref() == Some(n.as_str())
                }) {
                format!(
                    "the base procedure has a step `{n}`: write `override {n} {{ .. }}` to change it"
                )
            } else {
                "give each step of a procedure its own name".to_string()
            };
            cx.report(
                Diagnostic::new(
                    Code::DuplicateName,
                    span,
                    format!("step `{n}` is defined twice in procedure `{}`", decl.name),
                )
                .label("second definition")
                .with_secondary(*first, "first defined here")
                .help(help),
            );
            duplicates.push(s);
            continue;
        }
        spans.insert(n.clone(), span);
        names.push(n);
        unique.push(s);
    }
    let start = bag
        .first("start")
        .and_then(|e| match e.args.first().map(|a| &a.value) {
            Some(Value::Word(_)) => v::steps(cx, e, &names, &decl.name).into_iter().next(),
            _ => {
                v::bad_value(cx, e, Shape::Step, None);
                None
            }
        });
    let mut steps = Vec::new();
    for s in unique.iter().chain(&duplicates) {
        let reported = cx.diags.len();
        let st = step(cx, s.keyword, &s.entry, s.origin, &names, &decl.name);
        // A duplicate is checked, but only the first definition is part of the model.
        if let Some(st) = st.filter(|_| !duplicates.iter().any(|d| std::ptr::eq(*d, *s))) {
            steps.push(st);
        }
        // An inherited step was checked where it is written, and so was the base part of an
        // overridden one: only findings inside the override are new.
        match (s.origin, s.over) {
            (Origin::Inherited, _) => cx.diags.truncate(reported),
            (Origin::Overridden, Some(over)) => {
                let new = cx.diags.split_off(reported);
                cx.diags.extend(new.into_iter().filter(|d| {
                    let p = d.primary.span;
                    p.file == over.file && p.start >= over.start && p.end <= over.end
                }));
            }
            _ => {}
        }
    }
    Procedure {
        decl,
        owner,
        phase,
        extends,
        start,
        purpose,
        steps,
    }
}

/// Names already taken in one scope (options of a decision, audiences of a plan).
#[derive(Default)]
struct Seen(HashMap<String, Span>);

impl Seen {
    /// Records `decl`; a second one of the same name is reported and `false` returned.
    fn first(
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

fn st_name(e: &Entry) -> String {
    step_name(e).unwrap_or_default()
}

fn step(
    cx: &mut Cx,
    keyword: &str,
    e: &Entry,
    origin: Origin,
    names: &[String],
    procedure: &str,
) -> Option<Step> {
    let spec = schema::decl(keyword, Some(Kind::Procedure))?;
    let kind = StepKind::from_keyword(keyword)?;
    let h: Header<'_> = header(cx, spec, e);
    no_rest(cx, spec, h.rest);
    let decl = decl_of(spec, e, h.name_ident.as_ref());
    let entries: &[Entry] = e.block.as_ref().map_or(&[], |b| b.entries.as_slice());
    let bag = Bag::build(cx, spec, entries);
    let next = bag
        .first("next")
        .map(|n| v::steps(cx, n, names, procedure))
        .unwrap_or_default();
    let branches = bag
        .first("branches")
        .map(|n| v::steps(cx, n, names, procedure))
        .unwrap_or_default();
    let mut options = Vec::new();
    let mut seen = Seen::default();
    for (ospec, oe) in &bag.children {
        let oh = header(cx, ospec, oe);
        no_rest(cx, ospec, oh.rest);
        let odecl = decl_of(ospec, oe, oh.name_ident.as_ref());
        let first = seen.first(cx, &odecl, "option", "decision", &st_name(e));
        let oentries: &[Entry] = oe.block.as_ref().map_or(&[], |b| b.entries.as_slice());
        let obag = Bag::build(cx, ospec, oentries);
        if let (Some(_), Some(block_when)) = (&oe.when, obag.first("when")) {
            cx.report(
                Diagnostic::new(
                    Code::RepeatedProperty,
                    block_when.key.span,
                    format!("option `{}` has two conditions", odecl.name),
                )
                .label("second condition")
                .with_secondary(
                    oe.when.as_ref().map_or(odecl.name_span, |c| c.span()),
                    "first condition",
                )
                .help("keep one `when`: after the option's title, or inside its block"),
            );
        }
        let inline = cond(cx, oe);
        let mut g = Get::new(cx, ospec, &obag);
        let when = inline.or_else(|| g.when());
        let onext = obag
            .first("next")
            .map(|n| v::steps(cx, n, names, procedure))
            .unwrap_or_default();
        let option = DecisionOption {
            decl: odecl,
            when,
            next: onext,
        };
        if first {
            options.push(option);
        }
    }
    let mut g = Get::new(cx, spec, &bag);
    let st = Step {
        kind,
        origin,
        owner: g.reference("owner"),
        within: g.duration("within"),
        next,
        text: g.text("text"),
        precondition: g.text("precondition"),
        approved_by: g.quorum("approved_by"),
        needs: g.words("needs"),
        decided_by: g.reference("decided_by"),
        options,
        branches,
        to: g.references("to"),
        obligation: g.reference("obligation"),
        path: g.reference("path"),
        items: g.texts("items"),
        procedure: g.reference("procedure"),
        review: g.flag("review"),
        outcome: g.text("outcome"),
        decl,
    };
    let at = st.decl.name_span;
    let missing = |cx: &mut Cx, what: &str, help: &str| {
        cx.report(
            Diagnostic::new(
                Code::MissingProperty,
                at,
                format!("{keyword} step `{}` has no {what}", st.decl.name),
            )
            .label(format!("{what} missing"))
            .help(help.to_string()),
        );
    };
    match kind {
        StepKind::Decision if st.options.is_empty() => cx.report(
            Diagnostic::new(
                Code::DecisionWithoutOptions,
                at,
                format!("decision `{}` has no options", st.decl.name),
            )
            .label("nothing to choose between")
            .help("add `option NAME \"Label\" { next STEP }` for each choice"),
        ),
        StepKind::Parallel if st.branches.is_empty() && bag.first("branches").is_none() => missing(
            cx,
            "`branches`",
            "list the steps that run at once: `branches [a, b]`",
        ),
        StepKind::Notify if bag.first("to").is_none() => {
            missing(cx, "`to`", "say who is told: `to [dpo, ciso]`")
        }
        StepKind::Escalate if bag.first("path").is_none() && bag.first("to").is_none() => missing(
            cx,
            "`path` or `to`",
            "name an escalation path (`path default`) or whom to escalate to (`to ciso`)",
        ),
        StepKind::Run if bag.first("procedure").is_none() => missing(
            cx,
            "`procedure`",
            "name the procedure to run: `procedure evidence_collection`",
        ),
        StepKind::End => {
            if let Some(n) = bag.first("next") {
                cx.report(
                    Diagnostic::new(
                        Code::StepAfterEnd,
                        n.key.span,
                        format!("end step `{}` has a successor", st.decl.name),
                    )
                    .label("nothing follows an end step")
                    .with_secondary(at, "the end step")
                    .help("remove `next`, or make the step an `action`"),
                );
            }
        }
        _ => {}
    }
    Some(st)
}

fn evidence(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Evidence {
    let mut g = Get::new(cx, spec_of("evidence"), bag);
    Evidence {
        decl,
        custodian: g.reference("custodian"),
        log: g.reference("log"),
        retain: g.duration("retain"),
        storage: g.text("storage"),
        rules: g.texts("rule"),
    }
}

fn communications(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Communications {
    let mut audiences = Vec::new();
    let mut seen = Seen::default();
    for (spec, e) in &bag.children {
        let h = header(cx, spec, e);
        no_rest(cx, spec, h.rest);
        let adecl = decl_of(spec, e, h.name_ident.as_ref());
        let first = seen.first(cx, &adecl, "audience", "communications plan", &decl.name);
        let entries: &[Entry] = e.block.as_ref().map_or(&[], |b| b.entries.as_slice());
        let abag = Bag::build(cx, spec, entries);
        let mut updates = Vec::new();
        for u in abag.all("update") {
            if let Some(cadence) = v::cadence(cx, u) {
                updates.push(Update {
                    cadence,
                    when: cond(cx, u),
                });
            }
        }
        let mut g = Get::new(cx, spec, &abag);
        let audience = Audience {
            decl: adecl,
            contacts: g.audience("contacts"),
            via: g.text("via"),
            updates,
        };
        if first {
            audiences.push(audience);
        }
    }
    let mut g = Get::new(cx, spec_of("communications"), bag);
    Communications {
        decl,
        statements_approved_by: g.quorum("statements_approved_by"),
        war_room: g.text("war_room"),
        channel: g.reference("channel"),
        audiences,
    }
}

fn obligation(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Obligation {
    let mut deadlines = Vec::new();
    for e in bag.all("deadline") {
        match (e.args.first(), e.args.get(1)) {
            (
                Some(ast::Arg {
                    value: Value::Word(w),
                    ..
                }),
                Some(d),
            ) if matches!(d.value, Value::Duration { .. }) && e.args.len() == 2 => {
                if let Some(within) = v::duration_arg(cx, d) {
                    deadlines.push(Deadline {
                        name: w.clone(),
                        within,
                    });
                }
            }
            _ => v::bad_value(cx, e, Shape::Deadline, None),
        }
    }
    let mut g = Get::new(cx, spec_of("obligation"), bag);
    Obligation {
        decl,
        when: g.when(),
        regime: g.words("regime"),
        reference: g.text("reference"),
        clock_starts: g.word("clock_starts"),
        deadlines,
        to: g.reference("to"),
        owner: g.reference("owner"),
        form: g.reference("form"),
    }
}

fn form(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Form {
    let mut fields = Vec::new();
    let mut seen = Seen::default();
    for (spec, e) in &bag.children {
        let h = header(cx, spec, e);
        let fdecl = decl_of(spec, e, h.name_ident.as_ref());
        let first = seen.first(cx, &fdecl, "field", "form", &decl.name);
        let entries: &[Entry] = e.block.as_ref().map_or(&[], |b| b.entries.as_slice());
        let fbag = Bag::build(cx, spec, entries);
        // Short form: `field NAME ["Title"] TYPE [required]`.
        let types = match Bag::shape(spec, "type") {
            Shape::Word(w) => w,
            _ => &[],
        };
        let mut inline_type = None;
        let mut inline_required = false;
        for a in h.rest {
            match &a.value {
                Value::Word(w) if w == "required" && !inline_required => inline_required = true,
                Value::Word(_) if inline_type.is_none() => {
                    inline_type = v::word_of(cx, e, a, types, Shape::Word(types));
                }
                _ => no_rest(cx, spec, std::slice::from_ref(a)),
            }
        }
        let mut g = Get::new(cx, spec, &fbag);
        let type_ = g.word("type").or(inline_type);
        let field = Field {
            decl: fdecl,
            type_,
            required: g.flag("required") || inline_required,
            help: g.text("help"),
        };
        if first {
            fields.push(field);
        }
    }
    let mut g = Get::new(cx, spec_of("form"), bag);
    Form {
        decl,
        kind: g.word("kind"),
        fields,
    }
}

fn training(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Training {
    let mut g = Get::new(cx, spec_of("training"), bag);
    Training {
        decl,
        audience: g.audience("audience"),
        every: g.duration("every"),
        topics: g.texts("topics"),
        format: g.word("format"),
    }
}

fn exercise(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Exercise {
    let mut g = Get::new(cx, spec_of("exercise"), bag);
    Exercise {
        decl,
        kind: g.word("kind"),
        audience: g.audience("audience"),
        every: g.duration("every"),
        scenario: g.reference("scenario"),
        severity: g.level("severity"),
        last: g.date("last"),
        next: g.date("next"),
    }
}

fn review(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Review {
    let post_incident = bag.first("post_incident").and_then(|e| {
        let within = v::within(cx, e)?;
        Some(PostIncident {
            within,
            when: cond(cx, e),
        })
    });
    let mut g = Get::new(cx, spec_of("review"), bag);
    Review {
        decl,
        post_incident,
        owner: g.reference("owner"),
        scheme: g.every("scheme"),
        metrics: g.words("metrics"),
        improvements_by: g.reference("improvements_by"),
    }
}
