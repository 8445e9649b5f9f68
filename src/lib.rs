//! imp: incident management policy as code.
//!
//! The pipeline, one module a stage: [`source`] (files and spans) → [`syntax`] (pest grammar
//! to a lossless, spanned tree) → [`model`] (lowered by the schema, then resolved into typed
//! data) with the [`index`] of every definition and reference → [`diagnostics`] (codes and
//! rendering). [`loader`] decides which files a policy is, through [`vfs`]; [`config`] reads
//! `imp.yaml` and applies levels and silences; [`check`] runs the
//! pipeline; [`cli`] is the command line over it.

pub mod check;
pub mod checks;
pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod index;
pub mod loader;
pub mod model;
pub mod reach;
pub mod simulate;
pub mod source;
pub mod syntax;
pub mod vfs;
