//! Analysis of simulated curves: phase portraits and least-squares fits.

pub mod bifurcation;
pub mod fit;
pub mod phase;
pub mod sim;
pub mod stats;
