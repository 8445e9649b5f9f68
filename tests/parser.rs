//! Parser tests as tables: input, and what the tree or the first error must be; and the tree
//! gives back every example file byte for byte.

use imp::diagnostics::Diagnostic;
use imp::source::{SourceFile, SourceMap, Span};
use imp::syntax::tree::{Arg, ArgKind, Cond, CondKind, Entry, File, Node};
use imp::syntax::{parse_file, rebuild::rebuild};

use crate::common::root;

struct Parsed {
    map: SourceMap,
    file: File,
    diags: Vec<Diagnostic>,
}

impl Parsed {
    fn src(&self) -> &SourceFile {
        self.map.files().next().expect("one file")
    }

    fn text(&self, s: Span) -> &str {
        self.map.slice(s)
    }

    fn entries(&self) -> Vec<&Entry> {
        self.file
            .nodes
            .iter()
            .filter_map(|n| match n {
                Node::Entry(e) => Some(e),
                Node::Error(_) => None,
            })
            .collect()
    }

    fn codes(&self) -> Vec<&str> {
        self.diags.iter().map(|d| d.code.as_str()).collect()
    }

    /// The tree, compactly: `key(args){children}`; error nodes as `!(text)`.
    fn show_node(&self, n: &Node) -> String {
        match n {
            Node::Error(s) => format!("!({})", self.text(*s)),
            Node::Entry(e) => self.show_entry(e),
        }
    }

    fn show_entry(&self, e: &Entry) -> String {
        let mut s = if e.is_when() {
            String::new()
        } else {
            self.text(e.key).to_string()
        };
        let args: Vec<String> = e.args.iter().map(|a| self.show_arg(a)).collect();
        if !args.is_empty() {
            s.push_str(&format!("({})", args.join(" ")));
        }
        if let Some(w) = &e.when {
            s.push_str(&format!(" when {}", self.cond(&w.cond)));
        }
        if let Some(b) = &e.block {
            let inner: Vec<String> = b.nodes.iter().map(|n| self.show_node(n)).collect();
            s.push_str(&format!("{{{}}}", inner.join("; ")));
        }
        s
    }

    fn show_arg(&self, a: &Arg) -> String {
        match &a.kind {
            ArgKind::Atom => self.text(a.span).to_string(),
            ArgKind::Str => format!("str:{}", self.text(a.span)),
            ArgKind::TextBlock => "block".into(),
            ArgKind::Arrow => "->".into(),
            ArgKind::Placeholder => format!("ph:{}", self.text(a.span)),
            ArgKind::List(l) => format!(
                "[{}]",
                l.items
                    .iter()
                    .map(|i| self.show_arg(i))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    }

    /// A condition with explicit grouping.
    fn cond(&self, c: &Cond) -> String {
        let words = |w: &[Span]| {
            w.iter()
                .map(|s| self.text(*s))
                .collect::<Vec<_>>()
                .join(" ")
        };
        match &c.kind {
            CondKind::And { terms, .. } => format!(
                "({})",
                terms
                    .iter()
                    .map(|t| self.cond(t))
                    .collect::<Vec<_>>()
                    .join(" and ")
            ),
            CondKind::Or { terms, .. } => format!(
                "({})",
                terms
                    .iter()
                    .map(|t| self.cond(t))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
            CondKind::Not { inner, .. } => format!("not {}", self.cond(inner)),
            CondKind::Paren { inner, .. } => format!("[{}]", self.cond(inner)),
            CondKind::Compare {
                subject,
                cmp,
                value,
                ..
            } => format!("{}{cmp}{}", words(subject), self.text(*value)),
            CondKind::In { subject, list, .. } => {
                format!("{} in {}", words(subject), self.show_arg(list))
            }
            CondKind::Words(w) => format!("<{}>", words(w)),
            CondKind::Error => "ERROR".into(),
        }
    }

    fn show(&self) -> String {
        self.file
            .nodes
            .iter()
            .map(|n| self.show_node(n))
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

fn parse(text: &str) -> Parsed {
    let mut map = SourceMap::default();
    let id = map.add("t.imp".into(), text.into()).expect("small");
    let p = parse_file(map.get(id));
    Parsed {
        map,
        file: p.file,
        diags: p.diagnostics,
    }
}

#[test]
fn arguments_are_generic_tokens() {
    // The grammar reads tokens; what they must be is the schema's to say.
    let cases: &[(&str, &str)] = &[
        ("x owner", "x(owner)"),
        ("x severity.sev2", "x(severity.sev2)"),
        ("x \"a \\\"b\\\" \\\\ c\"", "x(str:\"a \\\"b\\\" \\\\ c\")"),
        (
            "x 42 15m 15min 10bd@uk_office",
            "x(42 15m 15min 10bd@uk_office)",
        ),
        (
            "x 2026-03-01 2026-1-5 YYYY-MM-DD",
            "x(2026-03-01 2026-1-5 YYYY-MM-DD)",
        ),
        ("x 1hr 1h30m", "x(1hr 1h30m)"),
        (
            "x mon-fri 08:00-18:00 9:00-17:00",
            "x(mon-fri 08:00-18:00 9:00-17:00)",
        ),
        ("x 24x7 T1486.001", "x(24x7 T1486.001)"),
        ("x a -> b", "x(a -> b)"),
        ("x a->b", "x(a -> b)"),
        ("x [a, b,]", "x([a,b])"),
        ("x [\n  a, # first\n  b\n]", "x([a,b])"),
        ("x 2 of [a, b]", "x(2 of [a,b])"),
        ("x []", "x([])"),
        ("x {{OWNER}} {{ DATE }}", "x(ph:{{OWNER}} ph:{{ DATE }})"),
        // Typographic and single quotes make a string; the model says which quotes to use.
        (
            "x \u{201c}Rebuild { the } hosts\u{201d}",
            "x(str:\u{201c}Rebuild { the } hosts\u{201d})",
        ),
        ("x \u{201c}unclosed", "x(\u{201c}unclosed)"),
        ("x o'brien", "x(o'brien)"),
        ("x soci\u{e9}t\u{e9}", "x(soci\u{e9}t\u{e9})"),
        ("x 'single quotes'", "x(str:'single quotes')"),
        ("x \"\"\"\n  text\n  \"\"\"", "x(block)"),
    ];
    for (prop, want) in cases {
        let p = parse(&format!("decl n {{\n  {prop}\n}}\n"));
        assert!(p.diags.is_empty(), "{prop}: {:?}", p.diags);
        let e = p.entries()[0];
        let got = p.show_node(&e.block.as_ref().expect("block").nodes[0]);
        assert_eq!(got, *want, "{prop}");
    }
}

#[test]
fn header_title_block_and_semicolons() {
    let p = parse("role ciso \"Chief\" { held_by alice; backup [bob] }\n");
    assert!(p.diags.is_empty());
    assert_eq!(
        p.show(),
        "role(ciso str:\"Chief\"){held_by(alice); backup([bob])}"
    );
    let b = p.entries()[0].block.as_ref().expect("block");
    assert_eq!(b.semis.len(), 1);
    assert_eq!(p.text(b.semis[0]), ";");
    let p = parse("a {}; b {}\n");
    assert_eq!(p.show(), "a{} | b{}");
    assert_eq!(p.file.semis.len(), 1);
}

fn when_of(text: &str) -> String {
    let p = parse(text);
    assert!(p.diags.is_empty(), "{text}: {:?}", p.diags);
    let e = p.entries()[0].block.as_ref().expect("block").nodes[0].clone();
    match e {
        Node::Entry(e) => p.cond(&e.when.expect("condition").cond),
        Node::Error(s) => panic!("error node {}", p.text(s)),
    }
}

#[test]
fn conditions_and_precedence() {
    let cases: &[(&str, &str)] = &[
        ("a >= 3", "a>=3"),
        ("severity >= sev2", "severity>=sev2"),
        ("a > 1 or b < 2 and c == 3", "(a>1 or (b<2 and c==3))"),
        ("(a > 1 or b < 2) and c != 3", "([(a>1 or b<2)] and c!=3)"),
        ("not a >= 1 and b <= 2", "(not a>=1 and b<=2)"),
        ("not not a >= 1", "not not a>=1"),
        ("not acknowledged after 30m", "not <acknowledged after 30m>"),
        (
            "not under_control after 4h or a >= 2",
            "(not <under_control after 4h> or a>=2)",
        ),
        (
            "category in [ransomware, dos]",
            "category in [ransomware,dos]",
        ),
        ("a >= 1 or\n    b >= 2", "(a>=1 or b>=2)"),
        ("a >= 1\n    or b >= 2", "(a>=1 or b>=2)"),
        ("(\n  a >= 1\n)", "[a>=1]"),
        ("notable >= 1", "notable>=1"),
        ("android >= 1 and order >= 2", "(android>=1 and order>=2)"),
        ("high_criteria", "<high_criteria>"),
        ("a>=1", "a>=1"),
    ];
    for (c, want) in cases {
        let text = format!("level l {{\n  when {c}\n}}\n");
        assert_eq!(when_of(&text), *want, "{c}");
    }
    // A `when` after the arguments of a property.
    let p = parse("e x {\n  hop a -> b within 15m when sev >= s1\n}\n");
    assert_eq!(p.show(), "e(x){hop(a -> b within 15m) when sev>=s1}");
}

#[test]
fn chains_of_and_and_or_are_flat() {
    // 6,000 `or` terms: one node, not a tree 6,000 deep.
    let terms: Vec<String> = (0..6000).map(|i| format!("a >= {i}")).collect();
    let p = parse(&format!("level l {{\n  when {}\n}}\n", terms.join(" or ")));
    assert!(p.diags.is_empty());
    let Node::Entry(w) = &p.entries()[0].block.as_ref().expect("block").nodes[0] else {
        panic!("entry");
    };
    match &w.when.as_ref().expect("when").cond.kind {
        CondKind::Or { terms, ops } => assert_eq!((terms.len(), ops.len()), (6000, 5999)),
        other => panic!("{other:?}"),
    }
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
            "expected a value",
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
        (
            "role r \"R\" { duty \"a\u{202e}b\" }\n",
            &["IMP0005"],
            (1, 21),
            "bidirectional",
        ),
        (
            "role r { # a \u{2066}comment\n}\n",
            &["IMP0005"],
            (1, 14),
            "bidirectional",
        ),
    ];
    for (input, want, (line, col), words) in cases {
        let p = parse(input);
        assert_eq!(p.codes(), *want, "{input:?}");
        let Some(first) = p.diags.first() else {
            continue;
        };
        let at = p.src().line_col_at(first.primary.span.lo);
        assert_eq!(at, (*line, *col), "{input:?}");
        assert!(
            first.message.contains(words),
            "{input:?}: {}",
            first.message
        );
    }
}

#[test]
fn a_bad_entry_drops_only_itself() {
    // The `=` makes `held_by` an error node; `backup` and the other step still parse.
    let p = parse("role r \"R\" {\n  held_by = a\n  backup [b]\n}\n");
    assert_eq!(p.codes(), ["IMP0101"]);
    assert_eq!(p.show(), "role(r str:\"R\"){!(held_by = a); backup([b])}");
    let p = parse(
        "procedure p {\n  action a \"A\" { owner = x; within 1h }\n  action b = \"B\" {\n    owner y\n  }\n  end c {}\n}\n",
    );
    assert_eq!(p.codes(), ["IMP0101", "IMP0101"]);
    assert_eq!(
        p.show(),
        "procedure(p){action(a str:\"A\"){!(owner = x); within(1h)}; !(action b = \"B\" {\n    owner y\n  }); end(c){}}"
    );
}

#[test]
fn one_error_does_not_hide_the_next_declaration() {
    let p = parse("role a { held_by = x }\nrole b \"B\" { held_by y }\nrole c { held_by : z }\n");
    assert_eq!(p.codes(), ["IMP0101", "IMP0101"]);
    assert_eq!(
        p.show(),
        "role(a){!(held_by = x)} | role(b str:\"B\"){held_by(y)} | role(c){!(held_by : z)}"
    );
}

#[test]
fn a_missing_brace_is_found_where_it_is_missing() {
    // At the end of the file, or at the next unindented line: the declaration is closed
    // there, and still read.
    let p = parse("role a {\n  held_by x\n\nrole b { held_by y }\n");
    assert_eq!(p.codes(), ["IMP0102"]);
    assert_eq!(p.show(), "role(a){held_by(x)} | role(b){held_by(y)}");
    // The `}` of a step is missing, not the procedure's: the indentation says so, and the
    // procedure is read with both steps.
    let text = "procedure p \"P\" {\n  action a \"A\" {\n    owner ciso\n  action b \"B\" { owner ciso }\n}\n";
    let p = parse(text);
    assert_eq!(p.codes(), ["IMP0102"]);
    let d = &p.diags[0];
    assert_eq!(
        p.src().line_col_at(d.primary.span.lo),
        (2, 16),
        "the step's brace"
    );
    assert!(
        d.help
            .as_deref()
            .is_some_and(|h| h.contains("before line 4")),
        "{:?}",
        d.help
    );
    assert_eq!(
        p.show(),
        "procedure(p str:\"P\"){action(a str:\"A\"){owner(ciso)}; action(b str:\"B\"){owner(ciso)}}"
    );
    // A balanced file is never second-guessed by its indentation.
    let p = parse(
        "role a {\nheld_by_x_is_not_a_declaration_but_indented_oddly\n}\n"
            .replace("\nheld", "\n held")
            .as_str(),
    );
    assert!(p.diags.is_empty(), "{:?}", p.codes());
}

#[test]
fn missing_closers_on_one_line() {
    let p = parse("scale s {\n  level x \"X\" { when (financial >= 3 }\n}\n");
    assert_eq!(p.codes(), ["IMP0102"]);
    assert_eq!(
        p.show(),
        "scale(s){level(x str:\"X\"){ when [financial>=3]}}"
    );
    let p = parse("training t {\n  audience [all_staff, contractors}\n  every 12mo\n}\n");
    assert_eq!(p.codes(), ["IMP0103"]);
    assert_eq!(
        p.show(),
        "training(t){audience([all_staff,contractors]); every(12mo)}"
    );
}

#[test]
fn comments_are_kept_and_doc_comments_attach() {
    let text = "# a comment\n## The CISO.\n## Second line.\nrole ciso { # trailing\n  ## Who holds it.\n  held_by a\n}\n";
    let p = parse(text);
    assert!(p.diags.is_empty());
    assert_eq!(p.file.comments.len(), 5);
    assert_eq!(p.text(p.file.comments[0].span), "# a comment");
    assert!(!p.file.comments[0].doc && p.file.comments[1].doc);
    let e = p.entries()[0];
    assert_eq!(p.text(e.doc.expect("doc")), "## The CISO.\n## Second line.");
    let Node::Entry(held) = &e.block.as_ref().expect("block").nodes[0] else {
        panic!("entry");
    };
    assert_eq!(p.text(held.doc.expect("doc")), "## Who holds it.");
}

#[test]
fn docs_do_not_leak_into_children_on_the_same_line() {
    let p = parse("## The step.\naction a { owner b }\n");
    let e = p.entries()[0];
    assert!(e.doc.is_some());
    let Node::Entry(owner) = &e.block.as_ref().expect("block").nodes[0] else {
        panic!("entry");
    };
    assert_eq!(owner.doc, None);
}

#[test]
fn lone_carriage_returns_end_lines() {
    let p = parse("## Doc.\r  ## Indented.\rrole r {\r  ## Prop.\r  held_by a\r}\r");
    assert!(p.diags.is_empty());
    let e = p.entries()[0];
    assert_eq!(p.text(e.doc.expect("doc")), "## Doc.\r  ## Indented.");
    let Node::Entry(held) = &e.block.as_ref().expect("block").nodes[0] else {
        panic!("entry");
    };
    assert_eq!(p.text(held.doc.expect("doc")), "## Prop.");
    assert_eq!(p.src().line_col_at(held.key.lo), (5, 3));
}

#[test]
fn spans_are_exact_byte_ranges() {
    let text = "role ciso \"C\" {\n  held_by alice  # who\n}\n";
    let p = parse(text);
    let e = p.entries()[0];
    assert_eq!(p.text(e.key), "role");
    assert_eq!(p.text(e.args[0].span), "ciso");
    let Node::Entry(held) = &e.block.as_ref().expect("block").nodes[0] else {
        panic!("entry");
    };
    assert_eq!(p.text(held.args[0].span), "alice");
    assert_eq!(
        p.text(held.span),
        "held_by alice",
        "no trailing blank or comment"
    );
    assert_eq!(p.text(e.span), text.trim_end());
}

#[test]
fn empty_and_comment_only_files_warn() {
    for text in ["", "# just a comment\n", "\n\n"] {
        assert_eq!(parse(text).codes(), ["IMP0003"], "{text:?}");
    }
}

#[test]
fn the_tree_gives_back_every_example_byte_for_byte() {
    let mut files = Vec::new();
    let mut stack = vec![root().join("examples"), root().join("docs")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "imp") {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(files.len() >= 70, "{} files", files.len());
    let mut extra: Vec<(String, String)> = vec![
        ("errors".into(), "role a { held_by = x; backup [b,\n  c] }}\nrole b \"unterminated\n  when (x >= 1 and\n   not y) # c\n".into()),
        ("cr".into(), "role a {\r  held_by x ; backup [y]\r}\r".into()),
        ("bom".into(), "\u{feff}## doc\nrole a { held_by x }\n".into()),
        ("parens".into(), "level l { when ((a >= 1) or (not b in [c])) and d }\n".into()),
        ("stray".into(), "}\nrole a {\n  x \u{7} y\n}\n]".into()),
        ("deep".into(), format!("role r {}{}\n", "{ x ".repeat(70), "}".repeat(70))),
    ];
    for f in files {
        let bytes = std::fs::read(&f).expect("read");
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        extra.push((f.display().to_string(), text));
    }
    for (name, text) in extra {
        let p = parse(&text);
        match rebuild(p.src(), &p.file) {
            Ok(t) => assert_eq!(t, text, "{name}"),
            Err(lost) => panic!(
                "{name}: the tree lost {:?} at {:?}",
                lost.text,
                p.src().line_col_at(lost.span.lo)
            ),
        }
    }
}
