//! The model layer: the schema of the language, and the policy as typed, resolved data.
//!
//! It is built in two halves: [`lower`] reads each item's tree by the schema (in parallel,
//! one item at a time, so that no tree outlives its item), and [`resolve`] registers every
//! name in the [`Index`](crate::index::Index) and fills in every reference. The model does no
//! I/O.

pub mod bounds;
pub mod condition;
pub mod decls;
pub mod ids;
pub mod lower;
pub mod procedure;
pub mod refs;
pub mod resolve;
pub mod schema;
pub mod value;
pub mod vocab;

use serde::Serialize;

pub use condition::*;
pub use decls::*;
pub use ids::*;
pub use procedure::*;
pub use refs::*;
pub use value::*;
pub use vocab::*;

use crate::source::Span;

/// The hash maps of lowering and resolution: keys are short names and ids, and iteration
/// order never reaches the output, so a fast fixed hasher (no per-process seed) serves.
pub(crate) type Map<K, V> = std::collections::HashMap<K, V, foldhash::fast::FixedState>;
pub(crate) type Set<K> = std::collections::HashSet<K, foldhash::fast::FixedState>;

/// A whole policy, resolved. Each list is in declaration order (files in load order, a
/// library's `fixed` declarations before the policy's own files and its others after them);
/// a typed id is a position in its list.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Model {
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
    /// Every category, nested ones included, in pre-order.
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
    pub moments: Vec<Moment>,
    pub facts: Vec<Fact>,
    pub quantities: Vec<Quantity>,
    pub criteria: Vec<Criteria>,
    pub enumerations: Vec<Enumeration>,
    pub regions: Vec<Region>,
    pub metrics: Vec<Metric>,
    pub action_items: Vec<ActionItem>,
    pub lifecycles: Vec<Lifecycle>,
    pub artefacts: Vec<Artefact>,
    pub embargoes: Vec<Embargo>,
    /// The scenario tests `imp test` runs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scenarios: Vec<Scenario>,
    /// Every value left open (`tbd`, `{{NAME}}`), in source order.
    pub open: Vec<Open>,
    /// The `##` docs of properties: (key word's span, doc's span), sorted.
    pub prop_docs: Vec<(Span, Span)>,
}

/// What any top-level declaration may say of itself: `formerly`, `see`, `classification`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Meta {
    /// Former names: a reference to one still resolves, with a warning.
    pub formerly: Vec<Tag>,
    /// Documents: local paths (checked to exist) and web addresses.
    pub see: Vec<Text>,
    /// A classification marking (TLP).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub classification: Option<Spanned<Tlp>>,
    /// In a central policy: members may not declare it themselves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed: Option<Flag>,
}

/// A value the policy leaves open: the property it stands in is absent from the model, or
/// the text holds it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Open {
    /// The `tbd` (and its reason) or the placeholder.
    pub span: Span,
    /// The key word of the property it stands in.
    pub key: Span,
    #[serde(flatten)]
    pub kind: OpenKind,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "open", rename_all = "snake_case")]
pub enum OpenKind {
    /// `tbd` or `tbd "reason"`: not stated.
    NotStated {
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<Text>,
    },
    /// `{{NAME}}`: a template placeholder; the span is the braces', `name` inside them.
    Placeholder { name: Span },
}

impl Model {
    /// Whether the policy declares none of what a scheme is built from: no policy, people,
    /// roles, teams, points of contact, channels, scales, categories, procedures, obligations
    /// or reviews.
    pub fn is_empty(&self) -> bool {
        self.organisations.is_empty()
            && self.policies.is_empty()
            && self.people.is_empty()
            && self.roles.is_empty()
            && self.teams.is_empty()
            && self.points_of_contact.is_empty()
            && self.channels.is_empty()
            && self.scales.is_empty()
            && self.categories.is_empty()
            && self.procedures.is_empty()
            && self.obligations.is_empty()
            && self.reviews.is_empty()
    }

    /// The open values in the property whose key word is at `key`.
    pub fn open_in(&self, key: Span) -> impl Iterator<Item = &Open> {
        self.open.iter().filter(move |o| o.key == key)
    }

    /// The `##` doc above a property, by the span of its key word.
    pub fn prop_doc(&self, key: Span) -> Option<Span> {
        let i = self.prop_docs.partition_point(|(k, _)| *k < key);
        self.prop_docs
            .get(i)
            .filter(|(k, _)| *k == key)
            .map(|(_, d)| *d)
    }
}
