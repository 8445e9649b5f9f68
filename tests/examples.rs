//! The shipped examples: `examples/acme` is clean and uses every construct; the resolved
//! model of `examples/minimal.imp` is kept as a golden file.

use crate::common::*;
use imp::check::check;
use imp::model::types::*;

#[test]
fn acme_checks_clean_with_warnings_denied() {
    let o = run(&["check", "--deny-warnings", "examples/acme"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(
        stdout(&o).starts_with("no problems found in "),
        "{}",
        stdout(&o)
    );
}

#[test]
fn acme_is_a_real_scheme_in_several_files() {
    let c = check("examples/acme").expect("loads");
    assert!(c.sources.files().len() >= 5, "several files");
    let lines: usize = c
        .sources
        .files()
        .iter()
        .map(|f| f.text.lines().count())
        .sum();
    assert!(lines >= 400, "acme has {lines} lines");
}

#[test]
fn minimal_checks_clean() {
    let o = run(&["check", "--deny-warnings", "examples/minimal.imp"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
}

#[test]
fn minimal_model_matches_the_golden_json() {
    let c = check("examples/minimal.imp").expect("loads");
    assert!(!c.has_errors());
    let json = serde_json::to_string_pretty(&c.model).expect("serialises");
    insta::assert_snapshot!("minimal_model", json);
}

fn any<T>(items: &[T], what: &str, f: impl Fn(&T) -> bool) {
    assert!(items.iter().any(f), "acme has no {what}");
}

/// Every construct of the language is present in acme's model, as typed fields.
#[test]
fn acme_model_has_every_construct() {
    let c = check("examples/acme").expect("loads");
    assert!(!c.has_errors());
    let m = &c.model;
    // organisation and policy
    any(
        &m.organisations,
        "organisation with scope, regimes and upward reporting",
        |o| {
            o.scope.is_some()
                && !o.regimes.is_empty()
                && o.parent.is_some()
                && o.report_upward
                    .iter()
                    .any(|r| r.within.is_some() && r.when.is_some())
        },
    );
    any(
        &m.policies,
        "policy with owner, approval, review, commitment, definitions",
        |p| {
            p.version.is_some()
                && p.owner.is_some()
                && p.approved_by.as_ref().is_some_and(|a| a.on.is_some())
                && p.review.is_some()
                && p.commitment.is_some()
                && !p.covers.is_empty()
                && !p.definitions.is_empty()
        },
    );
    // people, roles, teams
    any(
        &m.people,
        "person with an out-of-band contact and a verified date",
        |p| !p.out_of_band.is_empty() && p.verified.is_some(),
    );
    any(&m.roles, "role with an ordered backup chain", |r| {
        r.backup.len() >= 2
    });
    any(&m.roles, "role with authorities and duties", |r| {
        !r.authority.is_empty() && !r.duties.is_empty()
    });
    any(&m.roles, "role exclusive with another", |r| {
        !r.exclusive_with.is_empty()
    });
    any(&m.roles, "transfer of command", |r| {
        r.hands_over_to.iter().any(|h| h.when.is_some())
    });
    any(&m.teams, "team with lead, members and rota", |t| {
        t.lead.is_some() && !t.members.is_empty() && t.on_call.is_some()
    });
    // time
    any(&m.calendars, "calendar with hours and holidays", |c| {
        !c.hours.is_empty() && !c.holidays.is_empty() && c.timezone.is_some()
    });
    any(&m.schedules, "rota with rotation", |s| {
        s.rotate.as_ref().is_some_and(|r| r.people.len() >= 2)
    });
    any(&m.schedules, "24x7 schedule", |s| {
        s.hours.iter().any(|w| matches!(w, Window::Always { .. }))
    });
    let windows = m
        .schedules
        .iter()
        .flat_map(|s| &s.hours)
        .chain(m.points_of_contact.iter().flat_map(|p| &p.hours))
        .chain(m.calendars.iter().flat_map(|c| &c.hours))
        .chain(m.channels.iter().flat_map(|c| &c.hours));
    assert!(
        windows
            .clone()
            .any(|w| matches!(w, Window::Weekly { start, end, .. } if end <= start)),
        "acme has no window crossing midnight"
    );
    // reporting
    any(
        &m.points_of_contact,
        "point of contact with out-of-hours cover",
        |p| p.out_of_hours.is_some() && p.assess_within.is_some(),
    );
    any(
        &m.channels,
        "channel for all staff landing at the PoC",
        |c| {
            c.lands_at.is_some()
                && c.audience
                    .iter()
                    .any(|a| matches!(a, Member::Group(g) if g == "all_staff"))
        },
    );
    any(&m.channels, "out-of-band channel", |c| c.out_of_band);
    any(&m.externals, "verified external party", |e| {
        e.verified.is_some() && e.kind.is_some()
    });
    // assessment
    any(&m.impacts, "impact with three levels or more", |i| {
        i.levels.len() >= 3
    });
    assert!(m.scales.len() >= 2, "two scales");
    any(&m.scales, "scale with if_unsure", |s| {
        s.if_unsure.as_deref() == Some("higher")
    });
    let levels: Vec<&Level> = m.scales.iter().flat_map(|s| &s.levels).collect();
    assert!(levels.iter().any(|l| l.crisis
        && l.when.is_some()
        && l.decided_by.is_some()
        && !l.notify.is_empty()
        && l.review.is_some()));
    assert!(
        levels
            .iter()
            .any(|l| l.update.as_ref().is_some_and(|u| u.phases.len() >= 2)),
        "cadence that changes over time"
    );
    any(&m.mappings, "mapping between scales", |x| {
        !x.pairs.is_empty()
    });
    any(&m.categories, "nested category", |c| c.parent.is_some());
    any(&m.categories, "ATT&CK and taxonomy mappings", |c| {
        !c.attack.is_empty()
    });
    any(&m.categories, "taxonomy mapping", |c| {
        !c.maps_to.is_empty() && c.threat.is_some()
    });
    any(
        &m.categories,
        "category with minimum level and procedure",
        |c| c.minimum.is_some() && c.procedure.is_some(),
    );
    // response
    any(
        &m.escalations,
        "escalation with delays, triggers and bounded repeats",
        |e| {
            e.repeat.is_some()
                && e.hops.iter().any(|h| h.within.is_some())
                && e.hops.iter().any(|h| h.when.is_some())
        },
    );
    let steps: Vec<&Step> = m.procedures.iter().flat_map(|p| &p.steps).collect();
    for kind in [
        StepKind::Action,
        StepKind::Decision,
        StepKind::Parallel,
        StepKind::Notify,
        StepKind::Escalate,
        StepKind::Collect,
        StepKind::Run,
        StepKind::End,
    ] {
        assert!(steps.iter().any(|s| s.kind == kind), "no {kind:?} step");
    }
    assert!(
        steps.iter().any(|s| s.kind == StepKind::Decision
            && s.decided_by.is_some()
            && s.options.iter().any(|o| o.when.is_some())),
        "decision with decider and conditional option"
    );
    assert!(
        steps
            .iter()
            .any(|s| s.precondition.is_some()
                && s.approved_by.as_ref().is_some_and(|q| q.required >= 2)),
        "quorum-approved precondition"
    );
    assert!(
        steps.iter().any(|s| !s.needs.is_empty()),
        "step needing an authority"
    );
    assert!(
        steps.iter().any(|s| s.origin == Origin::Overridden),
        "overridden step"
    );
    assert!(
        steps.iter().any(|s| s.origin == Origin::Inherited),
        "inherited step"
    );
    any(&m.procedures, "procedure extending a base", |p| {
        p.extends.is_some()
    });
    any(&m.evidence, "evidence handling", |e| {
        e.custodian.is_some() && e.log.is_some() && e.retain.is_some()
    });
    any(&m.communications, "communications plan", |c| {
        c.statements_approved_by.is_some() && !c.audiences.is_empty()
    });
    // obligations
    any(
        &m.obligations,
        "obligation with clock start and deadlines",
        |o| {
            o.when.is_some()
                && o.clock_starts.is_some()
                && !o.deadlines.is_empty()
                && o.to.is_some()
                && o.owner.is_some()
        },
    );
    let durations = m
        .obligations
        .iter()
        .flat_map(|o| o.deadlines.iter().map(|d| &d.within));
    assert!(
        durations
            .clone()
            .any(|d| d.unit == DurationUnit::BusinessDays && d.calendar.is_some()),
        "business-day deadline"
    );
    assert!(
        durations.clone().any(|d| d.unit == DurationUnit::Months),
        "calendar-month deadline"
    );
    // documents, training, review
    any(&m.forms, "form with required fields", |f| {
        f.fields.iter().any(|x| x.required)
    });
    any(&m.trainings, "training", |t| {
        !t.audience.is_empty() && t.every.is_some()
    });
    any(&m.exercises, "exercise", |e| {
        e.scenario.is_some() && e.severity.is_some()
    });
    any(&m.reviews, "review plan", |r| {
        r.post_incident.is_some() && r.scheme.is_some() && !r.metrics.is_empty()
    });
    // documentation comments
    assert!(
        m.roles.iter().any(|r| r.decl.doc.is_some())
            || m.procedures.iter().any(|p| p.decl.doc.is_some()),
        "doc comments"
    );
}
