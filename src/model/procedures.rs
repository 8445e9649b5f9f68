//! Lowering of procedures: the effective steps (`extends` and `override`), the steps of each
//! kind, and decisions with their options.

use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;

use super::bag::{Bag, Header, header, no_rest};
use super::cx::Cx;
use super::lower::{Get, Seen, cond, decl_of, self_ref, spec_of};
use super::schema::{self, Kind, Shape};
use super::types::*;
use super::values as v;
use crate::diagnostics::{Code, Diagnostic, backticked, did_you_mean};
use crate::source::Span;
use crate::syntax::ast::{self, Entry, Value};

/// A step entry of a procedure's effective step list, with where it comes from. Own and
/// inherited steps borrow the tree; only a step merged with an override is a new entry.
#[derive(Clone)]
pub(super) struct StepEntry<'a> {
    keyword: &'a str,
    entry: Cow<'a, Entry>,
    origin: Origin,
    /// For an overridden step, the `override` that changed it: only findings inside it are
    /// new, the rest were reported where the base step is written.
    over: Option<Span>,
}

pub(super) type Steps<'a> = Rc<Vec<StepEntry<'a>>>;

/// Effective steps of the procedures computed so far, by name (first definitions only), and
/// the chain of `extends` being followed.
#[derive(Default)]
pub(super) struct StepsMemo<'a> {
    done: HashMap<String, Steps<'a>>,
    visiting: Vec<(String, Span)>,
}

/// The effective step entries of procedure `name` declared by `entry`: its base's (with
/// overrides merged in), then its own. A base that cannot be had (unknown, itself, or in a
/// cycle, each reported once) contributes nothing, and the own steps are still checked.
pub(super) fn effective_steps<'a>(
    cx: &mut Cx,
    name: &str,
    entry: &'a Entry,
    procedures: &HashMap<String, &'a Entry>,
    memo: &mut StepsMemo<'a>,
) -> Steps<'a> {
    // Only the first definition of a name is memoised: a duplicate is computed on its own.
    let registered = procedures
        .get(name)
        .is_some_and(|e| std::ptr::eq(*e, entry));
    if registered && let Some(done) = memo.done.get(name) {
        return Rc::clone(done);
    }
    let entries: &'a [Entry] = entry.block.as_ref().map_or(&[], |b| b.entries.as_slice());
    let extends = entries.iter().find(|e| e.key.text == "extends");
    let overrides: Vec<&'a Entry> = entries
        .iter()
        .filter(|e| e.key.text == "override")
        .collect();
    let base = extends.and_then(|e| match e.args.first() {
        Some(ast::Arg {
            value: Value::Word(w),
            span,
        }) if procedures.contains_key(w) && w != name => Some((w.clone(), *span)),
        _ => None,
    });
    let mut result: Vec<StepEntry<'a>> = Vec::new();
    if let Some((base, span)) = base {
        let base_steps = if let Some(pos) = memo.visiting.iter().position(|(n, _)| *n == base) {
            extends_cycle(cx, &memo.visiting[pos..], name, &base, span);
            None
        } else {
            memo.visiting.push((name.to_string(), span));
            let base_entry = procedures[&base];
            let steps = effective_steps(cx, &base, base_entry, procedures, memo);
            memo.visiting.pop();
            Some(steps)
        };
        if let Some(base_steps) = base_steps {
            inherit(cx, &base, &base_steps, &overrides, &mut result);
        }
    } else if extends.is_none() {
        for o in &overrides {
            cx.report(
                Diagnostic::new(
                    Code::OverrideWithoutBase,
                    o.key.span,
                    format!("`{name}` extends no procedure, so there is nothing to override"),
                )
                .label("override without a base")
                .help("add `extends BASE` to the procedure, or declare the step itself"),
            );
        }
    }
    for e in entries
        .iter()
        .filter(|e| StepKind::from_keyword(&e.key.text).is_some())
    {
        result.push(StepEntry {
            keyword: &e.key.text,
            entry: Cow::Borrowed(e),
            origin: Origin::Own,
            over: None,
        });
    }
    let result = Rc::new(result);
    if registered {
        memo.done.insert(name.to_string(), Rc::clone(&result));
    }
    result
}

pub(super) fn extends_cycle(
    cx: &mut Cx,
    cycle: &[(String, Span)],
    name: &str,
    base: &str,
    span: Span,
) {
    let names: Vec<&str> = cycle
        .iter()
        .map(|(n, _)| n.as_str())
        .chain([name, base])
        .collect();
    let mut d = Diagnostic::new(
        Code::ExtendsCycle,
        span,
        format!("cycle of `extends`: {}", backticked(&names, " → ")),
    )
    .label(format!("`{name}` extends `{base}`, which closes the cycle"))
    .help("a procedure cannot extend a procedure that extends it: break the cycle");
    for (n, s) in cycle {
        d = d.with_secondary(*s, format!("`{n}` extends the next"));
    }
    cx.report(d);
}

/// The base's steps, with the overrides merged into the steps they name.
pub(super) fn inherit<'a>(
    cx: &mut Cx,
    base: &str,
    base_steps: &[StepEntry<'a>],
    overrides: &[&'a Entry],
    result: &mut Vec<StepEntry<'a>>,
) {
    let base_names: Vec<String> = base_steps
        .iter()
        .filter_map(|s| step_name(&s.entry))
        .collect();
    for o in overrides {
        let Some(oname) = step_name(o) else { continue };
        if !base_names.contains(&oname) {
            let help = did_you_mean(
                &oname,
                base_names.iter().map(String::as_str),
                &format!("the steps of `{base}` are"),
            );
            cx.report(
                Diagnostic::new(
                    Code::OverrideUnknownStep,
                    o.args[0].span,
                    format!("`{base}` has no step `{oname}` to override"),
                )
                .label("no such step in the base")
                .help(help),
            );
        }
    }
    for s in base_steps {
        let sname = step_name(&s.entry);
        match overrides.iter().find(|o| step_name(o) == sname) {
            Some(o) => result.push(StepEntry {
                keyword: s.keyword,
                entry: Cow::Owned(merge(&s.entry, o)),
                origin: Origin::Overridden,
                over: Some(o.span),
            }),
            None => result.push(StepEntry {
                origin: Origin::Inherited,
                over: None,
                ..s.clone()
            }),
        }
    }
}

pub(super) fn step_name(e: &Entry) -> Option<String> {
    match e.args.first() {
        Some(ast::Arg {
            value: Value::Word(w),
            ..
        }) => Some(w.clone()),
        _ => None,
    }
}

/// The base step with the override's properties in place of its own.
pub(super) fn merge(base: &Entry, over: &Entry) -> Entry {
    let mut merged = base.clone();
    let over_entries: &[Entry] = over.block.as_ref().map_or(&[], |b| b.entries.as_slice());
    if let Some(block) = &mut merged.block {
        block
            .entries
            .retain(|e| !over_entries.iter().any(|o| o.key.text == e.key.text));
        block.entries.extend(over_entries.iter().cloned());
    } else if let Some(b) = &over.block {
        merged.block = Some(b.clone());
    }
    merged
}

pub(super) fn procedure<'a>(
    cx: &mut Cx,
    decl: Decl,
    bag: &Bag<'_>,
    entry: &'a Entry,
    procedures: &HashMap<String, &'a Entry>,
    memo: &mut StepsMemo<'a>,
) -> Procedure {
    let spec = spec_of("procedure");
    let mut g = Get::new(cx, spec, bag);
    let owner = g.reference("owner");
    let phase = g.words("phase");
    let extends = g.reference("extends");
    let purpose = g.text("purpose");
    if extends.as_ref().is_some_and(|e| e.name == decl.name) {
        let r = extends.clone();
        self_ref(
            cx,
            &decl,
            &r.into_iter().collect::<Vec<_>>(),
            "extends itself",
            "a procedure extends another, base procedure",
        );
    }
    let step_entries = effective_steps(cx, &decl.name, entry, procedures, memo);
    // Names of the effective steps, with duplicates reported.
    let mut names: Vec<String> = Vec::new();
    let mut spans: HashMap<String, Span> = HashMap::new();
    let mut unique: Vec<&StepEntry> = Vec::new();
    let mut duplicates: Vec<&StepEntry> = Vec::new();
    for s in step_entries.iter() {
        let Some(n) = step_name(&s.entry) else {
            unique.push(s);
            continue;
        };
        let span = s.entry.args[0].span;
        if let Some(first) = spans.get(&n) {
            let help = if s.origin == Origin::Own
                && step_entries.iter().any(|o| {
                    o.origin != Origin::Own && step_name(&o.entry).as_deref() == Some(n.as_str())
                }) {
                format!(
                    "the base procedure has a step `{n}`: write `override {n} {{ .. }}` to change it"
                )
            } else {
                "give each step of a procedure its own name".to_string()
            };
            cx.report(
                Diagnostic::new(
                    Code::DuplicateName,
                    span,
                    format!("step `{n}` is defined twice in procedure `{}`", decl.name),
                )
                .label("second definition")
                .with_secondary(*first, "first defined here")
                .help(help),
            );
            duplicates.push(s);
            continue;
        }
        spans.insert(n.clone(), span);
        names.push(n);
        unique.push(s);
    }
    let start = bag
        .first("start")
        .and_then(|e| match e.args.first().map(|a| &a.value) {
            Some(Value::Word(_)) => v::steps(cx, e, &names, &decl.name).into_iter().next(),
            _ => {
                v::bad_value(cx, e, Shape::Step, None);
                None
            }
        });
    let mut steps = Vec::new();
    for s in unique.iter().chain(&duplicates) {
        let reported = cx.diags.len();
        let st = step(cx, s.keyword, &s.entry, s.origin, &names, &decl.name);
        // A duplicate is checked, but only the first definition is part of the model.
        if let Some(st) = st.filter(|_| !duplicates.iter().any(|d| std::ptr::eq(*d, *s))) {
            steps.push(st);
        }
        // An inherited step was checked where it is written, and so was the base part of an
        // overridden one: only findings inside the override are new.
        match (s.origin, s.over) {
            (Origin::Inherited, _) => cx.diags.truncate(reported),
            (Origin::Overridden, Some(over)) => {
                let new = cx.diags.split_off(reported);
                cx.diags.extend(new.into_iter().filter(|d| {
                    let p = d.primary.span;
                    p.file == over.file && p.start >= over.start && p.end <= over.end
                }));
            }
            _ => {}
        }
    }
    Procedure {
        decl,
        owner,
        phase,
        extends,
        start,
        purpose,
        steps,
    }
}

pub(super) fn st_name(e: &Entry) -> String {
    step_name(e).unwrap_or_default()
}

pub(super) fn step(
    cx: &mut Cx,
    keyword: &str,
    e: &Entry,
    origin: Origin,
    names: &[String],
    procedure: &str,
) -> Option<Step> {
    let spec = schema::decl(keyword, Some(Kind::Procedure))?;
    let kind = StepKind::from_keyword(keyword)?;
    let h: Header<'_> = header(cx, spec, e);
    no_rest(cx, spec, h.rest);
    let decl = decl_of(spec, e, h.name_ident.as_ref());
    let entries: &[Entry] = e.block.as_ref().map_or(&[], |b| b.entries.as_slice());
    let bag = Bag::build(cx, spec, entries);
    let next = bag
        .first("next")
        .map(|n| v::steps(cx, n, names, procedure))
        .unwrap_or_default();
    let branches = bag
        .first("branches")
        .map(|n| v::steps(cx, n, names, procedure))
        .unwrap_or_default();
    let mut options = Vec::new();
    let mut seen = Seen::default();
    for (ospec, oe) in &bag.children {
        let oh = header(cx, ospec, oe);
        no_rest(cx, ospec, oh.rest);
        let odecl = decl_of(ospec, oe, oh.name_ident.as_ref());
        let first = seen.first(cx, &odecl, "option", "decision", &st_name(e));
        let oentries: &[Entry] = oe.block.as_ref().map_or(&[], |b| b.entries.as_slice());
        let obag = Bag::build(cx, ospec, oentries);
        if let (Some(_), Some(block_when)) = (&oe.when, obag.first("when")) {
            cx.report(
                Diagnostic::new(
                    Code::RepeatedProperty,
                    block_when.key.span,
                    format!("option `{}` has two conditions", odecl.name),
                )
                .label("second condition")
                .with_secondary(
                    oe.when.as_ref().map_or(odecl.name_span, |c| c.span()),
                    "first condition",
                )
                .help("keep one `when`: after the option's title, or inside its block"),
            );
        }
        let inline = cond(cx, oe);
        let mut g = Get::new(cx, ospec, &obag);
        let when = inline.or_else(|| g.when());
        let onext = obag
            .first("next")
            .map(|n| v::steps(cx, n, names, procedure))
            .unwrap_or_default();
        let option = DecisionOption {
            decl: odecl,
            when,
            next: onext,
        };
        if first {
            options.push(option);
        }
    }
    let mut g = Get::new(cx, spec, &bag);
    let st = Step {
        kind,
        origin,
        owner: g.reference("owner"),
        within: g.duration("within"),
        next,
        text: g.text("text"),
        precondition: g.text("precondition"),
        approved_by: g.quorum("approved_by"),
        needs: g.words("needs"),
        decided_by: g.reference("decided_by"),
        options,
        branches,
        to: g.references("to"),
        obligation: g.reference("obligation"),
        path: g.reference("path"),
        items: g.texts("items"),
        procedure: g.reference("procedure"),
        review: g.flag("review"),
        outcome: g.text("outcome"),
        decl,
    };
    let at = st.decl.name_span;
    let missing = |cx: &mut Cx, what: &str, help: &str| {
        cx.report(
            Diagnostic::new(
                Code::MissingProperty,
                at,
                format!("{keyword} step `{}` has no {what}", st.decl.name),
            )
            .label(format!("{what} missing"))
            .help(help.to_string()),
        );
    };
    match kind {
        StepKind::Decision if st.options.is_empty() => cx.report(
            Diagnostic::new(
                Code::DecisionWithoutOptions,
                at,
                format!("decision `{}` has no options", st.decl.name),
            )
            .label("nothing to choose between")
            .help("add `option NAME \"Label\" { next STEP }` for each choice"),
        ),
        StepKind::Parallel if st.branches.is_empty() && bag.first("branches").is_none() => missing(
            cx,
            "`branches`",
            "list the steps that run at once: `branches [a, b]`",
        ),
        StepKind::Notify if bag.first("to").is_none() => {
            missing(cx, "`to`", "say who is told: `to [dpo, ciso]`")
        }
        StepKind::Escalate if bag.first("path").is_none() && bag.first("to").is_none() => missing(
            cx,
            "`path` or `to`",
            "name an escalation path (`path default`) or whom to escalate to (`to ciso`)",
        ),
        StepKind::Run if bag.first("procedure").is_none() => missing(
            cx,
            "`procedure`",
            "name the procedure to run: `procedure evidence_collection`",
        ),
        StepKind::End => {
            if let Some(n) = bag.first("next") {
                cx.report(
                    Diagnostic::new(
                        Code::StepAfterEnd,
                        n.key.span,
                        format!("end step `{}` has a successor", st.decl.name),
                    )
                    .label("nothing follows an end step")
                    .with_secondary(at, "the end step")
                    .help("remove `next`, or make the step an `action`"),
                );
            }
        }
        _ => {}
    }
    Some(st)
}
