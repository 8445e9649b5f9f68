//! References: a name as written (its span) resolved to what it names. Where a property
//! accepts several kinds of declaration, the target is a typed enum of exactly those kinds
//! (a step's owner is a [`Holder`]: a role, a person or a team), never a string plus a kind.

use serde::Serialize;

use super::ids::*;
use super::schema::Kind;
use super::value::Spanned;
use super::vocab::Group;
use crate::source::{HasSpan, Span};

/// What a reference can name.
pub trait RefTarget: Copy + std::fmt::Debug + PartialEq {
    /// The kinds of declaration accepted, in the order messages list them.
    const KINDS: &'static [Kind];
    fn from_loc(loc: Loc) -> Option<Self>;
    fn loc(self) -> Loc;
}

/// A name as written and what it resolved to: `None` when it names nothing of an accepted
/// kind (reported).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Ref<T> {
    pub span: Span,
    pub target: Option<T>,
}

impl<T> Ref<T> {
    /// A reference not resolved yet.
    pub fn new(span: Span) -> Ref<T> {
        Ref { span, target: None }
    }
}

impl<T> HasSpan for Ref<T> {
    fn span(&self) -> Span {
        self.span
    }
}

macro_rules! single {
    ($($id:ident => $kind:ident,)*) => {
        $(
            impl RefTarget for $id {
                const KINDS: &'static [Kind] = &[Kind::$kind];
                fn from_loc(loc: Loc) -> Option<Self> {
                    match loc {
                        Loc::$kind(id) => Some(id),
                        _ => None,
                    }
                }
                fn loc(self) -> Loc {
                    Loc::$kind(self)
                }
            }
        )*
    };
}

single! {
    PersonId => Person,
    RoleId => Role,
    ScheduleId => Schedule,
    CalendarId => Calendar,
    PocId => PointOfContact,
    ExternalId => External,
    ImpactId => Impact,
    ScaleId => Scale,
    LevelId => Level,
    CategoryId => Category,
    EscalationId => Escalation,
    ProcedureId => Procedure,
    StepId => Step,
    ObligationId => Obligation,
    FormId => Form,
    ChannelId => Channel,
    TrainingId => Training,
    TeamId => Team,
    MomentId => Moment,
    FactId => Fact,
    QuantityId => Quantity,
    CriteriaId => Criteria,
    EnumerationId => Enumeration,
    RegionId => Region,
    LifecycleId => Lifecycle,
}

macro_rules! ref_sets {
    ($($(#[$doc:meta])* $name:ident { $($kind:ident($id:ident),)* })*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
            #[serde(tag = "kind", content = "index", rename_all = "snake_case")]
            pub enum $name {
                $($kind($id),)*
            }

            impl RefTarget for $name {
                const KINDS: &'static [Kind] = &[$(Kind::$kind),*];
                fn from_loc(loc: Loc) -> Option<Self> {
                    match loc {
                        $(Loc::$kind(id) => Some($name::$kind(id)),)*
                        _ => None,
                    }
                }
                fn loc(self) -> Loc {
                    match self {
                        $($name::$kind(id) => Loc::$kind(id),)*
                    }
                }
            }
        )*
    };
}

ref_sets! {
    /// Who can be responsible for something: owners, deciders.
    Holder {
        Role(RoleId),
        Person(PersonId),
        Team(TeamId),
        External(ExternalId),
    }
    /// Who can be told: notifications, audiences.
    Party {
        Role(RoleId),
        Person(PersonId),
        Team(TeamId),
        PointOfContact(PocId),
        External(ExternalId),
    }
    /// Where a report or an escalation can go.
    Responder {
        Role(RoleId),
        Person(PersonId),
        Team(TeamId),
        PointOfContact(PocId),
        Schedule(ScheduleId),
        External(ExternalId),
    }
    /// Where a reporting channel delivers: a point of contact, or an outside party (a
    /// managed security service).
    Destination {
        PointOfContact(PocId),
        External(ExternalId),
    }
    /// Who an obligation is owed to: an outside body, or the organisation's own officials.
    Recipient {
        External(ExternalId),
        Role(RoleId),
        Team(TeamId),
        Person(PersonId),
    }
    /// Who holds a role: a person, a rota, a team, or another role (a title chain).
    RoleHolder {
        Person(PersonId),
        Schedule(ScheduleId),
        Team(TeamId),
        Role(RoleId),
    }
    /// Where a choice field's values come from.
    ValueSource {
        Enumeration(EnumerationId),
        Impact(ImpactId),
    }
    /// A role or a team: whom a role outranks.
    RoleOrTeam {
        Role(RoleId),
        Team(TeamId),
    }
    /// A role's backup.
    Backup {
        Person(PersonId),
        Role(RoleId),
        Schedule(ScheduleId),
    }
    /// A role or a person: owners of documents and duties.
    RoleOrPerson {
        Role(RoleId),
        Person(PersonId),
    }
    /// Who staffs a point of contact.
    PocStaff {
        Person(PersonId),
        Role(RoleId),
        Schedule(ScheduleId),
        Team(TeamId),
    }
    /// Who takes reports out of hours.
    OutOfHours {
        Schedule(ScheduleId),
        Role(RoleId),
        Person(PersonId),
        Team(TeamId),
    }
    /// Who may use a reporting channel.
    ChannelUser {
        Role(RoleId),
        Team(TeamId),
        Person(PersonId),
    }
}

/// A member of an audience: a group word of the language, or a declaration.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Member<T> {
    Group(Spanned<Group>),
    Ref(Ref<T>),
}

impl<T> HasSpan for Member<T> {
    fn span(&self) -> Span {
        match self {
            Member::Group(g) => g.span,
            Member::Ref(r) => r.span,
        }
    }
}
