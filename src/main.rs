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

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Cli, Command};

/// Findings at or above the fail level.
const EXIT_FINDINGS: u8 = 1;
/// Usage, config or I/O errors (clap also exits with 2 on bad arguments).
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    stop_children_on_signals();
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Format(args) => format::run(args),
        Command::Rules(args) => catalog::rules(&args),
        Command::Explain(args) => catalog::explain(&args),
        Command::Lsp(_) => dockside_server::run_stdio(),
    }
}

/// On SIGINT, SIGTERM or SIGHUP, kill the running ShellCheck processes, then
/// die of the signal as if it had not been caught (so the exit status still
/// says which signal it was). On Linux the children would die with us anyway
/// (`PR_SET_PDEATHSIG`); elsewhere this is what stops them.
fn stop_children_on_signals() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let mut signals = match signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) {
            Ok(signals) => signals,
            // Without the handler the children still die with us on Linux.
            Err(err) => {
                eprintln!("dockside: cannot handle signals: {err}");
                return;
            }
        };
        let spawned = std::thread::Builder::new().name("signals".into()).spawn(move || {
            if let Some(signal) = signals.forever().next() {
                dockside_rules::shellcheck::kill_all();
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                // Still here (the default action was ignored): exit as a shell would report it.
                std::process::exit(128 + signal);
            }
        });
        if let Err(err) = spawned {
            eprintln!("dockside: cannot handle signals: {err}");
        }
    }
}
