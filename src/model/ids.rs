//! Identities. Every declaration, and every nested element that something can point at or a
//! finding can name, has a [`DeclId`]: an index into the [`Index`](crate::index::Index)'s
//! definitions. In the model, elements are found by *typed* ids, which are positions in the
//! model's lists (`RoleId(3)` is `model.roles[3]`; `StepId { procedure, index }` is
//! `model.procedures[procedure].steps[index]`), so that a check gets from an id to the data
//! in constant time; [`Loc`] says which typed id a `DeclId` stands for.

use serde::Serialize;

/// The identity of a declaration or nested element: its definition in the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct DeclId(pub u32);

impl DeclId {
    /// The id of an element not (yet) registered.
    pub const NONE: DeclId = DeclId(u32::MAX);

    pub fn index(self) -> usize {
        self.0 as usize
    }
}

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident => $field:ident: $ty:ident,)*) => {
        $(
            $(#[$doc])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
            #[serde(transparent)]
            pub struct $name(pub u32);

            impl std::ops::Index<$name> for super::Model {
                type Output = super::$ty;
                fn index(&self, id: $name) -> &super::$ty {
                    &self.$field[id.0 as usize]
                }
            }
        )*
    };
}

ids! {
    /// An `organisation`.
    OrganisationId => organisations: Organisation,
    /// A `policy`.
    PolicyId => policies: Policy,
    /// A `person`.
    PersonId => people: Person,
    /// A `role`.
    RoleId => roles: Role,
    /// A `team`.
    TeamId => teams: Team,
    /// A `calendar`.
    CalendarId => calendars: Calendar,
    /// A `schedule`.
    ScheduleId => schedules: Schedule,
    /// A `point_of_contact`.
    PocId => points_of_contact: PointOfContact,
    /// A `channel`.
    ChannelId => channels: Channel,
    /// An `external` party.
    ExternalId => externals: External,
    /// An `impact` category.
    ImpactId => impacts: Impact,
    /// A `scale`.
    ScaleId => scales: Scale,
    /// A `mapping` between scales.
    MappingId => mappings: Mapping,
    /// An incident `category`, nested or not.
    CategoryId => categories: Category,
    /// An `escalation` path.
    EscalationId => escalations: Escalation,
    /// A `procedure`.
    ProcedureId => procedures: Procedure,
    /// An `evidence` policy.
    EvidenceId => evidence: Evidence,
    /// A `communications` plan.
    CommunicationsId => communications: Communications,
    /// An `obligation`.
    ObligationId => obligations: Obligation,
    /// A report `form`.
    FormId => forms: Form,
    /// A `training`.
    TrainingId => trainings: Training,
    /// An `exercise`.
    ExerciseId => exercises: Exercise,
    /// A `review` plan.
    ReviewId => reviews: Review,
    /// A declared `moment`.
    MomentId => moments: Moment,
    /// A `fact` or `judgement`.
    FactId => facts: Fact,
    /// A `quantity`.
    QuantityId => quantities: Quantity,
    /// A named `criteria`.
    CriteriaId => criteria: Criteria,
    /// An `enumeration`.
    EnumerationId => enumerations: Enumeration,
    /// A `region`.
    RegionId => regions: Region,
    /// A `metric`.
    MetricId => metrics: Metric,
    /// An `action_item`.
    ActionItemId => action_items: ActionItem,
    /// A `lifecycle`.
    LifecycleId => lifecycles: Lifecycle,
    /// An `artefact`.
    ArtefactId => artefacts: Artefact,
    /// An `embargo`.
    EmbargoId => embargoes: Embargo,
    /// A `scenario` that `imp test` runs.
    ScenarioId => scenarios: Scenario,
}

/// A `level` of a scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct LevelId {
    pub scale: ScaleId,
    /// Position in the scale: 0 is the most severe.
    pub index: u32,
}

/// A `hop` of an escalation path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct HopId {
    pub escalation: EscalationId,
    pub index: u32,
}

/// A step of a procedure, as written in it (inherited steps keep the id of the base's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct StepId {
    pub procedure: ProcedureId,
    pub index: u32,
}

/// An `option` of a decision step, or of an override of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct OptionId {
    pub of: OptionOwner,
    pub index: u32,
}

/// What an option belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "index", rename_all = "snake_case")]
pub enum OptionOwner {
    Step(StepId),
    Override(OverrideId),
}

/// An `override` of a base step in a procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct OverrideId {
    pub procedure: ProcedureId,
    pub index: u32,
}

/// A `field` of a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct FieldId {
    pub form: FormId,
    pub index: u32,
}

/// An `audience` of a communications plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct AudienceId {
    pub communications: CommunicationsId,
    pub index: u32,
}

/// Where an element is in the model: its typed id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(tag = "kind", content = "index", rename_all = "snake_case")]
pub enum Loc {
    Organisation(OrganisationId),
    Policy(PolicyId),
    Person(PersonId),
    Role(RoleId),
    Team(TeamId),
    Calendar(CalendarId),
    Schedule(ScheduleId),
    PointOfContact(PocId),
    Channel(ChannelId),
    External(ExternalId),
    Impact(ImpactId),
    Scale(ScaleId),
    Level(LevelId),
    Mapping(MappingId),
    Category(CategoryId),
    Escalation(EscalationId),
    Hop(HopId),
    Procedure(ProcedureId),
    Step(StepId),
    Option(OptionId),
    Override(OverrideId),
    Evidence(EvidenceId),
    Communications(CommunicationsId),
    Audience(AudienceId),
    Obligation(ObligationId),
    Form(FormId),
    Field(FieldId),
    Training(TrainingId),
    Exercise(ExerciseId),
    Review(ReviewId),
    Moment(MomentId),
    Fact(FactId),
    Quantity(QuantityId),
    Criteria(CriteriaId),
    Enumeration(EnumerationId),
    Region(RegionId),
    Metric(MetricId),
    ActionItem(ActionItemId),
    Lifecycle(LifecycleId),
    Artefact(ArtefactId),
    Embargo(EmbargoId),
    Scenario(ScenarioId),
}

impl std::ops::Index<LevelId> for super::Model {
    type Output = super::Level;
    fn index(&self, id: LevelId) -> &super::Level {
        &self[id.scale].levels[id.index as usize]
    }
}

impl std::ops::Index<HopId> for super::Model {
    type Output = super::Hop;
    fn index(&self, id: HopId) -> &super::Hop {
        &self[id.escalation].hops[id.index as usize]
    }
}

impl std::ops::Index<StepId> for super::Model {
    type Output = super::Step;
    fn index(&self, id: StepId) -> &super::Step {
        &self[id.procedure].steps[id.index as usize]
    }
}

impl std::ops::Index<OptionId> for super::Model {
    type Output = super::DecisionOption;
    fn index(&self, id: OptionId) -> &super::DecisionOption {
        match id.of {
            OptionOwner::Step(s) => &self[s].options()[id.index as usize],
            OptionOwner::Override(o) => &self[o].options[id.index as usize],
        }
    }
}

impl std::ops::Index<OverrideId> for super::Model {
    type Output = super::Override;
    fn index(&self, id: OverrideId) -> &super::Override {
        &self[id.procedure].overrides[id.index as usize]
    }
}

impl std::ops::Index<FieldId> for super::Model {
    type Output = super::Field;
    fn index(&self, id: FieldId) -> &super::Field {
        &self[id.form].fields[id.index as usize]
    }
}

impl std::ops::Index<AudienceId> for super::Model {
    type Output = super::Audience;
    fn index(&self, id: AudienceId) -> &super::Audience {
        &self[id.communications].audiences[id.index as usize]
    }
}
