//! Diagnostics: what every stage reports. Stages build [`Diagnostic`] values; only
//! [`render`] turns them into text.

pub mod codes;
pub mod docs;
pub mod render;
pub mod suggest;

pub use codes::{Code, Level};
pub use suggest::{did_you_mean, suggest};

use crate::source::Span;

/// A labelled span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: std::borrow::Cow<'static, str>,
}

/// One finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub code: Code,
    pub level: Level,
    /// Short, lowercase, no final period; user input in backticks.
    pub message: String,
    /// The exact span of the problem, with its label.
    pub primary: Label,
    /// Other places that explain it ("first defined here").
    pub secondary: Vec<Label>,
    /// The evidence as a path, in the order it is travelled: the hops of the slowest path,
    /// the members of a cycle. Shown as labels after the secondary ones, numbered, and in
    /// SARIF as related locations and a `codeFlows` thread flow.
    pub flow: Vec<Label>,
    /// Most helps are fixed text: those are not copied.
    pub help: Option<std::borrow::Cow<'static, str>>,
    /// The TR 18044 clause, where one applies.
    pub clause: Option<&'static str>,
}

impl Diagnostic {
    pub fn new(code: Code, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            level: code.level(),
            message: message.into(),
            primary: Label {
                span,
                message: std::borrow::Cow::Borrowed(""),
            },
            secondary: Vec::new(),
            flow: Vec::new(),
            help: None,
            clause: code.clause(),
        }
    }

    /// The label on the primary span.
    pub fn label(mut self, message: impl Into<std::borrow::Cow<'static, str>>) -> Diagnostic {
        self.primary.message = message.into();
        self
    }

    pub fn with_secondary(
        mut self,
        span: Span,
        message: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Diagnostic {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// The next place of the evidence path ([`Diagnostic::flow`]).
    pub fn step(
        mut self,
        span: Span,
        message: impl Into<std::borrow::Cow<'static, str>>,
    ) -> Diagnostic {
        self.flow.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    /// The secondary labels, then the steps of the path, numbered from 1: every labelled
    /// place but the primary, in the order the outputs show them.
    pub fn labels(&self) -> impl Iterator<Item = (Option<usize>, &Label)> {
        self.secondary
            .iter()
            .map(|l| (None, l))
            .chain(self.flow.iter().enumerate().map(|(i, l)| (Some(i + 1), l)))
    }

    pub fn help(mut self, help: impl Into<std::borrow::Cow<'static, str>>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn clause(mut self, clause: &'static str) -> Diagnostic {
        self.clause = Some(clause);
        self
    }
}

/// Sorts findings by file path, offset, code and message, and drops exact repeats. The files
/// are ranked by path once, and messages compared only between findings at the same place of
/// the same code, so that a policy with many findings is sorted without copying any text.
pub fn sort(diags: &mut Vec<Diagnostic>, sources: &crate::source::SourceMap) {
    let mut files: Vec<(&str, u32)> = sources.files().map(|f| (f.path.as_str(), f.id.0)).collect();
    files.sort_unstable();
    let mut rank = vec![0u32; files.len()];
    for (r, (_, id)) in files.iter().enumerate() {
        if let Some(slot) = rank.get_mut(*id as usize) {
            *slot = r as u32;
        }
    }
    let mut order: Vec<(u32, u32, u32, Code, usize)> = diags
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let file = sources.file_of(d.primary.span).id.0 as usize;
            let r = rank.get(file).copied().unwrap_or(u32::MAX);
            (r, d.primary.span.lo, d.primary.span.hi, d.code, i)
        })
        .collect();
    order.sort_by(|a, b| {
        (a.0, a.1, a.2, a.3)
            .cmp(&(b.0, b.1, b.2, b.3))
            .then_with(|| diags[a.4].message.cmp(&diags[b.4].message))
    });
    let mut slots: Vec<Option<Diagnostic>> = std::mem::take(diags).into_iter().map(Some).collect();
    diags.extend(order.iter().filter_map(|o| slots[o.4].take()));
    diags.dedup();
}

/// Items in backticks, joined: `` `a`, `b`, `c` ``.
pub fn backticked<S: AsRef<str>>(items: impl IntoIterator<Item = S>, sep: &str) -> String {
    items
        .into_iter()
        .map(|s| format!("`{}`", s.as_ref()))
        .collect::<Vec<_>>()
        .join(sep)
}
