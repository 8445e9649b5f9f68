//! The reach layer: who a report and an escalation can reach, when, and how fast. It sits
//! between the model and its readers (the checks, the simulation, the documents): it reads
//! only the [`Model`](crate::model::Model), and defines once what the policy's hops, rotas and
//! links mean in time, so that a check and `imp simulate` cannot disagree.
//!
//! - [`incident`]: what is known of an incident, and whether a `when` holds for it;
//! - [`graph`]: the party graph (people, roles, teams, rotas, desks, outside parties,
//!   channels, regions; hops and standing links), a petgraph graph;
//! - [`ladder`]: the earliest worst-case time each party is reached, with its path;
//! - [`calendar`]: business days counted exactly on a working calendar;
//! - [`zone`]: the zone of the policy, that findings and timelines are shown in.
//!
//! Every walk is iterative (no recursion over the policy's graphs: a million-node policy must
//! not overflow the stack), and every order comes from the model's, so results are the same
//! on every run.

pub mod calendar;
pub mod graph;
pub mod hours;
pub mod incident;
pub mod ladder;
pub mod tree;
pub mod week;
pub mod zone;

pub use calendar::WorkCalendar;
pub use graph::{Graph, Via, for_reporting, report_starts};
pub use incident::{Incident, Truth};
pub use ladder::{Budget, Ladder, Reach, Scratch, Time, climb, climb_in};
pub use zone::policy_zone;
