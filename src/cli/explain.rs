//! `imp explain CODE`: the code's section of docs/diagnostics.md, which is embedded, so the
//! two always agree.

use super::{Exit, error, output};
use crate::diagnostics::{Code, suggest};

/// The diagnostics reference, embedded at build time.
pub const DIAGNOSTICS_MD: &str = include_str!("../../docs/diagnostics.md");

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A diagnostic code, e.g. IMP0401
    #[arg(value_name = "CODE")]
    pub code: String,
}

/// The documentation of a code: its section of docs/diagnostics.md.
pub fn section(code: Code) -> Option<String> {
    let heading = format!("## {}", code.as_str());
    let start = DIAGNOSTICS_MD.find(&format!("\n{heading}"))? + 1;
    let rest = &DIAGNOSTICS_MD[start..];
    let end = rest[heading.len()..]
        .find("\n## ")
        .map_or(rest.len(), |e| e + heading.len() + 1);
    Some(rest[..end].trim_end().to_string() + "\n")
}

pub fn run(args: &Args) -> Exit {
    let Some(code) = Code::parse(&args.code) else {
        let hint = suggest(
            &args.code.to_ascii_uppercase(),
            Code::ALL.iter().map(|c| c.as_str()),
        )
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
        error(&format!(
            "unknown diagnostic code `{}`{hint}; the codes are listed in docs/diagnostics.md",
            args.code
        ));
        return Exit::Usage;
    };
    match section(code) {
        Some(text) => output(&text, Exit::Clean),
        None => {
            error(&format!(
                "`{code}` has no documentation (this is a bug in imp)"
            ));
            Exit::Usage
        }
    }
}
