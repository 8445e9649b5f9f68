//! Conditions resolved: a comparison's subject decides what its value must be (an impact
//! compares with one of its level numbers, a scale with one of its levels), and a bare word
//! is looked up and reported.

use super::names::Resolver;
use crate::diagnostics::{Code, Diagnostic};
use crate::index::Scope;
use crate::model::condition::{Condition, ConditionKind};
use crate::model::ids::Loc;
use crate::model::refs::Ref;
use crate::model::schema::Kind;
use crate::model::value::{List, Spanned};
use crate::source::Span;

const SUBJECTS: &[Kind] = &[Kind::Impact, Kind::Scale, Kind::Quantity];
/// What a bare word in a condition may name, or was perhaps meant to compare.
const HOLDS: &[Kind] = &[
    Kind::Fact,
    Kind::Criteria,
    Kind::Impact,
    Kind::Scale,
    Kind::Quantity,
];

impl Resolver<'_> {
    pub fn condition(&mut self, c: &mut Condition) {
        let kind = std::mem::replace(&mut c.kind, ConditionKind::Invalid);
        c.kind = match kind {
            ConditionKind::Any { mut terms } => {
                terms.iter_mut().for_each(|t| self.condition(t));
                ConditionKind::Any { terms }
            }
            ConditionKind::All { mut terms } => {
                terms.iter_mut().for_each(|t| self.condition(t));
                ConditionKind::All { terms }
            }
            ConditionKind::Not { mut inner } => {
                self.condition(&mut inner);
                ConditionKind::Not { inner }
            }
            ConditionKind::Category { mut categories } => {
                for r in &mut categories.items {
                    self.resolve(r);
                }
                if categories.items.iter().all(|r| r.target.is_some()) {
                    ConditionKind::Category { categories }
                } else {
                    ConditionKind::Invalid
                }
            }
            ConditionKind::NotAcknowledged { mut after } => {
                self.duration(&mut after);
                ConditionKind::NotAcknowledged { after }
            }
            ConditionKind::NotUnderControl { mut after } => {
                self.duration(&mut after);
                ConditionKind::NotUnderControl { after }
            }
            ConditionKind::DeadlineWithin { mut within } => {
                self.duration(&mut within);
                ConditionKind::DeadlineWithin { within }
            }
            ConditionKind::Compare { subject, op, value } => {
                self.compare(subject, op, value, c.span)
            }
            ConditionKind::Word { word } => self.word(word),
            ConditionKind::Member { subject, items } => self.member(subject, items),
            k @ (ConditionKind::Impact { .. }
            | ConditionKind::Level { .. }
            | ConditionKind::Choice { .. }
            | ConditionKind::Quantity { .. }
            | ConditionKind::Fact { .. }
            | ConditionKind::Criteria { .. }
            | ConditionKind::Open
            | ConditionKind::Invalid) => k,
        };
    }

    fn compare(
        &mut self,
        subject: Span,
        op: Spanned<crate::model::condition::CmpOp>,
        value: Span,
        whole: Span,
    ) -> ConditionKind {
        let name = self.text(subject);
        let Some(id) = self.index.lookup(self.sources, Scope::Top, name) else {
            self.unknown(name, subject, SUBJECTS);
            return ConditionKind::Invalid;
        };
        self.mark_used(id);
        self.index.add_ref(subject, id);
        let v = self.text(value);
        let number = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
        let def = self.index.def(id);
        match def.loc {
            Loc::Impact(impact) if !self.impact_choices[impact.0 as usize].is_empty() => {
                use crate::model::condition::CmpOp;
                if !matches!(op.value, CmpOp::Eq | CmpOp::Ne) {
                    self.report(
                        Diagnostic::new(
                            Code::ConditionMismatch,
                            op.span,
                            format!("the choices of `{name}` are not ordered"),
                        )
                        .label("an order between choices")
                        .help(format!(
                            "match choices with `in` or `==`: `{name} in [{}]`",
                            self.text(value)
                        )),
                    );
                    return ConditionKind::Invalid;
                }
                let items = List {
                    span: value,
                    items: vec![value],
                };
                let c = self.member(subject, items);
                if matches!(op.value, CmpOp::Ne) && !matches!(c, ConditionKind::Invalid) {
                    return ConditionKind::Not {
                        inner: Box::new(Condition {
                            span: whole,
                            kind: c,
                        }),
                    };
                }
                c
            }
            Loc::Quantity(quantity) => {
                if !number {
                    self.mismatch(
                        name,
                        value,
                        "a quantity compares with a whole number, e.g. `1000`",
                    );
                    return ConditionKind::Invalid;
                }
                let Ok(n) = v.parse::<u64>() else {
                    self.report(
                        Diagnostic::new(Code::NumberOutOfRange, value, "number too large")
                            .label("out of range")
                            .help(format!("numbers go up to {}", u64::MAX)),
                    );
                    return ConditionKind::Invalid;
                };
                ConditionKind::Quantity {
                    quantity: Ref {
                        span: subject,
                        target: Some(quantity),
                    },
                    op,
                    value: Spanned {
                        value: n,
                        span: value,
                    },
                }
            }
            Loc::Impact(impact) => {
                if !number {
                    self.mismatch(
                        name,
                        value,
                        "impact levels are numbers: compare with e.g. `3`",
                    );
                    return ConditionKind::Invalid;
                }
                let Ok(level) = v.parse::<u32>() else {
                    self.report(
                        Diagnostic::new(Code::NumberOutOfRange, value, "number too large")
                            .label("out of range")
                            .help(format!("numbers go up to {}", u32::MAX)),
                    );
                    return ConditionKind::Invalid;
                };
                let levels = &self.impact_levels[impact.0 as usize];
                if !levels.contains(&level) {
                    let (lo, hi) = (
                        levels.iter().min().copied().unwrap_or(0),
                        levels.iter().max().copied().unwrap_or(0),
                    );
                    let label = if levels.is_empty() {
                        "the impact declares no levels".to_string()
                    } else {
                        format!("levels go from {lo} to {hi}")
                    };
                    self.report(
                        Diagnostic::new(
                            Code::ImpactLevelOutOfRange,
                            value,
                            format!("impact `{name}` has no level {level}"),
                        )
                        .label(label)
                        .help("compare with a level the impact declares"),
                    );
                    return ConditionKind::Invalid;
                }
                ConditionKind::Impact {
                    impact: Ref {
                        span: subject,
                        target: Some(impact),
                    },
                    op,
                    level: Spanned {
                        value: level,
                        span: value,
                    },
                }
            }
            Loc::Scale(scale) => {
                if number {
                    self.mismatch(
                        name,
                        value,
                        "scale levels are names: compare with e.g. `sev2`",
                    );
                    return ConditionKind::Invalid;
                }
                let mut level = Ref::new(value);
                self.level(&mut level, Some(scale));
                if level.target.is_none() {
                    return ConditionKind::Invalid;
                }
                ConditionKind::Level {
                    scale: Ref {
                        span: subject,
                        target: Some(scale),
                    },
                    op,
                    level,
                }
            }
            _ => {
                let article = def.kind.article();
                self.report(
                    Diagnostic::new(
                        Code::ConditionMismatch,
                        subject,
                        format!("`{name}` is {article}, which cannot be compared"),
                    )
                    .label("not an impact, a scale or a quantity")
                    .help("compare an impact (`financial >= 3`), a scale (`severity >= sev2`) or a quantity (`users_affected > 1000`)"),
                );
                ConditionKind::Invalid
            }
        }
    }

    fn mismatch(&mut self, subject: &str, value: Span, help: &str) {
        let v = self.text(value);
        let what = crate::model::lower::literal::describe(v);
        self.report(
            Diagnostic::new(
                Code::ConditionMismatch,
                value,
                format!("`{subject}` cannot be compared with {what}"),
            )
            .label("wrong kind of value")
            .help(help.to_string()),
        );
    }

    /// `SUBJECT in [a, b]` for an impact with choices.
    fn member(&mut self, subject: Span, items: List<Span>) -> ConditionKind {
        let name = self.text(subject);
        let Some(id) = self.index.lookup(self.sources, Scope::Top, name) else {
            self.unknown(name, subject, &[Kind::Impact]);
            return ConditionKind::Invalid;
        };
        self.mark_used(id);
        self.index.add_ref(subject, id);
        let def = self.index.def(id);
        let Loc::Impact(impact) = def.loc else {
            let article = def.kind.article();
            self.report(
                Diagnostic::new(
                    Code::ConditionMismatch,
                    subject,
                    format!("`in` applies to `category` or an impact with choices, not `{name}`"),
                )
                .label(article.to_string())
                .help("write `category in [..]` or `systems in [payroll]`; compare impacts, scales and quantities with `>=`"),
            );
            return ConditionKind::Invalid;
        };
        if self.impact_choices[impact.0 as usize].is_empty() {
            self.report(
                Diagnostic::new(
                    Code::ConditionMismatch,
                    subject,
                    format!("impact `{name}` has levels, not choices"),
                )
                .label("an ordered impact")
                .help(format!("compare it with a level: `{name} >= 2`")),
            );
            return ConditionKind::Invalid;
        }
        let mut out = Vec::new();
        let mut ok = true;
        for i in &items.items {
            let w = self.text(*i);
            match self.choice_index[impact.0 as usize].get(w) {
                Some(&p) => out.push(Spanned { value: p, span: *i }),
                None => {
                    let all = &self.impact_choices[impact.0 as usize];
                    let help = if all.len() <= 12 {
                        crate::diagnostics::did_you_mean(w, all.iter().copied(), "its choices are")
                    } else {
                        format!(
                            "use one of the words of its `choice` lines, e.g. `{}`",
                            all[0]
                        )
                    };
                    self.report(
                        Diagnostic::new(
                            Code::UnknownName,
                            *i,
                            format!("impact `{name}` has no choice `{w}`"),
                        )
                        .label("not one of its choices")
                        .help(help),
                    );
                    ok = false;
                }
            }
        }
        if !ok {
            return ConditionKind::Invalid;
        }
        ConditionKind::Choice {
            impact: Ref {
                span: subject,
                target: Some(impact),
            },
            choices: List {
                span: items.span,
                items: out,
            },
        }
    }

    /// A bare word as a condition: a fact or named criteria; anything else is looked up (so
    /// a misspelling is caught), then reported.
    fn word(&mut self, word: Span) -> ConditionKind {
        let name = self.text(word);
        if let Some(id) = self.index.lookup(self.sources, Scope::Top, name) {
            match self.index.def(id).loc {
                Loc::Fact(fact) => {
                    self.mark_used(id);
                    self.index.add_ref(word, id);
                    return ConditionKind::Fact {
                        fact: Ref {
                            span: word,
                            target: Some(fact),
                        },
                    };
                }
                Loc::Criteria(criteria) => {
                    self.mark_used(id);
                    self.index.add_ref(word, id);
                    return ConditionKind::Criteria {
                        criteria: Ref {
                            span: word,
                            target: Some(criteria),
                        },
                    };
                }
                _ => {}
            }
        }
        self.not_a_condition(word);
        ConditionKind::Invalid
    }

    /// Reports a bare word that is not a fact or criteria.
    fn not_a_condition(&mut self, word: Span) {
        let name = self.text(word);
        let alone = |label: String, help: String| {
            Diagnostic::new(
                Code::ConditionMismatch,
                word,
                format!("`{name}` alone is not a condition"),
            )
            .label(label)
            .help(help)
        };
        // Words of the language that need more around them.
        let special = match name {
            "acknowledged" | "under_control" => Some((
                "an event, waited for".to_string(),
                format!("say how long to wait for it: `not {name} after 30m`"),
            )),
            "category" => Some((
                "the incident's category".to_string(),
                "match it with `in`: `category in [ransomware]`".to_string(),
            )),
            _ => None,
        };
        if let Some((label, help)) = special {
            self.report(alone(label, help));
            return;
        }
        let Some(id) = self.index.lookup(self.sources, Scope::Top, name) else {
            // A level of a scale is not a top-level name.
            if let Some(&scale) = self.level_scales.get(name).and_then(|s| s.first()) {
                let level = self.level_decls[scale.0 as usize]
                    .iter()
                    .copied()
                    .find(|&l| self.index.name(self.sources, l) == Some(name));
                if let Some(l) = level {
                    self.mark_used(l);
                    self.index.add_ref(word, l);
                }
                let sdecl = self.scale_decls[scale.0 as usize];
                let sname = self.index.name(self.sources, sdecl).unwrap_or("scale");
                self.report(alone(
                    format!("a level of scale `{sname}`"),
                    format!("compare the scale with it: `{sname} >= {name}`"),
                ));
                return;
            }
            self.unknown(name, word, HOLDS);
            return;
        };
        self.mark_used(id);
        self.index.add_ref(word, id);
        let def = self.index.def(id);
        let article = def.kind.article();
        let help = match def.loc {
            Loc::Impact(i) => {
                let top = self.impact_levels[i.0 as usize].iter().max().copied();
                match top {
                    Some(top) => format!("compare it with one of its levels, e.g. `{name} >= {top}`"),
                    None => "declare its levels, then compare it with one of them".to_string(),
                }
            }
            Loc::Scale(sc) => match self.levels[sc.0 as usize].first() {
                Some(l) => format!("compare it with one of its levels, e.g. `{name} >= {l}`"),
                None => "declare its levels, then compare it with one of them".to_string(),
            },
            Loc::Category(_) => format!("match categories with `in`: `category in [{name}]`"),
            Loc::Quantity(_) => format!("compare it with a number, e.g. `{name} > 1000`"),
            _ => "a condition names a fact or criteria, compares an impact, a scale or a quantity, matches categories or waits for an event".to_string(),
        };
        self.report(
            Diagnostic::new(
                Code::ConditionMismatch,
                word,
                format!("`{name}` alone is not a condition"),
            )
            .label(format!("{article}, not a condition"))
            .help(help),
        );
    }
}
