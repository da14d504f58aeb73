//! The LIF F-I curve of brian2's `IF_curve_LIF` example, with the continuous-time rate.

use super::Meter;
use crate::config::Config;
use crate::config::budget::LIF_NS_PER_STEP;
use crate::neuron::lif::{self, LifRun};

/// Simulated and analytic LIF F-I curves.
#[derive(Debug, Clone, PartialEq)]
pub struct LifFiResult {
    /// The brian2-equivalent run.
    pub run: LifRun,
    /// Continuous-time rate at each neuron's input (Hz).
    pub analytic_rate_hz: Vec<f64>,
    /// Smallest simulated input that fired at least one spike (mV); `None` if none did.
    pub first_firing_v0_mv: Option<f64>,
    /// Largest |simulated − analytic| spike count over the neurons.
    pub max_spike_count_error: f64,
    /// Smallest and largest (simulated count − continuous-time count of the same finite run):
    /// what the time grid does.
    pub grid_effect: (i64, i64),
    /// Smallest and largest (continuous-time count of the finite run − rate × duration):
    /// what counting whole spikes in a run whose first interval has no refractory period
    /// does.
    pub finite_run_effect: (f64, f64),
    /// The large-input asymptote checked by simulation.
    pub far: FarInput,
}

/// A simulation far beyond the swept inputs, against the formula, to check an asymptote.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FarInput {
    /// The input (mV for the LIF, dimensionless for the QIF).
    pub v0: f64,
    /// Simulated rate (Hz).
    pub simulated_hz: f64,
    /// Rate of the formula (Hz).
    pub analytic_hz: f64,
    /// Length of the run (ms).
    pub duration_ms: f64,
}

/// How far beyond the largest swept input the asymptotes are checked.
pub const FAR_FACTOR: f64 = 20.0;

/// Simulates one LIF neuron at `FAR_FACTOR` times the largest input, as brian2 steps it, for
/// at least a second, and counts its spikes; the continuous-time count of the same run is the
/// reference (the rate formula, for a run this long, differs from it by under one spike).
pub fn far_input(cfg: &crate::config::LifConfig) -> FarInput {
    let mut one = cfg.clone();
    one.n_neurons = 2;
    one.v0_max_mv = FAR_FACTOR * cfg.v0_max_mv;
    one.duration_ms = cfg.duration_ms.max(1000.0);
    let run = lif::simulate(&one);
    let v0 = run.v0_mv[1];
    FarInput {
        v0,
        simulated_hz: run.rate_hz[1],
        analytic_hz: lif::analytic_rate_hz(&one, v0),
        duration_ms: one.duration_ms,
    }
}

/// Runs the LIF group and evaluates the analytic curve.
pub fn run(cfg: &Config, meter: Meter) -> LifFiResult {
    let steps = (cfg.lif.duration_ms / cfg.lif.dt_ms).ceil();
    let run = lif::simulate_observed(&cfg.lif, &|| meter(steps * LIF_NS_PER_STEP));
    let duration_s = cfg.lif.duration_ms / 1000.0;
    let analytic_rate_hz: Vec<f64> = run
        .v0_mv
        .iter()
        .map(|&v0| lif::analytic_rate_hz(&cfg.lif, v0))
        .collect();
    let first_firing_v0_mv = run
        .v0_mv
        .iter()
        .zip(&run.spike_count)
        .find(|(_, c)| **c > 0)
        .map(|(v, _)| *v);
    let max_spike_count_error = run
        .rate_hz
        .iter()
        .zip(&analytic_rate_hz)
        .map(|(s, a)| ((s - a) * duration_s).abs())
        .fold(0.0, f64::max);
    let mut grid_effect = (i64::MAX, i64::MIN);
    let mut finite_run_effect = (f64::INFINITY, f64::NEG_INFINITY);
    for (k, &v0) in run.v0_mv.iter().enumerate() {
        let exact = lif::continuous_count(&cfg.lif, v0);
        let g = run.spike_count[k] as i64 - exact as i64;
        let f = exact as f64 - analytic_rate_hz[k] * duration_s;
        grid_effect = (grid_effect.0.min(g), grid_effect.1.max(g));
        finite_run_effect = (finite_run_effect.0.min(f), finite_run_effect.1.max(f));
    }
    LifFiResult {
        far: far_input(&cfg.lif),
        grid_effect,
        finite_run_effect,
        run,
        analytic_rate_hz,
        first_firing_v0_mv,
        max_spike_count_error,
    }
}
