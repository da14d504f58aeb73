//! The science of neuroreport: the checked configuration, the models, the analyses, the
//! network and the experiments that turn a configuration into [`experiments::Results`]. No
//! files, templates or command line: the application (the crate `neuroreport`, at the root
//! of the workspace) re-exports every module under the same path and adds the figures, the
//! rendering, the writer and the grader.
//!
//! It is also the only crate compiled with optimisation (the root `Cargo.toml`): its kernels
//! need it, the figures and pages do not.

pub mod analysis;
pub mod config;
pub mod error;
pub mod experiments;
pub mod ml;
pub mod neuron;
pub mod par;
pub mod seed;
pub mod simd;

pub use error::{Error, Result};
