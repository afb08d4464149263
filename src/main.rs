//! `dockside`: lint Dockerfiles from the command line, or serve them to an
//! editor (`dockside lsp`, in the `dockside-server` crate).

mod args;
mod catalog;
mod check;
mod discover;
mod files;
mod format;
mod lint;
mod output;
mod shellcheck;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

/// Findings at or above the fail level.
const EXIT_FINDINGS: u8 = 1;
/// Usage, config or I/O errors (clap also exits with 2 on bad arguments).
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Format(args) => format::run(args),
        Command::Rules(args) => catalog::rules(&args),
        Command::Explain(args) => catalog::explain(&args),
        Command::Lsp(_) => dockside_server::run_stdio(),
    }
}
