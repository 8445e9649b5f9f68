//! Duties to notify (IMP13xx): each obligation complete, one value of a deadline in force at a
//! time, an obligation for every regime in force, and the deadlines the law sets for the
//! regimes imp knows (GDPR, NIS2, DORA).
//!
//! # How a deadline is read as a step of the law
//!
//! A deadline's name is split into words at `_`. For each regime imp knows, each legal step
//! has words (see [`Law::steps`]): a deadline whose name has one of them *corresponds* to that
//! step (the first step, in the order of [`Law::steps`], whose word it has: `early_notification`
//! is the NIS2 early warning). In a GDPR obligation `to` an external of kind `customer`, every
//! deadline corresponds to the communication to the data subjects (art. 34).
//!
//! - IMP1303: a step is present when a deadline in force on the day of the check corresponds
//!   to it, or, for a step with a time limit, when a deadline whose name corresponds to no
//!   step is not certainly longer than the step's limit (each such deadline stands for one
//!   step only, the shortest steps first). Art. 34 is also present when an obligation of the
//!   regime is `to` an external of kind `customer`.
//! - IMP1304: a deadline that corresponds to a step and is certainly longer than its limit.
//!
//! Limits count from the obligation's clock (the deadline's `from`, else `clock_starts`);
//! a later step's limit adds up the earlier ones (the NIS2 final report is due one month after
//! the incident notification, itself due within 72 hours). The DORA initial notification is
//! due within 4 hours when the clock is `classification`, else within 24 hours. imp does not
//! judge the clock itself.

use super::{Bounds, Context};
use crate::diagnostics::{Code, Diagnostic, backticked};
use crate::model::{
    Deadline, ExternalKind, Map, MomentRef, MomentWord, Obligation, Recipient, Set,
};
use crate::source::Span;

pub(super) fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    incomplete(cx, out);
    twice_in_force(cx, out);
    regimes(cx, out);
    beyond_law(cx, out);
}

/// IMP1301: an obligation names its owner, its recipients, its clock start and a deadline.
fn incomplete(cx: &Context, out: &mut Vec<Diagnostic>) {
    for o in &cx.model.obligations {
        let mut missing = Vec::new();
        for (given, key) in [
            (o.owner.is_some(), "owner"),
            (o.to.is_some(), "to"),
            (o.clock_starts.is_some(), "clock_starts"),
            (!o.deadlines.is_empty(), "deadline"),
        ] {
            if cx.lacks(o.id, given, key) {
                missing.push(key);
            }
        }
        if missing.is_empty() {
            continue;
        }
        let how: Vec<&str> = missing
            .iter()
            .map(|k| match *k {
                "owner" => "`owner ROLE` (who makes the notification)",
                "to" => "`to EXTERNAL` (who is notified)",
                "clock_starts" => "`clock_starts awareness` (the moment the deadlines count from)",
                _ => "`deadline NAME 72h` (by when)",
            })
            .collect();
        out.push(
            cx.at(
                Code::ObligationIncomplete,
                o.id,
                format!(
                    "{} has no {}",
                    cx.describe(o.id),
                    backticked(&missing, ", ")
                ),
            )
            .label("this obligation")
            .help(format!(
                "add {}; write `tbd` for what is not known yet",
                how.join(", ")
            )),
        );
    }
}

/// Whether a deadline is in force on a day: from its `since`, up to (not including) its
/// `until`.
fn in_force(d: &Deadline, day: jiff::civil::Date) -> bool {
    d.since.is_none_or(|s| s.date <= day) && d.until.is_none_or(|u| day < u.date)
}

/// IMP1302: two deadlines of one name whose periods overlap. Sorted by name and start, a
/// deadline overlaps an earlier one exactly when it starts before the latest end so far.
fn twice_in_force(cx: &Context, out: &mut Vec<Diagnostic>) {
    for o in &cx.model.obligations {
        if o.deadlines.len() < 2 {
            continue;
        }
        let mut order: Vec<(&str, Option<jiff::civil::Date>, usize)> = o
            .deadlines
            .iter()
            .enumerate()
            .map(|(i, d)| (cx.text(d.name.span), d.since.map(|s| s.date), i))
            .collect();
        order.sort();
        // The deadline of the current name with the latest end so far (`None`: no end).
        let mut latest: Option<(&str, usize)> = None;
        for &(name, since, i) in &order {
            let d = &o.deadlines[i].value;
            let end = |d: &Deadline| d.until.map(|u| u.date);
            let Some((_, j)) = latest.filter(|(n, _)| *n == name) else {
                latest = Some((name, i));
                continue;
            };
            let prev = &o.deadlines[j].value;
            let overlaps = match (since, end(prev)) {
                (Some(s), Some(e)) => s < e,
                _ => true,
            };
            if overlaps {
                let (first, second) = if j < i { (prev, d) } else { (d, prev) };
                out.push(
                    Diagnostic::new(
                        Code::DeadlineTwice,
                        second.name.span,
                        format!(
                            "deadline `{name}` has two values in force {}",
                            overlap(first, second)
                        ),
                    )
                    .label(format!("`{}` in force {}", cx.text(second.within.span), period(second)))
                    .with_secondary(
                        first.name.span,
                        format!("`{}` in force {}", cx.text(first.within.span), period(first)),
                    )
                    .help(match second.since.or(first.since) {
                        Some(s) => format!(
                            "end the value the other replaces where the new one begins: `until {}`",
                            s.date
                        ),
                        None => "give each value the period it is in force, with `since DATE` and `until DATE`, one after the other".to_string(),
                    }),
                );
            }
            let later = match (end(d), end(prev)) {
                (None, _) => true,
                (Some(_), None) => false,
                (Some(a), Some(b)) => a > b,
            };
            if later {
                latest = Some((name, i));
            }
        }
    }
}

/// The period a deadline is in force, in words.
fn period(d: &Deadline) -> String {
    span_words(d.since.map(|s| s.date), d.until.map(|u| u.date))
}

/// When two periods that overlap are both in force.
fn overlap(a: &Deadline, b: &Deadline) -> String {
    let since = a.since.map(|s| s.date).max(b.since.map(|s| s.date));
    let until = match (a.until, b.until) {
        (Some(x), Some(y)) => Some(x.date.min(y.date)),
        (x, y) => x.or(y).map(|u| u.date),
    };
    span_words(since, until)
}

fn span_words(since: Option<jiff::civil::Date>, until: Option<jiff::civil::Date>) -> String {
    match (since, until) {
        (Some(s), Some(u)) => format!("from {s} until {u}"),
        (Some(s), None) => format!("from {s}"),
        (None, Some(u)) => format!("until {u}"),
        (None, None) => "at all times".to_string(),
    }
}

/// A regime imp knows the notification deadlines of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Law {
    Gdpr,
    Nis2,
    Dora,
}

/// A step of a law: a notification it requires, and by when.
struct Step {
    /// `the early warning`.
    what: &'static str,
    clause: &'static str,
    /// By when, in the law's words.
    when: &'static str,
    /// The words of a deadline's name that read as this step.
    words: &'static [&'static str],
    /// How to write it.
    example: &'static str,
    /// The limit from the clock, as (hours, months); `None`: the law gives no time.
    limit: Option<(u64, u64)>,
    /// The limit when the clock is `classification`, where it differs (DORA).
    from_classification: Option<(u64, u64)>,
}

const HOUR: u64 = 3600;
const DAY: u64 = 86_400;

impl Step {
    /// The longest the law allows from the obligation's clock, if it gives a time.
    fn limit(&self, classification: bool) -> Option<Bounds> {
        let (h, m) = match self.from_classification {
            Some(l) if classification => l,
            _ => self.limit?,
        };
        Some(Bounds {
            min: h * HOUR + m * 28 * DAY,
            max: h * HOUR + m * 31 * DAY,
        })
    }
}

const GDPR: &[Step] = &[
    Step {
        what: "the communication to the data subjects",
        clause: "GDPR art. 34",
        when: "without undue delay when the breach is a high risk to them",
        words: &[
            "subject",
            "subjects",
            "individual",
            "individuals",
            "people",
            "customer",
            "customers",
        ],
        example: "`deadline data_subjects required`",
        limit: None,
        from_classification: None,
    },
    Step {
        what: "the notification to the supervisory authority",
        clause: "GDPR art. 33",
        when: "within 72 hours of becoming aware of the breach",
        words: &[
            "notification",
            "notify",
            "notice",
            "authority",
            "supervisory",
            "regulator",
        ],
        example: "`deadline notification 72h`",
        limit: Some((72, 0)),
        from_classification: None,
    },
];

const NIS2: &[Step] = &[
    Step {
        what: "the early warning",
        clause: "NIS2 art. 23(4)(a)",
        when: "within 24 hours of becoming aware of the incident",
        words: &["early", "warning"],
        example: "`deadline early_warning 24h`",
        limit: Some((24, 0)),
        from_classification: None,
    },
    Step {
        what: "the final report",
        clause: "NIS2 art. 23(4)(d)",
        when: "within one month of the incident notification",
        words: &["final"],
        example: "`deadline final_report 1mo`",
        limit: Some((72, 1)),
        from_classification: None,
    },
    Step {
        what: "the incident notification",
        clause: "NIS2 art. 23(4)(b)",
        when: "within 72 hours of becoming aware of the incident",
        words: &["notification", "notify"],
        example: "`deadline notification 72h`",
        limit: Some((72, 0)),
        from_classification: None,
    },
];

const DORA: &[Step] = &[
    Step {
        what: "the intermediate report",
        clause: "DORA art. 19(4)(b)",
        when: "within 72 hours of the initial notification",
        words: &["intermediate"],
        example: "`deadline intermediate 72h`",
        limit: Some((24 + 72, 0)),
        from_classification: Some((4 + 72, 0)),
    },
    Step {
        what: "the final report",
        clause: "DORA art. 19(4)(c)",
        when: "within one month of the latest intermediate report",
        words: &["final"],
        example: "`deadline final_report 1mo`",
        limit: Some((24 + 72, 1)),
        from_classification: Some((4 + 72, 1)),
    },
    Step {
        what: "the initial notification",
        clause: "DORA art. 19(4)(a)",
        when: "within 4 hours of its classification as major and 24 hours of awareness",
        words: &["initial", "notification", "notify"],
        example: "`deadline initial 4h from classification`",
        limit: Some((24, 0)),
        from_classification: Some((4, 0)),
    },
];

impl Law {
    /// The law of a regime word: `gdpr`, `uk_gdpr` and `eu_gdpr` are the GDPR.
    fn of(word: &str) -> Option<Law> {
        match word.to_ascii_lowercase().as_str() {
            "gdpr" | "uk_gdpr" | "eu_gdpr" => Some(Law::Gdpr),
            "nis2" => Some(Law::Nis2),
            "dora" => Some(Law::Dora),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Law::Gdpr => "GDPR",
            Law::Nis2 => "NIS2",
            Law::Dora => "DORA",
        }
    }

    /// Its steps, in the order a deadline's name is read against them (the most specific
    /// words first).
    fn steps(self) -> &'static [Step] {
        match self {
            Law::Gdpr => GDPR,
            Law::Nis2 => NIS2,
            Law::Dora => DORA,
        }
    }

    /// The step a deadline corresponds to, if any; `customer`: its obligation is owed to an
    /// external of kind `customer`.
    /// The name is read first: an obligation owed to a regulator and to the people affected
    /// at once has its `notification` read as the notification; only a name that says
    /// nothing makes a deadline owed to customers the communication to the data subjects.
    fn step_of(self, cx: &Context, customer: bool, d: &Deadline) -> Option<usize> {
        let name = cx.text(d.name.span).to_ascii_lowercase();
        let words: Vec<&str> = name.split('_').collect();
        let by_name = self
            .steps()
            .iter()
            .position(|s| s.words.iter().any(|w| words.contains(w)));
        match by_name {
            None if self == Law::Gdpr && customer => Some(0),
            found => found,
        }
    }
}

/// Whether an obligation is owed to an external of kind `customer`: the data subjects.
fn to_customer(cx: &Context, o: &Obligation) -> bool {
    o.to.as_ref().is_some_and(|to| {
        to.value.iter().any(|r| match r.target {
            Some(Recipient::External(e)) => cx.model[e]
                .kind
                .as_ref()
                .is_some_and(|k| k.value.value == ExternalKind::Customer),
            _ => false,
        })
    })
}

/// Whether a deadline counts from `classification`.
fn from_classification(o: &Obligation, d: &Deadline) -> bool {
    let clock = d
        .within
        .from
        .as_ref()
        .or(o.clock_starts.as_ref().map(|c| &c.value));
    matches!(clock, Some(MomentRef::Builtin(m)) if m.value == MomentWord::Classification)
}

/// IMP1303: each regime the organisation names has an obligation, and the obligations of a
/// regime imp knows have every step its law requires.
fn regimes(cx: &Context, out: &mut Vec<Diagnostic>) {
    if !cx.may_lack {
        return;
    }
    let m = cx.model;
    // Each regime word, in the order obligations first name it, with its obligations and the
    // span of the word in each.
    let mut order: Vec<&str> = Vec::new();
    let mut by_regime: Map<&str, Vec<(usize, Span)>> = Map::default();
    let mut unknown = false;
    for (i, o) in m.obligations.iter().enumerate() {
        let Some(r) = &o.regime else {
            unknown |= cx.is_open(o.id, "regime") || !cx.read_cleanly(o.id);
            continue;
        };
        for t in r.value.iter() {
            let w = cx.text(t.span);
            let list = by_regime.entry(w).or_default();
            if list.is_empty() {
                order.push(w);
            }
            if list.last().is_none_or(|(j, _)| *j != i) {
                list.push((i, t.span));
            }
        }
    }
    if unknown {
        // An obligation whose regime is not known may be the one a regime needs.
        return;
    }
    for org in &m.organisations {
        let Some(r) = &org.regimes else { continue };
        for t in r.value.iter() {
            let w = cx.text(t.span);
            if by_regime.contains_key(w) {
                continue;
            }
            out.push(
                Diagnostic::new(
                    Code::RegimeWithoutObligation,
                    t.span,
                    format!("regime `{w}` is in force and no obligation has `regime {w}`"),
                )
                .label("in force here")
                .help(format!(
                    "declare the duty to notify that `{w}` sets: `obligation NAME \"...\" {{ regime {w}; clock_starts awareness; deadline ...; to EXTERNAL; owner ROLE }}`, or add `{w}` to the `regime` of the obligation that meets it"
                )),
            );
        }
    }
    for w in order {
        let Some(law) = Law::of(w) else { continue };
        let obls = &by_regime[w];
        let known = obls.iter().all(|(i, _)| {
            let o = &m.obligations[*i];
            cx.read_cleanly(o.id) && !cx.is_open(o.id, "deadline") && !cx.is_open(o.id, "to")
        });
        if !known {
            continue;
        }
        for s in missing_steps(cx, law, obls) {
            let step = &law.steps()[s];
            let by = if step.limit.is_some() {
                "or by its time if its name matches no step"
            } else {
                "or by an obligation `to` an external of kind `customer`"
            };
            let mut d = Diagnostic::new(
                Code::RegimeWithoutObligation,
                obls[0].1,
                format!("no obligation of `{w}` has {}", step.what),
            )
            .label(format!("{} requires it {}", law.name(), step.when))
            .help(format!(
                "add {} to an obligation of `{w}`; a deadline is taken for {} by its name (a word such as `{}`), {by}",
                step.example, step.what, step.words[0]
            ))
            .clause(step.clause);
            for (_, span) in &obls[1..] {
                d = d.with_secondary(*span, format!("also of `{w}`"));
            }
            out.push(d);
        }
    }
}

/// The steps of a law that the obligations of one regime word leave out, in the law's order.
fn missing_steps(cx: &Context, law: Law, obls: &[(usize, Span)]) -> Vec<usize> {
    let steps = law.steps();
    let mut present = vec![false; steps.len()];
    // Deadlines whose names read as no step: (shortest reading, counts from classification).
    let mut anonymous: Vec<(u64, bool)> = Vec::new();
    for (i, _) in obls {
        let o = &cx.model.obligations[*i];
        let customer = to_customer(cx, o);
        if law == Law::Gdpr && customer {
            present[0] = true;
        }
        for d in o.deadlines.iter().map(|d| &d.value) {
            if !in_force(d, cx.config.as_of) {
                continue;
            }
            match law.step_of(cx, customer, d) {
                Some(s) => present[s] = true,
                None => {
                    if let Some(b) = Bounds::of(&d.within) {
                        anonymous.push((b.min, from_classification(o, d)));
                    }
                }
            }
        }
    }
    anonymous.sort();
    let mut used = vec![false; anonymous.len()];
    // The shortest steps first: each takes the shortest deadline that meets it.
    let mut by_limit: Vec<usize> = (0..steps.len())
        .filter(|s| !present[*s] && steps[*s].limit.is_some())
        .collect();
    by_limit.sort_by_key(|s| steps[*s].limit);
    for s in by_limit {
        let fits = anonymous
            .iter()
            .zip(used.iter())
            .position(|((min, c), u)| !*u && steps[s].limit(*c).is_some_and(|l| *min <= l.max));
        if let Some(k) = fits {
            used[k] = true;
            present[s] = true;
        }
    }
    (0..steps.len()).filter(|s| !present[*s]).collect()
}

/// IMP1304: a deadline that reads as a step of the law and is certainly longer than the law
/// allows for it.
fn beyond_law(cx: &Context, out: &mut Vec<Diagnostic>) {
    for o in &cx.model.obligations {
        let Some(r) = &o.regime else { continue };
        let mut laws: Vec<(Law, &str)> = Vec::new();
        let mut seen: Set<u8> = Set::default();
        for t in r.value.iter() {
            let w = cx.text(t.span);
            if let Some(l) = Law::of(w)
                && seen.insert(l as u8)
            {
                laws.push((l, w));
            }
        }
        let customer = to_customer(cx, o);
        for d in o.deadlines.iter().map(|d| &d.value) {
            if d.until.is_some_and(|u| u.date <= cx.config.as_of) {
                continue;
            }
            let Some(b) = Bounds::of(&d.within) else {
                continue;
            };
            for &(law, w) in &laws {
                let Some(s) = law.step_of(cx, customer, d) else {
                    continue;
                };
                let step = &law.steps()[s];
                let Some(limit) = step.limit(from_classification(o, d)) else {
                    continue;
                };
                if !b.longer_than(limit) {
                    continue;
                }
                let span = d.within.duration().map_or(d.within.span, |x| x.span);
                out.push(
                    Diagnostic::new(
                        Code::DeadlineBeyondLaw,
                        span,
                        format!(
                            "`{}` for {} is later than {} allows",
                            cx.text(span),
                            step.what,
                            law.name()
                        ),
                    )
                    .label(format!("due {}", step.when))
                    .with_secondary(d.name.span, format!("read as {} of `{w}`", step.what))
                    .help(format!(
                        "shorten it to what the law allows ({}); if this deadline is not {}, give it a name that does not read as it",
                        step.example, step.what
                    ))
                    .clause(step.clause),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use crate::diagnostics::Code;

    const PARTIES: &str = "role dpo \"DPO\" { held_by tbd }\n\
        external ico \"ICO\" { kind regulator }\n\
        external affected \"Customers affected\" { kind customer }\n";

    #[test]
    fn an_obligation_is_told_what_it_lacks() {
        let text = format!(
            "{PARTIES}obligation gdpr \"Breach\" {{\n  regime gdpr\n  deadline notification 72h\n}}\n"
        );
        assert_eq!(
            findings(Code::ObligationIncomplete, &text),
            ["4: obligation `gdpr` has no `owner`, `to`, `clock_starts`"]
        );
        let text = format!(
            "{PARTIES}obligation gdpr \"Breach\" {{ owner dpo; to ico; clock_starts awareness; deadline notification 72h }}\n"
        );
        assert!(findings(Code::ObligationIncomplete, &text).is_empty());
        let text = format!(
            "{PARTIES}obligation gdpr \"Breach\" {{ owner tbd; to ico; clock_starts tbd; deadline notification tbd }}\n"
        );
        assert!(findings(Code::ObligationIncomplete, &text).is_empty());
    }

    #[test]
    fn overlapping_values_of_a_deadline_are_found() {
        let text = "obligation dora \"DORA\" {\n  deadline initial 24h since 2024-01-01\n  deadline initial 4h since 2025-01-17\n  deadline final 1mo\n}\n";
        assert_eq!(
            findings(Code::DeadlineTwice, text),
            ["3: deadline `initial` has two values in force from 2025-01-17"]
        );
        let text = "obligation dora \"DORA\" {\n  deadline initial 4h since 2025-01-17\n  deadline initial 24h until 2025-06-01\n}\n";
        assert_eq!(
            findings(Code::DeadlineTwice, text),
            ["3: deadline `initial` has two values in force from 2025-01-17 until 2025-06-01"]
        );
        let text = "obligation dora \"DORA\" {\n  deadline initial 24h until 2025-01-17\n  deadline initial 4h since 2025-01-17\n  deadline final 1mo until 2025-01-17\n  deadline final 2mo since 2026-01-01\n}\n";
        assert!(findings(Code::DeadlineTwice, text).is_empty());
    }

    #[test]
    fn a_regime_needs_an_obligation() {
        let text = format!(
            "organisation o \"O\" {{ regimes [gdpr, pci_dss] }}\n{PARTIES}\
             obligation gdpr \"Breach\" {{ regime gdpr; deadline notification 72h }}\n\
             obligation tell \"Tell\" {{ regime gdpr; to affected; deadline tell required }}\n"
        );
        assert_eq!(
            findings(Code::RegimeWithoutObligation, &text),
            ["1: regime `pci_dss` is in force and no obligation has `regime pci_dss`"]
        );
        let text = format!(
            "organisation o \"O\" {{ regimes [gdpr] }}\n{PARTIES}\
             obligation gdpr \"Breach\" {{ regime tbd; deadline notification 72h }}\n"
        );
        assert!(findings(Code::RegimeWithoutObligation, &text).is_empty());
    }

    #[test]
    fn the_steps_of_a_law_are_found_by_name_or_by_time() {
        let text = "obligation nis2 \"NIS2\" {\n  regime nis2\n  deadline early_warning 24h\n  deadline notification 72h\n}\n";
        assert_eq!(
            findings(Code::RegimeWithoutObligation, text),
            ["2: no obligation of `nis2` has the final report"]
        );
        // By time: `first` is the early warning, `second` the notification, `last` the final
        // report; one deadline stands for one step only.
        let text = "obligation nis2 \"NIS2\" {\n  regime nis2\n  deadline first 12h\n  deadline second 3d\n  deadline last 30d\n}\n";
        assert!(findings(Code::RegimeWithoutObligation, text).is_empty());
        let text = "obligation nis2 \"NIS2\" {\n  regime nis2\n  deadline first 12h\n  deadline last 30d\n}\n";
        assert_eq!(
            findings(Code::RegimeWithoutObligation, text),
            ["2: no obligation of `nis2` has the incident notification"]
        );
        // GDPR: art. 34 by the recipient, or by the name.
        let text = "obligation gdpr \"GDPR\" {\n  regime uk_gdpr\n  deadline notification 72h\n}\n";
        assert_eq!(
            findings(Code::RegimeWithoutObligation, text),
            ["2: no obligation of `uk_gdpr` has the communication to the data subjects"]
        );
        let text = "obligation gdpr \"GDPR\" {\n  regime uk_gdpr\n  deadline notification 72h\n  deadline data_subjects required\n}\n";
        assert!(findings(Code::RegimeWithoutObligation, text).is_empty());
        // DORA, across two obligations; a value no longer in force does not count.
        let text = "obligation a \"A\" {\n  regime dora\n  deadline initial 4h\n}\n\
                    obligation b \"B\" {\n  regime dora\n  deadline intermediate 72h until 2026-01-01\n  deadline final_report 1mo\n}\n";
        assert_eq!(
            findings(Code::RegimeWithoutObligation, text),
            ["2: no obligation of `dora` has the intermediate report"]
        );
    }

    #[test]
    fn a_deadline_longer_than_the_law_is_an_error() {
        let text = "obligation nis2 \"NIS2\" {\n  regime nis2\n  deadline early_warning 48h\n  deadline notification 3d\n  deadline final_report 5w\n}\n";
        assert_eq!(
            findings(Code::DeadlineBeyondLaw, text),
            [
                "3: `48h` for the early warning is later than NIS2 allows",
                "5: `5w` for the final report is later than NIS2 allows"
            ]
        );
        // A month is 28 to 31 days: 1mo after 72h is never later than the law.
        let text = "obligation nis2 \"NIS2\" {\n  regime nis2\n  deadline early_warning 24h\n  deadline notification 72h\n  deadline final_report 1mo\n  deadline follow_up 3mo\n}\n";
        assert!(findings(Code::DeadlineBeyondLaw, text).is_empty());
        // DORA: 4h from classification, 24h from awareness.
        let text = "obligation dora \"DORA\" {\n  regime dora\n  clock_starts classification\n  deadline initial 12h\n}\n";
        assert_eq!(
            findings(Code::DeadlineBeyondLaw, text),
            ["4: `12h` for the initial notification is later than DORA allows"]
        );
        let text = "obligation dora \"DORA\" {\n  regime dora\n  clock_starts awareness\n  deadline initial 12h\n  deadline old 48h until 2025-01-17\n}\n";
        assert!(findings(Code::DeadlineBeyondLaw, text).is_empty());
    }
    #[test]
    fn a_deadline_owed_to_regulator_and_people_is_read_by_its_name() {
        let text = format!(
            "{PARTIES}obligation breach \"Breach\" {{\n  regime gdpr\n  to [ico, affected]\n  deadline notification 96h\n}}\n"
        );
        assert_eq!(
            findings(Code::DeadlineBeyondLaw, &text),
            [
                "7: `96h` for the notification to the supervisory authority is later than GDPR allows"
            ]
        );
    }
}
