//! Silences: comments that silence findings in place,
//! `# imp: allow IMP0802, IMP0808 "the board decided so"`.
//!
//! This layer reads them out of the comments the scanner kept and finds the line each applies
//! to; it knows a code only as a word. Which words are codes, and which findings a silence
//! silences, is for the pipeline ([`crate::config::apply`]).

use super::scan::Scan;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{SourceFile, Span};

/// One silence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Silence {
    /// From `imp:` to the last code: where a finding about the silence points.
    pub directive: Span,
    /// The 0-based line whose findings it silences: its own line when code comes before it on
    /// that line, or else the next line that is neither blank nor a comment (`None`: no line
    /// follows).
    pub line: Option<u32>,
    /// The codes, as written: words of letters, digits and `_`.
    pub codes: Vec<Span>,
    /// The reason, inside its quotes, when one is given.
    pub reason: Option<Span>,
}

/// The silences of a file, and the findings about those that are malformed (which silence
/// nothing).
#[derive(Debug, Default)]
pub struct Silences {
    pub list: Vec<Silence>,
    pub diagnostics: Vec<Diagnostic>,
}

const HOW: &str = "a silence reads `# imp: allow CODE, CODE \"reason\"`";

/// The silences among a file's comments. Linear in the file.
pub fn extract(file: &SourceFile, scan: &Scan) -> Silences {
    let mut out = Silences::default();
    if !scan
        .comments
        .iter()
        .any(|c| !c.doc && directive_start(file.slice(c.span)).is_some())
    {
        return out;
    }
    let text = file.text.as_str();
    let blank = |line: usize| {
        text[file.line_start(line)..file.line_end(line)]
            .trim_matches([' ', '\t', '\u{feff}'])
            .is_empty()
    };
    // The comments alone on their lines, by line, in order.
    let alone = |start: usize| {
        let line = file.line_of(start);
        text[file.line_start(line)..start]
            .trim_matches([' ', '\t', '\u{feff}'])
            .is_empty()
    };
    let comment_lines: Vec<usize> = scan
        .comments
        .iter()
        .map(|c| file.offset(c.span.lo))
        .filter(|&s| alone(s))
        .map(|s| file.line_of(s))
        .collect();
    // The next line of code at or after a line: a cursor that only moves forward, since
    // silences come in order (every line between a silence and its target is blank or a
    // comment, so a later silence before that target has the same one).
    let mut cursor = 0usize;
    let mut comment_at = 0usize;
    for c in scan.comments.iter().filter(|c| !c.doc) {
        let body = file.slice(c.span);
        let Some(at) = directive_start(body) else {
            continue;
        };
        let start = file.offset(c.span.lo);
        let line = file.line_of(start);
        let target = if alone(start) {
            cursor = cursor.max(line + 1);
            loop {
                if cursor >= file.line_count() {
                    break None;
                }
                while comment_at < comment_lines.len() && comment_lines[comment_at] < cursor {
                    comment_at += 1;
                }
                let is_comment = comment_lines.get(comment_at) == Some(&cursor);
                if is_comment || blank(cursor) {
                    cursor += 1;
                } else {
                    break Some(cursor as u32);
                }
            }
        } else {
            Some(line as u32)
        };
        let span = |a: usize, z: usize| file.span_of(start + a, start + z);
        match parse(body, at) {
            Ok(p) => out.list.push(Silence {
                directive: span(at, p.directive_end),
                line: target,
                codes: p.codes.iter().map(|&(a, z)| span(a, z)).collect(),
                reason: p.reason.map(|(a, z)| span(a, z)),
            }),
            Err(e) => out.diagnostics.push(
                Diagnostic::new(Code::MalformedSilence, span(e.at.0, e.at.1), e.message)
                    .label(e.label)
                    .help(e.help),
            ),
        }
    }
    out
}

/// Where `imp:` starts in a comment's text (`#` included), if the comment is a directive.
fn directive_start(comment: &str) -> Option<usize> {
    let rest = comment.strip_prefix('#')?;
    let blanks = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    rest[blanks..].starts_with("imp:").then_some(1 + blanks)
}

/// A silence as read: byte ranges in the comment's text.
#[derive(Debug, PartialEq, Eq)]
struct Parsed {
    directive_end: usize,
    codes: Vec<(usize, usize)>,
    reason: Option<(usize, usize)>,
}

#[derive(Debug, PartialEq, Eq)]
struct Malformed {
    at: (usize, usize),
    message: String,
    label: &'static str,
    help: String,
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// Reads `imp: allow CODE, CODE "reason"` from `at` (where `imp:` is) in a comment's text;
/// another comment may follow (`# ...`).
fn parse(text: &str, at: usize) -> Result<Parsed, Malformed> {
    let b = text.as_bytes();
    let skip = |mut i: usize| {
        while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
            i += 1;
        }
        i
    };
    let word = |i: usize| {
        let mut j = i;
        while j < b.len() && is_word(b[j]) {
            j += 1;
        }
        j
    };
    let bad = |a: usize, z: usize, message: String, label: &'static str, help: String| {
        Err(Malformed {
            at: (a, z.max(a)),
            message,
            label,
            help,
        })
    };
    let after = at + "imp:".len();
    let i = skip(after);
    let j = word(i);
    let verb = &text[i..j];
    if verb != "allow" {
        return if verb.is_empty() {
            bad(
                at,
                after,
                "`# imp:` says nothing".into(),
                "a silence needs `allow` and its codes",
                format!("{HOW}, or write the comment without `imp:`"),
            )
        } else {
            bad(
                i,
                j,
                format!("unknown directive `{verb}`"),
                "not `allow`",
                format!(
                    "{HOW}; to change a code's level for the whole policy, set it in `imp.yaml` under `levels`"
                ),
            )
        };
    }
    let mut codes = Vec::new();
    let mut i = skip(j);
    loop {
        let j = word(i);
        if j == i {
            return if codes.is_empty() {
                bad(
                    at,
                    i,
                    "silence names no code".into(),
                    "no code after `allow`",
                    format!("{HOW}: name the codes of the findings it silences"),
                )
            } else {
                bad(
                    i,
                    i,
                    "code missing after `,`".into(),
                    "a code should follow",
                    format!("{HOW}: remove the `,` or add the code"),
                )
            };
        }
        codes.push((i, j));
        let k = skip(j);
        if b.get(k) == Some(&b',') {
            i = skip(k + 1);
        } else {
            i = k;
            break;
        }
    }
    let directive_end = codes.last().map_or(i, |c| c.1);
    let rest = &text[i..];
    let mut reason = None;
    let mut end = i;
    if rest.starts_with('"') {
        let mut k = i + 1;
        let mut closed = None;
        while k < b.len() {
            match b[k] {
                b'\\' => k += 2,
                b'"' => {
                    closed = Some(k);
                    break;
                }
                _ => k += 1,
            }
        }
        let Some(close) = closed else {
            return bad(
                i,
                text.len(),
                "reason of a silence not closed".into(),
                "no closing `\"`",
                "end the reason with `\"` on the same line".into(),
            );
        };
        reason = Some((i + 1, close));
        end = skip(close + 1);
    }
    let rest = &text[end..];
    if rest.is_empty() || rest.starts_with('#') {
        return Ok(Parsed {
            directive_end,
            codes,
            reason,
        });
    }
    let z = end + rest.trim_end().len();
    if reason.is_some() {
        bad(
            end,
            z,
            "text after the reason of a silence".into(),
            "after the reason",
            format!("{HOW}: put all of the reason inside the quotes"),
        )
    } else if word(end) > end {
        bad(
            end,
            word(end),
            "codes of a silence not separated by `,`".into(),
            "a `,` should come before it",
            format!("{HOW}: separate the codes with `,`"),
        )
    } else if rest.starts_with(['\u{201c}', '\u{201d}', '\u{2018}', '\'']) {
        bad(
            end,
            z,
            "reason of a silence not in double quotes".into(),
            "not `\"`",
            format!("{HOW}: write the reason between straight double quotes `\"`"),
        )
    } else {
        bad(
            end,
            z,
            "unexpected text in a silence".into(),
            "not a code or a reason",
            format!("{HOW}: the reason goes in double quotes after the codes"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    /// The silences of a text: (target line, codes, reason) 1-based, or `!message` for a
    /// malformed one.
    fn silences(text: &str) -> Vec<String> {
        let mut map = SourceMap::default();
        let id = map.add("t.imp".into(), text.into()).expect("small");
        let file = map.get(id);
        let scan = crate::syntax::scan::scan(file);
        let s = extract(file, &scan);
        let mut out: Vec<String> = s
            .list
            .iter()
            .map(|x| {
                let codes: Vec<&str> = x.codes.iter().map(|c| file.slice(*c)).collect();
                format!(
                    "{:?} {} {:?} [{}]",
                    x.line.map(|l| l + 1),
                    codes.join(","),
                    x.reason.map(|r| file.slice(r)),
                    file.slice(x.directive)
                )
            })
            .collect();
        out.extend(
            s.diagnostics
                .iter()
                .map(|d| format!("!{} at `{}`", d.message, file.slice(d.primary.span))),
        );
        out
    }

    #[test]
    fn a_silence_after_code_applies_to_its_line_and_one_alone_to_the_next_line_of_code() {
        let text = "person a \"A\" {} # imp: allow IMP0404 \"kept\"\n\n# imp: allow IMP0404, imp0803 \"two\"\n  # more words\n\nperson b \"B\" {}\n";
        assert_eq!(
            silences(text),
            [
                "Some(1) IMP0404 Some(\"kept\") [imp: allow IMP0404]",
                "Some(6) IMP0404,imp0803 Some(\"two\") [imp: allow IMP0404, imp0803]",
            ]
        );
    }

    #[test]
    fn consecutive_silences_share_their_target_and_the_last_has_none() {
        let text = "# imp: allow IMP0404 \"a\"\n#imp: allow IMP0406 # expect: IMP1602\nperson a \"A\" {}\n# imp: allow IMP0404 \"end\"\n\n";
        assert_eq!(
            silences(text),
            [
                "Some(3) IMP0404 Some(\"a\") [imp: allow IMP0404]",
                "Some(3) IMP0406 None [imp: allow IMP0406]",
                "None IMP0404 Some(\"end\") [imp: allow IMP0404]",
            ]
        );
    }

    #[test]
    fn other_comments_and_strings_are_not_silences() {
        let text = "## imp: allow IMP0404 \"doc\"\nperson a \"A # imp: allow IMP0404\" {}\n# imp is great\n";
        assert!(silences(text).is_empty(), "{:?}", silences(text));
    }

    #[test]
    fn malformed_silences_are_reported_and_silence_nothing() {
        let cases = [
            ("# imp:\n", "!`# imp:` says nothing at `imp:`"),
            (
                "# imp: deny IMP0404\n",
                "!unknown directive `deny` at `deny`",
            ),
            (
                "# imp: allow \"why\"\n",
                "!silence names no code at `imp: allow `",
            ),
            (
                "# imp: allow IMP0404, \"x\"\n",
                "!code missing after `,` at ``",
            ),
            (
                "# imp: allow IMP0404 \"open\n",
                "!reason of a silence not closed at `\"open`",
            ),
            (
                "# imp: allow IMP0404 \"a\" b\n",
                "!text after the reason of a silence at `b`",
            ),
            (
                "# imp: allow IMP0404 IMP0406\n",
                "!codes of a silence not separated by `,` at `IMP0406`",
            ),
            (
                "# imp: allow IMP0404 \u{201c}why\u{201d}\n",
                "!reason of a silence not in double quotes at `\u{201c}why\u{201d}`",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(silences(text), [want], "{text}");
        }
    }

    #[test]
    fn escaped_quotes_stay_in_the_reason() {
        assert_eq!(
            silences("# imp: allow IMP0404 \"the \\\"old\\\" one\" # note\nx y\n"),
            ["Some(2) IMP0404 Some(\"the \\\\\\\"old\\\\\\\" one\") [imp: allow IMP0404]"]
        );
    }
}
