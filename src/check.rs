//! The `check` command: collect inputs, lint them in parallel, print the
//! results and pick the exit code.

use std::collections::HashSet;
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::time::Instant;

use rayon::prelude::*;

use crate::args::{CheckArgs, FixMode, OutputFormat};
use crate::discover::{Input, collect_inputs, paths_or_default};
use dockside_rules::pipeline::ShellChecks;
use dockside_rules::shellcheck::ShellCheck;
use dockside_rules::{Document, Settings};

use crate::lint::{Configs, LintOptions, Linted, Loaded, Outcome, Overrides, Problem, finish, load};
use crate::output::{self, FileReport, RenderOptions, Totals};
use crate::{EXIT_ERROR, EXIT_FINDINGS};

pub fn run(args: CheckArgs) -> ExitCode {
    let started = Instant::now();
    let overrides = Overrides {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        fail_level: args.fail_level.map(|level| level.severity()),
        shellcheck_path: args.shellcheck_path.clone(),
        shellcheck_timeout: args.shellcheck_timeout,
    };
    let configs = match Configs::new(overrides, args.config.as_deref()) {
        Ok(configs) => configs,
        Err(err) => {
            // Nothing is checked; the report (and its summary) says why.
            let text = err.to_string();
            eprintln!("{text}");
            let failures = [first_line(&text)];
            let _ = print_reports(&args, &[], &[], false, false, &failures);
            return ExitCode::from(EXIT_ERROR);
        }
    };

    let paths = paths_or_default(&args.paths, args.stdin_filename.as_deref());
    let (inputs, input_errors) = collect_inputs(&paths);
    let mut failed = !input_errors.is_empty();
    // What went wrong, one line each (also printed on stderr as it happens):
    // the summary and the machine formats say it instead of "All checks passed".
    let mut failures: Vec<String> = Vec::new();
    for err in &input_errors {
        eprintln!("{}: error: {}", err.path, err.message);
        failures.push(format!("{}: {}", err.path, err.message));
    }

    let fix_mode = args.fix_mode();
    let shellchecks = ShellChecks::default();
    let options = LintOptions {
        configs: &configs,
        shellchecks: &shellchecks,
        fix: fix_mode,
        stdin_filename: args.stdin_filename.as_deref(),
    };
    let loaded: Vec<Result<Loaded, Problem>> = inputs.par_iter().map(|input| load(input, &options)).collect();
    for warning in configs.take_warnings() {
        eprintln!("{warning}");
    }
    // ShellCheck costs a process start per batch: collect every file's
    // scripts first and check them in a few large batches. Only the script
    // texts are kept, not the documents, so memory stays flat.
    if fix_mode.is_none() {
        let scripts: Vec<(&Settings, Vec<String>)> = loaded
            .par_iter()
            .filter_map(|l| l.as_ref().ok())
            .filter(|l| shellchecks.wanted(&l.settings))
            .map(|l| {
                // A crash here is reported by `finish`, which parses the same text.
                let texts = std::panic::catch_unwind(|| ShellCheck::script_texts(&Document::parse(&l.text)));
                (l.settings.as_ref(), texts.unwrap_or_default())
            })
            .collect();
        shellchecks.prime(scripts);
    }
    let results: Vec<Result<Linted, Problem>> =
        loaded.into_par_iter().map(|l| l.and_then(|l| finish(l, &options))).collect();
    if args.verbose {
        for note in shellchecks.notes() {
            eprintln!("{note}");
        }
    }

    let mut reports = Vec::new();
    let mut outcomes = Vec::new();
    let mut reported_configs = HashSet::new();
    for result in results {
        match result {
            Ok(Linted { report, outcome }) => {
                for line in outcome.errors.iter().chain(&outcome.warnings) {
                    eprintln!("{line}");
                }
                failed |= !outcome.errors.is_empty();
                failures.extend(outcome.errors.iter().map(|line| line.replacen(": error: ", ": ", 1)));
                // A rule that crashed is a dockside bug, not a finding: exit 2.
                failed |=
                    report.diagnostics.iter().any(|d| std::ptr::eq(d.rule, &dockside_rules::engine::INTERNAL_ERROR));
                if args.verbose {
                    for note in &outcome.notes {
                        eprintln!("{note}");
                    }
                }
                reports.push(report);
                outcomes.push(outcome);
            }
            Err(Problem::Input { path, message }) => {
                eprintln!("{path}: error: {message}");
                failures.push(format!("{path}: {message}"));
                failed = true;
            }
            Err(Problem::Config(err)) => {
                // Every file under a broken config fails the same way; say it once.
                let text = err.to_string();
                if reported_configs.insert(text.clone()) {
                    eprintln!("{text}");
                    failures.push(first_line(&text));
                }
                failed = true;
            }
        }
    }

    let printed = match fix_mode {
        Some(FixMode::Diff { .. }) => print_diffs(&outcomes, args.quiet),
        _ => print_reports(&args, &reports, &outcomes, fix_mode.is_some(), inputs.contains(&Input::Stdin), &failures),
    };
    if args.verbose {
        eprintln!("Linted {} file(s) in {:.2?}", reports.len(), started.elapsed());
    }

    let findings = reports.iter().zip(&outcomes).any(|(report, outcome)| {
        outcome.fail_level.is_some_and(|level| report.diagnostics.iter().any(|d| d.severity.at_least(level)))
    });
    match printed {
        // A closed pipe (`dockside check | head`) is the reader's choice, not an error.
        Err(err) if err.kind() != io::ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write output: {err}");
            ExitCode::from(EXIT_ERROR)
        }
        _ if failed => ExitCode::from(EXIT_ERROR),
        _ if findings => ExitCode::from(EXIT_FINDINGS),
        _ => ExitCode::SUCCESS,
    }
}

/// Print the diagnostics (and the fixed text for stdin).
fn print_reports(
    args: &CheckArgs,
    reports: &[FileReport],
    outcomes: &[Outcome],
    fixing: bool,
    has_stdin: bool,
    failures: &[String],
) -> io::Result<()> {
    // Fixed standard input goes to stdout, so the report moves to stderr.
    let report_to_stderr = fixing && has_stdin;
    let stream_is_terminal = if report_to_stderr { io::stderr().is_terminal() } else { io::stdout().is_terminal() };
    let format = args.format.unwrap_or(if stream_is_terminal { OutputFormat::Pretty } else { OutputFormat::Concise });
    let color = format == OutputFormat::Pretty && !args.no_color && stream_is_terminal && !no_color_env();

    let mut text = if args.statistics {
        output::statistics(reports)
    } else {
        output::render(format, reports, &RenderOptions { color, failures })
    };

    // Machine formats must stay parseable, so their summary lines go to stderr.
    let mut summary = String::new();
    if !args.quiet {
        if fixing {
            let fixed: usize = outcomes.iter().map(|o| o.fixed).sum();
            summary.push_str(&format!("Fixed {fixed} {}.\n", if fixed == 1 { "issue" } else { "issues" }));
        }
        if format.is_human() {
            summary.push_str(&Totals::of(reports).summary_with_failures(failures));
            summary.push('\n');
        }
    }
    if format.is_human() || args.statistics {
        text.push_str(&summary);
        summary.clear();
    }

    if report_to_stderr {
        let mut stdout = io::stdout().lock();
        for fixed in outcomes.iter().filter_map(|o| o.fixed_stdin.as_deref()) {
            stdout.write_all(fixed.as_bytes())?;
        }
        stdout.flush()?;
        let mut stderr = io::stderr().lock();
        stderr.write_all(text.as_bytes())?;
        stderr.write_all(summary.as_bytes())
    } else {
        let mut stdout = io::stdout().lock();
        stdout.write_all(text.as_bytes())?;
        stdout.flush()?;
        io::stderr().lock().write_all(summary.as_bytes())
    }
}

/// `--diff`: the diffs on stdout, a count on stderr.
fn print_diffs(outcomes: &[Outcome], quiet: bool) -> io::Result<()> {
    let mut stdout = io::stdout().lock();
    for diff in outcomes.iter().filter_map(|o| o.diff.as_deref()) {
        stdout.write_all(diff.as_bytes())?;
    }
    stdout.flush()?;
    if !quiet {
        let fixable: usize = outcomes.iter().map(|o| o.fixed).sum();
        let files = outcomes.iter().filter(|o| o.diff.is_some()).count();
        eprintln!(
            "Would fix {fixable} {} in {files} {}.",
            if fixable == 1 { "issue" } else { "issues" },
            if files == 1 { "file" } else { "files" },
        );
    }
    Ok(())
}

/// A config error's first line names the file, line and column; the rest is advice.
fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or_default().to_string()
}

/// <https://no-color.org>: any non-empty `NO_COLOR` turns color off.
fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}
