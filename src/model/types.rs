//! The resolved model: plain data that later stages read. Every reference has been resolved
//! and checked for kind; every literal validated. It serialises with serde.

use serde::Serialize;

use super::schema::Kind;
use crate::source::Span;
pub use crate::syntax::ast::{CmpOp, DurationUnit, Weekday};

/// What every declaration has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Decl {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    pub span: Span,
    pub name_span: Span,
}

/// A resolved reference to a declaration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ref {
    pub name: String,
    pub kind: Kind,
    pub span: Span,
}

/// A reference to a level of a scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelRef {
    pub scale: String,
    pub level: String,
    /// Position in the scale: 0 is the most severe.
    pub rank: usize,
    pub span: Span,
}

/// A calendar-aware span of time. Months and years are not converted to seconds, and business
/// days count against a working calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duration {
    pub amount: u32,
    pub unit: DurationUnit,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calendar: Option<Ref>,
    pub span: Span,
}

impl Duration {
    /// The length in minutes, for units of fixed length (minutes to weeks).
    pub fn fixed_minutes(&self) -> Option<u64> {
        let per = match self.unit {
            DurationUnit::Minutes => 1,
            DurationUnit::Hours => 60,
            DurationUnit::Days => 24 * 60,
            DurationUnit::Weeks => 7 * 24 * 60,
            DurationUnit::Months | DurationUnit::Years | DurationUnit::BusinessDays => return None,
        };
        Some(u64::from(self.amount) * per)
    }
}

/// A calendar date, validated. Serialises as `"2026-03-01"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i16,
    pub month: i8,
    pub day: i8,
}

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// When someone or something is available.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Window {
    /// Every hour of the week.
    Always { span: Span },
    /// Days `from..=to` (wrapping past Sunday), from `start` to `end` minutes after midnight;
    /// `end <= start` means the window crosses midnight.
    Weekly {
        from: Weekday,
        to: Weekday,
        start: u16,
        end: u16,
        span: Span,
    },
}

/// One phase of an update cadence: every `every`, for `for` (open-ended if none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CadencePhase {
    pub every: Duration,
    #[serde(rename = "for", skip_serializing_if = "Option::is_none")]
    pub for_: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cadence {
    pub phases: Vec<CadencePhase>,
    pub span: Span,
}

/// `2 of [legal, hr, ciso, ceo]`; a single approver is `1 of [x]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quorum {
    pub required: u32,
    pub of: Vec<Ref>,
    pub span: Span,
}

/// Who a message or a training is for: named groups or declarations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Member {
    Group(String),
    Ref(Ref),
}

/// A resolved condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Condition {
    And {
        left: Box<Condition>,
        right: Box<Condition>,
    },
    Or {
        left: Box<Condition>,
        right: Box<Condition>,
    },
    Not {
        inner: Box<Condition>,
    },
    /// `financial >= 3`.
    Impact {
        impact: Ref,
        op: CmpOp,
        level: u32,
        span: Span,
    },
    /// `severity >= sev2`: "at least as severe as".
    Level {
        op: CmpOp,
        level: LevelRef,
        span: Span,
    },
    /// `category in [ransomware]`: the categories and their subtrees.
    Category {
        categories: Vec<Ref>,
        span: Span,
    },
    NotAcknowledged {
        after: Duration,
        span: Span,
    },
    NotUnderControl {
        after: Duration,
        span: Span,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Organisation {
    #[serde(flatten)]
    pub decl: Decl,
    pub scope: Option<String>,
    pub services: Vec<String>,
    pub sites: Vec<String>,
    pub jurisdictions: Vec<String>,
    pub regimes: Vec<String>,
    pub parent: Option<Ref>,
    pub report_upward: Vec<Report>,
}

/// Reporting to a party within a time, when a condition holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub to: Ref,
    pub within: Option<Duration>,
    pub when: Option<Condition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Approval {
    pub by: Ref,
    pub on: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Definition {
    pub term: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Policy {
    #[serde(flatten)]
    pub decl: Decl,
    pub version: Option<String>,
    pub owner: Option<Ref>,
    pub approved_by: Option<Approval>,
    pub review: Option<Duration>,
    pub next_review: Option<Date>,
    pub purpose: Option<String>,
    pub commitment: Option<String>,
    pub covers: Vec<String>,
    pub definitions: Vec<Definition>,
    pub related: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contact {
    pub method: String,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    #[serde(flatten)]
    pub decl: Decl,
    pub email: Vec<String>,
    pub phone: Vec<String>,
    pub out_of_band: Vec<Contact>,
    pub verified: Option<Date>,
    pub timezone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Handover {
    pub to: Ref,
    pub when: Option<Condition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Role {
    #[serde(flatten)]
    pub decl: Decl,
    pub held_by: Option<Ref>,
    /// The backup chain, in order.
    pub backup: Vec<Ref>,
    pub authority: Vec<String>,
    pub duties: Vec<String>,
    pub exclusive_with: Vec<Ref>,
    pub hands_over_to: Vec<Handover>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Team {
    #[serde(flatten)]
    pub decl: Decl,
    pub lead: Option<Ref>,
    pub members: Vec<Ref>,
    pub on_call: Option<Ref>,
    pub purpose: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Holiday {
    pub date: Date,
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Calendar {
    #[serde(flatten)]
    pub decl: Decl,
    pub timezone: Option<String>,
    pub hours: Vec<Window>,
    pub holidays: Vec<Holiday>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rotation {
    pub every: String,
    pub people: Vec<Ref>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Schedule {
    #[serde(flatten)]
    pub decl: Decl,
    pub timezone: Option<String>,
    pub hours: Vec<Window>,
    pub rotate: Option<Rotation>,
    pub calendar: Option<Ref>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PointOfContact {
    #[serde(flatten)]
    pub decl: Decl,
    pub held_by: Option<Ref>,
    pub hours: Vec<Window>,
    pub timezone: Option<String>,
    pub out_of_hours: Option<Ref>,
    pub assess_within: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Channel {
    #[serde(flatten)]
    pub decl: Decl,
    pub kind: Option<String>,
    pub url: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub audience: Vec<Member>,
    pub lands_at: Option<Ref>,
    pub hours: Vec<Window>,
    pub timezone: Option<String>,
    pub form: Option<Ref>,
    pub out_of_band: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct External {
    #[serde(flatten)]
    pub decl: Decl,
    pub kind: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub url: Option<String>,
    pub verified: Option<Date>,
    pub contract: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImpactLevel {
    pub level: u32,
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Impact {
    #[serde(flatten)]
    pub decl: Decl,
    pub levels: Vec<ImpactLevel>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Level {
    #[serde(flatten)]
    pub decl: Decl,
    pub when: Option<Condition>,
    pub acknowledge: Option<Duration>,
    pub contain: Option<Duration>,
    pub resolve: Option<Duration>,
    pub update: Option<Cadence>,
    pub decided_by: Option<Ref>,
    pub notify: Vec<Ref>,
    pub crisis: bool,
    pub review: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scale {
    #[serde(flatten)]
    pub decl: Decl,
    /// Most severe first.
    pub levels: Vec<Level>,
    pub if_unsure: Option<String>,
    pub default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mapping {
    #[serde(flatten)]
    pub decl: Decl,
    pub from: Option<Ref>,
    pub to: Option<Ref>,
    pub pairs: Vec<(LevelRef, LevelRef)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaxonomyTerm {
    pub taxonomy: String,
    pub term: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Category {
    #[serde(flatten)]
    pub decl: Decl,
    /// The enclosing category, if nested.
    pub parent: Option<String>,
    pub threat: Option<String>,
    pub maps_to: Vec<TaxonomyTerm>,
    pub attack: Vec<String>,
    pub minimum: Option<LevelRef>,
    pub procedure: Option<Ref>,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Hop {
    pub from: Ref,
    pub to: Ref,
    pub within: Option<Duration>,
    pub when: Option<Condition>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Repeat {
    pub times: u32,
    pub every: Option<Duration>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Escalation {
    #[serde(flatten)]
    pub decl: Decl,
    pub hops: Vec<Hop>,
    pub repeat: Option<Repeat>,
}

/// What a step does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Action,
    Decision,
    Parallel,
    Notify,
    Escalate,
    Collect,
    Run,
    End,
}

impl StepKind {
    pub fn from_keyword(k: &str) -> Option<StepKind> {
        Some(match k {
            "action" => StepKind::Action,
            "decision" => StepKind::Decision,
            "parallel" => StepKind::Parallel,
            "notify" => StepKind::Notify,
            "escalate" => StepKind::Escalate,
            "collect" => StepKind::Collect,
            "run" => StepKind::Run,
            "end" => StepKind::End,
            _ => return None,
        })
    }
}

/// A name local to a procedure (a step) with where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepRef {
    pub step: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionOption {
    #[serde(flatten)]
    pub decl: Decl,
    pub when: Option<Condition>,
    pub next: Vec<StepRef>,
}

/// Where a step of a procedure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    Own,
    Inherited,
    Overridden,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    #[serde(flatten)]
    pub decl: Decl,
    pub kind: StepKind,
    pub origin: Origin,
    pub owner: Option<Ref>,
    pub within: Option<Duration>,
    pub next: Vec<StepRef>,
    pub text: Option<String>,
    pub precondition: Option<String>,
    pub approved_by: Option<Quorum>,
    pub needs: Vec<String>,
    pub decided_by: Option<Ref>,
    pub options: Vec<DecisionOption>,
    pub branches: Vec<StepRef>,
    pub to: Vec<Ref>,
    pub obligation: Option<Ref>,
    pub path: Option<Ref>,
    pub items: Vec<String>,
    pub procedure: Option<Ref>,
    pub review: bool,
    pub outcome: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Procedure {
    #[serde(flatten)]
    pub decl: Decl,
    pub owner: Option<Ref>,
    pub phase: Vec<String>,
    pub extends: Option<Ref>,
    pub start: Option<StepRef>,
    pub purpose: Option<String>,
    /// The effective steps: those of the base (overridden where an override names them), then
    /// the procedure's own.
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    #[serde(flatten)]
    pub decl: Decl,
    pub custodian: Option<Ref>,
    pub log: Option<Ref>,
    pub retain: Option<Duration>,
    pub storage: Option<String>,
    pub rules: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Update {
    pub cadence: Cadence,
    pub when: Option<Condition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Audience {
    #[serde(flatten)]
    pub decl: Decl,
    pub contacts: Vec<Member>,
    pub via: Option<String>,
    pub updates: Vec<Update>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Communications {
    #[serde(flatten)]
    pub decl: Decl,
    pub statements_approved_by: Option<Quorum>,
    pub war_room: Option<String>,
    pub channel: Option<Ref>,
    pub audiences: Vec<Audience>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Deadline {
    pub name: String,
    pub within: Duration,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Obligation {
    #[serde(flatten)]
    pub decl: Decl,
    pub when: Option<Condition>,
    pub regime: Vec<String>,
    pub reference: Option<String>,
    pub clock_starts: Option<String>,
    pub deadlines: Vec<Deadline>,
    pub to: Option<Ref>,
    pub owner: Option<Ref>,
    pub form: Option<Ref>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    #[serde(flatten)]
    pub decl: Decl,
    #[serde(rename = "type")]
    pub type_: Option<String>,
    pub required: bool,
    pub help: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Form {
    #[serde(flatten)]
    pub decl: Decl,
    pub kind: Option<String>,
    pub fields: Vec<Field>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Training {
    #[serde(flatten)]
    pub decl: Decl,
    pub audience: Vec<Member>,
    pub every: Option<Duration>,
    pub topics: Vec<String>,
    pub format: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exercise {
    #[serde(flatten)]
    pub decl: Decl,
    pub kind: Option<String>,
    pub audience: Vec<Member>,
    pub every: Option<Duration>,
    pub scenario: Option<Ref>,
    pub severity: Option<LevelRef>,
    pub last: Option<Date>,
    pub next: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PostIncident {
    pub within: Duration,
    pub when: Option<Condition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    #[serde(flatten)]
    pub decl: Decl,
    pub post_incident: Option<PostIncident>,
    pub owner: Option<Ref>,
    pub scheme: Option<Duration>,
    pub metrics: Vec<String>,
    pub improvements_by: Option<Ref>,
}

/// A whole policy, resolved. Each list is in declaration order (files in load order).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Model {
    /// The files of the policy, in load order; a span's `file` indexes this list.
    pub files: Vec<String>,
    pub organisations: Vec<Organisation>,
    pub policies: Vec<Policy>,
    pub people: Vec<Person>,
    pub roles: Vec<Role>,
    pub teams: Vec<Team>,
    pub calendars: Vec<Calendar>,
    pub schedules: Vec<Schedule>,
    pub points_of_contact: Vec<PointOfContact>,
    pub channels: Vec<Channel>,
    pub externals: Vec<External>,
    pub impacts: Vec<Impact>,
    pub scales: Vec<Scale>,
    pub mappings: Vec<Mapping>,
    pub categories: Vec<Category>,
    pub escalations: Vec<Escalation>,
    pub procedures: Vec<Procedure>,
    pub evidence: Vec<Evidence>,
    pub communications: Vec<Communications>,
    pub obligations: Vec<Obligation>,
    pub forms: Vec<Form>,
    pub trainings: Vec<Training>,
    pub exercises: Vec<Exercise>,
    pub reviews: Vec<Review>,
}
