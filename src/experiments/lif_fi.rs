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
        grid_effect,
        finite_run_effect,
        run,
        analytic_rate_hz,
        first_firing_v0_mv,
        max_spike_count_error,
    }
}
