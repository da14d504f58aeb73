//! Homework 1.1: phase portraits of τV̇ against V for LIF and QIF at several inputs.

use crate::analysis::phase::{self, FixedPoint};
use crate::config::Config;

/// One curve τV̇ = g(V) of a portrait, at one input.
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseCurve {
    /// The input V0 (mV for LIF, dimensionless for QIF).
    pub v0: f64,
    /// Fixed points of the flow.
    pub fixed_points: Vec<FixedPoint>,
    /// Whether a neuron reset to V_r fires repetitively at this input.
    pub fires: bool,
}

/// Both portraits.
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseResult {
    /// LIF curves, τV̇ = V0 − V (mV).
    pub lif: Vec<PhaseCurve>,
    /// LIF threshold (mV).
    pub lif_threshold_mv: f64,
    /// LIF reset (mV).
    pub lif_reset_mv: f64,
    /// QIF curves, τV̇ = V0 + V².
    pub qif: Vec<PhaseCurve>,
    /// QIF threshold.
    pub qif_threshold: f64,
    /// QIF reset.
    pub qif_reset: f64,
}

/// Computes the fixed points and firing verdicts for every configured input.
pub fn run(cfg: &Config) -> PhaseResult {
    let lif = cfg
        .phase
        .lif_v0_mv
        .iter()
        .map(|&v0| PhaseCurve {
            v0,
            fixed_points: phase::lif_fixed_points(v0),
            fires: phase::lif_fires(v0, cfg.lif.v_threshold_mv),
        })
        .collect();
    let qif = cfg
        .phase
        .qif_v0
        .iter()
        .map(|&v0| PhaseCurve {
            v0,
            fixed_points: phase::qif_fixed_points(v0),
            fires: phase::qif_fires(v0, cfg.qif.v_reset),
        })
        .collect();
    PhaseResult {
        lif,
        lif_threshold_mv: cfg.lif.v_threshold_mv,
        lif_reset_mv: cfg.lif.v_reset_mv,
        qif,
        qif_threshold: cfg.qif.v_threshold,
        qif_reset: cfg.qif.v_reset,
    }
}
