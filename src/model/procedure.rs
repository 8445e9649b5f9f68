//! Procedures: a graph of steps. A step is its common part plus one body per kind. A
//! procedure that `extends` another keeps its own steps and its `override`s; the steps it
//! runs, its base's (overridden where it says) and then its own, are worked out on demand by
//! [`Model::effective_steps`](super::Model::effective_steps), so that a long chain of
//! procedures costs no more than the steps written.

use serde::Serialize;

use super::{Map, Set};

use super::ids::*;
use super::refs::*;
use super::value::*;
use super::vocab::StepKind;
use crate::source::Span;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Procedure {
    pub id: DeclId,
    pub owner: Option<Prop<Ref<Holder>>>,
    pub version: Option<Prop<Text>>,
    pub effective: Option<Prop<Date>>,
    pub next_review: Option<Prop<Date>>,
    /// Related procedures ("see also").
    pub see_also: Vec<Prop<List<Ref<ProcedureId>>>>,
    pub phase: Option<Prop<List<Spanned<super::vocab::Phase>>>>,
    /// The lifecycle whose phases it follows.
    pub lifecycle: Option<Prop<super::decls::LifecycleRef>>,
    /// With a lifecycle, the phases of it the procedure serves (`phase` then names them).
    pub lifecycle_phases: Option<Prop<List<Tag>>>,
    /// Its `during` blocks: the steps of one phase each.
    pub stages: Vec<Stage>,
    /// The base procedure. Resolution leaves no cycle: in a cycle of `extends` (reported),
    /// the one that closes it has no target.
    pub extends: Option<Prop<Ref<ProcedureId>>>,
    pub start: Option<Prop<Ref<StepId>>>,
    pub purpose: Option<Prop<Text>>,
    /// The steps written in this procedure, in order.
    pub steps: Vec<Step>,
    /// Changes to steps of the base procedure.
    pub overrides: Vec<Override>,
}

/// `during containment { owner isirt; action .. }`: the steps of one phase, with its owner.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Stage {
    /// The `during` key word.
    pub key: Span,
    /// The phase, a word of the procedure's lifecycle.
    pub phase: Tag,
    pub owner: Option<Prop<Ref<Holder>>>,
    /// Its steps: positions in the procedure's `steps`.
    pub steps: Vec<u32>,
    pub span: Span,
}

/// What every kind of step may have.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct StepCommon {
    pub owner: Option<Prop<Ref<Holder>>>,
    /// The time limit, from the step's start (boxed: a time limit is large, and most steps of
    /// a large policy have none).
    pub within: Option<Box<Prop<Within>>>,
    pub next: Option<Prop<List<Ref<StepId>>>>,
    pub text: Option<Prop<Text>>,
    pub precondition: Option<Prop<Text>>,
    pub approved_by: Option<Prop<Quorum<Holder>>>,
    /// Authorities the owner must hold.
    pub needs: Option<Prop<List<Tag>>>,
    /// The form the step fills in.
    pub form: Option<Prop<Ref<FormId>>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub id: DeclId,
    pub common: StepCommon,
    pub body: StepBody,
}

impl Step {
    pub fn kind(&self) -> StepKind {
        self.body.kind()
    }

    /// The options of a decision (none for other kinds).
    pub fn options(&self) -> &[DecisionOption] {
        match &self.body {
            StepBody::Decision { options, .. } => options,
            _ => &[],
        }
    }
}

/// What a step of each kind has beside the common part.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StepBody {
    Action,
    Decision {
        decided_by: Option<Prop<Ref<Holder>>>,
        options: Vec<DecisionOption>,
    },
    Parallel {
        branches: Option<Prop<List<Ref<StepId>>>>,
    },
    Notify {
        to: Option<Prop<List<Member<Party>>>>,
        obligation: Option<Prop<Ref<ObligationId>>>,
    },
    Escalate {
        path: Option<Prop<Ref<EscalationId>>>,
        to: Option<Prop<List<Ref<Responder>>>>,
    },
    Collect {
        items: Option<Prop<List<Text>>>,
    },
    Run {
        procedure: Option<Prop<Ref<ProcedureId>>>,
    },
    End {
        /// Leads to the post-incident review.
        review: Option<Flag>,
        outcome: Option<Prop<Text>>,
    },
}

impl StepBody {
    pub fn kind(&self) -> StepKind {
        match self {
            StepBody::Action => StepKind::Action,
            StepBody::Decision { .. } => StepKind::Decision,
            StepBody::Parallel { .. } => StepKind::Parallel,
            StepBody::Notify { .. } => StepKind::Notify,
            StepBody::Escalate { .. } => StepKind::Escalate,
            StepBody::Collect { .. } => StepKind::Collect,
            StepBody::Run { .. } => StepKind::Run,
            StepBody::End { .. } => StepKind::End,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionOption {
    pub id: DeclId,
    pub when: Option<When>,
    pub next: Option<Prop<List<Ref<StepId>>>>,
}

/// `override STEP { .. }`: properties that replace those of a base step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Override {
    pub id: DeclId,
    /// The base step it changes.
    pub step: Ref<StepId>,
    pub common: StepCommon,
    pub decided_by: Option<Prop<Ref<Holder>>>,
    pub branches: Option<Prop<List<Ref<StepId>>>>,
    pub to: Option<Prop<List<Member<Party>>>>,
    pub obligation: Option<Prop<Ref<ObligationId>>>,
    pub path: Option<Prop<Ref<EscalationId>>>,
    pub items: Option<Prop<List<Text>>>,
    pub procedure: Option<Prop<Ref<ProcedureId>>>,
    pub review: Option<Flag>,
    pub outcome: Option<Prop<Text>>,
    pub options: Vec<DecisionOption>,
    /// `add next [x]`, `remove to [ciso]`: changes to the base step's lists, in order.
    pub edits: Vec<Prop<ListEdit>>,
}

/// `add next [notify_legal]` or `remove to [ciso]` in an override.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ListEdit {
    /// Added (`add`) or removed (`remove`).
    pub add: bool,
    /// The property's key word.
    pub key: Span,
    pub values: EditValues,
    pub span: Span,
}

impl crate::source::HasSpan for ListEdit {
    fn span(&self) -> Span {
        self.span
    }
}

/// The values a [`ListEdit`] adds or removes, by the property.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "property", content = "values", rename_all = "snake_case")]
pub enum EditValues {
    Next(List<Ref<StepId>>),
    Branches(List<Ref<StepId>>),
    To(List<Member<Party>>),
    Needs(List<Tag>),
    Items(List<Text>),
}

/// Where a step of a procedure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Written in the procedure.
    Own,
    /// Written in a base procedure, unchanged.
    Inherited,
    /// Written in a base procedure, changed by overrides.
    Overridden,
}

/// A step a procedure runs: the step as written (in it or a base), and the overrides that
/// change it, from the outermost base's to the procedure's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EffectiveStep {
    pub step: StepId,
    pub overrides: Vec<OverrideId>,
    pub origin: Origin,
}

/// Where a step goes when it is done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "steps", rename_all = "snake_case")]
pub enum Next {
    /// Its `next` (for a decision, its options' `next`s; for a parallel step, its branches
    /// and then its `next`).
    Written(Vec<StepId>),
    /// No `next`: it continues with the step written after it.
    FallsThrough(StepId),
    /// It ends the procedure: an `end` step, a branch of a parallel step without `next`,
    /// or the last step written without `next`.
    Ends,
}

impl super::Model {
    /// Where each step written in a procedure goes when it is done (in the order of
    /// `steps`): its `next`, or the step written after it. An `end` step, a decision (its
    /// options say where they lead) and a step that is a branch of a parallel step never fall
    /// through. Linear in the steps.
    pub fn flow(&self, id: ProcedureId) -> Vec<Next> {
        let proc = &self[id];
        let targets = |l: &Option<Prop<List<Ref<StepId>>>>| -> Vec<StepId> {
            l.iter()
                .flat_map(|p| p.value.items.iter().filter_map(|r| r.target))
                .collect()
        };
        let branches: Set<StepId> = proc
            .steps
            .iter()
            .flat_map(|s| match &s.body {
                StepBody::Parallel { branches } => targets(branches),
                _ => Vec::new(),
            })
            .collect();
        let n = proc.steps.len();
        proc.steps
            .iter()
            .enumerate()
            .map(|(i, step)| {
                let me = StepId {
                    procedure: id,
                    index: i as u32,
                };
                match &step.body {
                    StepBody::End { .. } => Next::Ends,
                    StepBody::Decision { options, .. } => {
                        let mut out = targets(&step.common.next);
                        for o in options {
                            out.extend(targets(&o.next));
                        }
                        Next::Written(out)
                    }
                    _ if step.common.next.is_some() => Next::Written(targets(&step.common.next)),
                    _ if branches.contains(&me) || i + 1 >= n => Next::Ends,
                    _ => Next::FallsThrough(StepId {
                        procedure: id,
                        index: i as u32 + 1,
                    }),
                }
            })
            .collect()
    }

    /// The steps a procedure runs, in order: its base's (with overrides merged in), then
    /// its own. Linear in the length of the chain and the steps on it.
    pub fn effective_steps(&self, id: ProcedureId) -> Vec<EffectiveStep> {
        // The chain from the outermost base down to `id`.
        let mut chain = vec![id];
        let mut seen = Set::from_iter([id]);
        while let Some(base) = self[*chain.last().unwrap_or(&id)]
            .extends
            .as_ref()
            .and_then(|e| e.value.target)
        {
            if !seen.insert(base) {
                break;
            }
            chain.push(base);
        }
        chain.reverse();
        let mut out: Vec<EffectiveStep> = Vec::new();
        let mut at: Map<StepId, usize> = Map::default();
        for &p in &chain {
            let proc = &self[p];
            for (i, o) in proc.overrides.iter().enumerate() {
                if let Some(&k) = o.step.target.as_ref().and_then(|s| at.get(s)) {
                    out[k].overrides.push(OverrideId {
                        procedure: p,
                        index: i as u32,
                    });
                }
            }
            for i in 0..proc.steps.len() {
                let step = StepId {
                    procedure: p,
                    index: i as u32,
                };
                at.insert(step, out.len());
                out.push(EffectiveStep {
                    step,
                    overrides: Vec::new(),
                    origin: Origin::Own,
                });
            }
        }
        for e in &mut out {
            e.origin = if e.step.procedure == id {
                Origin::Own
            } else if e.overrides.is_empty() {
                Origin::Inherited
            } else {
                Origin::Overridden
            };
        }
        out
    }
}
