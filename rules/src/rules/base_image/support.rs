//! Helpers shared by the base-image rules.

use crate::base_images::{EolState, EolStatus, eol_statuses};
use crate::model::{Base, Instruction};
use crate::rule::Context;

/// The most urgent end-of-life status of the image a FROM names (through
/// ARG defaults), when it is `wanted`, with the image text.
pub(super) fn from_eol(from: &Instruction, ctx: &Context<'_>, wanted: EolState) -> Option<(EolStatus, String)> {
    let stage = ctx.doc.stage_of(from)?;
    let Base::Image { reference, text, resolved: true } = &stage.base else { return None };
    let statuses = eol_statuses(reference, ctx.settings.lint_date());
    let first = statuses.into_iter().next()?;
    (first.state == wanted).then(|| (first, text.clone()))
}

/// Where to report a finding about a FROM's image.
pub(super) fn image_range(from: &Instruction) -> Option<crate::diagnostic::TextRange> {
    from.image().map(|spec| spec.word.range)
}

/// `rule`'s diagnostics on `source` when linted on `date` (the end-of-life
/// rules' tests).
#[cfg(test)]
pub(super) fn lint_on(
    rule: &'static crate::engine::Rule,
    date: &str,
    source: &str,
) -> Vec<crate::diagnostic::Diagnostic> {
    let mut settings = crate::config::Settings::default();
    settings.set_lint_date(crate::base_images::Date::parse(date));
    crate::engine::check_with_rules(&crate::model::Document::parse(source), &settings, &[rule])
}
