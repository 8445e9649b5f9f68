//! Diagnostics: what every stage reports. Stages build [`Diagnostic`] values; only
//! [`render`] turns them into text.

pub mod codes;
pub mod render;

pub use codes::{Code, Level};

use crate::source::Span;

/// A labelled span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub span: Span,
    pub message: String,
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
    pub help: Option<String>,
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
                message: String::new(),
            },
            secondary: Vec::new(),
            help: None,
            clause: code.clause(),
        }
    }

    /// The label on the primary span.
    pub fn label(mut self, message: impl Into<String>) -> Diagnostic {
        self.primary.message = message.into();
        self
    }

    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Diagnostic {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn clause(mut self, clause: &'static str) -> Diagnostic {
        self.clause = Some(clause);
        self
    }
}

/// Sorts findings by file path, offset and code, and drops exact repeats.
pub fn sort(diags: &mut Vec<Diagnostic>, sources: &crate::source::SourceMap) {
    let key = |d: &Diagnostic| {
        (
            sources.get(d.primary.span.file).path.clone(),
            d.primary.span.start,
            d.primary.span.end,
            d.code,
            d.message.clone(),
        )
    };
    diags.sort_by_cached_key(key);
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

/// Help for a word that is none of `candidates`: "did you mean `x`?" when one is close, or
/// else `otherwise` followed by the candidates.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str> + Clone,
    otherwise: &str,
) -> String {
    match suggest(word, candidates.clone()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("{otherwise} {}", backticked(candidates, ", ")),
    }
}

/// The closest candidate to `word`, if one is close enough for "did you mean".
pub fn suggest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        if c == word {
            continue;
        }
        let score = strsim::jaro_winkler(word, c);
        let dist = strsim::damerau_levenshtein(word, c);
        let close = score >= 0.85 || dist <= (word.len().max(c.len()) / 3).max(1);
        if close && best.is_none_or(|(s, b)| score > s || (score == s && c < b)) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}
