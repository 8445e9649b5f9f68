//! An incident, as far as it is known, and whether a `when` condition holds for it.
//!
//! The truth of a condition has three values and a time: it holds from some moment of the
//! incident on (`Holds(t)`, seconds after the incident was reported), it does not hold, or it
//! cannot be known from what is known of the incident. Timers (`not acknowledged after 30m`,
//! `not under_control after 4h`) hold from their time on, in the worst case: nobody has
//! acknowledged, the incident is not under control. What cannot be known never counts as
//! holding: a check over "every incident of this level" is then sound whatever the category
//! or the facts of the incident.

use crate::model::{
    CategoryId, CmpOp, Condition, ConditionKind, FactId, ImpactId, LevelId, Model, Set, When,
};

/// What is known of an incident.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Incident {
    /// Its level, on one scale.
    pub level: Option<LevelId>,
    /// Its category (its parents count too: an incident of `ransomware` is one of `malware`).
    pub category: Option<CategoryId>,
    /// The facts and judgements that hold.
    pub facts: Set<FactId>,
    /// Whether the facts not in `facts` are known not to hold (a simulated incident), or
    /// unknown (a check over every incident of a level).
    pub facts_complete: bool,
    /// Its level on impact categories, where known (a simulated incident): `financial >= 3`
    /// compares with it; an impact not listed is unknown.
    pub impacts: Vec<(ImpactId, u32)>,
}

/// Whether a condition holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truth {
    /// It holds from this many seconds after the report on (0: from the start).
    Holds(u64),
    /// It does not hold.
    Fails,
    /// It cannot be known.
    Unknown,
}

impl Truth {
    /// From when it holds, if it certainly does.
    pub fn from(self) -> Option<u64> {
        match self {
            Truth::Holds(t) => Some(t),
            _ => None,
        }
    }
}

impl Incident {
    /// An incident of a level, its category and facts unknown.
    pub fn of_level(level: LevelId) -> Incident {
        Incident {
            level: Some(level),
            ..Incident::default()
        }
    }

    /// Whether a property's `when` holds; a property without one always applies.
    pub fn when(&self, model: &Model, when: Option<&When>) -> Truth {
        match when {
            None => Truth::Holds(0),
            Some(w) => self.holds(model, &w.cond),
        }
    }

    /// Whether a condition holds. Conditions are as deep as their parentheses and `not`s,
    /// which reading bounds, so the recursion is bounded.
    pub fn holds(&self, model: &Model, c: &Condition) -> Truth {
        self.holds_in(model, c, 0)
    }

    /// `depth` counts the named criteria followed, so that criteria naming each other (a
    /// cycle, reported by resolution) end as unknown.
    fn holds_in(&self, model: &Model, c: &Condition, depth: u32) -> Truth {
        match &c.kind {
            ConditionKind::Any { terms } => {
                let mut best: Option<u64> = None;
                let mut unknown = false;
                for t in terms {
                    match self.holds_in(model, t, depth) {
                        Truth::Holds(at) => best = Some(best.map_or(at, |b| b.min(at))),
                        Truth::Unknown => unknown = true,
                        Truth::Fails => {}
                    }
                }
                match best {
                    Some(at) => Truth::Holds(at),
                    None if unknown => Truth::Unknown,
                    None => Truth::Fails,
                }
            }
            ConditionKind::All { terms } => {
                let mut latest = 0;
                let mut unknown = false;
                for t in terms {
                    match self.holds_in(model, t, depth) {
                        Truth::Holds(at) => latest = latest.max(at),
                        Truth::Unknown => unknown = true,
                        Truth::Fails => return Truth::Fails,
                    }
                }
                if unknown {
                    Truth::Unknown
                } else {
                    Truth::Holds(latest)
                }
            }
            ConditionKind::Not { inner } => match self.holds_in(model, inner, depth) {
                Truth::Holds(0) => Truth::Fails,
                Truth::Fails => Truth::Holds(0),
                // `not` of a timer: it holds until the time, which the worst case cannot use.
                Truth::Holds(_) | Truth::Unknown => Truth::Unknown,
            },
            ConditionKind::Level { scale, op, level } => {
                let (Some(mine), Some(_), Some(theirs)) = (self.level, scale.target, level.target)
                else {
                    return Truth::Unknown;
                };
                if mine.scale != theirs.scale {
                    return Truth::Unknown;
                }
                // Levels are listed most severe first: `>=` is "at least as severe as".
                let (a, b) = (mine.index, theirs.index);
                let yes = match op.value {
                    CmpOp::Ge => a <= b,
                    CmpOp::Gt => a < b,
                    CmpOp::Le => a >= b,
                    CmpOp::Lt => a > b,
                    CmpOp::Eq => a == b,
                    CmpOp::Ne => a != b,
                };
                if yes { Truth::Holds(0) } else { Truth::Fails }
            }
            ConditionKind::Category { categories } => {
                let Some(mine) = self.category else {
                    return Truth::Unknown;
                };
                let wanted: Vec<CategoryId> =
                    categories.items.iter().filter_map(|r| r.target).collect();
                if wanted.len() < categories.items.len() {
                    return Truth::Unknown;
                }
                // The category or one of its parents; the chain is walked without recursion.
                let mut at = Some(mine);
                let mut steps = 0usize;
                while let Some(c) = at {
                    if wanted.contains(&c) {
                        return Truth::Holds(0);
                    }
                    at = model
                        .categories
                        .get(c.0 as usize)
                        .and_then(|x| x.parent.map(|p| p.value));
                    steps += 1;
                    if steps > model.categories.len() {
                        break;
                    }
                }
                Truth::Fails
            }
            ConditionKind::Fact { fact } => match fact.target {
                Some(f) if self.facts.contains(&f) => Truth::Holds(0),
                Some(_) if self.facts_complete => Truth::Fails,
                _ => Truth::Unknown,
            },
            ConditionKind::NotAcknowledged { after } | ConditionKind::NotUnderControl { after } => {
                match after.fixed_seconds() {
                    Some(s) => Truth::Holds(s),
                    None => Truth::Unknown,
                }
            }
            ConditionKind::Impact { impact, op, level } => {
                let Some(id) = impact.target else {
                    return Truth::Unknown;
                };
                let Some(&(_, mine)) = self.impacts.iter().find(|(i, _)| *i == id) else {
                    return Truth::Unknown;
                };
                let b = level.value;
                let yes = match op.value {
                    CmpOp::Ge => mine >= b,
                    CmpOp::Gt => mine > b,
                    CmpOp::Le => mine <= b,
                    CmpOp::Lt => mine < b,
                    CmpOp::Eq => mine == b,
                    CmpOp::Ne => mine != b,
                };
                if yes { Truth::Holds(0) } else { Truth::Fails }
            }
            ConditionKind::Criteria { criteria } => match criteria.target {
                Some(id) if depth < 32 => match &model[id].when {
                    Some(w) => self.holds_in(model, &w.cond, depth + 1),
                    None => Truth::Unknown,
                },
                _ => Truth::Unknown,
            },
            _ => Truth::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(text: &str) -> Model {
        let a = crate::check::check_sources(
            &[("test.imp", text)],
            crate::check::Options::reading_only(),
        );
        a.model
    }

    const SCALE: &str = "scale severity \"S\" {\n  level sev1 \"A\" {}\n  level sev2 \"B\" {}\n  level sev3 \"C\" {}\n}\n";

    fn hop_truth(cond: &str, incident: &Incident, extra: &str) -> Truth {
        let text = format!(
            "{SCALE}{extra}role a \"A\" {{}}\nrole b \"B\" {{}}\nescalation e \"E\" {{\n  hop a -> b within 5m when {cond}\n}}\n"
        );
        let m = model(&text);
        let hop = &m.escalations[0].hops[0];
        incident.when(&m, hop.when.as_ref())
    }

    fn level(i: u32) -> Incident {
        Incident::of_level(LevelId {
            scale: crate::model::ScaleId(0),
            index: i,
        })
    }

    #[test]
    fn levels_compare_by_severity_most_severe_first() {
        assert_eq!(
            hop_truth("severity >= sev2", &level(0), ""),
            Truth::Holds(0)
        );
        assert_eq!(
            hop_truth("severity >= sev2", &level(1), ""),
            Truth::Holds(0)
        );
        assert_eq!(hop_truth("severity >= sev2", &level(2), ""), Truth::Fails);
        assert_eq!(hop_truth("severity < sev2", &level(2), ""), Truth::Holds(0));
    }

    #[test]
    fn timers_hold_from_their_time_and_unknowns_never_count() {
        let sev3 = level(2);
        assert_eq!(
            hop_truth("severity >= sev2 or not acknowledged after 30m", &sev3, ""),
            Truth::Holds(1800)
        );
        assert_eq!(
            hop_truth(
                "severity >= sev2 and not under_control after 4h",
                &level(0),
                ""
            ),
            Truth::Holds(4 * 3600)
        );
        let cats = "category malware \"M\" {\n  category ransomware \"R\" {}\n}\ncategory phishing \"P\" {}\n";
        // The category is unknown: the hop does not certainly apply.
        assert_eq!(
            hop_truth("category in [malware]", &sev3, cats),
            Truth::Unknown
        );
        let mut i = level(2);
        i.category = Some(CategoryId(1));
        assert_eq!(
            hop_truth("category in [malware]", &i, cats),
            Truth::Holds(0)
        );
        i.category = Some(CategoryId(2));
        assert_eq!(hop_truth("category in [malware]", &i, cats), Truth::Fails);
        assert_eq!(
            hop_truth("not category in [malware]", &i, cats),
            Truth::Holds(0)
        );
        // `not` of a timer cannot be used by the worst case.
        assert_eq!(
            hop_truth("not (not acknowledged after 30m)", &i, cats),
            Truth::Unknown
        );
    }

    #[test]
    fn impacts_and_criteria_hold_when_the_incident_gives_its_levels() {
        let extra = "impact financial \"F\" {\n  level 1 \"low\"\n  level 2 \"mid\"\n  level 3 \"high\"\n}\ncriteria big \"Big\" { when financial >= 3 }\n";
        let mut i = level(0);
        assert_eq!(hop_truth("financial >= 2", &i, extra), Truth::Unknown);
        assert_eq!(hop_truth("big", &i, extra), Truth::Unknown);
        i.impacts.push((ImpactId(0), 2));
        assert_eq!(hop_truth("financial >= 2", &i, extra), Truth::Holds(0));
        assert_eq!(hop_truth("big", &i, extra), Truth::Fails);
        i.impacts[0].1 = 3;
        assert_eq!(hop_truth("big", &i, extra), Truth::Holds(0));
    }

    #[test]
    fn facts_are_unknown_unless_the_incident_is_complete() {
        let facts = "fact criminal \"Criminal activity\"\n";
        let mut i = level(0);
        assert_eq!(hop_truth("criminal", &i, facts), Truth::Unknown);
        i.facts_complete = true;
        assert_eq!(hop_truth("criminal", &i, facts), Truth::Fails);
        i.facts.insert(FactId(0));
        assert_eq!(hop_truth("criminal", &i, facts), Truth::Holds(0));
    }
}
