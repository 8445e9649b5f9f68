//! `check`: one policy from PATH to a model and its findings.

use crate::diagnostics::{self, Diagnostic};
use crate::loader::{self, ArgError};
use crate::model::{self, Model};
use crate::source::SourceMap;
use crate::syntax::ast;

/// A checked policy.
#[derive(Debug)]
pub struct Checked {
    pub sources: SourceMap,
    /// Sorted by file, offset and code.
    pub diagnostics: Vec<Diagnostic>,
    /// The model; complete only when no diagnostic is an error.
    pub model: Model,
}

impl Checked {
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.level == diagnostics::Level::Error)
    }
}

/// Loads, parses and resolves the policy PATH names.
pub fn check(path: &str) -> Result<Checked, ArgError> {
    let loaded = loader::load(path)?;
    let asts: Vec<&ast::File> = loaded.files.iter().map(|(_, f)| f).collect();
    let files = loaded
        .sources
        .files()
        .iter()
        .map(|f| f.path.clone())
        .collect();
    let gaps = model::Gaps {
        unparsed: loaded.unparsed_names,
        mentioned: loaded.unparsed_words,
        missing_file: loaded.missing_file,
    };
    let lowered = model::lower(&asts, files, &gaps);
    let mut diagnostics = loaded.diagnostics;
    diagnostics.extend(lowered.diagnostics);
    diagnostics::sort(&mut diagnostics, &loaded.sources);
    Ok(Checked {
        sources: loaded.sources,
        diagnostics,
        model: lowered.model,
    })
}
