//! Where a key or a value of `imp.yaml` is in its text: serde_yaml_ng gives the place of a
//! YAML error but no place for the values it reads, so a problem of an entry is located by a
//! small scan of the text for its key (a top-level key at the start of a line; a key of a
//! mapping inside that key's block, in block or flow style), outside comments. Keys are looked
//! for in the order of the file from where the previous one was found (serde_yaml_ng keeps a
//! mapping's order), so that locating every entry of a file is linear.

use std::ops::Range;

/// Where each line starts (a line ends at `\n`, `\r\n` or a lone `\r`, as in the sources).
fn line_starts(text: &str) -> Vec<usize> {
    let b = text.as_bytes();
    let mut out = vec![0];
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\r' if b.get(i + 1) == Some(&b'\n') => {
                i += 2;
                out.push(i);
            }
            b'\n' | b'\r' => {
                i += 1;
                out.push(i);
            }
            _ => i += 1,
        }
    }
    out
}

/// The lines: (start, end before the line break).
pub fn lines(text: &str) -> Vec<(usize, usize)> {
    let starts = line_starts(text);
    starts
        .iter()
        .enumerate()
        .map(|(i, &s)| {
            let mut e = starts.get(i + 1).copied().unwrap_or(text.len());
            while e > s && matches!(text.as_bytes()[e - 1], b'\n' | b'\r') {
                e -= 1;
            }
            (s, e)
        })
        .collect()
}

/// The byte offset of a 1-based line and column (in characters); a column past the line's
/// end is its end.
pub fn offset_of(text: &str, line: usize, column: usize) -> Option<usize> {
    let (s, e) = *lines(text).get(line.checked_sub(1)?)?;
    let mut s = s;
    if s == 0 && text.starts_with('\u{feff}') {
        s = 3;
    }
    let col = column.saturating_sub(1);
    Some(text[s..e].char_indices().nth(col).map_or(e, |(i, _)| s + i))
}

/// The end of a line's text before a comment: a `#` at its start or after a blank, outside
/// quotes.
fn code_end(text: &str, s: usize, e: usize) -> usize {
    let b = text.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = s;
    while i < e {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(b'"') if c == b'\\' => i += 1,
            Some(_) => {}
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None if c == b'#' && (i == s || matches!(b[i - 1], b' ' | b'\t')) => return i,
            None => {}
        }
        i += 1;
    }
    e
}

/// The first thing in the text that is not a blank or a comment, to the end of its line.
pub fn first_content(text: &str) -> Range<usize> {
    for (s, e) in lines(text) {
        let z = code_end(text, s, e);
        let line = &text[s..z];
        let lead = line.len() - line.trim_start().len();
        let t = line.trim();
        if !t.is_empty() && t != "---" {
            return s + lead..s + lead + t.len();
        }
    }
    0..0
}

/// Whether `key` is written at `i` of `line` (bare or quoted) and followed by `:`: the range
/// of the key's text.
fn key_at(line: &str, i: usize, key: &str) -> Option<Range<usize>> {
    let b = line.as_bytes();
    let (open, start) = match b.get(i) {
        Some(&q @ (b'"' | b'\'')) => (Some(q), i + 1),
        _ => (None, i),
    };
    if !line[start..].starts_with(key) {
        return None;
    }
    let mut j = start + key.len();
    if let Some(q) = open {
        if b.get(j) != Some(&q) {
            return None;
        }
        j += 1;
    } else if b
        .get(j)
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
    {
        return None;
    }
    while matches!(b.get(j), Some(b' ' | b'\t')) {
        j += 1;
    }
    if b.get(j) != Some(&b':') {
        return None;
    }
    // A bare key's `:` is followed by a blank, the end, or a flow's `,` / `}`.
    if open.is_none() && !matches!(b.get(j + 1), None | Some(b' ' | b'\t' | b',' | b'}')) {
        return None;
    }
    Some(start..start + key.len())
}

/// The lines from the one holding `from`.
fn from_line(lines: &[(usize, usize)], from: usize) -> &[(usize, usize)] {
    let i = lines.partition_point(|&(_, e)| e < from);
    &lines[i..]
}

/// A top-level key, at the start of a line, at or after `from`.
pub fn top_key(
    text: &str,
    lines: &[(usize, usize)],
    from: usize,
    key: &str,
) -> Option<Range<usize>> {
    for &(s, e) in from_line(lines, from) {
        if s < from {
            continue;
        }
        let s = if s == 0 && text.starts_with('\u{feff}') {
            3
        } else {
            s
        };
        let z = code_end(text, s, e);
        if let Some(r) = key_at(&text[s..z], 0, key) {
            return Some(s + r.start..s + r.end);
        }
    }
    None
}

/// A key inside the block of the top-level key at `top`, at or after `from`: on the same line
/// after it, or on the lines below it until the next top-level key.
pub fn sub_key(
    text: &str,
    lines: &[(usize, usize)],
    top: Range<usize>,
    from: usize,
    key: &str,
) -> Option<Range<usize>> {
    let from = from.max(top.end);
    for &(s, e) in from_line(lines, from) {
        let first = s.max(from);
        let z = code_end(text, s, e);
        // A line below the key that starts at column 0 starts the next key.
        if s >= top.end && !matches!(text.as_bytes().get(s), Some(b' ' | b'\t')) && z > s {
            return None;
        }
        let line = &text[s..z];
        let mut i = first - s;
        while i < line.len() {
            let before_ok = i == 0 || matches!(line.as_bytes()[i - 1], b' ' | b'\t' | b'{' | b',');
            if before_ok && let Some(r) = key_at(line, i, key) {
                return Some(s + r.start..s + r.end);
            }
            i += line[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    None
}

/// The second time `key` is written as a key at or after `from` (where its mapping starts).
pub fn key_again(text: &str, from: usize, key: &str) -> Option<Range<usize>> {
    let mut seen = false;
    for (s, e) in lines(text) {
        if e < from {
            continue;
        }
        let z = code_end(text, s, e);
        let line = &text[s..z];
        let mut i = s.max(from) - s;
        while i < line.len() {
            let before_ok = i == 0 || matches!(line.as_bytes()[i - 1], b' ' | b'\t' | b'{' | b',');
            if before_ok && let Some(r) = key_at(line, i, key) {
                if seen {
                    return Some(s + r.start..s + r.end);
                }
                seen = true;
            }
            i += line[i..].chars().next().map_or(1, char::len_utf8);
        }
    }
    None
}

/// The value after a key (at `key`): from after its `:` to the end of the value on that line
/// (a quoted value whole; in a flow mapping, to the next `,` or `}`). The key itself when the
/// value is not on that line.
pub fn value_after(text: &str, key: Range<usize>) -> Range<usize> {
    let b = text.as_bytes();
    let line_start = text[..key.start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let mut line_end = key.end;
    while line_end < b.len() && !matches!(b[line_end], b'\n' | b'\r') {
        line_end += 1;
    }
    let z = code_end(text, line_start, line_end);
    // In a flow mapping when `{` or `,` comes before the key.
    let before = text[line_start..key.start].trim_end_matches([' ', '\t', '"', '\'']);
    let flow = before.ends_with(['{', ',']);
    let mut i = key.end;
    if matches!(b.get(i), Some(b'"' | b'\'')) {
        i += 1;
    }
    while i < z && matches!(b[i], b' ' | b'\t') {
        i += 1;
    }
    if b.get(i) != Some(&b':') {
        return key;
    }
    i += 1;
    while i < z && matches!(b[i], b' ' | b'\t') {
        i += 1;
    }
    if i >= z {
        return key;
    }
    if let q @ (b'"' | b'\'') = b[i] {
        let mut j = i + 1;
        while j < z && b[j] != q {
            j += if b[j] == b'\\' && q == b'"' { 2 } else { 1 };
        }
        return i..(j + 1).min(z);
    }
    let mut j = i;
    while j < z && !(flow && matches!(b[j], b',' | b'}')) {
        j += 1;
    }
    let v = text[i..j].trim_end();
    i..i + v.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, r: Range<usize>) -> &str {
        &text[r]
    }

    #[test]
    fn keys_and_values_are_found_in_block_and_flow_style_outside_comments() {
        let text = "# levels: no\nlevels:\n  # IMP0404: allow\n  IMP0404: allow  # why\n  \"IMP0802\": 'warn'\nas_of: 2026-12-01\nlibraries: {central: ../c, b: \"x\"}\n";
        let lines = lines(text);
        let levels = top_key(text, &lines, 0, "levels").expect("levels");
        assert_eq!(&text[levels.start - 1..levels.start], "\n");
        let k = sub_key(text, &lines, levels.clone(), 0, "IMP0404").expect("IMP0404");
        assert_eq!(at(text, k.clone()), "IMP0404");
        assert_eq!(at(text, value_after(text, k.clone())), "allow");
        let k2 = sub_key(text, &lines, levels.clone(), k.end, "IMP0802").expect("IMP0802");
        assert_eq!(at(text, value_after(text, k2.clone())), "'warn'");
        assert_eq!(
            sub_key(text, &lines, levels.clone(), k2.end, "IMP0404"),
            None
        );
        assert_eq!(sub_key(text, &lines, levels.clone(), 0, "central"), None);
        let a = top_key(text, &lines, levels.end, "as_of").expect("as_of");
        assert_eq!(at(text, value_after(text, a.clone())), "2026-12-01");
        assert_eq!(top_key(text, &lines, a.end, "levels"), None);
        let l = top_key(text, &lines, a.end, "libraries").expect("libraries");
        let c = sub_key(text, &lines, l.clone(), 0, "central").expect("central");
        assert_eq!(at(text, value_after(text, c)), "../c");
        let b = sub_key(text, &lines, l, 0, "b").expect("b");
        assert_eq!(at(text, value_after(text, b)), "\"x\"");
    }

    #[test]
    fn a_value_on_the_next_lines_is_shown_at_its_key() {
        let text = "levels:\n  - IMP0404\n";
        let k = top_key(text, &lines(text), 0, "levels").expect("levels");
        assert_eq!(value_after(text, k.clone()), k);
    }

    #[test]
    fn offsets_of_lines_and_columns_count_characters() {
        let text = "a: é\r\nb: x\rc: y\n";
        assert_eq!(offset_of(text, 2, 4), Some(text.find('x').expect("x")));
        assert_eq!(offset_of(text, 3, 1), Some(text.find('c').expect("c")));
        assert_eq!(offset_of(text, 1, 4), Some(3));
        assert_eq!(first_content("# x\n\n  key: 1 # c\n"), 7..13);
    }
}
