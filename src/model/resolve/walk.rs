//! Filling in references, declaration by declaration (procedures are resolved with their
//! steps, in [`procedures`](super::procedures)). The rules that need a declaration's own
//! identity are checked here too: a role that is its own backup, a hop to itself, a list
//! that names something twice.

use super::Pile;
use super::names::Resolver;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::lower::{Lowered, Piled};
use crate::model::*;
use crate::source::{HasSpan, Span};

impl Resolver<'_> {
    pub fn opt<T: RefTarget>(&mut self, p: &mut Option<Prop<Ref<T>>>) {
        if let Some(p) = p {
            self.resolve(&mut p.value);
        }
    }

    pub fn list<T: RefTarget>(&mut self, p: &mut Option<Prop<List<Ref<T>>>>) {
        if let Some(p) = p {
            for r in &mut p.value.items {
                self.resolve(r);
            }
            self.twice_refs(&p.value);
        }
    }

    pub fn members<T: RefTarget>(&mut self, p: &mut Option<Prop<List<Member<T>>>>) {
        let Some(p) = p else { return };
        for m in &mut p.value.items {
            if let Member::Ref(r) = m {
                self.resolve(r);
            }
        }
        // A member named twice.
        let keys: Vec<(String, Span)> = p
            .value
            .items
            .iter()
            .map(|m| match m {
                Member::Group(g) => (format!("group {}", g.value), g.span),
                Member::Ref(r) => (self.ref_key(r), r.span),
            })
            .collect();
        self.twice(&keys);
    }

    /// What makes two references the same: their target, or their text if unresolved.
    fn ref_key<T: RefTarget>(&self, r: &Ref<T>) -> String {
        r.target.map_or_else(
            || format!("name {}", self.text(r.span)),
            |t| format!("{:?}", t.loc()),
        )
    }

    /// Warns of items listed twice; `keys` are what makes two items the same.
    pub fn twice(&mut self, keys: &[(String, Span)]) {
        let mut seen: Map<&str, Span> = Map::default();
        for (k, span) in keys {
            if let Some(first) = seen.get(k.as_str()) {
                let text = self.text(*span);
                self.report(
                    Diagnostic::new(
                        Code::ListedTwice,
                        *span,
                        format!("`{text}` is listed twice"),
                    )
                    .label("listed again here")
                    .with_secondary(*first, "first listed here")
                    .help("remove one of the two"),
                );
            } else {
                seen.insert(k, *span);
            }
        }
    }

    pub fn twice_refs<T: RefTarget>(&mut self, l: &List<Ref<T>>) {
        let keys: Vec<(String, Span)> = l.items.iter().map(|r| (self.ref_key(r), r.span)).collect();
        self.twice(&keys);
    }

    pub fn twice_words<T: HasSpan>(&mut self, l: &Option<Prop<List<T>>>) {
        if let Some(p) = l {
            let keys: Vec<(String, Span)> = p
                .value
                .items
                .iter()
                .map(|i| (self.text(i.span()).to_string(), i.span()))
                .collect();
            self.twice(&keys);
        }
    }

    pub fn when(&mut self, w: &mut Option<When>) {
        if let Some(w) = w {
            self.condition(&mut w.cond);
        }
    }

    pub fn duration(&mut self, d: &mut Duration) {
        let Some(c) = &mut d.calendar else { return };
        match &mut **c {
            CalendarRef::Named(r) => self.resolve(r),
            CalendarRef::Implicit(target) => match self.calendars.as_slice() {
                [one] => {
                    *target = Some(*one);
                    let decl = self.calendar_decls[one.0 as usize];
                    self.mark_used(decl);
                }
                [] => self.report(
                    Diagnostic::new(
                        Code::InvalidDuration,
                        d.span,
                        "business days need a working calendar",
                    )
                    .label("no calendar is declared")
                    .help("declare a `calendar` with working hours and holidays"),
                ),
                _ => self.report(
                    Diagnostic::new(
                        Code::InvalidDuration,
                        d.span,
                        "business days of which calendar?",
                    )
                    .label("several calendars are declared")
                    .help("name the calendar: `5bd@uk_office`"),
                ),
            },
        }
        let target = match &**c {
            CalendarRef::Named(r) => r.target,
            CalendarRef::Implicit(t) => *t,
        };
        if let Some(cal) = target
            && !self.calendar_has_hours[cal.0 as usize]
        {
            let decl = self.calendar_decls[cal.0 as usize];
            let def = self.index.def(decl);
            let at = def.name.unwrap_or(def.keyword);
            let name = self.text(at).to_string();
            self.report(
                Diagnostic::new(
                    Code::NoBusinessDays,
                    d.span,
                    format!("business days of `{name}`, which has no working hours"),
                )
                .label("no business day to count")
                .with_secondary(at, "declared here without `hours`")
                .help("give the calendar its working hours, e.g. `hours mon-fri 09:00-17:30`"),
            );
        }
    }

    pub fn dur_opt(&mut self, p: &mut Option<Prop<Duration>>) {
        if let Some(p) = p {
            self.duration(&mut p.value);
        }
    }

    pub fn within(&mut self, p: &mut Option<Prop<Within>>) {
        if let Some(p) = p {
            self.limit(&mut p.value);
        }
    }

    /// The calendars and moments of a time limit.
    pub fn limit(&mut self, w: &mut Within) {
        for d in w.durations_mut() {
            self.duration(d);
        }
        for m in w.moments_mut() {
            self.moment(m);
        }
    }

    pub fn lifecycle(&mut self, l: &mut LifecycleRef) {
        if let LifecycleRef::Declared(r) = l {
            self.resolve(r);
        }
    }

    pub fn moment(&mut self, m: &mut MomentRef) {
        if let MomentRef::Declared(r) = m {
            self.resolve(r);
        }
    }

    pub fn every(&mut self, p: &mut Option<Prop<Every>>) {
        if let Some(p) = p {
            self.duration(&mut p.value.duration);
        }
    }

    pub fn cadence(&mut self, c: &mut Cadence) {
        for m in c.from.iter_mut().chain(c.at.iter_mut()) {
            self.moment(m);
        }
        for ph in &mut c.phases {
            self.duration(&mut ph.every);
            if let Some(f) = &mut ph.for_ {
                self.duration(f);
            }
        }
    }

    pub fn quorum<T: RefTarget>(&mut self, q: &mut Option<Prop<Quorum<T>>>) {
        if let Some(q) = q {
            for r in &mut q.value.of.items {
                self.resolve(r);
            }
        }
    }

    /// Reports a declaration that names itself where it must name another.
    pub fn self_ref(&mut self, me: DeclId, at: Span, message: &str, help: &str) {
        let def = self.index.def(me);
        let name_span = def.name.unwrap_or(def.keyword);
        let name = self.text(name_span).to_string();
        self.report(
            Diagnostic::new(Code::SelfReference, at, format!("`{name}` {message}"))
                .label("refers to itself")
                .with_secondary(name_span, "declared here")
                .help(help.to_string()),
        );
    }
}

/// Resolves every declaration of the model but procedures.
pub(super) fn model(r: &mut Resolver<'_>, m: &mut Model) {
    for o in &mut m.organisations {
        organisation(r, o);
    }
    for p in &mut m.policies {
        policy(r, p);
    }
    for p in &mut m.people {
        person(r, p);
    }
    for (i, x) in m.roles.iter_mut().enumerate() {
        role(r, x, Some(RoleId(i as u32)));
    }
    for (i, t) in m.teams.iter_mut().enumerate() {
        team(r, t);
        if let Some(p) = &t.reports_to
            && p.value.target == Some(TeamId(i as u32))
        {
            r.self_ref(
                t.id,
                p.value.span,
                "reports to itself",
                "a sub-team reports to its parent team: name another team",
            );
        }
    }
    for c in &mut m.calendars {
        calendar(r, c);
    }
    for s in &mut m.schedules {
        schedule(r, s);
    }
    for p in &mut m.points_of_contact {
        poc(r, p);
    }
    for c in &mut m.channels {
        channel(r, c);
    }
    for s in &mut m.scales {
        scale(r, s);
    }
    for x in &mut m.mappings {
        mapping(r, x);
    }
    for c in &mut m.categories {
        category(r, c);
    }
    for e in &mut m.escalations {
        escalation(r, e);
    }
    for e in &mut m.evidence {
        evidence(r, e);
    }
    for c in &mut m.communications {
        communications(r, c);
    }
    for o in &mut m.obligations {
        obligation(r, o);
    }
    for t in &mut m.trainings {
        training(r, t);
    }
    for e in &mut m.exercises {
        exercise(r, e);
    }
    for v in &mut m.reviews {
        review(r, v);
    }
    for f in &mut m.facts {
        fact(r, f);
    }
    for c in &mut m.criteria {
        criteria(r, c);
    }
    for f in &mut m.forms {
        form(r, f);
    }
    for x in &mut m.regions {
        r.opt(&mut x.on_call);
    }
    for x in &mut m.metrics {
        for p in [&mut x.from, &mut x.to].into_iter().flatten() {
            r.moment(&mut p.value);
        }
        r.within(&mut x.target);
    }
    for x in &mut m.action_items {
        r.opt(&mut x.owner);
    }
    for x in &mut m.artefacts {
        artefact(r, x);
    }
    for x in &mut m.embargoes {
        embargo(r, x);
    }
    for x in &mut m.scenarios {
        scenario(r, x);
    }
}

fn scenario(r: &mut Resolver<'_>, s: &mut Scenario) {
    if let Some(l) = &mut s.severity {
        r.level(&mut l.value, None);
    }
    r.opt(&mut s.category);
    for f in &mut s.facts {
        for it in &mut f.value.items {
            r.resolve(it);
        }
    }
    for i in &mut s.impacts {
        r.resolve(&mut i.value.impact);
    }
    for x in &mut s.expects {
        r.resolve(&mut x.value.party);
        if let Some(d) = &mut x.value.within {
            r.duration(d);
        }
    }
}

fn artefact(r: &mut Resolver<'_>, a: &mut Artefact) {
    for p in &mut a.approved_by {
        for it in &mut p.value.quorum.of.items {
            r.resolve(it);
        }
        r.when(&mut p.value.when);
    }
    r.list(&mut a.informed);
    r.list(&mut a.spokesperson);
    r.members(&mut a.to);
}

fn embargo(r: &mut Resolver<'_>, e: &mut Embargo) {
    r.members(&mut e.applies_to);
    r.when(&mut e.lifts);
}

fn form(r: &mut Resolver<'_>, f: &mut Form) {
    r.opt(&mut f.owner);
    for field in &mut f.fields {
        r.opt(&mut field.values);
    }
}

fn fact(r: &mut Resolver<'_>, f: &mut Fact) {
    r.opt(&mut f.judged_by);
}

fn criteria(r: &mut Resolver<'_>, c: &mut Criteria) {
    r.when(&mut c.when);
}

/// Checks what the model left out: duplicates, and names in refused values.
pub(super) fn pile(r: &mut Resolver<'_>, m: &Model, pile: &mut Pile) {
    for d in &mut pile.decls {
        match d {
            Lowered::Organisation(v) => organisation(r, v),
            Lowered::Policy(v) => policy(r, v),
            Lowered::Person(v) => person(r, v),
            Lowered::Role(v) => role(r, v, None),
            Lowered::Team(v) => team(r, v),
            Lowered::Calendar(v) => calendar(r, v),
            Lowered::Schedule(v) => schedule(r, v),
            Lowered::PointOfContact(v) => poc(r, v),
            Lowered::Channel(v) => channel(r, v),
            Lowered::External(_) | Lowered::Impact(_) => {}
            Lowered::Scale(v) => scale(r, v),
            Lowered::Mapping(v) => mapping(r, v),
            Lowered::Category(v) => v.iter_mut().for_each(|c| category(r, c)),
            Lowered::Escalation(v) => escalation(r, v),
            Lowered::Procedure(_) => {}
            Lowered::Evidence(v) => evidence(r, v),
            Lowered::Communications(v) => communications(r, v),
            Lowered::Obligation(v) => obligation(r, v),
            Lowered::Form(v) => form(r, v),
            Lowered::Training(v) => training(r, v),
            Lowered::Exercise(v) => exercise(r, v),
            Lowered::Review(v) => review(r, v),
            Lowered::Fact(v) => fact(r, v),
            Lowered::Criteria(v) => criteria(r, v),
            Lowered::Region(x) => r.opt(&mut x.on_call),
            Lowered::Lifecycle(_) => {}
            Lowered::Artefact(x) => artefact(r, x),
            Lowered::Embargo(x) => embargo(r, x),
            Lowered::Scenario(x) => scenario(r, x),
            Lowered::ActionItem(x) => r.opt(&mut x.owner),
            Lowered::Moment(_)
            | Lowered::Quantity(_)
            | Lowered::Enumeration(_)
            | Lowered::Metric(_) => {}
            Lowered::Use { .. } | Lowered::Unknown { .. } | Lowered::Error { .. } => {}
        }
    }
    for (p, heads) in &mut pile.procedures {
        super::procedures::piled_procedure(r, m, p, heads);
    }
    for (p, n) in &mut pile.nested {
        match n {
            Piled::Level(l) => level(r, l),
            Piled::Hop(h) => hop(r, h),
            Piled::Field(_) => {}
            Piled::Audience(a) => audience(r, a),
            Piled::Condition(c) => r.condition(c),
            // Steps, options and overrides of a procedure in the model were checked with it.
            Piled::Step(_) | Piled::Option(_) | Piled::Override(_) if p.is_some() => {}
            Piled::Step(s) => super::procedures::loose_step(r, s),
            Piled::Option(o) => r.when(&mut o.when),
            Piled::Override(o) => super::procedures::loose_override(r, o),
        }
    }
    for l in std::mem::take(&mut pile.loose) {
        loose(r, l);
    }
}

fn loose(r: &mut Resolver<'_>, l: crate::model::lower::Loose) {
    let Some(q) = l.quoted else {
        r.check_name(l.span, l.kinds);
        return;
    };
    let raw = r.text(l.span);
    let s = raw
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(raw);
    match r.index.lookup(r.sources, crate::index::Scope::Top, s) {
        Some(id) => {
            r.mark_used(id);
            r.report(
                Diagnostic::new(
                    Code::BadValue,
                    l.span,
                    format!("`{}` expects a name, not a string", q.key),
                )
                .label("a string")
                .help(format!("write the name without quotes: `{s}`")),
            );
        }
        None => r.report(
            Diagnostic::new(
                Code::BadValue,
                l.span,
                format!("`{}` expects {}", q.key, q.form),
            )
            .label("found a string")
            .help("see docs/language.md for the form of each property"),
        ),
    }
}

fn organisation(r: &mut Resolver<'_>, o: &mut Organisation) {
    r.opt(&mut o.parent);
    for p in [&o.services, &o.sites, &o.jurisdictions, &o.regimes] {
        r.twice_words(p);
    }
    for p in &mut o.report_upward {
        r.resolve(&mut p.value.to);
        if let Some(w) = &mut p.value.within {
            r.limit(w);
        }
        r.when(&mut p.value.when);
    }
}

fn policy(r: &mut Resolver<'_>, p: &mut Policy) {
    r.opt(&mut p.owner);
    if let Some(a) = &mut p.approved_by {
        r.resolve(&mut a.value.by);
    }
    r.every(&mut p.review);
    r.twice_words(&p.covers);
    if let Some(l) = &mut p.lifecycle {
        r.lifecycle(&mut l.value);
    }
}

fn person(r: &mut Resolver<'_>, p: &mut Person) {
    for t in &mut p.trained {
        r.resolve(&mut t.value.by);
    }
}

fn role(r: &mut Resolver<'_>, x: &mut Role, me: Option<RoleId>) {
    if let Some(h) = &mut x.held_by {
        for it in &mut h.value.of.items {
            r.resolve(it);
        }
        r.twice_refs(&h.value.of);
    }
    r.opt(&mut x.assigned_by);
    r.list(&mut x.backup);
    if let Some(x) = &mut x.exclusive_with {
        for it in &mut x.value.roles.items {
            r.resolve(it);
        }
        r.twice_refs(&x.value.roles);
        if let Some(t) = &mut x.value.in_team {
            r.resolve(t);
        }
    }
    r.list(&mut x.requires);
    for o in &mut x.outranks {
        for it in &mut o.value.roles.items {
            r.resolve(it);
        }
        r.when(&mut o.value.when);
    }
    r.dur_opt(&mut x.relieved_after);
    r.twice_words(&x.authority);
    for h in &mut x.hands_over_to {
        r.resolve(&mut h.value.to);
        r.when(&mut h.value.when);
    }
    let Some(me) = me else { return };
    if let Some(b) = &x.backup {
        for it in &b.value.items {
            if it.target == Some(Backup::Role(me)) {
                r.self_ref(
                    x.id,
                    it.span,
                    "is its own backup",
                    "a backup must be someone else: name another person, role or rota",
                );
            }
        }
    }
    if let Some(h) = &x.held_by {
        for it in &h.value.of.items {
            if it.target == Some(RoleHolder::Role(me)) {
                r.self_ref(
                    x.id,
                    it.span,
                    "is held by itself",
                    "a role is held by a person, a rota, a team or another role",
                );
            }
        }
    }
    if x.assigned_by.as_ref().and_then(|a| a.value.target) == Some(me)
        && let Some(a) = &x.assigned_by
    {
        r.self_ref(
            x.id,
            a.value.span,
            "assigns itself",
            "name the role that assigns it, e.g. `assigned_by incident_manager`",
        );
    }
    if let Some(b) = &x.exclusive_with {
        for it in &b.value.roles.items {
            if it.target == Some(me) {
                r.self_ref(
                    x.id,
                    it.span,
                    "is exclusive with itself",
                    "`exclusive_with` names the other roles one person must not hold at the same time",
                );
            }
        }
    }
}

fn team(r: &mut Resolver<'_>, t: &mut Team) {
    r.opt(&mut t.lead);
    r.list(&mut t.members);
    r.opt(&mut t.on_call);
    r.opt(&mut t.reports_to);
}

fn calendar(_r: &mut Resolver<'_>, _c: &mut Calendar) {}

fn schedule(r: &mut Resolver<'_>, s: &mut Schedule) {
    if let Some(rot) = &mut s.rotate {
        for p in &mut rot.value.people.items {
            r.resolve(p);
        }
        let l = rot.value.people.clone();
        r.twice_refs(&l);
    }
    r.opt(&mut s.calendar);
    r.list(&mut s.follow_the_sun);
    r.within(&mut s.respond);
}

fn poc(r: &mut Resolver<'_>, p: &mut PointOfContact) {
    r.opt(&mut p.held_by);
    r.opt(&mut p.out_of_hours);
    r.within(&mut p.assess_within);
}

fn channel(r: &mut Resolver<'_>, c: &mut Channel) {
    r.members(&mut c.audience);
    r.opt(&mut c.lands_at);
    r.opt(&mut c.form);
}

fn scale(r: &mut Resolver<'_>, s: &mut Scale) {
    for l in &mut s.levels {
        level(r, l);
    }
}

fn level(r: &mut Resolver<'_>, l: &mut Level) {
    r.when(&mut l.when);
    r.within(&mut l.acknowledge);
    r.within(&mut l.start_work);
    r.within(&mut l.contain);
    r.within(&mut l.resolve);
    if let Some(u) = &mut l.update {
        r.cadence(&mut u.value);
    }
    r.opt(&mut l.decided_by);
    r.list(&mut l.notify);
    r.within(&mut l.review);
}

fn mapping(r: &mut Resolver<'_>, x: &mut Mapping) {
    r.opt(&mut x.from);
    r.opt(&mut x.to);
    let (from, to) = (
        x.from.as_ref().and_then(|p| p.value.target),
        x.to.as_ref().and_then(|p| p.value.target),
    );
    for p in &mut x.pairs {
        // Levels of a scale that is missing or unknown are not looked up.
        if let (Some(f), Some(t)) = (from, to) {
            r.level(&mut p.value.from, Some(f));
            r.level(&mut p.value.to, Some(t));
        }
    }
    // Each level of the `from` scale is mapped once.
    let mut seen: Map<LevelId, Span> = Map::default();
    for p in &x.pairs {
        let Some(l) = p.value.from.target else {
            continue;
        };
        if let Some(first) = seen.get(&l) {
            let name = r.text(p.value.from.span).to_string();
            r.report(
                Diagnostic::new(
                    Code::MappedTwice,
                    p.value.from.span,
                    format!("level `{name}` is mapped twice"),
                )
                .label("mapped again here")
                .with_secondary(*first, "first mapped here")
                .help("map each level of the `from` scale to one level: keep one of the two"),
            );
        } else {
            seen.insert(l, p.value.from.span);
        }
    }
}

fn category(r: &mut Resolver<'_>, c: &mut Category) {
    if let Some(m) = &mut c.minimum {
        r.level(&mut m.value, None);
    }
    r.opt(&mut c.procedure);
    r.twice_words(&c.attack);
}

fn escalation(r: &mut Resolver<'_>, e: &mut Escalation) {
    for h in &mut e.hops {
        hop(r, h);
    }
    if let Some(rep) = &mut e.repeat
        && let Some(ev) = &mut rep.value.every
    {
        r.duration(&mut ev.duration);
    }
}

fn hop(r: &mut Resolver<'_>, h: &mut Hop) {
    r.resolve(&mut h.from);
    r.resolve(&mut h.to);
    if let Some(w) = &mut h.within {
        r.limit(w);
    }
    r.when(&mut h.when);
    if let (Some(a), Some(b)) = (h.from.target, h.to.target)
        && a == b
    {
        let name = r.text(h.from.span).to_string();
        r.report(
            Diagnostic::new(
                Code::SelfReference,
                h.to.span,
                format!("hop from `{name}` to `{name}` is a loop"),
            )
            .label("hands over to itself")
            .with_secondary(h.from.span, "from here")
            .help("a hop hands over to someone else; to try the same one again, use `repeat`"),
        );
    }
}

fn evidence(r: &mut Resolver<'_>, e: &mut Evidence) {
    r.opt(&mut e.custodian);
    r.opt(&mut e.log);
    r.dur_opt(&mut e.retain);
}

fn communications(r: &mut Resolver<'_>, c: &mut Communications) {
    r.list(&mut c.spokesperson);
    r.quorum(&mut c.statements_approved_by);
    r.opt(&mut c.channel);
    for a in &mut c.audiences {
        audience(r, a);
    }
}

fn audience(r: &mut Resolver<'_>, a: &mut Audience) {
    r.members(&mut a.contacts);
    for u in &mut a.updates {
        r.cadence(&mut u.value.cadence);
        r.when(&mut u.value.when);
    }
}

fn obligation(r: &mut Resolver<'_>, o: &mut Obligation) {
    r.when(&mut o.when);
    for d in &mut o.deadlines {
        r.limit(&mut d.value.within);
    }
    if let Some(c) = &mut o.clock_starts {
        r.moment(&mut c.value);
    }
    r.list(&mut o.to);
    r.opt(&mut o.owner);
    r.opt(&mut o.form);

    r.twice_words(&o.regime);
}

fn training(r: &mut Resolver<'_>, t: &mut Training) {
    r.members(&mut t.audience);
    r.dur_opt(&mut t.every);
}

fn exercise(r: &mut Resolver<'_>, e: &mut Exercise) {
    r.members(&mut e.audience);
    r.dur_opt(&mut e.every);
    r.opt(&mut e.scenario);
    if let Some(s) = &mut e.severity {
        r.level(&mut s.value, None);
    }
}

fn review(r: &mut Resolver<'_>, v: &mut Review) {
    if let Some(p) = &mut v.post_incident {
        r.limit(&mut p.value.within);
        r.when(&mut p.value.when);
    }
    r.opt(&mut v.owner);
    r.every(&mut v.scheme);
    r.opt(&mut v.improvements_by);
    r.opt(&mut v.form);
    for f in &mut v.follow_ups {
        r.limit(&mut f.value.within);
        r.when(&mut f.value.when);
    }
    r.twice_words(&v.metrics);
}
