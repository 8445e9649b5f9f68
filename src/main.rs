fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(imp::cli::parse_and_run(std::env::args_os()) as u8)
}
