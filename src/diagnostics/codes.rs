//! The registry of diagnostic codes: the one place that owns every code.
//!
//! Codes are `IMP` and four digits, grouped by stage: `00` input files, `01` syntax,
//! `02` modules, `03` declarations and properties, `04` names, `05` literals, `06` rules inside
//! one construct. A code never changes meaning and is never reused. Its level is a default that
//! configuration may change later; it is not part of the code. The documentation of each code is
//! `docs/diagnostics.md`, which `imp explain` prints.

use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $level:ident, $title:literal, $clause:expr; )*) => {
        /// A stable diagnostic code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// `IMP0101`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $code,)* }
            }

            /// The default level.
            pub fn level(self) -> Level {
                match self { $(Code::$variant => Level::$level,)* }
            }

            /// A short title, as in `docs/diagnostics.md`.
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }

            /// The clause of ISO/IEC TR 18044 the finding rests on, where one applies.
            pub fn clause(self) -> Option<&'static str> {
                match self { $(Code::$variant => $clause,)* }
            }
        }
    };
}

codes! {
    // 00: input files
    NotUtf8 = "IMP0001", Error, "file is not valid UTF-8", None;
    FileTooLarge = "IMP0002", Error, "file is too large", None;
    EmptyFile = "IMP0003", Warning, "file declares nothing", None;
    ControlCharacter = "IMP0004", Error, "control character in source", None;
    BidiControl = "IMP0005", Warning, "bidirectional control character", None;
    NotRegularFile = "IMP0006", Error, "not a regular file", None;
    FindingsNotShown = "IMP0007", Warning, "more findings in a file than are shown", None;
    PolicyTooLarge = "IMP0008", Error, "policy too large", None;
    // 01: syntax
    SyntaxError = "IMP0101", Error, "syntax error", None;
    UnclosedDelimiter = "IMP0102", Error, "unclosed delimiter", None;
    UnmatchedDelimiter = "IMP0103", Error, "unmatched closing delimiter", None;
    UnterminatedString = "IMP0104", Error, "unterminated string", None;
    InvalidEscape = "IMP0105", Error, "invalid escape in string", None;
    NestingTooDeep = "IMP0106", Error, "nesting too deep or input too complex", None;
    TypographicQuotes = "IMP0107", Error, "typographic quotes", None;
    // 02: modules
    UseNotFound = "IMP0201", Error, "used file not found", None;
    UseOutsideRoot = "IMP0202", Error, "used file outside the policy root", None;
    UseCycle = "IMP0203", Error, "cycle of `use`", None;
    UseMalformed = "IMP0204", Error, "malformed `use`", None;
    DocumentNotFound = "IMP0205", Error, "document not found", None;
    UnknownLibrary = "IMP0206", Error, "unknown library", None;
    // 03: declarations and properties
    UnknownDeclaration = "IMP0301", Error, "unknown declaration", None;
    UnknownProperty = "IMP0302", Error, "unknown property", None;
    BadValue = "IMP0303", Error, "value of the wrong form", None;
    BadHeader = "IMP0304", Error, "malformed declaration header", None;
    RepeatedProperty = "IMP0305", Error, "property given twice", None;
    MissingProperty = "IMP0306", Error, "required property missing", None;
    MisplacedBlock = "IMP0307", Error, "block where none is allowed", None;
    MisplacedCondition = "IMP0308", Error, "condition where none is allowed", None;
    DeclaredTwice = "IMP0309", Error, "declaration that a policy has once given twice", Some("7.2");
    // 04: names
    UnknownName = "IMP0401", Error, "unknown name", None;
    DuplicateName = "IMP0402", Error, "name defined twice", None;
    WrongKind = "IMP0403", Error, "reference to the wrong kind", None;
    Unused = "IMP0404", Warning, "declared but never referenced", None;
    AmbiguousLevel = "IMP0405", Error, "level name is ambiguous", Some("8.4");
    ListedTwice = "IMP0406", Warning, "item listed twice", None;
    InvalidName = "IMP0407", Error, "not a valid name", None;
    ReservedName = "IMP0408", Error, "name reserved by the language", None;
    FormerName = "IMP0409", Warning, "reference by a former name", None;
    // 05: literals
    InvalidDate = "IMP0501", Error, "invalid date", None;
    InvalidTime = "IMP0502", Error, "invalid time of day", None;
    InvalidDuration = "IMP0503", Error, "invalid duration", None;
    UnknownTimeZone = "IMP0504", Error, "unknown time zone", None;
    NumberOutOfRange = "IMP0505", Error, "number out of range", None;
    ImpactLevelOutOfRange = "IMP0506", Error, "impact level out of range", Some("Annex B");
    ConditionMismatch = "IMP0507", Error, "comparison of the wrong kind", Some("8.4");
    InvalidContact = "IMP0508", Error, "invalid contact address", Some("7.3");
    EmptyWindow = "IMP0509", Error, "empty time window", None;
    UnknownDurationUnit = "IMP0510", Error, "unknown duration unit", None;
    DurationInWords = "IMP0511", Error, "duration written in words", None;
    CompoundDuration = "IMP0512", Error, "duration of several units", None;
    MalformedDate = "IMP0513", Error, "date not written YYYY-MM-DD", None;
    MalformedTime = "IMP0514", Error, "time not written HH:MM", None;
    MixedScriptAddress = "IMP0515", Warning, "e-mail address mixing scripts", Some("7.3");
    Placeholder = "IMP0516", Warning, "template placeholder left in the policy", None;
    NotStated = "IMP0517", Warning, "value not stated", None;
    EmptyRange = "IMP0518", Error, "time range that does not grow", None;
    // 06: rules inside one construct
    DecisionWithoutOptions = "IMP0601", Error, "decision without options", Some("7.3");
    OverrideUnknownStep = "IMP0602", Error, "override of a step the base lacks", None;
    ExtendsCycle = "IMP0603", Error, "cycle of `extends`", None;
    OverrideWithoutBase = "IMP0604", Error, "override in a procedure that extends nothing", None;
    QuorumTooLarge = "IMP0605", Error, "quorum larger than its group", None;
    CadenceAfterOpenEnd = "IMP0606", Error, "cadence phase after an open-ended one", None;
    ImpactLevelsOutOfOrder = "IMP0607", Error, "impact levels not numbered 1, 2, 3, ...", Some("Annex B");
    StepAfterEnd = "IMP0608", Error, "end step with a successor", Some("7.3");
    SelfReference = "IMP0609", Error, "declaration refers to itself", Some("7.5");
    OverriddenTwice = "IMP0610", Error, "step overridden twice", None;
    NoBusinessDays = "IMP0611", Error, "business days of a calendar without working hours", None;
    CriteriaCycle = "IMP0612", Error, "criteria defined in terms of themselves", Some("8.4");
    LevelsAndChoices = "IMP0613", Error, "impact with both levels and choices", Some("Annex B");
    DuplicateValue = "IMP0614", Error, "value listed twice in an enumeration", Some("Annex A");
    MappedTwice = "IMP0615", Error, "level mapped twice", Some("8.4");
    PhaseTwice = "IMP0616", Error, "phase listed twice in a lifecycle", Some("6");
    UnknownPhase = "IMP0617", Error, "phase not in the lifecycle", Some("6");
    RedefinesFixed = "IMP0618", Error, "member redefines what the central policy fixes", None;
}

impl Code {
    /// Looks a code up by its text, case-insensitively (`imp0101` works).
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|c| c.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
