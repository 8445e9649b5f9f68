//! Checks of the family `reporting`.

use super::Context;
use crate::diagnostics::Diagnostic;

pub(super) fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    let _ = (cx, out);
}
