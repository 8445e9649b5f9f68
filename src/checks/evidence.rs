//! Evidence (IMP12xx): when forensics is in scope, the scheme says how evidence is handled,
//! and the handling names a custodian, a chain-of-custody record and a retention period.

use super::Context;
use crate::diagnostics::{Code, Diagnostic, backticked};
use crate::model::{StepKind, Topic};

pub(super) fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    no_evidence_handling(cx, out);
    evidence_incomplete(cx, out);
}

/// IMP1201: the policy covers forensics, or a procedure collects evidence, and the scheme
/// has no `evidence` declaration.
fn no_evidence_handling(cx: &Context, out: &mut Vec<Diagnostic>) {
    let m = cx.model;
    if !cx.may_lack || !m.evidence.is_empty() {
        return;
    }
    let covers = m
        .policies
        .first()
        .and_then(|p| p.covers.as_ref())
        .and_then(|c| c.value.items.iter().find(|t| t.value == Topic::Forensics));
    let collect = m
        .procedures
        .iter()
        .flat_map(|p| &p.steps)
        .find(|s| s.kind() == StepKind::Collect);
    let d = match (covers, collect) {
        (Some(t), c) => {
            let d = Diagnostic::new(
                Code::NoEvidenceHandling,
                t.span,
                "the policy covers forensics but the scheme does not say how evidence is handled",
            )
            .label("forensics is in scope");
            match c {
                Some(s) => d.with_secondary(cx.head(s.id), "and this step collects evidence"),
                None => d,
            }
        }
        (None, Some(s)) => cx
            .at(
                Code::NoEvidenceHandling,
                s.id,
                format!(
                    "step `{}` collects evidence but the scheme does not say how evidence is handled",
                    cx.name(s.id)
                ),
            )
            .label("collects evidence"),
        (None, None) => return,
    };
    out.push(d.help(
        "declare how evidence is handled: `evidence NAME \"...\" { custodian ROLE; log FORM; retain 7y }`",
    ));
}

/// IMP1202: an `evidence` declaration without a custodian, a chain-of-custody record or a
/// retention period.
fn evidence_incomplete(cx: &Context, out: &mut Vec<Diagnostic>) {
    for e in &cx.model.evidence {
        let missing: Vec<&str> = [
            (e.custodian.is_some(), "custodian"),
            (e.log.is_some(), "log"),
            (e.retain.is_some(), "retain"),
        ]
        .into_iter()
        .filter(|(given, key)| cx.lacks(e.id, *given, key))
        .map(|(_, key)| key)
        .collect();
        if missing.is_empty() {
            continue;
        }
        let what = match cx.index.def(e.id).name {
            Some(n) => format!("evidence handling `{}`", cx.text(n)),
            None => "the evidence handling".to_string(),
        };
        out.push(
            cx.at(
                Code::EvidenceIncomplete,
                e.id,
                format!("{what} has no {}", backticked(&missing, ", ")),
            )
            .label("this evidence handling")
            .help(format!(
                "add {}",
                missing
                    .iter()
                    .map(|k| match *k {
                        "custodian" => "`custodian ROLE` (who keeps the evidence)",
                        "log" => "`log FORM` (the chain-of-custody record, a form of kind `evidence_log`)",
                        _ => "`retain 7y` (how long evidence is kept)",
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use crate::diagnostics::Code;

    const POLICY: &str = "role ciso \"CISO\" { held_by tbd }\n\
        policy \"P\" { owner ciso; covers [response, forensics] }\n";

    #[test]
    fn forensics_in_scope_needs_evidence_handling() {
        assert_eq!(
            findings(Code::NoEvidenceHandling, POLICY),
            ["2: the policy covers forensics but the scheme does not say how evidence is handled"]
        );
        let with = format!(
            "{POLICY}form log \"Log\" {{ kind evidence_log }}\n\
             evidence handling \"Evidence\" {{ custodian ciso; log log; retain 7y }}\n"
        );
        assert!(findings(Code::NoEvidenceHandling, &with).is_empty());
    }

    #[test]
    fn a_collect_step_puts_forensics_in_scope() {
        let text = "role ciso \"CISO\" { held_by tbd }\n\
            procedure p \"P\" {\n  owner ciso\n  collect logs \"Collect the logs\" { items [\"Firewall logs\"] }\n}\n";
        assert_eq!(
            findings(Code::NoEvidenceHandling, text),
            [
                "4: step `logs` collects evidence but the scheme does not say how evidence is handled"
            ]
        );
        // Without forensics in scope or a collect step, nothing is asked.
        let none =
            "role ciso \"CISO\" { held_by tbd }\npolicy \"P\" { owner ciso; covers [response] }\n";
        assert!(findings(Code::NoEvidenceHandling, none).is_empty());
    }

    #[test]
    fn evidence_handling_is_told_what_it_lacks() {
        let text = "role ciso \"CISO\" { held_by tbd }\n\
            evidence handling \"Evidence\" {\n  custodian ciso\n}\n";
        assert_eq!(
            findings(Code::EvidenceIncomplete, text),
            ["2: evidence handling `handling` has no `log`, `retain`"]
        );
        let open = "role ciso \"CISO\" { held_by tbd }\n\
            evidence handling \"Evidence\" {\n  custodian ciso\n  log tbd\n  retain tbd\n}\n";
        assert!(findings(Code::EvidenceIncomplete, open).is_empty());
    }
}
