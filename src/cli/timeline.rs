//! Rendering a simulated timeline, as text and as JSON, for `imp simulate` and `imp test`;
//! and reading the names an incident is given by on the command line.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Value, json};

use crate::check::Analysis;
use crate::index::Scope;
use crate::model::*;
use crate::simulate::{Cause, Contact, Gap, Page, Timeline, Truth};

/// The declaration a party is.
pub fn decl_of(m: &Model, r: Responder) -> DeclId {
    match r {
        Responder::Role(x) => m[x].id,
        Responder::Person(x) => m[x].id,
        Responder::Team(x) => m[x].id,
        Responder::PointOfContact(x) => m[x].id,
        Responder::Schedule(x) => m[x].id,
        Responder::External(x) => m[x].id,
    }
}

pub fn name(a: &Analysis, id: DeclId) -> String {
    a.index.name(&a.sources, id).unwrap_or("?").to_string()
}

fn title(a: &Analysis, id: DeclId) -> Option<String> {
    a.index
        .def(id)
        .title
        .as_ref()
        .map(|t| t.get(&a.sources).to_string())
}

fn party(a: &Analysis, r: Responder) -> String {
    name(a, decl_of(&a.model, r))
}

fn hop_text(a: &Analysis, h: HopId) -> String {
    let hop = &a.model[h];
    format!("{} -> {}", a.text(hop.from.span), a.text(hop.to.span))
}

fn unquote(a: &Analysis, span: crate::source::Span) -> String {
    a.text(span).trim_matches('"').to_string()
}

/// `phone +44 ...`, `email ...`, `signal +44 ...`.
fn contact(a: &Analysis, c: Contact) -> (String, String) {
    match c {
        Contact::Phone(s) => ("phone".into(), unquote(a, s)),
        Contact::Email(s) => ("email".into(), unquote(a, s)),
        Contact::Url(s) => ("url".into(), unquote(a, s)),
        Contact::OutOfBand(m, s) => (a.text(m).to_string(), unquote(a, s)),
    }
}

pub fn at(t: &Timeline, after: i64) -> Timestamp {
    t.incident
        .at
        .checked_add(jiff::SignedDuration::from_secs(after))
        .unwrap_or(t.incident.at)
}

/// `Sat 2026-12-05 03:00 GMT`.
pub fn show_time(ts: Timestamp, tz: &TimeZone) -> String {
    ts.to_zoned_datetime(tz.clone())
        .strftime("%a %Y-%m-%d %H:%M %Z")
        .to_string()
}

/// RFC 3339 with the offset, and the zone: `2026-12-05T03:15:00+00:00[Europe/London]`.
fn iso(ts: Timestamp, tz: &TimeZone) -> String {
    ts.to_zoned_datetime(tz.clone()).to_string()
}

fn zone_name(tz: &TimeZone) -> &str {
    tz.iana_name().unwrap_or("UTC")
}

/// `+0m`, `+45m`, `+4h15m`, `+2d3h`.
pub fn offset(after: Option<i64>) -> String {
    let Some(s) = after else { return "+?".into() };
    let s = s.max(0);
    let (d, h, m) = (s / 86_400, s % 86_400 / 3600, s % 3600 / 60);
    let mut out = String::from("+");
    if d > 0 {
        out.push_str(&format!("{d}d"));
    }
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 || (d == 0 && h == 0) {
        out.push_str(&format!("{m}m"));
    }
    out
}

fn cause_text(a: &Analysis, t: &Timeline, p: &Page) -> String {
    match p.cause {
        Cause::Report { out_of_hours, .. } => {
            if out_of_hours {
                "report lands, out of hours".into()
            } else {
                "report lands".into()
            }
        }
        Cause::Hop { hop, retry } => {
            let esc = name(a, a.model[hop.escalation].id);
            let path: Vec<String> = p.path.iter().map(|h| hop_text(a, *h)).collect();
            let mut s = format!(
                "hop `{}` of `{esc}`; path: {}",
                hop_text(a, hop),
                path.join(", ")
            );
            if retry > 0 {
                s.push_str(&format!(" (retry {retry})"));
            }
            s
        }
        Cause::Notify => {
            let l = name(a, a.model[t.incident.level].id);
            format!("notified at `{l}`")
        }
    }
}

fn gap_text(a: &Analysis, g: Gap) -> String {
    match g {
        Gap::NotStaffed(s) => format!("nobody: `{}` is not staffed then", name(a, a.model[s].id)),
        Gap::NoTurn(s) => format!(
            "someone of `{}` (no `rotate` with `starts`: the turn cannot be told)",
            name(a, a.model[s].id)
        ),
        Gap::Nobody => "nobody the policy names".into(),
        Gap::NotMade(from) => format!(
            "not made: nobody answered at `{}`",
            name(a, decl_of(&a.model, from))
        ),
    }
}

fn who(a: &Analysis, t: &Timeline, p: &Page, when: Timestamp) -> String {
    let mut s = String::new();
    if let Some(person) = p.person {
        let id = a.model[person].id;
        s.push_str(&format!("`{}`", name(a, id)));
        if let Some(tt) = title(a, id) {
            s.push_str(&format!(" ({tt})"));
        }
        if let Some(z) = crate::simulate::person_zone(&a.model, person)
            && zone_name(&z) != zone_name(&t.zone)
        {
            s.push_str(&format!(", {} their time", show_time(when, &z)));
        }
    } else if let Some(g) = p.gap {
        s.push_str(&gap_text(a, g));
    }
    if let Some(c) = p.contact {
        let (k, v) = contact(a, c);
        if !s.is_empty() {
            s.push_str(", ");
        }
        s.push_str(&format!("{k} {v}"));
    }
    if let Some(c) = p.fallback {
        let (k, v) = contact(a, c);
        s.push_str(&format!(" (out of band: {k} {v})"));
    }
    s
}

/// The timeline as text.
pub fn text(a: &Analysis, t: &Timeline) -> String {
    let m = &a.model;
    let mut out = String::new();
    let inc = &t.incident;
    let level = name(a, m[inc.level].id);
    out.push_str(&format!("incident: `{level}`"));
    if let Some(tt) = title(a, m[inc.level].id) {
        out.push_str(&format!(" ({tt})"));
    }
    if let Some(c) = inc.category {
        out.push_str(&format!(", category `{}`", name(a, m[c].id)));
    }
    for f in &inc.facts {
        out.push_str(&format!(", `{}`", name(a, m[*f].id)));
    }
    for (i, v) in &inc.impacts {
        out.push_str(&format!(", {} {v}", name(a, m[*i].id)));
    }
    out.push('\n');
    out.push_str(&format!(
        "reported: {} ({}); times in {}, worst case: nobody acknowledges\n",
        show_time(inc.at, &t.zone),
        zone_name(&t.zone),
        zone_name(&t.zone)
    ));
    out.push_str("\npages:\n");
    for p in &t.pages {
        let when = at(t, p.after.unwrap_or(0));
        let time = match p.after {
            Some(_) => show_time(when, &t.zone),
            None => "at no stated time".into(),
        };
        out.push_str(&format!(
            "  {:>7}  {}  `{}`: {}\n           {}\n",
            offset(p.after),
            time,
            party(a, p.party),
            who(a, t, p, when),
            cause_text(a, t, p)
        ));
    }
    out.push_str("\nstatus updates:\n");
    match m[inc.level].update.as_ref() {
        None => out.push_str("  none: the level gives no `update`\n"),
        Some(c) => {
            out.push_str(&format!("  {} (`{level}`)\n", c.value));
            let shown: Vec<String> = t
                .updates
                .iter()
                .take(12)
                .map(|u| {
                    at(t, u.after)
                        .to_zoned_datetime(t.zone.clone())
                        .strftime("%H:%M")
                        .to_string()
                })
                .collect();
            if !shown.is_empty() {
                out.push_str(&format!(
                    "  due {}{} ({} in the first day)\n",
                    shown.join(", "),
                    if t.updates.len() > 12 { ", ..." } else { "" },
                    t.updates.len()
                ));
            }
        }
    }
    out.push_str("\nobligations:\n");
    if t.deadlines.is_empty() {
        out.push_str("  none applies\n");
    }
    for d in &t.deadlines {
        let ob = &m[d.obligation];
        let dl = &ob.deadlines[d.deadline];
        let due = match d.at {
            Some(x) => show_time(x, &t.zone),
            None => format!("{} (no time)", dl.within),
        };
        let to: Vec<String> = ob
            .to
            .iter()
            .flat_map(|l| l.iter())
            .map(|r| format!("`{}`", a.text(r.span)))
            .collect();
        out.push_str(&format!(
            "  {due}  `{}` {} ({}) to {}{}\n",
            name(a, ob.id),
            a.text(dl.name.span),
            a.text(dl.within.span),
            if to.is_empty() {
                "nobody named".to_string()
            } else {
                to.join(", ")
            },
            if d.applies == Truth::Holds(0) {
                ""
            } else {
                ", if its trigger holds (not settled by the incident)"
            }
        ));
    }
    out
}

fn contact_json(a: &Analysis, c: Option<Contact>) -> Value {
    c.map_or(Value::Null, |c| {
        let (k, v) = contact(a, c);
        json!({ "method": k, "address": v })
    })
}

/// The timeline as a JSON value (documented in docs/cli.md).
pub fn json(a: &Analysis, t: &Timeline) -> Value {
    let m = &a.model;
    let inc = &t.incident;
    let pages: Vec<Value> = t
        .pages
        .iter()
        .map(|p| {
            let when = p.after.map(|s| iso(at(t, s), &t.zone));
            let (cause, extra) = match p.cause {
                Cause::Report { poc, out_of_hours } => (
                    "report",
                    json!({ "point_of_contact": name(a, m[poc].id), "out_of_hours": out_of_hours }),
                ),
                Cause::Hop { hop, retry } => (
                    "hop",
                    json!({
                        "escalation": name(a, m[hop.escalation].id),
                        "hop": hop_text(a, hop),
                        "retry": retry,
                    }),
                ),
                Cause::Notify => ("notify", json!({ "level": name(a, m[inc.level].id) })),
            };
            let gap = p.gap.map(|g| match g {
                Gap::NotStaffed(s) => json!({ "kind": "not_staffed", "schedule": name(a, m[s].id) }),
                Gap::NoTurn(s) => json!({ "kind": "no_turn", "schedule": name(a, m[s].id) }),
                Gap::Nobody => json!({ "kind": "nobody" }),
                Gap::NotMade(from) => json!({ "kind": "not_made", "from": name(a, decl_of(&a.model, from)) }),
            });
            json!({
                "after_seconds": p.after,
                "at": when,
                "cause": cause,
                "detail": extra,
                "party": party(a, p.party),
                "through": p.through.iter().map(|r| party(a, *r)).collect::<Vec<_>>(),
                "path": p.path.iter().map(|h| hop_text(a, *h)).collect::<Vec<_>>(),
                "person": p.person.map(|x| name(a, m[x].id)),
                "person_zone": p.person.and_then(|x| crate::simulate::person_zone(m, x)).map(|z| zone_name(&z).to_string()),
                "contact": contact_json(a, p.contact),
                "fallback": contact_json(a, p.fallback),
                "gap": gap,
            })
        })
        .collect();
    let deadlines: Vec<Value> = t
        .deadlines
        .iter()
        .map(|d| {
            let ob = &m[d.obligation];
            let dl = &ob.deadlines[d.deadline];
            json!({
                "obligation": name(a, ob.id),
                "deadline": a.text(dl.name.span),
                "limit": a.text(dl.within.span),
                "at": d.at.map(|x| iso(x, &t.zone)),
                "to": ob.to.iter().flat_map(|l| l.iter()).map(|r| a.text(r.span)).collect::<Vec<_>>(),
                "owner": ob.owner.as_ref().map(|o| a.text(o.value.span)),
                "applies": if d.applies == Truth::Holds(0) { "yes" } else { "unknown" },
            })
        })
        .collect();
    json!({
        "format_version": 1,
        "zone": zone_name(&t.zone),
        "incident": {
            "level": name(a, m[inc.level].id),
            "category": inc.category.map(|c| name(a, m[c].id)),
            "facts": inc.facts.iter().map(|f| name(a, m[*f].id)).collect::<Vec<_>>(),
            "impacts": inc.impacts.iter().map(|(i, v)| json!({ "impact": name(a, m[*i].id), "level": v })).collect::<Vec<_>>(),
            "at": iso(inc.at, &t.zone),
        },
        "pages": pages,
        "updates": t.updates.iter().map(|u| json!({ "after_seconds": u.after, "at": iso(at(t, u.after), &t.zone) })).collect::<Vec<_>>(),
        "deadlines": deadlines,
    })
}

/// The kinds a top-level name may be, found through the index.
fn lookup(a: &Analysis, n: &str) -> Option<Loc> {
    a.lookup(Scope::Top, n).map(|id| a.index.def(id).loc)
}

fn names_of<T>(a: &Analysis, items: &[T], id: impl Fn(&T) -> DeclId) -> String {
    let v: Vec<String> = items
        .iter()
        .map(|x| format!("`{}`", name(a, id(x))))
        .collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

/// A level by name: `sev1`, or `severity.sev1`; the default scale's first.
pub fn level(a: &Analysis, s: &str) -> Result<LevelId, String> {
    let m = &a.model;
    let (scale_name, level_name) = match s.split_once('.') {
        Some((x, y)) => (Some(x), y),
        None => (None, s),
    };
    let mut scales: Vec<usize> = (0..m.scales.len()).collect();
    scales.sort_by_key(|i| m.scales[*i].default.is_none());
    for i in scales {
        let sc = &m.scales[i];
        if scale_name.is_some_and(|n| n != name(a, sc.id)) {
            continue;
        }
        if let Some(j) = sc.levels.iter().position(|l| name(a, l.id) == level_name) {
            return Ok(LevelId {
                scale: ScaleId(i as u32),
                index: j as u32,
            });
        }
    }
    let all: Vec<&Level> = m.scales.iter().flat_map(|s| &s.levels).collect();
    Err(format!(
        "unknown level `{s}`: the levels are {}",
        names_of(a, &all, |l| l.id)
    ))
}

pub fn category(a: &Analysis, s: &str) -> Result<CategoryId, String> {
    match lookup(a, s) {
        Some(Loc::Category(c)) => Ok(c),
        _ => Err(format!(
            "unknown category `{s}`: the categories are {}",
            names_of(a, &a.model.categories, |c| c.id)
        )),
    }
}

pub fn fact(a: &Analysis, s: &str) -> Result<FactId, String> {
    match lookup(a, s) {
        Some(Loc::Fact(f)) => Ok(f),
        _ => Err(format!(
            "unknown fact `{s}`: the facts and judgements are {}",
            names_of(a, &a.model.facts, |f| f.id)
        )),
    }
}

/// `personal_data=3`.
pub fn impact(a: &Analysis, s: &str) -> Result<(ImpactId, u32), String> {
    let Some((n, v)) = s.split_once('=') else {
        return Err(format!(
            "`--impact {s}`: write NAME=LEVEL, e.g. `personal_data=3`"
        ));
    };
    let Some(Loc::Impact(i)) = lookup(a, n) else {
        return Err(format!(
            "unknown impact `{n}`: the impacts are {}",
            names_of(a, &a.model.impacts, |i| i.id)
        ));
    };
    let levels = a.model[i].levels.len() as u32;
    match v.parse::<u32>() {
        Ok(l) if l >= 1 && l <= levels.max(1) => Ok((i, l)),
        _ => Err(format!("impact `{n}` has levels 1 to {levels}, not `{v}`")),
    }
}

/// `2026-12-05T03:00[Europe/London]`, `2026-12-05T03:00+00:00`, or a civil time in `zone`.
pub fn time(s: &str, zone: &TimeZone) -> Result<Timestamp, String> {
    if let Ok(z) = s.parse::<jiff::ZonedDateTime>() {
        return Ok(z.timestamp());
    }
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    if let Ok(dt) = s.replacen(' ', "T", 1).parse::<jiff::civil::DateTime>()
        && let Ok(t) = zone.to_timestamp(dt)
    {
        return Ok(t);
    }
    Err(format!(
        "`--at {s}` is not a time: write e.g. `2026-12-05T03:00[Europe/London]`, or `2026-12-05T03:00` in the policy's zone"
    ))
}
