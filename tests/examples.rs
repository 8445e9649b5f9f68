//! The shipped examples: `examples/acme` is clean and uses every construct; the resolved
//! model of `examples/minimal.imp` is kept as a golden file; the index finds elements by name
//! and by position.

use crate::common::*;
use imp::check::{Analysis, check};
use imp::index::Scope;
use imp::model::*;
use imp::source::HasSpan;

#[test]
fn acme_checks_clean_with_warnings_denied() {
    // Every check of the scheme runs: acme is a complete scheme.
    let o = run(&[
        "check",
        "--deny-warnings",
        "--as-of",
        "2026-12-01",
        "examples/acme",
    ]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert!(
        stdout(&o).starts_with("no problems found in "),
        "{}",
        stdout(&o)
    );
}

/// acme answers every report at every hour of the week, in every stretch of the year between
/// changes of the clocks and in the weeks of its bank holidays, whatever day it is checked on.
#[test]
fn acme_is_answered_at_every_hour_through_the_year_and_its_holidays() {
    for as_of in ["2026-01-01", "2026-03-25", "2026-08-20", "2026-12-20"] {
        let o = run(&[
            "check",
            "--format",
            "json",
            "--only=IMP1901,IMP1902,IMP1903",
            "--as-of",
            as_of,
            "examples/acme",
        ]);
        assert_eq!(code(&o), 0, "{as_of}: {}", stdout(&o));
        assert_eq!(json(&o)["diagnostics"], serde_json::json!([]), "{as_of}");
    }
    // Without the analyst's backup, the desk's rota is off on the bank holidays.
    let dir = temp_dir("acme-no-desk-backup");
    for e in std::fs::read_dir(root().join("examples/acme")).expect("acme") {
        let p = e.expect("entry").path();
        if p.is_file() {
            std::fs::copy(&p, dir.join(p.file_name().expect("a name"))).expect("copy");
        }
    }
    let procedures = root().join("examples/acme/procedures");
    std::fs::create_dir_all(dir.join("procedures")).expect("mkdir");
    for e in std::fs::read_dir(&procedures).expect("procedures") {
        let p = e.expect("entry").path();
        std::fs::copy(
            &p,
            dir.join("procedures").join(p.file_name().expect("a name")),
        )
        .expect("copy");
    }
    let roles = dir.join("roles.imp");
    let text = std::fs::read_to_string(&roles).expect("roles");
    let text = text.replace(
        "role desk_analyst \"Service desk analyst\" { held_by desk_rota; backup [isirt_rota];",
        "role desk_analyst \"Service desk analyst\" { held_by desk_rota;",
    );
    std::fs::write(&roles, text).expect("write");
    let path = dir.to_string_lossy().to_string();
    let o = run(&[
        "check",
        "--format",
        "json",
        "--only=IMP1902",
        "--as-of",
        "2026-12-01",
        &path,
    ]);
    let v = json(&o);
    let m = v["diagnostics"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        m.contains("Fri 07:00-19:00 Europe/London in the week of 2026-12-25"),
        "{v}"
    );
}

#[test]
fn the_template_checks_with_warnings_for_its_open_values_and_no_error() {
    // Read only, the template's findings are exactly its open values.
    let o = run(&[
        "check",
        "--format",
        "json",
        "--no-checks",
        "examples/template",
    ]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let v = json(&o);
    let found = codes(&v);
    assert!(found.len() >= 20, "{found:?}");
    assert!(
        found.iter().all(|c| c == "IMP0516" || c == "IMP0517"),
        "{found:?}"
    );
    assert!(found.iter().any(|c| c == "IMP0516") && found.iter().any(|c| c == "IMP0517"));
    let c = check("examples/template").expect("loads");
    assert_eq!(c.model.open.len(), found.len());
    // Checked, it is also told what a whole scheme still needs, as warnings: no error.
    let o = run(&[
        "check",
        "--format",
        "json",
        "--as-of",
        "2026-12-01",
        "examples/template",
    ]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let v = json(&o);
    let checks: Vec<String> = codes(&v)
        .into_iter()
        .filter(|c| imp::diagnostics::Code::parse(c).is_some_and(|c| c.is_check()))
        .collect();
    assert!(checks.iter().any(|c| c == "IMP1404"), "{checks:?}");
    assert_eq!(v["summary"]["errors"], 0, "{}", stdout(&o));
    let o = run(&["check", "--deny-warnings", "examples/template"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
}

#[test]
fn the_playbooks_share_one_skeleton_without_repetition() {
    // Its imp.yaml allows the checks that ask for the rest of the scheme.
    let o = run(&[
        "check",
        "--deny-warnings",
        "--as-of",
        "2026-12-01",
        "examples/playbooks",
    ]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let c = check("examples/playbooks").expect("loads");
    let m = &c.model;
    let skeleton = c.lookup(Scope::Top, "skeleton").expect("skeleton");
    let Loc::Procedure(sk) = c.index.def(skeleton).loc else {
        panic!("a procedure")
    };
    assert_eq!(m[sk].stages.len(), 4);
    // Its steps continue one after another: no `next` is written in the skeleton.
    let flow = m.flow(sk);
    assert!(
        flow.iter()
            .filter(|n| matches!(n, Next::FallsThrough(_)))
            .count()
            >= 5
    );
    assert!(m[sk].steps.iter().all(|s| s.common.next.is_none()));
    let playbooks: Vec<_> = m
        .procedures
        .iter()
        .filter(|p| p.extends.as_ref().and_then(|e| e.value.target) == Some(sk))
        .collect();
    assert_eq!(playbooks.len(), 3);
    assert!(
        playbooks
            .iter()
            .any(|p| p.overrides.iter().any(|o| !o.edits.is_empty()))
    );
}

#[test]
fn acme_uses_the_second_round_of_the_language() {
    let c = check("examples/acme").expect("loads");
    let m = &c.model;
    assert!(m.facts.iter().any(|f| f.judgement) && m.facts.iter().any(|f| !f.judgement));
    assert!(!m.quantities.is_empty() && !m.criteria.is_empty() && !m.moments.is_empty());
    assert!(
        m.impacts
            .iter()
            .any(|i| !i.choices.is_empty() && i.multiple.is_some())
    );
    assert!(
        m.roles
            .iter()
            .any(|r| r.assigned_by.is_some() && r.requires.is_none())
    );
    assert!(
        m.roles
            .iter()
            .any(|r| r.requires.is_some() && r.relieved_after.is_some())
    );
    assert!(m.people.iter().any(|p| !p.trained.is_empty()));
    assert!(
        m.escalations
            .iter()
            .any(|e| e.hops.iter().any(|h| h.timing == HopTiming::FromStart))
    );
    assert!(m.scales.iter().any(|s| {
        s.levels
            .iter()
            .any(|l| l.start_work.is_some() && l.criteria.is_some())
    }));
}

#[test]
fn acme_is_a_real_scheme_in_several_files() {
    let c = check("examples/acme").expect("loads");
    assert!(c.sources.len() >= 5, "several files");
    let lines: usize = c.sources.files().map(|f| f.line_count()).sum();
    assert!(lines >= 400, "acme has {lines} lines");
}

#[test]
fn minimal_checks_clean() {
    // The smallest policy that reads cleanly; as a scheme it lacks much, said in warnings.
    let o = run(&[
        "check",
        "--deny-warnings",
        "--no-checks",
        "examples/minimal.imp",
    ]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let o = run(&[
        "check",
        "--format",
        "json",
        "--as-of",
        "2026-12-01",
        "examples/minimal.imp",
    ]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(json(&o)["summary"]["errors"], 0);
    assert!(json(&o)["summary"]["warnings"].as_u64() > Some(0));
}

#[test]
fn the_startup_checks_with_its_known_gaps_as_warnings_and_no_error() {
    let o = run(&[
        "check",
        "--format",
        "json",
        "--as-of",
        "2026-12-01",
        "examples/startup.imp",
    ]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    let v = json(&o);
    assert_eq!(v["summary"]["errors"], 0);
    let found = codes(&v);
    // No crisis team, one person in three roles, never exercised, nobody on call at night.
    for gap in ["IMP0703", "IMP0806", "IMP1404", "IMP1902"] {
        assert!(found.iter().any(|c| c == gap), "{gap} not in {found:?}");
    }
    let night = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "IMP1902")
        .expect("the night-time gap");
    assert_eq!(
        night["message"],
        "reports to `on_call_desk` reach nobody Mon-Fri 00:00-07:00, Sat-Sun 00:00-09:00 Europe/London"
    );
    let o = run(&[
        "check",
        "--deny-warnings",
        "--as-of",
        "2026-12-01",
        "examples/startup.imp",
    ]);
    assert_eq!(code(&o), 1);
}

/// The model as JSON, with every span shown as its text and place, and every id with the
/// name of what it stands for, so that the golden file can be read.
fn readable(a: &Analysis) -> serde_json::Value {
    fn walk(v: &mut serde_json::Value, a: &Analysis) {
        use serde_json::Value as V;
        match v {
            V::Object(m) => {
                if m.len() == 2
                    && let (Some(lo), Some(hi)) = (
                        m.get("lo").and_then(V::as_u64),
                        m.get("hi").and_then(V::as_u64),
                    )
                {
                    let span = imp::source::Span::new(lo as u32, hi as u32);
                    let f = a.sources.file_of(span);
                    let (l, c) = f.line_col_at(span.lo);
                    let text: String = a.text(span).chars().take(40).collect();
                    *v = V::String(format!("{text:?} @{l}:{c}"));
                    return;
                }
                for (k, x) in m.iter_mut() {
                    if k == "id"
                        && let Some(n) = x.as_u64()
                    {
                        let id = DeclId(n as u32);
                        let d = a.index.def(id);
                        let name = a.index.name(&a.sources, id).unwrap_or("");
                        *x = V::String(format!("{} {name}", d.kind.noun()));
                    } else {
                        walk(x, a);
                    }
                }
            }
            V::Array(xs) => xs.iter_mut().for_each(|x| walk(x, a)),
            _ => {}
        }
    }
    let mut v = serde_json::to_value(&a.model).expect("serialises");
    walk(&mut v, a);
    v
}

#[test]
fn minimal_model_matches_the_golden_json() {
    let c = check("examples/minimal.imp").expect("loads");
    assert!(!c.has_errors());
    let json = serde_json::to_string_pretty(&readable(&c)).expect("serialises");
    insta::assert_snapshot!("minimal_model", json);
}

fn any<T>(items: &[T], what: &str, f: impl Fn(&T) -> bool) {
    assert!(items.iter().any(f), "acme has no {what}");
}

fn some_list<T>(p: &Option<Prop<List<T>>>) -> bool {
    p.as_ref().is_some_and(|p| !p.value.items.is_empty())
}

/// Every construct of the language is present in acme's model, as typed fields, and every
/// reference in it is resolved.
#[test]
fn acme_model_has_every_construct() {
    let c = check("examples/acme").expect("loads");
    assert!(!c.has_errors());
    let m = &c.model;
    let text = |s: imp::source::Span| c.text(s).to_string();
    any(
        &m.organisations,
        "organisation with scope, regimes and upward reporting",
        |o| {
            o.scope.is_some()
                && some_list(&o.regimes)
                && o.parent.as_ref().is_some_and(|p| p.value.target.is_some())
                && o.report_upward
                    .iter()
                    .any(|r| r.value.within.is_some() && r.value.when.is_some())
        },
    );
    any(
        &m.policies,
        "policy with owner, approval, review, commitment, definitions",
        |p| {
            p.version.is_some()
                && p.owner.is_some()
                && p.approved_by.as_ref().is_some_and(|a| a.value.on.is_some())
                && p.review.is_some()
                && p.commitment.is_some()
                && some_list(&p.covers)
                && !p.definitions.is_empty()
        },
    );
    any(
        &m.people,
        "person with an out-of-band contact and a verified date",
        |p| !p.out_of_band.is_empty() && p.verified.is_some(),
    );
    any(&m.roles, "role with an ordered backup chain", |r| {
        r.backup.as_ref().is_some_and(|b| b.value.items.len() >= 2)
    });
    any(&m.roles, "role with authorities and duties", |r| {
        some_list(&r.authority) && !r.duties.is_empty()
    });
    any(&m.roles, "role exclusive with another", |r| {
        r.exclusive_with
            .as_ref()
            .is_some_and(|x| !x.value.roles.is_empty())
    });
    any(&m.roles, "transfer of command", |r| {
        r.hands_over_to.iter().any(|h| h.value.when.is_some())
    });
    any(&m.teams, "team with lead, members and rota", |t| {
        t.lead.is_some() && some_list(&t.members) && t.on_call.is_some()
    });
    any(&m.calendars, "calendar with hours and holidays", |c| {
        !c.hours.is_empty() && !c.holidays.is_empty() && c.timezone.is_some()
    });
    any(&m.schedules, "rota with rotation", |s| {
        s.rotate
            .as_ref()
            .is_some_and(|r| r.value.people.items.len() >= 2)
    });
    any(&m.schedules, "24x7 schedule", |s| {
        s.hours
            .iter()
            .any(|w| matches!(w.value, Window::Always { .. }))
    });
    let windows: Vec<&Window> = m
        .schedules
        .iter()
        .flat_map(|s| &s.hours)
        .chain(m.points_of_contact.iter().flat_map(|p| &p.hours))
        .chain(m.calendars.iter().flat_map(|c| &c.hours))
        .chain(m.channels.iter().flat_map(|c| &c.hours))
        .map(|p| &p.value)
        .collect();
    assert!(
        windows.iter().any(|w| {
            let (_, _, s, e) = w.parts();
            e <= s
        }),
        "acme has no window crossing midnight"
    );
    any(
        &m.points_of_contact,
        "point of contact with out-of-hours cover",
        |p| p.out_of_hours.is_some() && p.assess_within.is_some(),
    );
    any(
        &m.channels,
        "channel for all staff landing at the PoC",
        |c| {
            c.lands_at
                .as_ref()
                .is_some_and(|l| l.value.target.is_some())
                && c.audience
                    .iter()
                    .flat_map(|a| &a.value.items)
                    .any(|a| matches!(a, Member::Group(g) if g.value == Group::AllStaff))
        },
    );
    any(&m.channels, "out-of-band channel", |c| {
        c.out_of_band.is_some()
    });
    any(&m.externals, "verified external party", |e| {
        e.verified.is_some() && e.kind.is_some()
    });
    any(&m.impacts, "impact with three levels or more", |i| {
        i.levels.len() >= 3
    });
    assert!(m.scales.len() >= 2, "two scales");
    any(&m.scales, "scale with if_unsure", |s| {
        s.if_unsure
            .as_ref()
            .is_some_and(|i| i.value.value == IfUnsure::Higher)
    });
    let levels: Vec<&Level> = m.scales.iter().flat_map(|s| &s.levels).collect();
    assert!(levels.iter().any(|l| l.crisis.is_some()
        && l.when.is_some()
        && l.decided_by.is_some()
        && some_list(&l.notify)
        && l.review.is_some()));
    assert!(
        levels
            .iter()
            .any(|l| l.update.as_ref().is_some_and(|u| u.value.phases.len() >= 2)),
        "cadence that changes over time"
    );
    // Conditions are resolved: impacts to their levels, scales to theirs.
    let conds: Vec<&Condition> = levels
        .iter()
        .filter_map(|l| l.when.as_ref())
        .flat_map(|w| w.cond.walk())
        .collect();
    assert!(conds.iter().any(|c| matches!(
        c.kind,
        ConditionKind::Impact {
            impact: Ref {
                target: Some(_),
                ..
            },
            ..
        }
    )));
    assert!(conds.iter().all(|c| !matches!(
        c.kind,
        ConditionKind::Compare { .. } | ConditionKind::Word { .. } | ConditionKind::Invalid
    )));
    any(&m.mappings, "mapping between scales", |x| {
        !x.pairs.is_empty()
            && x.pairs
                .iter()
                .all(|p| p.value.from.target.is_some() && p.value.to.target.is_some())
    });
    any(&m.categories, "nested category", |c| c.parent.is_some());
    any(&m.categories, "ATT&CK mapping", |c| some_list(&c.attack));
    any(&m.categories, "taxonomy mapping", |c| {
        !c.maps_to.is_empty() && c.threat.is_some()
    });
    any(
        &m.categories,
        "category with minimum level and procedure",
        |c| c.minimum.as_ref().is_some_and(|l| l.value.target.is_some()) && c.procedure.is_some(),
    );
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
    for kind in StepKind::ALL {
        assert!(steps.iter().any(|s| s.kind() == *kind), "no {kind} step");
    }
    assert!(
        steps.iter().any(|s| matches!(&s.body, StepBody::Decision { decided_by: Some(_), options } if options.iter().any(|o| o.when.is_some()))),
        "decision with decider and conditional option"
    );
    assert!(
        steps.iter().any(|s| s.common.precondition.is_some()
            && s.common
                .approved_by
                .as_ref()
                .is_some_and(|q| q.value.needed() >= 2)),
        "quorum-approved precondition"
    );
    assert!(
        steps.iter().any(|s| some_list(&s.common.needs)),
        "step needing an authority"
    );
    // Every step reference is resolved, inherited steps included.
    for s in &steps {
        for r in s.common.next.iter().flat_map(|n| &n.value.items) {
            assert!(r.target.is_some(), "unresolved `next {}`", text(r.span));
        }
    }
    let extending: Vec<ProcedureId> = (0..m.procedures.len() as u32)
        .map(ProcedureId)
        .filter(|&p| {
            m[p].extends
                .as_ref()
                .is_some_and(|e| e.value.target.is_some())
        })
        .collect();
    assert!(!extending.is_empty(), "procedure extending a base");
    let effective: Vec<EffectiveStep> = extending
        .iter()
        .flat_map(|&p| m.effective_steps(p))
        .collect();
    assert!(
        effective.iter().any(|s| s.origin == Origin::Overridden),
        "overridden step"
    );
    assert!(
        effective.iter().any(|s| s.origin == Origin::Inherited),
        "inherited step"
    );
    assert!(
        m.procedures
            .iter()
            .flat_map(|p| &p.overrides)
            .all(|o| o.step.target.is_some())
    );
    any(&m.evidence, "evidence handling", |e| {
        e.custodian.is_some() && e.log.is_some() && e.retain.is_some()
    });
    any(&m.communications, "communications plan", |c| {
        c.statements_approved_by.is_some() && !c.audiences.is_empty()
    });
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
    let durations: Vec<&Duration> = m
        .obligations
        .iter()
        .flat_map(|o| o.deadlines.iter().filter_map(|d| d.value.within.duration()))
        .collect();
    assert!(
        durations
            .iter()
            .any(|d| d.unit == DurationUnit::BusinessDays
                && d.calendar.as_ref().is_some_and(|c| matches!(
                    **c,
                    CalendarRef::Named(Ref {
                        target: Some(_),
                        ..
                    }) | CalendarRef::Implicit(Some(_))
                ))),
        "business-day deadline against a calendar"
    );
    assert!(
        durations.iter().any(|d| d.unit == DurationUnit::Months),
        "calendar-month deadline"
    );
    any(&m.forms, "form with required fields", |f| {
        f.fields.iter().any(|x| x.required.is_some())
    });
    any(&m.trainings, "training", |t| {
        some_list(&t.audience) && t.every.is_some()
    });
    any(&m.exercises, "exercise", |e| {
        e.scenario.is_some() && e.severity.is_some()
    });
    any(&m.reviews, "review plan", |r| {
        r.post_incident.is_some() && r.scheme.is_some() && some_list(&r.metrics)
    });
    assert!(
        m.roles.iter().any(|r| c.index.def(r.id).doc.is_some()),
        "doc comments"
    );
}

/// A check reaches "the `within` of hop 2 of escalation `standard`" by name and id in
/// constant time, and labels the whole property, its key word or its value.
#[test]
fn an_element_is_found_by_id_and_its_parts_labelled() {
    let a = check("examples/acme").expect("loads");
    let id = a
        .lookup(Scope::Top, "standard")
        .expect("escalation `standard`");
    let def = a.index.def(id);
    assert_eq!(def.kind, imp::model::schema::Kind::Escalation);
    let Loc::Escalation(e) = def.loc else {
        panic!("{:?}", def.loc)
    };
    let hop = &a.model[e].hops[1];
    let within = hop.within.as_ref().expect("within");
    assert_eq!(a.text(within.span()), "within 30m");
    assert_eq!(a.text(within.kw), "within");
    let d = within.duration().expect("a duration");
    assert_eq!(a.text(d.span), "30m");
    assert_eq!(d.to_string(), "30m");
    assert_eq!(within.to_string(), "within 30m");
    // The hop is an element of its own, nested in the escalation.
    let hdef = a.index.def(hop.id);
    assert_eq!(hdef.parent, Some(id));
    assert_eq!(
        hdef.loc,
        Loc::Hop(HopId {
            escalation: e,
            index: 1
        })
    );
    assert_eq!(a.text(hdef.span), a.text(hop.span));
    // A property: its key word, its value, and both.
    let lid = a.lookup(Scope::Top, "severity").expect("scale");
    let sev1 = a.lookup(Scope::In(lid), "sev1").expect("level sev1");
    let Loc::Level(l) = a.index.def(sev1).loc else {
        panic!()
    };
    let ack = a.model[l].acknowledge.as_ref().expect("acknowledge");
    assert_eq!(a.text(ack.key), "acknowledge");
    assert_eq!(a.text(ack.value.duration().expect("15m").span), "15m");
    assert_eq!(a.text(ack.span()), "acknowledge within 15m");
    let decider = a.model[l].decided_by.as_ref().expect("decided_by");
    let Some(Holder::Role(r)) = decider.value.target else {
        panic!("{:?}", decider.value.target)
    };
    assert_eq!(a.index.name(&a.sources, a.model[r].id), Some("ciso"));
}

#[test]
fn position_queries_find_the_innermost_element_and_the_reference() {
    let a = check("examples/acme").expect("loads");
    let file = a
        .sources
        .files()
        .find(|f| f.path.ends_with("scales.imp"))
        .expect("scales.imp");
    let at = file.text.find("decided_by ciso").expect("text") + "decided_by ".len() + 1;
    let hit = a.at(file.id, at);
    // The innermost element is the level; the reference is `ciso`, the role.
    let el = hit.element.expect("element");
    assert_eq!(a.index.def(el).kind, imp::model::schema::Kind::Level);
    assert_eq!(a.index.name(&a.sources, el), Some("sev1"));
    let (span, target) = hit.reference.expect("reference");
    assert_eq!(a.text(span), "ciso");
    assert_eq!(a.index.name(&a.sources, target), Some("ciso"));
    assert_eq!(a.index.def(target).kind, imp::model::schema::Kind::Role);
    // Every reference to the role is known.
    let refs: Vec<_> = a.index.references_to(target).collect();
    assert!(refs.len() >= 5, "{} references to ciso", refs.len());
    // Between declarations there is no element.
    let top = a.at(file.id, 0);
    assert_eq!(top.element, None);
}

#[test]
fn a_policy_checks_from_memory() {
    let a = imp::check::check_sources(
        &[
            (
                "main.imp",
                "use \"people.imp\"\nrole ciso \"CISO\" { held_by alice }\npolicy { owner ciso }\n",
            ),
            (
                "people.imp",
                "person alice \"Alice\" { email \"alice@example.org\" }\n",
            ),
        ],
        imp::check::Options {
            jobs: 1,
            ..imp::check::Options::reading_only()
        },
    );
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
    assert_eq!(a.sources.len(), 2);
    let r = &a.model.roles[0];
    let held = r.held_by.as_ref().expect("held_by");
    assert_eq!(
        held.value.of.items[0].target,
        Some(RoleHolder::Person(PersonId(0)))
    );
}

#[test]
fn the_result_does_not_depend_on_the_number_of_threads() {
    let one = check_with_jobs(1);
    let two = check_with_jobs(2);
    assert_eq!(one.0, two.0, "diagnostics");
    assert_eq!(one.1, two.1, "model");
}

fn check_with_jobs(jobs: usize) -> (String, String) {
    let a = imp::check::check_with(
        &imp::vfs::RealFs,
        "examples",
        imp::check::Options {
            jobs,
            ..Default::default()
        },
    )
    .expect("loads");
    let diags = imp::diagnostics::render::plain(&a.diagnostics, &a.sources);
    (diags, serde_json::to_string(&a.model).expect("json"))
}
