//! Time limits as bounds, for the checks: see [`crate::model::bounds`].

pub use crate::model::bounds::{Bounds, show_seconds};
