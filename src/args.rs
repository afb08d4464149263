//! Command-line arguments.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use dockside_rules::Severity;

/// The version line: the crate version and the age of the end-of-life table.
static VERSION: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!("{} (end-of-life table of {})", env!("CARGO_PKG_VERSION"), dockside_rules::base_images::TABLE_DATE)
});

#[derive(Debug, Parser)]
#[command(name = "dockside", version = VERSION.as_str(), about, propagate_version = true, arg_required_else_help = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint Dockerfiles (the default target is the current directory).
    Check(CheckArgs),
    /// Format Dockerfiles in place (layout only; what the build sees never changes).
    Format(FormatArgs),
    /// List every rule.
    Rules(RulesArgs),
    /// Show the documentation of a rule.
    Explain(ExplainArgs),
    /// Run the language server (LSP over standard input and output).
    Lsp(LspArgs),
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to lint; `-` reads standard input.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// The file name to report (and to find the config from) for standard input;
    /// without a PATH, standard input is read.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// Apply safe fixes and write the files back.
    #[arg(long)]
    pub fix: bool,

    /// Also apply fixes that may change behaviour (implies --fix).
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Print the fixes as a unified diff instead of writing them.
    #[arg(long)]
    pub diff: bool,

    /// Run only these rules (names, aliases or categories; comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,

    /// Run these rules in addition to the selected ones.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub extend_select: Vec<String>,

    /// Do not run these rules.
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,

    /// Use this config file for every input instead of discovering one per file.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// The ShellCheck binary to run [default: the user config's `shellcheck-path`, else
    /// `shellcheck` on PATH]. A project's config file cannot choose it.
    #[arg(long, value_name = "PATH")]
    pub shellcheck_path: Option<PathBuf>,

    /// Seconds one ShellCheck process may run before it is stopped and its script
    /// reported as not checked [default: 5, or the config's `shellcheck-timeout`].
    #[arg(long, value_name = "SECONDS", value_parser = parse_seconds)]
    pub shellcheck_timeout: Option<Duration>,

    /// The lowest severity that makes the exit code 1 [default: warning, or the config's].
    #[arg(long, value_name = "LEVEL")]
    pub fail_level: Option<FailLevel>,

    /// Output format [default: pretty on a terminal, concise otherwise].
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<OutputFormat>,

    /// Never color the output.
    #[arg(long)]
    pub no_color: bool,

    /// Print only diagnostics, no summary.
    #[arg(long, short)]
    pub quiet: bool,

    /// Print how many diagnostics each rule reported instead of the diagnostics.
    #[arg(long)]
    pub statistics: bool,

    /// Print extra information (config files used, timing) on stderr.
    #[arg(long, short)]
    pub verbose: bool,
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text.trim().parse().map_err(|_| format!("`{text}` is not a number of seconds"))?;
    dockside_rules::config::shellcheck_timeout(seconds)
}

impl CheckArgs {
    /// The fix mode requested: `None` when not fixing at all.
    pub fn fix_mode(&self) -> Option<FixMode> {
        let unsafe_fixes = self.unsafe_fixes;
        if self.diff {
            Some(FixMode::Diff { unsafe_fixes })
        } else if self.fix || unsafe_fixes {
            Some(FixMode::Write { unsafe_fixes })
        } else {
            None
        }
    }
}

#[derive(Debug, Args)]
pub struct FormatArgs {
    /// Files or directories to format (the default is the current directory);
    /// `-` reads standard input and writes the result to standard output.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Write nothing; list the files that would change and exit with 1 if any.
    #[arg(long)]
    pub check: bool,

    /// Write nothing; print what would change as a unified diff (exit 1 if anything would).
    #[arg(long, conflicts_with = "check")]
    pub diff: bool,

    /// The file name standard input stands for (to find its config); without
    /// a PATH, standard input is read.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,

    /// Use this dockside.toml for every input instead of discovering one per file.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Print only errors, no summary.
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixMode {
    Write { unsafe_fixes: bool },
    Diff { unsafe_fixes: bool },
}

impl FixMode {
    pub fn unsafe_fixes(self) -> bool {
        match self {
            FixMode::Write { unsafe_fixes } | FixMode::Diff { unsafe_fixes } => unsafe_fixes,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailLevel {
    Error,
    Warning,
    Info,
    Style,
    /// Never fail because of findings.
    None,
}

impl FailLevel {
    pub fn severity(self) -> Option<Severity> {
        match self {
            FailLevel::Error => Some(Severity::Error),
            FailLevel::Warning => Some(Severity::Warning),
            FailLevel::Info => Some(Severity::Info),
            FailLevel::Style => Some(Severity::Style),
            FailLevel::None => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Source excerpts with labels.
    Pretty,
    /// One line per diagnostic: `path:line:col: severity[rule] message`.
    Concise,
    /// The stable JSON report (docs/json-format.md).
    Json,
    /// SARIF 2.1.0.
    Sarif,
    /// GitHub Actions workflow commands.
    Github,
    /// GitLab Code Quality report.
    Gitlab,
    /// Checkstyle XML.
    Checkstyle,
    /// JUnit XML.
    Junit,
    /// GNU error format.
    Gnu,
}

impl OutputFormat {
    /// Formats meant for people, which get a summary line.
    pub fn is_human(self) -> bool {
        matches!(self, OutputFormat::Pretty | OutputFormat::Concise)
    }
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A rule name or alias (`untagged-base-image`, `DL3006`).
    pub rule: String,
}

#[derive(Debug, Args)]
pub struct LspArgs {
    /// Talk LSP over standard input and output (the only transport; accepted
    /// because editors pass it).
    #[arg(long)]
    pub stdio: bool,
}
