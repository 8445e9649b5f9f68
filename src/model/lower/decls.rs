//! Lowering of each kind of declaration but procedures: the typed value of every property,
//! read by its schema shape, and the rules inside one declaration.

use crate::model::Map;

use super::bag::Bag;
use super::{Lower, Lowered, Piled};
use crate::diagnostics::{Code, Diagnostic, did_you_mean, suggest};
use crate::model::decls::*;
use crate::model::ids::*;
use crate::model::refs::*;
use crate::model::schema::{self, DeclSpec, Kind, Shape};
use crate::model::value::*;
use crate::model::vocab::*;
use crate::source::Span;
use crate::syntax::tree::{ArgKind, Entry};

impl<'a> Lower<'a> {
    /// One property, read by `read`.
    pub fn prop<T>(
        &mut self,
        bag: &Bag<'_>,
        key: &str,
        read: impl FnOnce(&mut Self, &Entry) -> Option<T>,
    ) -> Option<Prop<T>> {
        let e = bag.first(key)?;
        self.key = e.key;
        if self.whole_open(e) {
            return None;
        }
        read(self, e).map(|value| Prop { key: e.key, value })
    }

    /// Every occurrence of a repeatable property.
    pub fn props<T>(
        &mut self,
        bag: &Bag<'_>,
        key: &str,
        mut read: impl FnMut(&mut Self, &Entry) -> Option<T>,
    ) -> Vec<Prop<T>> {
        let mut out = Vec::new();
        for e in bag.all(key) {
            self.key = e.key;
            if self.whole_open(e) {
                continue;
            }
            if let Some(value) = read(self, e) {
                out.push(Prop { key: e.key, value });
            }
        }
        out
    }

    /// The `when` property (the criteria of a level, the trigger of an obligation).
    pub fn when_prop(&mut self, bag: &Bag<'_>) -> Option<When> {
        let e = bag.first("when")?;
        self.when_of(e)
    }

    /// The condition an entry carries.
    pub fn when_of(&mut self, e: &Entry) -> Option<When> {
        let w = e.when.as_ref()?;
        self.key = w.kw;
        Some(When {
            kw: w.kw,
            cond: self.condition(&w.cond),
        })
    }

    /// The name of a nested element, checked against the others of its scope: `None`
    /// (reported) if it repeats one.
    pub fn first_in_scope(
        &mut self,
        seen: &mut Map<&'a str, Span>,
        name: Option<Span>,
        what: &str,
        scope: &str,
        scope_name: Option<Span>,
    ) -> bool {
        let Some(n) = name else { return true };
        let text = self.text(n);
        if let Some(first) = seen.get(text) {
            let scope = match scope_name {
                Some(s) => format!("{scope} `{}`", self.text(s)),
                None => format!("the {scope}"),
            };
            self.report(
                Diagnostic::new(
                    Code::DuplicateName,
                    n,
                    format!("{what} `{text}` is defined twice in {scope}"),
                )
                .label("second definition")
                .with_secondary(*first, "first defined here")
                .help(format!("give each {what} its own name")),
            );
            return false;
        }
        seen.insert(text, n);
        true
    }
}

/// Lowers a top-level entry.
pub(super) fn top(cx: &mut Lower<'_>, e: &Entry) -> Lowered {
    let key = cx.text(e.key);
    if key == "use" && !e.is_when() {
        return use_entry(cx, e);
    }
    let Some(spec) = schema::decl(key, None).filter(|_| !e.is_when()) else {
        unknown_decl(cx, e);
        let name = e.args.first().filter(|a| a.is_atom()).map(|a| a.span);
        let mut words = Vec::new();
        super::words(e, &mut words);
        return Lowered::Unknown { name, words };
    };
    if let Some(w) = &e.when {
        cx.report(
            Diagnostic::new(
                Code::MisplacedCondition,
                w.cond.span,
                format!("`{}` takes no `when` condition", spec.keyword),
            )
            .label("unexpected condition")
            .help("put conditions inside the block, on the property they govern"),
        );
    }
    if spec.kind == Kind::Category {
        let mut out = Vec::new();
        category(cx, spec, e, None, &mut out);
        return Lowered::Category(out);
    }
    let (id, h) = cx.head(spec, e, None);
    cx.no_rest(spec, h.rest);
    let bag = cx.bag(spec, e);
    cx.meta(id, &bag);
    let id = DeclId(id);
    match spec.kind {
        Kind::Organisation => Lowered::Organisation(Box::new(organisation(cx, id, &bag))),
        Kind::Policy => Lowered::Policy(Box::new(policy(cx, id, &bag))),
        Kind::Person => Lowered::Person(Box::new(person(cx, id, &bag))),
        Kind::Role => Lowered::Role(Box::new(role(cx, id, &bag))),
        Kind::Team => Lowered::Team(Box::new(team(cx, id, &bag))),
        Kind::Calendar => Lowered::Calendar(Box::new(calendar(cx, id, &bag))),
        Kind::Schedule => Lowered::Schedule(Box::new(schedule(cx, id, &bag))),
        Kind::PointOfContact => Lowered::PointOfContact(Box::new(point_of_contact(cx, id, &bag))),
        Kind::Channel => Lowered::Channel(Box::new(channel(cx, id, &bag))),
        Kind::External => Lowered::External(Box::new(external(cx, id, &bag))),
        Kind::Impact => Lowered::Impact(Box::new(impact(cx, id, &bag))),
        Kind::Scale => Lowered::Scale(Box::new(scale(cx, id, h.name, &bag))),
        Kind::Mapping => Lowered::Mapping(Box::new(mapping(cx, id, &bag, h.name))),
        Kind::Escalation => Lowered::Escalation(Box::new(escalation(cx, id, &bag))),
        Kind::Procedure => {
            Lowered::Procedure(Box::new(super::procedure::procedure(cx, id, h.name, &bag)))
        }
        Kind::Evidence => Lowered::Evidence(Box::new(evidence(cx, id, &bag))),
        Kind::Communications => {
            Lowered::Communications(Box::new(communications(cx, id, h.name, &bag)))
        }
        Kind::Obligation => Lowered::Obligation(Box::new(obligation(cx, id, &bag))),
        Kind::Form => Lowered::Form(Box::new(form(cx, id, h.name, &bag))),
        Kind::Training => Lowered::Training(Box::new(training(cx, id, &bag))),
        Kind::Exercise => Lowered::Exercise(Box::new(exercise(cx, id, &bag))),
        Kind::Review => Lowered::Review(Box::new(review(cx, id, &bag))),
        Kind::Moment => Lowered::Moment(Box::new(Moment {
            id,
            text: cx.prop(&bag, "text", Lower::string),
        })),
        Kind::Fact => Lowered::Fact(Box::new(fact(cx, id, spec, e, &bag))),
        Kind::Quantity => Lowered::Quantity(Box::new(Quantity {
            id,
            unit: cx.prop(&bag, "unit", Lower::string),
            text: cx.prop(&bag, "text", Lower::string),
        })),
        Kind::Artefact => Lowered::Artefact(Box::new(Artefact {
            id,
            approved_by: cx.props(&bag, "approved_by", |cx, e| {
                let quorum = cx.quorum(e)?;
                Some(Approvers {
                    quorum,
                    when: cx.when_of(e),
                    span: e.args_span(),
                })
            }),
            informed: cx.prop(&bag, "informed", Lower::references),
            spokesperson: cx.prop(&bag, "spokesperson", Lower::references),
            to: cx.prop(&bag, "to", Lower::audience),
            text: cx.prop(&bag, "text", Lower::string),
        })),
        Kind::Scenario => Lowered::Scenario(Box::new(scenario(cx, id, &bag))),
        Kind::Embargo => Lowered::Embargo(Box::new(Embargo {
            id,
            applies_to: cx.prop(&bag, "applies_to", Lower::audience),
            lifts: bag.first("lifts").and_then(|e| cx.when_of(e)),
            text: cx.prop(&bag, "text", Lower::string),
        })),
        Kind::Lifecycle => Lowered::Lifecycle(Box::new(Lifecycle {
            id,
            phases: cx.prop(&bag, "phases", |cx, e| {
                cx.unique_tags_coded(e, "phase", "lifecycle", Code::PhaseTwice)
            }),
            text: cx.prop(&bag, "text", Lower::string),
        })),
        Kind::Region => Lowered::Region(Box::new(Region {
            id,
            timezone: cx.prop(&bag, "timezone", Lower::timezone),
            hours: cx.props(&bag, "hours", Lower::window),
            on_call: cx.prop(&bag, "on_call", Lower::reference),
        })),
        Kind::Metric => Lowered::Metric(Box::new(Metric {
            id,
            from: cx.prop(&bag, "from", Lower::moment),
            to: cx.prop(&bag, "to", Lower::moment),
            target: cx.prop(&bag, "target", Lower::within),
            text: cx.prop(&bag, "text", Lower::string),
        })),
        Kind::ActionItem => Lowered::ActionItem(Box::new(ActionItem {
            id,
            owner: cx.prop(&bag, "owner", Lower::reference),
            due: cx.prop(&bag, "due", Lower::date),
            text: cx.prop(&bag, "text", Lower::string),
            done: bag.first("done").and_then(|e| cx.flag(e)),
        })),
        Kind::Enumeration => Lowered::Enumeration(Box::new(Enumeration {
            id,
            values: cx.prop(&bag, "values", |cx, e| {
                cx.unique_tags(e, "value", "enumeration")
            }),
            text: cx.prop(&bag, "text", Lower::string),
        })),
        Kind::Criteria => Lowered::Criteria(Box::new(Criteria {
            id,
            when: cx.when_prop(&bag),
            text: cx.prop(&bag, "text", Lower::string),
        })),
        Kind::Category
        | Kind::Stage
        | Kind::Hop
        | Kind::Level
        | Kind::Step
        | Kind::Option
        | Kind::Override
        | Kind::Audience
        | Kind::Field => Lowered::Error { span: e.span },
    }
}

fn fact(cx: &mut Lower<'_>, id: DeclId, spec: &DeclSpec, e: &Entry, bag: &Bag<'_>) -> Fact {
    let judgement = spec.keyword == "judgement";
    let f = Fact {
        id,
        judgement,
        text: cx.prop(bag, "text", Lower::string),
        judged_by: cx.prop(bag, "judged_by", Lower::reference),
    };
    if judgement && f.judged_by.is_none() && bag.first("judged_by").is_none() {
        cx.report(
            Diagnostic::new(
                Code::MissingProperty,
                e.key,
                "a `judgement` without `judged_by`",
            )
            .label("nobody judges it")
            .help("say who judges whether it holds: `judged_by incident_commander`, or declare a `fact`"),
        );
    }
    f
}

fn use_entry(cx: &mut Lower<'_>, e: &Entry) -> Lowered {
    if let ([a], None, None) = (e.args.as_slice(), &e.block, &e.when)
        && matches!(a.kind, ArgKind::Str)
        && let Some(t) = cx.text_of(a)
    {
        let path = t
            .owned
            .as_deref()
            .map_or_else(|| cx.text(a.span.shrink(1)).to_string(), str::to_string);
        if !path.trim().is_empty() {
            return Lowered::Use { path, span: a.span };
        }
    }
    cx.report(
        Diagnostic::new(
            Code::UseMalformed,
            e.span,
            "`use` takes one file name in quotes",
        )
        .label("malformed `use`")
        .help("write `use \"people.imp\"`, with the path relative to this file"),
    );
    Lowered::Error { span: e.span }
}

fn unknown_decl(cx: &mut Lower<'_>, e: &Entry) {
    let key = if e.is_when() { "when" } else { cx.text(e.key) };
    let help = if !key.is_ascii() {
        "key words are written in ASCII letters: see the declarations in docs/language.md"
            .to_string()
    } else {
        // A key word of a nested declaration says where it goes, before any look-alike.
        match (schema::home_of(key), suggest(key, schema::keywords(None))) {
            (Some(home), _) => home,
            (None, Some(s)) => format!("did you mean `{s}`?"),
            (None, None) => did_you_mean(key, schema::keywords(None), "the declarations are"),
        }
    };
    cx.report(
        Diagnostic::new(
            Code::UnknownDeclaration,
            e.key,
            format!("unknown declaration `{key}`"),
        )
        .label("not a kind of declaration")
        .help(help),
    );
}

fn organisation(cx: &mut Lower<'_>, id: DeclId, bag: &Bag<'_>) -> Organisation {
    Organisation {
        id,
        scope: cx.prop(bag, "scope", Lower::string),
        services: cx.prop(bag, "services", Lower::tags),
        sites: cx.prop(bag, "sites", Lower::tags),
        jurisdictions: cx.prop(bag, "jurisdictions", Lower::tags),
        regimes: cx.prop(bag, "regimes", Lower::tags),
        parent: cx.prop(bag, "parent", Lower::reference),
        report_upward: cx.props(bag, "report_upward", |cx, e| {
            let shape = Shape::ReportTo(ExternalId::KINDS);
            let (to, within) = cx.ref_within(e, shape)?;
            Some(ReportTo {
                to: to?,
                within,
                when: cx.when_of(e),
                span: e.args_span(),
            })
        }),
    }
}

impl Lower<'_> {
    /// Reads the properties of [`schema::COMMON`] into the head `id`.
    pub fn meta(&mut self, id: u32, bag: &Bag<'_>) {
        let formerly: Vec<Tag> = self
            .props(bag, "formerly", Lower::tags)
            .into_iter()
            .flat_map(|p| p.value.items)
            .collect();
        let see: Vec<Text> = self
            .props(bag, "see", Lower::texts)
            .into_iter()
            .flat_map(|p| p.value.items)
            .collect();
        let classification = self
            .prop(bag, "classification", Lower::word)
            .map(|p| p.value);
        let fixed = bag.first("fixed").and_then(|e| self.flag(e));
        if formerly.is_empty() && see.is_empty() && classification.is_none() && fixed.is_none() {
            return;
        }
        self.heads[id as usize].meta = Some(Box::new(crate::model::Meta {
            formerly,
            see,
            classification,
            fixed,
        }));
    }

    /// Words, none of them given twice (reported, IMP0614).
    pub fn unique_tags(&mut self, e: &Entry, what: &str, scope: &str) -> Option<List<Tag>> {
        self.unique_tags_coded(e, what, scope, Code::DuplicateValue)
    }

    /// Words, none of them given twice (reported with `code`).
    pub fn unique_tags_coded(
        &mut self,
        e: &Entry,
        what: &str,
        scope: &str,
        code: Code,
    ) -> Option<List<Tag>> {
        let tags = self.tags(e)?;
        let mut seen: Map<&str, Span> = Map::default();
        for t in &tags.items {
            let w = self.text(t.span);
            if let Some(first) = seen.get(w) {
                self.report(
                    Diagnostic::new(
                        code,
                        t.span,
                        format!("{what} `{w}` is listed twice in the {scope}"),
                    )
                    .label("listed again")
                    .with_secondary(*first, "first listed here")
                    .help(format!("list each {what} once")),
                );
            } else {
                seen.insert(w, t.span);
            }
        }
        // Kept with its repeats (reported): the values are still what the author listed.
        Some(tags)
    }

    /// `name [within D]`.
    fn ref_within<T: RefTarget>(
        &mut self,
        e: &Entry,
        shape: Shape,
    ) -> Option<(Option<Ref<T>>, Option<Within>)> {
        let Some(a) = e.args.first() else {
            self.bad_value(e, shape, None);
            return None;
        };
        let r = self.ref_arg(e, a, T::KINDS, shape);
        let within = if e.args.len() > 1 {
            self.key = e.key;
            let (d, used) = self.limit_at(e, 1, false, shape);
            self.extra(e, shape, 1 + used);
            Some(d?)
        } else {
            None
        };
        Some((r, within))
    }
}

fn policy(cx: &mut Lower<'_>, id: DeclId, bag: &Bag<'_>) -> Policy {
    Policy {
        id,
        version: cx.prop(bag, "version", Lower::string),
        owner: cx.prop(bag, "owner", Lower::reference),
        approved_by: cx.prop(bag, "approved_by", approval),
        review: cx.prop(bag, "review", Lower::every),
        next_review: cx.prop(bag, "next_review", Lower::date),
        effective: cx.prop(bag, "effective", Lower::date),
        lifecycle: cx.prop(bag, "lifecycle", Lower::lifecycle),
        purpose: cx.prop(bag, "purpose", Lower::string),
        commitment: cx.prop(bag, "commitment", Lower::string),
        covers: cx.prop(bag, "covers", Lower::words::<Topic>),
        definitions: cx.props(bag, "define", |cx, e| {
            let (term, text, span) = cx.word_text(e, Shape::Taxonomy)?;
            Some(Definition { term, text, span })
        }),
        related: cx.props(bag, "related", Lower::string),
    }
}

fn approval<T: RefTarget>(cx: &mut Lower<'_>, e: &Entry) -> Option<Approval<T>> {
    let shape = Shape::Approval(T::KINDS);
    let by = match e.args.first() {
        Some(a) => cx.ref_arg(e, a, T::KINDS, shape),
        None => {
            cx.bad_value(e, shape, None);
            return None;
        }
    };
    let on_word = |cx: &Lower<'_>, i: usize| {
        e.args
            .get(i)
            .is_some_and(|a| a.is_atom() && cx.text(a.span) == "on")
    };
    let on = match (e.args.get(1), e.args.get(2)) {
        (None, None) => None,
        (Some(_), Some(d)) if on_word(cx, 1) && e.args.len() == 3 => {
            if d.is_atom() || matches!(d.kind, ArgKind::Placeholder) {
                cx.date_arg(d)
            } else {
                cx.bad_value(e, shape, Some(d));
                None
            }
        }
        (Some(a), _) => {
            let a = a.clone();
            cx.bad_value(e, shape, Some(&a));
            None
        }
        _ => None,
    };
    Some(Approval {
        by: by?,
        on,
        span: e.args_span(),
    })
}

fn person(cx: &mut Lower<'_>, id: DeclId, bag: &Bag<'_>) -> Person {
    Person {
        id,
        email: cx.props(bag, "email", |cx, e| cx.contact(e, Shape::Email)),
        phone: cx.props(bag, "phone", |cx, e| cx.contact(e, Shape::Phone)),
        out_of_band: cx.props(bag, "out_of_band", |cx, e| {
            let (method, address, span) = cx.word_text(e, Shape::OutOfBand)?;
            Some(Contact {
                method,
                address,
                span,
            })
        }),
        verified: cx.prop(bag, "verified", Lower::date),
        timezone: cx.prop(bag, "timezone", Lower::timezone),
        trained: cx.props(bag, "trained", approval),
    }
}

fn role(cx: &mut Lower<'_>, id: DeclId, bag: &Bag<'_>) -> Role {
    Role {
        id,
        held_by: cx.prop(bag, "held_by", Lower::holders),
        assigned_by: cx.prop(bag, "assigned_by", Lower::reference),
        backup: cx.prop(bag, "backup", Lower::references),
        authority: cx.prop(bag, "authority", Lower::tags),
        duties: cx.props(bag, "duty", Lower::string),
        exclusive_with: cx.prop(bag, "exclusive_with", exclusive),
        requires: cx.prop(bag, "requires", Lower::references),
        outranks: cx.props(bag, "outranks", |cx, e| {
            let roles = cx.references::<RoleOrTeam>(e)?;
            Some(Outranks {
                roles,
                when: cx.when_of(e),
                span: e.args_span(),
            })
        }),
        relieved_after: cx.prop(bag, "relieved_after", Lower::duration),
        hands_over_to: cx.props(bag, "hands_over_to", |cx, e| {
            let to = cx.reference::<RoleId>(e)?;
            Some(Handover {
                to,
                when: cx.when_of(e),
                span: e
                    .args_span()
                    .join(e.when.as_ref().map_or(e.args_span(), |w| w.cond.span)),
            })
        }),
    }
}

/// `[scribe, liaison]`, optionally `in isirt`: exclusivity within one team.
fn exclusive(cx: &mut Lower<'_>, e: &Entry) -> Option<Exclusive> {
    let shape = Shape::Refs(&[Kind::Role]);
    let first = e.args.first()?;
    let (span, items) = match first.list() {
        Some(l) => (first.span, l.items.iter().collect::<Vec<_>>()),
        None => (first.span, vec![first]),
    };
    let mut roles = Vec::new();
    for a in items {
        if let Some(r) = cx.ref_arg(e, a, RoleId::KINDS, shape) {
            roles.push(r);
        }
    }
    let in_team = match (e.args.get(1), e.args.get(2)) {
        (None, _) => None,
        (Some(k), Some(t)) if k.is_atom() && cx.text(k.span) == "in" => {
            let t = cx.ref_arg(e, t, TeamId::KINDS, Shape::Ref(&[Kind::Team]));
            cx.extra(e, shape, 3);
            t
        }
        (Some(a), _) => {
            let a = a.clone();
            cx.bad_value(e, shape, Some(&a));
            return None;
        }
    };
    Some(Exclusive {
        roles: List { span, items: roles },
        in_team,
        span: e.args_span(),
    })
}

fn team(cx: &mut Lower<'_>, id: DeclId, bag: &Bag<'_>) -> Team {
    Team {
        id,
        lead: cx.prop(bag, "lead", Lower::reference),
        members: cx.prop(bag, "members", Lower::references),
        on_call: cx.prop(bag, "on_call", Lower::reference),
        purpose: cx.prop(bag, "purpose", Lower::string),
        reports_to: cx.prop(bag, "reports_to", Lower::reference),
    }
}

fn calendar(cx: &mut Lower<'_>, id: DeclId, bag: &Bag<'_>) -> Calendar {
    let hours = cx.props(bag, "hours", Lower::window);
    Calendar {
        id,
        timezone: cx.prop(bag, "timezone", Lower::timezone),
        unread_hours: hours.len() < bag.all("hours").count(),
        hours,
        holidays: cx.props(bag, "holiday", |cx, e| {
            let shape = Shape::Holiday;
            match (e.args.first(), e.args.get(1), e.args.len()) {
                (Some(d), name, 1 | 2) if d.is_atom() || matches!(d.kind, ArgKind::Placeholder) => {
                    let name = match name {
                        Some(a) if matches!(a.kind, ArgKind::Str | ArgKind::TextBlock) => {
                            cx.text_of(a)
                        }
                        None => None,
                        Some(a) => {
                            let a = a.clone();
                            cx.bad_value(e, shape, Some(&a));
                            return None;
                        }
                    };
                    let date = cx.date_arg(d)?;
                    Some(Holiday {
                        date,
                        name,
                        span: e.args_span(),
                    })
                }
                _ => {
                    cx.bad_value(e, shape, None);
                    None
                }
            }
        }),
    }
}

fn schedule(cx: &mut Lower<'_>, id: DeclId, bag: &Bag<'_>) -> Schedule {
    Schedule {
        id,
        timezone: cx.prop(bag, "timezone", Lower::timezone),
        hours: cx.props(bag, "hours", Lower::window),
        rotate: cx.prop(bag, "rotate", |cx, e| {
            let shape = Shape::Rotation;
            let period = e.args.first()?;
            let every = cx.word_of::<RotationPeriod>(e, period, shape);
            let people = match e.args.get(1) {
                Some(list) if e.args.len() == 2 => {
                    let (span, items): (Span, Vec<_>) = match list.list() {
                        Some(l) => (list.span, l.items.iter().collect()),
                        None => (list.span, vec![list]),
                    };
                    let mut refs = Vec::new();
                    for a in items {
                        refs.extend(cx.ref_arg(e, a, PersonId::KINDS, shape));
                    }
                    List { span, items: refs }
                }
                _ => {
                    let at = e.args.get(1).cloned();
                    cx.bad_value(e, shape, at.as_ref());
                    return None;
                }
            };
            let Some(every) = every else {
                cx.loose_refs(&people.items, PersonId::KINDS);
                return None;
            };
            Some(Rotation {
                every,
                people,
                span: e.args_span(),
            })
        }),
        calendar: cx.prop(bag, "calendar", Lower::reference),
        starts: cx.prop(bag, "starts", Lower::date),
        handover: cx.prop(bag, "handover", Lower::time_of_day),
        follow_the_sun: cx.prop(bag, "follow_the_sun", Lower::references),
        respond: cx.prop(bag, "respond", Lower::within),
    }
}

fn point_of_contact(cx: &mut Lower<'_>, id: DeclId, bag: &Bag<'_>) -> PointOfContact {
    PointOfContact {
        id,
        held_by: cx.prop(bag, "held_by", Lower::reference),
        hours: cx.props(bag, "hours", Lower::window),
        timezone: cx.prop(bag, "timezone", Lower::timezone),
        out_of_hours: cx.prop(bag, "out_of_hours", Lower::reference),
        assess_within: cx.prop(bag, "assess_within", Lower::within),
    }
}

fn channel(cx: &mut Lower<'_>, id: DeclId, bag: &Bag<'_>) -> Channel {
    Channel {
        id,
        kind: cx.prop(bag, "kind", Lower::word),
        url: cx.prop(bag, "url", |cx, e| cx.contact(e, Shape::Url)),
        email: cx.prop(bag, "email", |cx, e| cx.contact(e, Shape::Email)),
        phone: cx.prop(bag, "phone", |cx, e| cx.contact(e, Shape::Phone)),
        audience: cx.prop(bag, "audience", Lower::audience),
        lands_at: cx.prop(bag, "lands_at", Lower::reference),
        hours: cx.props(bag, "hours", Lower::window),
        timezone: cx.prop(bag, "timezone", Lower::timezone),
        form: cx.prop(bag, "form", Lower::reference),
        out_of_band: bag.first("out_of_band").and_then(|e| cx.flag(e)),
        used_for: cx.prop(bag, "used_for", Lower::words),
    }
}

fn external(cx: &mut Lower<'_>, id: DeclId, bag: &Bag<'_>) -> External {
    External {
        id,
        kind: cx.prop(bag, "kind", Lower::word),
        email: cx.prop(bag, "email", |cx, e| cx.contact(e, Shape::Email)),
        phone: cx.prop(bag, "phone", |cx, e| cx.contact(e, Shape::Phone)),
        url: cx.prop(bag, "url", |cx, e| cx.contact(e, Shape::Url)),
        verified: cx.prop(bag, "verified", Lower::date),
        contract: cx.prop(bag, "contract", Lower::string),
    }
}

fn impact(cx: &mut Lower<'_>, id: DeclId, bag: &Bag<'_>) -> Impact {
    let mut levels: Vec<Prop<ImpactLevel>> = Vec::new();
    for e in bag.all("level") {
        cx.key = e.key;
        let shape = Shape::ImpactLevel;
        match (e.args.first(), e.args.get(1)) {
            (Some(n), Some(t))
                if cx.is_int(n)
                    && matches!(t.kind, ArgKind::Str | ArgKind::TextBlock)
                    && e.args.len() == 2 =>
            {
                let Some(level) = cx.int_arg(n, 1) else {
                    continue;
                };
                let expected = levels.len() as u32 + 1;
                if level.value != expected {
                    let mut d = Diagnostic::new(
                        Code::ImpactLevelsOutOfOrder,
                        n.span,
                        format!("impact level {} where {expected} was expected", level.value),
                    )
                    .label(format!("expected level {expected}"))
                    .help("number the levels 1, 2, 3, ... from the least to the most severe");
                    if let Some(prev) = levels.iter().find(|l| l.value.level.value == level.value) {
                        d = d.with_secondary(prev.value.level.span, "already declared here");
                    }
                    cx.report(d);
                    continue;
                }
                let Some(text) = cx.text_of(t) else { continue };
                levels.push(Prop {
                    key: e.key,
                    value: ImpactLevel {
                        level,
                        text,
                        span: e.args_span(),
                    },
                });
            }
            _ => cx.bad_value(e, shape, None),
        }
    }
    let mut seen: Map<&str, Span> = Map::default();
    let choices = cx.props(bag, "choice", |cx, e| {
        let (term, text, span) = cx.word_text(e, Shape::Taxonomy)?;
        let name = cx.text(term.span);
        if let Some(first) = seen.get(name) {
            cx.report(
                Diagnostic::new(
                    Code::DuplicateName,
                    term.span,
                    format!("choice `{name}` is given twice"),
                )
                .label("second definition")
                .with_secondary(*first, "first defined here")
                .help("give each choice its own word"),
            );
            return None;
        }
        seen.insert(name, term.span);
        Some(Definition { term, text, span })
    });
    if let (Some(l), Some(c)) = (levels.first(), choices.first()) {
        cx.report(
            Diagnostic::new(
                Code::LevelsAndChoices,
                c.key,
                "an impact with both levels and choices",
            )
            .label("a choice")
            .with_secondary(l.key, "a level")
            .help("levels are ordered (`financial >= 2`), choices are not (`systems in [payroll]`): declare two impacts"),
        );
    }
    let multiple = bag.first("multiple").and_then(|e| cx.flag(e));
    Impact {
        id,
        levels,
        choices,
        multiple,
    }
}

fn scale(cx: &mut Lower<'_>, id: DeclId, name: Option<Span>, bag: &Bag<'_>) -> Scale {
    let mut levels = Vec::new();
    let mut seen = Map::default();
    for (spec, e) in &bag.children {
        let h = cx.header(spec, e);
        // A second level of the same name is checked, but not kept.
        let first = cx.first_in_scope(&mut seen, h.name, "level", "scale", name);
        let mark = cx.heads.len();
        let (lid, h) = cx.head(spec, e, Some(id.0));
        cx.no_rest(spec, h.rest);
        let lbag = cx.bag(spec, e);
        let level = Level {
            id: DeclId(lid),
            when: cx.when_prop(&lbag),
            criteria: cx.prop(&lbag, "criteria", Lower::string),
            acknowledge: cx.prop(&lbag, "acknowledge", Lower::within),
            start_work: cx.prop(&lbag, "start_work", Lower::within),
            contain: cx.prop(&lbag, "contain", Lower::within),
            resolve: cx.prop(&lbag, "resolve", Lower::within),
            update: cx.prop(&lbag, "update", Lower::cadence),
            decided_by: cx.prop(&lbag, "decided_by", Lower::reference),
            notify: cx.prop(&lbag, "notify", Lower::references),
            crisis: lbag.first("crisis").and_then(|e| cx.flag(e)),
            review: cx.prop(&lbag, "review", Lower::within),
        };
        if first {
            levels.push(level);
        } else {
            cx.heads.truncate(mark);
            cx.pile.push(Piled::Level(Box::new(level)));
        }
    }
    Scale {
        id,
        levels,
        if_unsure: cx.prop(bag, "if_unsure", Lower::word),
        default: bag.first("default").and_then(|e| cx.flag(e)),
    }
}

fn mapping(cx: &mut Lower<'_>, id: DeclId, bag: &Bag<'_>, name: Option<Span>) -> Mapping {
    let from = cx.prop(bag, "from", Lower::reference);
    let to = cx.prop(bag, "to", Lower::reference);
    for key in ["from", "to"] {
        if !bag.has(key) {
            let at = name.unwrap_or(cx.heads[id.0 as usize].keyword);
            let shown = name.map_or(String::new(), |n| format!(" `{}`", cx.text(n)));
            cx.report(
                Diagnostic::new(
                    Code::MissingProperty,
                    at,
                    format!("mapping{shown} has no `{key}`"),
                )
                .label(format!("`{key}` missing"))
                .help("a mapping names the scale it maps `from` and the scale it maps `to`"),
            );
        }
    }
    let pairs = cx.props(bag, "map", |cx, e| {
        let (a, arrow, b) = cx.arrow_pair(e, Shape::LevelPair)?;
        if e.args.len() > 3 {
            let at = e.args[3].clone();
            cx.bad_value(e, Shape::LevelPair, Some(&at));
        }
        let (la, lb) = (cx.level_arg(a), cx.level_arg(b));
        Some(LevelPair {
            from: la?,
            arrow: arrow.span,
            to: lb?,
            span: e.args_span(),
        })
    });
    Mapping {
        id,
        from,
        to,
        pairs,
    }
}

/// A category and its subcategories, in pre-order; `parent` is the local index of the
/// enclosing one in `out`.
fn category(
    cx: &mut Lower<'_>,
    spec: &'static DeclSpec,
    e: &Entry,
    parent: Option<(usize, u32, Span)>,
    out: &mut Vec<Category>,
) {
    let (hid, h) = cx.head(spec, e, parent.map(|p| p.1));
    cx.no_rest(spec, h.rest);
    let name = h.name;
    let bag = cx.bag(spec, e);
    cx.meta(hid, &bag);
    let c = Category {
        id: DeclId(hid),
        parent: parent.map(|(i, _, span)| Spanned {
            value: CategoryId(i as u32),
            span,
        }),
        threat: cx.prop(&bag, "threat", Lower::word),
        maps_to: cx.props(&bag, "maps_to", |cx, e| {
            let (taxonomy, term, span) = cx.word_text(e, Shape::Taxonomy)?;
            Some(TaxonomyTerm {
                taxonomy,
                term,
                span,
            })
        }),
        attack: cx.prop(&bag, "attack", Lower::tags),
        minimum: cx.prop(&bag, "minimum", Lower::level_ref),
        procedure: cx.prop(&bag, "procedure", Lower::reference),
        description: cx.prop(&bag, "description", Lower::string),
    };
    let me = out.len();
    out.push(c);
    for (cspec, ce) in &bag.children {
        let at = name.unwrap_or(e.key);
        category(cx, cspec, ce, Some((me, hid, at)), out);
    }
}

fn escalation(cx: &mut Lower<'_>, id: DeclId, bag: &Bag<'_>) -> Escalation {
    let shape = Shape::Hop(Responder::KINDS);
    let mut hops = Vec::new();
    for e in bag.all("hop") {
        cx.key = e.key;
        let Some((a, arrow, _)) = cx.arrow_pair(e, shape) else {
            continue;
        };
        let from = cx.ref_arg(e, a, Responder::KINDS, shape);
        let to = e
            .args
            .get(2)
            .and_then(|b| cx.ref_arg(e, b, Responder::KINDS, shape));
        let (within, timing) = if e.args.len() > 3 {
            // `at 30m`: from the start of the path; `within 15m`: after the previous hop.
            let at = e.args[3].is_atom() && cx.text(e.args[3].span) == "at";
            let (d, used) = if at {
                let (d, used) = cx.limit_at(e, 4, true, shape);
                (d, used + 1)
            } else {
                cx.limit_at(e, 3, false, shape)
            };
            cx.extra(e, shape, 3 + used);
            let timing = if at {
                HopTiming::FromStart
            } else {
                HopTiming::AfterPrevious
            };
            match d {
                Some(w) => (Some(w), timing),
                None => {
                    for r in [from, to].into_iter().flatten() {
                        cx.loose_refs(&[r], Responder::KINDS);
                    }
                    continue;
                }
            }
        } else {
            (None, HopTiming::AfterPrevious)
        };
        let when = cx.when_of(e);
        let (Some(from), Some(to)) = (from, to) else {
            for r in [from, to].into_iter().flatten() {
                cx.loose_refs(&[r], Responder::KINDS);
            }
            continue;
        };
        let hid = cx.heads.len() as u32;
        cx.heads.push(super::Head {
            kind: Kind::Hop,
            keyword: e.key,
            name: None,
            title: None,
            span: e.span,
            doc: e.doc,
            parent: Some(id.0),
            meta: None,
        });
        hops.push(Hop {
            id: DeclId(hid),
            key: e.key,
            from,
            arrow: arrow.span,
            to,
            within,
            timing,
            when,
            span: e.span,
        });
    }
    let repeat = cx.prop(bag, "repeat", |cx, e| {
        let shape = Shape::Repeat;
        let n = e.args.first().filter(|a| cx.is_int(a));
        let Some(n) = n else {
            cx.bad_value(e, shape, None);
            return None;
        };
        let times = cx.int_arg(n, 1)?;
        let every = match e.args.get(1) {
            None => None,
            Some(_) => {
                let (d, used) = cx.keyword_duration(e, 1, "every", shape);
                cx.extra(e, shape, 1 + used);
                Some(d.map(|(kw, duration)| Every { kw, duration })?)
            }
        };
        Some(Repeat {
            times,
            every,
            span: e.args_span(),
        })
    });
    Escalation { id, hops, repeat }
}

fn evidence(cx: &mut Lower<'_>, id: DeclId, bag: &Bag<'_>) -> Evidence {
    Evidence {
        id,
        custodian: cx.prop(bag, "custodian", Lower::reference),
        log: cx.prop(bag, "log", Lower::reference),
        retain: cx.prop(bag, "retain", Lower::duration),
        storage: cx.prop(bag, "storage", Lower::string),
        rules: cx.props(bag, "rule", Lower::string),
    }
}

fn communications(
    cx: &mut Lower<'_>,
    id: DeclId,
    name: Option<Span>,
    bag: &Bag<'_>,
) -> Communications {
    let mut audiences = Vec::new();
    let mut seen = Map::default();
    for (spec, e) in &bag.children {
        let h = cx.header(spec, e);
        let first = cx.first_in_scope(&mut seen, h.name, "audience", "communications plan", name);
        let mark = cx.heads.len();
        let (aid, h) = cx.head(spec, e, Some(id.0));
        cx.no_rest(spec, h.rest);
        let abag = cx.bag(spec, e);
        let a = Audience {
            id: DeclId(aid),
            contacts: cx.prop(&abag, "contacts", Lower::audience),
            via: cx.prop(&abag, "via", Lower::string),
            order: cx.prop(&abag, "order", |cx, e| {
                let a = e.args.first()?.clone();
                if cx.extra(e, Shape::Int, 1) {
                    return None;
                }
                if !cx.is_int(&a) {
                    cx.bad_value(e, Shape::Int, Some(&a));
                    return None;
                }
                cx.int_arg(&a, 1)
            }),
            updates: cx.props(&abag, "update", |cx, e| {
                let cadence = cx.cadence(e)?;
                Some(Update {
                    cadence,
                    when: cx.when_of(e),
                    span: e.args_span(),
                })
            }),
        };
        if first {
            audiences.push(a);
        } else {
            cx.heads.truncate(mark);
            cx.pile.push(Piled::Audience(Box::new(a)));
        }
    }
    Communications {
        id,
        statements_approved_by: cx.prop(bag, "statements_approved_by", Lower::quorum),
        war_room: cx.prop(bag, "war_room", Lower::string),
        channel: cx.prop(bag, "channel", Lower::reference),
        spokesperson: cx.prop(bag, "spokesperson", Lower::references),
        rules: cx.props(bag, "rule", |cx, e| {
            let shape = Shape::KindText(CommsRule::WORDS);
            let (_, text, span) = cx.word_text(e, shape)?;
            let kind = cx.word_of::<CommsRule>(e, &e.args[0], shape)?;
            Some(Rule { kind, text, span })
        }),
        audiences,
    }
}

fn obligation(cx: &mut Lower<'_>, id: DeclId, bag: &Bag<'_>) -> Obligation {
    let mut deadlines: Vec<Prop<Deadline>> = Vec::new();
    for e in bag.all("deadline") {
        cx.key = e.key;
        let shape = Shape::Deadline;
        let Some(a) = e
            .args
            .first()
            .filter(|a| a.is_atom() && super::literal::is_name(cx.text(a.span)))
        else {
            cx.bad_value(e, shape, None);
            continue;
        };
        let (d, used) = match e.args.get(1) {
            Some(_) => cx.limit_at(e, 1, true, shape),
            None => {
                cx.bad_value(e, shape, Some(a));
                continue;
            }
        };
        // `since DATE`, `until DATE`: the period the value is in force.
        let mut at = 1 + used;
        let mut since = None;
        let mut until = None;
        let mut bad_period = false;
        while let Some(k) = e.args.get(at).filter(|k| k.is_atom()) {
            let slot = match cx.text(k.span) {
                "since" if since.is_none() => &mut since,
                "until" if until.is_none() => &mut until,
                _ => break,
            };
            match e.args.get(at + 1) {
                Some(dv) => *slot = cx.date_arg(dv),
                None => cx.bad_value(e, Shape::Date, Some(k)),
            }
            bad_period |= slot.is_none();
            at += 2;
        }
        cx.extra(e, shape, at);
        let Some(within) = d else { continue };
        if bad_period {
            continue;
        }
        if let (Some(s), Some(u)) = (since, until)
            && s.date >= u.date
        {
            cx.report(
                Diagnostic::new(
                    Code::EmptyRange,
                    s.span.join(u.span),
                    "this period ends before it starts",
                )
                .label("`since` is not before `until`")
                .help("write the earlier date after `since` and the later after `until`"),
            );
            continue;
        }
        let name = cx.text(a.span);
        let dated = since.is_some() || until.is_some();
        if let Some(first) = deadlines.iter().find(|p| {
            cx.text(p.value.name.span) == name
                && !(dated && (p.value.since.is_some() || p.value.until.is_some()))
        }) {
            cx.report(
                Diagnostic::new(
                    Code::DuplicateName,
                    a.span,
                    format!("deadline `{name}` is given twice"),
                )
                .label("second deadline of this name")
                .with_secondary(first.value.name.span, "first given here")
                .help("give each deadline its own name, keep one of the two, or say since when each is in force: `since 2025-01-17`"),
            );
            continue;
        }
        deadlines.push(Prop {
            key: e.key,
            value: Deadline {
                name: Tag { span: a.span },
                within,
                since,
                until,
                span: e.args_span(),
            },
        });
    }
    Obligation {
        id,
        when: cx.when_prop(bag),
        regime: cx.prop(bag, "regime", Lower::tags),
        reference: cx.prop(bag, "reference", Lower::string),
        clock_starts: cx.prop(bag, "clock_starts", Lower::moment),
        deadlines,
        to: cx.prop(bag, "to", Lower::references),
        owner: cx.prop(bag, "owner", Lower::reference),
        form: cx.prop(bag, "form", Lower::reference),
        must_contain: cx.prop(bag, "must_contain", Lower::texts),
    }
}

fn form(cx: &mut Lower<'_>, id: DeclId, name: Option<Span>, bag: &Bag<'_>) -> Form {
    let mut fields = Vec::new();
    let mut seen = Map::default();
    for (spec, e) in &bag.children {
        let h = cx.header(spec, e);
        let first = cx.first_in_scope(&mut seen, h.name, "field", "form", name);
        let mark = cx.heads.len();
        let (fid, h) = cx.head(spec, e, Some(id.0));
        // Short form: `field NAME ["Title"] TYPE [required]`: the word is its own key.
        let mut inline_type = None;
        let mut inline_required = None;
        for a in h.rest {
            let w = if a.is_atom() { cx.text(a.span) } else { "" };
            if w == "required" && inline_required.is_none() {
                inline_required = Some(Flag { span: a.span });
            } else if a.is_atom() && inline_type.is_none() {
                inline_type = cx
                    .word_of::<FieldType>(e, a, Shape::Word(FieldType::WORDS))
                    .map(|value| Prop { key: a.span, value });
            } else {
                cx.no_rest(spec, std::slice::from_ref(a));
            }
        }
        let fbag = cx.bag(spec, e);
        let f = Field {
            id: DeclId(fid),
            type_: cx.prop(&fbag, "type", Lower::word).or(inline_type),
            required: fbag
                .first("required")
                .and_then(|e| cx.flag(e))
                .or(inline_required),
            help: cx.prop(&fbag, "help", Lower::string),
            choices: cx.prop(&fbag, "choices", |cx, e| {
                cx.unique_tags(e, "choice", "field")
            }),
            values: cx.prop(&fbag, "values", Lower::reference),
        };
        if first {
            fields.push(f);
        } else {
            cx.heads.truncate(mark);
            cx.pile.push(Piled::Field(Box::new(f)));
        }
    }
    Form {
        id,
        kind: cx.prop(bag, "kind", Lower::word),
        version: cx.prop(bag, "version", Lower::string),
        effective: cx.prop(bag, "effective", Lower::date),
        owner: cx.prop(bag, "owner", Lower::reference),
        next_review: cx.prop(bag, "next_review", Lower::date),
        fields,
    }
}

fn training(cx: &mut Lower<'_>, id: DeclId, bag: &Bag<'_>) -> Training {
    Training {
        id,
        audience: cx.prop(bag, "audience", Lower::audience),
        every: cx.prop(bag, "every", Lower::duration),
        topics: cx.prop(bag, "topics", Lower::texts),
        format: cx.prop(bag, "format", Lower::word),
    }
}

fn exercise(cx: &mut Lower<'_>, id: DeclId, bag: &Bag<'_>) -> Exercise {
    Exercise {
        id,
        kind: cx.prop(bag, "kind", Lower::word),
        audience: cx.prop(bag, "audience", Lower::audience),
        every: cx.prop(bag, "every", Lower::duration),
        scenario: cx.prop(bag, "scenario", Lower::reference),
        severity: cx.prop(bag, "severity", Lower::level_ref),
        last: cx.prop(bag, "last", Lower::date),
        next: cx.prop(bag, "next", Lower::date),
    }
}

fn review(cx: &mut Lower<'_>, id: DeclId, bag: &Bag<'_>) -> Review {
    Review {
        id,
        post_incident: cx.prop(bag, "post_incident", |cx, e| {
            let within = cx.within(e)?;
            Some(PostIncident {
                within,
                when: cx.when_of(e),
                span: e.args_span(),
            })
        }),
        owner: cx.prop(bag, "owner", Lower::reference),
        scheme: cx.prop(bag, "scheme", Lower::every),
        metrics: cx.prop(bag, "metrics", Lower::tags),
        improvements_by: cx.prop(bag, "improvements_by", Lower::reference),
        form: cx.prop(bag, "form", Lower::reference),
        follow_ups: cx.props(bag, "follow_up", |cx, e| {
            let within = cx.within(e)?;
            Some(PostIncident {
                within,
                when: cx.when_of(e),
                span: e.args_span(),
            })
        }),
    }
}

fn scenario(cx: &mut Lower<'_>, id: DeclId, bag: &Bag<'_>) -> Scenario {
    Scenario {
        id,
        severity: cx.prop(bag, "severity", Lower::level_ref),
        category: cx.prop(bag, "category", Lower::reference),
        facts: cx.props(bag, "fact", Lower::references),
        impacts: cx.props(bag, "impact", impact_value),
        at: cx.prop(bag, "at", instant),
        expects: cx.props(bag, "expect", expect),
    }
}

/// `personal_data 3`.
fn impact_value(cx: &mut Lower<'_>, e: &Entry) -> Option<ImpactValue> {
    let kinds: &'static [Kind] = &[Kind::Impact];
    let shape = Shape::ImpactValue(kinds);
    let (Some(name), Some(level)) = (e.args.first(), e.args.get(1)) else {
        cx.bad_value(e, shape, None);
        return None;
    };
    if !name.is_atom() || !cx.is_int(level) {
        cx.bad_value(e, shape, Some(if name.is_atom() { level } else { name }));
        return None;
    }
    cx.extra(e, shape, 2);
    let impact = cx.ref_arg(e, name, kinds, shape)?;
    let level = cx.int_arg(level, 1)?;
    Some(ImpactValue {
        impact,
        level,
        span: e.args_span(),
    })
}

/// `2026-12-05 03:00 "Europe/London"`.
fn instant(cx: &mut Lower<'_>, e: &Entry) -> Option<Instant> {
    let (Some(d), Some(t)) = (e.args.first(), e.args.get(1)) else {
        cx.bad_value(e, Shape::Instant, None);
        return None;
    };
    if !d.is_atom() || !t.is_atom() {
        cx.bad_value(e, Shape::Instant, Some(if d.is_atom() { t } else { d }));
        return None;
    }
    cx.extra(e, Shape::Instant, 3);
    let date = cx.date_arg(d);
    let time = match crate::model::lower::literal::time_of_day(cx.text(t.span)) {
        Ok(value) => Some(Spanned {
            value,
            span: t.span,
        }),
        Err(b) => {
            cx.bad_literal(t.span, b);
            None
        }
    };
    let zone = match e.args.get(2) {
        Some(_) => {
            let mut rest = e.clone();
            rest.args = e.args[2..3].to_vec();
            Some(cx.timezone(&rest)?)
        }
        None => None,
    };
    Some(Instant {
        date: date?,
        time: time?,
        zone,
        span: e.args_span(),
    })
}

/// `ciso paged within 30m`.
fn expect(cx: &mut Lower<'_>, e: &Entry) -> Option<Expect> {
    let kinds = Responder::KINDS;
    let shape = Shape::Expect(kinds);
    let (Some(name), Some(verb)) = (e.args.first(), e.args.get(1)) else {
        cx.bad_value(e, shape, None);
        return None;
    };
    if !name.is_atom() {
        cx.bad_value(e, shape, Some(name));
        return None;
    }
    let party = cx.ref_arg(e, name, kinds, shape);
    let verb = cx.word_of::<ExpectVerb>(e, verb, shape);
    let within = match e.args.get(2) {
        None => None,
        Some(w) if w.is_atom() && cx.text(w.span) == "within" => {
            cx.extra(e, shape, 4);
            let (d, _) = cx.duration_at(e, 3);
            if d.is_none() && e.args.get(3).is_none() {
                cx.bad_value(e, shape, Some(w));
            }
            Some(d?)
        }
        Some(w) => {
            cx.bad_value(e, shape, Some(w));
            return None;
        }
    };
    Some(Expect {
        party: party?,
        verb: verb?,
        within,
        span: e.args_span(),
    })
}
