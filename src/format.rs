//! The `format` command: format Dockerfiles in place (atomically, keeping
//! permissions), or with `--check`/`--diff` only say what would change.
//! Inputs are found as `check` finds them; each file's options come from
//! its `dockside.toml` `[format]` and `.editorconfig`.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use dockside_rules::format::{EditorDefaults, apply, format_document, options_for};
use dockside_rules::{ColumnUnit, Document};
use rayon::prelude::*;

use crate::args::FormatArgs;
use crate::discover::{Input, collect_inputs, display_path, io_message, paths_or_default};
use crate::files::{decode, unified_diff, write_atomically};
use crate::lint::{Configs, Overrides};
use crate::{EXIT_ERROR, EXIT_FINDINGS};

/// One formatted input.
struct Formatted {
    path: String,
    changed: bool,
    /// Standard input's result (printed, not written).
    stdout: Option<String>,
    diff: Option<String>,
    /// Instructions kept as written because of syntax errors.
    warnings: Vec<String>,
}

pub fn run(args: FormatArgs) -> ExitCode {
    let configs = match Configs::new(Overrides::default(), args.config.as_deref()) {
        Ok(configs) => configs,
        Err(err) => {
            eprintln!("{err}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    let paths = paths_or_default(&args.paths, args.stdin_filename.as_deref());
    let (inputs, input_errors) = collect_inputs(&paths);
    let mut failed = !input_errors.is_empty();
    for err in &input_errors {
        eprintln!("{}: error: {}", err.path, err.message);
    }
    let results: Vec<Result<Formatted, String>> =
        inputs.par_iter().map(|input| format_input(input, &args, &configs)).collect();

    let mut stdout = io::stdout().lock();
    let mut changed = 0;
    let mut unchanged = 0;
    for result in results {
        let formatted = match result {
            Ok(formatted) => formatted,
            Err(message) => {
                eprintln!("{message}");
                failed = true;
                continue;
            }
        };
        if !args.quiet {
            for warning in &formatted.warnings {
                eprintln!("{warning}");
            }
        }
        if formatted.changed {
            changed += 1;
        } else {
            unchanged += 1;
        }
        let written = if let Some(text) = &formatted.stdout {
            stdout.write_all(text.as_bytes())
        } else if let Some(diff) = &formatted.diff {
            stdout.write_all(diff.as_bytes())
        } else if args.check && formatted.changed {
            writeln!(stdout, "would reformat: {}", formatted.path)
        } else {
            Ok(())
        };
        if let Err(err) = written.and_then(|()| stdout.flush()) {
            if err.kind() != io::ErrorKind::BrokenPipe {
                eprintln!("error: cannot write output: {err}");
                failed = true;
            }
            break;
        }
    }
    if !args.quiet && !inputs.contains(&Input::Stdin) {
        let files = |n: usize| if n == 1 { "file" } else { "files" };
        let verb = if args.check || args.diff { "would be reformatted" } else { "reformatted" };
        eprintln!("{changed} {} {verb}, {unchanged} {} already formatted", files(changed), files(unchanged));
    }
    if failed {
        ExitCode::from(EXIT_ERROR)
    } else if (args.check || args.diff) && changed > 0 {
        ExitCode::from(EXIT_FINDINGS)
    } else {
        ExitCode::SUCCESS
    }
}

fn format_input(input: &Input, args: &FormatArgs, configs: &Configs) -> Result<Formatted, String> {
    let (path, bytes, anchor) = match input {
        Input::File(file) => {
            let shown = display_path(file);
            let bytes = std::fs::read(file).map_err(|e| format!("{shown}: error: {}", io_message(&e)))?;
            (shown, bytes, file.clone())
        }
        Input::Stdin => {
            let shown = args.stdin_filename.as_deref().map_or_else(|| "<stdin>".to_string(), display_path);
            let mut bytes = Vec::new();
            io::stdin().read_to_end(&mut bytes).map_err(|e| format!("{shown}: error: {}", io_message(&e)))?;
            let anchor = args.stdin_filename.clone().unwrap_or_else(|| PathBuf::from("Dockerfile"));
            (shown, bytes, anchor)
        }
    };
    let text = decode(bytes).map_err(|m| format!("{path}: error: {}", m.replace("not linted", "not formatted")))?;
    let settings = configs.resolve(&anchor, None).map_err(|e| e.to_string())?.settings;
    let options = options_for(Some(&anchor), settings.format_config(), EditorDefaults::default());
    let (bom, body) = match text.strip_prefix('\u{FEFF}') {
        Some(rest) => ("\u{FEFF}", rest),
        None => ("", text.as_str()),
    };
    let doc = Document::parse(body);
    let output = format!("{bom}{}", apply(body, &format_document(&doc, &options)));
    let changed = output != text;
    let warnings = kept_as_written(&path, &doc);
    let mut result = Formatted { path, changed, stdout: None, diff: None, warnings };
    match input {
        Input::Stdin if args.diff => result.diff = changed.then(|| unified_diff(&result.path, &text, &output)),
        Input::Stdin if args.check => {}
        Input::Stdin => result.stdout = Some(output),
        Input::File(_) if args.diff => result.diff = changed.then(|| unified_diff(&result.path, &text, &output)),
        Input::File(_) if args.check || !changed => {}
        Input::File(file) => write(file, &result.path, &output)?,
    }
    Ok(result)
}

fn write(file: &Path, shown: &str, output: &str) -> Result<(), String> {
    write_atomically(file, output.as_bytes())
        .map_err(|e| format!("{shown}: error: could not write: {}", io_message(&e)))
}

/// `path:line:col: warning: …` for every syntax error: its instruction is
/// kept as written while the rest of the file is formatted.
fn kept_as_written(path: &str, doc: &Document) -> Vec<String> {
    doc.syntax_errors
        .iter()
        .map(|e| {
            let at = doc.line_index.position(doc.text(), e.range.start, ColumnUnit::Char);
            format!("{path}:{}:{}: warning: kept as written: {}", at.line + 1, at.column + 1, e.message)
        })
        .collect()
}
