//! The command line, through the real binary: formats, exit codes, paths, colour.

use crate::common::*;

const CLEAN: &str = "person alice \"Alice\" { email \"alice@example.org\" }\nrole ciso \"CISO\" { held_by alice }\npolicy { owner ciso }\n";
const ONE_ERROR: &str = "person alice \"Alice\" { email \"alice@example.org\" }\nrole ciso \"CISO\" {\n  held_by alcie\n}\npolicy { owner ciso }\n";
const ONE_WARNING: &str = "person alice \"Alice\" { email \"alice@example.org\" }\n";

#[test]
fn clean_policy_exits_0_with_a_summary() {
    let dir = write_tree("cli-clean", &[("p.imp", CLEAN.as_bytes())]);
    let o = run(&["check", "--no-checks", path_str(&dir.join("p.imp"))]);
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    assert_eq!(stdout(&o), "no problems found in 1 file\n");
    assert_eq!(stderr(&o), "");
}

#[test]
fn error_exits_1_and_plain_is_one_line_per_finding() {
    let dir = write_tree("cli-err", &[("p.imp", ONE_ERROR.as_bytes())]);
    let path = dir.join("p.imp");
    let o = run(&["check", "--no-checks", "--format", "plain", path_str(&path)]);
    assert_eq!(code(&o), 1);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines,
        [
            format!(
                "{}:3:11: error[IMP0401]: unknown name `alcie`",
                path_str(&path)
            )
            .as_str(),
            "1 error, 0 warnings in 1 file",
        ]
    );
    assert_eq!(stderr(&o), "", "findings go to stdout");
}

#[test]
fn warnings_pass_unless_denied() {
    let dir = write_tree("cli-warn", &[("p.imp", ONE_WARNING.as_bytes())]);
    let p = dir.join("p.imp");
    let o = run(&["check", "--no-checks", "--format", "plain", path_str(&p)]);
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("warning[IMP0404]"), "{}", stdout(&o));
    let o = run(&["check", "--no-checks", "--deny-warnings", path_str(&p)]);
    assert_eq!(code(&o), 1);
}

#[test]
fn unreadable_path_exits_2_on_stderr_and_beats_1() {
    let dir = write_tree("cli-missing", &[("bad.imp", ONE_ERROR.as_bytes())]);
    let missing = dir.join("nope.imp");
    let o = run(&[
        "check",
        "--format",
        "plain",
        path_str(&missing),
        path_str(&dir.join("bad.imp")),
    ]);
    assert_eq!(code(&o), 2, "2 beats 1");
    assert!(stderr(&o).contains("cannot read"), "{}", stderr(&o));
    assert!(stderr(&o).contains("no such file or directory"));
    assert!(
        stdout(&o).contains("IMP0401"),
        "the readable policy is still checked"
    );
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(
        code(&run(&["check", "--no-checks", "--format", "xml", "."])),
        2
    );
    assert_eq!(code(&run(&["frobnicate"])), 2);
    assert_eq!(code(&run(&["explain", "IMP9999"])), 2);
}

#[test]
fn empty_directory_is_an_argument_error() {
    let dir = temp_dir("cli-empty-dir");
    let o = run(&["check", "--no-checks", path_str(&dir)]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no `.imp` files"), "{}", stderr(&o));
}

#[test]
fn no_path_means_the_current_directory() {
    let dir = write_tree("cli-dot", &[("a.imp", ONE_ERROR.as_bytes())]);
    let o = run_in(&dir, &["check", "--no-checks", "--format", "plain"]);
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o).starts_with("a.imp:3:11: error[IMP0401]"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn directory_is_every_imp_file_below_it_in_sorted_order() {
    let dir = write_tree(
        "cli-dir",
        &[
            ("b.imp", b"role r2 \"R\" { held_by nobody2 }\n"),
            ("a/z.imp", b"role r1 \"R\" { held_by nobody1 }\n"),
            ("notes.txt", b"not a policy\n"),
        ],
    );
    let o = run_in(&dir, &["check", "--no-checks", "--format", "plain", "."]);
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("a/z.imp:1:"), "{out}");
    assert!(lines.iter().any(|l| l.starts_with("b.imp:1:")), "{out}");
    assert!(out.ends_with("in 2 files\n"), "{out}");
}

#[test]
fn json_has_every_field_and_a_summary() {
    let dir = write_tree("cli-json", &[("p.imp", ONE_ERROR.as_bytes())]);
    let o = run(&[
        "check",
        "--no-checks",
        "--format",
        "json",
        path_str(&dir.join("p.imp")),
    ]);
    assert_eq!(code(&o), 1);
    let v = json(&o);
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "IMP0401");
    assert_eq!(d["level"], "error");
    assert_eq!(d["message"], "unknown name `alcie`");
    assert_eq!(d["line"], 3);
    assert_eq!(d["column"], 11);
    let start = d["start"].as_u64().expect("start") as usize;
    let end = d["end"].as_u64().expect("end") as usize;
    assert_eq!(&ONE_ERROR[start..end], "alcie");
    assert_eq!(d["help"], "did you mean `alice`?");
    assert!(d["labels"].as_array().is_some_and(|l| !l.is_empty()));
    assert!(d.get("clause").is_some());
    assert_eq!(v["summary"]["errors"], 1);
    assert_eq!(v["summary"]["warnings"], 0);
    assert_eq!(v["summary"]["files"], 1);
}

#[test]
fn human_format_has_no_colour_when_piped_or_with_no_color() {
    let dir = write_tree("cli-colour", &[("p.imp", ONE_ERROR.as_bytes())]);
    let p = dir.join("p.imp");
    let o = run(&["check", "--no-checks", path_str(&p)]);
    let out = stdout(&o);
    assert!(
        !out.contains('\u{1b}'),
        "no escape codes when not a terminal"
    );
    assert!(
        out.contains("IMP0401") && out.contains("did you mean `alice`?"),
        "{out}"
    );
    // `--color always` forces colour (even with NO_COLOR: the flag is explicit), `never`
    // forbids it.
    let o = imp()
        .env("NO_COLOR", "1")
        .args(["check", "--color", "always", path_str(&p)])
        .output()
        .expect("runs");
    assert!(stdout(&o).contains('\u{1b}'), "--color always gives colour");
    let o = run(&["check", "--no-checks", "--color", "never", path_str(&p)]);
    assert!(!stdout(&o).contains('\u{1b}'));
}

/// On a terminal (a pseudo-terminal from `script`, from Debian's essential bsdutils), the
/// human format is coloured unless NO_COLOR is set.
#[test]
fn colour_on_a_terminal_unless_no_color() {
    let dir = write_tree("cli-tty", &[("p.imp", ONE_ERROR.as_bytes())]);
    let cmd = format!("{} check p.imp", env!("CARGO_BIN_EXE_imp"));
    let tty = |no_color: bool| {
        let mut c = std::process::Command::new("script");
        c.current_dir(&dir).args(["-qec", &cmd, "/dev/null"]);
        if no_color {
            c.env("NO_COLOR", "1");
        } else {
            c.env_remove("NO_COLOR");
        }
        let o = c.output().expect("script runs");
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let coloured = tty(false);
    assert!(coloured.contains("IMP0401"), "{coloured}");
    assert!(coloured.contains('\u{1b}'), "colour on a terminal");
    let plain = tty(true);
    assert!(plain.contains("IMP0401"), "{plain}");
    assert!(!plain.contains('\u{1b}'), "no colour with NO_COLOR");
}

#[test]
fn output_is_deterministic() {
    let a = run(&[
        "check",
        "--no-checks",
        "--format",
        "json",
        "examples/broken",
    ]);
    let b = run(&[
        "check",
        "--no-checks",
        "--format",
        "json",
        "examples/broken",
    ]);
    assert_eq!(a.stdout, b.stdout);
    let a = run(&["check", "--no-checks", "examples/acme"]);
    let b = run(&["check", "--no-checks", "examples/acme"]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn explain_prints_the_documentation_of_a_code() {
    let o = run(&["explain", "imp0401"]);
    assert_eq!(code(&o), 0);
    assert!(
        stdout(&o).starts_with("## IMP0401: unknown name"),
        "{}",
        stdout(&o)
    );
    let o = run(&["explain", "IMP0410"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("did you mean"), "{}", stderr(&o));
}

#[test]
fn help_lists_commands_and_flags() {
    let o = run(&["--help"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    for word in ["check", "explain", "Exit codes"] {
        assert!(out.contains(word), "{word} missing from --help");
    }
    let out = stdout(&run(&["check", "--no-checks", "--help"]));
    for word in [
        "--format",
        "--deny-warnings",
        "human",
        "plain",
        "json",
        "PATH",
    ] {
        assert!(out.contains(word), "{word} missing from check --help");
    }
}

/// Standard output on a full disk (`/dev/full`).
fn full_disk() -> std::process::Stdio {
    std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full opens")
        .into()
}

#[test]
fn a_write_error_exits_2_with_one_line_on_stderr() {
    let dir = write_tree("cli-full", &[("p.imp", ONE_ERROR.as_bytes())]);
    let p = dir.join("p.imp");
    for args in [
        &["explain", "IMP0401"][..],
        &["check", "--no-checks", path_str(&p)],
        &["check", "--no-checks", "--format", "json", path_str(&p)],
        &["--help"],
        &["--version"],
    ] {
        let o = imp().args(args).stdout(full_disk()).output().expect("runs");
        let err = stderr(&o);
        assert_eq!(code(&o), 2, "{args:?}: {err}");
        assert!(
            err.starts_with("error: cannot write the output: ") && err.lines().count() == 1,
            "{args:?}: {err}"
        );
    }
}

/// Runs `imp ARGS` with standard output a pipe that is closed after `keep` bytes were read
/// (none: closed at once); returns the exit code and standard error.
fn run_closing_stdout_after(args: &[&str], keep: usize) -> (i32, String) {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = imp()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the imp binary runs");
    let mut out = child.stdout.take().expect("stdout is piped");
    let mut head = vec![0; keep];
    out.read_exact(&mut head).expect("the first bytes arrive");
    drop(out);
    let o = child.wait_with_output().expect("imp ends");
    (code(&o), stderr(&o))
}

#[test]
fn a_closed_pipe_ends_the_run_quietly_with_its_exit_code() {
    // Far more output than a pipe holds, so that the write meets the closed pipe.
    let text: String = (0..3000)
        .map(|i| format!("role r{i} \"R\" {{ held_by nobody{i} }}\n"))
        .collect();
    let dir = write_tree("cli-pipe", &[("p.imp", text.as_bytes())]);
    let p = dir.join("p.imp");
    for format in ["human", "plain", "json"] {
        let (exit, err) = run_closing_stdout_after(
            &["check", "--no-checks", "--format", format, path_str(&p)],
            10,
        );
        assert_eq!(exit, 1, "{format}: the run's own exit code; stderr {err}");
        assert_eq!(err, "", "{format}: no message for a closed pipe");
    }
    let (exit, err) = run_closing_stdout_after(&["check", "--no-checks", "examples/broken"], 10);
    assert_eq!(exit, 1, "{err}");
    assert_eq!(err, "");
    for args in [&["explain", "IMP0401"][..], &["--help"], &["--version"]] {
        let (exit, err) = run_closing_stdout_after(args, 0);
        assert_eq!(exit, 0, "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(err, "", "{args:?}");
    }
    // A usage error still exits 2 with its message.
    let (exit, err) = run_closing_stdout_after(&["frobnicate"], 0);
    assert_eq!(exit, 2);
    assert!(err.contains("frobnicate"), "{err}");
}
