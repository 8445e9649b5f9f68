//! The syntax layer: text to a spanned tree ([`ast`]). It knows the grammar and nothing of the
//! model: no key word of the schema appears here.

pub mod ast;
pub mod parser;
pub mod split;

use std::collections::HashMap;

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{SourceFile, Span};
use ast::{Entry, File};

/// The result of parsing one file: the tree of everything that parsed, and the errors.
#[derive(Debug, Default)]
pub struct Parsed {
    pub file: File,
    pub diagnostics: Vec<Diagnostic>,
    /// Words that items which failed to parse seem to declare (see [`declared_words`]), so
    /// that later stages do not report them as unknown.
    pub unparsed_names: Vec<String>,
    /// Every word of the items which failed to parse, so that later stages do not report
    /// what they mention as never used.
    pub unparsed_words: Vec<String>,
}

/// Parses a file item by item, so that each syntax error is reported and the declarations
/// around it still parse.
pub fn parse_file(source: &SourceFile) -> Parsed {
    let text = source.text.as_str();
    let scan = split::scan(source.id, text);
    let mut diagnostics = scan.diagnostics;
    let mut entries = Vec::new();
    let mut unparsed_names = Vec::new();
    let mut unparsed_words = Vec::new();
    for chunk in &scan.chunks {
        let slice = &text[chunk.start..chunk.end];
        let entry = if chunk.parse {
            parser::parse_item(source.id, slice, chunk.start, &mut diagnostics)
        } else {
            None
        };
        match entry {
            Some(e) => entries.push(e),
            None => {
                unparsed_names.extend(declared_words(slice));
                unparsed_words.extend(words(slice));
            }
        }
    }
    if entries.is_empty() && diagnostics.is_empty() {
        let end = text.len().min(1);
        diagnostics.push(
            Diagnostic::new(
                Code::EmptyFile,
                Span::new(source.id, 0, end),
                "file declares nothing",
            )
            .label("no declaration in this file")
            .help("add a declaration, or delete the file"),
        );
    }
    let mut file = File {
        entries,
        comments: scan.comments,
    };
    attach_docs(source, &mut file);
    Parsed {
        file,
        diagnostics,
        unparsed_names,
        unparsed_words,
    }
}

fn is_word(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Every word of a text (names, key words).
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| is_word(w))
        .map(str::to_string)
}

/// The names that lines shaped like a declaration header (`word name "Title" {`, `word name {`,
/// `word name "Title"`) would declare.
pub fn declared_words(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            let (a, b) = (it.next()?, it.next()?);
            let header = it
                .next()
                .is_some_and(|c| c.starts_with('"') || c.starts_with('{'));
            (is_word(a) && is_word(b) && header).then(|| b.to_string())
        })
        .collect()
}

/// Gives each entry the `##` comment lines directly above it.
fn attach_docs(source: &SourceFile, file: &mut File) {
    let mut by_line: HashMap<usize, &str> = HashMap::new();
    for c in file.comments.iter().filter(|c| c.doc) {
        let (line, col) = source.line_col(c.span.start);
        let line_text = source.text[..c.span.start as usize]
            .rsplit('\n')
            .next()
            .unwrap_or("");
        if line_text.trim().is_empty() || col == 1 {
            by_line.insert(line, c.text.strip_prefix(' ').unwrap_or(&c.text));
        }
    }
    if by_line.is_empty() {
        return;
    }
    fn walk(source: &SourceFile, by_line: &HashMap<usize, &str>, entries: &mut [Entry]) {
        for e in entries {
            let (mut line, _) = source.line_col(e.span.start);
            let mut lines = Vec::new();
            while line > 1 {
                line -= 1;
                match by_line.get(&line) {
                    Some(t) => lines.push(*t),
                    None => break,
                }
            }
            if !lines.is_empty() {
                lines.reverse();
                e.doc = Some(lines.join("\n"));
            }
            if let Some(b) = &mut e.block {
                walk(source, by_line, &mut b.entries);
            }
        }
    }
    walk(source, &by_line, &mut file.entries);
}
