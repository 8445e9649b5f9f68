//! The text of string literals: escapes, and the indentation of text blocks.

use std::borrow::Cow;

/// An invalid escape: its byte range in the raw text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadEscape {
    pub start: usize,
    pub end: usize,
}

/// The text of a one-line string (the raw text between the quotes), with its escapes
/// `\"`, `\\`, `\n` and `\t` resolved, and the escapes that are none of these. Without a
/// backslash, the raw text is the text.
pub fn unescape(raw: &str) -> (Cow<'_, str>, Vec<BadEscape>) {
    if !raw.contains('\\') {
        return (Cow::Borrowed(raw), Vec::new());
    }
    let mut out = String::with_capacity(raw.len());
    let mut bad = Vec::new();
    let mut chars = raw.char_indices();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some((_, 'n')) => out.push('\n'),
            Some((_, 't')) => out.push('\t'),
            Some((_, '"')) => out.push('"'),
            Some((_, '\\')) => out.push('\\'),
            other => {
                let len = other.map_or(1, |(_, c)| 1 + c.len_utf8());
                bad.push(BadEscape {
                    start: i,
                    end: (i + len).min(raw.len()),
                });
            }
        }
    }
    (Cow::Owned(out), bad)
}

/// The lines of a text, split at `\n`, `\r\n` or a lone `\r`.
pub fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let t = rest?;
        match t.find(['\n', '\r']) {
            Some(p) => {
                let skip = if t[p..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&t[p + skip..]);
                Some(&t[..p])
            }
            None => {
                rest = None;
                Some(t)
            }
        }
    })
}

/// The text of a text block (the raw text between the triple quotes): its first and last
/// line dropped when blank, the common indentation of the other lines removed, and blanks at
/// the end of each line removed. Lines are joined with `\n`.
pub fn dedent(raw: &str) -> String {
    let mut lines: Vec<&str> = lines(raw).collect();
    if lines.first().is_some_and(|l| l.trim().is_empty()) {
        lines.remove(0);
    }
    if lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    // Indentation is spaces and tabs, each one column; other blanks are text.
    let blank = |c: char| c == ' ' || c == '\t';
    let indent = lines
        .iter()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(blank).len())
        .min()
        .unwrap_or(0);
    let mut out = String::with_capacity(raw.len());
    for (i, l) in lines.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let cut = l.len() - l.trim_start_matches(blank).len();
        out.push_str(l[cut.min(indent)..].trim_end());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(unescape(r#"a \"b\" \\ c"#).0, "a \"b\" \\ c");
        let (_, bad) = unescape(r"C:\quarantine");
        assert_eq!(bad, [BadEscape { start: 2, end: 4 }]);
        assert!(matches!(unescape("plain").0, Cow::Borrowed("plain")));
    }

    #[test]
    fn text_blocks_dedent_with_every_line_ending() {
        for eol in ["\n", "\r\n", "\r"] {
            let raw = format!("{eol}    First line{eol}      indented{eol}    last{eol}    ");
            assert_eq!(dedent(&raw), "First line\n  indented\nlast", "{eol:?}");
        }
    }
}
