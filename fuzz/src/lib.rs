//! What every fuzz target asserts of one check of a policy (see docs/reliability.md).
//!
//! A failed assertion panics, and libFuzzer saves the input as a crash.

use imp::check::{Analysis, Options};
use imp::diagnostics::Diagnostic;
use imp::diagnostics::render::{self, HumanStyle, Summary};
use imp::source::{SourceFile, SourceMap, Span};

/// One thread: the fuzzer's inputs are far below the size at which imp parses in parallel,
/// and one thread keeps a run reproducible.
pub fn options() -> Options {
    Options {
        jobs: 1,
        ..Default::default()
    }
}

/// The JSON document of one analysis, as `imp check --format json` writes it.
pub fn json(a: &Analysis) -> String {
    let mut summary = Summary::of(&a.diagnostics, a.sources.len());
    summary.errors += a.not_shown.0;
    summary.warnings += a.not_shown.1;
    render::json(&[(&a.sources, a.diagnostics.as_slice())], summary)
}

/// Checks twice with `check` and asserts everything of the result.
///
/// The two results are compared by what the JSON output is made of (the files' paths and
/// texts, every finding with all its fields, the counts not shown) rather than by rendering
/// the JSON twice: the renderer is a function of these, and rendering is a fifth of a run.
pub fn check_twice(check: impl Fn() -> Analysis) {
    let first = check();
    let second = check();
    assert_same(&first, &second);
    let text = json(&first);
    assert_analysis(&first, &text);
}

fn assert_same(a: &Analysis, b: &Analysis) {
    let files = |x: &Analysis| {
        x.sources
            .files()
            .map(|f| (f.path.clone(), f.base, f.text.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        files(a),
        files(b),
        "two checks of the same input load other files"
    );
    assert_eq!(
        a.not_shown, b.not_shown,
        "two checks of the same input hide other counts"
    );
    if a.diagnostics != b.diagnostics {
        panic!(
            "two checks of the same input differ:\n{}\n---\n{}",
            json(a),
            json(b)
        );
    }
}

/// Every assertion on one analysis and its JSON output.
pub fn assert_analysis(a: &Analysis, json_text: &str) {
    if !a.diagnostics.is_empty() {
        assert!(!a.sources.is_empty(), "findings but no source file");
    }
    let lines: Vec<LineIndex> = a.sources.files().map(LineIndex::new).collect();
    for f in a.sources.files() {
        assert_eq!(
            a.sources.file_of(f.span()).id,
            f.id,
            "file_of(span of file {}) is another file",
            f.path
        );
    }
    for (i, d) in a.diagnostics.iter().enumerate() {
        for (span, what) in labels(d) {
            assert_span(&a.sources, &lines, d, i, span, what);
        }
    }
    assert_json(a, json_text);
    assert_text_outputs(a);
}

fn labels(d: &Diagnostic) -> impl Iterator<Item = (Span, &'static str)> + '_ {
    std::iter::once((d.primary.span, "primary"))
        .chain(d.secondary.iter().map(|l| (l.span, "secondary")))
        .chain(d.flow.iter().map(|l| (l.span, "step")))
}

/// A span lies in one file, on character boundaries, and its lines and columns agree with
/// its offsets.
fn assert_span(
    sources: &SourceMap,
    lines: &[LineIndex],
    d: &Diagnostic,
    i: usize,
    span: Span,
    what: &str,
) {
    let ctx = || {
        format!(
            "finding #{i} {} ({}), {what} label {span:?}",
            d.code, d.message
        )
    };
    assert!(span.lo <= span.hi, "{}: lo > hi", ctx());
    let f = sources.file_of(span);
    assert!(
        span.lo >= f.base,
        "{}: starts before the first file's base {}",
        ctx(),
        f.base
    );
    let end = f.base as u64 + f.text.len() as u64;
    assert!(
        u64::from(span.hi) <= end,
        "{}: ends past its file `{}` (base {}, {} bytes)",
        ctx(),
        f.path,
        f.base,
        f.text.len()
    );
    let lo = (span.lo - f.base) as usize;
    let hi = (span.hi - f.base) as usize;
    for off in [lo, hi] {
        assert!(
            f.text.is_char_boundary(off),
            "{}: offset {off} is not on a character boundary of `{}`",
            ctx(),
            f.path
        );
    }
    assert_eq!(sources.slice(span), &f.text[lo..hi], "{}: slice", ctx());
    let index = &lines[f.id.0 as usize];
    for off in [lo, hi] {
        let (line, col) = f.line_col(off);
        assert_eq!(
            (line, col),
            index.line_col(&f.text, off),
            "{}: line_col({off}) of `{}` disagrees with the text's line breaks",
            ctx(),
            f.path
        );
        assert_eq!(
            f.line_col_at(f.base + off as u32),
            (line, col),
            "{}: line_col_at",
            ctx()
        );
        // A byte-order mark is not a character: offsets 0 and 3 are both line 1, column 1.
        let back = if index.bom && off < 3 { 3 } else { off };
        assert_eq!(
            f.offset_of(line, col),
            Some(back),
            "{}: offset {off} -> line {line}, column {col} -> another offset",
            ctx()
        );
    }
}

/// Line starts computed here from the text, apart from imp's own index: a line ends at `\n`,
/// `\r\n` or a lone `\r`; columns count characters, 1-based; a leading byte-order mark is
/// not a character of line 1.
struct LineIndex {
    starts: Vec<usize>,
    bom: bool,
}

impl LineIndex {
    fn new(f: &SourceFile) -> LineIndex {
        let b = f.text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < b.len() {
            match b[i] {
                b'\r' if b.get(i + 1) == Some(&b'\n') => {
                    i += 2;
                    starts.push(i);
                }
                b'\n' | b'\r' => {
                    i += 1;
                    starts.push(i);
                }
                _ => i += 1,
            }
        }
        LineIndex {
            starts,
            bom: f.text.starts_with('\u{feff}'),
        }
    }

    fn line_col(&self, text: &str, off: usize) -> (usize, usize) {
        // The last line start at or before `off`.
        let line = self.starts.partition_point(|&s| s <= off) - 1;
        let mut start = self.starts[line];
        if line == 0 && self.bom {
            start = 3;
        }
        let col = if off <= start {
            0
        } else {
            text[start..off].chars().count()
        };
        (line + 1, col + 1)
    }
}

/// The JSON output parses, and says what the findings say.
fn assert_json(a: &Analysis, text: &str) {
    let doc: serde_json::Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => panic!("JSON output does not parse: {e}\n{text}"),
    };
    let diags = doc["diagnostics"]
        .as_array()
        .unwrap_or_else(|| panic!("JSON output has no `diagnostics` array"));
    assert_eq!(
        diags.len(),
        a.diagnostics.len(),
        "JSON lists another number of findings"
    );
    for (i, (d, j)) in a.diagnostics.iter().zip(diags).enumerate() {
        assert_eq!(
            j["code"].as_str(),
            Some(d.code.as_str()),
            "finding #{i}: JSON code"
        );
        assert_eq!(
            j["message"].as_str(),
            Some(d.message.as_str()),
            "finding #{i}: JSON message"
        );
        let labels_json = j["labels"].as_array().expect("JSON finding without labels");
        // The primary label, the secondary ones, then the steps of the evidence path.
        assert_eq!(
            labels_json.len(),
            1 + d.secondary.len() + d.flow.len(),
            "finding #{i}: JSON labels"
        );
        let places = std::iter::once(j).chain(labels_json.iter().skip(1));
        let spans = std::iter::once(d.primary.span)
            .chain(d.secondary.iter().map(|l| l.span))
            .chain(d.flow.iter().map(|l| l.span));
        // The finding's own location and its first label are both the primary span.
        let places = places.chain(std::iter::once(&labels_json[0]));
        let spans = spans.chain(std::iter::once(d.primary.span));
        for (p, span) in places.zip(spans) {
            let f = a.sources.file_of(span);
            let (line, column) = f.line_col_at(span.lo);
            let (end_line, end_column) = f.line_col_at(span.hi);
            let want = serde_json::json!({
                "file": f.path,
                "start": span.lo - f.base,
                "end": span.hi - f.base,
                "line": line,
                "column": column,
                "end_line": end_line,
                "end_column": end_column,
            });
            for (k, v) in want.as_object().into_iter().flatten() {
                assert_eq!(&p[k], v, "finding #{i}, span {span:?}: JSON `{k}`");
            }
        }
    }
    let s = &doc["summary"];
    assert!(
        s["errors"].is_u64() && s["warnings"].is_u64(),
        "JSON summary"
    );
    assert_eq!(
        s["files"].as_u64(),
        Some(a.sources.len() as u64),
        "JSON summary files"
    );
}

/// The human and plain formats, without colour, hold no control character but `\n` and `\t`,
/// and no bidirectional control.
fn assert_text_outputs(a: &Analysis) {
    let human = render::human(
        &a.diagnostics,
        &a.sources,
        HumanStyle {
            color: false,
            width: 100,
        },
    );
    let plain = render::plain(&a.diagnostics, &a.sources);
    assert_eq!(
        plain.lines().count(),
        a.diagnostics.len(),
        "the plain format is not one line a finding"
    );
    for (name, out) in [("human", &human), ("plain", &plain)] {
        if let Some((at, c)) = out.char_indices().find(|&(_, c)| {
            (c.is_control() && c != '\n' && c != '\t') || render::is_bidi_control(c)
        }) {
            let from = out[..at].rfind('\n').map_or(0, |n| n + 1);
            let to = out[at..].find('\n').map_or(out.len(), |n| at + n);
            panic!(
                "{name} output holds {:?} (U+{:04X}) at byte {at}, in line {:?}",
                c,
                c as u32,
                &out[from..to]
            );
        }
    }
}

/// Asserts that the hand-written reader reads every item it reads as pest does: the same
/// tree, `;`, skipped text and findings (see `src/syntax/fast.rs`).
pub fn assert_readers_agree(text: &str) {
    let mut map = SourceMap::with_limit(u64::MAX);
    let Some(id) = map.add("p.imp".into(), text.into()) else {
        return;
    };
    let file = map.get(id);
    let scan = imp::syntax::scan::scan(file);
    for cut in &scan.items {
        let Some(fast) = imp::syntax::read_item(file, &scan, cut) else {
            continue;
        };
        let pest = imp::syntax::parse_item_pest(file, &scan, cut);
        let item = &text[cut.start..cut.end];
        assert_eq!(
            format!("{:?}", fast.nodes),
            format!("{:?}", pest.nodes),
            "the readers' trees differ for {item:?}"
        );
        assert_eq!(fast.semis, pest.semis, "`;` differ for {item:?}");
        assert_eq!(
            fast.skipped, pest.skipped,
            "skipped text differs for {item:?}"
        );
        assert_eq!(
            format!("{:?}", fast.diagnostics),
            format!("{:?}", pest.diagnostics),
            "the readers' findings differ for {item:?}"
        );
    }
}
