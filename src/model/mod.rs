//! The model layer: the schema of the language, and the lowering of syntax trees into a
//! resolved, typed, serialisable [`Model`]. It does no I/O.

mod bag;
mod conditions;
mod cx;
mod decls;
mod lower;
mod procedures;
pub mod schema;
pub mod types;
mod values;

pub use lower::{Gaps, Lowered, lower};
pub use types::Model;
