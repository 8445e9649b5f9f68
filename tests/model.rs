//! Rules of names, values and constructs, as tables: a policy, and the findings it must give
//! (code and the exact text under the primary span), no more, no less.

use crate::common::*;

/// Checks `text` as one file and returns (code, text under the primary span) of each finding.
fn findings(name: &str, text: &str) -> Vec<(String, String)> {
    let dir = write_tree(name, &[("p.imp", text.as_bytes())]);
    let c = read(path_str(&dir.join("p.imp")));
    c.diagnostics
        .iter()
        .map(|d| {
            let f = c.sources.file_of(d.primary.span);
            (
                d.code.as_str().to_string(),
                f.slice(d.primary.span).to_string(),
            )
        })
        .collect()
}

/// Declarations that the cases below may reference; all referenced by `policy`, so that no
/// case gets an unused warning from them.
const BASE: &str = "person alice \"A\" { email \"alice@example.org\" }\nperson bob \"B\" { email \"bob@example.org\" }\nrole ciso \"C\" { held_by alice }\nrole ceo \"E\" { held_by bob }\npolicy { owner ciso; approved_by ceo }\nimpact financial \"F\" { level 1 \"a\"; level 2 \"b\"; level 3 \"c\" }\nscale severity \"S\" { level sev1 \"1\" { when financial >= 3 }; level sev2 \"2\" {} }\n";

/// (what it shows, the policy after [`BASE`], the findings: code and text under the span).
type Case<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

#[test]
fn rules() {
    let cases: &[Case<'_>] = &[
        ("clean", "", &[]),
        // names
        (
            "unknown",
            "team t \"T\" { lead cisco }\n",
            &[("IMP0404", "t"), ("IMP0401", "cisco")],
        ),
        (
            "wrong kind",
            "team t \"T\" { lead financial }\nevidence { custodian t }\n",
            &[("IMP0403", "financial"), ("IMP0403", "t")],
        ),
        (
            "duplicate",
            "person alice \"A2\" {}\n",
            &[("IMP0402", "alice")],
        ),
        (
            "quoted name",
            "role r \"R\" { held_by \"alice\" }\nreview { owner r }\n",
            &[("IMP0303", "\"alice\"")],
        ),
        (
            "unknown keyword hides its names",
            "persn carol \"C\" {}\nrole r \"R\" { held_by carol }\nreview { owner r }\n",
            &[("IMP0301", "persn")],
        ),
        (
            "level in scale",
            "category c \"C\" { minimum sev9 }\n",
            &[("IMP0401", "sev9")],
        ),
        (
            "level of named scale",
            "category c \"C\" { minimum severity.sev2 }\n",
            &[],
        ),
        (
            "impact level range",
            "obligation o \"O\" { when financial >= 4 }\n",
            &[("IMP0506", "4")],
        ),
        (
            "impact compared with a name",
            "obligation o \"O\" { when financial >= high }\n",
            &[("IMP0507", "high")],
        ),
        (
            "scale compared with a number",
            "obligation o \"O\" { when severity >= 2 }\n",
            &[("IMP0507", "2")],
        ),
        (
            "category in",
            "category malware \"M\" {\n  category ransomware \"R\" {}\n}\nobligation o \"O\" { when category in [ransomware, dos] }\n",
            &[("IMP0401", "dos")],
        ),
        // values
        (
            "invalid date",
            "external x \"X\" { verified 2026-02-30 }\norganisation o \"O\" { parent x }\n",
            &[("IMP0501", "2026-02-30")],
        ),
        (
            "leap day",
            "external x \"X\" { verified 2028-02-29 }\norganisation o \"O\" { parent x }\n",
            &[],
        ),
        (
            "zero duration",
            "review { post_incident within 0d }\n",
            &[("IMP0503", "0d")],
        ),
        (
            "century",
            "evidence { retain 1200mo }\nreview { scheme every 100y }\n",
            &[],
        ),
        (
            "too long",
            "evidence { retain 101y }\n",
            &[("IMP0503", "101y")],
        ),
        (
            "business days need a calendar",
            "review { post_incident within 5bd }\n",
            &[("IMP0503", "5bd")],
        ),
        (
            "calendar on calendar time",
            "calendar uk \"UK\" { hours mon-fri 09:00-17:00 }\nreview { post_incident within 5d@uk }\n",
            &[("IMP0503", "uk")],
        ),
        (
            "bad second time",
            "schedule s \"S\" { hours sat 10:00-24:30 }\nrole r \"R\" { held_by s }\nreview { owner r }\n",
            &[("IMP0502", "24:30")],
        ),
        (
            "both times bad",
            "schedule s \"S\" { hours 25:00-26:00 }\nrole r \"R\" { held_by s }\nreview { owner r }\n",
            &[("IMP0502", "25:00"), ("IMP0502", "26:00")],
        ),
        (
            "empty window",
            "schedule s \"S\" { hours 08:00-08:00 }\nrole r \"R\" { held_by s }\nreview { owner r }\n",
            &[("IMP0509", "08:00-08:00")],
        ),
        (
            "day alone is a window",
            "schedule s \"S\" { hours sun }\nrole r \"R\" { held_by s }\nreview { owner r }\n",
            &[],
        ),
        (
            "a day can be a name",
            "person sun \"Sun Li\" { email \"sun@example.org\" }\nrole r \"R\" { held_by sun }\nreview { owner r }\n",
            &[],
        ),
        (
            "time zone",
            "calendar c \"C\" { timezone \"Europe/Londn\" }\nschedule s \"S\" { calendar c }\nrole r \"R\" { held_by s }\nreview { owner r }\n",
            &[("IMP0504", "\"Europe/Londn\"")],
        ),
        (
            "email",
            "person carol \"C\" { email \"carol.example.org\" }\nrole r \"R\" { held_by carol }\nreview { owner r }\n",
            &[("IMP0508", "\"carol.example.org\"")],
        ),
        (
            "quorum too large",
            "communications { statements_approved_by 3 of [ciso, ceo] }\n",
            &[("IMP0605", "3")],
        ),
        (
            "quorum of the same person twice",
            "communications { statements_approved_by 2 of [ciso, ciso] }\n",
            &[("IMP0605", "2")],
        ),
        (
            "quorum zero still resolves",
            "communications { statements_approved_by 0 of [ciso, cisoo] }\n",
            &[("IMP0505", "0"), ("IMP0401", "cisoo")],
        ),
        (
            "cadence",
            "scale s2 \"S\" { level x \"X\" { update every 1h then every 20m } }\n",
            &[("IMP0606", "every")],
        ),
        (
            "impact levels",
            "impact i \"I\" { level 1 \"a\"; level 3 \"c\" }\nobligation o \"O\" { when i >= 1 }\n",
            &[("IMP0607", "3")],
        ),
        // declarations and properties
        (
            "unknown property",
            "role r \"R\" { hlod_by alice }\nreview { owner r }\n",
            &[("IMP0302", "hlod_by")],
        ),
        (
            "declaration in a block",
            "evidence {\n  person dan \"D\" {}\n}\n",
            &[("IMP0302", "person")],
        ),
        (
            "repeated",
            "role r \"R\" { held_by alice; held_by bob }\nreview { owner r }\n",
            &[("IMP0305", "held_by")],
        ),
        (
            "header",
            "procedure p \"P\" sev1 { end e \"E\" {} }\n",
            &[("IMP0304", "sev1")],
        ),
        (
            "block on a property",
            "role r \"R\" { held_by alice { x } }\nreview { owner r }\n",
            &[("IMP0307", "{ x }")],
        ),
        (
            "condition on a property",
            "role r \"R\" { held_by alice when severity >= sev1 }\nreview { owner r }\n",
            &[("IMP0308", "severity >= sev1")],
        ),
        (
            "condition on a nested declaration",
            "scale s2 \"S\" { level x \"X\" when financial >= 2 {} }\n",
            &[("IMP0308", "financial >= 2")],
        ),
        // procedures
        (
            "decision without options",
            "procedure p \"P\" { decision d \"D\" { decided_by ciso } }\n",
            &[("IMP0601", "d")],
        ),
        (
            "duplicate option",
            "procedure p \"P\" {\n  decision d \"D\" {\n    option a \"A\" { next e }\n    option a \"B\" { next e }\n  }\n  end e \"E\" {}\n}\n",
            &[("IMP0402", "a")],
        ),
        (
            "two conditions on an option",
            "procedure p \"P\" {\n  decision d \"D\" {\n    option a \"A\" when financial >= 2 { when financial >= 3; next e }\n  }\n  end e \"E\" {}\n}\n",
            &[("IMP0305", "when")],
        ),
        (
            "unknown step",
            "procedure p \"P\" { action a \"A\" { next b } }\n",
            &[("IMP0401", "b")],
        ),
        (
            "start is one step",
            "procedure p \"P\" { start [a, b]; action a \"A\" {}; action b \"B\" {} }\n",
            &[("IMP0303", "[a, b]")],
        ),
        (
            "end with next",
            "procedure p \"P\" { action a \"A\" {}; end e \"E\" { next a } }\n",
            &[("IMP0608", "next")],
        ),
        (
            "override",
            "procedure base \"B\" { action a \"A\" { owner ciso } }\nprocedure p \"P\" { extends base; override a { owner ceo } }\n",
            &[],
        ),
        (
            "override of a missing step",
            "procedure base \"B\" { action a \"A\" {} }\nprocedure p \"P\" { extends base; override b { owner ceo } }\n",
            &[("IMP0602", "b")],
        ),
        (
            "override without extends",
            "procedure p \"P\" { override a { owner ceo } }\n",
            &[("IMP0604", "override")],
        ),
        (
            "misspelt base: no override noise",
            "procedure base \"B\" { action a \"A\" {} }\nprocedure p \"P\" { extends bsae; override a { owner ceo } }\n",
            &[("IMP0401", "bsae")],
        ),
        (
            "extends cycle",
            "procedure a \"A\" { extends b }\nprocedure b \"B\" { extends a }\n",
            &[("IMP0603", "a")],
        ),
        (
            "own step shadows base",
            "procedure base \"B\" { action a \"A\" {} }\nprocedure p \"P\" { extends base; action a \"A2\" {} }\n",
            &[("IMP0402", "a")],
        ),
        (
            "own backup",
            "role r \"R\" { held_by alice; backup [r] }\nreview { owner r }\n",
            &[("IMP0609", "r")],
        ),
        (
            "duplicate audience",
            "communications {\n  audience a \"A\" { contacts [ceo] }\n  audience a \"B\" { contacts [ciso] }\n}\n",
            &[("IMP0402", "a")],
        ),
        // duplicates are checked, and the first definition wins
        (
            "duplicate procedure: both bodies checked",
            "procedure p \"P\" { action a \"A\" { owner cisoo } }\nprocedure p \"P2\" { action b \"B\" { owner ceoo } }\n",
            &[("IMP0401", "cisoo"), ("IMP0402", "p"), ("IMP0401", "ceoo")],
        ),
        (
            "duplicate scale: levels of the first",
            "scale severity \"S2\" { level other \"O\" {} }\ncategory c \"C\" { minimum sev2 }\n",
            &[("IMP0402", "severity")],
        ),
        (
            "duplicate step: both bodies checked",
            "procedure p \"P\" {\n  action a \"A\" { owner cisoo }\n  action a \"A2\" { owner ceoo }\n}\n",
            &[("IMP0401", "cisoo"), ("IMP0402", "a"), ("IMP0401", "ceoo")],
        ),
        (
            "self-extends: own steps still checked",
            "procedure p \"P\" { extends p; action a \"A\" { owner cisoo } }\n",
            &[("IMP0609", "p"), ("IMP0401", "cisoo")],
        ),
        (
            "extends cycle: own steps still checked",
            "procedure a \"A\" { extends b; action x \"X\" { owner cisoo } }\nprocedure b \"B\" { extends a }\n",
            &[("IMP0401", "cisoo"), ("IMP0603", "a")],
        ),
        (
            "a base step's finding is reported once, however many override it",
            "procedure base \"B\" { action a \"A\" { next zzz } }\nprocedure c1 \"C\" { extends base; override a { owner ceo } }\nprocedure c2 \"C\" { extends base; override a { owner cisoo } }\n",
            &[("IMP0401", "zzz"), ("IMP0401", "cisoo")],
        ),
        // follow-on findings are not reported
        (
            "a declaration that failed to parse uses its names",
            "person sam \"S\" { email \"sam@example.org\" }\nrole r \"R\" { held_by = sam }\nreview { owner r }\n",
            &[("IMP0101", "=")],
        ),
        (
            "a word inside a failed declaration is not a declaration",
            "role r \"R\" { held_by = alice\n  backup samm\n}\nteam t \"T\" { members [samm] }\nreview { owner t }\n",
            // The rest of `r` is still read: `backup samm` names no one.
            &[
                ("IMP0101", "="),
                ("IMP0401", "samm"),
                ("IMP0401", "samm"),
                ("IMP0403", "t"),
            ],
        ),
        // syntax inside a policy
        (
            "missing ) before a } on the same line",
            "scale s2 \"S\" {\n  level x \"X\" { when (financial >= 3 }\n}\n",
            &[("IMP0102", "(")],
        ),
        (
            "missing } of an inner block, found by indentation",
            "procedure p \"P\" {\n  action a \"A\" {\n    owner ciso\n  action b \"B\" { owner ciso }\n}\n",
            &[("IMP0102", "{")],
        ),
        (
            "control character in a comment",
            "# a\u{7}bell\n",
            &[("IMP0004", "\u{7}")],
        ),
        (
            "missing ] on an earlier line",
            "organisation o \"O\" {\n  services [web, payments\n}\n",
            &[("IMP0102", "[")],
        ),
        (
            "wrong closer on the same line",
            "role r \"R\" { backup [alice} }\nreview { owner r }\n",
            &[("IMP0103", "}")],
        ),
    ];
    let mut failures = Vec::new();
    for (i, (name, text, want)) in cases.iter().enumerate() {
        let got = findings(&format!("rule{i}"), &format!("{BASE}{text}"));
        let want: Vec<(String, String)> = want
            .iter()
            .map(|(c, t)| (c.to_string(), t.to_string()))
            .collect();
        if got != want {
            failures.push(format!("{name}:\n  expected {want:?}\n  found    {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn use_cannot_leave_the_root_even_from_a_bare_file_name() {
    let dir = write_tree(
        "use-root",
        &[
            (
                "pol/main.imp",
                b"use \"../outside.imp\"\npolicy { version \"1\" }\n",
            ),
            ("outside.imp", b"policy other { version \"2\" }\n"),
        ],
    );
    for arg in ["main.imp", "./main.imp"] {
        let o = run_in(
            &dir.join("pol"),
            &["check", "--no-checks", "--format", "plain", arg],
        );
        assert_eq!(
            stdout(&o),
            "main.imp:1:5: error[IMP0202]: `../outside.imp` is outside the policy\n1 error, 0 warnings in 1 file\n",
            "{arg}"
        );
    }
}

#[test]
fn a_file_is_loaded_once_however_it_is_reached() {
    let dir = write_tree(
        "use-once",
        &[
            (
                "main.imp",
                b"use \"a.imp\"\nuse \"b.imp\"\npolicy { owner r }\n",
            ),
            ("a.imp", b"use \"common.imp\"\n"),
            ("b.imp", b"use \"./common.imp\"\n"),
            (
                "common.imp",
                b"person p \"P\" { email \"p@example.org\" }\nrole r \"R\" { held_by p }\n",
            ),
        ],
    );
    let o = run_in(
        &dir,
        &["check", "--no-checks", "--format", "plain", "main.imp"],
    );
    // common.imp is loaded once: a second load would define `p` and `r` twice.
    assert_eq!(stdout(&o), "no problems found in 4 files\n");
}

/// Checks `text` as one file and returns the analysis.
fn analyse(name: &str, text: &str) -> imp::check::Analysis {
    let dir = write_tree(name, &[("p.imp", text.as_bytes())]);
    read(path_str(&dir.join("p.imp")))
}

/// Reads a policy (parse, resolve, literals) without the checks of the scheme: these tests
/// are about the language's rules.
fn read(path: &str) -> imp::check::Analysis {
    imp::check::check_with(&imp::vfs::RealFs, path, imp::check::Options::reading_only())
        .expect("loads")
}

#[test]
fn a_step_without_next_continues_with_the_step_written_after_it() {
    use imp::model::{Next, ProcedureId, StepId};
    let a = analyse(
        "flow",
        "procedure p \"P\" {\n  action a \"A\" {}\n  parallel b \"B\" { branches [c, d]; next e }\n  action c \"C\" {}\n  action d \"D\" {}\n  decision e \"E\" {\n    option yes \"Y\" { next g }\n    option no \"N\" { next f }\n  }\n  end f \"F\" {}\n  action g \"G\" {}\n}\n",
    );
    let p = ProcedureId(0);
    let s = |i| StepId {
        procedure: p,
        index: i,
    };
    assert_eq!(
        a.model.flow(p),
        vec![
            Next::FallsThrough(s(1)),
            Next::Written(vec![s(4)]),
            Next::Ends,
            Next::Ends,
            Next::Written(vec![s(6), s(5)]),
            Next::Ends,
            Next::Ends,
        ]
    );
}

#[test]
fn open_values_are_kept_with_their_property() {
    use imp::model::OpenKind;
    let text = "person alice \"A\" { email \"{{EMAIL}}\" }\nrole r \"R\" { held_by alice; backup tbd \"HR decides\" }\npolicy { owner r; next_review {{DATE}} }\n";
    let a = analyse("open", text);
    let got: Vec<(&str, &str, bool)> = a
        .model
        .open
        .iter()
        .map(|o| {
            (
                &text[o.key.lo as usize..o.key.hi as usize],
                &text[o.span.lo as usize..o.span.hi as usize],
                matches!(o.kind, OpenKind::NotStated { reason: Some(_) }),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("email", "{{EMAIL}}", false),
            ("backup", "tbd \"HR decides\"", true),
            ("next_review", "{{DATE}}", false),
        ]
    );
    // The properties they stand in are absent; the others are read.
    assert!(a.model.roles[0].backup.is_none());
    assert!(a.model.roles[0].held_by.is_some());
    assert!(a.model.policies[0].next_review.is_none());
    assert!(a.model.people[0].email.len() == 1);
}

#[test]
fn time_limits_keep_what_the_plan_says() {
    use imp::model::{Limit, MomentRef, MomentWord};
    let a = analyse(
        "limits",
        "moment board \"Board\" {}\nscale s \"S\" {\n  level l \"L\" {\n    acknowledge immediately\n    start_work within 30s\n    contain within 24-72h from declaration\n    resolve within next_business_day@office\n    review 24h before board\n    update every shift\n  }\n}\ncalendar office \"O\" { hours mon-fri 09:00-17:00 }\n",
    );
    let l = &a.model.scales[0].levels[0];
    assert!(matches!(
        l.acknowledge.as_ref().expect("present").value.limit,
        Limit::Immediately
    ));
    let sw = l
        .start_work
        .as_ref()
        .expect("present")
        .value
        .duration()
        .expect("present");
    assert_eq!(sw.fixed_seconds(), Some(30));
    let c = &l.contain.as_ref().expect("present").value;
    let Limit::Range { low, high } = &c.limit else {
        panic!("a range")
    };
    assert_eq!(
        (low.to_string(), high.to_string()),
        ("24h".into(), "72h".into())
    );
    assert!(matches!(
        c.from,
        Some(MomentRef::Builtin(m)) if m.value == MomentWord::Declaration
    ));
    let r = &l.resolve.as_ref().expect("present").value;
    assert!(matches!(r.limit, Limit::NextBusinessDay(_)));
    let v = &l.review.as_ref().expect("present").value;
    let Limit::Before { duration, moment } = &v.limit else {
        panic!("before")
    };
    assert_eq!(duration.to_string(), "24h");
    assert!(matches!(moment, MomentRef::Declared(r) if r.target.is_some()));
    assert!(
        l.update
            .as_ref()
            .expect("present")
            .value
            .per_shift
            .is_some()
    );
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
}

#[test]
fn conditions_name_facts_criteria_quantities_and_choices() {
    use imp::model::ConditionKind;
    let a = analyse(
        "conds",
        "fact crime \"C\" {}\njudgement teams \"T\" { judged_by r }\nrole r \"R\" {}\nquantity users \"U\" {}\nimpact data \"D\" { choice health \"H\"; choice card \"C\"; multiple }\ncriteria high \"H\" { when users > 1000 or data in [card] }\nscale s \"S\" { level l \"L\" { when high or crime or not teams or data == health } }\n",
    );
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
    let w = a.model.scales[0].levels[0].when.as_ref().expect("present");
    let kinds: Vec<&str> = w
        .cond
        .walk()
        .map(|c| match &c.kind {
            ConditionKind::Any { .. } => "any",
            ConditionKind::Not { .. } => "not",
            ConditionKind::Fact { .. } => "fact",
            ConditionKind::Criteria { .. } => "criteria",
            ConditionKind::Choice { .. } => "choice",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        vec!["any", "criteria", "fact", "not", "fact", "choice"]
    );
    let c = a.model.criteria[0].when.as_ref().expect("present");
    assert!(c.cond.walk().any(|n| matches!(
        n.kind,
        ConditionKind::Quantity { value, .. } if value.value == 1000
    )));
}

#[test]
fn an_override_of_a_decision_adds_options() {
    let text = r#"role ceo "CEO" { held_by tbd }
procedure base "Base" {
  owner ceo
  decision pay "Pay?" {
    decided_by ceo
    option yes "Yes" { next done }
  }
  end done "Done" {}
}
procedure weekend "Weekend" {
  extends base
  override pay {
    option no "No" { next done }
  }
}
"#;
    let found: Vec<(String, String)> = findings("override-option", text)
        .into_iter()
        .filter(|(c, _)| c != "IMP0517")
        .collect();
    assert!(found.is_empty(), "{found:?}");
    // An option goes nowhere else: not in an action, nor in an override of one alone.
    let text = "procedure p \"P\" {\n  action a \"A\" { option x \"X\" {} }\n}\n";
    assert!(
        findings("action-option", text)
            .iter()
            .any(|(c, _)| c == "IMP0302"),
        "an option in an action is refused"
    );
}
