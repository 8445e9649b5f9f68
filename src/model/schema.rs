//! The schema of the language: which declarations exist, what their properties are, what
//! form each value takes and which kinds a reference accepts. The grammar is generic; this
//! table gives it meaning. `docs/language.md` documents it and tests hold the two together.

use serde::Serialize;

use super::refs::{
    Backup, ChannelUser, Destination, Holder, OutOfHours, Party, PocStaff, Recipient, RefTarget,
    Responder, RoleHolder, RoleOrPerson, RoleOrTeam,
};
use super::vocab::*;

/// The kinds of declaration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Organisation,
    Policy,
    Person,
    Role,
    Team,
    Calendar,
    Schedule,
    PointOfContact,
    Channel,
    External,
    Impact,
    Scale,
    Level,
    Mapping,
    Category,
    Escalation,
    Hop,
    Procedure,
    Step,
    Option,
    Override,
    Evidence,
    Communications,
    Audience,
    Obligation,
    Form,
    Field,
    Training,
    Exercise,
    Review,
    Moment,
    Fact,
    Quantity,
    Criteria,
    Enumeration,
    Region,
    Metric,
    ActionItem,
    Lifecycle,
    Stage,
    Artefact,
    Embargo,
    Scenario,
}

impl Kind {
    /// "a role", "an external party": for messages.
    pub fn article(self) -> &'static str {
        match self {
            Kind::Organisation => "an organisation",
            Kind::Policy => "a policy",
            Kind::Person => "a person",
            Kind::Role => "a role",
            Kind::Team => "a team",
            Kind::Calendar => "a calendar",
            Kind::Schedule => "a schedule",
            Kind::PointOfContact => "a point of contact",
            Kind::Channel => "a reporting channel",
            Kind::External => "an external party",
            Kind::Impact => "an impact category",
            Kind::Scale => "a scale",
            Kind::Level => "a level",
            Kind::Mapping => "a scale mapping",
            Kind::Category => "an incident category",
            Kind::Escalation => "an escalation path",
            Kind::Hop => "an escalation hop",
            Kind::Procedure => "a procedure",
            Kind::Step => "a step",
            Kind::Option => "an option",
            Kind::Override => "an override",
            Kind::Evidence => "an evidence policy",
            Kind::Communications => "a communications plan",
            Kind::Audience => "an audience",
            Kind::Obligation => "an obligation",
            Kind::Form => "a report form",
            Kind::Field => "a field",
            Kind::Training => "a training",
            Kind::Exercise => "an exercise",
            Kind::Review => "a review plan",
            Kind::Moment => "a moment",
            Kind::Fact => "a fact",
            Kind::Quantity => "a quantity",
            Kind::Criteria => "a named criteria",
            Kind::Enumeration => "an enumeration",
            Kind::Region => "a region",
            Kind::Metric => "a metric",
            Kind::ActionItem => "an action item",
            Kind::Lifecycle => "a lifecycle",
            Kind::Stage => "a phase block",
            Kind::Artefact => "an artefact",
            Kind::Embargo => "an embargo",
            Kind::Scenario => "a scenario",
        }
    }

    /// Whether a declaration of this kind that nothing references is worth a warning: kinds
    /// that exist only to be used by others.
    pub fn warn_unused(self) -> bool {
        matches!(
            self,
            Kind::Person
                | Kind::Role
                | Kind::Team
                | Kind::Schedule
                | Kind::Calendar
                | Kind::External
                | Kind::Impact
                | Kind::Form
                | Kind::Escalation
                | Kind::Moment
                | Kind::Fact
                | Kind::Quantity
                | Kind::Criteria
                | Kind::Enumeration
                | Kind::Region
        )
    }

    /// Whether a policy has at most one declaration of this kind.
    pub fn singleton(self) -> bool {
        matches!(self, Kind::Policy | Kind::Review)
    }

    /// The word for it: "role", "external party".
    pub fn noun(self) -> &'static str {
        self.article().split_once(' ').map_or("", |(_, k)| k)
    }
}

/// Whether a declaration has a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameRule {
    Required,
    Optional,
}

/// The form of a property's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// `"text"` or a `"""` block.
    Text,
    /// A list of strings (or one string).
    Texts,
    Int,
    Date,
    Duration,
    /// No value: the key alone says it (`crisis`).
    Flag,
    /// An IANA time zone name, `"Europe/London"`.
    TimeZone,
    /// `"name@example.org"`.
    Email,
    /// `"https://..."`.
    Url,
    /// `"+44 20 7946 0000"`.
    Phone,
    /// One name of the given kinds.
    Ref(&'static [Kind]),
    /// A list of names of the given kinds (or one name).
    Refs(&'static [Kind]),
    /// One word of a fixed vocabulary.
    Word(&'static [&'static str]),
    /// Words of a fixed vocabulary, as a list or one word.
    Words(&'static [&'static str]),
    /// Free words (authorities, topics, ATT&CK techniques), as a list or one word.
    Tags,
    /// `24x7` or `mon-fri 08:00-18:00`.
    Window,
    /// `within 30m`.
    Within,
    /// `every 12mo`.
    Every,
    /// `every 20m for 2h then every 1h`.
    Cadence,
    /// `ceo on 2026-03-01`.
    Approval(&'static [Kind]),
    /// `weekly [carol, dave]`.
    Rotation,
    /// `2026-12-25 "Christmas Day"`.
    Holiday,
    /// `1 "under 10k EUR"`.
    ImpactLevel,
    /// `enisa "Malicious Code"`.
    Taxonomy,
    /// `signal "+44 7700 900001"`.
    OutOfBand,
    /// `ciso` or `2 of [legal, hr, ciso, ceo]`.
    Quorum(&'static [Kind]),
    /// `service_desk -> isirt [within 15m]`.
    Hop(&'static [Kind]),
    /// `early_warning 24h`.
    Deadline,
    /// A level, `sev2`, or with its scale, `severity.sev2`.
    LevelRef,
    /// `group_soc within 4h`.
    ReportTo(&'static [Kind]),
    /// `2 [every 15m]`.
    Repeat,
    /// The name of one step in the same procedure.
    Step,
    /// Names of steps in the same procedure.
    Steps,
    /// `p1 -> sev1` between the levels of two scales.
    LevelPair,
    /// Groups (`all_staff`, `contractors`, ...) or names of the given kinds.
    Audience(&'static [Kind]),
    /// A word: `higher` or `lower`.
    Term,
    /// A moment: a word of the language (`detection`) or a declared `moment`.
    Moment,
    /// `alice`, or `any [alice, bob]`.
    Holders(&'static [Kind]),
    /// `[scribe, liaison]`, optionally `in isirt`.
    Exclusive,
    /// A time of day, `09:00`.
    Time,
    /// A lifecycle: `iso27035`, `nist_800_61` or a declared one.
    Lifecycle,
    /// A word of the given vocabulary and a string: `no_sms "..."`.
    KindText(&'static [&'static str]),
    /// A list property of a step and values: `next [escalate_legal]`.
    ListEdit,
    /// A date, a time of day and optionally a time zone: `2026-12-05 03:00 "Europe/London"`.
    Instant,
    /// An impact category and a level: `personal_data 3`.
    ImpactValue(&'static [Kind]),
    /// A party, what happens to it, optionally by when: `ciso paged within 30m`.
    Expect(&'static [Kind]),
}

/// One property of a declaration.
#[derive(Debug, Clone, Copy)]
pub struct Prop {
    pub key: &'static str,
    pub shape: Shape,
    /// May be given more than once.
    pub repeat: bool,
    /// May carry a `when` condition.
    pub when: bool,
    pub summary: &'static str,
}

/// One kind of declaration.
#[derive(Debug, Clone, Copy)]
pub struct DeclSpec {
    pub keyword: &'static str,
    pub kind: Kind,
    pub name: NameRule,
    /// Where the declaration may stand: `None` at the top level, or inside these kinds.
    pub parents: &'static [Kind],
    pub props: &'static [Prop],
    pub summary: &'static str,
    /// The TR 18044 clause the construct comes from.
    pub clause: &'static str,
}

/// The properties every top-level declaration may have, beside its own.
pub static COMMON: &[Prop] = &[
    many(
        "formerly",
        Shape::Tags,
        "a former name: references to it still resolve, with a warning",
    ),
    many(
        "see",
        Shape::Texts,
        "a document: a file beside the policy (checked to exist) or a web address",
    ),
    p(
        "classification",
        Shape::Word(Tlp::WORDS),
        "a Traffic Light Protocol marking",
    ),
    p(
        "fixed",
        Shape::Flag,
        "in a central policy: members may not declare it themselves",
    ),
];

impl DeclSpec {
    /// A property of the declaration, its own or one of [`COMMON`] (top-level only).
    pub fn prop(&self, key: &str) -> Option<&'static Prop> {
        self.props.iter().find(|p| p.key == key).or_else(|| {
            (self.parents.is_empty() || self.kind == Kind::Category)
                .then(|| COMMON.iter().find(|p| p.key == key))
                .flatten()
        })
    }

    /// Whether it may stand at the top level of a file. Categories may also nest.
    pub fn top_level(&self) -> bool {
        self.parents.is_empty() || self.kind == Kind::Category
    }
}

const fn p(key: &'static str, shape: Shape, summary: &'static str) -> Prop {
    Prop {
        key,
        shape,
        repeat: false,
        when: false,
        summary,
    }
}

const fn many(key: &'static str, shape: Shape, summary: &'static str) -> Prop {
    Prop {
        key,
        shape,
        repeat: true,
        when: false,
        summary,
    }
}

const fn when(key: &'static str, shape: Shape, repeat: bool, summary: &'static str) -> Prop {
    Prop {
        key,
        shape,
        repeat,
        when: true,
        summary,
    }
}

use Kind as K;

/// Who can be responsible for something.
pub const HOLDERS: &[Kind] = Holder::KINDS;
/// Who can be on the receiving end of a handover or a notification.
pub const PARTIES: &[Kind] = Party::KINDS;
/// Where a report or an escalation can go.
pub const RESPONDERS: &[Kind] = Responder::KINDS;
const ROLE_OR_PERSON: &[Kind] = RoleOrPerson::KINDS;

pub const TOPICS: &[&str] = Topic::WORDS;
pub const PHASES: &[&str] = Phase::WORDS;
pub const GROUPS: &[&str] = Group::WORDS;

const STEP_COMMON: [Prop; 8] = [
    p("owner", Shape::Ref(HOLDERS), "who carries the step out"),
    p(
        "within",
        Shape::Within,
        "time limit for the step, from its start",
    ),
    p("next", Shape::Steps, "the step or steps that follow"),
    p("text", Shape::Text, "instructions, shown in runbooks"),
    p(
        "precondition",
        Shape::Text,
        "what must hold before the step starts",
    ),
    p(
        "approved_by",
        Shape::Quorum(HOLDERS),
        "who must approve before the step starts",
    ),
    p("needs", Shape::Tags, "authorities the owner must hold"),
    p("form", Shape::Ref(&[K::Form]), "the form the step fills in"),
];

macro_rules! step_props {
    ($($extra:expr),* $(,)?) => {
        &[
            STEP_COMMON[0], STEP_COMMON[1], STEP_COMMON[2], STEP_COMMON[3], STEP_COMMON[4],
            STEP_COMMON[5], STEP_COMMON[6], STEP_COMMON[7], $($extra),*
        ]
    };
}

const FACT_PROPS: &[Prop] = &[
    p("text", Shape::Text, "what the fact says"),
    p(
        "judged_by",
        Shape::Ref(HOLDERS),
        "who judges whether it holds (required for a `judgement`)",
    ),
];

/// Every declaration, in the order of `docs/language.md`.
pub static DECLS: &[DeclSpec] = &[
    DeclSpec {
        keyword: "organisation",
        kind: K::Organisation,
        name: NameRule::Required,
        parents: &[],
        summary: "the organisation, its scope and where it reports upward",
        clause: "7.2",
        props: &[
            p("scope", Shape::Text, "what the scheme covers"),
            p("services", Shape::Tags, "services in scope"),
            p("sites", Shape::Tags, "sites in scope"),
            p(
                "jurisdictions",
                Shape::Tags,
                "jurisdictions the organisation operates in",
            ),
            p(
                "regimes",
                Shape::Tags,
                "regulatory regimes in force (gdpr, nis2, dora, ...)",
            ),
            p(
                "parent",
                Shape::Ref(&[K::External]),
                "the parent organisation",
            ),
            when(
                "report_upward",
                Shape::ReportTo(&[K::External]),
                true,
                "reporting upward: to whom, by when",
            ),
        ],
    },
    DeclSpec {
        keyword: "policy",
        kind: K::Policy,
        name: NameRule::Optional,
        parents: &[],
        summary: "the incident management policy document",
        clause: "7.2",
        props: &[
            p("version", Shape::Text, "document version"),
            p("owner", Shape::Ref(ROLE_OR_PERSON), "who owns the policy"),
            p(
                "approved_by",
                Shape::Approval(ROLE_OR_PERSON),
                "approval by top management, with its date",
            ),
            p("review", Shape::Every, "how often the policy is reviewed"),
            p("next_review", Shape::Date, "when the next review is due"),
            p("effective", Shape::Date, "the date it takes effect"),
            p(
                "lifecycle",
                Shape::Lifecycle,
                "the lifecycle every procedure follows unless it names its own",
            ),
            p("purpose", Shape::Text, "why the policy exists"),
            p(
                "commitment",
                Shape::Text,
                "the commitment of top management",
            ),
            p("covers", Shape::Words(TOPICS), "topics the policy covers"),
            many("define", Shape::Taxonomy, "a definition: term and text"),
            many("related", Shape::Text, "a related policy (security, risk)"),
        ],
    },
    DeclSpec {
        keyword: "person",
        kind: K::Person,
        name: NameRule::Required,
        parents: &[],
        summary: "a person and how to reach them",
        clause: "7.3",
        props: &[
            many("email", Shape::Email, "an e-mail address"),
            many("phone", Shape::Phone, "a telephone number"),
            many(
                "out_of_band",
                Shape::OutOfBand,
                "a contact method that works when systems are down",
            ),
            p(
                "verified",
                Shape::Date,
                "when the contact details were last checked",
            ),
            p("timezone", Shape::TimeZone, "the person's time zone"),
            many(
                "trained",
                Shape::Approval(&[K::Training]),
                "a training taken, with its date",
            ),
        ],
    },
    DeclSpec {
        keyword: "role",
        kind: K::Role,
        name: NameRule::Required,
        parents: &[],
        summary: "a role with duties and authorities",
        clause: "7.5",
        props: &[
            p(
                "held_by",
                Shape::Holders(RoleHolder::KINDS),
                "who holds the role: one, or any one of several",
            ),
            p(
                "assigned_by",
                Shape::Ref(&[K::Role]),
                "the role that assigns it for each incident",
            ),
            p(
                "backup",
                Shape::Refs(Backup::KINDS),
                "the backup chain, in order",
            ),
            p("authority", Shape::Tags, "what the role may decide or do"),
            many("duty", Shape::Text, "a duty of the role"),
            p(
                "exclusive_with",
                Shape::Exclusive,
                "roles the same person must not hold at once, optionally within one team",
            ),
            p(
                "requires",
                Shape::Refs(&[K::Training]),
                "training every holder and backup must have had",
            ),
            when(
                "outranks",
                Shape::Refs(RoleOrTeam::KINDS),
                true,
                "roles or teams it takes precedence over, and when",
            ),
            p(
                "relieved_after",
                Shape::Duration,
                "shift limit: the holder is relieved after this long",
            ),
            when(
                "hands_over_to",
                Shape::Ref(&[K::Role]),
                true,
                "transfer of command, and when",
            ),
        ],
    },
    DeclSpec {
        keyword: "team",
        kind: K::Team,
        name: NameRule::Required,
        parents: &[],
        summary: "a team such as the ISIRT or the crisis team",
        clause: "7.5",
        props: &[
            p("lead", Shape::Ref(ROLE_OR_PERSON), "who leads the team"),
            p("members", Shape::Refs(ROLE_OR_PERSON), "the members"),
            p(
                "on_call",
                Shape::Ref(&[K::Schedule]),
                "the team's on-call rota",
            ),
            p("purpose", Shape::Text, "what the team is for"),
            p(
                "reports_to",
                Shape::Ref(&[K::Team]),
                "the parent team this sub-team reports to",
            ),
        ],
    },
    DeclSpec {
        keyword: "calendar",
        kind: K::Calendar,
        name: NameRule::Required,
        parents: &[],
        summary: "a working calendar: business hours and holidays, for business-day deadlines",
        clause: "7.3",
        props: &[
            p("timezone", Shape::TimeZone, "the calendar's time zone"),
            many("hours", Shape::Window, "working hours"),
            many(
                "holiday",
                Shape::Holiday,
                "a day that is not a business day",
            ),
        ],
    },
    DeclSpec {
        keyword: "schedule",
        kind: K::Schedule,
        name: NameRule::Required,
        parents: &[],
        summary: "an on-call rota",
        clause: "7.5",
        props: &[
            p("timezone", Shape::TimeZone, "the rota's time zone"),
            many("hours", Shape::Window, "when the rota is staffed"),
            p(
                "rotate",
                Shape::Rotation,
                "rotation period and people, in order",
            ),
            p(
                "calendar",
                Shape::Ref(&[K::Calendar]),
                "holidays the rota follows",
            ),
            p(
                "starts",
                Shape::Date,
                "the rotation's anchor: the day the first person's turn begins",
            ),
            p("handover", Shape::Time, "the time of day turns change"),
            p(
                "follow_the_sun",
                Shape::Refs(&[K::Region]),
                "regions in turn: the one in its working hours is on call",
            ),
            p(
                "respond",
                Shape::Within,
                "how soon whoever is on call answers a page",
            ),
        ],
    },
    DeclSpec {
        keyword: "point_of_contact",
        kind: K::PointOfContact,
        name: NameRule::Required,
        parents: &[],
        summary: "where reports land and are first assessed",
        clause: "8.3",
        props: &[
            p("held_by", Shape::Ref(PocStaff::KINDS), "who staffs it"),
            many("hours", Shape::Window, "opening hours"),
            p("timezone", Shape::TimeZone, "time zone of the hours"),
            p(
                "out_of_hours",
                Shape::Ref(OutOfHours::KINDS),
                "who takes reports outside the hours",
            ),
            p(
                "assess_within",
                Shape::Within,
                "target for the first assessment",
            ),
        ],
    },
    DeclSpec {
        keyword: "channel",
        kind: K::Channel,
        name: NameRule::Required,
        parents: &[],
        summary: "a way to report an event",
        clause: "8.3",
        props: &[
            p(
                "kind",
                Shape::Word(ChannelKind::WORDS),
                "what sort of channel",
            ),
            p("url", Shape::Url, "web address"),
            p("email", Shape::Email, "e-mail address"),
            p("phone", Shape::Phone, "telephone number"),
            p(
                "audience",
                Shape::Audience(ChannelUser::KINDS),
                "who may use it",
            ),
            p(
                "lands_at",
                Shape::Ref(Destination::KINDS),
                "the point of contact it delivers to",
            ),
            many("hours", Shape::Window, "when it is attended"),
            p("timezone", Shape::TimeZone, "time zone of the hours"),
            p("form", Shape::Ref(&[K::Form]), "the form it uses"),
            p(
                "out_of_band",
                Shape::Flag,
                "works when the usual systems are down",
            ),
            p(
                "used_for",
                Shape::Words(ChannelUse::WORDS),
                "what it is used for (default: reporting)",
            ),
        ],
    },
    DeclSpec {
        keyword: "external",
        kind: K::External,
        name: NameRule::Required,
        parents: &[],
        summary: "an external party: CSIRT, regulator, police, provider, insurer",
        clause: "7.6",
        props: &[
            p(
                "kind",
                Shape::Word(ExternalKind::WORDS),
                "what sort of party",
            ),
            p("email", Shape::Email, "e-mail address"),
            p("phone", Shape::Phone, "telephone number"),
            p("url", Shape::Url, "web address or portal"),
            p("verified", Shape::Date, "when the contact was last checked"),
            p("contract", Shape::Text, "contract or retainer reference"),
        ],
    },
    DeclSpec {
        keyword: "impact",
        kind: K::Impact,
        name: NameRule::Required,
        parents: &[],
        summary: "an impact category with its ordinal levels",
        clause: "Annex B",
        props: &[
            many(
                "level",
                Shape::ImpactLevel,
                "a level: number and description",
            ),
            many(
                "choice",
                Shape::Taxonomy,
                "a value of an unordered dimension: word and description",
            ),
            p(
                "multiple",
                Shape::Flag,
                "several choices may apply to one incident",
            ),
        ],
    },
    DeclSpec {
        keyword: "fact",
        kind: K::Fact,
        name: NameRule::Required,
        parents: &[],
        summary: "a yes/no fact about an incident, usable in conditions",
        clause: "8.4",
        props: FACT_PROPS,
    },
    DeclSpec {
        keyword: "judgement",
        kind: K::Fact,
        name: NameRule::Required,
        parents: &[],
        summary: "a fact that someone judges, usable in conditions",
        clause: "8.4",
        props: FACT_PROPS,
    },
    DeclSpec {
        keyword: "quantity",
        kind: K::Quantity,
        name: NameRule::Required,
        parents: &[],
        summary: "a number about an incident, compared with thresholds in conditions",
        clause: "8.4",
        props: &[
            p("unit", Shape::Text, "what is counted"),
            p("text", Shape::Text, "how it is counted"),
        ],
    },
    DeclSpec {
        keyword: "criteria",
        kind: K::Criteria,
        name: NameRule::Required,
        parents: &[],
        summary: "a named condition, used by several levels or triggers",
        clause: "8.4",
        props: &[
            when("when", Shape::Flag, false, "the condition"),
            p("text", Shape::Text, "the criteria in words"),
        ],
    },
    DeclSpec {
        keyword: "scale",
        kind: K::Scale,
        name: NameRule::Required,
        parents: &[],
        summary: "a severity or priority scale, most severe level first",
        clause: "8.4",
        props: &[
            p(
                "if_unsure",
                Shape::Term,
                "`higher`: when in doubt, take the more severe level",
            ),
            p(
                "default",
                Shape::Flag,
                "levels named without their scale belong to this one",
            ),
        ],
    },
    DeclSpec {
        keyword: "level",
        kind: K::Level,
        name: NameRule::Required,
        parents: &[K::Scale],
        summary: "a level of a scale",
        clause: "8.4",
        props: &[
            when(
                "when",
                Shape::Flag,
                false,
                "criteria: the condition for this level",
            ),
            p("criteria", Shape::Text, "the criteria in words"),
            p("acknowledge", Shape::Within, "acknowledge target"),
            p("start_work", Shape::Within, "target for work to start"),
            p("contain", Shape::Within, "containment target"),
            p("resolve", Shape::Within, "resolution target"),
            p("update", Shape::Cadence, "status update cadence"),
            p(
                "decided_by",
                Shape::Ref(HOLDERS),
                "who decides at this level",
            ),
            p("notify", Shape::Refs(PARTIES), "who is told"),
            p("crisis", Shape::Flag, "triggers crisis activities"),
            p(
                "review",
                Shape::Within,
                "post-incident review required, by when",
            ),
        ],
    },
    DeclSpec {
        keyword: "mapping",
        kind: K::Mapping,
        name: NameRule::Required,
        parents: &[],
        summary: "a mapping between the levels of two scales",
        clause: "8.4",
        props: &[
            p("from", Shape::Ref(&[K::Scale]), "the scale mapped from"),
            p("to", Shape::Ref(&[K::Scale]), "the scale mapped to"),
            many("map", Shape::LevelPair, "one level to another"),
        ],
    },
    DeclSpec {
        keyword: "category",
        kind: K::Category,
        name: NameRule::Required,
        parents: &[K::Category],
        summary: "an incident category; categories nest",
        clause: "6",
        props: &[
            p("threat", Shape::Word(Threat::WORDS), "threat type"),
            many(
                "maps_to",
                Shape::Taxonomy,
                "the matching term of a taxonomy (enisa, veris)",
            ),
            p("attack", Shape::Tags, "MITRE ATT&CK techniques"),
            p(
                "minimum",
                Shape::LevelRef,
                "the lowest level an incident of this category gets",
            ),
            p(
                "procedure",
                Shape::Ref(&[K::Procedure]),
                "the procedure that handles it",
            ),
            p("description", Shape::Text, "what it covers"),
        ],
    },
    DeclSpec {
        keyword: "escalation",
        kind: K::Escalation,
        name: NameRule::Required,
        parents: &[],
        summary: "an escalation path: hops with triggers",
        clause: "8.5",
        props: &[
            when(
                "hop",
                Shape::Hop(RESPONDERS),
                true,
                "a handover, its delay and its trigger",
            ),
            p(
                "repeat",
                Shape::Repeat,
                "how often an unanswered path is retried",
            ),
        ],
    },
    DeclSpec {
        keyword: "procedure",
        kind: K::Procedure,
        name: NameRule::Required,
        parents: &[],
        summary: "a procedure: a graph of steps",
        clause: "7.3",
        props: &[
            p("owner", Shape::Ref(HOLDERS), "who owns the procedure"),
            p("version", Shape::Text, "document version"),
            p("effective", Shape::Date, "the date it takes effect"),
            p("next_review", Shape::Date, "when the next review is due"),
            many(
                "see_also",
                Shape::Refs(&[K::Procedure]),
                "related procedures",
            ),
            p("phase", Shape::Words(PHASES), "lifecycle phases it serves"),
            p(
                "lifecycle",
                Shape::Lifecycle,
                "the lifecycle whose phases it follows",
            ),
            p("extends", Shape::Ref(&[K::Procedure]), "the base procedure"),
            p(
                "start",
                Shape::Step,
                "the first step (default: the first declared)",
            ),
            p("purpose", Shape::Text, "what it achieves"),
        ],
    },
    DeclSpec {
        keyword: "during",
        kind: K::Stage,
        name: NameRule::Required,
        parents: &[K::Procedure],
        summary: "the steps of one phase of the lifecycle, with the phase's owner",
        clause: "7.3",
        props: &[p("owner", Shape::Ref(HOLDERS), "who owns the phase")],
    },
    DeclSpec {
        keyword: "action",
        kind: K::Step,
        name: NameRule::Required,
        parents: &[K::Procedure, K::Stage],
        summary: "a step that does something",
        clause: "8.5",
        props: step_props![],
    },
    DeclSpec {
        keyword: "decision",
        kind: K::Step,
        name: NameRule::Required,
        parents: &[K::Procedure, K::Stage],
        summary: "a step that chooses between options",
        clause: "8.4",
        props: step_props![p("decided_by", Shape::Ref(HOLDERS), "who decides")],
    },
    DeclSpec {
        keyword: "option",
        kind: K::Option,
        name: NameRule::Required,
        parents: &[K::Step, K::Override],
        summary: "an option of a decision",
        clause: "8.4",
        props: &[
            when("when", Shape::Flag, false, "when this option applies"),
            p("next", Shape::Steps, "where this option leads"),
        ],
    },
    DeclSpec {
        keyword: "parallel",
        kind: K::Step,
        name: NameRule::Required,
        parents: &[K::Procedure, K::Stage],
        summary: "a step that starts branches at once",
        clause: "8.5",
        props: step_props![p("branches", Shape::Steps, "the steps that run at once")],
    },
    DeclSpec {
        keyword: "notify",
        kind: K::Step,
        name: NameRule::Required,
        parents: &[K::Procedure, K::Stage],
        summary: "a step that tells someone",
        clause: "8.5",
        props: step_props![
            p(
                "to",
                Shape::Audience(PARTIES),
                "who is told: groups or names"
            ),
            p(
                "obligation",
                Shape::Ref(&[K::Obligation]),
                "the obligation this fulfils"
            ),
        ],
    },
    DeclSpec {
        keyword: "escalate",
        kind: K::Step,
        name: NameRule::Required,
        parents: &[K::Procedure, K::Stage],
        summary: "a step that escalates",
        clause: "8.5",
        props: step_props![
            p(
                "path",
                Shape::Ref(&[K::Escalation]),
                "the escalation path followed"
            ),
            p("to", Shape::Refs(RESPONDERS), "who it escalates to"),
        ],
    },
    DeclSpec {
        keyword: "collect",
        kind: K::Step,
        name: NameRule::Required,
        parents: &[K::Procedure, K::Stage],
        summary: "a step that collects evidence",
        clause: "8.5",
        props: step_props![p("items", Shape::Texts, "what is collected")],
    },
    DeclSpec {
        keyword: "run",
        kind: K::Step,
        name: NameRule::Required,
        parents: &[K::Procedure, K::Stage],
        summary: "a step that runs another procedure",
        clause: "7.3",
        props: step_props![p(
            "procedure",
            Shape::Ref(&[K::Procedure]),
            "the procedure run"
        )],
    },
    DeclSpec {
        keyword: "end",
        kind: K::Step,
        name: NameRule::Required,
        parents: &[K::Procedure, K::Stage],
        summary: "a step that ends the procedure",
        clause: "8.5",
        props: step_props![
            p("review", Shape::Flag, "leads to the post-incident review"),
            p("outcome", Shape::Text, "how the procedure ends"),
        ],
    },
    DeclSpec {
        keyword: "override",
        kind: K::Override,
        name: NameRule::Required,
        parents: &[K::Procedure],
        summary: "changes properties of a step of the base procedure",
        clause: "7.3",
        props: step_props![
            p("decided_by", Shape::Ref(HOLDERS), "who decides"),
            p("branches", Shape::Steps, "the steps that run at once"),
            p(
                "to",
                Shape::Audience(PARTIES),
                "who is told or escalated to"
            ),
            p(
                "obligation",
                Shape::Ref(&[K::Obligation]),
                "the obligation this fulfils"
            ),
            p(
                "path",
                Shape::Ref(&[K::Escalation]),
                "the escalation path followed"
            ),
            p("items", Shape::Texts, "what is collected"),
            p(
                "procedure",
                Shape::Ref(&[K::Procedure]),
                "the procedure run"
            ),
            p("review", Shape::Flag, "leads to the post-incident review"),
            p("outcome", Shape::Text, "how the procedure ends"),
            many(
                "add",
                Shape::ListEdit,
                "adds to a list of the base step: `next`, `branches`, `to`, `needs` or `items`",
            ),
            many(
                "remove",
                Shape::ListEdit,
                "removes from a list of the base step",
            ),
        ],
    },
    DeclSpec {
        keyword: "evidence",
        kind: K::Evidence,
        name: NameRule::Optional,
        parents: &[],
        summary: "evidence handling",
        clause: "8.5",
        props: &[
            p(
                "custodian",
                Shape::Ref(ROLE_OR_PERSON),
                "who keeps the evidence",
            ),
            p("log", Shape::Ref(&[K::Form]), "the chain-of-custody form"),
            p("retain", Shape::Duration, "how long evidence is kept"),
            p("storage", Shape::Text, "where evidence is stored"),
            many("rule", Shape::Text, "a rule of collection or handling"),
        ],
    },
    DeclSpec {
        keyword: "communications",
        kind: K::Communications,
        name: NameRule::Optional,
        parents: &[],
        summary: "the communications plan",
        clause: "8.5",
        props: &[
            p(
                "statements_approved_by",
                Shape::Quorum(HOLDERS),
                "who approves external statements",
            ),
            p("war_room", Shape::Text, "the out-of-band bridge"),
            p(
                "channel",
                Shape::Ref(&[K::Channel]),
                "the out-of-band channel",
            ),
            p(
                "spokesperson",
                Shape::Refs(ROLE_OR_PERSON),
                "who speaks for the organisation",
            ),
            many(
                "rule",
                Shape::KindText(CommsRule::WORDS),
                "a rule on communications: its kind and its text",
            ),
        ],
    },
    DeclSpec {
        keyword: "audience",
        kind: K::Audience,
        name: NameRule::Required,
        parents: &[K::Communications],
        summary: "an audience of the communications plan",
        clause: "8.5",
        props: &[
            p(
                "contacts",
                Shape::Audience(PARTIES),
                "who is in the audience",
            ),
            p("via", Shape::Text, "how they are told"),
            p(
                "order",
                Shape::Int,
                "the order audiences are told in: 1 first",
            ),
            when(
                "update",
                Shape::Cadence,
                true,
                "update cadence, and when it applies",
            ),
        ],
    },
    DeclSpec {
        keyword: "artefact",
        kind: K::Artefact,
        name: NameRule::Required,
        parents: &[],
        summary: "a communication artefact (a statement, a notice) and its approval matrix",
        clause: "8.5",
        props: &[
            when(
                "approved_by",
                Shape::Quorum(HOLDERS),
                true,
                "who approves it, and when this quorum applies",
            ),
            p("informed", Shape::Refs(PARTIES), "who is only informed"),
            p(
                "spokesperson",
                Shape::Refs(ROLE_OR_PERSON),
                "who delivers it",
            ),
            p("to", Shape::Audience(PARTIES), "who it is for"),
            p("text", Shape::Text, "what it is"),
        ],
    },
    DeclSpec {
        keyword: "embargo",
        kind: K::Embargo,
        name: NameRule::Required,
        parents: &[],
        summary: "a rule that holds communication back until a condition lifts it",
        clause: "8.5",
        props: &[
            p(
                "applies_to",
                Shape::Audience(PARTIES),
                "who may not be told",
            ),
            when("lifts", Shape::Flag, false, "the condition that lifts it"),
            p("text", Shape::Text, "the rule in words"),
        ],
    },
    DeclSpec {
        keyword: "obligation",
        kind: K::Obligation,
        name: NameRule::Required,
        parents: &[],
        summary: "a regulatory or contractual notification duty",
        clause: "8.5",
        props: &[
            when("when", Shape::Flag, false, "the trigger"),
            p("regime", Shape::Tags, "the regime it comes from"),
            p("reference", Shape::Text, "the article or clause"),
            p(
                "clock_starts",
                Shape::Moment,
                "the moment the deadlines start to run",
            ),
            many("deadline", Shape::Deadline, "a named deadline"),
            p(
                "to",
                Shape::Refs(Recipient::KINDS),
                "the recipients: outside bodies or the organisation's own officials",
            ),
            p(
                "owner",
                Shape::Ref(ROLE_OR_PERSON),
                "who makes the notification",
            ),
            p("form", Shape::Ref(&[K::Form]), "the form used"),
            p(
                "must_contain",
                Shape::Texts,
                "the data elements the notification must carry",
            ),
        ],
    },
    DeclSpec {
        keyword: "form",
        kind: K::Form,
        name: NameRule::Required,
        parents: &[],
        summary: "a report form (Annex A)",
        clause: "Annex A",
        props: &[
            p("kind", Shape::Word(FormKind::WORDS), "what the form is for"),
            p("version", Shape::Text, "document version"),
            p("effective", Shape::Date, "the date it takes effect"),
            p("owner", Shape::Ref(ROLE_OR_PERSON), "who owns the form"),
            p("next_review", Shape::Date, "when the next review is due"),
        ],
    },
    DeclSpec {
        keyword: "enumeration",
        kind: K::Enumeration,
        name: NameRule::Required,
        parents: &[],
        summary: "a list of values that choice fields share",
        clause: "Annex A",
        props: &[
            p("values", Shape::Tags, "the values, in order"),
            p("text", Shape::Text, "what the values are"),
        ],
    },
    DeclSpec {
        keyword: "field",
        kind: K::Field,
        name: NameRule::Required,
        parents: &[K::Form],
        summary: "a field of a form",
        clause: "Annex A",
        props: &[
            p(
                "type",
                Shape::Word(FieldType::WORDS),
                "what the field holds",
            ),
            p("required", Shape::Flag, "must be filled in"),
            p("help", Shape::Text, "guidance for the person filling it in"),
            p("choices", Shape::Tags, "the values of a choice field"),
            p(
                "values",
                Shape::Ref(&[K::Enumeration, K::Impact]),
                "the values of a choice field, from an enumeration or an impact",
            ),
        ],
    },
    DeclSpec {
        keyword: "training",
        kind: K::Training,
        name: NameRule::Required,
        parents: &[],
        summary: "awareness or role training",
        clause: "7.7",
        props: &[
            p("audience", Shape::Audience(HOLDERS), "who is trained"),
            p("every", Shape::Duration, "how often"),
            p("topics", Shape::Texts, "what it covers"),
            p(
                "format",
                Shape::Word(TrainingFormat::WORDS),
                "how it is given",
            ),
        ],
    },
    DeclSpec {
        keyword: "exercise",
        kind: K::Exercise,
        name: NameRule::Required,
        parents: &[],
        summary: "a tabletop or live exercise",
        clause: "7.7",
        props: &[
            p(
                "kind",
                Shape::Word(ExerciseKind::WORDS),
                "what sort of exercise",
            ),
            p("audience", Shape::Audience(HOLDERS), "who takes part"),
            p("every", Shape::Duration, "how often"),
            p(
                "scenario",
                Shape::Ref(&[K::Category]),
                "the category played",
            ),
            p("severity", Shape::LevelRef, "the level played"),
            p("last", Shape::Date, "when it was last held"),
            p("next", Shape::Date, "when it is next due"),
        ],
    },
    DeclSpec {
        keyword: "review",
        kind: K::Review,
        name: NameRule::Optional,
        parents: &[],
        summary: "post-incident review, scheme review and metrics",
        clause: "9",
        props: &[
            when(
                "post_incident",
                Shape::Within,
                false,
                "post-incident review: by when, and when it is held",
            ),
            p("owner", Shape::Ref(ROLE_OR_PERSON), "who runs the reviews"),
            p("scheme", Shape::Every, "how often the scheme is reviewed"),
            p("metrics", Shape::Tags, "what is measured"),
            p(
                "improvements_by",
                Shape::Ref(ROLE_OR_PERSON),
                "who carries improvements through",
            ),
            p(
                "form",
                Shape::Ref(&[K::Form]),
                "the form the review is recorded on",
            ),
            when(
                "follow_up",
                Shape::Within,
                true,
                "a further review with its own clock, and when it is held",
            ),
        ],
    },
    DeclSpec {
        keyword: "lifecycle",
        kind: K::Lifecycle,
        name: NameRule::Required,
        parents: &[],
        summary: "the phases of incident management, in order",
        clause: "6",
        props: &[
            p("phases", Shape::Tags, "the phases, in order"),
            p("text", Shape::Text, "where the lifecycle comes from"),
        ],
    },
    DeclSpec {
        keyword: "region",
        kind: K::Region,
        name: NameRule::Required,
        parents: &[],
        summary: "a region of a follow-the-sun rota: its zone, its hours and its rota",
        clause: "7.5",
        props: &[
            p("timezone", Shape::TimeZone, "the region's time zone"),
            many("hours", Shape::Window, "its working hours"),
            p(
                "on_call",
                Shape::Ref(&[K::Schedule]),
                "who is on call in the region",
            ),
        ],
    },
    DeclSpec {
        keyword: "metric",
        kind: K::Metric,
        name: NameRule::Required,
        parents: &[],
        summary: "a measure of the scheme: from one moment to another, with a target",
        clause: "9",
        props: &[
            p("from", Shape::Moment, "the moment it starts"),
            p("to", Shape::Moment, "the moment it ends"),
            p("target", Shape::Within, "the target"),
            p("text", Shape::Text, "what is measured"),
        ],
    },
    DeclSpec {
        keyword: "action_item",
        kind: K::ActionItem,
        name: NameRule::Required,
        parents: &[],
        summary: "an improvement to carry out, with its owner and due date",
        clause: "9",
        props: &[
            p("owner", Shape::Ref(HOLDERS), "who carries it out"),
            p("due", Shape::Date, "when it is due"),
            p("text", Shape::Text, "what is to be done"),
            p("done", Shape::Flag, "it is done"),
        ],
    },
    DeclSpec {
        keyword: "scenario",
        kind: K::Scenario,
        name: NameRule::Required,
        parents: &[],
        summary: "a scenario test: an incident and what must happen, run by `imp test`",
        clause: "7.7",
        props: &[
            p(
                "severity",
                Shape::LevelRef,
                "the level the incident is classified at (default: the category's minimum)",
            ),
            p(
                "category",
                Shape::Ref(&[K::Category]),
                "the incident's category",
            ),
            many(
                "fact",
                Shape::Refs(&[K::Fact]),
                "facts and judgements that hold for the incident",
            ),
            many(
                "impact",
                Shape::ImpactValue(&[K::Impact]),
                "the incident's level on an impact category",
            ),
            p(
                "at",
                Shape::Instant,
                "when the incident is reported (the zone: the policy's, unless given)",
            ),
            many(
                "expect",
                Shape::Expect(RESPONDERS),
                "what must happen to a party: `paged`, `notified` or `engaged`, optionally `within D`",
            ),
        ],
    },
    DeclSpec {
        keyword: "moment",
        kind: K::Moment,
        name: NameRule::Required,
        parents: &[],
        summary: "a moment that times count from or before (a board meeting)",
        clause: "8",
        props: &[p("text", Shape::Text, "what the moment is")],
    },
];

/// The declaration spec for a key word where it stands (`None`: the top level).
pub fn decl(keyword: &str, parent: Option<Kind>) -> Option<&'static DeclSpec> {
    DECLS.iter().find(|d| {
        d.keyword == keyword
            && match parent {
                None => d.top_level(),
                Some(k) => d.parents.contains(&k),
            }
    })
}

/// Whether a word is the key word of a property of some declaration.
pub fn is_property_word(word: &str) -> bool {
    DECLS.iter().any(|d| d.props.iter().any(|p| p.key == word))
}

/// "`level` goes inside `scale`", for a key word of a nested declaration.
pub fn home_of(keyword: &str) -> Option<String> {
    let d = DECLS
        .iter()
        .find(|d| d.keyword == keyword && !d.top_level())?;
    let parents = DECLS
        .iter()
        .filter(|p| d.parents.contains(&p.kind))
        .filter(|p| keyword != "option" || p.keyword == "decision")
        .map(|p| p.keyword);
    Some(format!(
        "`{keyword}` goes inside {}",
        crate::diagnostics::backticked(parents, " or ")
    ))
}

/// Key words allowed where `parent` stands.
pub fn keywords(parent: Option<Kind>) -> impl Iterator<Item = &'static str> + Clone {
    DECLS
        .iter()
        .filter(move |d| match parent {
            None => d.top_level(),
            Some(k) => d.parents.contains(&k),
        })
        .map(|d| d.keyword)
}

impl Shape {
    /// The written form, for messages and docs: "a duration, e.g. `4h`".
    pub fn form(self) -> &'static str {
        match self {
            Shape::Text => "a string, e.g. `\"Rebuild the hosts\"`",
            Shape::Texts => "a list of strings, e.g. `[\"memory image\", \"disk image\"]`",
            Shape::Int => "a number, e.g. `2`",
            Shape::Date => "a date, e.g. `2026-03-01`",
            Shape::Duration => "a duration, e.g. `12mo`",
            Shape::Flag => "nothing: the key word alone",
            Shape::TimeZone => "an IANA time zone, e.g. `\"Europe/London\"`",
            Shape::Email => "an e-mail address, e.g. `\"soc@example.org\"`",
            Shape::Url => "a web address, e.g. `\"https://example.org/report\"`",
            Shape::Phone => "a telephone number, e.g. `\"+44 20 7946 0000\"`",
            Shape::Ref(_) => "a name, e.g. `ciso`",
            Shape::Refs(_) => "a name or a list of names, e.g. `[ciso, dpo]`",
            Shape::Word(_) => "one of the words listed for it",
            Shape::Words(_) => "a list of the words listed for it",
            Shape::Tags => "a word or a list of words, e.g. `[declare_crisis, notify_regulator]`",
            Shape::Window => "`24x7`, or days and hours, e.g. `mon-fri 08:00-18:00`",
            Shape::Within => "a time limit, e.g. `within 30m`, `immediately` or `required`",
            Shape::Every => "`every` and a duration, e.g. `every 12mo`",
            Shape::Cadence => {
                "e.g. `every 20m for 2h then every 1h`, `every shift` or `at [initiation, all_clear]`"
            }
            Shape::Approval(_) => "a name and a date, e.g. `ceo on 2026-03-01`",
            Shape::Rotation => "a period and people, e.g. `weekly [carol, dave]`",
            Shape::Holiday => "a date and a name, e.g. `2026-12-25 \"Christmas Day\"`",
            Shape::ImpactLevel => "a number and a description, e.g. `1 \"under 10k EUR\"`",
            Shape::Taxonomy => "a word and a string, e.g. `enisa \"Malicious Code\"`",
            Shape::OutOfBand => "a method and an address, e.g. `signal \"+44 7700 900001\"`",
            Shape::Quorum(_) => "a name, or a number of a list, e.g. `2 of [legal, hr, ciso]`",
            Shape::Hop(_) => "e.g. `service_desk -> isirt within 15m`",
            Shape::Deadline => "a name and a duration, e.g. `early_warning 24h`",
            Shape::LevelRef => "a level, e.g. `sev2` or `severity.sev2`",
            Shape::ReportTo(_) => "a name and a time, e.g. `group_csirt within 4h`",
            Shape::Repeat => "a number, e.g. `2` or `2 every 15m`",
            Shape::Step => "a step, e.g. `triage`",
            Shape::Steps => "a step or a list of steps, e.g. `[preserve, notify_dpo]`",
            Shape::LevelPair => "two levels, e.g. `p1 -> sev1`",
            Shape::Audience(_) => "groups or names, e.g. `[all_staff, isirt]`",
            Shape::Term => "`higher` or `lower`",
            Shape::Moment => "a moment, e.g. `detection` or `board_meeting`",
            Shape::Holders(_) => "a name, or `any` and a list, e.g. `any [alice, bob]`",
            Shape::Time => "a time of day, e.g. `09:00`",
            Shape::ListEdit => "a list property and its values, e.g. `next [notify_legal]`",
            Shape::KindText(_) => {
                "a word listed for it and a string, e.g. `no_sms \"Never by SMS\"`"
            }
            Shape::Lifecycle => "a lifecycle, e.g. `iso27035`, `nist_800_61` or a declared one",
            Shape::Exclusive => "a list of roles, optionally `in` a team, e.g. `[scribe] in isirt`",
            Shape::Instant => {
                "a date, a time of day and optionally a time zone, e.g. `2026-12-05 03:00 \"Europe/London\"`"
            }
            Shape::ImpactValue(_) => "an impact category and a level, e.g. `personal_data 3`",
            Shape::Expect(_) => {
                "a name, `paged`, `notified` or `engaged`, optionally `within D`, e.g. `ciso paged within 30m`"
            }
        }
    }

    /// The kinds a reference accepts, if the shape takes references.
    pub fn ref_kinds(self) -> Option<&'static [Kind]> {
        match self {
            Shape::Ref(k)
            | Shape::Refs(k)
            | Shape::Approval(k)
            | Shape::Quorum(k)
            | Shape::Hop(k)
            | Shape::ReportTo(k)
            | Shape::Holders(k)
            | Shape::Audience(k)
            | Shape::ImpactValue(k)
            | Shape::Expect(k) => Some(k),
            Shape::Exclusive => Some(&[Kind::Role]),
            _ => None,
        }
    }
}

/// "a role, a person or a team".
pub fn kinds_phrase(kinds: &[Kind]) -> String {
    let words: Vec<&str> = kinds.iter().map(|k| k.article()).collect();
    match words.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// A property's key word as the schema spells it (`"value"` for a word that is none).
pub fn static_key(key: &str) -> &'static str {
    DECLS
        .iter()
        .flat_map(|d| d.props)
        .find(|p| p.key == key)
        .map_or("value", |p| p.key)
}
