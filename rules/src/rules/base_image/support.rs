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
    from.image.as_ref().map(|spec| spec.word.range)
}
