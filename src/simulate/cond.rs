//! Whether a condition holds for a simulated incident, and from when: a three-valued reading
//! in which `not acknowledged after 30m` holds from 30 minutes on (nobody acknowledges: the
//! worst case), a fact not stated does not hold, and an impact not given is unknown.

use super::Incident;
use crate::model::{CmpOp, Condition, ConditionKind, Model};

/// What a condition says of an incident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Truth {
    /// It holds from this many seconds after the incident starts.
    From(i64),
    /// It does not hold.
    No,
    /// The incident does not say (an impact not given, a condition not stated).
    Unknown,
}

fn cmp(op: CmpOp, a: i64, b: i64) -> bool {
    match op {
        CmpOp::Ge => a >= b,
        CmpOp::Gt => a > b,
        CmpOp::Le => a <= b,
        CmpOp::Lt => a < b,
        CmpOp::Eq => a == b,
        CmpOp::Ne => a != b,
    }
}

fn yes(b: bool) -> Truth {
    if b { Truth::From(0) } else { Truth::No }
}

/// The truth of a condition for an incident. Named criteria are followed to a bounded depth
/// (a cycle of criteria is reported by the checks, and is unknown here).
pub fn eval(m: &Model, inc: &Incident, c: &Condition) -> Truth {
    eval_depth(m, inc, c, 0)
}

fn eval_depth(m: &Model, inc: &Incident, c: &Condition, depth: u32) -> Truth {
    if depth > 32 {
        return Truth::Unknown;
    }
    match &c.kind {
        ConditionKind::Any { terms } => {
            let mut unknown = false;
            let mut best: Option<i64> = None;
            for t in terms {
                match eval_depth(m, inc, t, depth + 1) {
                    Truth::From(s) => best = Some(best.map_or(s, |b| b.min(s))),
                    Truth::Unknown => unknown = true,
                    Truth::No => {}
                }
            }
            match best {
                Some(0) => Truth::From(0),
                // A later time, but an unknown term could make it hold at once.
                Some(_) if unknown => Truth::Unknown,
                Some(s) => Truth::From(s),
                None if unknown => Truth::Unknown,
                None => Truth::No,
            }
        }
        ConditionKind::All { terms } => {
            let mut unknown = false;
            let mut from = 0;
            for t in terms {
                match eval_depth(m, inc, t, depth + 1) {
                    Truth::From(s) => from = from.max(s),
                    Truth::Unknown => unknown = true,
                    Truth::No => return Truth::No,
                }
            }
            if unknown {
                Truth::Unknown
            } else {
                Truth::From(from)
            }
        }
        ConditionKind::Not { inner } => match eval_depth(m, inc, inner, depth + 1) {
            Truth::From(0) => Truth::No,
            Truth::No => Truth::From(0),
            _ => Truth::Unknown,
        },
        ConditionKind::Impact { impact, op, level } => {
            let Some(id) = impact.target else {
                return Truth::Unknown;
            };
            match inc.impacts.iter().find(|(i, _)| *i == id) {
                Some((_, v)) => yes(cmp(op.value, i64::from(*v), i64::from(level.value))),
                None => Truth::Unknown,
            }
        }
        ConditionKind::Level { scale, op, level } => {
            let (Some(s), Some(l)) = (scale.target, level.target) else {
                return Truth::Unknown;
            };
            if s != inc.level.scale {
                return Truth::Unknown;
            }
            // Index 0 is the most severe: "at least as severe" is "an index at most".
            let sev = |i: u32| -i64::from(i);
            yes(cmp(op.value, sev(inc.level.index), sev(l.index)))
        }
        ConditionKind::Fact { fact } => match fact.target {
            Some(f) => yes(inc.facts.contains(&f)),
            None => Truth::Unknown,
        },
        ConditionKind::Criteria { criteria } => match criteria.target {
            Some(id) => match &m[id].when {
                Some(w) => eval_depth(m, inc, &w.cond, depth + 1),
                None => Truth::Unknown,
            },
            None => Truth::Unknown,
        },
        ConditionKind::Category { categories } => {
            let Some(mut cat) = inc.category else {
                return Truth::Unknown;
            };
            let wanted: Vec<_> = categories.iter().filter_map(|r| r.target).collect();
            // The incident's category or one of its parents, bounded by the tree's size.
            for _ in 0..=m.categories.len() {
                if wanted.contains(&cat) {
                    return Truth::From(0);
                }
                match m[cat].parent {
                    Some(p) => cat = p.value,
                    None => break,
                }
            }
            Truth::No
        }
        ConditionKind::NotAcknowledged { after } | ConditionKind::NotUnderControl { after } => {
            match after.fixed_seconds() {
                Some(s) => Truth::From(i64::try_from(s).unwrap_or(i64::MAX)),
                None => Truth::Unknown,
            }
        }
        ConditionKind::Choice { .. }
        | ConditionKind::Quantity { .. }
        | ConditionKind::DeadlineWithin { .. }
        | ConditionKind::Open
        | ConditionKind::Member { .. }
        | ConditionKind::Compare { .. }
        | ConditionKind::Word { .. }
        | ConditionKind::Invalid => Truth::Unknown,
    }
}
