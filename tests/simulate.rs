//! `imp simulate` and `imp test`, through the real binary.

use crate::common::*;

fn acme() -> String {
    root().join("examples/acme").to_string_lossy().into_owned()
}

fn simulate(extra: &[&str]) -> std::process::Output {
    let a = acme();
    let mut args = vec!["simulate", a.as_str()];
    args.extend_from_slice(extra);
    run(&args)
}

#[test]
fn simulate_names_who_is_on_call_at_that_instant() {
    let o = simulate(&[
        "--severity",
        "sev1",
        "--category",
        "ransomware",
        "--at",
        "2026-12-05T03:00[Europe/London]",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    // Saturday 03:00: the desk is closed, the report goes to the ISIRT rota; week 47 from
    // 5 January is the fourth analyst's (47 mod 4 = 3): Chloe.
    assert!(
        out.contains("+0m  Sat 2026-12-05 03:00 GMT  `service_desk`: `chloe` (Chloe Martin), phone +44 7700 900124 (out of band: signal +44 7700 900124)\n           report lands, out of hours"),
        "{out}"
    );
    // The DPO is in Dublin: the page says her time too.
    assert!(
        out.contains("`dpo`: `siobhan` (Siobhan Byrne), Sat 2026-12-05 03:15 GMT their time"),
        "{out}"
    );
    // Without impacts, the GDPR obligations may apply: shown, and said to be unsettled.
    assert!(
        out.contains("`uk_gdpr_breach` notification (72h) to `ico`, if its trigger holds"),
        "{out}"
    );
    // Five business days from a Saturday: Monday to Friday, to the end of Friday's hours.
    assert!(
        out.contains("Fri 2026-12-11 17:30 GMT  `group_summary` summary (5bd@uk_office)"),
        "{out}"
    );
}

#[test]
fn simulate_json_is_deterministic_with_checked_values() {
    let args = [
        "--severity",
        "sev1",
        "--category",
        "ransomware",
        "--fact",
        "criminal_activity",
        "--impact",
        "personal_data=3",
        "--impact",
        "regulatory=3",
        "--at",
        "2026-12-23T10:00[Europe/London]",
        "--format",
        "json",
    ];
    let o = simulate(&args);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        stdout(&simulate(&args)),
        "the same on every run"
    );
    let v = json(&o);
    assert_eq!(v["format_version"], 1);
    assert_eq!(v["zone"], "Europe/London");
    let first = &v["pages"][0];
    assert_eq!(first["cause"], "report");
    assert_eq!(first["party"], "service_desk");
    assert_eq!(first["detail"]["out_of_hours"], false);
    assert_eq!(first["at"], "2026-12-23T10:00:00+00:00[Europe/London]");
    let deadlines = v["deadlines"].as_array().expect("deadlines");
    let due = |ob: &str, dl: &str| {
        deadlines
            .iter()
            .find(|d| d["obligation"] == ob && d["deadline"] == dl)
            .map(|d| d["at"].as_str().expect("at").to_string())
            .expect("the deadline")
    };
    // 5 business days from Wednesday 23 December: Thursday 24th, then Christmas, the weekend
    // and the substitute Boxing Day are skipped: 29th, 30th, 31st, then New Year's Day (a
    // holiday) and the weekend are skipped: Monday 4 January 2027.
    assert_eq!(
        due("group_summary", "summary"),
        "2027-01-04T17:30:00+00:00[Europe/London]"
    );
    assert_eq!(
        due("uk_gdpr_breach", "notification"),
        "2026-12-26T10:00:00+00:00[Europe/London]"
    );
    assert_eq!(
        deadlines
            .iter()
            .find(|d| d["obligation"] == "uk_gdpr_breach")
            .expect("gdpr")["applies"],
        "yes"
    );
}

#[test]
fn simulate_counts_hours_across_the_clock_change() {
    let o = simulate(&[
        "--severity",
        "sev2",
        "--at",
        "2026-10-24T03:00[Europe/London]",
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(
        v["incident"]["at"],
        "2026-10-24T03:00:00+01:00[Europe/London]"
    );
    // 48 hours of the insurer's notice: the clocks went back on the 25th, so 02:00 GMT.
    let d = v["deadlines"]
        .as_array()
        .expect("deadlines")
        .iter()
        .find(|d| d["obligation"] == "insurer_notice" && d["deadline"] == "notice")
        .expect("insurer notice");
    assert_eq!(d["at"], "2026-10-26T02:00:00+00:00[Europe/London]");
}

#[test]
fn simulate_refuses_unknown_names_and_bad_times_with_exit_2() {
    let o = simulate(&[
        "--severity",
        "sev9",
        "--at",
        "2026-12-05T03:00[Europe/London]",
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("unknown level `sev9`: the levels are `sev1`"),
        "{}",
        stderr(&o)
    );
    let o = simulate(&[
        "--severity",
        "sev1",
        "--category",
        "ransomwear",
        "--at",
        "2026-12-05T03:00",
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("unknown category `ransomwear`"),
        "{}",
        stderr(&o)
    );
    let o = simulate(&["--severity", "sev1", "--at", "next tuesday"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("`--at next tuesday` is not a time"),
        "{}",
        stderr(&o)
    );
}

const POLICY: &str = r#"
person ann "Ann" { phone "+44 7700 900001" }
person bob "Bob" { phone "+44 7700 900002" }
role lead "Lead" { held_by ann }
role boss "Boss" { held_by bob }
point_of_contact desk "Desk" { held_by lead; timezone "Europe/London" }
channel mail "Mail" { kind email; email "sec@example.org"; lands_at desk }
scale severity "Severity" {
  default
  level high "High" { acknowledge within 15m; notify [lead] }
  level low "Low" { acknowledge within 1d }
}
escalation up "Up" { hop desk -> boss within 1h when severity >= high }
"#;

#[test]
fn test_runs_each_scenario_and_closes_with_the_counts() {
    let text = format!(
        "{POLICY}scenario fine \"Fine\" {{\n  severity high\n  at 2026-12-07 10:00\n  expect lead paged within 15m\n  expect boss paged within 1h\n}}\nscenario slow \"Slow\" {{\n  severity high\n  at 2026-12-07 10:00\n  expect boss paged within 30m\n}}\n"
    );
    let dir = write_tree("test-scenarios", &[("p.imp", text.as_bytes())]);
    let o = run_in(&dir, &["test", "p.imp"]);
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.starts_with("ok   fine\nFAIL slow\n"), "{out}");
    assert!(
        out.contains("  expectation failed: `expect boss paged within 30m` (p.imp:23): paged after 1h in the worst case, later than 30m\n"),
        "{out}"
    );
    assert!(out.contains("  the simulated timeline:\n"), "{out}");
    assert!(out.contains("hop `desk -> boss` of `up`"), "{out}");
    assert!(out.ends_with("1 passed, 1 failed\n"), "{out}");

    let pass = format!(
        "{POLICY}scenario fine \"Fine\" {{\n  severity high\n  at 2026-12-07 10:00\n  expect boss engaged\n}}\n"
    );
    let dir = write_tree("test-pass", &[("p.imp", pass.as_bytes())]);
    let o = run_in(&dir, &["test", "p.imp"]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(stdout(&o), "ok   fine\n1 passed, 0 failed\n");
}

#[test]
fn test_exits_2_on_a_policy_with_errors_of_reading() {
    let text = format!("{POLICY}scenario s \"S\" {{\n  severity high\n  expect bsos paged\n}}\n");
    let dir = write_tree("test-unreadable", &[("p.imp", text.as_bytes())]);
    let o = run_in(&dir, &["test", "p.imp"]);
    assert_eq!(code(&o), 2);
    let err = stderr(&o);
    assert!(err.contains("error[IMP0401]: unknown name `bsos`"), "{err}");
    assert!(err.contains("has errors of reading"), "{err}");
}

#[test]
fn the_examples_scenarios_pass() {
    for p in ["examples/acme", "examples/startup.imp"] {
        let path = root().join(p);
        let o = run(&["test", "--as-of", "2026-12-01", path_str(&path)]);
        assert_eq!(code(&o), 0, "{p}: {}", stdout(&o));
        assert!(stdout(&o).ends_with(" 0 failed\n"), "{}", stdout(&o));
    }
}

/// At night nobody answers startup's desk, so the hop out of it is not made, and an
/// expectation on the party it leads to fails; by day the hop is made.
#[test]
fn a_hop_out_of_a_desk_nobody_answers_is_not_made() {
    let startup = root().join("examples/startup.imp");
    let startup = startup.to_string_lossy();
    let at = |when: &str| {
        let o = run(&[
            "simulate",
            &startup,
            "--severity",
            "high",
            "--at",
            when,
            "--format",
            "json",
        ]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
        let v = json(&o);
        v["pages"]
            .as_array()
            .expect("pages")
            .iter()
            .find(|p| p["party"] == "isirt" && p["cause"] == "hop")
            .cloned()
            .expect("the hop to the team")
    };
    let night = at("2026-12-05T03:00[Europe/London]");
    assert_eq!(night["gap"]["kind"], "not_made", "{night}");
    assert_eq!(night["gap"]["from"], "on_call_desk", "{night}");
    assert_eq!(night["person"], serde_json::Value::Null);
    let day = at("2026-12-05T12:00[Europe/London]");
    assert_eq!(day["gap"], serde_json::Value::Null, "{day}");
    assert!(day["person"].is_string(), "{day}");
}
