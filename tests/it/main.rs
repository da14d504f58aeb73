//! The integration tests, one binary (as cargo's own test suite has it): each module is a
//! subject, and they share one computation of the default results (`common`) and one link of
//! the library.

mod budget;
mod claims;
mod cli;
mod common;
mod finite_output;
mod grade;
mod limits;
mod output_safety;
mod properties;
mod report;
mod snapshots;
