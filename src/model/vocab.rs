//! The fixed vocabularies of the language, as enums. Each lists its words once: the schema,
//! the docs' reference table and the messages take them from here, and `Display` prints a
//! value as the language writes it.

use serde::Serialize;

macro_rules! vocab {
    ($($(#[$doc:meta])* $name:ident { $($variant:ident = $word:literal,)* })*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
            pub enum $name {
                $(
                    #[serde(rename = $word)]
                    $variant,
                )*
            }

            impl $name {
                /// Every word, in the order of the docs.
                pub const WORDS: &'static [&'static str] = &[$($word),*];
                /// Every value, in the same order.
                pub const ALL: &'static [$name] = &[$($name::$variant),*];

                pub fn from_word(word: &str) -> Option<$name> {
                    match word {
                        $($word => Some($name::$variant),)*
                        _ => None,
                    }
                }

                pub fn as_str(self) -> &'static str {
                    match self {
                        $($name::$variant => $word,)*
                    }
                }
            }

            impl std::fmt::Display for $name {
                fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }

            impl Vocab for $name {
                const WORDS: &'static [&'static str] = $name::WORDS;
                fn from_word(word: &str) -> Option<Self> {
                    $name::from_word(word)
                }
            }
        )*
    };
}

impl BuiltinLifecycle {
    /// Its phases, in order.
    pub fn phases(self) -> &'static [&'static str] {
        match self {
            // ISO/IEC 27035-1: plan and prepare; detection and reporting; assessment and
            // decision; responses; lessons learnt (TR 18044 clause 6).
            BuiltinLifecycle::Iso27035 => &[
                "plan_and_prepare",
                "detection_and_reporting",
                "assessment_and_decision",
                "responses",
                "lessons_learnt",
            ],
            // NIST SP 800-61.
            BuiltinLifecycle::Nist80061 => &[
                "preparation",
                "detection_and_analysis",
                "containment_eradication_and_recovery",
                "post_incident_activity",
            ],
        }
    }
}

/// A fixed vocabulary.
pub trait Vocab: Copy + Sized {
    const WORDS: &'static [&'static str];
    fn from_word(word: &str) -> Option<Self>;
}

vocab! {
    /// Topics a policy covers.
    Topic {
        Detection = "detection",
        Reporting = "reporting",
        Assessment = "assessment",
        Response = "response",
        Crisis = "crisis",
        Forensics = "forensics",
        Communications = "communications",
        Escalation = "escalation",
        LessonsLearnt = "lessons_learnt",
        Improvement = "improvement",
        Training = "training",
        Exercises = "exercises",
    }
    /// Lifecycle phases a procedure serves.
    Phase {
        Plan = "plan",
        Detection = "detection",
        Reporting = "reporting",
        Assessment = "assessment",
        Response = "response",
        Crisis = "crisis",
        Forensics = "forensics",
        Communications = "communications",
        Review = "review",
        LessonsLearnt = "lessons_learnt",
        Improvement = "improvement",
    }
    /// The lifecycles the language knows.
    BuiltinLifecycle {
        Iso27035 = "iso27035",
        Nist80061 = "nist_800_61",
    }
    /// Traffic Light Protocol markings (FIRST TLP 2.0).
    Tlp {
        Clear = "tlp_clear",
        Green = "tlp_green",
        Amber = "tlp_amber",
        AmberStrict = "tlp_amber_strict",
        Red = "tlp_red",
    }
    /// Groups of people an audience may name.
    Group {
        AllStaff = "all_staff",
        Contractors = "contractors",
        ItStaff = "it_staff",
        Management = "management",
        Customers = "customers",
        Suppliers = "suppliers",
        Public = "public",
        Media = "media",
    }
    /// What sort of reporting channel.
    ChannelKind {
        Portal = "portal",
        Email = "email",
        Phone = "phone",
        Form = "form",
        Chat = "chat",
        InPerson = "in_person",
        Api = "api",
        Bridge = "bridge",
        StatusPage = "status_page",
    }
    /// What a channel is used for.
    ChannelUse {
        Reporting = "reporting",
        Response = "response",
        Status = "status",
    }
    /// Kinds of rule on communications.
    CommsRule {
        NoSms = "no_sms",
        NoEmail = "no_email",
        EncryptExternal = "encrypt_external",
        OutOfBandOnly = "out_of_band_only",
        NeedToKnow = "need_to_know",
        NoPersonalDevices = "no_personal_devices",
        Other = "other",
    }
    /// What sort of external party.
    ExternalKind {
        NationalCsirt = "national_csirt",
        Regulator = "regulator",
        LawEnforcement = "law_enforcement",
        Isp = "isp",
        Hosting = "hosting",
        Vendor = "vendor",
        Insurer = "insurer",
        IrRetainer = "ir_retainer",
        Media = "media",
        Parent = "parent",
        Customer = "customer",
        Supplier = "supplier",
        Other = "other",
    }
    /// The threat type of a category.
    Threat {
        Deliberate = "deliberate",
        Accidental = "accidental",
        Error = "error",
        Unknown = "unknown",
    }
    /// Which level to take when unsure.
    IfUnsure {
        Higher = "higher",
        Lower = "lower",
    }
    /// What a scenario expects of a party: `expect ciso paged within 30m`.
    ExpectVerb {
        Paged = "paged",
        Notified = "notified",
        Engaged = "engaged",
    }
    /// How often a rota rotates.
    RotationPeriod {
        Daily = "daily",
        Weekly = "weekly",
        Fortnightly = "fortnightly",
        Monthly = "monthly",
    }
    /// The moments an incident passes through, from which (or before which) times count:
    /// an obligation's clock start, a cadence's start, a relative time limit.
    MomentWord {
        Detection = "detection",
        Report = "report",
        Identification = "identification",
        Awareness = "awareness",
        Confirmation = "confirmation",
        Assessment = "assessment",
        Classification = "classification",
        Declaration = "declaration",
        Initiation = "initiation",
        Escalation = "escalation",
        Containment = "containment",
        Eradication = "eradication",
        Recovery = "recovery",
        Resolution = "resolution",
        AllClear = "all_clear",
        Closure = "closure",
        ShiftStart = "shift_start",
        ShiftEnd = "shift_end",
    }
    /// What a form is for.
    FormKind {
        EventReport = "event_report",
        IncidentReport = "incident_report",
        VulnerabilityReport = "vulnerability_report",
        EvidenceLog = "evidence_log",
        Other = "other",
    }
    /// What a form field holds.
    FieldType {
        Text = "text",
        Datetime = "datetime",
        Date = "date",
        Person = "person",
        Contact = "contact",
        Category = "category",
        Severity = "severity",
        ImpactAssessment = "impact_assessment",
        Choice = "choice",
        Number = "number",
        YesNo = "yes_no",
    }
    /// How a training is given.
    TrainingFormat {
        ELearning = "e_learning",
        Classroom = "classroom",
        Briefing = "briefing",
        Workshop = "workshop",
    }
    /// What sort of exercise.
    ExerciseKind {
        Tabletop = "tabletop",
        Walkthrough = "walkthrough",
        Simulation = "simulation",
        Live = "live",
    }
    /// What a step does: its key word.
    StepKind {
        Action = "action",
        Decision = "decision",
        Parallel = "parallel",
        Notify = "notify",
        Escalate = "escalate",
        Collect = "collect",
        Run = "run",
        End = "end",
    }
    /// A day of the week.
    Weekday {
        Mon = "mon",
        Tue = "tue",
        Wed = "wed",
        Thu = "thu",
        Fri = "fri",
        Sat = "sat",
        Sun = "sun",
    }
}

impl Weekday {
    /// Monday is 0.
    pub fn index(self) -> u8 {
        self as u8
    }

    pub fn to_jiff(self) -> jiff::civil::Weekday {
        use jiff::civil::Weekday as W;
        match self {
            Weekday::Mon => W::Monday,
            Weekday::Tue => W::Tuesday,
            Weekday::Wed => W::Wednesday,
            Weekday::Thu => W::Thursday,
            Weekday::Fri => W::Friday,
            Weekday::Sat => W::Saturday,
            Weekday::Sun => W::Sunday,
        }
    }
}

/// The unit of a duration literal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DurationUnit {
    Seconds,
    Minutes,
    Hours,
    Days,
    Weeks,
    Months,
    Years,
    BusinessDays,
}

impl DurationUnit {
    /// As the language writes it.
    pub fn suffix(self) -> &'static str {
        match self {
            DurationUnit::Seconds => "s",
            DurationUnit::Minutes => "m",
            DurationUnit::Hours => "h",
            DurationUnit::Days => "d",
            DurationUnit::Weeks => "w",
            DurationUnit::Months => "mo",
            DurationUnit::Years => "y",
            DurationUnit::BusinessDays => "bd",
        }
    }

    /// `s`, `m`, `min`, `h`, `d`, `w`, `mo`, `y`, `bd`.
    pub fn from_suffix(s: &str) -> Option<DurationUnit> {
        Some(match s {
            "s" => DurationUnit::Seconds,
            "m" | "min" => DurationUnit::Minutes,
            "h" => DurationUnit::Hours,
            "d" => DurationUnit::Days,
            "w" => DurationUnit::Weeks,
            "mo" => DurationUnit::Months,
            "y" => DurationUnit::Years,
            "bd" => DurationUnit::BusinessDays,
            _ => return None,
        })
    }

    /// Seconds in one, for units of fixed length (seconds to weeks).
    pub fn seconds(self) -> Option<u64> {
        Some(match self {
            DurationUnit::Seconds => 1,
            DurationUnit::Minutes => 60,
            DurationUnit::Hours => 3600,
            DurationUnit::Days => 24 * 3600,
            DurationUnit::Weeks => 7 * 24 * 3600,
            DurationUnit::Months | DurationUnit::Years | DurationUnit::BusinessDays => return None,
        })
    }
}
