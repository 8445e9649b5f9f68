//! The declarations of a policy, but procedures (see [`procedure`](super::procedure)). Each
//! has its [`DeclId`], the key to its definition (name, title, span, doc) in the index, and
//! one field per property of its schema: `Option<Prop<..>>` for a property given at most
//! once, `Vec<Prop<..>>` for a repeatable one, `Option<Flag>` for a key word alone.

use serde::Serialize;

use super::ids::*;
use super::refs::*;
use super::value::*;
use super::vocab::*;
use crate::source::{HasSpan, Span};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Organisation {
    pub id: DeclId,
    pub scope: Option<Prop<Text>>,
    pub services: Option<Prop<List<Tag>>>,
    pub sites: Option<Prop<List<Tag>>>,
    pub jurisdictions: Option<Prop<List<Tag>>>,
    pub regimes: Option<Prop<List<Tag>>>,
    pub parent: Option<Prop<Ref<ExternalId>>>,
    pub report_upward: Vec<Prop<ReportTo>>,
}

/// `group_csirt within 4h when severity >= sev2`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportTo {
    pub to: Ref<ExternalId>,
    pub within: Option<Within>,
    pub when: Option<When>,
    pub span: Span,
}

impl HasSpan for ReportTo {
    fn span(&self) -> Span {
        self.span
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Policy {
    pub id: DeclId,
    pub version: Option<Prop<Text>>,
    pub owner: Option<Prop<Ref<RoleOrPerson>>>,
    pub approved_by: Option<Prop<Approval>>,
    pub review: Option<Prop<Every>>,
    pub next_review: Option<Prop<Date>>,
    pub effective: Option<Prop<Date>>,
    /// The lifecycle procedures follow unless they name their own.
    pub lifecycle: Option<Prop<LifecycleRef>>,
    pub purpose: Option<Prop<Text>>,
    pub commitment: Option<Prop<Text>>,
    pub covers: Option<Prop<List<Spanned<Topic>>>>,
    pub definitions: Vec<Prop<Definition>>,
    pub related: Vec<Prop<Text>>,
}

/// `ceo on 2026-03-01`; for a person's `trained`, `ic_course on 2026-03-01`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Approval<T = RoleOrPerson> {
    /// The approver, or the training.
    pub by: Ref<T>,
    pub on: Option<Date>,
    pub span: Span,
}

impl<T> HasSpan for Approval<T> {
    fn span(&self) -> Span {
        self.span
    }
}

/// `define incident "..."`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Definition {
    pub term: Tag,
    pub text: Text,
    pub span: Span,
}

impl HasSpan for Definition {
    fn span(&self) -> Span {
        self.span
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Person {
    pub id: DeclId,
    pub email: Vec<Prop<Text>>,
    pub phone: Vec<Prop<Text>>,
    pub out_of_band: Vec<Prop<Contact>>,
    pub verified: Option<Prop<Date>>,
    pub timezone: Option<Prop<TimeZone>>,
    /// Training taken, with its date.
    pub trained: Vec<Prop<Approval<TrainingId>>>,
}

/// `signal "+44 7700 900001"`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Contact {
    pub method: Tag,
    pub address: Text,
    pub span: Span,
}

impl HasSpan for Contact {
    fn span(&self) -> Span {
        self.span
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Role {
    pub id: DeclId,
    pub held_by: Option<Prop<Holders>>,
    /// Assigned per incident by this role ("the incident commander appoints the scribe").
    pub assigned_by: Option<Prop<Ref<RoleId>>>,
    /// The backup chain, in order.
    pub backup: Option<Prop<List<Ref<Backup>>>>,
    pub authority: Option<Prop<List<Tag>>>,
    pub duties: Vec<Prop<Text>>,
    pub exclusive_with: Option<Prop<Exclusive>>,
    /// Training every holder and backup must have had.
    pub requires: Option<Prop<List<Ref<TrainingId>>>>,
    pub outranks: Vec<Prop<Outranks>>,
    /// A shift limit: the holder is relieved after this long.
    pub relieved_after: Option<Prop<Duration>>,
    pub hands_over_to: Vec<Prop<Handover>>,
}

/// `alice`, or `any [alice, bob, duty_manager]`: one holder, or any one of several.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holders {
    /// The word `any`, when written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub any: Option<Span>,
    pub of: List<Ref<RoleHolder>>,
    pub span: Span,
}

impl HasSpan for Holders {
    fn span(&self) -> Span {
        self.span
    }
}

/// `[scribe, liaison] in isirt`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exclusive {
    pub roles: List<Ref<RoleId>>,
    /// Exclusive only within this team.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub in_team: Option<Ref<TeamId>>,
    pub span: Span,
}

impl HasSpan for Exclusive {
    fn span(&self) -> Span {
        self.span
    }
}

/// `[ceo, cfo] when severity >= sev1`: seniority during an incident.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outranks {
    pub roles: List<Ref<RoleOrTeam>>,
    pub when: Option<When>,
    pub span: Span,
}

impl HasSpan for Outranks {
    fn span(&self) -> Span {
        self.span
    }
}

/// `crisis_lead when severity >= sev1`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Handover {
    pub to: Ref<RoleId>,
    pub when: Option<When>,
    pub span: Span,
}

impl HasSpan for Handover {
    fn span(&self) -> Span {
        self.span
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Team {
    pub id: DeclId,
    pub lead: Option<Prop<Ref<RoleOrPerson>>>,
    pub members: Option<Prop<List<Ref<RoleOrPerson>>>>,
    pub on_call: Option<Prop<Ref<ScheduleId>>>,
    pub purpose: Option<Prop<Text>>,
    /// The parent team of a sub-team.
    pub reports_to: Option<Prop<Ref<TeamId>>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calendar {
    pub id: DeclId,
    pub timezone: Option<Prop<TimeZone>>,
    pub hours: Vec<Prop<Window>>,
    pub holidays: Vec<Prop<Holiday>>,
    /// Some `hours` line could not be read (reported): checks that need the working hours
    /// say nothing more of this calendar.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub unread_hours: bool,
}

/// `2026-12-25 "Christmas Day"`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Holiday {
    pub date: Date,
    pub name: Option<Text>,
    pub span: Span,
}

impl HasSpan for Holiday {
    fn span(&self) -> Span {
        self.span
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Schedule {
    pub id: DeclId,
    pub timezone: Option<Prop<TimeZone>>,
    pub hours: Vec<Prop<Window>>,
    pub rotate: Option<Prop<Rotation>>,
    pub calendar: Option<Prop<Ref<CalendarId>>>,
    /// The rotation's anchor: the first person's turn begins on this day.
    pub starts: Option<Prop<Date>>,
    /// The time of day turns change.
    pub handover: Option<Prop<Spanned<ClockTime>>>,
    /// Regions in turn: the one in its working hours is on call.
    pub follow_the_sun: Option<Prop<List<Ref<RegionId>>>>,
    /// How soon whoever is on call answers a page: part of the time a path through the rota
    /// takes.
    pub respond: Option<Prop<Within>>,
}

/// `lifecycle ours "Our lifecycle" { phases [prepare, detect, respond, learn] }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Lifecycle {
    pub id: DeclId,
    pub phases: Option<Prop<List<Tag>>>,
    pub text: Option<Prop<Text>>,
}

/// A lifecycle: one the language knows, or a declared one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum LifecycleRef {
    Builtin(Spanned<BuiltinLifecycle>),
    Declared(Ref<LifecycleId>),
}

impl HasSpan for LifecycleRef {
    fn span(&self) -> Span {
        match self {
            LifecycleRef::Builtin(b) => b.span,
            LifecycleRef::Declared(r) => r.span,
        }
    }
}

/// `region emea "Europe" { timezone "Europe/London"; hours mon-fri 08:00-18:00 }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Region {
    pub id: DeclId,
    pub timezone: Option<Prop<TimeZone>>,
    pub hours: Vec<Prop<Window>>,
    pub on_call: Option<Prop<Ref<ScheduleId>>>,
}

/// `metric time_to_contain "Time to contain" { from detection; to containment }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metric {
    pub id: DeclId,
    pub from: Option<Prop<MomentRef>>,
    pub to: Option<Prop<MomentRef>>,
    pub target: Option<Prop<Within>>,
    pub text: Option<Prop<Text>>,
}

/// `action_item mfa_rollout "Roll out MFA" { owner cio; due 2026-06-30 }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionItem {
    pub id: DeclId,
    pub owner: Option<Prop<Ref<Holder>>>,
    pub due: Option<Prop<Date>>,
    pub text: Option<Prop<Text>>,
    pub done: Option<Flag>,
}

/// `weekly [carol, dave]`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rotation {
    pub every: Spanned<RotationPeriod>,
    pub people: List<Ref<PersonId>>,
    pub span: Span,
}

impl HasSpan for Rotation {
    fn span(&self) -> Span {
        self.span
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PointOfContact {
    pub id: DeclId,
    pub held_by: Option<Prop<Ref<PocStaff>>>,
    pub hours: Vec<Prop<Window>>,
    pub timezone: Option<Prop<TimeZone>>,
    pub out_of_hours: Option<Prop<Ref<OutOfHours>>>,
    pub assess_within: Option<Prop<Within>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Channel {
    pub id: DeclId,
    pub kind: Option<Prop<Spanned<ChannelKind>>>,
    pub url: Option<Prop<Text>>,
    pub email: Option<Prop<Text>>,
    pub phone: Option<Prop<Text>>,
    pub audience: Option<Prop<List<Member<ChannelUser>>>>,
    pub lands_at: Option<Prop<Ref<Destination>>>,
    pub hours: Vec<Prop<Window>>,
    pub timezone: Option<Prop<TimeZone>>,
    pub form: Option<Prop<Ref<FormId>>>,
    pub out_of_band: Option<Flag>,
    /// What it is used for; reporting when not given.
    pub used_for: Option<Prop<List<Spanned<ChannelUse>>>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct External {
    pub id: DeclId,
    pub kind: Option<Prop<Spanned<ExternalKind>>>,
    pub email: Option<Prop<Text>>,
    pub phone: Option<Prop<Text>>,
    pub url: Option<Prop<Text>>,
    pub verified: Option<Prop<Date>>,
    pub contract: Option<Prop<Text>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Impact {
    pub id: DeclId,
    /// Numbered 1, 2, 3, ... from the least severe.
    pub levels: Vec<Prop<ImpactLevel>>,
    /// The values of an unordered dimension (`choice payroll "Payroll"`): an impact has
    /// levels or choices, not both.
    pub choices: Vec<Prop<Definition>>,
    /// Several choices may apply at once.
    pub multiple: Option<Flag>,
}

/// `fact criminal_activity "..."` or `judgement several_teams "..." { judged_by ic }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fact {
    pub id: DeclId,
    /// Declared with `judgement`: someone decides whether it holds.
    pub judgement: bool,
    pub text: Option<Prop<Text>>,
    pub judged_by: Option<Prop<Ref<Holder>>>,
}

/// `quantity users_affected "Users affected" { unit "users" }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quantity {
    pub id: DeclId,
    pub unit: Option<Prop<Text>>,
    pub text: Option<Prop<Text>>,
}

/// `criteria high_impact "High impact" { when financial >= 3 }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Criteria {
    pub id: DeclId,
    pub when: Option<When>,
    pub text: Option<Prop<Text>>,
}

/// `moment board_meeting "Board meeting"`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Moment {
    pub id: DeclId,
    pub text: Option<Prop<Text>>,
}

/// `1 "under 10k EUR"`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImpactLevel {
    pub level: Spanned<u32>,
    pub text: Text,
    pub span: Span,
}

impl HasSpan for ImpactLevel {
    fn span(&self) -> Span {
        self.span
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scale {
    pub id: DeclId,
    /// Most severe first.
    pub levels: Vec<Level>,
    pub if_unsure: Option<Prop<Spanned<IfUnsure>>>,
    pub default: Option<Flag>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Level {
    pub id: DeclId,
    /// The criteria.
    pub when: Option<When>,
    /// The criteria in words.
    pub criteria: Option<Prop<Text>>,
    pub acknowledge: Option<Prop<Within>>,
    pub start_work: Option<Prop<Within>>,
    pub contain: Option<Prop<Within>>,
    pub resolve: Option<Prop<Within>>,
    pub update: Option<Prop<Cadence>>,
    pub decided_by: Option<Prop<Ref<Holder>>>,
    pub notify: Option<Prop<List<Ref<Party>>>>,
    pub crisis: Option<Flag>,
    pub review: Option<Prop<Within>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mapping {
    pub id: DeclId,
    pub from: Option<Prop<Ref<ScaleId>>>,
    pub to: Option<Prop<Ref<ScaleId>>>,
    pub pairs: Vec<Prop<LevelPair>>,
}

/// `p1 -> sev1`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelPair {
    pub from: Ref<LevelId>,
    pub arrow: Span,
    pub to: Ref<LevelId>,
    pub span: Span,
}

impl HasSpan for LevelPair {
    fn span(&self) -> Span {
        self.span
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Category {
    pub id: DeclId,
    /// The enclosing category, if nested; the span is the enclosing category's name.
    pub parent: Option<Spanned<CategoryId>>,
    pub threat: Option<Prop<Spanned<Threat>>>,
    pub maps_to: Vec<Prop<TaxonomyTerm>>,
    pub attack: Option<Prop<List<Tag>>>,
    pub minimum: Option<Prop<Ref<LevelId>>>,
    pub procedure: Option<Prop<Ref<ProcedureId>>>,
    pub description: Option<Prop<Text>>,
}

/// `enisa "Malicious Code"`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TaxonomyTerm {
    pub taxonomy: Tag,
    pub term: Text,
    pub span: Span,
}

impl HasSpan for TaxonomyTerm {
    fn span(&self) -> Span {
        self.span
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Escalation {
    pub id: DeclId,
    pub hops: Vec<Hop>,
    pub repeat: Option<Prop<Repeat>>,
}

/// `hop service_desk -> isirt within 15m when severity >= sev2`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hop {
    pub id: DeclId,
    /// The `hop` key word.
    pub key: Span,
    pub from: Ref<Responder>,
    pub arrow: Span,
    pub to: Ref<Responder>,
    pub within: Option<Within>,
    /// What `within` is measured from.
    pub timing: HopTiming,
    pub when: Option<When>,
    /// The whole hop.
    pub span: Span,
}

impl HasSpan for Hop {
    fn span(&self) -> Span {
        self.span
    }
}

/// What a hop's time is measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HopTiming {
    /// `within 15m`: after the previous hop fired (the first hop: after the path started).
    AfterPrevious,
    /// `at 30m`: from the start of the path.
    FromStart,
}

/// `2 every 15m`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Repeat {
    pub times: Spanned<u32>,
    pub every: Option<Every>,
    pub span: Span,
}

impl HasSpan for Repeat {
    fn span(&self) -> Span {
        self.span
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evidence {
    pub id: DeclId,
    pub custodian: Option<Prop<Ref<RoleOrPerson>>>,
    pub log: Option<Prop<Ref<FormId>>>,
    pub retain: Option<Prop<Duration>>,
    pub storage: Option<Prop<Text>>,
    pub rules: Vec<Prop<Text>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Communications {
    pub id: DeclId,
    pub statements_approved_by: Option<Prop<Quorum<Holder>>>,
    pub war_room: Option<Prop<Text>>,
    pub channel: Option<Prop<Ref<ChannelId>>>,
    pub spokesperson: Option<Prop<List<Ref<RoleOrPerson>>>>,
    pub rules: Vec<Prop<Rule>>,
    pub audiences: Vec<Audience>,
}

/// `no_sms "Never send incident details by SMS"`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    pub kind: Spanned<CommsRule>,
    pub text: Text,
    pub span: Span,
}

impl HasSpan for Rule {
    fn span(&self) -> Span {
        self.span
    }
}

/// `artefact press_statement "Press statement" { approved_by 2 of [ceo, legal] }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Artefact {
    pub id: DeclId,
    /// Approval quorums, each with the condition it applies under.
    pub approved_by: Vec<Prop<Approvers>>,
    pub informed: Option<Prop<List<Ref<Party>>>>,
    pub spokesperson: Option<Prop<List<Ref<RoleOrPerson>>>>,
    pub to: Option<Prop<List<Member<Party>>>>,
    pub text: Option<Prop<Text>>,
}

/// `2 of [ceo, legal] when deadline within 4h`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Approvers {
    pub quorum: Quorum<Holder>,
    pub when: Option<When>,
    pub span: Span,
}

impl HasSpan for Approvers {
    fn span(&self) -> Span {
        self.span
    }
}

/// `embargo until_validated "..." { applies_to [public, media]; lifts when validated }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Embargo {
    pub id: DeclId,
    pub applies_to: Option<Prop<List<Member<Party>>>>,
    /// The condition that lifts it.
    pub lifts: Option<When>,
    pub text: Option<Prop<Text>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Audience {
    pub id: DeclId,
    pub contacts: Option<Prop<List<Member<Party>>>>,
    pub via: Option<Prop<Text>>,
    /// The order audiences are told in: 1 first.
    pub order: Option<Prop<Spanned<u32>>>,
    pub updates: Vec<Prop<Update>>,
}

/// `every 30m when severity >= sev1`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Update {
    pub cadence: Cadence,
    pub when: Option<When>,
    pub span: Span,
}

impl HasSpan for Update {
    fn span(&self) -> Span {
        self.span
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Obligation {
    pub id: DeclId,
    /// The trigger.
    pub when: Option<When>,
    pub regime: Option<Prop<List<Tag>>>,
    pub reference: Option<Prop<Text>>,
    pub clock_starts: Option<Prop<MomentRef>>,
    pub deadlines: Vec<Prop<Deadline>>,
    pub to: Option<Prop<List<Ref<Recipient>>>>,
    pub owner: Option<Prop<Ref<RoleOrPerson>>>,
    pub form: Option<Prop<Ref<FormId>>>,
    /// The data elements the notification must carry.
    pub must_contain: Option<Prop<List<Text>>>,
}

/// `early_warning 24h`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Deadline {
    pub name: Tag,
    /// `72h`, `required`, `tbd`...: the time limit.
    pub within: Within,
    /// `since 2025-01-17`: in force from this day.
    pub since: Option<Date>,
    /// `until 2025-01-17`: in force up to (not including) this day.
    pub until: Option<Date>,
    pub span: Span,
}

impl HasSpan for Deadline {
    fn span(&self) -> Span {
        self.span
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Form {
    pub id: DeclId,
    pub kind: Option<Prop<Spanned<FormKind>>>,
    pub version: Option<Prop<Text>>,
    pub effective: Option<Prop<Date>>,
    pub owner: Option<Prop<Ref<RoleOrPerson>>>,
    pub next_review: Option<Prop<Date>>,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub id: DeclId,
    #[serde(rename = "type")]
    pub type_: Option<Prop<Spanned<FieldType>>>,
    pub required: Option<Flag>,
    pub help: Option<Prop<Text>>,
    /// The values of a choice field, listed.
    pub choices: Option<Prop<List<Tag>>>,
    /// The values of a choice field, from an enumeration or an impact.
    pub values: Option<Prop<Ref<ValueSource>>>,
}

/// `enumeration data_kind "Kinds of data" { values [health, card, contact] }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Enumeration {
    pub id: DeclId,
    pub values: Option<Prop<List<Tag>>>,
    pub text: Option<Prop<Text>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Training {
    pub id: DeclId,
    pub audience: Option<Prop<List<Member<Holder>>>>,
    pub every: Option<Prop<Duration>>,
    pub topics: Option<Prop<List<Text>>>,
    pub format: Option<Prop<Spanned<TrainingFormat>>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Exercise {
    pub id: DeclId,
    pub kind: Option<Prop<Spanned<ExerciseKind>>>,
    pub audience: Option<Prop<List<Member<Holder>>>>,
    pub every: Option<Prop<Duration>>,
    pub scenario: Option<Prop<Ref<CategoryId>>>,
    pub severity: Option<Prop<Ref<LevelId>>>,
    pub last: Option<Prop<Date>>,
    pub next: Option<Prop<Date>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Review {
    pub id: DeclId,
    pub post_incident: Option<Prop<PostIncident>>,
    pub owner: Option<Prop<Ref<RoleOrPerson>>>,
    pub scheme: Option<Prop<Every>>,
    pub metrics: Option<Prop<List<Tag>>>,
    pub improvements_by: Option<Prop<Ref<RoleOrPerson>>>,
    pub form: Option<Prop<Ref<FormId>>>,
    /// Further reviews, each with its own clock.
    pub follow_ups: Vec<Prop<PostIncident>>,
}

/// `within 5bd when severity >= sev2`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PostIncident {
    pub within: Within,
    pub when: Option<When>,
    pub span: Span,
}

impl HasSpan for PostIncident {
    fn span(&self) -> Span {
        self.span
    }
}

/// `scenario saturday_ransomware "..." { severity sev1; at 2026-12-05 03:00 "Europe/London";
/// expect ciso paged within 30m }`: an incident and what must happen, run by `imp test`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scenario {
    pub id: DeclId,
    /// The level the incident is classified at (default: the category's minimum).
    pub severity: Option<Prop<Ref<LevelId>>>,
    pub category: Option<Prop<Ref<CategoryId>>>,
    /// Facts and judgements that hold.
    pub facts: Vec<Prop<List<Ref<FactId>>>>,
    /// The incident's level on impact categories.
    pub impacts: Vec<Prop<ImpactValue>>,
    /// When the incident is reported.
    pub at: Option<Prop<Instant>>,
    pub expects: Vec<Prop<Expect>>,
}

/// `personal_data 3`: an incident's level on an impact category.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImpactValue {
    pub impact: Ref<ImpactId>,
    pub level: Spanned<u32>,
    pub span: Span,
}

impl HasSpan for ImpactValue {
    fn span(&self) -> Span {
        self.span
    }
}

/// `2026-12-05 03:00 "Europe/London"`: a date, a time of day and optionally a time zone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Instant {
    pub date: Date,
    pub time: Spanned<ClockTime>,
    /// Absent: the policy's time zone.
    pub zone: Option<TimeZone>,
    pub span: Span,
}

impl HasSpan for Instant {
    fn span(&self) -> Span {
        self.span
    }
}

/// `ciso paged within 30m`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expect {
    pub party: Ref<Responder>,
    pub verb: Spanned<ExpectVerb>,
    /// Counted from the scenario's `at`; absent: at any time.
    pub within: Option<Duration>,
    pub span: Span,
}

impl HasSpan for Expect {
    fn span(&self) -> Span {
        self.span
    }
}
