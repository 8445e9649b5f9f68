//! Reporting (IMP09xx): a channel every member of staff can use lands at the point of
//! contact; a channel open around the clock does not land at a desk that closes; the point of
//! contact is staffed.

use super::Context;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{Channel, Destination, Group, Member, Prop, Window};

pub(super) fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    staff_channel(cx, out);
    for c in &cx.model.channels {
        hours_contradicted(cx, c, out);
    }
    for p in &cx.model.points_of_contact {
        if cx.lacks(p.id, p.held_by.is_some(), "held_by") {
            out.push(
                cx.at(
                    Code::PocUnstaffed,
                    p.id,
                    format!("point of contact `{}` is staffed by nobody", cx.name(p.id)),
                )
                .label("no `held_by`")
                .help("say who takes the reports: `held_by desk_rota` (a rota), a team, a role or a person"),
            );
        }
    }
}

/// Whether a channel is for reporting (the default when `used_for` is not given).
fn for_reporting(c: &Channel) -> bool {
    crate::reach::for_reporting(c)
}

/// Whether all staff may use a channel: `audience` names `all_staff`, or says nothing.
fn for_all_staff(c: &Channel) -> bool {
    c.audience.as_ref().is_none_or(|a| {
        a.value
            .iter()
            .any(|m| matches!(m, Member::Group(g) if g.value == Group::AllStaff))
    })
}

/// IMP0901: no reporting channel open to all staff lands at a point of contact.
fn staff_channel(cx: &Context, out: &mut Vec<Diagnostic>) {
    if !cx.may_lack || cx.model.is_empty() {
        return;
    }
    let ok = cx.model.channels.iter().any(|c| {
        for_reporting(c)
            && for_all_staff(c)
            && (cx.is_open(c.id, "lands_at")
                || c.lands_at.as_ref().is_some_and(|l| {
                    matches!(l.value.target, Some(Destination::PointOfContact(_)) | None)
                }))
    });
    if ok {
        return;
    }
    // Point at the nearest miss: a staff channel landing elsewhere, or the scheme.
    let near = cx
        .model
        .channels
        .iter()
        .find(|c| for_reporting(c) && for_all_staff(c));
    let mut d = match near {
        Some(c) => cx
            .at(
                Code::NoStaffChannel,
                c.id,
                format!(
                    "no reporting channel for all staff lands at the point of contact: `{}` lands {}",
                    cx.name(c.id),
                    match &c.lands_at {
                        Some(l) => format!("at `{}`", cx.text(l.value.span)),
                        None => "nowhere".to_string(),
                    }
                ),
            )
            .label("open to all staff"),
        None => Diagnostic::new(
            Code::NoStaffChannel,
            cx.scheme_span(),
            "no reporting channel is open to all staff and lands at the point of contact",
        )
        .label("in this scheme"),
    };
    if let Some(c) = near
        && let Some(l) = &c.lands_at
    {
        d = d.with_secondary(l.value.span, "not a point of contact");
    }
    out.push(d.help(
        "every member of staff needs one known way to report an event: a channel with `audience [all_staff]` (or no audience) and `lands_at POINT_OF_CONTACT`",
    ));
}

/// A set of hours of the week, as intervals of minutes from Monday 00:00, merged.
fn week(windows: &[Prop<Window>]) -> Vec<(u32, u32)> {
    const WEEK: u32 = 7 * 24 * 60;
    let mut parts: Vec<(u32, u32)> = Vec::new();
    for w in windows {
        let (from, to, start, end) = w.value.parts();
        let (from, to) = (u32::from(from.index()), u32::from(to.index()));
        let days = if to >= from {
            to - from + 1
        } else {
            to + 8 - from
        };
        for k in 0..days {
            let day = (from + k) % 7;
            let (s, e) = (u32::from(start), u32::from(end));
            let base = day * 24 * 60;
            if e > s {
                parts.push((base + s, base + e));
            } else {
                // Past midnight: to the end of the day, then from the start of the next.
                parts.push((base + s, base + 24 * 60));
                let next = ((day + 1) % 7) * 24 * 60;
                parts.push((next, next + e));
            }
        }
    }
    parts.retain(|(s, e)| e > s && *s < WEEK);
    parts.sort_unstable();
    let mut merged: Vec<(u32, u32)> = Vec::new();
    for (s, e) in parts {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// Whether hours cover the whole week: no `hours` says nothing, and is not a claim.
fn whole_week(windows: &[Prop<Window>]) -> bool {
    matches!(week(windows).as_slice(), [(0, e)] if *e >= 7 * 24 * 60)
}

/// IMP0902: a channel open around the clock lands at a point of contact that is not, and
/// that has no out-of-hours route.
fn hours_contradicted(cx: &Context, c: &Channel, out: &mut Vec<Diagnostic>) {
    if c.hours.is_empty() || !whole_week(&c.hours) {
        return;
    }
    let Some(l) = &c.lands_at else { return };
    let Some(Destination::PointOfContact(p)) = l.value.target else {
        return;
    };
    let poc = &cx.model[p];
    if poc.hours.is_empty() || whole_week(&poc.hours) || poc.out_of_hours.is_some() {
        return;
    }
    if cx.is_open(poc.id, "out_of_hours") || !cx.read_cleanly(poc.id) {
        return;
    }
    let claim = c.hours.iter().map(|h| h.span()).reduce(|a, b| a.join(b));
    let Some(claim) = claim else { return };
    let mut d = Diagnostic::new(
        Code::HoursContradicted,
        claim,
        format!(
            "channel `{}` is open around the clock, but lands at `{}`, which is not and has no out-of-hours route",
            cx.name(c.id),
            cx.name(poc.id)
        ),
    )
    .label("open every hour of the week")
    .with_secondary(l.value.span, "lands here");
    for h in &poc.hours {
        d = d.with_secondary(h.span(), "the point of contact's hours");
    }
    out.push(d.help(format!(
        "a report made at night waits unread until `{}` opens: give it `out_of_hours ROTA` (who takes reports when it is closed), or state the channel's real hours",
        cx.name(poc.id)
    )));
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use crate::diagnostics::Code;

    const DESK: &str =
        "point_of_contact desk \"Desk\" { held_by tbd; hours mon-fri 09:00-17:00 }\n";

    #[test]
    fn a_staff_channel_must_land_at_the_point_of_contact() {
        let text = format!(
            "{DESK}external soc \"SOC\" {{ kind vendor }}\n\
             channel mail \"Mail\" {{ audience [all_staff]; lands_at soc }}\n"
        );
        assert_eq!(
            findings(Code::NoStaffChannel, &text),
            [
                "3: no reporting channel for all staff lands at the point of contact: `mail` lands at `soc`"
            ]
        );
        let text =
            format!("{DESK}channel mail \"Mail\" {{ audience [all_staff]; lands_at desk }}\n");
        assert!(findings(Code::NoStaffChannel, &text).is_empty());
    }

    #[test]
    fn a_round_the_clock_channel_at_a_day_desk_is_a_contradiction() {
        let text = format!(
            "{DESK}channel mail \"Mail\" {{ audience [all_staff]; lands_at desk; hours 24x7 }}\n"
        );
        assert_eq!(
            findings(Code::HoursContradicted, &text),
            [
                "2: channel `mail` is open around the clock, but lands at `desk`, which is not and has no out-of-hours route"
            ]
        );
        // Windows that together cover the week are around the clock too; a desk with an
        // out-of-hours route is not contradicted.
        let text = format!(
            "{DESK}channel mail \"Mail\" {{ lands_at desk; hours mon-thu; hours fri-sun }}\n"
        );
        assert_eq!(findings(Code::HoursContradicted, &text).len(), 1);
        let text = "schedule night \"Night\" { hours 24x7 }\n\
                    point_of_contact desk \"Desk\" { held_by tbd; hours mon-fri 09:00-17:00; out_of_hours night }\n\
                    channel mail \"Mail\" { lands_at desk; hours 24x7 }\n";
        assert!(findings(Code::HoursContradicted, text).is_empty());
    }

    #[test]
    fn windows_past_midnight_are_merged() {
        let text = "point_of_contact desk \"Desk\" { held_by tbd; hours 08:00-20:00; hours 20:00-08:00 }\n\
                    channel mail \"Mail\" { lands_at desk; hours 24x7 }\n";
        assert!(findings(Code::HoursContradicted, text).is_empty());
    }

    #[test]
    fn an_unstaffed_point_of_contact_is_found() {
        let text = "point_of_contact desk \"Desk\" { hours 24x7 }\n";
        assert_eq!(
            findings(Code::PocUnstaffed, text),
            ["1: point of contact `desk` is staffed by nobody"]
        );
    }
}
