//! How a policy's files are found and read, through the real binary: one rule for links in
//! a directory walk and in `use`, nothing opened that is not a regular file, a file reached
//! twice read once, and the caps on findings and on the policy's size.

use std::io::Read;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;

/// Runs `imp ARGS` in `dir` with a standard input that stays open and is never written:
/// a run that read it would never end. Fails after `secs` seconds.
fn run_bounded(dir: &Path, args: &[&str], secs: u64) -> Output {
    let mut child = imp()
        .current_dir(dir)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the imp binary runs");
    let stdin = child.stdin.take();
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            r.read_to_end(&mut buf).expect("read output");
            buf
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("stdout")));
    let err = drain(Box::new(child.stderr.take().expect("stderr")));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            panic!("`imp {}` did not end within {secs} s", args.join(" "));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    drop(stdin);
    Output {
        status,
        stdout: out.join().expect("stdout thread"),
        stderr: err.join().expect("stderr thread"),
    }
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs")
        .success();
    assert!(ok, "mkfifo {}", path.display());
}

const ALICE: &[u8] = b"person alice \"Alice\" {}\npolicy { owner alice }\n";

#[test]
fn a_walk_and_use_treat_links_alike() {
    let top = temp_dir("links");
    let root = top.join("root");
    std::fs::create_dir_all(root.join("sub")).expect("dirs");
    std::fs::create_dir_all(top.join("outside")).expect("dirs");
    std::fs::write(top.join("outside/o.imp"), b"person outsider \"O\" {}\n").expect("write");
    std::fs::write(root.join("a.imp"), ALICE).expect("write");
    // Inside the root: followed, and the file it reaches is read once.
    symlink("../a.imp", root.join("sub/inside.imp")).expect("symlink");
    // Out of the root: reported, not read.
    symlink("../outside/o.imp", root.join("out.imp")).expect("symlink");
    let o = run_bounded(
        &top,
        &["check", "--no-checks", "--format", "plain", "root"],
        10,
    );
    assert_eq!(
        stdout(&o),
        "root/out.imp:1:1: error[IMP0202]: `root/out.imp` links to a file outside the policy\n\
         1 error, 0 warnings in 2 files\n"
    );
    assert_eq!(code(&o), 1);

    // The same two links, reached by `use`, follow the same rule.
    std::fs::write(
        root.join("main.imp"),
        b"use \"sub/inside.imp\"\nuse \"out.imp\"\n",
    )
    .expect("write");
    std::fs::remove_file(root.join("a.imp")).expect("rm");
    std::fs::write(root.join("sub/a.imp"), ALICE).expect("write");
    std::fs::remove_file(root.join("sub/inside.imp")).expect("rm");
    symlink("a.imp", root.join("sub/inside.imp")).expect("symlink");
    let o = run_bounded(
        &top,
        &["check", "--no-checks", "--format", "plain", "root/main.imp"],
        10,
    );
    assert_eq!(
        stdout(&o),
        "root/main.imp:2:5: error[IMP0202]: `out.imp` is outside the policy\n\
         1 error, 0 warnings in 2 files\n"
    );
    assert_eq!(code(&o), 1);
}

#[test]
fn a_link_to_standard_input_inside_the_root_is_never_read() {
    let dir = write_tree("stdin-link", &[("a.imp", ALICE)]);
    symlink("/dev/stdin", dir.join("in.imp")).expect("symlink");
    let o = run_bounded(
        &dir,
        &["check", "--no-checks", "--format", "plain", "."],
        10,
    );
    assert_eq!(
        stdout(&o),
        "in.imp:1:1: error[IMP0202]: `in.imp` links to a file outside the policy\n\
         1 error, 0 warnings in 2 files\n"
    );
    std::fs::remove_file(dir.join("in.imp")).expect("rm");
    symlink("/dev/stdin", dir.join("in.link")).expect("symlink");
    std::fs::write(dir.join("b.imp"), b"use \"in.link\"\n").expect("write");
    let o = run_bounded(
        &dir,
        &["check", "--no-checks", "--format", "plain", "b.imp"],
        10,
    );
    assert_eq!(
        stdout(&o),
        "b.imp:1:5: error[IMP0202]: `in.link` is outside the policy\n\
         1 error, 0 warnings in 1 file\n"
    );
}

#[test]
fn a_fifo_a_socket_or_a_device_is_never_opened() {
    let dir = write_tree("fifo", &[("a.imp", ALICE)]);
    mkfifo(&dir.join("x.imp"));
    let _socket = std::os::unix::net::UnixListener::bind(dir.join("s.imp")).expect("bind a socket");
    // Found by the walk.
    let o = run_bounded(
        &dir,
        &["check", "--no-checks", "--format", "plain", "."],
        10,
    );
    assert_eq!(
        stdout(&o),
        "s.imp:1:1: error[IMP0006]: `s.imp` is a socket, not a policy file\n\
         x.imp:1:1: error[IMP0006]: `x.imp` is a FIFO, not a policy file\n\
         2 errors, 0 warnings in 3 files\n"
    );
    assert_eq!(code(&o), 1);
    // Named by `use`: the finding is on the `use`.
    std::fs::create_dir_all(dir.join("u")).expect("dir");
    mkfifo(&dir.join("u/p.pipe"));
    std::fs::write(
        dir.join("u/main.imp"),
        b"use \"p.pipe\"\nuse \"/dev/zero\"\n",
    )
    .expect("write");
    let o = run_bounded(
        &dir,
        &["check", "--no-checks", "--format", "json", "u/main.imp"],
        10,
    );
    let v = json(&o);
    assert_eq!(codes(&v), ["IMP0006", "IMP0202"]);
    assert_eq!(v["diagnostics"][0]["line"], 1);
    assert_eq!(v["diagnostics"][0]["column"], 5);
    assert_eq!(v["diagnostics"][1]["line"], 2);
    // Named as PATH: nothing to check, exit 2.
    let o = run_bounded(&dir, &["check", "--no-checks", "x.imp"], 10);
    assert_eq!(code(&o), 2);
    assert_eq!(
        stderr(&o),
        "error: cannot read `x.imp`: it is a FIFO, not a regular file\n"
    );
}

#[test]
fn a_file_reached_twice_is_one_file() {
    let dir = write_tree("hardlink", &[("a.imp", ALICE)]);
    std::fs::hard_link(dir.join("a.imp"), dir.join("b.imp")).expect("hard link");
    std::fs::write(dir.join("c.imp"), b"use \"a.imp\"\nuse \"./b.imp\"\n").expect("write");
    // Without the rule, `alice` and the policy would each be declared twice.
    let o = run_bounded(
        &dir,
        &["check", "--no-checks", "--format", "plain", "."],
        10,
    );
    assert_eq!(stdout(&o), "no problems found in 2 files\n");
    assert_eq!(code(&o), 0);
}

#[test]
fn an_absolute_use_inside_the_root_is_allowed() {
    let dir = write_tree("absolute", &[("people/a.imp", ALICE)]);
    let abs = dir.join("people/a.imp");
    let text = format!(
        "use \"{}\"\nrole r \"R\" {{ held_by alice }}\nreview {{ owner r }}\n",
        path_str(&abs)
    );
    std::fs::write(dir.join("main.imp"), text).expect("write");
    let o = run_bounded(
        &dir,
        &["check", "--no-checks", "--format", "plain", "main.imp"],
        10,
    );
    assert_eq!(stdout(&o), "no problems found in 2 files\n");
    // The same path, from outside the root, is refused.
    let o = run_bounded(
        &dir.join("people"),
        &["check", "--no-checks", "--format", "plain", "a.imp"],
        10,
    );
    assert_eq!(code(&o), 0);
    std::fs::write(
        dir.join("people/b.imp"),
        format!("use \"{}\"\n", path_str(&dir.join("main.imp"))),
    )
    .expect("write");
    let o = run_bounded(
        &dir.join("people"),
        &["check", "--no-checks", "--format", "plain", "b.imp"],
        10,
    );
    assert!(
        stdout(&o).starts_with("b.imp:1:5: error[IMP0202]: "),
        "{}",
        stdout(&o)
    );
}

#[test]
fn a_deep_use_chain_loads_the_same_every_time() {
    // Each file uses the next: loaded in waves, with no recursion, so the depth is no limit
    // and every run gives the same output.
    let n = 3000;
    let dir = temp_dir("use-chain");
    for i in 0..n {
        std::fs::write(
            dir.join(format!("f{i}.imp")),
            format!(
                "use \"f{}.imp\"\nperson p{i} \"P\" {{}}\nrole r{i} \"R\" {{ held_by p{i}; backup r{} }}\n",
                i + 1,
                i + 1
            ),
        )
        .expect("write");
    }
    // The last file holds the only mistake, 3,000 files away from the first.
    std::fs::write(
        dir.join(format!("f{n}.imp")),
        format!("role r{n} \"R\" {{ held_by nobody }}\npolicy {{ owner r0 }}\n"),
    )
    .expect("write");
    let first = run_bounded(
        &dir,
        &["check", "--no-checks", "--format", "json", "f0.imp"],
        20,
    );
    let v = json(&first);
    let c = codes(&v);
    assert!(c.len() < 10, "{} findings", c.len());
    assert_eq!(c, ["IMP0401"]);
    assert_eq!(
        v["diagnostics"][0]["file"],
        format!("f{n}.imp"),
        "the finding is in the last file"
    );
    assert_eq!(v["summary"]["files"], n + 1);
    let second = run_bounded(
        &dir,
        &["check", "--no-checks", "--format", "json", "f0.imp"],
        20,
    );
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn findings_past_two_hundred_in_a_file_are_counted() {
    let text: String = (0..250)
        .map(|i| format!("role r{i} \"R\" {{ held_by nobody{i} }}\n"))
        .collect();
    let dir = write_tree("many", &[("p.imp", text.as_bytes())]);
    let o = run_bounded(
        &dir,
        &["check", "--no-checks", "--format", "json", "p.imp"],
        10,
    );
    let v = json(&o);
    let c = codes(&v);
    assert_eq!(c.len(), 201);
    assert_eq!(c[200], "IMP0007");
    // 250 unknown names and 250 unused roles, in the order of the file.
    assert_eq!(
        v["diagnostics"][200]["message"],
        "300 more findings in this file are not shown (150 errors, 150 warnings)"
    );
    assert_eq!(v["diagnostics"][200]["line"], 101);
    assert_eq!(v["summary"]["errors"], 250);
    assert_eq!(v["summary"]["warnings"], 250);
    assert_eq!(code(&o), 1);
}

#[test]
fn a_policy_too_large_in_all_is_refused_file_by_file() {
    let a = "person alice \"Alice\" {}\npolicy { owner alice }\n";
    let b = "use \"a.imp\"\nrole r \"R\" { held_by alice }\nreview { owner r }\n";
    let options = |max_total| imp::check::Options {
        jobs: 1,
        max_total,
        ..imp::check::Options::reading_only()
    };
    let fits = imp::check::check_sources(&[("b.imp", b), ("a.imp", a)], options(200));
    assert!(fits.diagnostics.is_empty(), "{:?}", fits.diagnostics);
    // `b.imp` is loaded first; `a.imp` no longer fits, and is not read.
    let over = imp::check::check_sources(&[("b.imp", b), ("a.imp", a)], options(100));
    let codes: Vec<&str> = over.diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes[0], "IMP0008", "{codes:?}");
    assert_eq!(
        over.diagnostics[0].message,
        "`a.imp` is not read: the policy's files together are too large"
    );
    assert_eq!(
        over.diagnostics[0].help.as_deref(),
        Some(
            "a policy's files may have up to 100 bytes together: split it, or check that PATH names the policy you meant"
        )
    );
    // What `a.imp` declares is missing, so `alice` is unknown in `b.imp`.
    assert!(codes.contains(&"IMP0401"), "{codes:?}");
}

#[test]
fn federation_members_check_clean_with_the_central_rules_from_their_library() {
    for m in ["north", "south"] {
        let o = run(&[
            "check",
            "--deny-warnings",
            "--as-of",
            "2026-12-01",
            &format!("examples/federation/{m}"),
        ]);
        assert_eq!(code(&o), 0, "{m}: {}", stdout(&o));
        // The central files are part of each member's policy.
        assert!(stdout(&o).contains("in 3 files"), "{m}: {}", stdout(&o));
    }
    let c = imp::check::check("examples/federation/south").expect("loads");
    // South's own review stands in for the central default; north has the central one.
    let review = &c.model.reviews[0];
    assert!(
        c.sources
            .file_of(review.post_incident.as_ref().expect("review").key)
            .path
            .ends_with("south/agency.imp")
    );
    let c = imp::check::check("examples/federation/north").expect("loads");
    let review = &c.model.reviews[0];
    assert!(
        c.sources
            .file_of(review.post_incident.as_ref().expect("review").key)
            .path
            .ends_with("central/rules.imp")
    );
}

#[test]
fn a_library_named_on_the_command_line_is_used_and_wins_over_imp_yaml() {
    let dir = write_tree(
        "lib-cli",
        &[
            (
                "member/p.imp",
                b"use \"@central/c.imp\"\nrole r \"R\" { held_by x }\n",
            ),
            ("member/imp.yaml", b"libraries:\n  central: ../nowhere\n"),
            (
                "lib/c.imp",
                b"person x \"X\" { email \"x@example.org\" }\npolicy { owner r }\n",
            ),
        ],
    );
    let o = run_in(
        &dir,
        &["check", "--no-checks", "--format", "plain", "member"],
    );
    assert_eq!(code(&o), 1, "{}", stdout(&o));
    assert!(stdout(&o).contains("IMP0201"), "{}", stdout(&o));
    let o = run_in(
        &dir,
        &["check", "--no-checks", "--library", "central=lib", "member"],
    );
    assert_eq!(code(&o), 0, "{}", stdout(&o));
    // A library's files stay inside it.
    let dir = write_tree(
        "lib-escape",
        &[
            ("member/p.imp", b"use \"@central/../secret.imp\"\n"),
            ("secret.imp", b"policy {}\n"),
            ("lib/c.imp", b"policy {}\n"),
        ],
    );
    let o = run_in(
        &dir,
        &[
            "check",
            "--format",
            "plain",
            "--library",
            "central=lib",
            "member",
        ],
    );
    assert!(stdout(&o).contains("IMP0202"), "{}", stdout(&o));
}

/// A bad `imp.yaml` is IMP1601 (tests/config.rs); a bad `--library` is a usage error.
#[test]
fn a_bad_library_on_the_command_line_stops_the_check_with_exit_2() {
    let o = run(&[
        "check",
        "--no-checks",
        "--library",
        "bad name=x",
        "examples/minimal.imp",
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("invalid configuration"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        "check",
        "--no-checks",
        "--library",
        "central",
        "examples/minimal.imp",
    ]);
    assert_eq!(code(&o), 2);
}
