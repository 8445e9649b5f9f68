//! Every hour of the week (IMP19xx) and `imp simulate` read who answers when the same way:
//! cases found in review, each checked through the real binary, the check and the simulation
//! side by side.

use crate::common::*;

fn case(name: &str) -> String {
    root()
        .join("tests/week")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// The messages of the every-hour findings of a case.
fn hours(name: &str) -> Vec<String> {
    let o = run(&[
        "check",
        "--format",
        "json",
        "--as-of",
        "2026-12-01",
        "--only=IMP1901,IMP1902,IMP1903,IMP1904",
        &case(name),
    ]);
    json(&o)["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            format!(
                "{}: {}",
                d["code"].as_str().unwrap_or("?"),
                d["message"].as_str().unwrap_or("?")
            )
        })
        .collect()
}

/// The pages of a simulated `sev1` at an instant: (party, person or gap kind).
fn pages(name: &str, at: &str) -> Vec<(String, String)> {
    let o = run(&[
        "simulate",
        &case(name),
        "--severity",
        "sev1",
        "--at",
        at,
        "--format",
        "json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    json(&o)["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .map(|p| {
            let who = p["person"]
                .as_str()
                .map(str::to_string)
                .or_else(|| p["gap"]["kind"].as_str().map(str::to_string))
                .unwrap_or_default();
            (p["party"].as_str().unwrap_or("?").to_string(), who)
        })
        .collect()
}

#[test]
fn a_rota_whose_turn_cannot_be_told_still_answers() {
    assert_eq!(hours("rota-without-starts.imp"), Vec::<String>::new());
    let p = pages("rota-without-starts.imp", "2026-12-05T03:00[Europe/London]");
    assert!(p.contains(&("ciso".into(), "priya".into())), "{p:?}");
}

#[test]
fn a_team_reached_by_a_hop_is_answered_by_its_lead_only_in_the_lead_rotas_hours() {
    let f = hours("team-lead-on-a-day-rota.imp");
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].starts_with(
            "IMP1901: a `sev1` report made Mon-Thu 16:55-08:55, Fri 16:55-Mon 08:55 Europe/London"
        ),
        "{f:?}"
    );
    let p = pages(
        "team-lead-on-a-day-rota.imp",
        "2026-12-05T03:00[Europe/London]",
    );
    assert!(p.contains(&("isirt".into(), "not_staffed".into())), "{p:?}");
}

#[test]
fn mutual_backups_cover_each_other_whichever_is_walked_first() {
    assert_eq!(hours("mutual-backups.imp"), Vec::<String>::new());
    for at in [
        "2026-12-05T03:00[Europe/London]",
        "2026-12-05T12:00[Europe/London]",
    ] {
        let p = pages("mutual-backups.imp", at);
        assert!(
            p.iter()
                .any(|(party, who)| party == "night_lead" && (who == "sam" || who == "priya")),
            "{at}: {p:?}"
        );
    }
}

#[test]
fn a_holiday_is_kept_on_its_own_date_in_a_zone_far_west_of_the_policy() {
    let f = hours("holiday-far-west.imp");
    assert_eq!(f.len(), 1, "{f:?}");
    assert!(
        f[0].ends_with("and Tue 02:00-10:00 Asia/Tokyo in the week of 2027-01-18 \"MLK Day\", a holiday of `us`"),
        "{f:?}"
    );
    let p = pages(
        "holiday-far-west.imp",
        "2027-01-18T10:00[America/Los_Angeles]",
    );
    assert!(p.contains(&("desk".into(), "not_staffed".into())), "{p:?}");
}

#[test]
fn a_sunday_holiday_on_the_day_the_clocks_change_changes_nothing() {
    let f = hours("holiday-on-the-clock-change.imp");
    assert_eq!(
        f,
        [
            "IMP1902: reports to `desk` reach nobody Mon-Thu 17:00-09:00, Fri 17:00-Mon 09:00 Europe/London"
        ]
    );
}

#[test]
fn a_role_held_by_any_of_two_rotas_answers_when_either_does() {
    assert_eq!(hours("any-of-two-rotas.imp"), Vec::<String>::new());
    for at in [
        "2026-12-05T03:00[Europe/London]",
        "2026-12-05T12:00[Europe/London]",
    ] {
        let p = pages("any-of-two-rotas.imp", at);
        assert!(
            p.iter()
                .any(|(party, who)| party == "ciso" && who == "priya"),
            "{at}: {p:?}"
        );
        assert!(!p.iter().any(|(_, who)| who == "not_made"), "{at}: {p:?}");
    }
}
