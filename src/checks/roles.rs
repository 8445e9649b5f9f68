//! Roles and people (IMP08xx): every role held and backed up, every person reachable (and
//! out of band when on call), nobody holding roles that must be apart, holders trained for
//! their roles, contact details verified.

use super::Context;
use crate::diagnostics::{Code, Diagnostic, backticked};
use crate::model::{
    Backup, DeclId, Map, PersonId, Prop, Ref, Role, RoleHolder, RoleId, ScheduleId, Set, TeamId,
};
use crate::source::{HasSpan, Span};

pub(super) fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let direct = direct_holders(cx);
    for r in &cx.model.roles {
        not_held(cx, r, out);
        no_backup(cx, r, out);
        holder_is_backup(cx, r, out);
        untrained(cx, r, out);
    }
    exclusive(cx, &direct, out);
    together(cx, &direct, out);
    contacts(cx, out);
    stale(cx, out);
}

/// Each role's holders that are people, directly (`held_by alice`, `held_by any [alice, bob]`).
fn direct_holders(cx: &Context) -> Vec<Vec<(PersonId, Span)>> {
    cx.model
        .roles
        .iter()
        .map(|r| {
            r.held_by
                .iter()
                .flat_map(|h| h.value.of.iter())
                .filter_map(|x| match x.target {
                    Some(RoleHolder::Person(p)) => Some((p, x.span)),
                    _ => None,
                })
                .collect()
        })
        .collect()
}

/// IMP0801: a role nobody holds (and nobody assigns per incident).
fn not_held(cx: &Context, r: &Role, out: &mut Vec<Diagnostic>) {
    let given = r.held_by.is_some() || r.assigned_by.is_some();
    if cx.lacks(r.id, given, "held_by") && !cx.is_open(r.id, "assigned_by") {
        out.push(
            cx.at(Code::RoleNotHeld, r.id, format!("role `{}` is held by nobody", cx.name(r.id)))
                .label("no `held_by`")
                .help("say who holds it: `held_by PERSON`, a rota (`held_by SCHEDULE`), `held_by any [a, b]`, or `assigned_by ROLE` for a role appointed per incident"),
        );
    }
}

/// IMP0802: a role with no backup. A role any of several may hold, one appointed per incident,
/// and a title held by another role have their backups in their holders.
fn no_backup(cx: &Context, r: &Role, out: &mut Vec<Diagnostic>) {
    let several = r
        .held_by
        .as_ref()
        .is_some_and(|h| h.value.any.is_some() && h.value.of.len() > 1);
    // A title held by another role (`held_by ciso`) takes that role's backups.
    let title = r.held_by.as_ref().is_some_and(|h| {
        h.value
            .of
            .iter()
            .all(|x| matches!(x.target, Some(RoleHolder::Role(_))))
    });
    if several || title || r.assigned_by.is_some() || r.held_by.is_none() {
        return;
    }
    if cx.lacks(r.id, r.backup.is_some(), "backup") {
        out.push(
            cx.at(
                Code::RoleWithoutBackup,
                r.id,
                format!("role `{}` has no backup", cx.name(r.id)),
            )
            .label("no `backup`")
            .help("name who stands in when the holder is away: `backup [PERSON, ROLE or SCHEDULE]`, tried in order"),
        );
    }
}

/// IMP0805: the holder is also the role's backup, so nobody stands in.
fn holder_is_backup(cx: &Context, r: &Role, out: &mut Vec<Diagnostic>) {
    let (Some(held), Some(backup)) = (&r.held_by, &r.backup) else {
        return;
    };
    for b in backup.value.iter() {
        let Some(t) = b.target else { continue };
        let same = held.value.of.iter().find(|h| match (h.target, t) {
            (Some(RoleHolder::Person(a)), Backup::Person(b)) => a == b,
            (Some(RoleHolder::Schedule(a)), Backup::Schedule(b)) => a == b,
            (Some(RoleHolder::Role(a)), Backup::Role(b)) => a == b,
            _ => false,
        });
        if let Some(h) = same {
            out.push(
                Diagnostic::new(
                    Code::HolderIsBackup,
                    b.span,
                    format!(
                        "`{}` is both the holder and a backup of role `{}`",
                        cx.text(b.span),
                        cx.name(r.id)
                    ),
                )
                .label("the backup")
                .with_secondary(h.span, "the holder")
                .help("a backup stands in when the holder cannot: name someone else"),
            );
        }
    }
}

/// The people who hold a role in turn through a rota.
fn rota_people<'a>(cx: &Context<'a>, s: ScheduleId) -> impl Iterator<Item = &'a Ref<PersonId>> {
    cx.model[s]
        .rotate
        .iter()
        .flat_map(|r| r.value.people.iter())
}

/// IMP0808: a holder or backup who lacks the training the role requires.
fn untrained(cx: &Context, r: &Role, out: &mut Vec<Diagnostic>) {
    let Some(requires) = &r.requires else { return };
    // The people who hold it: directly, in a rota, and as backups.
    let mut people: Vec<(PersonId, Span, &str)> = Vec::new();
    let mut add = |target: Option<RoleHolder>, span: Span, how: &'static str| match target {
        Some(RoleHolder::Person(p)) => people.push((p, span, how)),
        Some(RoleHolder::Schedule(s)) => {
            let how = if how == "holds" {
                "rota holds"
            } else {
                "rota backs up"
            };
            for x in rota_people(cx, s) {
                if let Some(p) = x.target {
                    people.push((p, x.span, how));
                }
            }
        }
        _ => {}
    };
    for h in r.held_by.iter().flat_map(|h| h.value.of.iter()) {
        add(h.target, h.span, "holds");
    }
    for b in r.backup.iter().flat_map(|b| b.value.iter()) {
        let t = match b.target {
            Some(Backup::Person(p)) => Some(RoleHolder::Person(p)),
            Some(Backup::Schedule(s)) => Some(RoleHolder::Schedule(s)),
            _ => None,
        };
        add(t, b.span, "is a backup of");
    }
    let mut seen: Set<PersonId> = Set::default();
    for (p, span, how) in people {
        if !seen.insert(p) {
            continue;
        }
        let person = &cx.model[p];
        let missing: Vec<&str> = requires
            .value
            .iter()
            .filter(|t| {
                t.target
                    .is_some_and(|t| !person.trained.iter().any(|x| x.value.by.target == Some(t)))
            })
            .map(|t| cx.text(t.span))
            .collect();
        if missing.is_empty() || !cx.read_cleanly(person.id) {
            continue;
        }
        let how = match how {
            "holds" => format!("holds role `{}`", cx.name(r.id)),
            "is a backup of" => format!("is a backup of role `{}`", cx.name(r.id)),
            "rota holds" => format!("is in the rota that holds role `{}`", cx.name(r.id)),
            _ => format!("is in the rota that backs up role `{}`", cx.name(r.id)),
        };
        out.push(
            Diagnostic::new(
                Code::Untrained,
                span,
                format!(
                    "`{}` {how} without the training {} it requires",
                    cx.name(person.id),
                    backticked(&missing, ", ")
                ),
            )
            .label("not trained")
            .with_secondary(requires.value.span, "the training the role requires")
            .with_secondary(cx.head(person.id), "no `trained` for it")
            .help(format!(
                "record the training with `trained {} on DATE` in person `{}`, or train them first",
                missing[0],
                cx.name(person.id)
            )),
        );
    }
}

/// IMP0807: one person holds two roles that exclude each other (`exclusive_with`).
fn exclusive(cx: &Context, direct: &[Vec<(PersonId, Span)>], out: &mut Vec<Diagnostic>) {
    // Each team's member roles, built once, for `exclusive_with [..] in TEAM`.
    let mut members: Map<TeamId, Set<RoleId>> = Map::default();
    // A pair declared exclusive from both sides is one rule: reported once.
    let mut pairs: Set<(RoleId, RoleId, PersonId)> = Set::default();
    for (i, r) in cx.model.roles.iter().enumerate() {
        let me = RoleId(i as u32);
        let Some(ex) = &r.exclusive_with else {
            continue;
        };
        let team = ex.value.in_team.as_ref().and_then(|t| t.target);
        if ex.value.in_team.is_some() && team.is_none() {
            continue;
        }
        if let Some(t) = team {
            members.entry(t).or_insert_with(|| {
                cx.model[t]
                    .members
                    .iter()
                    .flat_map(|m| m.value.iter())
                    .filter_map(|m| match m.target {
                        Some(crate::model::RoleOrPerson::Role(r)) => Some(r),
                        _ => None,
                    })
                    .collect()
            });
        }
        for other in ex.value.roles.iter() {
            let Some(o) = other.target else { continue };
            if o == me {
                continue;
            }
            if let Some(t) = team
                && members
                    .get(&t)
                    .is_none_or(|m| !m.contains(&o) || !m.contains(&me))
            {
                continue;
            }
            for (p, span) in &direct[i] {
                let Some((_, other_span)) = direct[o.0 as usize].iter().find(|(q, _)| q == p)
                else {
                    continue;
                };
                if !pairs.insert((me.min(o), me.max(o), *p)) {
                    continue;
                }
                out.push(
                    Diagnostic::new(
                        Code::ExclusiveHeldTogether,
                        *span,
                        format!(
                            "`{}` holds both `{}` and `{}`, which exclude each other",
                            cx.name(cx.model[*p].id),
                            cx.name(r.id),
                            cx.text(other.span)
                        ),
                    )
                    .label(format!("holds `{}`", cx.name(r.id)))
                    .with_secondary(*other_span, format!("holds `{}`", cx.text(other.span)))
                    .with_secondary(other.span, "declared exclusive here")
                    .help("roles that check each other need different people: give one of them another holder"),
                );
            }
        }
    }
}

/// IMP0806: one person in several roles that a level calls on at once (its decider and the
/// parties it notifies): at that severity, one absence loses all of them.
fn together(cx: &Context, direct: &[Vec<(PersonId, Span)>], out: &mut Vec<Diagnostic>) {
    // Each person's roles in use at one level, most severe level of the first scale first;
    // a person is reported once, at the first level where it happens.
    let mut reported: Set<PersonId> = Set::default();
    for scale in &cx.model.scales {
        for level in &scale.levels {
            let mut roles: Vec<(RoleId, Span)> = Vec::new();
            if let Some(d) = &level.decided_by
                && let Some(crate::model::Holder::Role(r)) = d.value.target
            {
                roles.push((r, d.value.span));
            }
            for n in level.notify.iter().flat_map(|n| n.value.iter()) {
                if let Some(crate::model::Party::Role(r)) = n.target {
                    roles.push((r, n.span));
                }
            }
            let mut by_person: Map<PersonId, Vec<(RoleId, Span)>> = Map::default();
            let mut order: Vec<PersonId> = Vec::new();
            let mut seen_roles: Set<RoleId> = Set::default();
            for (r, span) in roles {
                if !seen_roles.insert(r) {
                    continue;
                }
                // Its one holder, when `held_by` names a person and nothing else.
                let only = cx.model[r]
                    .held_by
                    .as_ref()
                    .is_some_and(|h| h.value.of.len() == 1);
                if let ([(p, _)], true) = (direct[r.0 as usize].as_slice(), only) {
                    let e = by_person.entry(*p).or_default();
                    if e.is_empty() {
                        order.push(*p);
                    }
                    e.push((r, span));
                }
            }
            for p in order {
                let held = &by_person[&p];
                if held.len() < 2 || !reported.insert(p) {
                    continue;
                }
                let person = cx.model[p].id;
                let names: Vec<&str> = held.iter().map(|(r, _)| cx.name(cx.model[*r].id)).collect();
                let mut d = cx
                    .at(
                        Code::RolesTogether,
                        person,
                        format!(
                            "`{}` holds {} roles that level `{}` calls on together: {}",
                            cx.name(person),
                            held.len(),
                            cx.name(level.id),
                            backticked(&names, ", ")
                        ),
                    )
                    .label("one person");
                for (r, span) in held {
                    d = d.with_secondary(
                        *span,
                        format!("`{}` at `{}`", cx.name(cx.model[*r].id), cx.name(level.id)),
                    );
                }
                out.push(d.help(format!(
                    "when `{}` is away or overloaded, every one of these roles is lost at once: give some of them other holders, or backups who are not `{}`",
                    cx.name(person),
                    cx.name(person)
                )));
            }
        }
    }
}

/// IMP0803 and IMP0804: every person can be reached, and anyone on call out of band too.
fn contacts(cx: &Context, out: &mut Vec<Diagnostic>) {
    // Who is on call: the people of every rota, with the first place they are named.
    let mut on_call: Map<PersonId, Span> = Map::default();
    for s in &cx.model.schedules {
        for r in s.rotate.iter().flat_map(|r| r.value.people.iter()) {
            if let Some(p) = r.target {
                on_call.entry(p).or_insert(r.span);
            }
        }
    }
    for (i, p) in cx.model.people.iter().enumerate() {
        let any = !p.email.is_empty() || !p.phone.is_empty() || !p.out_of_band.is_empty();
        let open = ["email", "phone", "out_of_band"]
            .iter()
            .any(|k| cx.is_open(p.id, k));
        if !any && !open && cx.read_cleanly(p.id) {
            out.push(
                cx.at(
                    Code::NoContact,
                    p.id,
                    format!("person `{}` has no contact method", cx.name(p.id)),
                )
                .label("no `email`, `phone` or `out_of_band`")
                .help("give at least an `email` or a `phone`, so that the person can be called during an incident"),
            );
            continue;
        }
        if let Some(span) = on_call.get(&PersonId(i as u32))
            && cx.lacks(p.id, !p.out_of_band.is_empty(), "out_of_band")
        {
            out.push(
                cx.at(
                    Code::NoOutOfBand,
                    p.id,
                    format!(
                        "person `{}` is on call but has no out-of-band contact",
                        cx.name(p.id)
                    ),
                )
                .label("no `out_of_band`")
                .with_secondary(*span, "on call in this rota")
                .help("when e-mail and the phone system are down (ransomware, an outage), the on-call person must still be reached: add `out_of_band signal \"+44 ...\"` or another method outside the corporate systems"),
            );
        }
    }
}

/// IMP0809: contact details last verified more than a year before the day of the check, or
/// on a day after it.
fn stale(cx: &Context, out: &mut Vec<Diagnostic>) {
    let today = cx.config.as_of;
    let year_ago = today.saturating_sub(jiff::Span::new().years(1));
    let mut check = |id: DeclId, verified: &Option<Prop<crate::model::Date>>| {
        let Some(v) = verified else { return };
        let date = v.value.date;
        let message = if date < year_ago {
            format!(
                "the contact details of `{}` were last verified on {date}, more than a year before {today}",
                cx.name(id)
            )
        } else if date > today {
            format!(
                "the contact details of `{}` are verified on {date}, after {today}",
                cx.name(id)
            )
        } else {
            return;
        };
        out.push(
            Diagnostic::new(Code::StaleVerification, v.value.span(), message)
                .label("`verified`")
                .help("call or write to the contact to confirm the details, then set `verified` to that day"),
        );
    };
    for p in &cx.model.people {
        check(p.id, &p.verified);
    }
    for e in &cx.model.externals {
        check(e.id, &e.verified);
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use crate::diagnostics::Code;

    #[test]
    fn a_role_nobody_holds_is_found() {
        let text =
            "role a \"A\" {}\nrole b \"B\" { held_by tbd }\nrole c \"C\" { assigned_by b }\n";
        assert_eq!(
            findings(Code::RoleNotHeld, text),
            ["1: role `a` is held by nobody"]
        );
    }

    #[test]
    fn a_role_without_backup_is_found_unless_several_hold_it() {
        let text = "person p \"P\" { email \"p@x.org\" }\nperson q \"Q\" { email \"q@x.org\" }\n\
                    role a \"A\" { held_by p }\nrole b \"B\" { held_by any [p, q] }\n\
                    role c \"C\" { held_by p; backup [q] }\nrole d \"D\" { held_by c }\n";
        assert_eq!(
            findings(Code::RoleWithoutBackup, text),
            ["3: role `a` has no backup"]
        );
    }

    #[test]
    fn the_holder_as_backup_is_found() {
        let text =
            "person p \"P\" { email \"p@x.org\" }\nrole a \"A\" {\n  held_by p\n  backup [p]\n}\n";
        assert_eq!(
            findings(Code::HolderIsBackup, text),
            ["4: `p` is both the holder and a backup of role `a`"]
        );
    }

    #[test]
    fn people_without_contacts_and_on_call_people_without_out_of_band_are_found() {
        let text = "person p \"P\" {}\nperson q \"Q\" { email \"q@x.org\" }\n\
                    person r \"R\" { email \"r@x.org\"; out_of_band signal \"+44 7700 900001\" }\n\
                    schedule s \"S\" { hours 24x7; rotate weekly [q, r] }\n";
        assert_eq!(
            findings(Code::NoContact, text),
            ["1: person `p` has no contact method"]
        );
        assert_eq!(
            findings(Code::NoOutOfBand, text),
            ["2: person `q` is on call but has no out-of-band contact"]
        );
    }

    #[test]
    fn holders_need_the_training_their_role_requires() {
        let text = "training t \"T\" { every 12mo }\n\
                    person p \"P\" { email \"p@x.org\"; trained t on 2026-01-10 }\n\
                    person q \"Q\" { email \"q@x.org\" }\n\
                    role a \"A\" { held_by p; backup [q]; requires [t] }\n";
        assert_eq!(
            findings(Code::Untrained, text),
            ["4: `q` is a backup of role `a` without the training `t` it requires"]
        );
    }

    #[test]
    fn one_person_in_exclusive_roles_is_an_error() {
        let text = "person p \"P\" { email \"p@x.org\" }\n\
                    role a \"A\" { held_by p; exclusive_with [b] }\nrole b \"B\" { held_by p }\n";
        assert_eq!(
            findings(Code::ExclusiveHeldTogether, text),
            ["2: `p` holds both `a` and `b`, which exclude each other"]
        );
    }

    #[test]
    fn one_person_in_several_roles_of_one_level_is_found() {
        let text = "person p \"P\" { email \"p@x.org\" }\nperson q \"Q\" { email \"q@x.org\" }\n\
                    role a \"A\" { held_by p }\nrole b \"B\" { held_by p }\nrole c \"C\" { held_by q }\n\
                    scale s \"S\" { level high \"High\" { decided_by a; notify [b, c] } }\n";
        assert_eq!(
            findings(Code::RolesTogether, text),
            ["1: `p` holds 2 roles that level `high` calls on together: `a`, `b`"]
        );
    }

    #[test]
    fn verification_older_than_a_year_is_stale() {
        let text = "person p \"P\" { email \"p@x.org\"; verified 2025-11-30 }\n\
                    person q \"Q\" { email \"q@x.org\"; verified 2025-12-01 }\n";
        assert_eq!(
            findings(Code::StaleVerification, text),
            [
                "1: the contact details of `p` were last verified on 2025-11-30, more than a year before 2026-12-01"
            ]
        );
    }
}

#[cfg(test)]
mod regressions {
    use super::super::findings;
    use crate::diagnostics::Code;

    #[test]
    fn exclusive_roles_are_reported_once_and_never_against_themselves() {
        let text = "person p \"P\" { email \"p@x.org\" }\n\
                    role a \"A\" { held_by p; exclusive_with [b] }\n\
                    role b \"B\" { held_by p; exclusive_with [a] }\n";
        assert_eq!(findings(Code::ExclusiveHeldTogether, text).len(), 1);
        let text = "person p \"P\" { email \"p@x.org\" }\nrole x \"X\" { held_by p; exclusive_with [x] }\n";
        assert!(findings(Code::ExclusiveHeldTogether, text).is_empty());
    }

    #[test]
    fn a_person_among_several_holders_is_not_the_sole_holder() {
        let text = "person sam \"Sam\" { email \"s@x.org\" }\nperson kim \"Kim\" { email \"k@x.org\" }\n\
                    role a \"A\" { held_by any [sam, kim] }\nrole b \"B\" { held_by any [sam, kim] }\n\
                    scale s \"S\" { level high \"High\" { decided_by a; notify [b] } }\n";
        assert!(findings(Code::RolesTogether, text).is_empty());
    }

    #[test]
    fn a_duplicate_left_out_may_be_what_a_check_finds_missing() {
        let text = "policy \"P\" { owner r }\nrole desk \"Desk\" { held_by tbd }\nrole r \"R\" { held_by tbd }\n\
                    point_of_contact desk \"Desk\" { held_by r }\n";
        assert!(
            !findings(Code::MandatoryRoleMissing, text)
                .iter()
                .any(|f| f.contains("point of contact"))
        );
    }
}
