//! Parser tests as tables: input, and what the tree or the first error must be.

use imp::diagnostics::Diagnostic;
use imp::source::SourceMap;
use imp::syntax::ast::{Condition, Entry, Value};
use imp::syntax::parse_file;

fn parse(text: &str) -> (Vec<Entry>, Vec<Diagnostic>, Vec<imp::syntax::ast::Comment>) {
    let mut map = SourceMap::default();
    let id = map.add("t.imp".into(), text.into());
    let p = parse_file(map.get(id));
    (p.file.entries, p.diagnostics, p.file.comments)
}

fn codes(d: &[Diagnostic]) -> Vec<&str> {
    d.iter().map(|d| d.code.as_str()).collect()
}

/// Renders the arguments of the first property of the first declaration, compactly.
fn first_prop_args(text: &str) -> String {
    let (entries, diags, _) = parse(text);
    assert!(diags.is_empty(), "{text}: {diags:?}");
    let e = &entries[0].block.as_ref().expect("block").entries[0];
    e.args
        .iter()
        .map(|a| show(&a.value))
        .collect::<Vec<_>>()
        .join(" ")
}

fn show(v: &Value) -> String {
    match v {
        Value::Word(w) => format!("word:{w}"),
        Value::Str(s) => format!("str:{s:?}"),
        Value::Integer(n) => format!("int:{n}"),
        Value::Duration {
            amount,
            unit,
            calendar,
        } => format!(
            "dur:{amount}{}{}",
            unit.suffix(),
            calendar
                .as_ref()
                .map(|c| format!("@{}", c.text))
                .unwrap_or_default()
        ),
        Value::Date { year, month, day } => format!("date:{year}-{month}-{day}"),
        Value::Time { hour, minute } => format!("time:{hour}:{minute}"),
        Value::TimeRange { start, end } => {
            format!("range:{}:{}-{}:{}", start.0, start.1, end.0, end.1)
        }
        Value::Days { from, to } => format!("days:{from:?}-{to:?}"),
        Value::Always => "24x7".into(),
        Value::Arrow => "->".into(),
        Value::List(items) => format!(
            "[{}]",
            items
                .iter()
                .map(|a| show(&a.value))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

#[test]
fn literals() {
    let cases: &[(&str, &str)] = &[
        ("x owner", "word:owner"),
        ("x severity.sev2", "word:severity.sev2"),
        ("x \"a \\\"b\\\" \\\\ c\"", "str:\"a \\\"b\\\" \\\\ c\""),
        ("x 42", "int:42"),
        ("x 15m", "dur:15m"),
        ("x 15min", "dur:15m"),
        ("x 4h 5d 2w", "dur:4h dur:5d dur:2w"),
        ("x 3mo 7y", "dur:3mo dur:7y"),
        ("x 10bd", "dur:10bd"),
        ("x 10bd@uk_office", "dur:10bd@uk_office"),
        ("x 2026-03-01", "date:2026-3-1"),
        ("x 2026-02-30", "date:2026-2-30"),
        ("x 08:30", "time:8:30"),
        ("x 22:00-02:00", "range:22:0-2:0"),
        ("x mon-fri 08:00-18:00", "days:Mon-Fri range:8:0-18:0"),
        ("x sat", "word:sat"),
        ("x sat 10:00-14:00", "days:Sat-Sat range:10:0-14:0"),
        ("x T1486.001", "word:T1486.001"),
        ("x monitor", "word:monitor"),
        ("x 24x7", "24x7"),
        ("x a -> b", "word:a -> word:b"),
        ("x [a, b,]", "[word:a,word:b]"),
        ("x [\n  a,\n  b\n]", "[word:a,word:b]"),
        ("x 2 of [a, b]", "int:2 word:of [word:a,word:b]"),
        ("x []", "[]"),
    ];
    for (prop, want) in cases {
        let text = format!("decl n {{\n  {prop}\n}}\n");
        assert_eq!(first_prop_args(&text), *want, "{prop}");
    }
}

#[test]
fn text_blocks_strip_common_indentation() {
    let text = "d n {\n  purpose \"\"\"\n    First line\n      indented\n    last\n    \"\"\"\n}\n";
    assert_eq!(
        first_prop_args(text),
        "str:\"First line\\n  indented\\nlast\""
    );
}

#[test]
fn header_title_and_block() {
    let (entries, diags, _) = parse("role ciso \"Chief\" { held_by alice; backup [bob] }\n");
    assert!(diags.is_empty());
    let e = &entries[0];
    assert_eq!(e.key.text, "role");
    assert_eq!(e.args.len(), 2);
    let b = e.block.as_ref().expect("block");
    assert_eq!(b.entries.len(), 2);
    assert_eq!(b.entries[1].key.text, "backup");
}

fn when_of(text: &str) -> Condition {
    let (entries, diags, _) = parse(text);
    assert!(diags.is_empty(), "{text}: {diags:?}");
    *entries[0].block.as_ref().expect("block").entries[0]
        .when
        .clone()
        .expect("condition")
}

/// Shows a condition with explicit grouping.
fn cond(c: &Condition) -> String {
    match c {
        Condition::And { left, right, .. } => format!("({} and {})", cond(left), cond(right)),
        Condition::Or { left, right, .. } => format!("({} or {})", cond(left), cond(right)),
        Condition::Not { inner, .. } => format!("not {}", cond(inner)),
        Condition::Compare {
            subject, op, value, ..
        } => format!("{}{op:?}{}", subject.text, show(&value.value)),
        Condition::In { subject, items, .. } => format!(
            "{} in {:?}",
            subject.text,
            items.iter().map(|i| i.text.as_str()).collect::<Vec<_>>()
        ),
        Condition::NotAfter { event, after, .. } => {
            format!("not {event:?} after {}", show(&after.value))
        }
    }
}

#[test]
fn conditions_and_precedence() {
    let cases: &[(&str, &str)] = &[
        ("a >= 3", "aGeint:3"),
        ("severity >= sev2", "severityGeword:sev2"),
        (
            "a > 1 or b < 2 and c == 3",
            "(aGtint:1 or (bLtint:2 and cEqint:3))",
        ),
        (
            "(a > 1 or b < 2) and c != 3",
            "((aGtint:1 or bLtint:2) and cNeint:3)",
        ),
        ("not a >= 1 and b <= 2", "(not aGeint:1 and bLeint:2)"),
        ("not not a >= 1", "not not aGeint:1"),
        (
            "not acknowledged after 30m",
            "not Acknowledged after dur:30m",
        ),
        (
            "not under_control after 4h or a >= 2",
            "(not UnderControl after dur:4h or aGeint:2)",
        ),
        (
            "not not acknowledged after 1h",
            "not not Acknowledged after dur:1h",
        ),
        (
            "category in [ransomware, dos]",
            "category in [\"ransomware\", \"dos\"]",
        ),
        ("a >= 1 or\n    b >= 2", "(aGeint:1 or bGeint:2)"),
        ("(\n  a >= 1\n)", "aGeint:1"),
        ("notable >= 1", "notableGeint:1"),
        (
            "android >= 1 and order >= 2",
            "(androidGeint:1 and orderGeint:2)",
        ),
    ];
    for (c, want) in cases {
        let text = format!("level l {{\n  when {c}\n}}\n");
        assert_eq!(cond(&when_of(&text)), *want, "{c}");
    }
    // A `when` after the arguments of a property.
    let (entries, _, _) = parse("e x {\n  hop a -> b within 15m when sev >= s1\n}\n");
    let hop = &entries[0].block.as_ref().expect("block").entries[0];
    assert_eq!(hop.args.len(), 5);
    assert!(hop.when.is_some());
}

#[test]
fn syntax_errors() {
    // (input, codes, line and column of the first error, words its message must contain)
    type Case<'a> = (&'a str, &'a [&'a str], (usize, usize), &'a str);
    let cases: &[Case<'_>] = &[
        (
            "role r { held_by = a }\n",
            &["IMP0101"],
            (1, 18),
            "found `=`",
        ),
        (
            "role r {\n  held_by a\n",
            &["IMP0102"],
            (1, 8),
            "`{` is never closed",
        ),
        (
            "role r { held_by a }}\n",
            &["IMP0103"],
            (1, 21),
            "unmatched `}`",
        ),
        (
            "role r { held_by [a) }\n",
            &["IMP0103"],
            (1, 20),
            "does not close",
        ),
        (
            "role r \"title\n",
            &["IMP0104"],
            (1, 8),
            "unterminated string",
        ),
        (
            "role r \"bad \\q\"\n",
            &["IMP0105"],
            (1, 13),
            "invalid escape `\\q`",
        ),
        (
            "role r { when a >= }\n",
            &["IMP0101"],
            (1, 20),
            "expected a level or a number",
        ),
        (
            "role r { held_by a } extra\n",
            &["IMP0101"],
            (1, 22),
            "found `extra`",
        ),
        (
            "role r { backup [alice bob] }\n",
            &["IMP0101"],
            (1, 24),
            "found `bob`",
        ),
        ("role r { when (a >= 1\n  and b >= 2) }\n", &[], (0, 0), ""),
    ];
    for (input, want, (line, col), words) in cases {
        let (_, diags, _) = parse(input);
        assert_eq!(codes(&diags), *want, "{input:?}");
        let Some(first) = diags.first() else { continue };
        let mut map = SourceMap::default();
        let id = map.add("t".into(), (*input).into());
        let at = map.get(id).line_col(first.primary.span.start);
        assert_eq!(at, (*line, *col), "{input:?}");
        assert!(
            first.message.contains(words),
            "{input:?}: {}",
            first.message
        );
    }
}

#[test]
fn one_error_does_not_hide_the_next_declaration() {
    let text = "role a { held_by = x }\nrole b \"B\" { held_by y }\nrole c { held_by : z }\n";
    let (entries, diags, _) = parse(text);
    assert_eq!(codes(&diags), ["IMP0101", "IMP0101"]);
    assert_eq!(entries.len(), 1, "b still parses");
    assert_eq!(entries[0].args[0].value, Value::Word("b".into()));
}

#[test]
fn missing_brace_recovers_at_the_next_unindented_line() {
    let text = "role a {\n  held_by x\n\nrole b { held_by y }\n";
    let (entries, diags, _) = parse(text);
    assert_eq!(codes(&diags), ["IMP0102"]);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].args[0].value, Value::Word("b".into()));
}

#[test]
fn comments_are_kept_and_doc_comments_attach() {
    let text = "# a comment\n## The CISO.\n## Second line.\nrole ciso { # trailing\n  ## Who holds it.\n  held_by a\n}\n";
    let (entries, diags, comments) = parse(text);
    assert!(diags.is_empty());
    assert_eq!(comments.len(), 5);
    assert_eq!(comments[0].text, " a comment");
    assert!(!comments[0].doc && comments[1].doc);
    assert_eq!(entries[0].doc.as_deref(), Some("The CISO.\nSecond line."));
    assert_eq!(
        entries[0].block.as_ref().expect("block").entries[0]
            .doc
            .as_deref(),
        Some("Who holds it.")
    );
}

#[test]
fn spans_are_exact_byte_ranges() {
    let text = "role ciso \"C\" {\n  held_by alice\n}\n";
    let (entries, _, _) = parse(text);
    let e = &entries[0];
    assert_eq!(&text[e.key.span.range()], "role");
    assert_eq!(&text[e.args[0].span.range()], "ciso");
    let held = &e.block.as_ref().expect("block").entries[0];
    assert_eq!(&text[held.args[0].span.range()], "alice");
    assert_eq!(&text[e.span.range()], text.trim_end());
}

#[test]
fn empty_and_comment_only_files_warn() {
    for text in ["", "# just a comment\n", "\n\n"] {
        let (_, diags, _) = parse(text);
        assert_eq!(codes(&diags), ["IMP0003"], "{text:?}");
    }
}
