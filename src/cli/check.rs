//! `imp check [PATH...]`.

use std::io::IsTerminal;

use clap::ValueEnum;

use super::{Exit, error, output};
use crate::check::{Analysis, Options, check_with_libraries};
use crate::diagnostics::Code;
use crate::diagnostics::render::{self, HumanStyle, Summary, sarif};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Findings with source excerpts, labels and help
    Human,
    /// One line per finding: `path:line:col: error[IMP0301]: message`
    Plain,
    /// One JSON document with every finding and a summary (`format_version` 1, described by
    /// docs/json-schema.json)
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other CI tools: every finding, with the rules
    /// of every code; paths relative to the working directory
    Sarif,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// Colour when standard output is a terminal and `NO_COLOR` is not set
    Auto,
    /// Always colour
    Always,
    /// Never colour
    Never,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Policies to check: a file, or a directory meaning every `*.imp` below it (default: `.`)
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "human")]
    pub format: Format,
    /// Fail (exit 1) on warnings too
    #[arg(long)]
    pub deny_warnings: bool,
    /// When the human format uses colour
    #[arg(long, value_enum, default_value = "auto")]
    pub color: Color,
    /// Threads to parse with (default: one per core); the output is the same for any number
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub jobs: Option<u16>,
    /// A library directory that `use "@NAME/file.imp"` reads from, beside those of the
    /// policy's `imp.yaml` (this one wins); may be repeated
    #[arg(long = "library", value_name = "NAME=DIR", value_parser = parse_library)]
    pub libraries: Vec<(String, String)>,
    /// The day the checks take as today (YYYY-MM-DD): `verified`, review and exercise dates
    /// before it are stale (default: `as_of` in the policy's `imp.yaml`, or else today; this
    /// flag wins)
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<jiff::civil::Date>,
    /// Report only these checks (codes `IMP0701` and above, comma-separated), and the errors
    /// of reading the policy (which are always reported), not its warnings
    #[arg(long, value_name = "CODE,...", value_delimiter = ',', value_parser = parse_check_code)]
    pub only: Vec<Code>,
    /// Read the policy only (parse, resolve names, validate literals): run no check of the
    /// scheme
    #[arg(long, conflicts_with = "only")]
    pub no_checks: bool,
}

fn parse_date(s: &str) -> Result<jiff::civil::Date, String> {
    let bad = || format!("`{s}` is not a date: write YYYY-MM-DD, e.g. `2026-12-01`");
    if s.len() != 10 {
        return Err(bad());
    }
    s.parse().map_err(|_| bad())
}

fn parse_check_code(s: &str) -> Result<Code, String> {
    match Code::parse(s) {
        Some(c) if c.is_check() => Ok(c),
        Some(c) => Err(format!(
            "`{c}` is a finding of reading the policy, which is always reported; `--only` takes the codes of checks, `IMP07xx` to `IMP15xx` and `IMP17xx` to `IMP20xx`"
        )),
        None => Err(format!(
            "`{s}` is not a diagnostic code (see `imp explain`)"
        )),
    }
}

fn parse_library(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((n, d)) if !n.is_empty() && !d.is_empty() => Ok((n.to_string(), d.to_string())),
        _ => Err("write `NAME=DIR`, e.g. `--library central=../central`".to_string()),
    }
}

pub fn run(args: &Args) -> Exit {
    let paths = if args.paths.is_empty() {
        vec![".".to_string()]
    } else {
        args.paths.clone()
    };
    let mut exit = Exit::Clean;
    let mut checked: Vec<Analysis> = Vec::new();
    let mut failures: Vec<String> = Vec::new();
    for p in &paths {
        let mut options = Options::default();
        if let Some(j) = args.jobs {
            options.jobs = usize::from(j);
        }
        options.as_of = args.as_of;
        options.only.clone_from(&args.only);
        if args.no_checks {
            options.checks = None;
        }
        match check_with_libraries(&crate::vfs::RealFs, p, options, &args.libraries) {
            Ok(c) => checked.push(c),
            Err(e) => {
                let message = e.to_string();
                error(&message);
                failures.push(message);
                exit = Exit::Usage;
            }
        }
    }
    let mut summary = Summary::of(
        checked.iter().flat_map(|c| &c.diagnostics),
        checked.iter().map(Analysis::files).sum(),
    );
    for c in &checked {
        summary.errors += c.not_shown.0;
        summary.warnings += c.not_shown.1;
        summary.silenced += c.silenced;
    }
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w: &usize| *w >= 40)
        .unwrap_or(100);
    let mut out = String::new();
    match args.format {
        Format::Human => {
            for c in &checked {
                out.push_str(&render::human(
                    &c.diagnostics,
                    &c.sources,
                    HumanStyle { color, width },
                ));
            }
        }
        Format::Plain => {
            for c in &checked {
                out.push_str(&render::plain(&c.diagnostics, &c.sources));
            }
        }
        Format::Json => {
            let groups: Vec<_> = checked
                .iter()
                .map(|c| (&c.sources, c.diagnostics.as_slice()))
                .collect();
            out.push_str(&render::json(&groups, summary));
        }
        Format::Sarif => {
            let groups: Vec<_> = checked
                .iter()
                .map(|c| (&c.sources, c.diagnostics.as_slice()))
                .collect();
            let base = std::env::current_dir().ok();
            let invocation = sarif::Invocation {
                base: base.as_deref(),
                failures: &failures,
            };
            out.push_str(&sarif::sarif(&groups, invocation));
        }
    }
    // The summary line, when something was checked.
    let document = matches!(args.format, Format::Json | Format::Sarif);
    if !document && !checked.is_empty() {
        out.push_str(&summary.to_string());
        out.push('\n');
    }
    if exit != Exit::Usage && (summary.errors > 0 || (args.deny_warnings && summary.warnings > 0)) {
        exit = Exit::Findings;
    }
    output(&out, exit)
}
