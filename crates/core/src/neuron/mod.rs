//! Neuron models and their integrators. Pure functions of their parameters: no I/O.

pub mod clock;
pub mod conductance;
pub mod connor_stevens;
pub mod gating;
pub mod hodgkin_huxley;
pub mod lif;
pub mod qif;
pub mod textbook;
