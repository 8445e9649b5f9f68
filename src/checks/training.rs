//! Awareness, training, exercises and reviews (IMP14xx): every role with duties trained for
//! them, every training repeated, awareness for all staff, an exercise plan, dates that
//! promise a future event still in the future, and a review with a deadline and a cadence.

use super::Context;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{
    DeclId, Duration, DurationUnit, Group, Holder, Limit, Member, Model, RoleOrPerson, Set, TeamId,
};
use crate::source::Span;

pub(super) fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    untrained_roles(cx, out);
    without_cadence(cx, out);
    no_awareness(cx, out);
    no_exercise(cx, out);
    dates_past(cx, out);
    no_review(cx, out);
}

/// Whether every training's audience is known: given and resolved, or absent from a
/// training read cleanly.
fn audiences_known(cx: &Context) -> bool {
    cx.model.trainings.iter().all(|t| match &t.audience {
        Some(a) => a.value.iter().all(|m| match m {
            Member::Group(_) => true,
            Member::Ref(r) => r.target.is_some(),
        }),
        None => cx.lacks(t.id, false, "audience"),
    })
}

/// IMP1401: a role with duties that no training's audience names (the role, or a team it
/// leads or belongs to, or a team above such a team) and that requires no training. An
/// audience of a group (`all_staff`) is awareness, not training for a role's duties.
fn untrained_roles(cx: &Context, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    if !cx.may_lack || !audiences_known(cx) {
        return;
    }
    let mut roles: Set<u32> = Set::default();
    let mut named: Set<TeamId> = Set::default();
    for t in &m.trainings {
        for member in t.audience.iter().flat_map(|a| a.value.iter()) {
            match member {
                Member::Ref(r) => match r.target {
                    Some(Holder::Role(id)) => {
                        roles.insert(id.0);
                    }
                    Some(Holder::Team(id)) => {
                        named.insert(id);
                    }
                    _ => {}
                },
                Member::Group(_) => {}
            }
        }
    }
    let trained = trained_teams(m, &named);
    for (team, _) in m.teams.iter().zip(&trained).filter(|(_, t)| **t) {
        let lead = team.lead.iter().map(|l| &l.value);
        let members = team.members.iter().flat_map(|l| l.value.iter());
        for r in lead.chain(members) {
            match r.target {
                Some(RoleOrPerson::Role(id)) => {
                    roles.insert(id.0);
                }
                Some(RoleOrPerson::Person(_)) => {}
                // A member not known may be any role.
                None => return,
            }
        }
        if team.members.is_none() && !cx.lacks(team.id, false, "members") {
            return;
        }
    }
    for (i, r) in m.roles.iter().enumerate() {
        let Some(duty) = r.duties.first() else {
            continue;
        };
        if roles.contains(&(i as u32)) || !cx.lacks(r.id, r.requires.is_some(), "requires") {
            continue;
        }
        out.push(
            cx.at(
                Code::RoleWithoutTraining,
                r.id,
                format!("{} has duties and no training", cx.describe(r.id)),
            )
            .label("no training names this role or its teams")
            .with_secondary(duty.value.span, "a duty it is not trained for")
            .help("name the role, or a team it belongs to, in the `audience` of a training for these duties, or say which training its holders need: `requires [TRAINING]`; awareness for `all_staff` does not count"),
        );
    }
}

/// Which teams a training covers: those it names and those under them, down `reports_to`
/// chains. Each team is decided once (a chain already decided stops the walk; a cycle, which
/// is reported elsewhere, reaches no named team of its own).
fn trained_teams(m: &Model, named: &Set<TeamId>) -> Vec<bool> {
    let mut known: Vec<Option<bool>> = vec![None; m.teams.len()];
    let mut path: Vec<usize> = Vec::new();
    let mut on_path: Set<usize> = Set::default();
    for start in 0..m.teams.len() {
        path.clear();
        on_path.clear();
        let mut at = Some(start);
        let answer = loop {
            let Some(t) = at else { break false };
            if let Some(k) = known[t] {
                break k;
            }
            if named.contains(&TeamId(t as u32)) {
                break true;
            }
            if !on_path.insert(t) {
                break false;
            }
            path.push(t);
            at = m.teams[t]
                .reports_to
                .as_ref()
                .and_then(|r| r.value.target)
                .map(|p| p.0 as usize);
        };
        known[start] = Some(answer);
        for &t in &path {
            known[t] = Some(answer);
        }
    }
    known.into_iter().map(|k| k.unwrap_or(false)).collect()
}

/// IMP1402: a training that does not say how often it is given.
fn without_cadence(cx: &Context, out: &mut Vec<Diagnostic>) {
    for t in &cx.model.trainings {
        if cx.lacks(t.id, t.every.is_some(), "every") {
            out.push(
                cx.at(
                    Code::TrainingWithoutCadence,
                    t.id,
                    format!("{} has no `every`", cx.describe(t.id)),
                )
                .label("given once, or who knows when")
                .help(
                    "say how often it is repeated, for newcomers and as a refresher: `every 12mo`",
                ),
            );
        }
    }
}

/// IMP1403: no training has `all_staff` in its audience.
fn no_awareness(cx: &Context, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    if !cx.may_lack || m.is_empty() || !audiences_known(cx) {
        return;
    }
    let all_staff = m.trainings.iter().any(|t| {
        t.audience.as_ref().is_some_and(|a| {
            a.value
                .iter()
                .any(|x| matches!(x, Member::Group(g) if g.value == Group::AllStaff))
        })
    });
    if !all_staff {
        out.push(
            Diagnostic::new(
                Code::NoAwareness,
                cx.scheme_span(),
                "no training has `all_staff` in its audience",
            )
            .label("in this scheme")
            .help("teach everyone what an event looks like and how to report it: `training NAME \"...\" { audience [all_staff]; every 12mo; topics [\"How to report\"] }`"),
        );
    }
}

/// IMP1404: no exercise, or none with a cadence or a next date.
fn no_exercise(cx: &Context, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    if !cx.may_lack || m.is_empty() {
        return;
    }
    let Some(first) = m.exercises.first() else {
        out.push(
            Diagnostic::new(Code::NoExercise, cx.scheme_span(), "the scheme has no `exercise`")
                .label("in this scheme")
                .help("plan how the scheme is tested: `exercise NAME \"...\" { kind tabletop; audience [TEAM]; every 6mo; next DATE }`"),
        );
        return;
    };
    let planned = m.exercises.iter().any(|e| {
        !cx.lacks(e.id, e.every.is_some(), "every") || !cx.lacks(e.id, e.next.is_some(), "next")
    });
    if planned {
        return;
    }
    let mut d = cx
        .at(
            Code::NoExercise,
            first.id,
            "no exercise has an `every` or a `next` date",
        )
        .label("neither repeated nor planned")
        .help("say how often each exercise is held (`every 6mo`) or when the next one is (`next DATE`)");
    for e in &m.exercises[1..] {
        d = d.with_secondary(cx.head(e.id), "nor this one");
    }
    out.push(d);
}

/// How an element is named in a message: `` exercise `x` ``, or `the policy` for one without
/// a name.
fn who(cx: &Context, id: DeclId) -> String {
    if cx.index.def(id).name.is_some() {
        format!("{} `{}`", cx.keyword(id).replace('_', " "), cx.name(id))
    } else {
        format!("the {}", cx.keyword(id).replace('_', " "))
    }
}

/// The day `every` after `date`: months and years by the calendar, business days at their
/// longest (a week each, so that only a certain delay is reported), hours rounded up to days.
fn after(date: jiff::civil::Date, every: &Duration) -> Option<jiff::civil::Date> {
    let n = i64::from(every.amount);
    let span = match every.unit {
        DurationUnit::Months => jiff::Span::new().try_months(n).ok()?,
        DurationUnit::Years => jiff::Span::new().try_years(n).ok()?,
        DurationUnit::BusinessDays => jiff::Span::new().try_days(n * 7).ok()?,
        _ => {
            let s = i64::try_from(every.fixed_seconds()?).ok()?;
            jiff::Span::new().try_days((s + 86_399) / 86_400).ok()?
        }
    };
    date.checked_add(span).ok()
}

/// IMP1405: a date that promises a future event, before the day of the check; and an
/// exercise with no `next` whose last one is further back than its cadence.
fn dates_past(cx: &Context, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    let today = cx.config.as_of;
    let mut past = |id: DeclId, date: Option<&crate::model::Date>, what: &str, help: &str| {
        let Some(d) = date.filter(|d| d.date < today) else {
            return;
        };
        out.push(
            Diagnostic::new(
                Code::DateInPast,
                d.span,
                what.replace("{who}", &who(cx, id))
                    .replace("{date}", &d.date.to_string())
                    + &format!(" (as of {today})"),
            )
            .label("in the past")
            .help(help.to_string()),
        );
    };
    let review = "review it, then write the date of the next review";
    let reviews = (m.policies.iter().map(|p| (p.id, &p.next_review)))
        .chain(m.procedures.iter().map(|p| (p.id, &p.next_review)))
        .chain(m.forms.iter().map(|f| (f.id, &f.next_review)));
    for (id, d) in reviews {
        past(
            id,
            d.as_ref().map(|d| &d.value),
            "the next review of {who} was due on {date}",
            review,
        );
    }
    for e in &m.exercises {
        let d = e.next.as_ref().map(|d| &d.value);
        past(
            e.id,
            d,
            "{who} was next due on {date}",
            "once it is held, write the day in `last` and plan the next one with `next DATE`",
        );
    }
    for a in &m.action_items {
        if a.done.is_some() {
            continue;
        }
        let d = a.due.as_ref().map(|d| &d.value);
        past(
            a.id,
            d,
            "{who} was due on {date} and is not done",
            "mark it `done` once it is finished, or agree a new `due` date",
        );
    }
    for e in &m.exercises {
        let (Some(last), Some(every)) = (&e.last, &e.every) else {
            continue;
        };
        if !cx.lacks(e.id, e.next.is_some(), "next") {
            continue;
        }
        let Some(due) = after(last.value.date, &every.value) else {
            continue;
        };
        if due >= today {
            continue;
        }
        out.push(
            Diagnostic::new(
                Code::DateInPast,
                last.value.span,
                format!(
                    "{} is overdue: held last on {}, every {}, so due by {due} (as of {today})",
                    who(cx, e.id),
                    last.value.date,
                    every.value
                ),
            )
            .label("the last one")
            .with_secondary(every.value.span, "the cadence")
            .help("hold it and write the day in `last`, or plan it with `next DATE`"),
        );
    }
}

/// IMP1406: no review with a time for the post-incident review and a cadence for the review
/// of the scheme.
fn no_review(cx: &Context, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    let Some(_) = m.reviews.first() else {
        if cx.may_lack && !m.is_empty() {
            out.push(
                Diagnostic::new(Code::NoReview, cx.scheme_span(), "the scheme has no `review`")
                    .label("in this scheme")
                    .help("say by when incidents are reviewed and how often the scheme is: `review NAME \"...\" { post_incident within 10bd when severity >= sev2; scheme every 12mo; owner ROLE }`"),
            );
        }
        return;
    };
    let mut found = Vec::new();
    for r in &m.reviews {
        let mut missing: Vec<String> = Vec::new();
        let mut untimed: Option<Span> = None;
        match &r.post_incident {
            Some(p) if matches!(p.value.within.limit, Limit::Unstated) => {
                untimed = Some(p.span());
                missing.push("time for its `post_incident`".into());
            }
            Some(_) => {}
            None => {
                if cx.lacks(r.id, false, "post_incident") {
                    missing.push("`post_incident` deadline".into());
                }
            }
        }
        if cx.lacks(r.id, r.scheme.is_some(), "scheme") {
            missing.push("`scheme` cadence".into());
        }
        if missing.is_empty() {
            return;
        }
        found.push((r, missing, untimed));
    }
    for (r, missing, untimed) in found {
        let mut d = cx
            .at(
                Code::NoReview,
                r.id,
                format!("{} has no {}", who(cx, r.id), missing.join(" and no ")),
            )
            .label("this review")
            .help("say by when an incident is reviewed (`post_incident within 10bd when severity >= sev2`) and how often the scheme is (`scheme every 12mo`)");
        if let Some(s) = untimed {
            d = d.with_secondary(s, "required, with no time");
        }
        out.push(d);
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use crate::diagnostics::Code;

    const ROLES: &str = "role ir_lead \"IR lead\" { held_by tbd; duty \"Runs the response\" }\n\
        role analyst \"Analyst\" { held_by tbd; duty \"Analyses\" }\n\
        role ceo \"CEO\" { held_by tbd }\n\
        team isirt \"ISIRT\" { lead ir_lead }\n\
        team forensics \"Forensics\" { members [analyst]; reports_to isirt }\n";

    #[test]
    fn a_role_with_duties_needs_training() {
        let text =
            format!("{ROLES}training aware \"Awareness\" {{ audience [all_staff]; every 12mo }}\n");
        assert_eq!(
            findings(Code::RoleWithoutTraining, &text),
            [
                "1: role `ir_lead` has duties and no training",
                "2: role `analyst` has duties and no training"
            ]
        );
        // A team's training covers its lead and the members of the teams under it.
        let text = format!("{ROLES}training skills \"Skills\" {{ audience [isirt]; every 6mo }}\n");
        assert!(findings(Code::RoleWithoutTraining, &text).is_empty());
        let text =
            format!("{ROLES}training skills \"Skills\" {{ audience [analyst]; every 6mo }}\n")
                .replace(
                    "duty \"Runs the response\"",
                    "duty \"Runs\"; requires [skills]",
                );
        assert!(findings(Code::RoleWithoutTraining, &text).is_empty());
        // An audience not known could name the role.
        let text = format!("{ROLES}training skills \"Skills\" {{ audience tbd; every 6mo }}\n");
        assert!(findings(Code::RoleWithoutTraining, &text).is_empty());
    }

    #[test]
    fn a_training_needs_a_cadence() {
        assert_eq!(
            findings(
                Code::TrainingWithoutCadence,
                "training t \"T\" { audience [all_staff] }\n"
            ),
            ["1: training `t` has no `every`"]
        );
        assert!(
            findings(
                Code::TrainingWithoutCadence,
                "training t \"T\" { audience [all_staff]; every tbd }\n"
            )
            .is_empty()
        );
    }

    #[test]
    fn all_staff_need_awareness() {
        let text = format!("{ROLES}training t \"T\" {{ audience [isirt]; every 6mo }}\n");
        assert_eq!(
            findings(Code::NoAwareness, &text),
            ["1: no training has `all_staff` in its audience"]
        );
        let text = format!("{ROLES}training t \"T\" {{ audience [isirt, all_staff] }}\n");
        assert!(findings(Code::NoAwareness, &text).is_empty());
    }

    #[test]
    fn exercises_are_planned() {
        assert_eq!(
            findings(Code::NoExercise, ROLES),
            ["1: the scheme has no `exercise`"]
        );
        let text = format!(
            "{ROLES}exercise a \"A\" {{ kind tabletop }}\nexercise b \"B\" {{ kind live }}\n"
        );
        assert_eq!(
            findings(Code::NoExercise, &text),
            ["6: no exercise has an `every` or a `next` date"]
        );
        let text = format!(
            "{ROLES}exercise a \"A\" {{ kind tabletop }}\nexercise b \"B\" {{ next tbd }}\n"
        );
        assert!(findings(Code::NoExercise, &text).is_empty());
    }

    #[test]
    fn dates_that_promise_the_future_are_not_past() {
        let text = "policy \"P\" { next_review 2026-11-30 }\n\
            form f \"F\" { next_review 2026-12-01 }\n\
            exercise a \"A\" { next 2026-06-01 }\n\
            exercise b \"B\" { last 2026-05-31; every 6mo }\n\
            exercise c \"C\" { last 2026-06-01; every 6mo }\n\
            exercise d \"D\" { last 2025-01-01; every 6mo; next 2027-01-01 }\n\
            action_item x \"X\" { due 2026-01-01 }\n\
            action_item y \"Y\" { due 2026-01-01; done }\n";
        assert_eq!(
            findings(Code::DateInPast, text),
            [
                "1: the next review of the policy was due on 2026-11-30 (as of 2026-12-01)",
                "3: exercise `a` was next due on 2026-06-01 (as of 2026-12-01)",
                "4: exercise `b` is overdue: held last on 2026-05-31, every 6mo, so due by 2026-11-30 (as of 2026-12-01)",
                "7: action item `x` was due on 2026-01-01 and is not done (as of 2026-12-01)",
            ]
        );
    }

    #[test]
    fn a_review_needs_a_deadline_and_a_cadence() {
        assert_eq!(
            findings(Code::NoReview, ROLES),
            ["1: the scheme has no `review`"]
        );
        let text = format!("{ROLES}review r \"R\" {{ post_incident required; owner ceo }}\n");
        assert_eq!(
            findings(Code::NoReview, &text),
            ["6: review `r` has no time for its `post_incident` and no `scheme` cadence"]
        );
        let text = format!(
            "{ROLES}review r \"R\" {{ post_incident within 5bd; scheme every 12mo; owner ceo }}\n"
        );
        assert!(findings(Code::NoReview, &text).is_empty());
        let text = format!("{ROLES}review r \"R\" {{ post_incident tbd; scheme tbd }}\n");
        assert!(findings(Code::NoReview, &text).is_empty());
    }
}
