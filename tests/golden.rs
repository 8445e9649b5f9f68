//! Golden diagnostics. Every case in `examples/broken/` (a file, or a directory for mistakes
//! that need several files or an `imp.yaml`) marks the offending line with `# expect:
//! IMPxxxx`, in a `.imp` file or in the case's `imp.yaml`. The tests check that exactly those
//! codes are reported on exactly those lines, and keep the rendered output (human format, no
//! colour, 100 columns) as reviewed snapshots in `tests/snapshots/`.
//! Adding a case is adding a file; `INSTA_UPDATE=always cargo test` writes its snapshot.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::common::*;
use imp::diagnostics::Code;

/// (display path, line, code) triples, sorted; a finding reported twice appears twice.
type Findings = Vec<(String, usize, String)>;

fn cases() -> Vec<PathBuf> {
    let dir = root().join("examples/broken");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("examples/broken exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir() || p.extension().is_some_and(|x| x == "imp"))
        .collect();
    out.sort();
    out
}

fn imp_files(case: &Path) -> Vec<PathBuf> {
    if case.is_file() {
        return vec![case.to_path_buf()];
    }
    let mut out = Vec::new();
    let mut stack = vec![case.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "imp") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

fn rel(p: &Path) -> String {
    p.strip_prefix(root())
        .expect("under the repo")
        .to_string_lossy()
        .replace('\\', "/")
}

/// The `# expect:` comments of a case: in its `.imp` files, and in the `imp.yaml` of a
/// directory case (YAML comments are `#` too).
fn expected(case: &Path) -> Findings {
    let mut out = Findings::new();
    let mut files = imp_files(case);
    let config = case.join("imp.yaml");
    if case.is_dir() && config.is_file() {
        files.push(config);
    }
    for f in files {
        let bytes = std::fs::read(&f).expect("read case");
        let text = String::from_utf8_lossy(&bytes);
        for (i, line) in text.lines().enumerate() {
            if let Some((_, codes)) = line.split_once("# expect:") {
                for c in codes.split(',') {
                    out.push((rel(&f), i + 1, c.trim().to_string()));
                }
            }
        }
    }
    out.sort();
    out
}

/// The arguments that check a case: the checks it expects findings of, and no other (a case is
/// a fragment of a policy, which the completeness checks would find much missing from), on a
/// fixed day.
pub fn case_args(case: &Path) -> Vec<String> {
    let mut checks: Vec<String> = expected(case)
        .into_iter()
        .map(|(_, _, c)| c)
        .filter(|c| Code::parse(c).is_some_and(Code::is_check))
        .collect();
    checks.sort();
    checks.dedup();
    let mut args = vec!["--as-of".to_string(), "2026-12-01".to_string()];
    if checks.is_empty() {
        args.push("--no-checks".into());
    } else {
        args.push(format!("--only={}", checks.join(",")));
    }
    args.push(rel(case));
    args
}

fn check_case(case: &Path, before: &[&str]) -> std::process::Output {
    let mut args: Vec<String> = vec!["check".into()];
    args.extend(before.iter().map(|s| s.to_string()));
    args.extend(case_args(case));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&args)
}

fn reported(case: &Path) -> (Findings, i32) {
    let o = check_case(case, &["--format", "json"]);
    let v = json(&o);
    let mut found: Findings = v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["file"].as_str().expect("file").to_string(),
                d["line"].as_u64().expect("line") as usize,
                d["code"].as_str().expect("code").to_string(),
            )
        })
        .collect();
    found.sort();
    (found, code(&o))
}

#[test]
fn every_broken_case_reports_exactly_its_expected_codes_and_lines() {
    let mut failures = Vec::new();
    for case in cases() {
        let want = expected(&case);
        assert!(
            !want.is_empty(),
            "{} has no `# expect:` comment",
            rel(&case)
        );
        let (got, exit) = reported(&case);
        if got != want {
            failures.push(format!(
                "{}:\n  expected {want:?}\n  reported {got:?}",
                rel(&case)
            ));
        }
        let has_error = want.iter().any(|(_, _, c)| {
            Code::parse(c).is_some_and(|c| c.level() == imp::diagnostics::Level::Error)
        });
        let want_exit = if has_error { 1 } else { 0 };
        if exit != want_exit {
            failures.push(format!("{}: exit {exit}, expected {want_exit}", rel(&case)));
        }
        let denied = code(&check_case(
            &case,
            &["--deny-warnings", "--format", "plain"],
        ));
        if denied != 1 {
            failures.push(format!(
                "{}: exit {denied} with --deny-warnings, expected 1",
                rel(&case)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Codes only a generated input can trigger (see tests/hostile.rs).
const GENERATED: &[&str] = &["IMP0002", "IMP0006", "IMP0007", "IMP0008"];

#[test]
fn every_code_has_a_golden_case() {
    let mut covered: BTreeSet<String> = cases()
        .iter()
        .flat_map(|c| expected(c))
        .map(|(_, _, c)| c)
        .collect();
    covered.extend(GENERATED.iter().map(|c| c.to_string()));
    let all: BTreeSet<String> = Code::ALL.iter().map(|c| c.as_str().to_string()).collect();
    let missing: Vec<&String> = all.difference(&covered).collect();
    let unknown: Vec<&String> = covered.difference(&all).collect();
    assert!(
        missing.is_empty(),
        "codes without a golden case: {missing:?}"
    );
    assert!(
        unknown.is_empty(),
        "expect comments naming no code: {unknown:?}"
    );
}

#[test]
fn rendered_diagnostics_match_the_snapshots() {
    insta::glob!("../examples/broken", "IMP*", |path| {
        let o = check_case(path, &[]);
        let text = format!("exit: {}\n{}", code(&o), stdout(&o));
        insta::assert_snapshot!(text);
    });
}
