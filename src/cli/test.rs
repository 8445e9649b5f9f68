//! `imp test PATH`: runs the policy's scenarios, one line each, then `N passed, N failed`.

use super::timeline;
use super::{Exit, output};
use crate::check::Analysis;
use crate::model::ExpectVerb;
use crate::model::bounds::show_seconds;
use crate::simulate::scenario::{Outcome, check, incident};
use crate::simulate::{policy_zone, simulate};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The policy: a file, or a directory meaning every `*.imp` below it
    #[arg(value_name = "PATH", default_value = ".")]
    pub path: String,
    /// The day a scenario without `at` is reported on (at 09:00 in the policy's zone on the
    /// Monday after it); default: today
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<jiff::civil::Date>,
}

fn verb(v: ExpectVerb) -> &'static str {
    v.as_str()
}

/// One scenario's result: whether it passed, and the text of its failures.
fn run_one(a: &Analysis, i: usize, default_at: jiff::Timestamp) -> (bool, String) {
    let m = &a.model;
    let s = &m.scenarios[i];
    let sname = timeline::name(a, s.id);
    let zone = policy_zone(m);
    let inc = match incident(m, s, default_at, &zone) {
        Ok(x) => x,
        Err(why) => return (false, format!("FAIL {sname}: cannot be simulated: {why}\n")),
    };
    let t = simulate(m, &inc);
    let mut failures = Vec::new();
    for e in &s.expects {
        let party = a.text(e.value.party.span);
        let v = verb(e.value.verb.value);
        let limit = e
            .value
            .within
            .as_ref()
            .map(|d| format!(" within {d}"))
            .unwrap_or_default();
        let why = match check(m, &t, &e.value) {
            Outcome::Met { .. } => continue,
            Outcome::Late { after, limit } => format!(
                "{v} after {} in the worst case, later than {}",
                show_seconds(after.max(0) as u64),
                show_seconds(limit.max(0) as u64)
            ),
            Outcome::Missing { maybe: true } => format!(
                "not {v}: an obligation to `{party}` applies only under conditions the scenario does not settle (give its `impact` or `fact`)"
            ),
            Outcome::Missing { maybe: false } => format!("never {v} in the timeline"),
        };
        let file = a.sources.file_of(e.key);
        let line = file.line_of(file.range(e.key).start) + 1;
        failures.push(format!(
            "  expectation failed: `expect {party} {v}{limit}` ({}:{line}): {why}\n",
            file.path
        ));
    }
    if failures.is_empty() {
        (true, format!("ok   {sname}\n"))
    } else {
        let mut out = format!("FAIL {sname}\n");
        for f in failures {
            out.push_str(&f);
        }
        out.push_str("  the simulated timeline:\n");
        for l in timeline::text(a, &t).lines() {
            out.push_str("    ");
            out.push_str(l);
            out.push('\n');
        }
        (false, out)
    }
}

pub fn run(args: &Args) -> Exit {
    let a = match super::simulate::read(&args.path) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let zone = policy_zone(&a.model);
    let day = args.as_of.unwrap_or_else(|| {
        jiff::Timestamp::now()
            .to_zoned_datetime(zone.clone())
            .date()
    });
    // 09:00 on the Monday after the day.
    let mut monday = day.tomorrow().unwrap_or(day);
    for _ in 0..7 {
        if monday.weekday() == jiff::civil::Weekday::Monday {
            break;
        }
        monday = monday.tomorrow().unwrap_or(monday);
    }
    let default_at = zone
        .to_timestamp(monday.to_datetime(jiff::civil::Time::new(9, 0, 0, 0).unwrap_or_default()))
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let mut out = String::new();
    let (mut passed, mut failed) = (0, 0);
    for i in 0..a.model.scenarios.len() {
        let (ok, text) = run_one(&a, i, default_at);
        out.push_str(&text);
        if ok {
            passed += 1;
        } else {
            failed += 1;
        }
    }
    if passed + failed == 0 {
        out.push_str("no scenario in the policy\n");
    }
    out.push_str(&format!("{passed} passed, {failed} failed\n"));
    output(
        &out,
        if failed > 0 {
            Exit::Findings
        } else {
            Exit::Clean
        },
    )
}
