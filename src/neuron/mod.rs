//! Neuron models and their integrators. Pure functions of their parameters: no I/O.

pub mod lif;
pub mod qif;
