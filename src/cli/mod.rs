//! The command line: argument parsing and one module per subcommand. Only this layer prints
//! or decides exit codes.

pub mod check;
pub mod explain;

use clap::{Parser, Subcommand};

/// How a run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// No error (warnings allowed unless denied).
    Clean = 0,
    /// A policy has an error.
    Findings = 1,
    /// An argument could not be read, or the usage is wrong.
    Usage = 2,
}

#[derive(Debug, Parser)]
#[command(
    name = "imp",
    version,
    about = "Incident management policy as code: check an ISO/IEC 27035 incident management scheme",
    long_about = "imp reads an organisation's information security incident management scheme, written \
in the imp policy language, and reports every problem it finds with a stable code, the exact place \
and a hint.\n\nExit codes: 0 clean (warnings allowed), 1 a policy has an error, 2 an argument cannot \
be read or the usage is wrong.\n\nDocumentation: docs/language.md, docs/diagnostics.md, `imp explain CODE`."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check policies: parse, resolve every name, validate every literal
    Check(check::Args),
    /// Print the documentation of a diagnostic code, e.g. `imp explain IMP0401`
    Explain(explain::Args),
}

/// Runs the CLI, returning the exit code.
pub fn run(cli: Cli) -> Exit {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Explain(args) => explain::run(&args),
    }
}
