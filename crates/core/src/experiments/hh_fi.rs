//! Homework 1.5, first half: brian2's `IF_curve_Hodgkin_Huxley` example stepped exactly as
//! brian2 steps it (exponential Euler at dt = 0.1 ms, spike on each upward crossing of
//! −40 mV), and the same model converged (RK4 at a small step), to show how far brian2's curve
//! is from the model's true F-I curve.

use super::onset::{self, OnsetAnalysis, SqrtLaw};
use crate::analysis::bifurcation::{self, CycleSettings, OnsetBifurcation};
use crate::analysis::sim::Sim;
use crate::config::HhConfig;
use crate::error::NumericalError;
use crate::neuron::conductance::{self, Method, RunSpec};
use crate::neuron::hodgkin_huxley::HodgkinHuxley;
use crate::par;

/// Threshold and refractory condition of the example (mV).
pub const THRESHOLD_MV: f64 = -40.0;

/// Both F-I curves, one entry per neuron.
#[derive(Debug, Clone, PartialEq)]
pub struct HhFiResult {
    /// Absolute input current of each neuron (nA).
    pub i_na: Vec<f64>,
    /// Input as a density (µA/cm²).
    pub i_ua_cm2: Vec<f64>,
    /// Spikes in the brian2-equivalent run.
    pub spike_count: Vec<u64>,
    /// Spike count / duration (Hz), as the example computes it.
    pub rate_hz: Vec<f64>,
    /// Spikes in the converged run.
    pub spike_count_converged: Vec<u64>,
    /// Converged spike count / duration (Hz).
    pub rate_converged_hz: Vec<f64>,
    /// The onset from the bifurcation analysis, in µA/cm² (RK4 at the converged step).
    pub onset: HhOnset,
}

/// The Hodgkin–Huxley example's onset, analysed as the Connor–Stevens models are.
#[derive(Debug, Clone, PartialEq)]
pub struct HhOnset {
    /// The analysis (currents in µA/cm²).
    pub analysis: OnsetAnalysis,
    /// The rheobase (µA/cm²): the fold for a SNIC, otherwise the step rheobase.
    pub rheobase_ua_cm2: f64,
    /// The rate at the rheobase (Hz): 0 for a SNIC.
    pub onset_rate_hz: f64,
    /// The square-root law, for a SNIC.
    pub sqrt_law: Option<SqrtLaw>,
    /// µA/cm² per nA for this membrane (1/area in cm², /1000).
    pub ua_cm2_per_na: f64,
}

/// Resolution of the Hodgkin–Huxley rheobase and continuation (µA/cm²).
pub const HH_TOLERANCE_UA: f64 = 0.001;

/// The onset analysis of the example's model.
fn hh_onset(
    cfg: &HhConfig,
    model: &HodgkinHuxley,
    meter: super::Meter,
) -> Result<HhOnset, NumericalError> {
    let sim = Sim::new();
    sim.run_one_metered(hh_onset_in(&sim, cfg, model), &|steps| {
        meter(steps as f64 * crate::config::budget::HH_ONSET_NS_PER_STEP)
    })
}

/// [`hh_onset`], its runs in `sim`'s lanes.
async fn hh_onset_in(
    sim: &Sim<HodgkinHuxley, 4>,
    cfg: &HhConfig,
    model: &HodgkinHuxley,
) -> Result<HhOnset, NumericalError> {
    let cycle = CycleSettings {
        dt_ms: cfg.dt_converged_ms,
        threshold_mv: THRESHOLD_MV,
        settle_ms: onset::SETTLE_MS,
        measure_ms: onset::MEASURE_MS,
    };
    let no_rest = || NumericalError {
        model: conductance::Model::describe(model),
        parameters: "steady-state I-V curve at I = 0 (no root)".into(),
        when: "before the onset analysis".into(),
        value: f64::NAN,
    };
    let rest_mv = bifurcation::lowest_rest(model, 0.0, &onset::SCAN).ok_or_else(no_rest)?;
    let rest = onset::nudged(model, rest_mv);
    let branch = bifurcation::rest_branch(model, &onset::SCAN)?;
    let loss = branch.loss.map_or(0.0, |l| l.current());
    let (step_rheobase, step_rate) = onset::step_rheobase(
        sim,
        model,
        rest,
        loss - 1.0,
        loss + onset::ABOVE_UA,
        HH_TOLERANCE_UA,
        &cycle,
    )
    .await?
    .ok_or_else(|| NumericalError {
        model: conductance::Model::describe(model),
        parameters: format!(
            "no step rheobase between {} and {} uA/cm^2 (silent below, firing above)",
            loss - 1.0,
            loss + onset::ABOVE_UA
        ),
        when: "during the onset analysis".into(),
        value: loss,
    })?;
    let analysis =
        onset::analyse(sim, model, rest_mv, step_rheobase, HH_TOLERANCE_UA, &cycle).await?;
    let (rheobase_ua_cm2, onset_rate_hz, sqrt_law) =
        match (analysis.bifurcation(), analysis.onset_fold()) {
            (Some(OnsetBifurcation::Snic), Some(fold)) => (
                fold.current,
                0.0,
                onset::sqrt_law(sim, model, fold.current, rest, &cycle).await?,
            ),
            _ => (step_rheobase, step_rate, None),
        };
    Ok(HhOnset {
        analysis,
        rheobase_ua_cm2,
        onset_rate_hz,
        sqrt_law,
        ua_cm2_per_na: 1e-3 / (cfg.area_um2 * 1e-8),
    })
}

impl HhFiResult {
    /// Largest relative shortfall of the dt = 0.1 ms rate against the converged one.
    pub fn max_undercount(&self) -> (f64, usize) {
        self.rate_hz
            .iter()
            .zip(&self.rate_converged_hz)
            .enumerate()
            .filter(|(_, (_, c))| **c > 0.0)
            .map(|(i, (r, c))| ((c - r) / c, i))
            .fold((0.0, 0), |best, x| if x.0 > best.0 { x } else { best })
    }
}

/// Runs both versions of the example.
pub fn run(cfg: &HhConfig, meter: super::Meter) -> Result<HhFiResult, NumericalError> {
    use crate::config::budget::{HH_EXP_EULER_NS_PER_STEP, HH_RK4_NS_PER_STEP};
    let neuron_ns = (cfg.duration_ms / cfg.dt_ms).ceil() * HH_EXP_EULER_NS_PER_STEP
        + (cfg.duration_ms / cfg.dt_converged_ms).ceil() * HH_RK4_NS_PER_STEP;
    let model = HodgkinHuxley::default();
    let area_cm2 = cfg.area_um2 * 1e-8;
    let i_na: Vec<f64> = (0..cfg.n_neurons)
        .map(|i| cfg.i_max_na * i as f64 / cfg.n_neurons as f64)
        .collect();
    // nA → µA, divided by the area.
    let i_ua_cm2: Vec<f64> = i_na.iter().map(|i| i * 1e-3 / area_cm2).collect();
    let spec = |method, dt_ms| RunSpec {
        method,
        dt_ms,
        duration_ms: cfg.duration_ms,
        threshold_mv: THRESHOLD_MV,
        stop_after_spikes: 0,
        transient_ms: 0.0,
        stop_at_rest: false,
    };
    let brian2 = spec(Method::ExponentialEuler, cfg.dt_ms);
    let converged = spec(Method::Rk4, cfg.dt_converged_ms);
    let init = model.brian2_initial_state();
    // brian2's runs one neuron at a time with the C library's exp, so that every count
    // matches brian2's; the converged runs four at a time on the lane math.
    let (brian2_counts, converged_counts) = par::join(
        || {
            par::map(&i_ua_cm2, |&i| {
                Ok(conductance::run(&model, init, i, &brian2)?.len() as u64)
            })
            .into_iter()
            .collect::<Result<Vec<u64>, NumericalError>>()
        },
        || {
            conductance::run_all(&model, init, &i_ua_cm2, &converged, &|n| {
                meter(n as f64 * neuron_ns)
            })
            .into_iter()
            .map(|r| Ok(r?.len() as u64))
            .collect::<Result<Vec<u64>, NumericalError>>()
        },
    );
    let (spike_count, spike_count_converged): (Vec<u64>, Vec<u64>) =
        (brian2_counts?, converged_counts?);
    let seconds = cfg.duration_ms / 1000.0;
    Ok(HhFiResult {
        rate_hz: spike_count.iter().map(|&c| c as f64 / seconds).collect(),
        rate_converged_hz: spike_count_converged
            .iter()
            .map(|&c| c as f64 / seconds)
            .collect(),
        spike_count,
        spike_count_converged,
        i_na,
        i_ua_cm2,
        onset: hh_onset(cfg, &model, meter)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spike_counts_equal_brian2_for_every_neuron() {
        let cfg = HhConfig {
            dt_converged_ms: 0.05,
            ..Default::default()
        };
        let r = run(&cfg, &|_| {}).unwrap();
        let reference: Vec<u64> = include_str!("../../tests/reference/brian2_hh_counts.txt")
            .lines()
            .map(|l| l.trim().parse().unwrap())
            .collect();
        let differing: Vec<usize> = (0..reference.len())
            .filter(|&i| r.spike_count[i] != reference[i])
            .collect();
        assert!(
            differing.is_empty(),
            "neurons differing from brian2: {differing:?}"
        );
    }

    #[test]
    fn a_blow_up_is_an_error_naming_model_input_and_time() {
        // RK4 is unstable at dt = 0.1 ms for this model: V runs away within a few ms.
        let cfg = HhConfig {
            dt_converged_ms: 0.1,
            ..Default::default()
        };
        let err = run(&cfg, &|_| {}).unwrap_err().to_string();
        assert!(
            err.starts_with("numerical blow-up in Hodgkin-Huxley (brian2 example) at I = "),
            "{err}"
        );
        assert!(err.contains("RK4 at dt = 0.1 ms, t = "), "{err}");
    }

    #[test]
    fn converged_counts_do_not_change_when_the_step_is_halved() {
        let model = HodgkinHuxley::default();
        let at = |dt_ms| RunSpec {
            method: Method::Rk4,
            dt_ms,
            duration_ms: 2000.0,
            threshold_mv: THRESHOLD_MV,
            stop_after_spikes: 0,
            transient_ms: 0.0,
            stop_at_rest: false,
        };
        // Every one of the example's 100 currents, not a sample: the claim in the text is
        // about the whole curve.
        let cfg = HhConfig::default();
        let area_cm2 = cfg.area_um2 * 1e-8;
        let differing: Vec<(f64, usize, usize)> = par::map_range(cfg.n_neurons, |k| {
            let i = cfg.i_max_na * k as f64 / cfg.n_neurons as f64 * 1e-3 / area_cm2;
            // The lane path, as the report's converged curve is run.
            let run = |dt| {
                conductance::run_lanes(&model, model.brian2_initial_state(), &[i], &at(dt))
                    .remove(0)
                    .unwrap()
                    .len()
            };
            let (a, b) = (run(cfg.dt_converged_ms), run(cfg.dt_converged_ms / 2.0));
            (a != b).then_some((i, a, b))
        })
        .into_iter()
        .flatten()
        .collect();
        assert!(differing.is_empty(), "counts change at {differing:?}");
    }
}
