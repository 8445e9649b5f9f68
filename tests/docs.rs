//! The documentation agrees with the code: every `imp` block of docs/language.md parses, the
//! reference table is the schema's, every reference property is tested row by row, and
//! docs/diagnostics.md documents exactly the registry's codes, as `imp explain` prints them.

use imp::diagnostics::Code;
use imp::diagnostics::docs::{DIAGNOSTICS_MD, section};
use imp::model::schema::{DECLS, Kind, Shape};
use imp::source::SourceMap;

use crate::common::*;

fn language_md() -> String {
    std::fs::read_to_string(root().join("docs/language.md")).expect("docs/language.md")
}

/// The fenced blocks tagged `lang`, with the line each starts on.
fn blocks(md: &str, lang: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in md.lines().enumerate() {
        let t = line.trim_start();
        match &mut current {
            None if t.starts_with("```") && t[3..].trim() == lang => {
                current = Some((i + 1, String::new()))
            }
            Some(_) if t.starts_with("```") => out.extend(current.take()),
            Some((_, text)) => {
                text.push_str(line);
                text.push('\n');
            }
            None => {}
        }
    }
    out
}

#[test]
fn every_imp_block_of_the_language_reference_parses() {
    let md = language_md();
    let blocks = blocks(&md, "imp");
    assert!(blocks.len() >= 30, "only {} imp blocks", blocks.len());
    let mut failures = Vec::new();
    for (line, text) in blocks {
        let mut map = SourceMap::default();
        let id = map
            .add(format!("docs/language.md:{line}"), text)
            .expect("small");
        let parsed = imp::syntax::parse_file(map.get(id));
        if !parsed.diagnostics.is_empty() {
            failures.push(format!(
                "block at line {line}: {}",
                imp::diagnostics::render::plain(&parsed.diagnostics, &map)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_declaration_and_property_is_documented() {
    let md = language_md();
    for d in DECLS {
        assert!(
            md.contains(&format!("### {}\n", d.keyword)),
            "no `### {}` section",
            d.keyword
        );
        for p in d.props {
            assert!(
                md.contains(&format!("| `{}` |", p.key)),
                "`{}` of `{}` is not in a property table",
                p.key,
                d.keyword
            );
        }
    }
}

/// The keyword that declares a kind.
fn keyword(kind: Kind) -> &'static str {
    DECLS
        .iter()
        .find(|d| d.kind == kind)
        .map_or("?", |d| d.keyword)
}

/// The reference table as the schema defines it.
fn reference_table() -> String {
    let mut out = String::from("| declaration | property | accepts |\n|---|---|---|\n");
    for d in DECLS {
        for p in d.props {
            let accepts = match p.shape {
                Shape::Step | Shape::Steps => "a step of the same procedure".to_string(),
                Shape::LevelRef => "a level of a scale".to_string(),
                Shape::LevelPair => "levels of the `from` and `to` scales".to_string(),
                s => match s.ref_kinds() {
                    Some(kinds) => kinds
                        .iter()
                        .map(|k| format!("`{}`", keyword(*k)))
                        .collect::<Vec<_>>()
                        .join(", "),
                    None => continue,
                },
            };
            out.push_str(&format!("| `{}` | `{}` | {accepts} |\n", d.keyword, p.key));
        }
    }
    out.push_str("| any duration | `10bd@NAME` | `calendar` |\n");
    out.push_str("| any condition | `NAME >= ..` | `impact`, `scale`, `quantity` |\n");
    out.push_str("| any condition | `NAME in [..]`, `NAME == ..` | `impact` with choices |\n");
    out.push_str("| any condition | `NAME` alone | `fact`, `judgement`, `criteria` |\n");
    out.push_str("| any moment | `from NAME`, `D before NAME`, `clock_starts NAME` | `moment` |\n");
    out.push_str("| any condition | `category in [..]` | `category` |\n");
    out
}

#[test]
fn the_reference_table_is_the_schemas() {
    let md = language_md();
    let begin = "<!-- BEGIN reference table -->\n";
    let end = "<!-- END reference table -->";
    let start = md.find(begin).expect("begin marker") + begin.len();
    let stop = md.find(end).expect("end marker");
    let want = reference_table();
    assert!(
        md[start..stop] == want,
        "docs/language.md's reference table is out of date; it should read:\n{want}"
    );
}

/// A minimal declaration of each kind a reference can name, `t_KIND`.
const TARGETS: &str = r#"
person t_person "T" { email "t@example.org" }
role t_role "T" { held_by t_person }
team t_team "T" { lead t_role }
schedule t_schedule "T" { hours 24x7 }
calendar t_calendar "T" { hours mon-fri 09:00-17:00 }
point_of_contact t_point_of_contact "T" { held_by t_person }
channel t_channel "T" { lands_at t_point_of_contact }
external t_external "T" { kind regulator }
impact t_impact "T" { level 1 "low" }
scale t_scale "T" { level t_level "L" {} }
category t_category "T" { threat unknown }
escalation t_escalation "T" { hop t_role -> t_team }
procedure t_procedure "T" { end t_end "E" {} }
obligation t_obligation "T" { to t_external }
form t_form "T" { kind other }
training t_training "T" { every 12mo }
enumeration t_enumeration "T" { values [a] }
"#;

const TARGET_KINDS: &[Kind] = &[
    Kind::Person,
    Kind::Role,
    Kind::Team,
    Kind::Schedule,
    Kind::Calendar,
    Kind::PointOfContact,
    Kind::Channel,
    Kind::External,
    Kind::Impact,
    Kind::Scale,
    Kind::Category,
    Kind::Escalation,
    Kind::Procedure,
    Kind::Obligation,
    Kind::Form,
    Kind::Training,
    Kind::Enumeration,
];

/// The property line that makes `key` refer to `name`.
fn prop_line(key: &str, shape: Shape, name: &str) -> String {
    match shape {
        Shape::Ref(_) | Shape::Holders(_) => format!("{key} {name}"),
        Shape::Exclusive => format!("{key} [{name}]"),
        Shape::Refs(_) | Shape::Audience(_) => format!("{key} [{name}]"),
        Shape::Approval(_) => format!("{key} {name} on 2026-01-01"),
        Shape::Quorum(_) => format!("{key} 1 of [{name}]"),
        Shape::Hop(_) => format!("{key} {name} -> {name}"),
        Shape::ReportTo(_) => format!("{key} {name} within 1h"),
        Shape::ImpactValue(_) => format!("{key} {name} 1"),
        Shape::Expect(_) => format!("{key} {name} engaged"),
        _ => unreachable!("not a reference shape"),
    }
}

/// A policy where declaration `keyword` has the property line `line`.
fn host(keyword: &str, key: &str, line: &str) -> String {
    let d = DECLS.iter().find(|d| d.keyword == keyword).expect("decl");
    let body = if d.top_level() {
        format!("{keyword} host \"H\" {{\n  {line}\n}}\n")
    } else if d.parents.contains(&Kind::Scale) {
        format!("scale host \"H\" {{\n  level l \"L\" {{\n    {line}\n  }}\n}}\n")
    } else if keyword == "option" {
        format!(
            "procedure host \"H\" {{\n  decision s \"S\" {{\n    option o \"O\" {{\n      {line}\n    }}\n  }}\n}}\n"
        )
    } else if keyword == "override" {
        // The base step must be of a kind that has the property.
        let step = DECLS
            .iter()
            .find(|s| s.kind == Kind::Step && s.prop(key).is_some())
            .map_or("action", |s| s.keyword);
        format!(
            "procedure base \"B\" {{\n  {step} s \"S\" {{}}\n}}\nprocedure host \"H\" {{\n  extends base\n  override s {{\n    {line}\n  }}\n}}\n"
        )
    } else if d.parents.contains(&Kind::Procedure) {
        format!("procedure host \"H\" {{\n  {keyword} s \"S\" {{\n    {line}\n  }}\n}}\n")
    } else if d.parents.contains(&Kind::Form) {
        format!("form host \"H\" {{\n  field f \"F\" {{\n    {line}\n  }}\n}}\n")
    } else if d.parents.contains(&Kind::Communications) {
        format!("communications {{\n  audience a \"A\" {{\n    {line}\n  }}\n}}\n")
    } else {
        panic!("no host for `{keyword}`")
    };
    format!("{TARGETS}{body}")
}

/// Checks a policy text and returns its codes and the text.
fn check_text(name: &str, text: &str) -> Vec<(String, String)> {
    let dir = write_tree(name, &[("p.imp", text.as_bytes())]);
    let o = run_in(&dir, &["check", "--format", "json", "p.imp"]);
    let v = json(&o);
    v["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            let (s, e) = (
                d["start"].as_u64().expect("start") as usize,
                d["end"].as_u64().expect("end") as usize,
            );
            (
                d["code"].as_str().expect("code").to_string(),
                text[s..e].to_string(),
            )
        })
        .collect()
}

/// One test per row of the reference table: each accepted kind resolves, another kind is
/// IMP0403 on the reference, an unknown name IMP0401.
#[test]
fn every_reference_property_accepts_exactly_its_kinds() {
    let mut failures = Vec::new();
    let mut rows = 0;
    for d in DECLS {
        for p in d.props {
            let Some(kinds) = p.shape.ref_kinds() else {
                continue;
            };
            rows += 1;
            let tag = format!("{}.{}", d.keyword, p.key);
            for k in kinds.iter().filter(|k| TARGET_KINDS.contains(k)) {
                let name = format!("t_{}", keyword(*k));
                let found = check_text(
                    &format!("ref-{tag}-{name}"),
                    &host(d.keyword, p.key, &prop_line(p.key, p.shape, &name)),
                );
                if found.iter().any(|(c, _)| c == "IMP0401" || c == "IMP0403") {
                    failures.push(format!("{tag} rejects {name}: {found:?}"));
                }
            }
            if let Some(wrong) = TARGET_KINDS.iter().find(|k| !kinds.contains(k)) {
                let name = format!("t_{}", keyword(*wrong));
                let found = check_text(
                    &format!("ref-{tag}-wrong"),
                    &host(d.keyword, p.key, &prop_line(p.key, p.shape, &name)),
                );
                if !found.iter().any(|(c, t)| c == "IMP0403" && *t == name) {
                    failures.push(format!("{tag} accepts {name}: {found:?}"));
                }
            }
            let found = check_text(
                &format!("ref-{tag}-unknown"),
                &host(
                    d.keyword,
                    p.key,
                    &prop_line(p.key, p.shape, "no_such_thing"),
                ),
            );
            if !found
                .iter()
                .any(|(c, t)| c == "IMP0401" && t == "no_such_thing")
            {
                failures.push(format!("{tag} does not report an unknown name: {found:?}"));
            }
        }
    }
    assert!(rows >= 40, "only {rows} reference properties");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn step_and_level_references_resolve_in_their_scope() {
    let ok = format!(
        "{TARGETS}procedure p \"P\" {{\n  start a\n  action a \"A\" {{ next b }}\n  parallel b \"B\" {{ branches [c]; next c }}\n  end c \"C\" {{}}\n}}\ncategory c2 \"C\" {{ minimum t_level }}\nexercise x \"X\" {{ severity t_scale.t_level }}\nmapping m \"M\" {{ from t_scale; to t_scale; map t_level -> t_level }}\n"
    );
    let found = check_text("scope-ok", &ok);
    assert!(
        !found.iter().any(|(c, _)| c == "IMP0401" || c == "IMP0403"),
        "{found:?}"
    );
    let bad = format!(
        "{TARGETS}procedure p \"P\" {{\n  action a \"A\" {{ next t_end }}\n}}\ncategory c2 \"C\" {{ minimum nope }}\nexercise x \"X\" {{ severity t_scale.nope }}\n"
    );
    let found = check_text("scope-bad", &bad);
    let unknown: Vec<&str> = found
        .iter()
        .filter(|(c, _)| c == "IMP0401")
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(unknown, ["t_end", "nope", "t_scale.nope"], "{found:?}");
}

#[test]
fn diagnostics_md_documents_exactly_the_registry() {
    let headings: Vec<&str> = DIAGNOSTICS_MD
        .lines()
        .filter(|l| l.starts_with("## "))
        .collect();
    let want: Vec<String> = Code::ALL
        .iter()
        .map(|c| format!("## {}: {}", c.as_str(), c.title()))
        .collect();
    assert_eq!(headings, want);
    for c in Code::ALL {
        let s = section(*c).expect("section");
        for part in [
            "**What it means.**",
            "**Why it matters.**",
            "**How to fix it.**",
            "**Example.**",
        ] {
            assert!(s.contains(part), "{c}: no {part}");
        }
        assert!(
            s.contains(&format!("Level: {}", c.level().as_str())),
            "{c}: wrong or missing level"
        );
        if let Some(clause) = c.clause() {
            assert!(
                s.contains(&format!("Clause: ISO/IEC TR 18044 {clause}")),
                "{c}: clause"
            );
        }
    }
}

#[test]
fn explain_prints_the_docs_section() {
    for c in [Code::SyntaxError, Code::UnknownName, Code::Unused] {
        let o = run(&["explain", c.as_str()]);
        assert_eq!(code(&o), 0);
        assert_eq!(stdout(&o), section(c).expect("section"));
    }
}

/// The examples of docs/diagnostics.md are real: the first `imp` block of a section, checked on
/// its own as `example.imp`, prints exactly the section's first `text` block; any further
/// `imp` block (the corrected version) checks clean.
#[test]
fn diagnostics_md_examples_print_what_the_docs_say() {
    let mut failures = Vec::new();
    for c in Code::ALL {
        let s = section(*c).expect("section");
        let imps = blocks(&s, "imp");
        let texts = blocks(&s, "text");
        for (i, (_, src)) in imps.iter().enumerate() {
            let dir = write_tree(
                &format!("diag-{}-{i}", c.as_str()),
                &[("example.imp", src.as_bytes())],
            );
            let only = format!("--only={c}");
            let select = if c.is_check() {
                only.as_str()
            } else {
                "--no-checks"
            };
            let o = run_in(
                &dir,
                &[
                    "check",
                    "--format",
                    "plain",
                    "--as-of",
                    "2026-12-01",
                    select,
                    "./example.imp",
                ],
            );
            let want = if i == 0 {
                texts.first().map(|(_, t)| t.clone()).unwrap_or_default()
            } else {
                "no problems found in 1 file\n".to_string()
            };
            if stdout(&o) != want {
                failures.push(format!(
                    "{c} block {i}:\n--printed--\n{}--documented--\n{want}",
                    stdout(&o)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The table "All codes" of docs/diagnostics.md lists every code, its level and its title.
#[test]
fn diagnostics_md_table_lists_the_registry() {
    let rows: Vec<&str> = DIAGNOSTICS_MD
        .lines()
        .filter(|l| l.starts_with("| IMP"))
        .collect();
    let want: Vec<String> = Code::ALL
        .iter()
        .map(|c| {
            format!(
                "| {} | {} | {} |",
                c.as_str(),
                c.level().as_str(),
                c.title()
            )
        })
        .collect();
    assert_eq!(rows, want);
}
