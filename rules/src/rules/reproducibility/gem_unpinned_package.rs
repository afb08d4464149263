//! ## What it does
//! Checks for gems in `gem install` (or `gem i`) without a version (`rails`
//! instead of `rails:7.2.1` or `rails -v 7.2.1`).
//!
//! ## Why is this bad?
//! Without a version, RubyGems installs the newest release, so each build
//! may get a different one. A gem installed this way sits outside the
//! `Gemfile.lock`, so nothing else keeps it at the version the image was
//! tested with.
//!
//! ## Example
//! ```dockerfile
//! FROM ruby:3.3
//! RUN gem install bundler
//! ```
//!
//! ## Use instead
//! ```dockerfile
//! FROM ruby:3.3
//! RUN gem install bundler:2.5.22
//! ```
//!
//! ## Notes
//! `-v`/`--version` pins the gems of the command, as in hadolint. `.gem`
//! files, local paths and `-g`/`--file` (a gem dependencies file) are not
//! reported, and neither is anything after `--` (build options for native
//! extensions). Values of options such as `-i`/`--install-dir`, `-n`,
//! `--source` and `--platform` are not gems. Each install command is reported once, with a related location per unpinned gem
//! (hadolint reports the RUN once), and a variable is checked through the
//! literal value the same `RUN` gave it earlier (`PKGS='gcc make' && … $PKGS`;
//! `export` and multi-line quoted values too) or else its `ARG`/`ENV` value,
//! and reported at its use (`$PKGS`) with the packages it names; one with no
//! known value (a command substitution, a loop variable, an `ARG` without
//! default) is not reported. `RUN`s under PowerShell or cmd (a Windows
//! `SHELL`, or a Windows image without one) are checked too, as in hadolint:
//! their commands are split on `;`, `&&`, `||`, `|` and (cmd) `&`, and a
//! command inside a block (`if (…) { … }`) is not seen.

use crate::model::Instruction;
use crate::rule::{Context, declare_rule};

use super::support::{self, Cli};

declare_rule! {
    /// `gem install` of a gem without a version
    name: "gem-unpinned-package", aliases: ["DL3028"], category: Reproducibility, severity: Warning,
    kinds: [Run], in_onbuild: true, check_instruction: check,
}

const GEM: Cli = Cli {
    short: &['v', 'i', 'n', 's', 'p', 'P'],
    long: &[
        "version",
        "install-dir",
        "bindir",
        "source",
        "platform",
        "http-proxy",
        "trust-policy",
        "build-root",
        "target-rbconfig",
        "config-file",
        "document",
    ],
    single_word: false,
    long_prefixes: None,
};

fn check(run: &Instruction, ctx: &mut Context<'_>) {
    for cmd in run.commands().iter().filter(|c| c.base_name() == "gem") {
        let line = GEM.read(&cmd.args);
        let Some(gems) = line.after(&[&["install"], &["i"]]) else { continue };
        if line.has(&["v", "version", "g", "file"]) {
            continue;
        }
        let before_dashes = line.before_dashes.saturating_sub(line.operands.len() - gems.len());
        let found = support::unpinned(ctx, run, gems[..before_dashes].iter().copied(), pinned);
        support::report(ctx, found, ":<version>");
    }
}

/// `name:version`, a `.gem` file or a path.
fn pinned(gem: &str) -> bool {
    gem.contains([':', '/']) || gem.ends_with(".gem")
}

#[cfg(test)]
mod tests {
    use crate::rules::test_support::assert_rule;

    #[test]
    fn cases() {
        assert_rule(
            &super::RULE,
            &[
                "FROM ruby\nRUN gem install bundler:2.5.22 rake:13.2.1\n",
                "FROM ruby\nRUN gem install bundler -v 2.5.22 && gem i rails --version=7.2.1\n",
                "FROM ruby\nRUN gem install ./vendor/pkg-1.0.gem local.gem\n",
                "FROM ruby\nRUN gem install -g Gemfile\n",
                "FROM ruby\nRUN gem install mysql2:0.5.6 -- --with-mysql-dir=/usr/local\n",
                "FROM ruby\nRUN gem install --no-document -i /opt/gems -n /usr/local/bin rake:13\n",
                "FROM ruby\nRUN gem update --system && gem cleanup\n",
                "FROM ruby\nRUN gem install $GEMS\n",
            ],
            &[
                "FROM ruby\nRUN gem install ⟦bundler⟧\n",
                "FROM ruby\nRUN gem i --no-document ⟦rails⟧\n",
                "FROM ruby\nRUN gem install -N --source https://rubygems.org ⟦rake⟧ -- --with-x\n",
                "FROM ruby\nRUN gem install \\\n    rake:13 \\\n    ⟦rails⟧\n",
                "FROM ruby\nRUN <<EOF\ngem install ⟦rails⟧\nEOF\n",
                "FROM ruby\nONBUILD RUN gem install ⟦rails⟧\n",
                "FROM ruby\nRUN [\"sh\", \"-c\", \"gem install ⟦rails⟧\"]\n",
                "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nSHELL [\"powershell\", \"-Command\"]\nRUN gem install ⟦bundler⟧ ; bundle install\n",
            ],
            &[],
        );
    }
}
