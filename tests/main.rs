//! One integration test binary (see Cargo.toml): the CLI is tested through the real `imp`.

mod cli;
mod common;
mod config;
mod docs;
mod examples;
mod golden;
mod hostile;
mod loading;
mod model;
mod parser;
mod reader;
mod sarif;
mod simulate;
mod week;
