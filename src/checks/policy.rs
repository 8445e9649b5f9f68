//! The policy and the scheme as a whole (IMP07xx): the policy document's metadata, the
//! functions every scheme must fill, and values left open in a policy already approved.

use super::{Context, Function, Mandatory};
use crate::diagnostics::{Code, Diagnostic, backticked};
use crate::index::Scope;
use crate::model::{Model, OpenKind, RoleOrPerson, Scale};

pub(super) fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    metadata(cx, out);
    self_approved(cx, out);
    mandatory(cx, out);
    open_in_approved(cx, out);
}

/// IMP0701: a policy names its owner, its approver, its version and when it is reviewed.
fn metadata(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(p) = cx.model.policies.first() else {
        if cx.may_lack && !cx.model.is_empty() {
            out.push(
                Diagnostic::new(
                    Code::PolicyIncomplete,
                    cx.scheme_span(),
                    "the scheme has no `policy` declaration",
                )
                .label("no policy in this scheme")
                .help("add `policy \"...\" { version \"1.0\"; owner ROLE; approved_by ROLE on DATE; next_review DATE }`"),
            );
        }
        return;
    };
    let mut missing = Vec::new();
    for (given, key) in [
        (p.owner.is_some(), "owner"),
        (p.approved_by.is_some(), "approved_by"),
        (p.version.is_some(), "version"),
    ] {
        if cx.lacks(p.id, given, key) {
            missing.push(key);
        }
    }
    let reviewed = p.review.is_some() || p.next_review.is_some();
    if cx.lacks(p.id, reviewed, "review") && !cx.is_open(p.id, "next_review") {
        missing.push("next_review");
    }
    if missing.is_empty() {
        return;
    }
    out.push(
        cx.at(
            Code::PolicyIncomplete,
            p.id,
            format!("the policy has no {}", backticked(&missing, ", ")),
        )
        .label("this policy")
        .help(format!(
            "add {}: a policy names who owns it, who in top management approved it, its \
             version and when it is next reviewed",
            missing
                .iter()
                .map(|k| match *k {
                    "owner" => "`owner ROLE`",
                    "approved_by" => "`approved_by ROLE on DATE`",
                    "version" => "`version \"1.0\"`",
                    _ => "`next_review DATE` (or `review every 12mo`)",
                })
                .collect::<Vec<_>>()
                .join(", ")
        )),
    );
}

/// IMP0702: the approver is the owner, so nobody above the owner approved the policy.
fn self_approved(cx: &Context, out: &mut Vec<Diagnostic>) {
    for p in &cx.model.policies {
        let (Some(owner), Some(approval)) = (&p.owner, &p.approved_by) else {
            continue;
        };
        let (Some(o), Some(a)) = (owner.value.target, approval.value.by.target) else {
            continue;
        };
        let same = o == a || holds_directly(cx.model, a, o);
        if same {
            out.push(
                Diagnostic::new(
                    Code::SelfApproved,
                    approval.value.by.span,
                    format!(
                        "the policy is approved by its own owner `{}`",
                        cx.text(approval.value.by.span)
                    ),
                )
                .label("the approver")
                .with_secondary(owner.value.span, "the owner")
                .help("the approval of a policy comes from top management, above its owner: name the board, the CEO or the management role that approved it"),
            );
        }
    }
}

/// Whether a person holds a role directly (`held_by` the person).
fn holds_directly(model: &Model, who: RoleOrPerson, role: RoleOrPerson) -> bool {
    let (RoleOrPerson::Person(p), RoleOrPerson::Role(r)) = (who, role) else {
        return false;
    };
    model[r].held_by.as_ref().is_some_and(|h| {
        h.value
            .of
            .iter()
            .any(|x| x.target == Some(crate::model::RoleHolder::Person(p)))
    })
}

/// IMP0703: the functions the organisation considers mandatory are filled.
fn mandatory(cx: &Context, out: &mut Vec<Diagnostic>) {
    if !cx.may_lack || cx.model.is_empty() {
        return;
    }
    for m in &cx.config.mandatory {
        if let Some(name) = &m.name {
            if cx.index.lookup(cx.sources, Scope::Top, name).is_none() {
                out.push(
                    Diagnostic::new(
                        Code::MandatoryRoleMissing,
                        cx.scheme_span(),
                        format!("the mandatory `{name}` is not declared"),
                    )
                    .label("in this scheme")
                    .help(format!(
                        "`imp.yaml` names `{name}` as {}: declare it, or change `mandatory_roles`",
                        words(m)
                    )),
                );
            }
            continue;
        }
        let Some(f) = m.function else { continue };
        if !found(cx, f) {
            out.push(
                Diagnostic::new(
                    Code::MandatoryRoleMissing,
                    cx.scheme_span(),
                    format!("the scheme has no {}", f.words()),
                )
                .label("in this scheme")
                .help(rule(f)),
            );
        }
    }
}

fn words(m: &Mandatory) -> String {
    match m.function {
        Some(f) => format!("its {}", f.words()),
        None => format!("`{}`", m.key),
    }
}

/// How a function is found, and how to fill it.
fn rule(f: Function) -> &'static str {
    match f {
        Function::PointOfContact => {
            "declare a `point_of_contact` where reports of events land, staffed with `held_by`"
        }
        Function::IsirtLead => {
            "give the incident response team a lead: `team isirt \"...\" { lead ROLE }` (a team named `isirt`, or titled as an incident response team), or name the role in `imp.yaml` under `mandatory_roles: { isirt_lead: ROLE }`"
        }
        Function::DecisionMaker => {
            "say who decides at the most severe level: `decided_by ROLE` in its `level`, or name the role in `imp.yaml` under `mandatory_roles: { decision_maker: ROLE }`"
        }
        Function::CrisisLead => {
            "name who leads a crisis: mark the most severe level `crisis` with `decided_by ROLE`, give a crisis team a `lead`, or name the role in `imp.yaml` under `mandatory_roles: { crisis_lead: ROLE }`"
        }
    }
}

/// Whether the scheme fills a function by its rule.
fn found(cx: &Context, f: Function) -> bool {
    let m = cx.model;
    match f {
        Function::PointOfContact => !m.points_of_contact.is_empty(),
        Function::IsirtLead => cx.isirt_teams().next().is_some(),
        Function::DecisionMaker => m.scales.iter().any(|s| top_decided(cx, s)),
        Function::CrisisLead => {
            m.scales.iter().flat_map(|s| &s.levels).any(|l| {
                l.crisis.is_some() && (l.decided_by.is_some() || cx.is_open(l.id, "decided_by"))
            }) || cx.crisis_teams().next().is_some()
        }
    }
}

/// Whether the most severe level of a scale says who decides.
fn top_decided(cx: &Context, s: &Scale) -> bool {
    s.levels
        .first()
        .is_some_and(|l| l.decided_by.is_some() || cx.is_open(l.id, "decided_by"))
}

/// IMP0704: a policy approved on a day up to today still has values left open.
fn open_in_approved(cx: &Context, out: &mut Vec<Diagnostic>) {
    let Some(p) = cx.model.policies.first() else {
        return;
    };
    let Some(approval) = &p.approved_by else {
        return;
    };
    let Some(on) = approval.value.on else {
        return;
    };
    if on.date > cx.config.as_of {
        return;
    }
    for o in &cx.model.open {
        let what = match &o.kind {
            OpenKind::NotStated { .. } => "`tbd`".to_string(),
            OpenKind::Placeholder { name } => format!("placeholder `{{{{{}}}}}`", cx.text(*name)),
        };
        out.push(
            Diagnostic::new(
                Code::OpenInApproved,
                o.span,
                format!("{what} left in a policy approved on {}", on.date),
            )
            .label(format!("`{}` is not stated", cx.text(o.key)))
            .with_secondary(approval.span(), "approved here")
            .help("state the value before the policy is approved, or remove the approval date until it is"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use crate::diagnostics::Code;

    const ROLES: &str = "role ciso \"CISO\" { held_by tbd }\nrole ceo \"CEO\" { held_by tbd }\n";

    #[test]
    fn a_policy_without_metadata_is_told_what_it_lacks() {
        let text = format!("policy \"P\" {{ owner ciso }}\n{ROLES}");
        assert_eq!(
            findings(Code::PolicyIncomplete, &text),
            ["1: the policy has no `approved_by`, `version`, `next_review`"]
        );
        let full = format!(
            "policy \"P\" {{ owner ciso; approved_by ceo on 2026-01-05; version \"1\"; review every 12mo }}\n{ROLES}"
        );
        assert!(findings(Code::PolicyIncomplete, &full).is_empty());
    }

    #[test]
    fn an_open_value_counts_as_stated() {
        let text = format!(
            "policy \"P\" {{ owner ciso; approved_by tbd; version tbd; next_review tbd }}\n{ROLES}"
        );
        assert!(findings(Code::PolicyIncomplete, &text).is_empty());
    }

    #[test]
    fn a_policy_approved_by_its_owner_is_found() {
        let text = format!("policy \"P\" {{ owner ciso; approved_by ciso }}\n{ROLES}");
        assert_eq!(
            findings(Code::SelfApproved, &text),
            ["1: the policy is approved by its own owner `ciso`"]
        );
        let text = format!("policy \"P\" {{ owner ciso; approved_by ceo }}\n{ROLES}");
        assert!(findings(Code::SelfApproved, &text).is_empty());
    }

    #[test]
    fn open_values_are_errors_once_the_policy_is_approved() {
        let text = format!("policy \"P\" {{ owner ciso; approved_by ceo on 2026-11-30 }}\n{ROLES}");
        assert_eq!(
            findings(Code::OpenInApproved, &text),
            [
                "2: `tbd` left in a policy approved on 2026-11-30",
                "3: `tbd` left in a policy approved on 2026-11-30"
            ]
        );
        // Approved after the day the checks take as today: still a draft.
        let text = format!("policy \"P\" {{ owner ciso; approved_by ceo on 2026-12-02 }}\n{ROLES}");
        assert!(findings(Code::OpenInApproved, &text).is_empty());
    }

    #[test]
    fn the_mandatory_functions_are_found_by_their_rules() {
        let none = format!("policy \"P\" {{ owner ciso }}\n{ROLES}");
        assert_eq!(
            findings(Code::MandatoryRoleMissing, &none),
            [
                "1: the scheme has no ISIRT lead",
                "1: the scheme has no crisis lead",
                "1: the scheme has no management decision-maker",
                "1: the scheme has no point of contact",
            ]
        );
        let all = format!(
            "policy \"P\" {{ owner ciso }}\n{ROLES}\
             team isirt \"ISIRT\" {{ lead ciso }}\n\
             point_of_contact desk \"Desk\" {{ held_by ciso }}\n\
             scale severity \"S\" {{ level high \"High\" {{ decided_by ceo; crisis }} }}\n"
        );
        assert!(findings(Code::MandatoryRoleMissing, &all).is_empty());
    }

    #[test]
    fn a_scheme_with_a_reading_error_is_not_told_what_it_lacks() {
        let text = format!("policy \"P\" {{ owner ciso }}\n{ROLES}point_of_contact {{\n");
        assert!(findings(Code::MandatoryRoleMissing, &text).is_empty());
    }
}
