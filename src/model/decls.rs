//! Lowering of each kind of declaration but procedures: the typed value of every property,
//! read by its schema shape, and the rules inside one declaration.

use super::bag::{Bag, header, no_rest};
use super::cx::Cx;
use super::lower::{Get, Seen, cond, decl_of, self_ref, spec_of};
use super::schema::{Kind, Shape};
use super::types::*;
use super::values as v;
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::ast::{self, Entry, Value};

pub(super) fn organisation(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Organisation {
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

pub(super) fn policy(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Policy {
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

pub(super) fn person(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Person {
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

pub(super) fn role(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Role {
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

pub(super) fn team(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Team {
    let mut g = Get::new(cx, spec_of("team"), bag);
    Team {
        decl,
        lead: g.reference("lead"),
        members: g.references("members"),
        on_call: g.reference("on_call"),
        purpose: g.text("purpose"),
    }
}

pub(super) fn calendar(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Calendar {
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

pub(super) fn schedule(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Schedule {
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

pub(super) fn point_of_contact(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> PointOfContact {
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

pub(super) fn channel(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Channel {
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

pub(super) fn external(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> External {
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

pub(super) fn impact(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Impact {
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

pub(super) fn scale(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Scale {
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

pub(super) fn mapping(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Mapping {
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

pub(super) fn category(
    cx: &mut Cx,
    decl: Decl,
    bag: &Bag<'_>,
    parent: Option<&str>,
    out: &mut Vec<Category>,
) {
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

pub(super) fn escalation(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Escalation {
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

pub(super) fn evidence(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Evidence {
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

pub(super) fn communications(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Communications {
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

pub(super) fn obligation(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Obligation {
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

pub(super) fn form(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Form {
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

pub(super) fn training(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Training {
    let mut g = Get::new(cx, spec_of("training"), bag);
    Training {
        decl,
        audience: g.audience("audience"),
        every: g.duration("every"),
        topics: g.texts("topics"),
        format: g.word("format"),
    }
}

pub(super) fn exercise(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Exercise {
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

pub(super) fn review(cx: &mut Cx, decl: Decl, bag: &Bag<'_>) -> Review {
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
