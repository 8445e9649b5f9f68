//! imp: incident management policy as code.
//!
//! The pipeline, one module a stage: [`source`] (files and spans) → [`syntax`] (pest grammar to
//! a spanned tree) → [`loader`] (a policy's files and `use`) → [`model`] (resolved, typed,
//! serialisable) → [`diagnostics`] (codes and rendering). [`check`] runs the pipeline for one
//! policy; [`cli`] is the command line over it.

pub mod check;
pub mod cli;
pub mod diagnostics;
pub mod loader;
pub mod model;
pub mod source;
pub mod syntax;
