use clap::Parser;

fn main() -> std::process::ExitCode {
    let cli = imp::cli::Cli::parse();
    std::process::ExitCode::from(imp::cli::run(cli) as u8)
}
