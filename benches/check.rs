//! The project's benchmark: `cargo bench`. Generates policies of growing size, checks each
//! with the library (load, parse, resolve), and prints time, throughput and peak memory.
//! Figures go into the notes of the change that moves them; tests never time anything.

use std::fmt::Write as _;
use std::time::Instant;

/// A synthetic policy with `n` units; each unit is a person, a role, a team, a category, an
/// escalation path and a ten-step procedure, all cross-referenced.
fn policy(n: usize) -> String {
    let mut s = String::new();
    s.push_str("impact financial \"Financial\" {\n  level 1 \"low\"\n  level 2 \"medium\"\n  level 3 \"high\"\n}\n");
    s.push_str("scale severity \"Severity\" {\n");
    for (i, lvl) in ["sev1", "sev2", "sev3"].iter().enumerate() {
        let _ = writeln!(
            s,
            "  level {lvl} \"L{i}\" {{\n    when financial >= {} or not acknowledged after 30m\n    acknowledge within {}m\n    update every 20m for 2h then every 1h\n    decided_by r0\n  }}",
            3 - i,
            15 * (i + 1)
        );
    }
    s.push_str("}\n");
    for i in 0..n {
        let next = (i + 1) % n;
        let _ = write!(
            s,
            "## Unit {i}.\nperson p{i} \"Person {i}\" {{\n  email \"p{i}@example.org\"\n  phone \"+44 20 7946 {:04}\"\n  verified 2026-09-14\n}}\n\
role r{i} \"Role {i}\" {{\n  held_by p{i}\n  backup [p{next}]\n  authority [declare_crisis]\n}}\n\
team t{i} \"Team {i}\" {{\n  lead r{i}\n  members [r{i}, p{next}]\n}}\n\
category c{i} \"Category {i}\" {{\n  threat deliberate\n  minimum sev2\n  procedure pr{i}\n}}\n\
escalation e{i} \"Path {i}\" {{\n  hop r{i} -> t{i} within 15m when severity >= sev2 or not acknowledged after 30m\n  hop t{i} -> r{next} when not under_control after 4h\n  repeat 2 every 15m\n}}\n\
procedure pr{i} \"Procedure {i}\" {{\n  owner t{i}\n",
            i % 10_000
        );
        for k in 0..9 {
            let _ = writeln!(
                s,
                "  action s{k} \"Step {k}\" {{ owner r{i}; within 30m; next s{} }}",
                k + 1
            );
        }
        s.push_str("  end s9 \"Done\" { review }\n}\n");
    }
    s
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn main() {
    let dir = std::env::temp_dir().join(format!("imp-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    println!(
        "{:>7} {:>9} {:>9} {:>10} {:>12} {:>10}",
        "units", "lines", "KiB", "ms (best)", "lines/s", "peak MiB"
    );
    for n in [100usize, 1_000, 10_000] {
        let text = policy(n);
        let path = dir.join(format!("bench-{n}.imp"));
        std::fs::write(&path, &text).expect("write");
        let path = path.to_str().expect("utf-8 path").to_string();
        let mut best = f64::MAX;
        for _ in 0..3 {
            let t = Instant::now();
            let checked = imp::check::check(&path).expect("loads");
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            assert!(!checked.has_errors(), "the generated policy must be clean");
            best = best.min(ms);
        }
        let lines = text.lines().count();
        println!(
            "{n:>7} {lines:>9} {:>9} {best:>10.1} {:>12.0} {:>10.1}",
            text.len() / 1024,
            lines as f64 / (best / 1000.0),
            peak_rss_kib().unwrap_or(0) as f64 / 1024.0
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
