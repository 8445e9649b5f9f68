//! Configuration: `imp.yaml` in a policy's root, read into what the pipeline and the checks
//! are told (levels per code, the day taken as today, the mandatory roles, default targets,
//! library directories), with every problem of it located in its text (IMP1601).
//!
//! A problem drops only the entry it is in: the rest of the file still applies. The text is
//! read as YAML into a value (a file that is not YAML applies nothing), then checked key by
//! key; serde_yaml_ng gives the place of a YAML error, and [`locate`] finds the key or value an
//! entry's problem is about.
//!
//! [`apply`] applies levels and the silences of the policy's comments to the findings.

pub mod apply;
mod locate;

use std::collections::BTreeMap;
use std::ops::Range;

use serde_yaml::Value;

use crate::checks::{DefaultTargets, Function, Mandatory};
use crate::diagnostics::{Code, Level, backticked, did_you_mean};

/// What configuration makes of a code's findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Setting {
    /// Dropped.
    Allow,
    /// A warning.
    Warn,
    /// An error.
    Deny,
}

impl Setting {
    pub fn as_str(self) -> &'static str {
        match self {
            Setting::Allow => "allow",
            Setting::Warn => "warn",
            Setting::Deny => "deny",
        }
    }

    pub fn parse(s: &str) -> Option<Setting> {
        [Setting::Allow, Setting::Warn, Setting::Deny]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// A level per code.
pub type Levels = BTreeMap<Code, Setting>;

/// Whether configuration may set a code's level to `setting`: any warning and any finding of a
/// check or of configuration; an error of reading the policy may only stay an error. IMP0007,
/// which counts what a file does not show, is not set.
pub fn may_set(code: Code, setting: Setting) -> Result<(), &'static str> {
    if code == Code::FindingsNotShown {
        return Err(
            "counts the findings a file does not show, whatever their level: it has no level of its own to set",
        );
    }
    if code.group() <= 6 && code.level() == Level::Error && setting != Setting::Deny {
        return Err(
            "is an error of reading the policy, which stays an error: a policy with it cannot be trusted to mean what it says, so fix the policy instead (warnings, and the findings of checks and of configuration, may be lowered)",
        );
    }
    Ok(())
}

/// Whether a silence may silence a code's findings: any warning of reading the policy, and
/// any finding of a check. Not an error of reading, not IMP0007, not a finding of
/// configuration or of silences (set their levels in `imp.yaml`).
pub fn may_silence(code: Code) -> Result<(), &'static str> {
    if code.is_check() {
        return Ok(());
    }
    match code.group() {
        16 => Err(
            "is a finding about configuration or silences: set its level in `imp.yaml` under `levels` instead",
        ),
        _ if code == Code::FindingsNotShown => {
            Err("counts the findings a file does not show: fix the findings of the file instead")
        }
        _ if code.level() == Level::Error => Err(
            "is an error of reading the policy: a policy with it cannot be trusted to mean what it says, so fix the policy instead (warnings, and the findings of checks, may be silenced)",
        ),
        _ => Ok(()),
    }
}

/// Help for a word that should be a code: `IMP802` is likely `IMP0802`.
pub fn code_help(word: &str, what: &str) -> String {
    let digits = word.get(3..).unwrap_or("");
    if word.len() < 7
        && word.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("imp"))
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && let Some(c) = Code::parse(&format!("IMP{digits:0>4}"))
    {
        return format!("did you mean `{c}`?");
    }
    format!(
        "{what}, `IMP` and four digits, as the findings show them (`imp explain CODE` tells what one means)"
    )
}

/// `imp.yaml`, as read.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct File {
    /// `levels`.
    pub levels: Levels,
    /// `as_of`.
    pub as_of: Option<jiff::civil::Date>,
    /// `mandatory_roles`: the four functions but those set to `false`, then the
    /// organisation's own; `None` when the key is absent (the four apply).
    pub mandatory: Option<Vec<Mandatory>>,
    /// `default_targets`.
    pub default_targets: DefaultTargets,
    /// `libraries`: name and directory (relative to the file), in the file's order.
    pub libraries: Vec<(String, String)>,
}

/// A problem of `imp.yaml`: a byte range of its text, and what to say.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub range: Range<usize>,
    pub message: String,
    pub label: String,
    pub help: String,
}

/// The keys of `imp.yaml`.
pub const KEYS: &[&str] = &[
    "levels",
    "as_of",
    "mandatory_roles",
    "default_targets",
    "libraries",
];

/// The keys of `default_targets`.
const TARGETS: &[&str] = &["acknowledge", "contain", "resolve"];

/// Reads `imp.yaml`'s text: what applies, and the problems.
pub fn parse(text: &str) -> (File, Vec<Problem>) {
    let mut r = Reader {
        text,
        lines: locate::lines(text),
        file: File::default(),
        problems: Vec::new(),
    };
    r.file_(text);
    (r.file, r.problems)
}

struct Reader<'t> {
    text: &'t str,
    /// The text's lines: (start, end).
    lines: Vec<(usize, usize)>,
    file: File,
    problems: Vec<Problem>,
}

/// A YAML value in words, for "... is a list".
fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "empty",
        Value::Bool(_) => "`true` or `false`",
        Value::Number(_) => "a number",
        Value::String(_) => "a text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// A scalar as written, for messages and for finding it in the text.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

impl Reader<'_> {
    fn bad(&mut self, range: Range<usize>, message: String, label: &str, help: String) {
        self.problems.push(Problem {
            range,
            message,
            label: label.to_string(),
            help,
        });
    }

    fn file_(&mut self, text: &str) {
        let value: Value = match serde_yaml::from_str(text) {
            Ok(v) => v,
            Err(e) => return self.syntax(&e),
        };
        let map = match value {
            Value::Null => return,
            Value::Mapping(m) => m,
            other => {
                let at = locate::first_content(text);
                return self.bad(
                    at,
                    format!("`imp.yaml` is {}, not a mapping of keys", kind(&other)),
                    "not `key: value` lines",
                    format!(
                        "write `key: value` lines; the keys are {}",
                        backticked(KEYS, ", ")
                    ),
                );
            }
        };
        // Where the previous key was found: the keys are found in order.
        let mut cursor = 0;
        for (k, v) in &map {
            let Some(key) = k.as_str() else {
                let at = scalar(k)
                    .and_then(|s| locate::top_key(text, &self.lines, cursor, &s))
                    .unwrap_or_else(|| locate::first_content(text));
                self.bad(
                    at,
                    format!("`imp.yaml` has a key that is {}", kind(k)),
                    "not a key of `imp.yaml`",
                    format!("the keys are {}", backticked(KEYS, ", ")),
                );
                continue;
            };
            let at = match locate::top_key(text, &self.lines, cursor, key) {
                Some(at) => {
                    cursor = at.end;
                    at
                }
                None => locate::first_content(text),
            };
            match key {
                "levels" => self.levels(key, at, v),
                "as_of" => self.as_of(at, v),
                "mandatory_roles" => self.mandatory(key, at, v),
                "default_targets" => self.targets(key, at, v),
                "libraries" => self.libraries(key, at, v),
                _ => self.bad(
                    at,
                    format!("unknown key `{key}` in `imp.yaml`"),
                    "not a key of `imp.yaml`",
                    did_you_mean(key, KEYS.iter().copied(), "the keys are"),
                ),
            }
        }
    }

    /// A text that is not YAML, at the place serde_yaml_ng gives.
    fn syntax(&mut self, e: &serde_yaml::Error) {
        let text = self.text;
        let at = e
            .location()
            .and_then(|l| locate::offset_of(text, l.line(), l.column()))
            .unwrap_or(text.len());
        let end = text[at..]
            .chars()
            .next()
            .filter(|c| !matches!(c, '\n' | '\r'))
            .map_or(at, |c| at + c.len_utf8());
        let mut message = e.to_string();
        // The place is shown by the finding itself.
        if let Some(i) = message.find(" at line ") {
            message.truncate(i);
        }
        // serde_yaml_ng places a key given twice at the start of its mapping: the finding is
        // at the second.
        const TWICE: &str = "duplicate entry with key \"";
        if let Some(i) = message.find(TWICE) {
            let key = &message[i + TWICE.len()..];
            if let Some(key) = key.strip_suffix('"').filter(|k| !k.contains('"')) {
                let again = locate::key_again(text, at, key).unwrap_or(at..at);
                return self.bad(
                    again,
                    format!("`imp.yaml` gives `{key}` twice"),
                    "given again here",
                    "a key is given once in its mapping: remove one of the two".into(),
                );
            }
        }
        self.bad(
            at..end,
            format!("`imp.yaml` is not valid YAML: {message}"),
            "here",
            "nothing of `imp.yaml` applies until it is valid YAML: write `key: value` lines, a list of entries indented below its key"
                .into(),
        );
    }

    /// A mapping's entries as (key, value, the key's range); problems for what is not one.
    fn entries<'v>(
        &mut self,
        top: &str,
        at: Range<usize>,
        v: &'v Value,
        what: &str,
    ) -> Vec<(String, &'v Value, Range<usize>)> {
        let map = match v {
            Value::Null => return Vec::new(),
            Value::Mapping(m) => m,
            other => {
                let at = locate::value_after(self.text, at);
                self.bad(
                    at,
                    format!("`{top}` is {}, not a mapping", kind(other)),
                    "not `key: value` lines",
                    format!("under `{top}`, write one `{what}` a line, indented"),
                );
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        let mut cursor = at.end;
        for (k, val) in map {
            let Some(key) = scalar(k) else {
                self.bad(
                    at.clone(),
                    format!("`{top}` has a key that is {}", kind(k)),
                    "in this mapping",
                    format!("under `{top}`, write one `{what}` a line"),
                );
                continue;
            };
            let found = locate::sub_key(self.text, &self.lines, at.clone(), cursor, &key);
            let range = match found {
                Some(r) => {
                    cursor = r.end;
                    r
                }
                None => at.clone(),
            };
            out.push((key, val, range));
        }
        out
    }

    fn levels(&mut self, top: &str, at: Range<usize>, v: &Value) {
        for (key, val, range) in self.entries(top, at, v, "CODE: allow|warn|deny") {
            let value_at = locate::value_after(self.text, range.clone());
            let Some(code) = Code::parse(&key).filter(|_| key.len() == 7) else {
                self.bad(
                    range,
                    format!("`{key}` is not a diagnostic code"),
                    "not a code",
                    code_help(&key, "a key of `levels` is a code"),
                );
                continue;
            };
            let Some(setting) = val.as_str().and_then(Setting::parse) else {
                let shown = scalar(val).unwrap_or_else(|| kind(val).to_string());
                let help = match val.as_str() {
                    Some(s) => did_you_mean(s, ["allow", "warn", "deny"], "the levels are"),
                    None => "the levels are `allow`, `warn` and `deny`".into(),
                };
                self.bad(
                    value_at,
                    format!("`{shown}` is not a level of `{code}`"),
                    "not `allow`, `warn` or `deny`",
                    help,
                );
                continue;
            };
            if let Err(why) = may_set(code, setting) {
                self.bad(
                    value_at,
                    format!("`{code}` cannot be set to `{}`", setting.as_str()),
                    "cannot be set",
                    format!("`{code}` ({}) {why}", code.title()),
                );
                continue;
            }
            self.file.levels.insert(code, setting);
        }
    }

    fn as_of(&mut self, at: Range<usize>, v: &Value) {
        let value_at = locate::value_after(self.text, at);
        let help = "write the day the checks take as today as YYYY-MM-DD, e.g. `as_of: 2026-12-01`";
        let Some(s) = v.as_str() else {
            let shown = scalar(v).map_or_else(|| kind(v).to_string(), |s| format!("`{s}`"));
            return self.bad(
                value_at,
                format!("`as_of` is {shown}, not a date"),
                "not a date",
                help.into(),
            );
        };
        let ok = s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-';
        match s.parse::<jiff::civil::Date>() {
            Ok(d) if ok => self.file.as_of = Some(d),
            Ok(_) => self.bad(
                value_at,
                format!("`{s}` is not written YYYY-MM-DD"),
                "not YYYY-MM-DD",
                help.into(),
            ),
            Err(_) if ok => self.bad(
                value_at,
                format!("`{s}` is not a date"),
                "no such day",
                "check the month and the day: YYYY-MM-DD".into(),
            ),
            Err(_) => self.bad(
                value_at,
                format!("`{s}` is not a date"),
                "not a date",
                help.into(),
            ),
        }
    }

    fn mandatory(&mut self, top: &str, at: Range<usize>, v: &Value) {
        let mut list = Mandatory::defaults();
        let functions: Vec<&str> = Function::ALL.iter().map(|f| f.as_str()).collect();
        for (key, val, range) in self.entries(top, at, v, "ROLE: NAME") {
            let value_at = locate::value_after(self.text, range.clone());
            let function = Function::parse(&key);
            match (function, val) {
                (_, Value::String(name)) if name.trim().is_empty() => self.bad(
                    value_at,
                    format!("`{key}` names no declaration"),
                    "empty",
                    "give the name of the role, team or person that fills it, as the policy declares it".into(),
                ),
                (Some(f), Value::String(name)) => {
                    if let Some(m) = list.iter_mut().find(|m| m.function == Some(f)) {
                        m.name = Some(name.trim().to_string());
                    }
                }
                (Some(f), Value::Null | Value::Bool(true)) => {
                    if let Some(m) = list.iter_mut().find(|m| m.function == Some(f)) {
                        m.name = None;
                    }
                }
                (Some(f), Value::Bool(false)) => list.retain(|m| m.function != Some(f)),
                (None, Value::String(name)) => {
                    if let Some(m) = list.iter_mut().find(|m| m.function.is_none() && m.key == key) {
                        m.name = Some(name.trim().to_string());
                    } else {
                        list.push(Mandatory {
                            key,
                            function: None,
                            name: Some(name.trim().to_string()),
                        });
                    }
                }
                (None, Value::Null | Value::Bool(_)) => {
                    let help = match crate::diagnostics::suggest(&key, functions.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!(
                            "imp finds the functions {} by their rule; an organisation's own mandatory role names the declaration that fills it: `{key}: NAME`",
                            backticked(&functions, ", ")
                        ),
                    };
                    self.bad(
                        range,
                        format!("`{key}` is not a function imp knows"),
                        "found by no rule",
                        help,
                    );
                }
                (_, other) => self.bad(
                    value_at,
                    format!("`{key}` is {}", kind(other)),
                    "not a name, `true`, `false` or empty",
                    format!(
                        "give the name of the declaration that fills `{key}`{}",
                        if function.is_some() {
                            ", `true` (or nothing) to find it by its rule, or `false` if it is not mandatory"
                        } else {
                            ""
                        }
                    ),
                ),
            }
        }
        self.file.mandatory = Some(list);
    }

    fn targets(&mut self, top: &str, at: Range<usize>, v: &Value) {
        for (key, val, range) in self.entries(top, at, v, "acknowledge|contain|resolve: DURATION") {
            if !TARGETS.contains(&key.as_str()) {
                self.bad(
                    range,
                    format!("unknown key `{key}` in `default_targets`"),
                    "not a target",
                    did_you_mean(&key, TARGETS.iter().copied(), "the targets are"),
                );
                continue;
            }
            let value_at = locate::value_after(self.text, range.clone());
            let Some(text) = scalar(val) else {
                self.bad(
                    value_at,
                    format!("`{key}` is {}, not a duration", kind(val)),
                    "not a duration",
                    "write a number and a unit, e.g. `30m`, `4h`, `5d`".into(),
                );
                continue;
            };
            match duration(&text) {
                Ok(seconds) => {
                    let t = &mut self.file.default_targets;
                    match key.as_str() {
                        "acknowledge" => t.acknowledge = Some(seconds),
                        "contain" => t.contain = Some(seconds),
                        _ => t.resolve = Some(seconds),
                    }
                }
                Err((message, label, help)) => self.bad(value_at, message, &label, help),
            }
        }
    }

    fn libraries(&mut self, top: &str, at: Range<usize>, v: &Value) {
        for (name, val, range) in self.entries(top, at, v, "NAME: DIR") {
            if let Err(why) = crate::loader::check_library_name(&name) {
                self.bad(
                    range,
                    why,
                    "not a library name",
                    "a library's name is the `NAME` of `use \"@NAME/file.imp\"`".into(),
                );
                continue;
            }
            match val.as_str() {
                Some(dir) if !dir.is_empty() => self.file.libraries.push((name, dir.to_string())),
                _ => {
                    let value_at = locate::value_after(self.text, range.clone());
                    self.bad(
                        value_at,
                        format!("the library `{name}` names no directory"),
                        "not a directory",
                        format!("write the library's directory, relative to `imp.yaml`: `{name}: ../{name}`"),
                    );
                }
            }
        }
    }
}

/// A duration as the language writes it (`4h`, `30m`, `1d`), of a fixed length, in seconds;
/// or the message, label and help of why not.
pub fn duration(text: &str) -> Result<u64, (String, String, String)> {
    use crate::model::lower::literal;
    let mut words = text.split_whitespace();
    let (first, next) = (words.next().unwrap_or(""), words.next());
    let parts = literal::duration(first, next).map_err(|(b, _)| (b.message, b.label, b.help))?;
    if next.is_some() {
        return Err((
            format!("`{text}` is not one duration"),
            "one amount and one unit".into(),
            "write one duration, e.g. `4h`".into(),
        ));
    }
    let fixed = || {
        (
            format!("`{text}` is not a fixed length of time"),
            "months, years and business days vary".to_string(),
            "a default target is written in `s`, `m`, `h`, `d` or `w`, e.g. `30d` for a month"
                .to_string(),
        )
    };
    if parts.calendar.is_some() {
        return Err(fixed());
    }
    let per = parts.unit.seconds().ok_or_else(fixed)?;
    let n: u64 = parts.amount.parse().map_err(|_| {
        (
            format!("`{text}` is too long"),
            "out of range".to_string(),
            "write a shorter duration".to_string(),
        )
    })?;
    if n == 0 {
        return Err((
            format!("`{text}` is no time at all"),
            "zero".into(),
            "a target of zero cannot be met: give the time it may take".into(),
        ));
    }
    n.checked_mul(per).ok_or_else(|| {
        (
            format!("`{text}` is too long"),
            "out of range".to_string(),
            "write a shorter duration".to_string(),
        )
    })
}

#[cfg(test)]
mod tests;
