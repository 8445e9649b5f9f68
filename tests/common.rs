//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The real `imp` binary, run from the repository root with a fixed, colourless environment.
pub fn imp() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_imp"));
    c.current_dir(root())
        .env_remove("NO_COLOR")
        .env("COLUMNS", "100");
    c
}

/// Runs `imp ARGS` in `dir` and returns its output.
pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    imp()
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the imp binary runs")
}

/// Runs `imp ARGS` and returns its output.
pub fn run(args: &[&str]) -> Output {
    imp().args(args).output().expect("the imp binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("stderr is UTF-8")
}

pub fn code(o: &Output) -> i32 {
    o.status.code().expect("exited normally, not by a signal")
}

/// A fresh temporary directory under the target directory.
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = root()
        .join("target")
        .join("test-tmp")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create temp dir");
    dir
}

/// Writes `files` (relative path, bytes) under a fresh temp dir and returns it.
pub fn write_tree(name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let dir = temp_dir(name);
    for (rel, bytes) in files {
        let p = dir.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create dirs");
        }
        std::fs::write(&p, bytes).expect("write file");
    }
    dir
}

/// Parses `imp check --format json` output.
pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).expect("stdout is one JSON document")
}

/// The codes of a JSON report, in order.
pub fn codes(v: &serde_json::Value) -> Vec<String> {
    v["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| d["code"].as_str().expect("code").to_string())
        .collect()
}

pub fn path_str(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}
