//! Why an entry did not parse: pest's error for it, in our words.
//!
//! The recovering grammar turns a bad entry into an `error` node and carries on. To say what
//! is wrong, the node's text is parsed again on its own with a strict rule and pest's error
//! detail switched on; the first error found is the diagnostic.

use pest::Parser as _;

use super::grammar::{ImpParser, Rule, rule_name};
use crate::diagnostics::{Code, Diagnostic};
use crate::source::Span;

/// The syntax error of an error node's text. `in_block` says whether the node stands in a
/// block (where `}` may follow it). `span_of(start, end)` maps offsets in `text` to a span.
pub fn explain(text: &str, in_block: bool, span_of: &dyn Fn(usize, usize) -> Span) -> Diagnostic {
    let rule = if in_block {
        Rule::strict_block
    } else {
        Rule::strict_top
    };
    // The switch is process-wide: the lock keeps two such parses from turning it off under
    // each other; other parses that see it on merely record more.
    static DETAIL: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let result = {
        let _guard = DETAIL
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        pest::set_error_detail(true);
        let r = ImpParser::parse(rule, text).map(|_| ());
        pest::set_error_detail(false);
        r
    };
    match result {
        Err(e) => convert(text, &e, span_of),
        // Not expected: the recovering grammar found the text wrong, the strict one did not.
        Ok(()) => Diagnostic::new(Code::SyntaxError, span_of(0, text.len()), "unexpected text")
            .label("not understood")
            .help("see docs/language.md for the form of each construct"),
    }
}

fn convert(
    text: &str,
    e: &pest::error::Error<Rule>,
    span_of: &dyn Fn(usize, usize) -> Span,
) -> Diagnostic {
    use pest::error::{ErrorVariant, InputLocation};
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let positives: &[Rule] = match &e.variant {
        ErrorVariant::ParsingError { positives, .. } => positives,
        ErrorVariant::CustomError { .. } => &[],
    };
    // pest places the error at the furthest *rule* it tried; a literal (a `,` in a list) may
    // have been tried further on, and that is where the mistake is. (pest does not export
    // the attempt types: only the literals are read.)
    let further = e.parse_attempts().and_then(|a| {
        let mut words: Vec<&'static str> = a
            .expected_tokens()
            .iter()
            .filter_map(|t| token_word(&t.to_string()))
            .collect();
        fold_values(&mut words);
        (a.max_position > pos && !words.is_empty()).then_some((a.max_position, words))
    });
    let (pos, expected) = further.unwrap_or_else(|| (pos, expected_words(e, positives)));
    let pos = pos.min(text.len());
    if let Some((start, op)) = operator_before(text, pos) {
        return Diagnostic::new(
            Code::SyntaxError,
            span_of(start, start + op.len()),
            format!("expected a condition after `{op}`"),
        )
        .label(format!("`{op}` needs a condition after it"))
        .help(format!(
            "write the condition after `{op}` (e.g. `financial >= 3`), or remove the `{op}`"
        ));
    }
    let found = found_at(text, pos);
    let end = pos + found.len().max(usize::from(pos < text.len()));
    let (what, label) = if found.is_empty() {
        (
            "the end of the declaration".to_string(),
            "the declaration ends here".to_string(),
        )
    } else if found == "\n" || found == "\r\n" || found == "\r" {
        (
            "the end of the line".to_string(),
            "the line ends here".to_string(),
        )
    } else {
        (format!("`{found}`"), format!("unexpected `{found}`"))
    };
    let list = words_list(&expected);
    let message = if list.is_empty() {
        format!("unexpected {what}")
    } else {
        format!("expected {list}, found {what}")
    };
    Diagnostic::new(
        Code::SyntaxError,
        span_of(pos, end.min(text.len())),
        message,
    )
    .label(label)
    .help(syntax_help(&found, &expected))
}

/// The `and`, `or` or `not` of a `when` condition that `pos` follows (past blanks, line
/// breaks and comments) when nothing but a comment comes after, with its offset: only a condition may come there, whatever else
/// pest tried before it went back. (After a `[` or a block's brace, the word is a value.)
fn operator_before(text: &str, pos: usize) -> Option<(usize, &'static str)> {
    let after = text[pos..].trim_start_matches([' ', '\t', '\n', '\r']);
    if !(after.is_empty() || after.starts_with('#')) {
        return None; // what is there is the mistake
    }
    let mut before = &text[..pos];
    loop {
        let trimmed = before.trim_end_matches([' ', '\t', '\n', '\r']);
        let line_start = trimmed.rfind(['\n', '\r']).map_or(0, |i| i + 1);
        let trimmed = match trimmed[line_start..].find('#') {
            Some(h) => &trimmed[..line_start + h],
            None => trimmed,
        };
        if trimmed.len() == before.len() {
            break;
        }
        before = trimmed;
    }
    let entry = before
        .rfind(['{', '}', '[', ';'])
        .map_or(before, |i| &before[i + 1..]);
    let in_condition = entry
        .match_indices("when")
        .any(|(i, _)| i == 0 || entry.as_bytes()[i - 1].is_ascii_whitespace());
    if !in_condition {
        return None;
    }
    ["and", "or", "not"].into_iter().find_map(|op| {
        let rest = before.strip_suffix(op)?;
        rest.ends_with([' ', '\t', '\n', '\r', '('])
            .then_some((rest.len(), op))
    })
}

/// What the parser expected, in words, for the literals it tried.
fn token_word(token: &str) -> Option<&'static str> {
    Some(match token {
        "}" => "`}`",
        "]" => "`]`",
        ")" => "`)`",
        "," => "`,`",
        ";" | "\n" | "\r\n" | "\r" => "the end of the line",
        _ => return None,
    })
}

/// Folds the many kinds of value into "a value", sorts and dedups.
fn fold_values(words: &mut Vec<&'static str>) {
    const VALUES: &[&str] = &["`->`", "a list `[..]`", "a value"];
    if words.iter().filter(|w| VALUES.contains(w)).count() >= 2 {
        words.retain(|w| !VALUES.contains(w));
        words.push("a value");
    }
    words.sort_unstable();
    words.dedup();
}

/// What was expected where pest stopped: its rules, and the delimiters it tried there.
fn expected_words(e: &pest::error::Error<Rule>, positives: &[Rule]) -> Vec<&'static str> {
    let mut words: Vec<&'static str> = positives.iter().map(|r| rule_name(*r)).collect();
    if let Some(attempts) = e.parse_attempts() {
        words.extend(
            attempts
                .expected_tokens()
                .iter()
                .filter_map(|t| token_word(&t.to_string())),
        );
    }
    fold_values(&mut words);
    words
}

/// The token at `pos`, for messages: a word, a number, or one character.
fn found_at(text: &str, pos: usize) -> String {
    let rest = text.get(pos..).unwrap_or("");
    let mut chars = rest.chars();
    match chars.next() {
        None => String::new(),
        Some('\r') if rest.starts_with("\r\n") => "\r\n".into(),
        Some(c) if c.is_alphanumeric() || c == '_' => rest
            .chars()
            .take(64)
            .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == '.')
            .collect(),
        Some(c) => c.to_string(),
    }
}

fn words_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

fn syntax_help(found: &str, expected: &[&str]) -> String {
    if found == "=" || found == ":" {
        return "write a property as a key word followed by its value, without `=` or `:`, e.g. `owner ciso`".into();
    }
    if found == "," && !expected.contains(&"a list `[..]`") {
        return "separate properties with a line break or `;`; commas go between the items of a list `[a, b]`".into();
    }
    if expected.contains(&"the end of the line") {
        return "each property goes on its own line, or is separated from the next by `;`".into();
    }
    "see docs/language.md for the form of each construct".into()
}
