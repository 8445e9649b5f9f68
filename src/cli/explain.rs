//! `imp explain CODE`: the code's section of docs/diagnostics.md, which is embedded (see
//! [`crate::diagnostics::docs`]), so the two always agree.

use super::{Exit, error, output};
use crate::diagnostics::docs::section;
use crate::diagnostics::{Code, suggest};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A diagnostic code, e.g. IMP0401
    #[arg(value_name = "CODE")]
    pub code: String,
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
