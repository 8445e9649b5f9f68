//! The zone of the policy: the time zone its findings and timelines are shown in.

use crate::model::{Model, TimeZone};

/// The zone of the policy: that of its first point of contact that gives one, else of its
/// first rota, else of its first calendar, else of its first region; UTC when none does.
pub fn policy_zone(model: &Model) -> jiff::tz::TimeZone {
    let first = |it: &mut dyn Iterator<Item = Option<&TimeZone>>| it.flatten().next().cloned();
    first(
        &mut model
            .points_of_contact
            .iter()
            .map(|p| p.timezone.as_ref().map(|t| &t.value)),
    )
    .or_else(|| {
        first(
            &mut model
                .schedules
                .iter()
                .map(|s| s.timezone.as_ref().map(|t| &t.value)),
        )
    })
    .or_else(|| {
        first(
            &mut model
                .calendars
                .iter()
                .map(|c| c.timezone.as_ref().map(|t| &t.value)),
        )
    })
    .or_else(|| {
        first(
            &mut model
                .regions
                .iter()
                .map(|r| r.timezone.as_ref().map(|t| &t.value)),
        )
    })
    .map_or(jiff::tz::TimeZone::UTC, |t| t.tz)
}
