//! Configuration (`imp.yaml`) and silences, through the real binary.

use crate::common::*;

/// A policy with one unused person (IMP0404, a warning), on line 2.
const UNUSED: &[u8] = b"# A fragment.\nperson dana \"Dana\" { email \"dana@example.org\" }\n";

fn plain(dir: &std::path::Path, args: &[&str]) -> (String, i32) {
    let mut all = vec!["check", "--format", "plain"];
    all.extend_from_slice(args);
    let o = run_in(dir, &all);
    (stdout(&o), code(&o))
}

#[test]
fn levels_allow_warn_and_deny_change_the_output_and_the_exit_code() {
    let dir = write_tree("cfg-levels-none", &[("p.imp", UNUSED)]);
    let (out, exit) = plain(&dir, &["--no-checks", "."]);
    assert_eq!(
        out,
        "p.imp:2:8: warning[IMP0404]: person `dana` is never referenced\n0 errors, 1 warning in 1 file\n"
    );
    assert_eq!(exit, 0);
    for (setting, want, want_exit) in [
        ("allow", "no problems found in 1 file\n", 0),
        (
            "warn",
            "p.imp:2:8: warning[IMP0404]: person `dana` is never referenced\n0 errors, 1 warning in 1 file\n",
            0,
        ),
        (
            "deny",
            "p.imp:2:8: error[IMP0404]: person `dana` is never referenced\n1 error, 0 warnings in 1 file\n",
            1,
        ),
    ] {
        let yaml = format!("levels:\n  IMP0404: {setting}\n");
        let dir = write_tree(
            &format!("cfg-levels-{setting}"),
            &[("p.imp", UNUSED), ("imp.yaml", yaml.as_bytes())],
        );
        let (out, exit) = plain(&dir, &["--no-checks", "."]);
        assert_eq!(out, want, "{setting}");
        assert_eq!(exit, want_exit, "{setting}");
        // JSON says the same level.
        let o = run_in(&dir, &["check", "--format", "json", "--no-checks", "."]);
        let v = json(&o);
        if setting != "allow" {
            let level = if setting == "deny" {
                "error"
            } else {
                "warning"
            };
            assert_eq!(v["diagnostics"][0]["level"], level, "{setting}");
        }
    }
    // A check's error lowered to a warning: the run passes.
    let policy = b"policy {\n  owner ciso\n  approved_by ciso on 2026-01-01\n  version tbd\n  review every 12mo\n}\nrole ciso \"CISO\" {}\n";
    let dir = write_tree(
        "cfg-levels-check",
        &[
            ("p.imp", policy),
            ("imp.yaml", b"levels: {IMP0704: warn}\n"),
        ],
    );
    let (out, exit) = plain(&dir, &["--as-of", "2026-12-01", "--only=IMP0704", "."]);
    assert!(out.contains("warning[IMP0704]"), "{out}");
    assert_eq!(exit, 0, "{out}");
}

#[test]
fn a_bad_configuration_is_imp1601_in_imp_yaml_and_the_policy_is_still_checked() {
    let yaml = b"# Our configuration.\nlevels:\n  IMP0404: alow\n  IMP0406: allow\n";
    let dir = write_tree("cfg-bad-level", &[("p.imp", UNUSED), ("imp.yaml", yaml)]);
    let (out, exit) = plain(&dir, &["--no-checks", "."]);
    assert_eq!(
        out,
        "imp.yaml:3:12: error[IMP1601]: `alow` is not a level of `IMP0404`\n\
         p.imp:2:8: warning[IMP0404]: person `dana` is never referenced\n\
         1 error, 1 warning in 1 file\n"
    );
    assert_eq!(exit, 1);
    // The rest of the configuration applies.
    let yaml = b"librarys: {}\nlevels:\n  IMP0404: allow\n";
    let dir = write_tree("cfg-bad-key", &[("p.imp", UNUSED), ("imp.yaml", yaml)]);
    let (out, exit) = plain(&dir, &["--no-checks", "."]);
    assert_eq!(
        out,
        "imp.yaml:1:1: error[IMP1601]: unknown key `librarys` in `imp.yaml`\n1 error, 0 warnings in 1 file\n"
    );
    assert_eq!(exit, 1);
    // The human format shows the YAML, with a hint.
    let o = run_in(&dir, &["check", "--no-checks", "."]);
    let out = stdout(&o);
    assert!(out.contains("╭─[imp.yaml:1:1]"), "{out}");
    assert!(out.contains("did you mean `libraries`?"), "{out}");
    // JSON gives its place too.
    let o = run_in(&dir, &["check", "--format", "json", "--no-checks", "."]);
    let v = json(&o);
    let d = &v["diagnostics"][0];
    assert_eq!(
        (
            d["code"].as_str(),
            d["file"].as_str(),
            &d["line"],
            &d["column"]
        ),
        (Some("IMP1601"), Some("imp.yaml"), &1.into(), &1.into())
    );
    assert_eq!(v["summary"]["files"], 1);
}

#[test]
fn yaml_that_does_not_parse_and_a_file_that_is_not_text_are_imp1601_exit_1() {
    for (name, yaml, want) in [
        (
            "cfg-yaml",
            &b"libraries: [unclosed\n"[..],
            "imp.yaml:2:1: error[IMP1601]: `imp.yaml` is not valid YAML: did not find expected ',' or ']'",
        ),
        (
            "cfg-name",
            b"libraries:\n  \"bad name\": x\n",
            "imp.yaml:2:4: error[IMP1601]: `bad name` is not a library name: use letters, digits, `_` and `-`",
        ),
        (
            "cfg-utf8",
            b"libraries:\n  c: \xff\n",
            "imp.yaml:2:6: error[IMP1601]: cannot read `imp.yaml`: it is not UTF-8",
        ),
        (
            "cfg-twice",
            b"as_of: 2026-01-01\nas_of: 2026-02-01\n",
            "imp.yaml:2:1: error[IMP1601]: `imp.yaml` gives `as_of` twice",
        ),
    ] {
        let dir = write_tree(name, &[("p.imp", b"policy {}\n"), ("imp.yaml", yaml)]);
        let (out, exit) = plain(&dir, &["--no-checks", "."]);
        assert_eq!(exit, 1, "{name}: {out}");
        assert_eq!(out.lines().next(), Some(want), "{name}: {out}");
    }
    // A file over 1 MiB is not read.
    let big = vec![b'#'; 1024 * 1024 + 1];
    let dir = write_tree("cfg-big", &[("p.imp", b"policy {}\n"), ("imp.yaml", &big)]);
    let (out, exit) = plain(&dir, &["--no-checks", "."]);
    assert_eq!(exit, 1, "{out}");
    assert!(
        out.starts_with(
            "imp.yaml:1:1: error[IMP1601]: cannot read `imp.yaml`: it is larger than 1 MiB\n"
        ),
        "{out}"
    );
    // The policy named as a file reads the configuration of its directory.
    let dir = write_tree(
        "cfg-file",
        &[
            ("sub/p.imp", UNUSED),
            ("sub/imp.yaml", b"levels: {IMP0404: deny}\n"),
        ],
    );
    let (out, exit) = plain(&dir, &["--no-checks", "sub/p.imp"]);
    assert!(out.contains("error[IMP0404]"), "{out}");
    assert_eq!(exit, 1);
}

#[test]
fn as_of_comes_from_imp_yaml_and_the_command_line_wins() {
    // IMP0704 reports `tbd` in a policy approved on a day up to today.
    let policy = b"policy {\n  owner ciso\n  approved_by ceo on 2026-06-01\n  version tbd\n  review every 12mo\n}\nrole ciso \"CISO\" {}\nrole ceo \"CEO\" {}\n";
    let reported = |yaml: Option<&str>, args: &[&str]| {
        let mut files: Vec<(&str, &[u8])> = vec![("p.imp", policy)];
        if let Some(y) = yaml {
            files.push(("imp.yaml", y.as_bytes()));
        }
        let dir = write_tree("cfg-as-of", &files);
        let mut all = vec!["--only=IMP0704"];
        all.extend_from_slice(args);
        all.push(".");
        let (out, _) = plain(&dir, &all);
        out.contains("IMP0704")
    };
    assert!(!reported(Some("as_of: 2026-01-01\n"), &[]));
    assert!(reported(Some("as_of: 2026-12-01\n"), &[]));
    assert!(reported(
        Some("as_of: 2026-01-01\n"),
        &["--as-of", "2026-12-01"]
    ));
    assert!(!reported(
        Some("as_of: 2026-12-01\n"),
        &["--as-of", "2026-01-01"]
    ));
    assert!(!reported(None, &["--as-of", "2026-01-01"]));
    // A bad date is IMP1601, and today applies.
    let dir = write_tree(
        "cfg-as-of-bad",
        &[("p.imp", policy), ("imp.yaml", b"as_of: 2026-13-40\n")],
    );
    let (out, exit) = plain(&dir, &["--only=IMP0704", "."]);
    assert!(
        out.starts_with("imp.yaml:1:8: error[IMP1601]: `2026-13-40` is not a date\n"),
        "{out}"
    );
    assert_eq!(exit, 1);
}

#[test]
fn mandatory_roles_naming_a_missing_role_give_imp0703() {
    let policy = std::fs::read(root().join("examples/minimal.imp")).expect("minimal");
    let yaml = b"mandatory_roles:\n  isirt_lead: csirt_manager\n  privacy_officer: dpo\n  crisis_lead: false\n";
    let dir = write_tree("cfg-mandatory", &[("p.imp", &policy), ("imp.yaml", yaml)]);
    let (out, _) = plain(&dir, &["--as-of", "2026-12-01", "--only=IMP0703", "."]);
    assert_eq!(
        out,
        "p.imp:4:1: warning[IMP0703]: the mandatory `csirt_manager` is not declared\n\
         p.imp:4:1: warning[IMP0703]: the mandatory `dpo` is not declared\n\
         0 errors, 2 warnings in 1 file\n"
    );
    // Without the file, the four functions are found by their rules.
    let dir = write_tree("cfg-mandatory-none", &[("p.imp", &policy)]);
    let (plain_out, _) = plain(&dir, &["--as-of", "2026-12-01", "--only=IMP0703", "."]);
    assert!(!plain_out.contains("csirt_manager"), "{plain_out}");
}

#[test]
fn silences_silence_and_say_what_is_wrong_with_them() {
    let policy = b"\
# Dana joins the rota in January.
# imp: allow IMP0404 \"declared now so that the contact list is complete\"
person dana \"Dana\" { email \"dana@example.org\" }
person eve \"Eve\" { email \"eve@example.org\" }  # imp: allow IMP0404
person fay \"Fay\" { email \"fay@example.org\" }  # imp: allow IMP0406, IMP0404 \"kept\"
# imp: allow IMP1234, IMP0401 \"no\"
person gus \"Gus\" { email \"gus@example.org\" }  # imp: allow IMP0404 \"x\" y
";
    let dir = write_tree("cfg-silences", &[("p.imp", policy)]);
    let (out, exit) = plain(&dir, &["--no-checks", "."]);
    assert_eq!(
        out,
        "p.imp:4:49: warning[IMP1602]: silence of `IMP0404` without a reason\n\
         p.imp:5:60: warning[IMP1603]: silence of `IMP0406` silences nothing\n\
         p.imp:6:14: warning[IMP1604]: `IMP1234` is not a diagnostic code\n\
         p.imp:6:23: warning[IMP1604]: `IMP0401` cannot be silenced\n\
         p.imp:7:8: warning[IMP0404]: person `gus` is never referenced\n\
         p.imp:7:72: warning[IMP1604]: text after the reason of a silence\n\
         0 errors, 6 warnings in 1 file (3 silenced)\n"
    );
    assert_eq!(exit, 0);
    // A silence of a check that did not run silences nothing, and is not reported; nor is
    // one of a code that `levels` allows.
    let policy = b"# imp: allow IMP0802 \"the board decided\"\n# imp: allow IMP0406 \"x\"\nperson dana \"Dana\" { email \"dana@example.org\" }  # imp: allow IMP0404 \"kept\"\n";
    let dir = write_tree(
        "cfg-silences-not-run",
        &[
            ("p.imp", policy),
            ("imp.yaml", b"levels: {IMP0406: allow}\n"),
        ],
    );
    let (out, _) = plain(&dir, &["--no-checks", "."]);
    assert_eq!(out, "no problems found in 1 file (1 silenced)\n");
    // Selected, the check ran and found nothing; `--only` drops the warnings of reading, so
    // the silence of IMP0404 silences nothing, and is not reported either.
    let (out, _) = plain(&dir, &["--only=IMP0802", "."]);
    assert_eq!(
        out,
        "p.imp:1:14: warning[IMP1603]: silence of `IMP0802` silences nothing\n0 errors, 1 warning in 1 file\n"
    );
    // Levels apply to the findings about silences.
    std::fs::write(
        dir.join("imp.yaml"),
        b"levels: {IMP0406: allow, IMP1603: deny}\n",
    )
    .expect("write");
    let (out, exit) = plain(&dir, &["--only=IMP0802", "."]);
    assert!(out.starts_with("p.imp:1:14: error[IMP1603]"), "{out}");
    assert_eq!(exit, 1);
    // A silenced finding is not counted: --deny-warnings passes.
    let (_, exit) = plain(&dir, &["--no-checks", "--deny-warnings", "."]);
    assert_eq!(exit, 0);
}

#[test]
fn a_silenced_error_of_a_check_does_not_fail_the_run() {
    let policy = b"policy {\n  owner ciso\n  approved_by ciso on 2026-01-01\n  version tbd  # imp: allow IMP0704 \"the version is set on release\"\n  review every 12mo\n}\nrole ciso \"CISO\" {}\n";
    let dir = write_tree("cfg-silence-error", &[("p.imp", policy)]);
    let (out, exit) = plain(&dir, &["--as-of", "2026-12-01", "--only=IMP0704", "."]);
    assert_eq!(out, "no problems found in 1 file (1 silenced)\n");
    assert_eq!(exit, 0);
    // The JSON summary counts it too.
    let o = run_in(
        &dir,
        &[
            "check",
            "--format",
            "json",
            "--as-of",
            "2026-12-01",
            "--only=IMP0704",
            ".",
        ],
    );
    let v = json(&o);
    assert_eq!(v["summary"]["silenced"], 1, "{}", stdout(&o));
    assert_eq!(v["summary"]["errors"], 0);
}
