//! Lowering of procedures: their own steps (one body per kind), options and overrides.
//! Which steps a procedure has through `extends`, and what `next` names, is resolution's.

use crate::model::Map;

use super::bag::Bag;
use super::{Lower, Piled};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::ids::DeclId;
use crate::model::procedure::*;
use crate::model::schema::{DeclSpec, Shape};
use crate::model::vocab::StepKind;
use crate::source::Span;
use crate::syntax::tree::Entry;

pub(super) fn procedure(
    cx: &mut Lower<'_>,
    id: DeclId,
    name: Option<Span>,
    bag: &Bag<'_>,
) -> Procedure {
    // Steps are most of a large policy's model: their vector is sized once, to the end.
    let mut steps = Vec::with_capacity(bag.children.len());
    let mut overrides = Vec::new();
    let mut seen_steps = Map::default();
    let mut seen_overrides: Map<&str, Span> = Map::default();
    let extends = cx.prop(bag, "extends", crate::model::lower::Lower::reference);
    let has_extends = bag.has("extends");
    let pname = name.map(|n| cx.text(n).to_string());
    let mut stages: Vec<Stage> = Vec::new();
    // The children in order, those of `during` blocks in place of their block.
    let mut children: Vec<(&'static DeclSpec, &Entry, Option<usize>)> = Vec::new();
    for (spec, e) in &bag.children {
        if spec.keyword == "during" {
            let h = cx.header(spec, e);
            cx.no_rest(spec, h.rest);
            let sbag = cx.bag(spec, e);
            let owner = cx.prop(&sbag, "owner", Lower::reference);
            if let Some(phase) = h.name {
                stages.push(Stage {
                    key: e.key,
                    phase: crate::model::value::Tag { span: phase },
                    owner,
                    steps: Vec::new(),
                    span: e.span,
                });
                let at = stages.len() - 1;
                for (cspec, ce) in &sbag.children {
                    children.push((cspec, ce, Some(at)));
                }
            }
        } else {
            children.push((spec, e, None));
        }
    }
    for (spec, e, stage) in children {
        let h = cx.header(spec, e);
        if spec.keyword == "override" {
            if !has_extends {
                let shown = pname
                    .as_deref()
                    .map_or("this procedure".to_string(), |n| format!("`{n}`"));
                cx.report(
                    Diagnostic::new(
                        Code::OverrideWithoutBase,
                        e.key,
                        format!("{shown} extends no procedure, so there is nothing to override"),
                    )
                    .label("override without a base")
                    .help("add `extends BASE` to the procedure, or declare the step itself"),
                );
            }
            let mut first = true;
            if let Some(n) = h.name {
                let text = cx.text(n);
                if let Some(prev) = seen_overrides.get(text) {
                    cx.report(
                        Diagnostic::new(
                            Code::OverriddenTwice,
                            n,
                            format!("step `{text}` is overridden twice"),
                        )
                        .label("second override")
                        .with_secondary(*prev, "first override")
                        .help("put all the changes to the step in one `override`"),
                    );
                    first = false;
                } else {
                    seen_overrides.insert(text, n);
                }
            }
            let mark = cx.heads.len();
            let o = override_of(cx, spec, e, id);
            if first {
                overrides.push(o);
            } else {
                cx.heads.truncate(mark);
                cx.pile.push(Piled::Override(Box::new(o)));
            }
            continue;
        }
        let first = cx.first_in_scope(&mut seen_steps, h.name, "step", "procedure", name);
        let mark = cx.heads.len();
        let s = step(cx, spec, e, id);
        match s {
            Some(s) if first => {
                if let Some(at) = stage {
                    stages[at].steps.push(steps.len() as u32);
                }
                steps.push(s);
            }
            Some(s) => {
                cx.heads.truncate(mark);
                cx.pile.push(Piled::Step(Box::new(s)));
            }
            None => cx.heads.truncate(mark),
        }
    }
    steps.shrink_to_fit();
    Procedure {
        id,
        lifecycle: cx.prop(bag, "lifecycle", Lower::lifecycle),
        // With a lifecycle, `phase` names its phases (checked in resolution); without, the
        // phases the language knows.
        lifecycle_phases: if bag.has("lifecycle") {
            cx.prop(bag, "phase", Lower::tags)
        } else {
            None
        },
        stages,
        owner: cx.prop(bag, "owner", Lower::reference),
        version: cx.prop(bag, "version", Lower::string),
        effective: cx.prop(bag, "effective", Lower::date),
        next_review: cx.prop(bag, "next_review", Lower::date),
        see_also: cx.props(bag, "see_also", Lower::references),
        phase: if bag.has("lifecycle") {
            None
        } else {
            cx.prop(bag, "phase", Lower::words)
        },
        extends,
        start: cx.prop(bag, "start", |cx, e| match e.args.first() {
            Some(a) if a.is_atom() && e.args.len() == 1 => {
                cx.ref_arg(e, a, &[crate::model::schema::Kind::Step], Shape::Step)
            }
            _ => {
                cx.bad_value(e, Shape::Step, None);
                None
            }
        }),
        purpose: cx.prop(bag, "purpose", Lower::string),
        steps,
        overrides,
    }
}

fn common(cx: &mut Lower<'_>, bag: &Bag<'_>) -> StepCommon {
    StepCommon {
        owner: cx.prop(bag, "owner", Lower::reference),
        within: cx.prop(bag, "within", Lower::within).map(Box::new),
        next: cx.prop(bag, "next", Lower::steps),
        text: cx.prop(bag, "text", Lower::string),
        precondition: cx.prop(bag, "precondition", Lower::string),
        approved_by: cx.prop(bag, "approved_by", Lower::quorum),
        needs: cx.prop(bag, "needs", Lower::tags),
        form: cx.prop(bag, "form", Lower::reference),
    }
}

/// The options of a decision (or of an override of one).
fn options(
    cx: &mut Lower<'_>,
    bag: &Bag<'_>,
    parent: u32,
    step_name: Option<Span>,
) -> Vec<DecisionOption> {
    let mut out = Vec::new();
    let mut seen = Map::default();
    for (ospec, oe) in &bag.children {
        let h = cx.header(ospec, oe);
        let first = cx.first_in_scope(&mut seen, h.name, "option", "decision", step_name);
        let mark = cx.heads.len();
        let (oid, h) = cx.head(ospec, oe, Some(parent));
        cx.no_rest(ospec, h.rest);
        let obag = cx.bag(ospec, oe);
        let inline = cx.when_of(oe);
        let block = cx.when_prop(&obag);
        let when = match (inline, block) {
            (Some(i), Some(b)) => {
                let at = obag.first("when").map_or(b.kw, |e| e.key);
                let name = h
                    .name
                    .map_or(String::new(), |n| format!(" `{}`", cx.text(n)));
                cx.report(
                    Diagnostic::new(
                        Code::RepeatedProperty,
                        at,
                        format!("option{name} has two conditions"),
                    )
                    .label("second condition")
                    .with_secondary(i.cond.span, "first condition")
                    .help("keep one `when`: after the option's title, or inside its block"),
                );
                cx.pile.push(Piled::Condition(b.cond));
                Some(i)
            }
            (i, b) => i.or(b),
        };
        let o = DecisionOption {
            id: DeclId(oid),
            when,
            next: cx.prop(&obag, "next", Lower::steps),
        };
        if first {
            out.push(o);
        } else {
            cx.heads.truncate(mark);
            cx.pile.push(Piled::Option(Box::new(o)));
        }
    }
    out
}

fn step(cx: &mut Lower<'_>, spec: &'static DeclSpec, e: &Entry, parent: DeclId) -> Option<Step> {
    let kind = StepKind::from_word(spec.keyword)?;
    let (sid, h) = cx.head(spec, e, Some(parent.0));
    cx.no_rest(spec, h.rest);
    let name = h.name;
    let bag = cx.bag(spec, e);
    let common = common(cx, &bag);
    let body = match kind {
        StepKind::Action => StepBody::Action,
        StepKind::Decision => StepBody::Decision {
            decided_by: cx.prop(&bag, "decided_by", Lower::reference),
            options: options(cx, &bag, sid, name),
        },
        StepKind::Parallel => StepBody::Parallel {
            branches: cx.prop(&bag, "branches", Lower::steps),
        },
        StepKind::Notify => StepBody::Notify {
            to: cx.prop(&bag, "to", Lower::audience),
            obligation: cx.prop(&bag, "obligation", Lower::reference),
        },
        StepKind::Escalate => StepBody::Escalate {
            path: cx.prop(&bag, "path", Lower::reference),
            to: cx.prop(&bag, "to", Lower::references),
        },
        StepKind::Collect => StepBody::Collect {
            items: cx.prop(&bag, "items", Lower::texts),
        },
        StepKind::Run => StepBody::Run {
            procedure: cx.prop(&bag, "procedure", Lower::reference),
        },
        StepKind::End => StepBody::End {
            review: bag.first("review").and_then(|e| cx.flag(e)),
            outcome: cx.prop(&bag, "outcome", Lower::string),
        },
    };
    let at = name.unwrap_or(e.key);
    // ` `name``, for messages: formatted only when one is made.
    let shown = Shown(name.map(|n| cx.text(n)));
    let keyword = spec.keyword;
    let missing = |cx: &mut Lower<'_>, what: &str, help: &str| {
        cx.report(
            Diagnostic::new(
                Code::MissingProperty,
                at,
                format!("{keyword} step{shown} has no {what}"),
            )
            .label(format!("{what} missing"))
            .help(help.to_string()),
        );
    };
    match &body {
        StepBody::Decision { options, .. } if options.is_empty() => cx.report(
            Diagnostic::new(
                Code::DecisionWithoutOptions,
                at,
                format!("decision{shown} has no options"),
            )
            .label("nothing to choose between")
            .help("add `option NAME \"Label\" { next STEP }` for each choice"),
        ),
        StepBody::Parallel { .. } if !bag.has("branches") => missing(
            cx,
            "`branches`",
            "list the steps that run at once: `branches [a, b]`",
        ),
        StepBody::Notify { .. } if !bag.has("to") => {
            missing(cx, "`to`", "say who is told: `to [dpo, ciso]`")
        }
        StepBody::Escalate { .. } if !bag.has("path") && !bag.has("to") => missing(
            cx,
            "`path` or `to`",
            "name an escalation path (`path default`) or whom to escalate to (`to ciso`)",
        ),
        StepBody::Run { .. } if !bag.has("procedure") => missing(
            cx,
            "`procedure`",
            "name the procedure to run: `procedure evidence_collection`",
        ),
        StepBody::End { .. } => {
            if let Some(n) = bag.first("next") {
                cx.report(
                    Diagnostic::new(
                        Code::StepAfterEnd,
                        n.key,
                        format!("end step{shown} has a successor"),
                    )
                    .label("nothing follows an end step")
                    .with_secondary(at, "the end step")
                    .help("remove `next`, or make the step an `action`"),
                );
            }
        }
        _ => {}
    }
    Some(Step {
        id: DeclId(sid),
        common,
        body,
    })
}

fn override_of(cx: &mut Lower<'_>, spec: &'static DeclSpec, e: &Entry, parent: DeclId) -> Override {
    let (oid, h) = cx.head(spec, e, Some(parent.0));
    cx.no_rest(spec, h.rest);
    let bag = cx.bag(spec, e);
    let step = h.name.map_or(
        crate::model::refs::Ref::new(e.key),
        crate::model::refs::Ref::new,
    );
    Override {
        id: DeclId(oid),
        step,
        common: common(cx, &bag),
        decided_by: cx.prop(&bag, "decided_by", Lower::reference),
        branches: cx.prop(&bag, "branches", Lower::steps),
        to: cx.prop(&bag, "to", Lower::audience),
        obligation: cx.prop(&bag, "obligation", Lower::reference),
        path: cx.prop(&bag, "path", Lower::reference),
        items: cx.prop(&bag, "items", Lower::texts),
        procedure: cx.prop(&bag, "procedure", Lower::reference),
        review: bag.first("review").and_then(|e| cx.flag(e)),
        outcome: cx.prop(&bag, "outcome", Lower::string),
        options: options(cx, &bag, oid, h.name),
        edits: {
            let mut out = Vec::new();
            for (key, add) in [("add", true), ("remove", false)] {
                out.extend(cx.props(&bag, key, |cx, e| list_edit(cx, e, add)));
            }
            out.sort_by_key(|p| p.key);
            out
        },
    }
}

/// `add next [x]`: the property word, then its values read as that property reads them.
fn list_edit(cx: &mut Lower<'_>, e: &Entry, add: bool) -> Option<ListEdit> {
    let shape = Shape::ListEdit;
    let Some(k) = e.args.first().filter(|a| a.is_atom()) else {
        cx.bad_value(e, shape, None);
        return None;
    };
    let mut sub = e.clone();
    sub.key = k.span;
    sub.args.remove(0);
    sub.when = None;
    sub.block = None;
    let values = match cx.text(k.span) {
        "next" => EditValues::Next(cx.steps(&sub)?),
        "branches" => EditValues::Branches(cx.steps(&sub)?),
        "to" => EditValues::To(cx.audience(&sub)?),
        "needs" => EditValues::Needs(cx.tags(&sub)?),
        "items" => EditValues::Items(cx.texts(&sub)?),
        other => {
            let other = other.to_string();
            cx.report(
                Diagnostic::new(
                    Code::BadValue,
                    k.span,
                    format!("`{other}` is not a list a step has"),
                )
                .label("not a list property")
                .help("`add` and `remove` change `next`, `branches`, `to`, `needs` or `items`; give other properties their new value"),
            );
            return None;
        }
    };
    Some(ListEdit {
        add,
        key: k.span,
        values,
        span: e.args_span(),
    })
}

/// A step's name for a message: `` `name` `` after a space, or nothing for a step without one.
#[derive(Clone, Copy)]
struct Shown<'a>(Option<&'a str>);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            Some(n) => write!(f, " `{n}`"),
            None => Ok(()),
        }
    }
}
