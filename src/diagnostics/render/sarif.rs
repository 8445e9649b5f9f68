//! The SARIF 2.1.0 format, as GitHub code scanning reads it: one run of the tool `imp`, a rule
//! for every code of the registry (described by its section of docs/diagnostics.md), and a
//! result for every finding.
//!
//! - Places: a file's path is made relative to the directory the run names `%SRCROOT%` (the
//!   working directory, given by the caller: this module does no I/O) and percent-encoded; a
//!   file outside it is written as an absolute `file://` URI. Lines and columns are 1-based and
//!   count characters (`columnKind` `unicodeCodePoints`), as in the other formats; `endColumn`
//!   is the column just past the region.
//! - Fingerprints: `partialFingerprints.primaryLocationLineHash` is the FNV-1a 64-bit hash of
//!   the code, a NUL byte and the primary line's text without leading and trailing white space,
//!   in 16 hex digits, then `:N` for the Nth result of the file with that hash (as GitHub's own
//!   line hashes count). Lines inserted or edited elsewhere in the file leave it unchanged.
//! - Messages: in the text of a `message` object `{` and `}` are doubled (SARIF 2.1.0
//!   §3.11.5: a message may hold placeholders). The rules' descriptions and help are the
//!   Markdown of the docs, written as they are.
//! - The output is deterministic: no time stamps, nothing from a hash map's order.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::escape_json;
use crate::diagnostics::{Code, Diagnostic, Level, docs};
use crate::model::Map;
use crate::source::{SourceFile, SourceMap, Span};

/// The schema the output names in `$schema`.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The name of the base URI that relative paths are resolved against.
pub const SRCROOT: &str = "%SRCROOT%";

/// What a SARIF log says besides the findings.
#[derive(Debug, Clone, Copy, Default)]
pub struct Invocation<'a> {
    /// The directory paths are relative to (the working directory), absolute; `None` when it
    /// is not known (paths are then written as given, still relative to `%SRCROOT%`).
    pub base: Option<&'a Path>,
    /// Why the input could not be read (a PATH that cannot be read, configuration that stops
    /// the run), each one line: the run then did not succeed.
    pub failures: &'a [String],
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool,
    invocations: [Execution; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    original_uri_base_ids: Option<BTreeMap<&'static str, BaseUri>>,
    artifacts: Vec<Artifact>,
    results: Vec<SarifResult<'a>>,
    column_kind: &'static str,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<Rule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule {
    id: &'static str,
    name: &'static str,
    short_description: Text,
    full_description: Text,
    help: Help,
    help_uri: String,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: Level,
}

#[derive(Serialize)]
struct RuleProperties {
    tags: Vec<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    clause: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Execution {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: Level,
    message: Message,
}

#[derive(Serialize)]
struct Message {
    text: String,
}

impl Message {
    /// A message object's text, its braces doubled (SARIF §3.11.5).
    fn new(text: &str) -> Message {
        Message {
            text: text.replace('{', "{{").replace('}', "}}"),
        }
    }
}

#[derive(Serialize)]
struct BaseUri {
    uri: String,
}

#[derive(Serialize)]
struct Artifact {
    location: ArtifactLocation,
}

#[derive(Serialize, Clone)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    index: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'static str,
    rule_index: usize,
    level: Level,
    message: Message,
    locations: [Location; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    /// The evidence path, as one thread flow.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code_flows: Vec<CodeFlow>,
    partial_fingerprints: Fingerprints,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ResultProperties<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeFlow {
    thread_flows: [ThreadFlow; 1],
}

#[derive(Serialize)]
struct ThreadFlow {
    locations: Vec<ThreadFlowLocation>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ThreadFlowLocation {
    location: Location,
    /// The place's number on the path, from 1 (SARIF §3.38.3: `executionOrder`).
    execution_order: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Fingerprints {
    primary_location_line_hash: String,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    clause: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

/// One SARIF log with every finding of every policy (a policy's source map and its findings),
/// pretty-printed, with a final line break.
pub fn sarif(groups: &[(&SourceMap, &[Diagnostic])], invocation: Invocation<'_>) -> String {
    let mut artifacts = Artifacts::new(invocation.base);
    let mut counts: Map<(usize, u64), usize> = Map::default();
    let mut results = Vec::new();
    for (sources, diags) in groups {
        for file in sources.files() {
            artifacts.index(file);
        }
        for d in diags.iter() {
            results.push(result(d, sources, &mut artifacts, &mut counts));
        }
    }
    let log = Log {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "imp",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: docs::DIAGNOSTICS_URL,
                    rules: Code::ALL.iter().map(|&c| rule(c)).collect(),
                },
            },
            invocations: [Execution {
                execution_successful: invocation.failures.is_empty(),
                tool_execution_notifications: invocation
                    .failures
                    .iter()
                    .map(|f| Notification {
                        level: Level::Error,
                        message: Message::new(f),
                    })
                    .collect(),
            }],
            original_uri_base_ids: invocation.base.map(|b| {
                BTreeMap::from([(
                    SRCROOT,
                    BaseUri {
                        uri: directory_uri(b),
                    },
                )])
            }),
            artifacts: artifacts
                .list
                .into_iter()
                .map(|location| Artifact { location })
                .collect(),
            results,
            column_kind: "unicodeCodePoints",
        }],
    };
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_else(|_| String::from("{}"));
    text.push('\n');
    escape_json(text)
}

fn rule(code: Code) -> Rule {
    let section = docs::section(code).unwrap_or_else(|| format!("## {code}: {}\n", code.title()));
    Rule {
        id: code.as_str(),
        name: code.name(),
        short_description: Text {
            text: code.title().to_string(),
        },
        full_description: Text {
            text: docs::meaning(code).unwrap_or_else(|| code.title().to_string()),
        },
        help: Help {
            text: section.clone(),
            markdown: section,
        },
        help_uri: docs::url(code),
        default_configuration: Configuration {
            level: code.level(),
        },
        properties: RuleProperties {
            tags: tags(code),
            clause: code.clause(),
        },
    }
}

/// The stage a code belongs to, as a tag GitHub can filter by.
fn tags(code: Code) -> Vec<&'static str> {
    let stage = match code.group() {
        0 => "input",
        1 => "syntax",
        2 => "modules",
        3 => "declarations",
        4 => "names",
        5 => "literals",
        6 => "rules",
        7..=15 | 17..=20 => "checks",
        _ => "configuration",
    };
    vec!["imp", stage]
}

fn result(
    d: &Diagnostic,
    sources: &SourceMap,
    artifacts: &mut Artifacts<'_>,
    counts: &mut Map<(usize, u64), usize>,
) -> SarifResult<'static> {
    let file = sources.file_of(d.primary.span);
    let primary = location(None, &d.primary.message, d.primary.span, sources, artifacts);
    let artifact = primary
        .physical_location
        .artifact_location
        .index
        .unwrap_or(0);
    let hash = line_hash(d.code, file, d.primary.span);
    let n = counts.entry((artifact, hash)).or_insert(0);
    *n += 1;
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\n\nhelp: ");
        text.push_str(help);
    }
    SarifResult {
        rule_id: d.code.as_str(),
        rule_index: Code::ALL.iter().position(|&c| c == d.code).unwrap_or(0),
        level: d.level,
        message: Message::new(&text),
        locations: [primary],
        related_locations: d
            .labels()
            .enumerate()
            .map(|(i, (_, l))| location(Some(i + 1), &l.message, l.span, sources, artifacts))
            .collect(),
        code_flows: if d.flow.is_empty() {
            Vec::new()
        } else {
            vec![CodeFlow {
                thread_flows: [ThreadFlow {
                    locations: d
                        .flow
                        .iter()
                        .enumerate()
                        .map(|(i, l)| ThreadFlowLocation {
                            location: location(None, &l.message, l.span, sources, artifacts),
                            execution_order: i + 1,
                        })
                        .collect(),
                }],
            }]
        },
        partial_fingerprints: Fingerprints {
            primary_location_line_hash: format!("{hash:016x}:{n}"),
        },
        properties: d.clause.map(|clause| ResultProperties { clause }),
    }
}

fn location(
    id: Option<usize>,
    message: &str,
    span: Span,
    sources: &SourceMap,
    artifacts: &mut Artifacts<'_>,
) -> Location {
    let file = sources.file_of(span);
    let (start_line, start_column) = file.line_col_at(span.lo);
    let (end_line, end_column) = file.line_col_at(span.hi);
    Location {
        id,
        physical_location: PhysicalLocation {
            artifact_location: artifacts.index(file),
            region: Region {
                start_line,
                start_column,
                end_line,
                end_column,
            },
        },
        message: (!message.is_empty()).then(|| Message::new(message)),
    }
}

/// The FNV-1a 64-bit hash of the code, a NUL byte and the trimmed text of the line a span
/// starts on.
fn line_hash(code: Code, file: &SourceFile, span: Span) -> u64 {
    let line = file.line_of(file.offset(span.lo));
    let text = file
        .text
        .get(file.line_start(line)..file.line_end(line))
        .unwrap_or("")
        .trim();
    let mut h = Fnv1a::new();
    h.write(code.as_str().as_bytes());
    h.write(&[0]);
    h.write(text.as_bytes());
    h.0
}

/// FNV-1a, 64 bits: fixed, documented and the same on every machine and run.
struct Fnv1a(u64);

impl Fnv1a {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;

    fn new() -> Fnv1a {
        Fnv1a(Fnv1a::OFFSET)
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(Fnv1a::PRIME);
        }
    }
}

/// The files of the run, each once, in the order they are met.
struct Artifacts<'a> {
    base: Option<&'a Path>,
    list: Vec<ArtifactLocation>,
    by_path: Map<String, usize>,
}

impl<'a> Artifacts<'a> {
    fn new(base: Option<&'a Path>) -> Artifacts<'a> {
        Artifacts {
            base,
            list: Vec::new(),
            by_path: Map::default(),
        }
    }

    /// The artifact location of a file, with its index in `artifacts`.
    fn index(&mut self, file: &SourceFile) -> ArtifactLocation {
        if let Some(&i) = self.by_path.get(&file.path) {
            return self.list[i].clone();
        }
        let mut location = artifact_location(&file.path, self.base);
        let i = self.list.len();
        location.index = Some(i);
        self.list.push(location.clone());
        self.by_path.insert(file.path.clone(), i);
        location
    }
}

/// A file's place: relative to `%SRCROOT%` when it lies under `base` (or `base` is not
/// known and the path is relative), else an absolute `file://` URI.
fn artifact_location(path: &str, base: Option<&Path>) -> ArtifactLocation {
    let relative = |rel: &str| ArtifactLocation {
        uri: percent_encode(rel, false),
        uri_base_id: Some(SRCROOT),
        index: None,
    };
    let p = Path::new(path);
    let Some(base) = base else {
        return if p.is_absolute() {
            ArtifactLocation {
                uri: file_uri(path),
                uri_base_id: None,
                index: None,
            }
        } else {
            relative(path)
        };
    };
    let full = crate::vfs::normalize(&base.join(p));
    match full.strip_prefix(crate::vfs::normalize(base)) {
        Ok(rel) if !rel.as_os_str().is_empty() => relative(&slashed(rel)),
        _ => ArtifactLocation {
            uri: file_uri(&slashed(&full)),
            uri_base_id: None,
            index: None,
        },
    }
}

/// A path as text with `/` separators.
fn slashed(p: &Path) -> String {
    let text = p.to_string_lossy();
    if cfg!(windows) {
        text.replace('\\', "/")
    } else {
        text.into_owned()
    }
}

/// The `file://` URI of an absolute path (with `/` separators).
fn file_uri(path: &str) -> String {
    let encoded = percent_encode(path, true);
    if encoded.starts_with('/') {
        format!("file://{encoded}")
    } else {
        format!("file:///{encoded}")
    }
}

/// The `file://` URI of a directory, ending with `/` as a base URI must.
fn directory_uri(dir: &Path) -> String {
    let mut uri = file_uri(&slashed(&crate::vfs::normalize(dir)));
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// A path with every byte but the unreserved characters of RFC 3986 and `/` written `%XX`;
/// `:` is kept in an absolute path (a drive letter), never in a relative one, where it would
/// read as a scheme.
fn percent_encode(path: &str, keep_colon: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')
            || (keep_colon && b == b':')
        {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv1a_matches_the_published_test_vectors() {
        let hash = |s: &str| {
            let mut h = Fnv1a::new();
            h.write(s.as_bytes());
            h.0
        };
        assert_eq!(hash(""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(hash("a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(hash("foobar"), 0x8594_4171_f739_67e8);
    }

    #[cfg(unix)]
    #[test]
    fn paths_are_relative_to_the_base_and_encoded() {
        let base = Path::new("/work/repo");
        let loc = |p: &str| {
            let l = artifact_location(p, Some(base));
            (l.uri, l.uri_base_id)
        };
        assert_eq!(loc("a/b.imp"), ("a/b.imp".into(), Some(SRCROOT)));
        assert_eq!(
            loc("my policy/ä:1.imp"),
            ("my%20policy/%C3%A4%3A1.imp".into(), Some(SRCROOT))
        );
        assert_eq!(loc("/work/repo/x.imp"), ("x.imp".into(), Some(SRCROOT)));
        assert_eq!(loc("../repo/x.imp"), ("x.imp".into(), Some(SRCROOT)));
        assert_eq!(
            loc("../other/x.imp"),
            ("file:///work/other/x.imp".into(), None)
        );
        assert_eq!(loc("/etc/x y.imp"), ("file:///etc/x%20y.imp".into(), None));
        assert_eq!(directory_uri(base), "file:///work/repo/");
        assert_eq!(directory_uri(Path::new("/")), "file:///");
    }

    #[test]
    fn an_evidence_path_is_a_thread_flow_and_related_locations() {
        let text = "role a \"A\" {}\nrole b \"B\" {}\n";
        let a =
            crate::check::check_sources(&[("p.imp", text)], crate::check::Options::reading_only());
        let span = |lo: u32, hi: u32| {
            let base = a.sources.files().next().expect("one file").base;
            Span {
                lo: base + lo,
                hi: base + hi,
            }
        };
        let d = Diagnostic::new(Code::EscalationTooSlow, span(5, 6), "slow")
            .with_secondary(span(0, 4), "the target")
            .step(span(5, 6), "`a` at 0m")
            .step(span(20, 21), "`b` after 30m");
        let out = sarif(&[(&a.sources, &[d])], Invocation::default());
        let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        let r = &v["runs"][0]["results"][0];
        let related = r["relatedLocations"].as_array().expect("related locations");
        assert_eq!(related.len(), 3, "{r}");
        assert_eq!(related[2]["message"]["text"], "`b` after 30m");
        let flow = r["codeFlows"][0]["threadFlows"][0]["locations"]
            .as_array()
            .expect("a thread flow");
        assert_eq!(flow.len(), 2);
        assert_eq!(flow[0]["executionOrder"], 1);
        assert_eq!(flow[1]["executionOrder"], 2);
        assert_eq!(
            flow[1]["location"]["physicalLocation"]["region"]["startLine"],
            2
        );
        assert_eq!(flow[0]["location"]["message"]["text"], "`a` at 0m");
    }

    #[test]
    fn message_braces_are_doubled() {
        assert_eq!(Message::new("unclosed `{`").text, "unclosed `{{`");
        assert_eq!(Message::new("a } b").text, "a }} b");
    }
}
