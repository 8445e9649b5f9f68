//! The coverage of severity criteria (IMP1006-IMP1008): every incident meets the criteria of
//! some level, of one level only on a scale without `if_unsure`, and every level is reached
//! by some incident when levels are read most severe first.
//!
//! An incident is at the most severe level whose `when` holds; the least severe level may go
//! without `when` and then takes every incident the others leave. A scale is checked only
//! when every level but the least severe has a `when`, and every part of every condition
//! (named criteria included) is known: a level with only words, `when tbd`, or a part that is
//! invalid or unresolved, and the checks say nothing of the scale.
//!
//! The incidents are never enumerated: each level's condition is brought to a normal form
//! (see [`space`]), two levels overlap when two of their terms meet, and an incident that no
//! level takes is a solution of the negations of every level's terms, found by a small
//! solver. The bounds of that work are in [`space`]; past them, nothing is said of the scale.

mod space;

use space::{BUDGET, Budget, Clause, Dnf, Skip, Space, shortest, solve};

use super::Context;
use super::severity::join;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{Condition, Scale, ScaleId};

pub(super) fn run(cx: &Context, out: &mut Vec<Diagnostic>) {
    for (i, s) in cx.model.scales.iter().enumerate() {
        let mut found = Vec::new();
        // All or nothing: a scale past its bounds gets no finding at all.
        if coverage(cx, ScaleId(i as u32), s, &mut found).is_ok() {
            out.extend(found);
        }
    }
}

/// Each level's `when`, when the scale can be checked: `None` for the least severe level
/// without one.
fn conditions<'a>(cx: &Context, s: &'a Scale) -> Option<Vec<Option<&'a Condition>>> {
    if !cx.read_cleanly(s.id) {
        return None;
    }
    let n = s.levels.len();
    let mut out = Vec::with_capacity(n);
    for (i, l) in s.levels.iter().enumerate() {
        match &l.when {
            Some(w) => out.push(Some(&w.cond)),
            None => {
                let words = l.criteria.is_some() || cx.is_open(l.id, "criteria");
                if i + 1 < n || words || cx.is_open(l.id, "when") {
                    return None;
                }
                out.push(None);
            }
        }
    }
    out.iter().any(Option::is_some).then_some(out)
}

fn coverage(cx: &Context, id: ScaleId, s: &Scale, out: &mut Vec<Diagnostic>) -> Result<(), Skip> {
    let Some(conds) = conditions(cx, s) else {
        return Ok(());
    };
    let roots: Vec<&Condition> = conds.iter().flatten().copied().collect();
    let space = Space::build(cx, id, &roots)?;
    let mut budget = Budget(BUDGET);
    let dnfs = space.levels(cx, &conds, &mut budget)?;
    // The negation of each level's terms, level after level; `ends[i]`: the clauses of the
    // levels before level `i`.
    let mut clauses: Vec<Clause> = Vec::new();
    let mut ends = Vec::with_capacity(dnfs.len());
    for d in &dnfs {
        ends.push(clauses.len());
        if let Some(d) = d {
            for t in d.terms(&space) {
                budget.spend(space.words)?;
                clauses.push(Clause::not(&space, t));
            }
        }
    }
    let mut scan = Scan {
        cx,
        s,
        space: &space,
        dnfs: &dnfs,
        clauses: clauses.iter().collect(),
        ends,
        budget,
    };
    let unsure = s.if_unsure.is_some() || cx.is_open(s.id, "if_unsure");
    if !unsure {
        scan.overlaps(out)?;
    }
    if conds.last().is_some_and(Option::is_some) {
        scan.gap(out)?;
    }
    scan.shadowed(out)
}

/// A scale's criteria, in normal form.
struct Scan<'a> {
    cx: &'a Context<'a>,
    s: &'a Scale,
    space: &'a Space,
    /// Each level's condition (`None`: the least severe level, without one).
    dnfs: &'a [Option<Dnf>],
    /// The negations of every level's terms, level after level.
    clauses: Vec<&'a Clause>,
    /// Where the clauses of each level start.
    ends: Vec<usize>,
    budget: Budget,
}

impl Scan<'_> {
    /// "`financial` 2, `operations` 1 and `criminal_activity` false".
    fn items(&self, values: &[(usize, usize)]) -> String {
        let words: Vec<String> = values
            .iter()
            .map(|(v, x)| self.space.describe(self.cx, *v, *x))
            .collect();
        join(&words, "and")
    }

    /// IMP1006: an incident that meets the criteria of no level.
    fn gap(&mut self, out: &mut Vec<Diagnostic>) -> Result<(), Skip> {
        let (cx, space) = (self.cx, self.space);
        let full = space.full.clone();
        let Some(dom) = solve(space, &self.clauses, full, &mut self.budget)? else {
            return Ok(());
        };
        let witness = shortest(space, &self.clauses, &dom, &mut self.budget)?;
        let name = cx.name(self.s.id);
        let message = if witness.is_empty() {
            format!("no incident matches any level of `{name}`")
        } else {
            format!(
                "an incident with {} matches no level of `{name}`",
                self.items(&witness)
            )
        };
        out.push(
            cx.at(Code::CriteriaGap, self.s.id, message)
                .label("no level takes it")
                .help(
                    "add a least severe level without `when`, which takes every incident the \
                     others leave, or widen the criteria so that every incident meets those of \
                     some level",
                ),
        );
        Ok(())
    }

    /// The incidents a term of `a` and a term of `b` have in common, for the first two that
    /// meet.
    fn meeting(&mut self, a: &Dnf, b: &Dnf) -> Result<Option<Vec<u64>>, Skip> {
        let space = self.space;
        for x in a.terms(space) {
            for y in b.terms(space) {
                if space.meet(x, y, &mut self.budget)? {
                    return Ok(Some(x.iter().zip(y).map(|(a, b)| a & b).collect()));
                }
            }
        }
        Ok(None)
    }

    /// IMP1007: on a scale without `if_unsure`, an incident that meets the criteria of two
    /// levels; for each level, the first more severe one it overlaps.
    fn overlaps(&mut self, out: &mut Vec<Diagnostic>) -> Result<(), Skip> {
        let (cx, space, s) = (self.cx, self.space, self.s);
        for (j, dj) in self.dnfs.iter().enumerate() {
            let Some(dj) = dj else { continue };
            for (i, di) in self.dnfs[..j].iter().enumerate() {
                // Every pair is paid for, even one with no terms to compare.
                self.budget.spend(1)?;
                let Some(di) = di else { continue };
                let Some(both) = self.meeting(di, dj)? else {
                    continue;
                };
                let values: Vec<(usize, usize)> = (0..space.vars.len())
                    .filter(|v| !space.free(&both, *v))
                    .filter_map(|v| Some((v, space.smallest(&both, v)?)))
                    .collect();
                let (hi, lo) = (&s.levels[i], &s.levels[j]);
                let (Some(wh), Some(wl)) = (&hi.when, &lo.when) else {
                    continue;
                };
                let (a, b) = (cx.name(hi.id), cx.name(lo.id));
                let who = if values.is_empty() {
                    "every incident".to_string()
                } else {
                    format!("an incident with {}", self.items(&values))
                };
                out.push(
                    Diagnostic::new(
                        Code::CriteriaOverlap,
                        wl.cond.span,
                        format!("{who} matches both `{a}` and `{b}`"),
                    )
                    .label(format!("`{b}` takes it"))
                    .with_secondary(wh.cond.span, format!("`{a}` takes it too"))
                    .help(
                        "make the criteria exclusive (`==` rather than `>=` on the less severe \
                         level), or say which level applies with `if_unsure higher` on the scale",
                    ),
                );
                break;
            }
        }
        Ok(())
    }

    /// IMP1008: a level that no incident reaches, every one that meets its criteria meeting
    /// those of a more severe level first.
    fn shadowed(&mut self, out: &mut Vec<Diagnostic>) -> Result<(), Skip> {
        let (cx, space, s) = (self.cx, self.space, self.s);
        for (j, dj) in self.dnfs.iter().enumerate() {
            let above = &self.clauses[..self.ends[j]];
            let l = &s.levels[j];
            let name = cx.name(l.id);
            let reached = match dj {
                Some(d) if d.n == 0 => {
                    out.push(
                        cx.at(
                            Code::LevelShadowed,
                            l.id,
                            format!("no incident meets the criteria of `{name}`"),
                        )
                        .label("its criteria contradict themselves")
                        .help("correct the criteria: as written, no incident can meet them"),
                    );
                    continue;
                }
                Some(d) => {
                    let mut any = false;
                    for t in d.terms(space) {
                        if solve(space, above, t.to_vec(), &mut self.budget)?.is_some() {
                            any = true;
                            break;
                        }
                    }
                    any
                }
                None => solve(space, above, space.full.clone(), &mut self.budget)?.is_some(),
            };
            if reached {
                continue;
            }
            let message = match dj {
                Some(_) => format!(
                    "no incident reaches `{name}`: every incident that meets its criteria meets \
                     those of a more severe level"
                ),
                None => format!(
                    "no incident reaches `{name}`: every incident meets the criteria of a more \
                     severe level"
                ),
            };
            let mut d = cx
                .at(Code::LevelShadowed, l.id, message)
                .label("never reached")
                .help(
                    "levels are read most severe first: narrow the criteria of the levels \
                     above, give this level criteria of its own, or remove it",
                );
            // The more severe levels that take its incidents (the first three).
            if let Some(dj) = dj {
                let mut shown = 0;
                for (i, di) in self.dnfs[..j].iter().enumerate() {
                    if let Some(di) = di
                        && let Some(w) = &s.levels[i].when
                        && self.meeting(di, dj)?.is_some()
                    {
                        d = d.with_secondary(
                            w.cond.span,
                            format!("`{}` takes them first", cx.name(s.levels[i].id)),
                        );
                        shown += 1;
                        if shown == 3 {
                            break;
                        }
                    }
                }
            }
            out.push(d);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::findings;
    use crate::diagnostics::Code;

    const IMPACTS: &str = "impact financial \"F\" {\n  level 1 \"a\"\n  level 2 \"b\"\n  level 3 \"c\"\n  level 4 \"d\"\n}\n\
        impact operations \"O\" {\n  level 1 \"a\"\n  level 2 \"b\"\n  level 3 \"c\"\n}\n\
        fact criminal_activity \"C\"\n\
        quantity users \"U\" { unit \"users\" }\n\
        impact data \"D\" {\n  choice card \"Card\"\n  choice health \"Health\"\n  multiple\n}\n";

    /// A scale `severity` of the levels given one a line.
    fn scale(head: &str, levels: &str) -> String {
        let levels: String = levels.lines().map(|l| format!("  {l}\n")).collect();
        format!("{IMPACTS}scale severity \"S\" {{\n{head}{levels}}}\n")
    }

    #[test]
    fn an_incident_no_level_takes_is_found() {
        let text = scale(
            "",
            "level sev1 \"1\" { when financial >= 4 or (operations >= 3 and criminal_activity) }\n\
             level sev2 \"2\" { when financial == 3 or operations == 3 }\n\
             level sev3 \"3\" { when financial == 2 and not operations >= 3 }\n",
        );
        assert_eq!(
            findings(Code::CriteriaGap, &text),
            [
                "19: an incident with `financial` 1 and `operations` 1 matches no level of `severity`"
            ]
        );
        // A catch-all least severe level takes the rest.
        let text = scale(
            "",
            "level sev1 \"1\" { when financial >= 3 }\nlevel sev2 \"2\" { when financial == 2 }\nlevel sev3 \"3\"\n",
        );
        assert!(findings(Code::CriteriaGap, &text).is_empty());
        // Complete criteria.
        let text = scale(
            "",
            "level sev1 \"1\" { when financial >= 3 or users > 1000 }\nlevel sev2 \"2\" { when financial <= 2 }\n",
        );
        assert!(findings(Code::CriteriaGap, &text).is_empty());
    }

    #[test]
    fn quantities_choices_and_times_are_in_the_witness() {
        let text = scale(
            "",
            "level sev1 \"1\" { when users > 1000 or data in [card] }\n\
             level sev2 \"2\" { when users > 10 and not acknowledged after 30m }\n",
        );
        assert_eq!(
            findings(Code::CriteriaGap, &text),
            ["19: an incident with `users` 0 and `data` not `card` matches no level of `severity`"]
        );
        let text = scale(
            "",
            "level sev1 \"1\" { when users <= 1000 or data in [card] }\n\
             level sev2 \"2\" { when not acknowledged after 30m }\n",
        );
        assert_eq!(
            findings(Code::CriteriaGap, &text),
            [
                "19: an incident with `users` 1001, `data` not `card` and acknowledged within 30m matches no level of `severity`"
            ]
        );
    }

    #[test]
    fn levels_that_overlap_are_found_without_if_unsure() {
        let levels = "level sev1 \"1\" { when financial >= 4 }\n\
             level sev2 \"2\" { when financial >= 3 and criminal_activity }\n\
             level sev3 \"3\" { when financial == 2 }\nlevel sev4 \"4\"\n";
        assert_eq!(
            findings(Code::CriteriaOverlap, &scale("", levels)),
            [
                "21: an incident with `financial` 4 and `criminal_activity` true matches both `sev1` and `sev2`"
            ]
        );
        assert!(
            findings(
                Code::CriteriaOverlap,
                &scale("  if_unsure higher\n", levels)
            )
            .is_empty()
        );
    }

    #[test]
    fn a_level_that_no_incident_reaches_is_found() {
        let text = scale(
            "  if_unsure higher\n",
            "level sev1 \"1\" { when financial >= 3 or criminal_activity }\n\
             level sev2 \"2\" { when financial >= 4 and operations >= 2 }\n\
             level sev3 \"3\" { when financial >= 2 and financial < 2 }\n\
             level sev4 \"4\" { when financial >= 1 }\n\
             level sev5 \"5\"\n",
        );
        assert_eq!(
            findings(Code::LevelShadowed, &text),
            [
                "22: no incident reaches `sev2`: every incident that meets its criteria meets those of a more severe level",
                "23: no incident meets the criteria of `sev3`",
                "25: no incident reaches `sev5`: every incident meets the criteria of a more severe level",
            ]
        );
    }

    #[test]
    fn named_criteria_are_expanded_and_unknown_parts_silence_the_scale() {
        let criteria = "criteria high \"High\" { when financial >= 3 or users > 1000 }\n\
             criteria wide \"Wide\" { when high and operations >= 2 }\n";
        let text = format!(
            "{criteria}{}",
            scale(
                "",
                "level sev1 \"1\" { when wide }\nlevel sev2 \"2\" { when high and not wide }\nlevel sev3 \"3\" { when not high }\n"
            )
        );
        assert!(findings(Code::CriteriaGap, &text).is_empty());
        assert!(findings(Code::CriteriaOverlap, &text).is_empty());
        assert!(findings(Code::LevelShadowed, &text).is_empty());
        let open = text.replace("when not high", "when tbd");
        assert!(findings(Code::CriteriaGap, &open).is_empty());
        let words = text.replace("when not high", "criteria \"the rest\"");
        assert!(findings(Code::CriteriaGap, &words).is_empty());
        let gap = text.replace("when not high", "when financial == 1");
        assert_eq!(
            findings(Code::CriteriaGap, &gap),
            ["21: an incident with `financial` 2 and `users` 0 matches no level of `severity`"]
        );
    }

    #[test]
    fn categories_and_other_scales_are_variables() {
        let text = format!(
            "category malware \"M\" {{\n  category ransomware \"R\"\n}}\ncategory phishing \"P\"\n\
             scale priority \"P\" {{ level p1 \"1\"; level p2 \"2\"; level p3 \"3\" }}\n{}",
            scale(
                "",
                "level sev1 \"1\" { when category in [malware] or priority >= p1 }\n\
                 level sev2 \"2\" { when category in [phishing] and priority == p2 }\n",
            )
        );
        assert_eq!(
            findings(Code::CriteriaGap, &text),
            [
                "24: an incident with category `phishing` and `priority` `p3` matches no level of `severity`"
            ]
        );
    }

    /// 30 impacts of 4 levels `i0`..`i29`, and a scale of 200 levels: level `k` asks
    /// `i{k % 30} >= T and (i{k + 1} >= 2 or i{k + 7} <= 3)`, with `T` 4 for the first 60
    /// levels, 3 for the next 60, then 2; so each block of 30 levels after the first repeats
    /// the one before it. Level 180 asks `last` instead.
    fn large(head: &str, last: &str) -> String {
        let mut t = String::new();
        for i in 0..30 {
            t.push_str(&format!(
                "impact i{i} \"I\" {{\n  level 1 \"a\"\n  level 2 \"b\"\n  level 3 \"c\"\n  level 4 \"d\"\n}}\n"
            ));
        }
        t.push_str(&format!("scale big \"Big\" {{\n{head}"));
        for k in 0..200 {
            let cond = if k == 180 {
                last.to_string()
            } else {
                format!(
                    "i{} >= {} and (i{} >= 2 or i{} <= 3)",
                    k % 30,
                    if k < 180 { 4 - k / 60 } else { 2 },
                    (k + 1) % 30,
                    (k + 7) % 30
                )
            };
            t.push_str(&format!("  level l{k} \"L\" {{ when {cond} }}\n"));
        }
        t.push_str("}\n");
        t
    }

    #[test]
    fn a_large_scale_is_checked_without_enumerating_incidents() {
        let text = large("  if_unsure higher\n", "i0 >= 1");
        let shadowed = findings(Code::LevelShadowed, &text);
        // Every level is reached but the repeats, and those after the catch-all.
        let want: Vec<usize> = (30..60)
            .chain(90..120)
            .chain(150..180)
            .chain(181..200)
            .collect();
        let got: Vec<usize> = shadowed
            .iter()
            .map(|f| {
                f.split('`')
                    .nth(1)
                    .and_then(|n| n.strip_prefix('l'))
                    .and_then(|n| n.parse().ok())
                    .expect("a level's name")
            })
            .collect();
        assert_eq!(got, want);
        assert!(findings(Code::CriteriaGap, &text).is_empty());
        // Without a catch-all, an incident at level 1 everywhere is taken by none.
        let text = large("  if_unsure higher\n", "i0 >= 4 and i1 >= 4");
        let gap = findings(Code::CriteriaGap, &text);
        assert_eq!(gap.len(), 1);
        assert!(
            gap[0].contains("an incident with `i0` 1, `i1` 1, `i7` 1, `i2` 1"),
            "{gap:?}"
        );
        // Without `if_unsure`: every level overlaps a more severe one but the first.
        let text = large("", "i0 >= 1");
        assert_eq!(findings(Code::CriteriaOverlap, &text).len(), 199);
    }
}
