//! `imp simulate PATH --severity LEVEL --category NAME --at TIME`: the timeline of one
//! incident through the policy.

use clap::ValueEnum;

use super::timeline;
use super::{Exit, error, output};
use crate::check::{Analysis, Options, check_with};
use crate::diagnostics::render;
use crate::simulate::{Incident, policy_zone, simulate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The timeline, for people
    Text,
    /// One JSON document (`format_version` 1, described in docs/cli.md)
    Json,
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The policy: a file, or a directory meaning every `*.imp` below it
    #[arg(value_name = "PATH", default_value = ".")]
    pub path: String,
    /// The level the incident is classified at, `sev1` or `severity.sev1` (default: the
    /// category's minimum, or the first level whose criteria the impacts meet)
    #[arg(long, value_name = "LEVEL")]
    pub severity: Option<String>,
    /// The incident's category
    #[arg(long, value_name = "NAME")]
    pub category: Option<String>,
    /// A fact or judgement that holds (repeatable); any other does not
    #[arg(long = "fact", value_name = "NAME")]
    pub facts: Vec<String>,
    /// The incident's level on an impact category, `NAME=LEVEL` (repeatable); any other is
    /// unknown
    #[arg(long = "impact", value_name = "NAME=LEVEL")]
    pub impacts: Vec<String>,
    /// When the incident is reported: `2026-12-05T03:00[Europe/London]`, an offset time, or
    /// a local time in the policy's zone
    #[arg(long, value_name = "TIME")]
    pub at: String,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// Reads a policy for a simulation: exit 2, with its errors on standard error, when it
/// cannot be read whole.
pub fn read(path: &str) -> Result<Analysis, Exit> {
    match check_with(&crate::vfs::RealFs, path, Options::reading_only()) {
        Err(e) => {
            error(&e.to_string());
            Err(Exit::Usage)
        }
        Ok(a) if a.has_errors() => {
            let errors: Vec<_> = a
                .diagnostics
                .iter()
                .filter(|d| d.level == crate::diagnostics::Level::Error)
                .cloned()
                .collect();
            let text = render::plain(&errors, &a.sources);
            let mut err = std::io::stderr().lock();
            let _ = std::io::Write::write_all(&mut err, text.as_bytes());
            error(&format!(
                "`{path}` has errors of reading ({} shown above): fix them first (`imp check {path}`)",
                errors.len()
            ));
            Err(Exit::Usage)
        }
        Ok(a) => Ok(a),
    }
}

fn incident(a: &Analysis, args: &Args) -> Result<Incident, String> {
    let zone = policy_zone(&a.model);
    let at = timeline::time(&args.at, &zone)?;
    let category = args
        .category
        .as_deref()
        .map(|c| timeline::category(a, c))
        .transpose()?;
    let facts = args
        .facts
        .iter()
        .map(|f| timeline::fact(a, f))
        .collect::<Result<Vec<_>, _>>()?;
    let impacts = args
        .impacts
        .iter()
        .map(|i| timeline::impact(a, i))
        .collect::<Result<Vec<_>, _>>()?;
    let mut inc = Incident {
        level: crate::model::LevelId {
            scale: crate::model::ScaleId(0),
            index: 0,
        },
        category,
        facts,
        impacts,
        at,
    };
    inc.level = match args.severity.as_deref() {
        Some(l) => timeline::level(a, l)?,
        None => crate::simulate::scenario::derived_level(&a.model, category, &inc).ok_or(
            "no `--severity` given, and neither the category nor the impacts give a level",
        )?,
    };
    Ok(inc)
}

pub fn run(args: &Args) -> Exit {
    let a = match read(&args.path) {
        Ok(a) => a,
        Err(e) => return e,
    };
    let inc = match incident(&a, args) {
        Ok(i) => i,
        Err(m) => {
            error(&m);
            return Exit::Usage;
        }
    };
    let t = simulate(&a.model, &inc);
    let out = match args.format {
        Format::Text => timeline::text(&a, &t),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&timeline::json(&a, &t)).unwrap_or_default();
            s.push('\n');
            s
        }
    };
    output(&out, Exit::Clean)
}
