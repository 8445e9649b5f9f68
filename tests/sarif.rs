//! The machine-readable formats through the real binary: `--format sarif` against the OASIS
//! SARIF 2.1.0 schema (`../shared/schemas`, beside the repository), `--format json` against
//! docs/json-schema.json.

use std::path::{Path, PathBuf};

use imp::diagnostics::Code;
use imp::diagnostics::docs::DIAGNOSTICS_URL;
use serde_json::Value;

use crate::common::{code, json, path_str, root, run, run_in, stdout, write_tree};

/// The SARIF schema, beside the repository (CI lays `shared/` beside its clone).
fn sarif_schema_path() -> PathBuf {
    root().join("../shared/schemas/sarif-schema-2.1.0.json")
}

fn validator(path: &Path) -> jsonschema::Validator {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read the schema {}: {e}", path.display()));
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the schema compiles")
}

fn sarif_validator() -> jsonschema::Validator {
    validator(&sarif_schema_path())
}

fn json_validator() -> jsonschema::Validator {
    validator(&root().join("docs/json-schema.json"))
}

/// The schema errors of a document (at most 20), each with where it is.
fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .take(20)
        .map(|e| format!("{} (at {})", e, e.instance_path()))
        .collect()
}

fn assert_valid(v: &jsonschema::Validator, doc: &Value, what: &str) {
    let errs = errors(v, doc);
    assert!(errs.is_empty(), "{what} is not valid:\n{}", errs.join("\n"));
}

/// Checks that every artifact's URI is a URI reference and the base a URI: the SARIF schema
/// is draft-04, which does not know the format `uri-reference`.
fn assert_uris(doc: &Value) {
    let check = |format: &str, uri: &Value| {
        let v = jsonschema::options()
            .should_validate_formats(true)
            .build(&serde_json::json!({
                "$schema": "http://json-schema.org/draft-07/schema#",
                "type": "string",
                "format": format,
            }))
            .expect("a format schema");
        assert!(v.is_valid(uri), "{uri} is not a {format}");
    };
    let run = the_run(doc);
    for a in run["artifacts"].as_array().expect("artifacts") {
        check("uri-reference", &a["location"]["uri"]);
    }
    if let Some(base) = run.get("originalUriBaseIds") {
        check("uri", &base["%SRCROOT%"]["uri"]);
    }
}

fn sarif(args: &[&str]) -> (Value, i32) {
    let mut all = vec!["check", "--format", "sarif"];
    all.extend_from_slice(args);
    let o = run(&all);
    (json(&o), code(&o))
}

fn the_run(doc: &Value) -> &Value {
    let runs = doc["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1, "one run");
    &runs[0]
}

fn results(doc: &Value) -> &Vec<Value> {
    the_run(doc)["results"].as_array().expect("results")
}

fn region(loc: &Value) -> [u64; 4] {
    let r = &loc["physicalLocation"]["region"];
    ["startLine", "startColumn", "endLine", "endColumn"]
        .map(|k| r[k].as_u64().unwrap_or_else(|| panic!("{k} in {r}")))
}

fn fingerprints(doc: &Value) -> Vec<String> {
    results(doc)
        .iter()
        .map(|r| {
            r["partialFingerprints"]["primaryLocationLineHash"]
                .as_str()
                .expect("a line hash")
                .to_string()
        })
        .collect()
}

#[test]
fn sarif_of_the_broken_examples_is_valid_sarif_2_1_0() {
    let v = sarif_validator();
    let (doc, exit) = sarif(&["examples/broken"]);
    assert_eq!(exit, 1, "the broken examples have errors");
    assert_valid(&v, &doc, "the SARIF of examples/broken");
    assert_uris(&doc);
    assert_eq!(doc["version"], "2.1.0");
    assert_eq!(
        doc["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    let run = the_run(&doc);
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    assert!(results(&doc).len() > 100, "every finding is a result");
    // The check has teeth: a result without a message is refused.
    let mut broken = doc.clone();
    broken["runs"][0]["results"][0]
        .as_object_mut()
        .expect("a result")
        .remove("message");
    assert!(!errors(&v, &broken).is_empty(), "a result needs a message");
    // Formats are checked too: a rule's `helpUri` that is not a URI is refused.
    let mut broken = doc.clone();
    broken["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"] = Value::from("not a uri");
    assert!(!errors(&v, &broken).is_empty(), "a help URI is a URI");
}

#[test]
fn every_finding_is_a_result_with_its_labels_as_related_locations_and_its_path_as_a_code_flow() {
    let plain = json(&run(&["check", "--format", "json", "examples/broken"]));
    let (doc, _) = sarif(&["examples/broken"]);
    let diags = plain["diagnostics"].as_array().expect("diagnostics");
    let results = results(&doc);
    assert_eq!(diags.len(), results.len());
    let mut related = 0;
    let mut flows = 0;
    for (d, r) in diags.iter().zip(results) {
        assert_eq!(r["ruleId"], d["code"]);
        assert_eq!(r["level"], d["level"]);
        let text = r["message"]["text"].as_str().expect("message text");
        let message = d["message"].as_str().expect("message");
        assert!(
            text.starts_with(&message.replace('{', "{{").replace('}', "}}")),
            "{text:?} gives {message:?}"
        );
        let place = ["line", "column", "end_line", "end_column"]
            .map(|k| d[k].as_u64().expect("a position"));
        let loc = &r["locations"][0];
        assert_eq!(region(loc), place, "{r}");
        assert_eq!(
            loc["physicalLocation"]["artifactLocation"]["uri"], d["file"],
            "paths under the working directory are written relative to it"
        );
        let labels = &d["labels"].as_array().expect("labels")[1..];
        let empty = Vec::new();
        let rel = r
            .get("relatedLocations")
            .map_or(&empty, |v| v.as_array().expect("related locations"));
        assert_eq!(rel.len(), labels.len(), "{r}");
        // The labels on the evidence path, in order, are the thread flow's locations.
        let steps: Vec<&Value> = labels.iter().filter(|l| l.get("step").is_some()).collect();
        let flow = r["codeFlows"][0]["threadFlows"][0]["locations"].as_array();
        match flow {
            None => assert!(steps.is_empty(), "a path without a code flow: {r}"),
            Some(flow) => {
                flows += 1;
                assert_eq!(flow.len(), steps.len(), "{r}");
                for (k, (l, f)) in steps.iter().zip(flow).enumerate() {
                    assert_eq!(l["step"], k + 1);
                    assert_eq!(f["executionOrder"], k + 1);
                    let place = ["line", "column", "end_line", "end_column"]
                        .map(|x| l[x].as_u64().expect("a position"));
                    assert_eq!(region(&f["location"]), place, "{f}");
                }
            }
        }
        for (i, (l, rl)) in labels.iter().zip(rel).enumerate() {
            related += 1;
            assert_eq!(rl["id"], i + 1);
            let place = ["line", "column", "end_line", "end_column"]
                .map(|k| l[k].as_u64().expect("a position"));
            assert_eq!(region(rl), place, "{rl}");
            let m = l["message"].as_str().expect("label message");
            if m.is_empty() {
                assert!(rl.get("message").is_none(), "{rl}");
            } else {
                assert_eq!(
                    rl["message"]["text"],
                    m.replace('{', "{{").replace('}', "}}")
                );
            }
        }
    }
    assert!(related > 10, "the broken examples have secondary labels");
    let _ = flows;
}

#[test]
fn rule_index_points_at_the_rule_of_the_same_id() {
    let (doc, _) = sarif(&["examples/broken"]);
    let rules = the_run(&doc)["tool"]["driver"]["rules"]
        .as_array()
        .expect("rules");
    let ids: Vec<&str> = rules
        .iter()
        .map(|r| r["id"].as_str().expect("id"))
        .collect();
    let all: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(ids, all, "a rule for every code, in order");
    for r in results(&doc) {
        let i = r["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[i]["id"], r["ruleId"], "{r}");
    }
    for (rule, c) in rules.iter().zip(Code::ALL) {
        assert_eq!(rule["name"], c.name());
        assert_eq!(rule["shortDescription"]["text"], c.title());
        assert_eq!(rule["defaultConfiguration"]["level"], c.level().as_str());
        let help = rule["help"]["markdown"].as_str().expect("help");
        assert!(help.starts_with(&format!("## {c}: ")), "{help}");
        assert_eq!(rule["help"]["text"], rule["help"]["markdown"]);
        let uri = rule["helpUri"].as_str().expect("helpUri");
        assert!(
            uri.starts_with(&format!("{DIAGNOSTICS_URL}#{}-", c.as_str().to_lowercase())),
            "{uri}"
        );
    }
    // A documented code's full description is its "What it means." paragraph.
    let unknown = &rules[Code::ALL
        .iter()
        .position(|&c| c == Code::UnknownName)
        .expect("IMP0401")];
    let full = unknown["fullDescription"]["text"].as_str().expect("text");
    assert!(
        !full.contains("What it means") && full.len() > 60 && !full.contains('\n'),
        "{full}"
    );
}

#[test]
fn a_file_with_a_syntax_error_still_gives_valid_sarif() {
    let dir = write_tree(
        "sarif-syntax",
        &[(
            "example.imp",
            b"person alice {\n  email \"alice@example.org\"\n\nrole lead {\n  held_by alice\n}\n",
        )],
    );
    let o = run_in(&dir, &["check", "--format", "sarif", "example.imp"]);
    assert_eq!(code(&o), 1);
    let doc = json(&o);
    assert_valid(&sarif_validator(), &doc, "the SARIF of a syntax error");
    assert_eq!(the_run(&doc)["invocations"][0]["executionSuccessful"], true);
    let rs = results(&doc);
    assert!(
        rs.iter().any(|r| r["ruleId"] == "IMP0102"),
        "the unclosed brace is reported: {rs:?}"
    );
    // `{` in a message is written `{{` (SARIF 2.1.0 §3.11.5).
    let text = rs
        .iter()
        .find(|r| r["ruleId"] == "IMP0102")
        .and_then(|r| r["message"]["text"].as_str())
        .expect("a message");
    assert!(
        text.contains("{{") && !text.replace("{{", "").contains('{'),
        "{text}"
    );
    let loc = &rs[0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(loc["uri"], "example.imp");
    assert_eq!(loc["uriBaseId"], "%SRCROOT%");
}

#[test]
fn an_unreadable_path_gives_valid_sarif_of_a_failed_run() {
    let (doc, exit) = sarif(&["--no-checks", "no/such/policy.imp", "examples/minimal.imp"]);
    assert_eq!(exit, 2);
    assert_valid(&sarif_validator(), &doc, "the SARIF of an unreadable PATH");
    let inv = &the_run(&doc)["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false);
    let notes = inv["toolExecutionNotifications"]
        .as_array()
        .expect("notifications");
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["level"], "error");
    let text = notes[0]["message"]["text"].as_str().expect("text");
    assert!(text.contains("no/such/policy.imp"), "{text}");
    // The policy that could be read is still checked.
    let uris: Vec<&Value> = the_run(&doc)["artifacts"]
        .as_array()
        .expect("artifacts")
        .iter()
        .map(|a| &a["location"]["uri"])
        .collect();
    assert_eq!(uris, [&Value::from("examples/minimal.imp")]);
    // A readable one alone succeeds.
    let (doc, exit) = sarif(&["--no-checks", "examples/minimal.imp"]);
    assert_eq!(exit, 0);
    let inv = &the_run(&doc)["invocations"][0];
    assert_eq!(inv["executionSuccessful"], true);
    assert!(inv.get("toolExecutionNotifications").is_none(), "{inv}");
}

const FINDINGS: &str = "person alice {\n  email \"alice@example.org\"\n}\n\nrole lead {\n  held_by bbo\n}\n\nrole deputy {\n  held_by bbo\n}\n";

#[test]
fn fingerprints_stay_when_a_line_is_inserted_above() {
    let check = |name: &str, text: &str| {
        let dir = write_tree(name, &[("example.imp", text.as_bytes())]);
        let o = run_in(
            &dir,
            &["check", "--format", "sarif", "--no-checks", "example.imp"],
        );
        json(&o)
    };
    let before = check("sarif-fp-before", FINDINGS);
    let after = check(
        "sarif-fp-after",
        &format!("# the incident management policy\n\n{FINDINGS}"),
    );
    let fp = fingerprints(&before);
    assert!(fp.len() >= 2, "{fp:?}");
    assert_eq!(fp, fingerprints(&after));
    for (b, a) in results(&before).iter().zip(results(&after)) {
        assert_eq!(
            region(&b["locations"][0])[0] + 2,
            region(&a["locations"][0])[0]
        );
    }
    // The two findings on identical lines are told apart by their count.
    let bbo: Vec<&String> = fp
        .iter()
        .zip(results(&before))
        .filter(|(_, r)| r["ruleId"] == "IMP0401")
        .map(|(f, _)| f)
        .collect();
    assert_eq!(bbo.len(), 2, "{fp:?}");
    let (h1, n1) = bbo[0].split_once(':').expect("hash:N");
    let (h2, n2) = bbo[1].split_once(':').expect("hash:N");
    assert_eq!((h1, n1, n2), (h2, "1", "2"));
    assert_eq!(h1.len(), 16);
    // Editing the line itself changes it.
    let edited = check(
        "sarif-fp-edited",
        &FINDINGS.replacen("held_by bbo", "held_by bob", 1),
    );
    let first_unknown = |doc: &Value| {
        fingerprints(doc)
            .into_iter()
            .zip(results(doc))
            .find(|(_, r)| r["ruleId"] == "IMP0401")
            .map(|(f, _)| f)
            .expect("an unknown name")
    };
    assert_eq!(&first_unknown(&before), bbo[0]);
    assert_ne!(first_unknown(&edited), first_unknown(&before));
}

#[test]
fn sarif_is_byte_identical_across_runs_and_thread_counts() {
    let a = run(&["check", "--format", "sarif", "examples/broken"]);
    let b = run(&["check", "--format", "sarif", "-j", "1", "examples/broken"]);
    let text = stdout(&a);
    assert!(
        text.ends_with("}\n"),
        "pretty-printed, with a final line break"
    );
    assert!(text.contains("\n  \"runs\": ["), "pretty-printed");
    assert_eq!(a.stdout, b.stdout);
}

/// A path as a `file://` URI, as the SARIF format writes it.
fn file_uri(p: &Path) -> String {
    let mut uri = String::from("file://");
    for &b in path_str(p).as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

#[test]
fn paths_are_relative_to_the_working_directory() {
    let repo = root().canonicalize().expect("the repository root");
    let abs = repo.join("examples/minimal.imp");
    for arg in [
        "examples/minimal.imp",
        "./examples/../examples/minimal.imp",
        path_str(&abs),
    ] {
        let (doc, _) = sarif(&["--no-checks", arg]);
        let run = the_run(&doc);
        let loc = &run["artifacts"][0]["location"];
        assert_eq!(loc["uri"], "examples/minimal.imp", "{arg}");
        assert_eq!(loc["uriBaseId"], "%SRCROOT%", "{arg}");
        assert_eq!(
            run["originalUriBaseIds"]["%SRCROOT%"]["uri"],
            file_uri(&repo) + "/"
        );
    }
    let dir = write_tree(
        "sarif-outside",
        &[
            ("sub/x.imp", FINDINGS.as_bytes()),
            ("sub/my policy#1.imp", FINDINGS.as_bytes()),
        ],
    )
    .canonicalize()
    .expect("the temp dir");
    let sub = dir.join("sub");
    let uri_of = |cwd: &Path, arg: &str| {
        let o = run_in(cwd, &["check", "--format", "sarif", "--no-checks", arg]);
        let doc = json(&o);
        assert_valid(&sarif_validator(), &doc, arg);
        assert_uris(&doc);
        the_run(&doc)["artifacts"][0]["location"].clone()
    };
    for arg in ["../sub/x.imp", path_str(&sub.join("x.imp"))] {
        let loc = uri_of(&sub, arg);
        assert_eq!(loc["uri"], "x.imp", "{arg}");
        assert_eq!(loc["uriBaseId"], "%SRCROOT%", "{arg}");
    }
    // A path is percent-encoded.
    let loc = uri_of(&sub, "my policy#1.imp");
    assert_eq!(loc["uri"], "my%20policy%231.imp");
    // A file outside the working directory has an absolute URI, and no base.
    std::fs::create_dir_all(dir.join("elsewhere")).expect("a directory");
    let loc = uri_of(&dir.join("elsewhere"), "../sub/x.imp");
    assert_eq!(loc["uri"], file_uri(&sub.join("x.imp")));
    assert!(loc.get("uriBaseId").is_none(), "{loc}");
}

#[test]
fn json_of_the_broken_examples_matches_docs_json_schema() {
    let v = json_validator();
    let o = run(&["check", "--format", "json", "examples/broken"]);
    let doc = json(&o);
    assert_valid(&v, &doc, "the JSON of examples/broken");
    assert_eq!(doc["format_version"], 1);
    // The schema has teeth: a field it does not describe, or a missing one, is refused.
    let mut extra = doc.clone();
    extra["diagnostics"][0]["severity"] = Value::from("high");
    assert!(!errors(&v, &extra).is_empty(), "an undocumented field");
    let mut missing = doc.clone();
    missing
        .as_object_mut()
        .expect("an object")
        .remove("format_version");
    assert!(!errors(&v, &missing).is_empty(), "no format_version");
    // An unreadable PATH gives a valid document too.
    let o = run(&["check", "--format", "json", "no/such/policy.imp"]);
    assert_eq!(code(&o), 2);
    assert_valid(&v, &json(&o), "the JSON of an unreadable PATH");
}

/// A single point of failure (IMP1707) carries its path through the binary: numbered `step`
/// labels in JSON, in the order travelled, and the same places as a `codeFlows` thread flow in
/// SARIF; the cut party is a secondary label, not a step.
#[test]
fn a_single_point_of_failure_carries_its_path_as_steps_and_a_code_flow() {
    let file = "examples/broken/IMP1707-one-person-on-the-only-path.imp";
    let args = ["--as-of", "2026-12-01", "--only=IMP1707", file];
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(&args);
    let plain = json(&run(&all));
    let d = &plain["diagnostics"][0];
    assert_eq!(d["code"], "IMP1707");
    let labels = d["labels"].as_array().expect("labels");
    let steps: Vec<(u64, &str)> = labels
        .iter()
        .filter_map(|l| Some((l.get("step")?.as_u64()?, l["message"].as_str()?)))
        .collect();
    assert_eq!(
        steps,
        [
            (1, "`service_desk` at 0m"),
            (2, "hop to `duty_officer` at 15m"),
            (3, "hop to `ciso` at 45m"),
        ]
    );
    assert!(
        labels
            .iter()
            .any(|l| l["message"] == "single point of failure" && l.get("step").is_none()),
        "{d}"
    );
    let (doc, _) = sarif(&args);
    let r = &results(&doc)[0];
    let flow = r["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .expect("a thread flow");
    let texts: Vec<(u64, &str)> = flow
        .iter()
        .map(|l| {
            (
                l["executionOrder"].as_u64().expect("an order"),
                l["location"]["message"]["text"].as_str().expect("a text"),
            )
        })
        .collect();
    assert_eq!(texts, steps);
    let lines: Vec<u64> = flow
        .iter()
        .map(|l| {
            l["location"]["physicalLocation"]["region"]["startLine"]
                .as_u64()
                .expect("a line")
        })
        .collect();
    assert_eq!(lines, [9, 17, 18]);
}

/// A night-time gap (IMP1901) carries its window in the message, the path as steps (JSON)
/// and a thread flow (SARIF), and the party who answers nobody then, with the hours that make
/// it so, as secondary labels and related locations.
#[test]
fn a_night_time_gap_carries_its_window_its_path_and_the_party_off_duty() {
    let file = "examples/broken/IMP1901-night-gap-on-the-path.imp";
    let args = ["--as-of", "2026-12-01", "--only=IMP1901", file];
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(&args);
    let plain = json(&run(&all));
    let d = &plain["diagnostics"][0];
    assert_eq!(d["code"], "IMP1901");
    assert!(
        d["message"].as_str().is_some_and(
            |m| m.contains("made Mon-Thu 19:45-07:45, Fri 19:45-Mon 07:45 Europe/London")
        ),
        "{d}"
    );
    let labels = d["labels"].as_array().expect("labels");
    let steps: Vec<(u64, &str)> = labels
        .iter()
        .filter_map(|l| Some((l.get("step")?.as_u64()?, l["message"].as_str()?)))
        .collect();
    assert_eq!(
        steps,
        [
            (1, "`service_desk` at 0m"),
            (2, "hop to `ir_lead` at 15m"),
            (3, "hop to `ciso` at 30m"),
        ]
    );
    let secondary: Vec<&str> = labels
        .iter()
        .filter(|l| l.get("step").is_none())
        .filter_map(|l| l["message"].as_str())
        .collect();
    assert!(
        secondary.contains(&"`ir_lead` answers nobody then"),
        "{secondary:?}"
    );
    assert!(
        secondary.contains(&"`lead_rota` is on call only in its hours"),
        "{secondary:?}"
    );
    let (doc, _) = sarif(&args);
    let r = &results(&doc)[0];
    let flow = r["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .expect("a thread flow");
    assert_eq!(flow.len(), 3);
    let related: Vec<&str> = r["relatedLocations"]
        .as_array()
        .expect("related locations")
        .iter()
        .filter_map(|l| l["message"]["text"].as_str())
        .collect();
    assert!(
        related.contains(&"`lead_rota` is on call only in its hours"),
        "{related:?}"
    );
}
