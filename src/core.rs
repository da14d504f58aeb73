//! The science of neuroreport, compiled as the crate `neuroreport_core` (manifest in
//! `core/Cargo.toml`): the checked configuration, the models, the analyses, the network and
//! the experiments that turn a configuration into [`experiments::Results`]. The crate
//! `neuroreport` re-exports every module under the same path and adds the figures, the
//! rendering and the writer.
//!
//! It is a crate of its own for the build, not for the reader: its kernels need the release
//! profile's full optimisation, the figures and pages do not (`Cargo.toml`), and it can start
//! compiling before the template, Markdown and plotting crates are built.

#![warn(missing_docs)]
#![deny(clippy::float_cmp)]

pub mod analysis;
pub mod config;
pub mod error;
pub mod experiments;
pub mod ml;
pub mod neuron;
pub mod par;
pub mod seed;
pub mod sha256;
pub mod simd;

pub use error::{Error, Result};
