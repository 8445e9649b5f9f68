//! The syntax layer: text to a lossless, spanned tree ([`tree`]). It knows the grammar and
//! nothing of the model: no key word of the schema appears here.
//!
//! A file is scanned once ([`scan`]), which cuts it into top-level items; each item is then
//! parsed on its own ([`parse_item`]), so that items parse in parallel and one item's errors
//! never hide another's. A clean item is read by a hand-written reader (`fast.rs`), any
//! other by pest; both give the same tree.

mod build;
mod errors;
mod fast;
pub mod grammar;
pub mod rebuild;
pub mod scan;
pub mod silence;
pub mod text;
pub mod tree;

use pest::Parser as _;

use crate::diagnostics::{Code, Diagnostic};
use crate::source::{SourceFile, Span};
use grammar::{ImpParser, Rule};
use scan::{Cut, Scan};
use tree::{File, Node};

pub use build::{MAX_COND_DEPTH, MAX_NOTS};

/// One parsed item: its nodes, the `;` at its top level, and its syntax errors.
#[derive(Debug, Default)]
pub struct ParsedItem {
    pub nodes: Vec<Node>,
    pub semis: Vec<Span>,
    /// What the scanner blanked out before parsing.
    pub skipped: Vec<Span>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses one item that the scanner cut: with the hand-written reader ([`fast`]) where it
/// can, with pest where it gives up.
pub fn parse_item(source: &SourceFile, scan: &Scan, cut: &Cut) -> ParsedItem {
    read_item(source, scan, cut).unwrap_or_else(|| parse_item_pest(source, scan, cut))
}

/// Reads one item with the hand-written reader alone: `None` where it gives up (a repaired
/// item, or anything but a clean one). Where it reads, it gives what
/// [`parse_item_pest`] gives; a test and a fuzz target hold it to that.
pub fn read_item(source: &SourceFile, scan: &Scan, cut: &Cut) -> Option<ParsedItem> {
    if !cut.parse || !cut.repairs.is_empty() {
        return None;
    }
    let text = &source.text[cut.start..cut.end];
    let mut b = build::Builder::new(source, scan, cut, text);
    let nodes = fast::read(&mut b, text)?;
    Some(ParsedItem {
        nodes,
        semis: b.semis,
        skipped: Vec::new(),
        diagnostics: b.diags,
    })
}

/// Parses one item with pest.
pub fn parse_item_pest(source: &SourceFile, scan: &Scan, cut: &Cut) -> ParsedItem {
    if !cut.parse {
        return ParsedItem {
            nodes: vec![Node::Error(source.span_of(cut.start, cut.end))],
            ..ParsedItem::default()
        };
    }
    let owned;
    let text: &str = if cut.repairs.is_empty() {
        &source.text[cut.start..cut.end]
    } else {
        owned = build::repaired(&source.text, cut);
        &owned
    };
    let mut b = build::Builder::new(source, scan, cut, text);
    // pest's call limit is not used: it is process-wide, and this grammar does not backtrack
    // without bound (see ARCHITECTURE.md); the scanner has bounded the nesting.
    let nodes = match ImpParser::parse(Rule::item, text) {
        Ok(mut pairs) => pairs.next().map(|item| b.item(item)).unwrap_or_default(),
        // The grammar recovers from anything the scanner lets through; should it not, the
        // item is one error node, explained by the strict rule.
        Err(_) => {
            let d = errors::explain(text, false, &|a, z| {
                let (a, z) = (b.remap.offset(a), b.remap.offset(z));
                source.span_of(a, z.max(a))
            });
            b.diags.push(d);
            vec![Node::Error(source.span_of(cut.start, cut.end))]
        }
    };
    let skipped = cut
        .repairs
        .iter()
        .filter(|r| r.skip)
        .map(|r| source.span_of(r.at, r.at + r.remove))
        .collect();
    ParsedItem {
        nodes,
        semis: b.semis,
        skipped,
        diagnostics: b.diags,
    }
}

/// The result of parsing a whole file: the tree, and every syntax finding.
#[derive(Debug, Default)]
pub struct Parsed {
    pub file: File,
    pub diagnostics: Vec<Diagnostic>,
}

/// Parses a whole file (for tools that want the tree; the checker streams items instead).
pub fn parse_file(source: &SourceFile) -> Parsed {
    let scan = scan::scan(source);
    let mut out = Parsed::default();
    for cut in &scan.items {
        let item = parse_item(source, &scan, cut);
        out.file.nodes.extend(item.nodes);
        out.file.semis.extend(item.semis);
        out.file.skipped.extend(item.skipped);
        out.diagnostics.extend(item.diagnostics);
    }
    out.file.semis.extend(scan.semis.iter().copied());
    out.file.semis.sort();
    out.diagnostics.extend(empty_file(source, &scan));
    let Scan {
        comments,
        diagnostics,
        ..
    } = scan;
    out.file.comments = comments;
    out.diagnostics.extend(diagnostics);
    out
}

/// IMP0003 for a file with nothing in it but blanks and comments.
pub fn empty_file(source: &SourceFile, scan: &Scan) -> Option<Diagnostic> {
    (scan.items.is_empty() && scan.diagnostics.is_empty()).then(|| {
        let end = source.text.len().min(1);
        Diagnostic::new(
            Code::EmptyFile,
            source.span_of(0, end),
            "file declares nothing",
        )
        .label("no declaration in this file")
        .help("add a declaration, or delete the file")
    })
}
