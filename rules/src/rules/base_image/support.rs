//! Helpers shared by the base-image rules.

use crate::base_images::{EolState, EolStatus, eol_statuses};
use crate::model::{Base, Instruction};
use crate::rule::Context;

/// Report a FROM whose image's most urgent end-of-life status (through ARG
/// defaults) is `wanted`, at the image, with the message `message` makes of
/// the image text, the status and the days from the lint date to its end
/// of life.
pub(super) fn report_eol(
    from: &Instruction,
    ctx: &mut Context<'_>,
    wanted: EolState,
    message: impl FnOnce(&str, &EolStatus, i64) -> String,
) {
    let Some(stage) = ctx.doc.stage_of(from) else { return };
    let Base::Image { reference, text, resolved: true } = &stage.base else { return };
    let lint_date = ctx.settings.lint_date();
    let Some(status) = eol_statuses(reference, lint_date).into_iter().next() else { return };
    let Some(spec) = from.image() else { return };
    if status.state == wanted {
        let days = lint_date.days_until(status.eol);
        let message = message(text, &status, days);
        ctx.report(spec.word.range, message);
    }
}
