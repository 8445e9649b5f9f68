//! The command line: argument parsing and one module per subcommand. Only this layer prints
//! or decides exit codes, and every write is checked: [`output`] for standard output,
//! [`error`] for standard error.

pub mod check;
pub mod explain;
pub mod simulate;
pub mod test;
pub mod timeline;

use std::ffi::OsString;
use std::io::{self, Write};

use clap::{Parser, Subcommand};

use crate::diagnostics::render::escape_controls;

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
and a hint.\n\nExit codes: 0 clean (warnings allowed), 1 a policy (or its imp.yaml) has an error, 2 an argument cannot \
be read or the usage is wrong.\n\nDocumentation: docs/language.md, docs/diagnostics.md, docs/cli.md, `imp explain CODE`."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check policies: parse, resolve every name, validate every literal, run the checks of
    /// the scheme, as the policy's `imp.yaml` configures them
    Check(check::Args),
    /// Print the documentation of a diagnostic code, e.g. `imp explain IMP0401`
    Explain(explain::Args),
    /// Simulate an incident: who is paged when and how, status updates, obligations'
    /// deadlines, e.g. `imp simulate . --severity sev1 --at "2026-12-05T03:00[Europe/London]"`
    Simulate(simulate::Args),
    /// Run the policy's scenario tests: one line each, then `N passed, N failed`
    Test(test::Args),
}

/// Runs the CLI, returning the exit code.
pub fn run(cli: Cli) -> Exit {
    match cli.command {
        Command::Check(args) => check::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Simulate(args) => simulate::run(&args),
        Command::Test(args) => test::run(&args),
    }
}

/// Parses the arguments and runs the CLI. `--help`, `--version` and usage errors are printed
/// here, as clap formats them, with their writes checked like every other (see [`output`]).
pub fn parse_and_run(args: impl IntoIterator<Item = OsString>) -> Exit {
    match Cli::try_parse_from(args) {
        Ok(cli) => run(cli),
        Err(e) => {
            let exit = if e.use_stderr() {
                Exit::Usage
            } else {
                Exit::Clean
            };
            let written = e.print().and_then(|()| {
                if e.use_stderr() {
                    io::stderr().flush()
                } else {
                    io::stdout().flush()
                }
            });
            match written {
                Ok(()) => exit,
                // A usage error that cannot be shown is still a usage error.
                Err(_) if e.use_stderr() => exit,
                Err(w) => write_failed(&w, exit),
            }
        }
    }
}

/// Writes the output of a run to standard output and returns the run's exit code, `exit`,
/// unless the write fails: a closed pipe (the reader has seen enough, as `imp check | head`)
/// ends the run quietly with `exit`; any other error (a full disk) is reported on standard
/// error and is exit 2. Never panics, as `print!` does.
pub fn output(text: &str, exit: Exit) -> Exit {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => exit,
        Err(e) => write_failed(&e, exit),
    }
}

fn write_failed(e: &io::Error, exit: Exit) -> Exit {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return exit;
    }
    error(&format!(
        "cannot write the output: {}",
        crate::vfs::io_reason(e)
    ));
    Exit::Usage
}

/// Writes `error: MESSAGE` on standard error, control characters escaped (a message may quote
/// a path). If standard error cannot be written to, there is nowhere left to say so: the exit
/// code still tells.
pub fn error(message: &str) {
    let line = format!("error: {}\n", escape_controls(message));
    let mut err = io::stderr().lock();
    let _ = err.write_all(line.as_bytes()).and_then(|()| err.flush());
}
