//! Conditions from the tree: comparisons are kept for resolution, which knows whether their
//! subject is an impact or a scale; memberships, events and their durations are read here.

use super::Lower;
use super::literal;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::condition::{Condition, ConditionKind};
use crate::model::refs::Ref;
use crate::model::value::{List, Spanned};
use crate::source::Span;
use crate::syntax::tree::{Cond, CondKind};

impl Lower<'_> {
    /// A condition, lowered. Parts that cannot be read are reported and become `Invalid`.
    pub fn condition(&mut self, c: &Cond) -> Condition {
        let kind = match &c.kind {
            CondKind::Or { terms, .. } => ConditionKind::Any {
                terms: terms.iter().map(|t| self.condition(t)).collect(),
            },
            CondKind::And { terms, .. } => ConditionKind::All {
                terms: terms.iter().map(|t| self.condition(t)).collect(),
            },
            CondKind::Paren { inner, .. } => return self.condition(inner),
            CondKind::Not { inner, .. } => {
                if let CondKind::Words(words) = &inner.kind
                    && let Some(kind) = self.event(words)
                {
                    kind
                } else {
                    ConditionKind::Not {
                        inner: Box::new(self.condition(inner)),
                    }
                }
            }
            CondKind::Compare {
                subject,
                op,
                cmp,
                value,
            } => match self.subject(subject, c.span) {
                Some(s) if self.text(s) == "category" => {
                    self.report(
                        Diagnostic::new(
                            Code::ConditionMismatch,
                            c.span,
                            "categories are matched with `in`",
                        )
                        .label("`category` compared")
                        .help("write `category in [ransomware]`"),
                    );
                    ConditionKind::Invalid
                }
                Some(s) => ConditionKind::Compare {
                    subject: s,
                    op: Spanned {
                        value: *cmp,
                        span: *op,
                    },
                    value: *value,
                },
                None => ConditionKind::Invalid,
            },
            CondKind::In { subject, list, .. } => match self.subject(subject, c.span) {
                Some(s) if self.text(s) == "category" => {
                    let mut cats = Vec::new();
                    let mut ok = true;
                    for i in list.list().map_or(&[][..], |l| &l.items[..]) {
                        let w = self.text(i.span);
                        match (i.is_atom(), literal::ref_name_problem(w)) {
                            (true, None) => cats.push(Ref::new(i.span)),
                            (true, Some(b)) => {
                                self.bad_literal(i.span, b);
                                ok = false;
                            }
                            (false, _) => {
                                self.report(
                                    Diagnostic::new(
                                        Code::ConditionMismatch,
                                        i.span,
                                        "`in` takes names of categories",
                                    )
                                    .label(format!("found {}", i.describe()))
                                    .help("write `category in [ransomware, data_breach]`"),
                                );
                                ok = false;
                            }
                        }
                    }
                    if ok {
                        ConditionKind::Category {
                            categories: List {
                                span: list.span,
                                items: cats,
                            },
                        }
                    } else {
                        ConditionKind::Invalid
                    }
                }
                Some(s) => {
                    let items: Vec<Span> = list
                        .list()
                        .map_or(&[][..], |l| &l.items[..])
                        .iter()
                        .map(|i| i.span)
                        .collect();
                    ConditionKind::Member {
                        subject: s,
                        items: List {
                            span: list.span,
                            items,
                        },
                    }
                }
                None => ConditionKind::Invalid,
            },
            CondKind::Words(words) => match words.as_slice() {
                [k, w, d] if self.text(*k) == "deadline" && self.text(*w) == "within" => {
                    let arg = crate::syntax::tree::Arg {
                        span: *d,
                        kind: crate::syntax::tree::ArgKind::Atom,
                    };
                    match self.duration_arg(&arg, None, None).0 {
                        Some(within) => ConditionKind::DeadlineWithin { within },
                        None => ConditionKind::Invalid,
                    }
                }
                [w] if self.text(*w) == "tbd" => {
                    self.not_stated(self.key, *w, None);
                    ConditionKind::Open
                }
                [w] if literal::is_name(self.text(*w)) => ConditionKind::Word { word: *w },
                [] => ConditionKind::Invalid,
                _ => {
                    let text = self.text(c.span).to_string();
                    let help = if self.event(words).is_some() {
                        format!(
                            "write `not {text}`: it holds while the incident is not yet acknowledged or under control"
                        )
                    } else {
                        "a condition compares an impact or a scale (`financial >= 3`, `severity >= sev2`), matches categories (`category in [..]`) or waits for an event (`not acknowledged after 30m`)".to_string()
                    };
                    // `acknowledged after 30m` read as an event, so that its duration is
                    // checked, and dropped.
                    self.report(
                        Diagnostic::new(
                            Code::ConditionMismatch,
                            c.span,
                            format!("`{text}` is not a condition"),
                        )
                        .label("not understood")
                        .help(help),
                    );
                    ConditionKind::Invalid
                }
            },
            CondKind::Error => ConditionKind::Invalid,
        };
        Condition { span: c.span, kind }
    }

    /// The one word a comparison is about.
    fn subject(&mut self, words: &[Span], whole: Span) -> Option<Span> {
        match words {
            [w] => match literal::ref_name_problem(self.text(*w)) {
                None => Some(*w),
                Some(b) => {
                    self.bad_literal(*w, b);
                    None
                }
            },
            _ => {
                let at = words
                    .first()
                    .map_or(whole, |f| f.join(*words.last().unwrap_or(f)));
                self.report(
                    Diagnostic::new(
                        Code::ConditionMismatch,
                        at,
                        format!("`{}` is not one name", self.text(at)),
                    )
                    .label("expected one impact, scale or `category`")
                    .help("a comparison is a name, an operator and a value, e.g. `financial >= 3`"),
                );
                None
            }
        }
    }

    /// `acknowledged after D` or `under_control after D` (the words after a `not`).
    fn event(&mut self, words: &[Span]) -> Option<ConditionKind> {
        let [kind, after, d] = words else {
            return None;
        };
        let k = self.text(*kind);
        if self.text(*after) != "after" || !matches!(k, "acknowledged" | "under_control") {
            return None;
        }
        let ack = k == "acknowledged";
        let arg = crate::syntax::tree::Arg {
            span: *d,
            kind: crate::syntax::tree::ArgKind::Atom,
        };
        let after = if self.duration_like(&arg) {
            self.duration_arg(&arg, None, None).0
        } else {
            let t = self.text(*d).to_string();
            self.report(
                Diagnostic::new(Code::BadValue, *d, format!("`{t}` is not a duration"))
                    .label(format!("found {}", literal::describe(&t)))
                    .help("write how long after the incident was raised, e.g. `not acknowledged after 30m`"),
            );
            None
        };
        Some(match after {
            Some(after) if ack => ConditionKind::NotAcknowledged { after },
            Some(after) => ConditionKind::NotUnderControl { after },
            None => ConditionKind::Invalid,
        })
    }
}
