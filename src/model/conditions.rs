//! Conditions resolved: impacts compare with their declared levels, scales with their own
//! levels, `category in [..]` names categories, events carry a validated duration.

use super::cx::Cx;
use super::schema::Kind;
use super::types::*;
use super::values::{duration_arg, int_arg};
use crate::diagnostics::{Code, Diagnostic};
use crate::syntax::ast::{self, Arg, Value};

/// Resolves a condition: impacts compare with their levels, scales with their own levels,
/// `category in [..]` names categories.
pub fn condition(cx: &mut Cx, c: &ast::Condition) -> Option<Condition> {
    Some(match c {
        ast::Condition::And { left, right, .. } => {
            let (l, r) = (condition(cx, left), condition(cx, right));
            Condition::And {
                left: Box::new(l?),
                right: Box::new(r?),
            }
        }
        ast::Condition::Or { left, right, .. } => {
            let (l, r) = (condition(cx, left), condition(cx, right));
            Condition::Or {
                left: Box::new(l?),
                right: Box::new(r?),
            }
        }
        ast::Condition::Not { inner, .. } => Condition::Not {
            inner: Box::new(condition(cx, inner)?),
        },
        ast::Condition::NotAfter { event, after, span } => {
            let after = duration_arg(cx, after)?;
            match event {
                ast::EventKind::Acknowledged => Condition::NotAcknowledged { after, span: *span },
                ast::EventKind::UnderControl => Condition::NotUnderControl { after, span: *span },
            }
        }
        ast::Condition::In {
            subject,
            items,
            span,
        } => {
            if subject.text != "category" {
                cx.report(
                    Diagnostic::new(
                        Code::ConditionMismatch,
                        subject.span,
                        format!("`in` applies to `category`, not `{}`", subject.text),
                    )
                    .label("not `category`")
                    .help("write `category in [..]`; compare impacts and scales with `>=`"),
                );
                return None;
            }
            let categories: Vec<Ref> = items
                .iter()
                .filter_map(|i| cx.resolve(&i.text, i.span, &[Kind::Category]))
                .collect();
            if categories.len() != items.len() {
                return None;
            }
            Condition::Category {
                categories,
                span: *span,
            }
        }
        ast::Condition::Compare {
            subject,
            op,
            value,
            span,
        } => {
            let kind = cx.names.get(&subject.text).map(|s| s.kind);
            match (kind, &value.value) {
                (Some(Kind::Impact), Value::Integer(_)) => {
                    let impact = cx.resolve(&subject.text, subject.span, &[Kind::Impact])?;
                    let level = int_arg(cx, value, 0)?;
                    let levels = cx
                        .impact_levels
                        .get(&subject.text)
                        .cloned()
                        .unwrap_or_default();
                    if !levels.contains(&level) {
                        let (lo, hi) = (
                            levels.iter().min().copied().unwrap_or(0),
                            levels.iter().max().copied().unwrap_or(0),
                        );
                        let d = Diagnostic::new(
                            Code::ImpactLevelOutOfRange,
                            value.span,
                            format!("impact `{}` has no level {level}", subject.text),
                        )
                        .label(if levels.is_empty() {
                            "the impact declares no levels".to_string()
                        } else {
                            format!("levels go from {lo} to {hi}")
                        })
                        .help("compare with a level the impact declares");
                        cx.report(d);
                        return None;
                    }
                    Condition::Impact {
                        impact,
                        op: *op,
                        level,
                        span: *span,
                    }
                }
                (Some(Kind::Scale), Value::Word(w)) => {
                    let scale = subject.text.clone();
                    let level = cx.level(w, value.span, Some(&scale))?;
                    Condition::Level {
                        op: *op,
                        level,
                        span: *span,
                    }
                }
                (Some(Kind::Impact), _) => {
                    cx.used.insert(subject.text.clone());
                    mismatch(
                        cx,
                        subject,
                        value,
                        "impact levels are numbers: compare with e.g. `3`",
                    );
                    return None;
                }
                (Some(Kind::Scale), _) => {
                    cx.used.insert(subject.text.clone());
                    mismatch(
                        cx,
                        subject,
                        value,
                        "scale levels are names: compare with e.g. `sev2`",
                    );
                    return None;
                }
                (Some(other), _) => {
                    cx.report(
                        Diagnostic::new(
                            Code::ConditionMismatch,
                            subject.span,
                            format!(
                                "`{}` is {}, which cannot be compared",
                                subject.text,
                                other.article()
                            ),
                        )
                        .label("not an impact or a scale")
                        .help(
                            "compare an impact (`financial >= 3`) or a scale (`severity >= sev2`)",
                        ),
                    );
                    return None;
                }
                (None, _) if subject.text == "category" => {
                    cx.report(
                        Diagnostic::new(
                            Code::ConditionMismatch,
                            *span,
                            "categories are matched with `in`",
                        )
                        .label("`category` compared")
                        .help("write `category in [ransomware]`"),
                    );
                    return None;
                }
                (None, _) => {
                    cx.resolve(&subject.text, subject.span, &[Kind::Impact, Kind::Scale]);
                    return None;
                }
            }
        }
    })
}

fn mismatch(cx: &mut Cx, subject: &ast::Ident, value: &Arg, help: &str) {
    cx.report(
        Diagnostic::new(
            Code::ConditionMismatch,
            value.span,
            format!(
                "`{}` cannot be compared with {}",
                subject.text,
                value.value.describe()
            ),
        )
        .label("wrong kind of value")
        .help(help.to_string()),
    );
}
