//! The registry of diagnostic codes: the one place that owns every code.
//!
//! Codes are `IMP` and four digits, grouped by stage: `00` input files, `01` syntax,
//! `02` modules, `03` declarations and properties, `04` names, `05` literals, `06` rules inside
//! one construct; then the checks of the scheme, a group per family (`07` to `15`, and `17` to `20` after `16`; see
//! [`crate::checks`]), `16` configuration and silences. A code never changes meaning and
//! is never reused. Its level is a default that configuration may change; it is not part of
//! the code. The documentation of each code is
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

            /// The registry's name of the code, in PascalCase: `UnknownName` for `IMP0401`.
            pub fn name(self) -> &'static str {
                match self { $(Code::$variant => stringify!($variant),)* }
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
    // 07: the policy and the scheme as a whole (checks)
    PolicyIncomplete = "IMP0701", Warning, "policy without owner, approver, version or review date", Some("7.2");
    SelfApproved = "IMP0702", Warning, "policy approved by its own owner", Some("7.2");
    MandatoryRoleMissing = "IMP0703", Warning, "mandatory role missing", Some("7.5");
    OpenInApproved = "IMP0704", Error, "value left open in an approved policy", Some("7.2");
    // 08: roles and people (checks)
    RoleNotHeld = "IMP0801", Warning, "role held by nobody", Some("7.5");
    RoleWithoutBackup = "IMP0802", Warning, "role without a backup", Some("7.5");
    NoContact = "IMP0803", Warning, "person without a contact method", Some("7.3");
    NoOutOfBand = "IMP0804", Warning, "person on call without an out-of-band contact", Some("7.3");
    HolderIsBackup = "IMP0805", Warning, "the same person as holder and backup", Some("7.5");
    RolesTogether = "IMP0806", Warning, "one person in several roles at the same severity", Some("7.5");
    ExclusiveHeldTogether = "IMP0807", Error, "one person holding roles that exclude each other", Some("7.5");
    Untrained = "IMP0808", Warning, "holder without the training the role requires", Some("7.7");
    StaleVerification = "IMP0809", Warning, "contact details not verified in the last year", Some("7.3");
    // 09: reporting (checks)
    NoStaffChannel = "IMP0901", Warning, "no reporting channel for all staff that lands at the point of contact", Some("8.3");
    HoursContradicted = "IMP0902", Error, "channel open around the clock lands at a desk that is not", Some("8.3");
    PocUnstaffed = "IMP0903", Warning, "point of contact staffed by nobody", Some("8.3");
    // 10: severity (checks)
    NoScale = "IMP1001", Warning, "no severity scale of at least three levels", Some("8.4");
    LevelIncomplete = "IMP1002", Warning, "level without criteria, targets, decider or notifications", Some("8.4");
    SlowerWhenWorse = "IMP1003", Error, "more severe level with a slower target", Some("8.4");
    LowerAuthority = "IMP1004", Error, "more severe level decided by a lower authority", Some("8.4");
    NotifiesFewer = "IMP1005", Warning, "more severe level notifies fewer", Some("8.4");
    CriteriaGap = "IMP1006", Error, "incident that matches no level", Some("8.4");
    CriteriaOverlap = "IMP1007", Warning, "incident that matches two levels", Some("8.4");
    LevelShadowed = "IMP1008", Warning, "level that no incident can reach", Some("8.4");
    IdenticalLevels = "IMP1009", Warning, "levels that differ in nothing", Some("8.4");
    TargetsOutOfOrder = "IMP1010", Error, "targets out of order", Some("8.4");
    UnmappedScales = "IMP1011", Warning, "two scales in use with no mapping between them", Some("8.4");
    ReviewNotDefined = "IMP1012", Warning, "level requires a review that no review defines", Some("9.3");
    // 11: categories and procedures (checks)
    CategoryWithoutProcedure = "IMP1101", Warning, "category without a procedure", Some("8.5");
    PhaseWithoutProcedure = "IMP1102", Warning, "lifecycle phase without a procedure", Some("4.2");
    PhaseWithoutOwner = "IMP1103", Warning, "phase without an owner", Some("4.2");
    AuthorityNotHeld = "IMP1104", Error, "step needs an authority its owner does not hold", Some("8.5");
    NoOwner = "IMP1105", Warning, "step or decision owned by nobody", Some("7.3");
    TwoOwners = "IMP1106", Warning, "duty with two owners", Some("7.5");
    TargetContradicted = "IMP1107", Error, "procedure slower than its level's target", Some("8.5");
    // 12: evidence (checks)
    NoEvidenceHandling = "IMP1201", Warning, "forensics in scope without evidence handling", Some("9.2");
    EvidenceIncomplete = "IMP1202", Warning, "evidence handling without custodian, chain of custody or retention", Some("9.2");
    // 13: obligations (checks)
    ObligationIncomplete = "IMP1301", Warning, "obligation without owner, recipient, clock start or deadline", Some("8.5");
    DeadlineTwice = "IMP1302", Error, "two values in force for one deadline", Some("8.5");
    RegimeWithoutObligation = "IMP1303", Warning, "regime in force with no matching obligation", None;
    DeadlineBeyondLaw = "IMP1304", Error, "deadline later than the law allows", None;
    // 14: training, exercises and reviews (checks)
    RoleWithoutTraining = "IMP1401", Warning, "role with duties and no training", Some("7.7");
    TrainingWithoutCadence = "IMP1402", Warning, "training without a cadence", Some("7.7");
    NoAwareness = "IMP1403", Warning, "no awareness training for all staff", Some("7.7");
    NoExercise = "IMP1404", Warning, "no exercise plan", Some("7.7");
    DateInPast = "IMP1405", Warning, "review or exercise date in the past", Some("7.3");
    NoReview = "IMP1406", Warning, "no post-incident or scheme review with a deadline", Some("9.3");
    // 15: drift and hygiene (checks)
    NearDuplicate = "IMP1501", Warning, "names or titles that differ by one word", None;
    EmbargoBroken = "IMP1502", Warning, "notification that breaks an embargo", Some("8.5");
    EmptyDeclaration = "IMP1503", Warning, "empty procedure, scale, calendar or schedule", None;
    // 16: configuration and silences
    BadConfig = "IMP1601", Error, "invalid configuration", None;
    SilenceWithoutReason = "IMP1602", Warning, "silence without a reason", None;
    UselessSilence = "IMP1603", Warning, "silence that silences nothing", None;
    MalformedSilence = "IMP1604", Warning, "malformed silence", None;
    // 17: reachability and single points of failure (checks)
    ChannelUnreached = "IMP1701", Error, "reporting channel that reaches no point of contact", Some("8.3");
    IsirtUnreached = "IMP1702", Error, "point of contact with no path to the ISIRT", Some("8.4");
    AuthorityUnreached = "IMP1703", Error, "ISIRT with no path to an authority to decide", Some("8.5");
    LevelUnreached = "IMP1704", Error, "level that cannot reach its decider or those it must notify", Some("8.4");
    CrisisUnreached = "IMP1705", Error, "crisis level that cannot reach the crisis team", Some("8.5");
    ObligationUnreached = "IMP1706", Warning, "obligation whose owner no trigger reaches", Some("8.5");
    SinglePointOfFailure = "IMP1707", Warning, "single point of failure", Some("7.5");
    FragileQuorum = "IMP1708", Warning, "quorum that one absence makes unreachable", Some("7.5");
    // 18: time along escalation paths (checks)
    EscalationTooSlow = "IMP1801", Error, "escalation slower than the acknowledge target", Some("8.5");
    LadderOverlap = "IMP1802", Warning, "ladder whose timers overlap", Some("8.5");
    DeadlineUnmeetable = "IMP1803", Error, "legal deadline that cannot be met", Some("8.5");
    EscalationCycle = "IMP1804", Error, "escalation cycle without a bound", Some("8.5");
    UnboundedRepeat = "IMP1805", Warning, "repeat without an interval", Some("8.5");
    PathEndsWithoutAuthority = "IMP1806", Warning, "escalation path that ends at no authority", Some("8.5");
    // 19: every hour of the week (checks)
    LevelUnansweredAtSomeHours = "IMP1901", Error, "level that reaches nobody who answers for its decider at some hours", Some("8.4");
    IntakeUnanswered = "IMP1902", Warning, "point of contact that nobody answers at some hours", Some("8.3");
    SlowAtSomeHours = "IMP1903", Error, "level that reaches its decider too late at some hours", Some("8.5");
    DeadlineUnmeetableAtSomeHours = "IMP1904", Error, "legal deadline that cannot be met at some hours", Some("8.5");
    // 20: procedures as graphs (checks)
    StepUnreachable = "IMP2001", Warning, "step that cannot be reached from the start", Some("7.3");
    BranchNeverEnds = "IMP2002", Error, "branch that never ends", Some("7.3");
    CycleWithoutExit = "IMP2003", Error, "cycle with no exit", Some("7.3");
    ReviewSkipped = "IMP2004", Warning, "path at or above the review threshold that skips the review", Some("9.3");
    EradicationBeforeEvidence = "IMP2005", Error, "eradication before evidence is collected", Some("9.2");
    OptionLeadsNowhere = "IMP2006", Error, "decision option that leads nowhere", Some("7.3");
    ApproverUnreachable = "IMP2007", Warning, "precondition whose approver cannot be reached", Some("7.3");
}

impl Code {
    /// The group: `7` for `IMP0701`.
    pub fn group(self) -> u32 {
        self.as_str()[3..5].parse().unwrap_or(0)
    }

    /// A finding of a check of the scheme (groups `07` to `15`, `17` to `20`), as opposed to one of reading
    /// the policy (`00` to `06`) or of configuration (`16`): configuration may silence it.
    pub fn is_check(self) -> bool {
        matches!(self.group(), 7..=15 | 17..=20)
    }

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
