//! The spanned syntax tree. It says what was written, not what it means: the model layer
//! decides what a key word or an argument stands for.

use serde::Serialize;

use crate::source::Span;

/// A parsed file: its top-level entries and every comment.
#[derive(Debug, Clone, Default, Serialize)]
pub struct File {
    pub entries: Vec<Entry>,
    /// Every comment, in source order, so that a formatter can put them back.
    pub comments: Vec<Comment>,
}

/// A `#` comment. `##` comments directly above an entry are its documentation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comment {
    pub span: Span,
    /// The text after the `#` (or `##`), trimmed at the end.
    pub text: String,
    pub doc: bool,
}

/// A word as written, with its span.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ident {
    pub text: String,
    pub span: Span,
}

/// `key arg* [when condition] [{ entries }]`.
#[derive(Debug, Clone, Serialize)]
pub struct Entry {
    pub key: Ident,
    pub args: Vec<Arg>,
    pub when: Option<Box<Condition>>,
    pub block: Option<Block>,
    /// Text of the `##` comment lines directly above, joined by newlines.
    pub doc: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, Serialize)]
pub struct Block {
    pub entries: Vec<Entry>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Arg {
    pub value: Value,
    pub span: Span,
}

/// The unit of a duration literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DurationUnit {
    Minutes,
    Hours,
    Days,
    Weeks,
    Months,
    Years,
    BusinessDays,
}

impl DurationUnit {
    pub fn suffix(self) -> &'static str {
        match self {
            DurationUnit::Minutes => "m",
            DurationUnit::Hours => "h",
            DurationUnit::Days => "d",
            DurationUnit::Weeks => "w",
            DurationUnit::Months => "mo",
            DurationUnit::Years => "y",
            DurationUnit::BusinessDays => "bd",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    pub fn index(self) -> u8 {
        self as u8
    }

    /// `mon` .. `sun`.
    pub fn from_name(name: &str) -> Option<Weekday> {
        Some(match name {
            "mon" => Weekday::Mon,
            "tue" => Weekday::Tue,
            "wed" => Weekday::Wed,
            "thu" => Weekday::Thu,
            "fri" => Weekday::Fri,
            "sat" => Weekday::Sat,
            "sun" => Weekday::Sun,
            _ => return None,
        })
    }
}

/// A literal as written. Numbers are kept as digits and dates as parts: the model layer
/// validates them (`2026-02-30`, overflow), so that it can say exactly what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Value {
    /// A bare word, possibly dotted (`severity.sev2`).
    Word(String),
    /// A string with its escapes resolved; a text block with its indentation stripped.
    Str(String),
    Integer(String),
    Duration {
        amount: String,
        unit: DurationUnit,
        calendar: Option<Ident>,
    },
    Date {
        year: u32,
        month: u32,
        day: u32,
    },
    Time {
        hour: u32,
        minute: u32,
    },
    TimeRange {
        start: (u32, u32),
        end: (u32, u32),
    },
    Days {
        from: Weekday,
        to: Weekday,
    },
    /// `24x7`.
    Always,
    /// `->`.
    Arrow,
    List(Vec<Arg>),
}

impl Value {
    /// What the value is, in words, for messages ("expected a duration, found a string").
    pub fn describe(&self) -> &'static str {
        match self {
            Value::Word(_) => "a name",
            Value::Str(_) => "a string",
            Value::Integer(_) => "a number",
            Value::Duration { .. } => "a duration",
            Value::Date { .. } => "a date",
            Value::Time { .. } => "a time of day",
            Value::TimeRange { .. } => "a time range",
            Value::Days { .. } => "a day range",
            Value::Always => "`24x7`",
            Value::Arrow => "`->`",
            Value::List(_) => "a list",
        }
    }
}

/// Comparison operators of conditions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CmpOp {
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
}

/// Incident events a condition can wait for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Acknowledged,
    UnderControl,
}

/// A condition as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Condition {
    And {
        left: Box<Condition>,
        right: Box<Condition>,
        span: Span,
    },
    Or {
        left: Box<Condition>,
        right: Box<Condition>,
        span: Span,
    },
    Not {
        inner: Box<Condition>,
        span: Span,
    },
    /// `financial >= 3`, `severity >= sev2`.
    Compare {
        subject: Ident,
        op: CmpOp,
        value: Arg,
        span: Span,
    },
    /// `category in [a, b]`.
    In {
        subject: Ident,
        items: Vec<Ident>,
        span: Span,
    },
    /// `not acknowledged after 30m`.
    NotAfter {
        event: EventKind,
        after: Arg,
        span: Span,
    },
}

impl Condition {
    pub fn span(&self) -> Span {
        match self {
            Condition::And { span, .. }
            | Condition::Or { span, .. }
            | Condition::Not { span, .. }
            | Condition::Compare { span, .. }
            | Condition::In { span, .. }
            | Condition::NotAfter { span, .. } => *span,
        }
    }
}
