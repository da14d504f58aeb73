//! Analysis of simulated curves: phase portraits, least-squares fits, equilibria and their
//! bifurcations, and the small linear algebra they need.

pub mod bifurcation;
pub mod fit;
pub mod linalg;
pub mod phase;
pub mod sim;
pub mod stats;
pub mod two_parameter;
pub mod walk;
