//! The hand-written reader (`src/syntax/fast.rs`) against pest: on every item of every
//! policy the project ships (examples, golden and review cases, fuzz seeds, the examples of
//! the docs) and on thousands of mutations of them, wherever the reader reads an item it
//! gives the tree, the `;`, the skipped text and the findings that pest gives, to the span.
//! And it does read the clean policies: pest is its fallback, not its partner.

use std::path::{Path, PathBuf};

use imp::source::SourceMap;
use imp::syntax::{parse_item_pest, read_item, scan};

use crate::common::root;

/// Every `.imp` file under `dir`, sorted.
fn imp_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            imp_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "imp") {
            out.push(p);
        }
    }
}

/// The texts: every shipped `.imp` file, and every ```imp block of the docs.
fn texts() -> Vec<(String, String)> {
    let r = root();
    let mut files = Vec::new();
    for d in ["examples", "tests", "fuzz/seeds"] {
        imp_files(&r.join(d), &mut files);
    }
    let mut out: Vec<(String, String)> = files
        .iter()
        .filter_map(|p| Some((p.display().to_string(), std::fs::read_to_string(p).ok()?)))
        .collect();
    let mut docs: Vec<PathBuf> = std::fs::read_dir(r.join("docs"))
        .expect("docs/")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    for d in docs {
        let text = std::fs::read_to_string(&d).expect("a doc");
        let mut block: Option<String> = None;
        for line in text.lines() {
            match &mut block {
                None if line.trim_start().starts_with("```imp") => block = Some(String::new()),
                Some(b) if line.trim_start().starts_with("```") => {
                    out.push((d.display().to_string(), std::mem::take(b)));
                    block = None;
                }
                Some(b) => {
                    b.push_str(line);
                    b.push('\n');
                }
                None => {}
            }
        }
    }
    out
}

/// How many items the reader read and gave up on, comparing each it read with pest.
fn compare(name: &str, text: &str) -> (usize, usize) {
    let mut map = SourceMap::with_limit(u64::MAX);
    let id = map.add(name.into(), text.into()).expect("in the limit");
    let file = map.get(id);
    let scan = scan::scan(file);
    let (mut read, mut gave_up) = (0, 0);
    for cut in &scan.items {
        let Some(fast) = read_item(file, &scan, cut) else {
            gave_up += 1;
            continue;
        };
        read += 1;
        let pest = parse_item_pest(file, &scan, cut);
        let item = &text[cut.start..cut.end];
        assert_eq!(
            format!("{:?}", fast.nodes),
            format!("{:?}", pest.nodes),
            "{name}: the trees differ for {item:?}"
        );
        assert_eq!(fast.semis, pest.semis, "{name}: `;` differ for {item:?}");
        assert_eq!(fast.skipped, pest.skipped, "{name}: {item:?}");
        assert_eq!(
            format!("{:?}", fast.diagnostics),
            format!("{:?}", pest.diagnostics),
            "{name}: the findings differ for {item:?}"
        );
    }
    (read, gave_up)
}

#[test]
fn the_reader_reads_what_pest_reads_in_every_shipped_policy() {
    let texts = texts();
    assert!(texts.len() > 100, "found only {} texts", texts.len());
    let (mut read, mut gave_up) = (0, 0);
    for (name, text) in &texts {
        let (r, g) = compare(name, text);
        read += r;
        gave_up += g;
    }
    // The broken cases make pest read some items; most are clean.
    assert!(read > 5 * gave_up, "read {read}, gave up on {gave_up}");
}

#[test]
fn the_reader_reads_every_item_of_the_examples() {
    let mut files = Vec::new();
    imp_files(&root().join("examples/acme"), &mut files);
    files.push(root().join("examples/startup.imp"));
    for f in files {
        let text = std::fs::read_to_string(&f).expect("an example");
        let (read, gave_up) = compare(&f.display().to_string(), &text);
        assert!(read > 0, "{}", f.display());
        assert_eq!(gave_up, 0, "{}: pest read {gave_up} items", f.display());
    }
}

/// What a mutation puts in: the characters and words at which the two readers could part.
const INSERTS: &[&str] = &[
    "\"", "\"\"\"", "[", "]", "(", ")", "{", "}", "{{", "}}", "-", ">", "->", "#", "\n", "\r",
    "\r\n", ";", ",", "\\", "'", " when ", " and ", " or ", " not ", " in ", ">=", "!", "é",
    "\u{201c}", "\t", " ", "x", "1",
];

#[test]
fn the_reader_reads_what_pest_reads_in_mutated_policies() {
    let texts = texts();
    // A fixed generator: the same mutations on every run.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize
    };
    let (mut read, mut cases) = (0, 0);
    for (name, text) in texts.iter().filter(|(_, t)| t.len() < 20_000) {
        for _ in 0..24 {
            let mut t = text.clone();
            for _ in 0..1 + next() % 3 {
                let mut at = next() % (t.len() + 1);
                while !t.is_char_boundary(at) {
                    at -= 1;
                }
                if next() % 3 == 0 {
                    let mut end = (at + 1 + next() % 4).min(t.len());
                    while !t.is_char_boundary(end) {
                        end += 1;
                    }
                    t.replace_range(at..end, "");
                } else {
                    t.insert_str(at, INSERTS[next() % INSERTS.len()]);
                }
            }
            read += compare(name, &t).0;
            cases += 1;
        }
    }
    assert!(cases > 2000, "{cases} mutations");
    assert!(
        read > cases,
        "the reader read {read} items of {cases} mutations"
    );
}
