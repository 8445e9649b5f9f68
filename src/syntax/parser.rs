//! pest grammar binding and the conversion of pest pairs into the spanned tree.

use pest::Parser as _;
use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};

use super::ast::*;
use crate::diagnostics::{Code, Diagnostic};
use crate::source::{FileId, Span};

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/imp.pest"]
pub struct ImpParser;

/// How many consecutive `not` a condition may have before it is refused (the Pratt parser
/// recurses once per prefix).
pub const MAX_PREFIXES: usize = 64;

/// The words of a rule in messages. Exhaustive on purpose: a new rule does not compile until
/// it has a human name.
pub fn rule_name(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "the end of the line",
        Rule::WHITESPACE => "a space",
        Rule::COMMENT => "a comment",
        Rule::file | Rule::item => "a declaration",
        Rule::sep => "the end of the line",
        Rule::nl => "a line break",
        Rule::entry => "a property or declaration",
        Rule::arg | Rule::list_item => "a value",
        Rule::ident_raw | Rule::ident_char => "a name",
        Rule::cond_infix => "`and` or `or`",
        Rule::cond_prefix => "`not`",
        Rule::cond_primary => "a condition",
        Rule::key => "a key word",
        Rule::block => "`{`",
        Rule::when_clause | Rule::kw_when => "`when`",
        Rule::arrow => "`->`",
        Rule::list => "a list `[..]`",
        Rule::string | Rule::string_inner => "a string",
        Rule::text_block | Rule::text_inner => "a text block `\"\"\"`",
        Rule::duration | Rule::duration_amount => "a duration",
        Rule::duration_unit => "a duration unit (`m`, `h`, `d`, `w`, `mo`, `y`, `bd`)",
        Rule::calendar_name => "a calendar name",
        Rule::date => "a date",
        Rule::time => "a time of day",
        Rule::time_range => "a time range",
        Rule::always => "`24x7`",
        Rule::day_range | Rule::weekday => "a day of the week",
        Rule::integer => "a number",
        Rule::word => "a name",
        Rule::condition => "a condition",
        Rule::op_and => "`and`",
        Rule::op_or => "`or`",
        Rule::op_not => "`not`",
        Rule::event => "an event (`not acknowledged after ..`)",
        Rule::event_kind => "`acknowledged` or `under_control`",
        Rule::comparison => "a comparison",
        Rule::subject => "an impact, a scale or `category`",
        Rule::level_name => "a level",
        Rule::cmp_op => "a comparison operator (`>=`, `>`, `<=`, `<`, `==`, `!=`)",
        Rule::membership => "`in [..]`",
        Rule::kw_in => "`in`",
    }
}

/// Parses one top-level item (a slice of the file starting at byte `offset`).
pub fn parse_item(
    file: FileId,
    text: &str,
    offset: usize,
    diags: &mut Vec<Diagnostic>,
) -> Option<Entry> {
    // pest's call limit is not used: it is process-wide (parses on other threads would share
    // it) and this grammar cannot backtrack without bound, since every alternative consumes a
    // bounded lookahead; the scanner has already bounded the nesting (see ARCHITECTURE.md).
    let mut result = ImpParser::parse(Rule::item, text);
    if result.is_err() {
        // Parse again, recording what was expected, for the message. The switch is
        // process-wide too: the lock keeps two such re-parses from turning it off under each
        // other; parses that see it on merely record more.
        static DETAIL: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _guard = DETAIL
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        pest::set_error_detail(true);
        result = ImpParser::parse(Rule::item, text);
        pest::set_error_detail(false);
    }
    match result {
        Ok(mut pairs) => {
            let item = pairs.next()?;
            let cx = Cx { file, offset };
            let entry = item.into_inner().find(|p| p.as_rule() == Rule::entry)?;
            cx.entry(entry, diags)
        }
        Err(e) => {
            diags.push(convert_error(file, text, offset, &e));
            None
        }
    }
}

fn convert_error(
    file: FileId,
    text: &str,
    offset: usize,
    e: &pest::error::Error<Rule>,
) -> Diagnostic {
    use pest::error::{ErrorVariant, InputLocation};
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    match &e.variant {
        ErrorVariant::CustomError { message } => Diagnostic::new(
            Code::NestingTooDeep,
            Span::new(file, offset, offset + text.len()),
            "declaration too complex to parse",
        )
        .label(message.clone())
        .help("split the declaration into smaller ones"),
        ErrorVariant::ParsingError { positives, .. } => {
            // pest places the error at the furthest *rule* it tried; a literal (a `,` in a
            // list) may have been tried further on, and that is where the mistake is.
            // (pest does not export the attempt types: only the literals are read.)
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
            let found = found_at(text, pos);
            let end = pos + found.len().max(if pos < text.len() { 1 } else { 0 });
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
                Span::new(file, offset + pos, offset + end.min(text.len())),
                message,
            )
            .label(label)
            .help(syntax_help(&found, &expected))
        }
    }
}

/// What the parser expected, in words: rule names, with the many kinds of value folded into
/// "a value", and the closing delimiters and separators it tried.
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
    const VALUES: &[&str] = &[
        "`->`",
        "`24x7`",
        "a date",
        "a day of the week",
        "a duration",
        "a list `[..]`",
        "a name",
        "a number",
        "a string",
        "a text block `\"\"\"`",
        "a time of day",
        "a time range",
    ];
    if words.iter().filter(|w| VALUES.contains(w)).count() >= 3 {
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

struct Cx {
    file: FileId,
    offset: usize,
}

impl Cx {
    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, self.offset + s.start(), self.offset + s.end())
    }

    fn ident(&self, pair: &Pair<'_, Rule>) -> Ident {
        Ident {
            text: pair.as_str().to_string(),
            span: self.span(pair),
        }
    }

    fn entry(&self, pair: Pair<'_, Rule>, diags: &mut Vec<Diagnostic>) -> Option<Entry> {
        let span = self.span(&pair);
        let mut key = None;
        let mut args = Vec::new();
        let mut when = None;
        let mut block = None;
        for p in pair.into_inner() {
            match p.as_rule() {
                Rule::key => key = Some(self.ident(&p)),
                Rule::when_clause => {
                    let mut inner = p.into_inner();
                    let kw = inner.next()?;
                    if key.is_none() {
                        key = Some(self.ident(&kw));
                    }
                    when = Some(Box::new(self.condition(inner.next()?, diags)?));
                }
                Rule::block => block = Some(self.block(p, diags)),
                _ => args.push(self.arg(p, diags)?),
            }
        }
        Some(Entry {
            key: key?,
            args,
            when,
            block,
            doc: None,
            span,
        })
    }

    fn block(&self, pair: Pair<'_, Rule>, diags: &mut Vec<Diagnostic>) -> Block {
        let span = self.span(&pair);
        let entries = pair
            .into_inner()
            .filter(|p| p.as_rule() == Rule::entry)
            .filter_map(|p| self.entry(p, diags))
            .collect();
        Block { entries, span }
    }

    fn arg(&self, pair: Pair<'_, Rule>, diags: &mut Vec<Diagnostic>) -> Option<Arg> {
        let span = self.span(&pair);
        let value = match pair.as_rule() {
            Rule::arrow => Value::Arrow,
            Rule::word => Value::Word(pair.as_str().to_string()),
            Rule::integer => Value::Integer(pair.as_str().to_string()),
            Rule::always => Value::Always,
            Rule::string => {
                let inner = pair.into_inner().next()?;
                Value::Str(self.unescape(&inner, diags))
            }
            Rule::text_block => {
                let inner = pair.into_inner().next()?;
                Value::Str(dedent(inner.as_str()))
            }
            Rule::list => Value::List(
                pair.into_inner()
                    .filter(|p| p.as_rule() != Rule::nl)
                    .map(|p| self.arg(p, diags))
                    .collect::<Option<Vec<_>>>()?,
            ),
            Rule::duration => {
                let mut amount = String::new();
                let mut unit = DurationUnit::Minutes;
                let mut calendar = None;
                for p in pair.into_inner() {
                    match p.as_rule() {
                        Rule::duration_amount => amount = p.as_str().to_string(),
                        Rule::duration_unit => {
                            unit = match p.as_str() {
                                "m" | "min" => DurationUnit::Minutes,
                                "h" => DurationUnit::Hours,
                                "d" => DurationUnit::Days,
                                "w" => DurationUnit::Weeks,
                                "mo" => DurationUnit::Months,
                                "y" => DurationUnit::Years,
                                _ => DurationUnit::BusinessDays,
                            }
                        }
                        Rule::calendar_name => calendar = Some(self.ident(&p)),
                        _ => {}
                    }
                }
                Value::Duration {
                    amount,
                    unit,
                    calendar,
                }
            }
            Rule::date => {
                let s = pair.as_str();
                Value::Date {
                    year: digits(&s[0..4]),
                    month: digits(&s[5..7]),
                    day: digits(&s[8..10]),
                }
            }
            Rule::time => {
                let (hour, minute) = hm(pair.as_str());
                Value::Time { hour, minute }
            }
            Rule::time_range => {
                let mut times = pair.into_inner().map(|p| hm(p.as_str()));
                Value::TimeRange {
                    start: times.next()?,
                    end: times.next()?,
                }
            }
            Rule::day_range => {
                let mut days = pair
                    .into_inner()
                    .filter_map(|p| Weekday::from_name(p.as_str()));
                let from = days.next()?;
                let to = days.next().unwrap_or(from);
                Value::Days { from, to }
            }
            _ => return None,
        };
        Some(Arg { value, span })
    }

    fn unescape(&self, inner: &Pair<'_, Rule>, diags: &mut Vec<Diagnostic>) -> String {
        let raw = inner.as_str();
        let base = self.offset + inner.as_span().start();
        let mut out = String::with_capacity(raw.len());
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
                    diags.push(
                        Diagnostic::new(
                            Code::InvalidEscape,
                            Span::new(self.file, base + i, base + i + len),
                            format!("invalid escape `{}`", &raw[i..(i + len).min(raw.len())]),
                        )
                        .label("not an escape")
                        .help("the escapes are `\\\"`, `\\\\`, `\\n` and `\\t`; write `\\\\` for a backslash"),
                    );
                }
            }
        }
        out
    }

    fn condition(&self, pair: Pair<'_, Rule>, diags: &mut Vec<Diagnostic>) -> Option<Condition> {
        // Refuse long runs of `not` before the Pratt parser recurses through them.
        let mut run = 0usize;
        for p in pair.clone().into_inner() {
            if p.as_rule() == Rule::op_not {
                run += 1;
                if run > MAX_PREFIXES {
                    diags.push(
                        Diagnostic::new(
                            Code::NestingTooDeep,
                            self.span(&p),
                            format!("more than {MAX_PREFIXES} `not` in a row"),
                        )
                        .label("too deep")
                        .help("two `not` cancel out: simplify the condition"),
                    );
                    return None;
                }
            } else {
                run = 0;
            }
        }
        let pratt = PrattParser::new()
            .op(Op::infix(Rule::op_or, Assoc::Left))
            .op(Op::infix(Rule::op_and, Assoc::Left))
            .op(Op::prefix(Rule::op_not));
        let failed = std::cell::Cell::new(false);
        let diags_cell = std::cell::RefCell::new(std::mem::take(diags));
        let result = pratt
            .map_primary(|p| match self.primary(p, &mut diags_cell.borrow_mut()) {
                Some(c) => c,
                None => {
                    failed.set(true);
                    Condition::NotAfter {
                        event: EventKind::Acknowledged,
                        after: Arg {
                            value: Value::Always,
                            span: Span::new(self.file, 0, 0),
                        },
                        span: Span::new(self.file, 0, 0),
                    }
                }
            })
            .map_prefix(|op, rhs| {
                let span = self.span(&op).join(rhs.span());
                Condition::Not {
                    inner: Box::new(rhs),
                    span,
                }
            })
            .map_infix(|lhs, op, rhs| {
                let span = lhs.span().join(rhs.span());
                let (left, right) = (Box::new(lhs), Box::new(rhs));
                if op.as_rule() == Rule::op_and {
                    Condition::And { left, right, span }
                } else {
                    Condition::Or { left, right, span }
                }
            })
            .parse(pair.into_inner().filter(|p| p.as_rule() != Rule::nl));
        *diags = diags_cell.into_inner();
        (!failed.get()).then_some(result)
    }

    fn primary(&self, pair: Pair<'_, Rule>, diags: &mut Vec<Diagnostic>) -> Option<Condition> {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::condition => self.condition(pair, diags),
            Rule::comparison => {
                let mut inner = pair.into_inner();
                let subject = self.ident(&inner.next()?);
                let op = match inner.next()?.as_str() {
                    ">=" => CmpOp::Ge,
                    ">" => CmpOp::Gt,
                    "<=" => CmpOp::Le,
                    "<" => CmpOp::Lt,
                    "==" => CmpOp::Eq,
                    _ => CmpOp::Ne,
                };
                let v = inner.next()?;
                let value = Arg {
                    span: self.span(&v),
                    value: if v.as_rule() == Rule::integer {
                        Value::Integer(v.as_str().to_string())
                    } else {
                        Value::Word(v.as_str().to_string())
                    },
                };
                Some(Condition::Compare {
                    subject,
                    op,
                    value,
                    span,
                })
            }
            Rule::membership => {
                let mut inner = pair.into_inner();
                let subject = self.ident(&inner.next()?);
                let items = inner
                    .filter(|p| p.as_rule() == Rule::level_name)
                    .map(|p| self.ident(&p))
                    .collect();
                Some(Condition::In {
                    subject,
                    items,
                    span,
                })
            }
            Rule::event => {
                let mut inner = pair.into_inner();
                let event = if inner.next()?.as_str() == "acknowledged" {
                    EventKind::Acknowledged
                } else {
                    EventKind::UnderControl
                };
                let after = self.arg(inner.next()?, diags)?;
                Some(Condition::NotAfter { event, after, span })
            }
            _ => None,
        }
    }
}

fn digits(s: &str) -> u32 {
    s.bytes().fold(0u32, |n, b| {
        n.saturating_mul(10).saturating_add(u32::from(b - b'0'))
    })
}

fn hm(s: &str) -> (u32, u32) {
    (digits(&s[0..2]), digits(&s[3..5]))
}

/// Strips the common indentation of a text block, and its first and last line when blank.
pub fn dedent(raw: &str) -> String {
    let mut lines: Vec<&str> = raw.lines().collect();
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
    lines
        .iter()
        .map(|l| {
            let cut = l.len() - l.trim_start_matches(blank).len();
            l[cut.min(indent)..].trim_end()
        })
        .collect::<Vec<_>>()
        .join("\n")
}
