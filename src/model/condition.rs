//! Conditions, resolved: impacts compare with their declared levels, scales with their own
//! levels, `category in [..]` names categories, incident events carry a duration. `and` and
//! `or` chains are flat, so a condition is no deeper than what was written in parentheses
//! and `not`s, both bounded.

use serde::Serialize;

use super::ids::{CategoryId, CriteriaId, FactId, ImpactId, LevelId, QuantityId, ScaleId};
use super::refs::Ref;
use super::value::{Duration, List, Spanned};
use crate::source::{HasSpan, Span};
pub use crate::syntax::tree::CmpOp;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Condition {
    pub span: Span,
    pub kind: ConditionKind,
}

impl HasSpan for Condition {
    fn span(&self) -> Span {
        self.span
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ConditionKind {
    /// `a or b or ...`: holds when one of them does.
    Any { terms: Vec<Condition> },
    /// `a and b and ...`: holds when all of them do.
    All { terms: Vec<Condition> },
    /// `not a`.
    Not { inner: Box<Condition> },
    /// `financial >= 3`: the incident's level on an impact compared with a number.
    Impact {
        impact: Ref<ImpactId>,
        op: Spanned<CmpOp>,
        level: Spanned<u32>,
    },
    /// `severity >= sev2`: "at least as severe as".
    Level {
        scale: Ref<ScaleId>,
        op: Spanned<CmpOp>,
        level: Ref<LevelId>,
    },
    /// `systems in [payroll, crm]`: one of the choices of an unordered impact applies
    /// (`systems == payroll` is the same with one).
    Choice {
        impact: Ref<ImpactId>,
        /// Positions in the impact's choices.
        choices: List<Spanned<u32>>,
    },
    /// `users_affected > 1000`.
    Quantity {
        quantity: Ref<QuantityId>,
        op: Spanned<CmpOp>,
        value: Spanned<u64>,
    },
    /// `criminal_activity`: a declared fact or judgement holds.
    Fact { fact: Ref<FactId> },
    /// `high_impact`: named criteria hold.
    Criteria { criteria: Ref<CriteriaId> },
    /// `tbd`: the condition is not stated yet.
    Open,
    /// `SUBJECT in [..]` for a subject other than `category`, before resolution.
    Member { subject: Span, items: List<Span> },
    /// `category in [ransomware]`: the categories and their subtrees.
    Category { categories: List<Ref<CategoryId>> },
    /// `not acknowledged after 30m`.
    NotAcknowledged { after: Duration },
    /// `not under_control after 4h`.
    NotUnderControl { after: Duration },
    /// `deadline within 4h`: a deadline of an obligation in force falls due within D.
    DeadlineWithin { within: Duration },
    /// `SUBJECT OP VALUE` before its subject is known: only between lowering and resolution,
    /// which turns it into `Impact`, `Level` or `Invalid`.
    Compare {
        subject: Span,
        op: Spanned<CmpOp>,
        value: Span,
    },
    /// A bare word before resolution, which reports it and makes it `Invalid`.
    Word { word: Span },
    /// A part that could not be understood (reported): neither true nor false.
    Invalid,
}

impl Condition {
    /// Every node of the condition, in pre-order, without recursion.
    pub fn walk(&self) -> impl Iterator<Item = &Condition> {
        let mut stack = vec![self];
        std::iter::from_fn(move || {
            let c = stack.pop()?;
            match &c.kind {
                ConditionKind::Any { terms } | ConditionKind::All { terms } => {
                    stack.extend(terms.iter().rev());
                }
                ConditionKind::Not { inner } => stack.push(inner),
                _ => {}
            }
            Some(c)
        })
    }
}
