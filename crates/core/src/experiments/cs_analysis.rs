//! What the A-current does, computed: where the onset turns from type II to type I as g_A
//! grows, the square-root law at the standard model's SNIC, the numbers behind the mechanism
//! (time constants, latency against interspike interval, the currents at the fold), and the
//! branches of the bifurcation diagrams.

use super::connor_stevens::{Convention, CsCurve};
use super::onset::{self, SqrtLaw, TypeChange};
use crate::analysis::bifurcation::{
    self, CyclePoint, CycleSettings, Excitable, Fold, Hopf, OnsetBifurcation,
};
use crate::analysis::sim::{Chain, Sim, join_all};
use crate::config::CsConfig;
use crate::error::NumericalError;
use crate::neuron::conductance::{self, Method, RunSpec};
use crate::neuron::connor_stevens::ConnorStevens;

/// The model of a convention at a given g_A.
pub fn model_at(cfg: &CsConfig, convention: Convention, g_a: f64) -> ConnorStevens {
    let g_k = match convention {
        Convention::FixedGk => cfg.g_k,
        Convention::FixedTotal => ((cfg.g_total - g_a) * 1e9).round() / 1e9,
    };
    ConnorStevens::with_conductances(g_a, g_k)
}

/// A change of class between two g_A values of one convention.
#[derive(Debug, Clone, PartialEq)]
pub struct GaTypeChange {
    /// The convention.
    pub convention: Convention,
    /// Where the class changes (g_A in mS/cm²).
    pub change: TypeChange,
}

/// For each convention, every pair of neighbouring g_A values of the sweep whose classes
/// differ, bisected on g_A.
pub async fn type_changes(
    sim: &Sim<ConnorStevens, 6>,
    cfg: &CsConfig,
    curves: &[CsCurve],
    cycle: &CycleSettings,
) -> Result<Vec<GaTypeChange>, NumericalError> {
    let mut pairs = Vec::new();
    for convention in [Convention::FixedGk, Convention::FixedTotal] {
        let mut c: Vec<&CsCurve> = curves
            .iter()
            .filter(|c| c.convention == convention)
            .collect();
        c.sort_by(|a, b| a.g_a.total_cmp(&b.g_a));
        for w in c.windows(2) {
            if let (Some(a), Some(b)) = (w[0].onset.excitability, w[1].onset.excitability)
                && a != b
            {
                pairs.push((convention, w[0].g_a, w[1].g_a));
            }
        }
    }
    // The bisections are independent: their runs go on side by side.
    let bisections: Vec<Chain<'_, _>> = pairs
        .into_iter()
        .map(|(convention, lo, hi)| {
            let class = move |g_a: f64| async move {
                let m = model_at(cfg, convention, g_a);
                let Some(rest) = m.resting_state(0.0) else {
                    return Ok(None);
                };
                onset::classify_model(sim, &m, rest[0], &onset::SCAN, cycle).await
            };
            Box::pin(async move {
                Ok(onset::type_change(lo, hi, class)
                    .await?
                    .map(|change| GaTypeChange { convention, change }))
            }) as Chain<'_, Result<Option<GaTypeChange>, NumericalError>>
        })
        .collect();
    join_all(bisections)
        .await
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map(|v| v.into_iter().flatten().collect())
}

/// The subthreshold voltage range over which time constants are compared (mV).
pub const SUBTHRESHOLD_MV: (f64, f64) = (-80.0, -50.0);

/// The numbers behind the mechanism paragraph.
#[derive(Debug, Clone, PartialEq)]
pub struct Mechanism {
    /// Largest τ_b of the A-current's inactivation over [`SUBTHRESHOLD_MV`] (ms).
    pub tau_b_max_ms: f64,
    /// Largest τ_n of the delayed rectifier over the same range (ms).
    pub tau_n_max_ms: f64,
    /// Largest τ_a of the A-current's activation over the same range (ms).
    pub tau_a_max_ms: f64,
    /// The fold of the standard model, if it has one.
    pub fold: Option<Fold>,
    /// Leak, sodium, delayed-rectifier and A steady-state currents at the fold (µA/cm²).
    pub currents_at_fold: Option<[f64; 4]>,
    /// Their slopes dI/dV at the fold (µA/cm² per mV), which sum to zero there.
    pub slopes_at_fold: Option<[f64; 4]>,
    /// Whether the same model without the A-current (g_A = 0, same g_K) has a fold.
    pub fold_without_a: bool,
    /// First-spike latency against the steady interspike interval after a step from the
    /// I = 0 rest, at currents [`LATENCY_OFFSETS`] above the rheobase.
    pub latencies: Vec<Latency>,
}

/// Offsets above the rheobase at which latency and interspike interval are compared
/// (µA/cm²).
pub const LATENCY_OFFSETS: &[f64] = &[0.25, 0.5, 1.0, 2.0, 4.0];

/// First-spike latency and steady interspike interval at one current.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Latency {
    /// Current (µA/cm²).
    pub current: f64,
    /// Time of the first spike after the step (ms).
    pub latency_ms: f64,
    /// The last of four interspike intervals (ms).
    pub isi_ms: f64,
}

impl Mechanism {
    /// The A-current's inactivation is too fast to explain the delay: its largest time
    /// constant below threshold is under a fifth of the shortest first-spike latency measured.
    pub fn inactivation_too_fast_for_the_delay(&self) -> bool {
        let shortest = self
            .latencies
            .iter()
            .map(|l| l.latency_ms)
            .fold(f64::INFINITY, f64::min);
        !self.latencies.is_empty() && self.tau_b_max_ms < 0.2 * shortest
    }

    /// The delay is the low rate itself: at every current measured, the first-spike latency
    /// is between half and twice the steady interspike interval.
    pub fn latency_tracks_the_interval(&self) -> bool {
        !self.latencies.is_empty()
            && self
                .latencies
                .iter()
                .all(|l| (0.5..=2.0).contains(&(l.latency_ms / l.isi_ms)))
    }

    /// The A-current makes the fold: the model has one, the same model without the A-current
    /// has none, and at the fold the A-current's steady-state (window) current falls with V
    /// (negative slope), which is what cancels the positive slopes of leak and K.
    pub fn a_current_makes_the_fold(&self) -> bool {
        self.fold.is_some()
            && !self.fold_without_a
            && self.slopes_at_fold.is_some_and(|s| s[3] < 0.0)
    }
}

/// Computes [`Mechanism`] for `m`, whose rheobase is `rheobase`; runs are RK4 from the
/// nudged I = 0 rest with the cycle settings' step and threshold.
pub fn mechanism(
    m: &ConnorStevens,
    rheobase: f64,
    cycle: &CycleSettings,
) -> Result<Mechanism, NumericalError> {
    let mut rest = m.resting_state(0.0).ok_or_else(|| NumericalError {
        model: crate::neuron::conductance::Model::describe(m),
        parameters: "steady-state I-V curve at I = 0 (no root)".into(),
        when: "before the mechanism runs".into(),
        value: f64::NAN,
    })?;
    rest[0] += 0.01;
    let spec = RunSpec {
        method: Method::Rk4,
        dt_ms: cycle.dt_ms,
        duration_ms: 5000.0,
        threshold_mv: cycle.threshold_mv,
        stop_after_spikes: 5,
        transient_ms: 0.0,
        stop_at_rest: true,
    };
    let currents: Vec<f64> = LATENCY_OFFSETS.iter().map(|d| rheobase + d).collect();
    let latencies = conductance::run_all(m, rest, &currents, &spec, &|_| {})
        .into_iter()
        .zip(&currents)
        .map(|(t, &current)| {
            let t = t?;
            Ok((t.len() >= 5).then(|| Latency {
                current,
                latency_ms: t[0],
                isi_ms: t[4] - t[3],
            }))
        })
        .collect::<Result<Vec<_>, NumericalError>>()?
        .into_iter()
        .flatten()
        .collect();
    let (lo, hi) = SUBTHRESHOLD_MV;
    let n = ((hi - lo) / 0.1).round() as usize;
    let max_over = |f: &dyn Fn(f64) -> f64| {
        (0..=n)
            .map(|k| f(lo + k as f64 * 0.1))
            .fold(f64::NEG_INFINITY, f64::max)
    };
    let fold = bifurcation::folds(m, &onset::SCAN)
        .into_iter()
        .find(|f| f.is_maximum);
    let slope = |v: f64| -> [f64; 4] {
        let h = 1e-4;
        let (up, down) = (m.steady_components(v + h), m.steady_components(v - h));
        std::array::from_fn(|k| (up[k] - down[k]) / (2.0 * h))
    };
    let without = ConnorStevens::with_conductances(0.0, m.g_k);
    Ok(Mechanism {
        tau_b_max_ms: max_over(&|v| ConnorStevens::b(v).tau),
        tau_n_max_ms: max_over(&|v| ConnorStevens::n(v).tau),
        tau_a_max_ms: max_over(&|v| ConnorStevens::a(v).tau),
        fold,
        currents_at_fold: fold.map(|f| m.steady_components(f.v_mv)),
        slopes_at_fold: fold.map(|f| slope(f.v_mv)),
        fold_without_a: bifurcation::folds(&without, &onset::SCAN)
            .iter()
            .any(|f| f.is_maximum),
        latencies,
    })
}

/// One point of the rest branch in a diagram.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RestPoint {
    /// Current (µA/cm²).
    pub current: f64,
    /// Voltage (mV).
    pub v_mv: f64,
    /// Stable or not.
    pub stable: bool,
}

/// A bifurcation diagram: the rest branch with its stability, folds and Hopf points, and the
/// V range of the firing cycle followed down in current.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagram {
    /// A-type conductance (mS/cm²).
    pub g_a: f64,
    /// Delayed-rectifier conductance (mS/cm²).
    pub g_k: f64,
    /// The onset class.
    pub bifurcation: Option<OnsetBifurcation>,
    /// Rest branch over the diagram's current window.
    pub rest: Vec<RestPoint>,
    /// Folds in the window.
    pub folds: Vec<Fold>,
    /// Hopf points in the window.
    pub hopfs: Vec<Hopf>,
    /// The firing cycle, from the top current down to the lowest that sustains it.
    pub cycle: Vec<CyclePoint>,
    /// The diagram's current window (µA/cm²).
    pub window: (f64, f64),
}

/// Voltage step of the rest branch drawn in a diagram (mV).
const DIAGRAM_V_STEP: f64 = 0.1;
/// Step of the cycle continuation in a diagram (µA/cm²).
const DIAGRAM_I_STEP: f64 = 0.5;

/// The diagram of `curve`'s model over a window around its onset.
pub async fn diagram(
    sim: &Sim<ConnorStevens, 6>,
    curve: &CsCurve,
    tolerance: f64,
    cycle: &CycleSettings,
) -> Result<Diagram, NumericalError> {
    let m = ConnorStevens::with_conductances(curve.g_a, curve.g_k);
    let a = &curve.onset.analysis;
    let low = a.lowest_firing_current.unwrap_or(curve.onset.rheobase);
    let loss = a.loss.map_or(curve.onset.rheobase, |l| l.current());
    let window = (low.min(loss) - 4.0, low.max(loss) + 6.0);
    let n = ((onset::SCAN.v_hi - onset::SCAN.v_lo) / DIAGRAM_V_STEP).round() as usize;
    let rest = (0..=n)
        .map(|k| {
            let e = bifurcation::equilibrium(&m, onset::SCAN.v_lo + k as f64 * DIAGRAM_V_STEP)?;
            Ok(RestPoint {
                current: e.current,
                v_mv: e.v_mv,
                stable: e.stable(),
            })
        })
        .collect::<Result<Vec<_>, NumericalError>>()?
        .into_iter()
        .filter(|p| p.current >= window.0 && p.current <= window.1)
        .collect();
    let in_window = |i: f64| i >= window.0 && i <= window.1;
    let branch = bifurcation::follow_cycle_down(
        sim,
        &m,
        onset::nudged(&m, a.rest_mv),
        window.1,
        window.0,
        DIAGRAM_I_STEP,
        tolerance,
        cycle,
    )
    .await?;
    let mut cycle_points = branch.map(|b| b.points).unwrap_or_default();
    cycle_points.sort_by(|a, b| a.current.total_cmp(&b.current));
    Ok(Diagram {
        g_a: curve.g_a,
        g_k: curve.g_k,
        bifurcation: a.bifurcation(),
        rest,
        folds: bifurcation::folds(&m, &onset::SCAN)
            .into_iter()
            .filter(|f| in_window(f.current))
            .collect(),
        hopfs: bifurcation::hopfs(&m, &onset::SCAN)?
            .into_iter()
            .filter(|h| in_window(h.current))
            .collect(),
        cycle: cycle_points,
        window,
    })
}

/// The square-root law of `curve`'s model if its onset is a SNIC.
pub async fn snic_law(
    sim: &Sim<ConnorStevens, 6>,
    curve: &CsCurve,
    cycle: &CycleSettings,
) -> Result<Option<SqrtLaw>, NumericalError> {
    let a = &curve.onset.analysis;
    match (a.bifurcation(), a.onset_fold()) {
        (Some(OnsetBifurcation::Snic), Some(fold)) => {
            let m = ConnorStevens::with_conductances(curve.g_a, curve.g_k);
            onset::sqrt_law(sim, &m, fold.current, onset::nudged(&m, a.rest_mv), cycle).await
        }
        _ => Ok(None),
    }
}

/// Step of the up-and-down current staircase (µA/cm²).
pub const RAMP_STEP_UA: f64 = 0.5;
/// How far the staircase reaches beyond the bistable window on each side (µA/cm²).
pub const RAMP_MARGIN_UA: f64 = 3.0;

/// An up-and-down current staircase across a bistable window: the current is raised step by
/// step from rest and then lowered again, keeping the state; at each step the model settles
/// and its rate is measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Ramp {
    /// A-type conductance (mS/cm²).
    pub g_a: f64,
    /// Delayed-rectifier conductance (mS/cm²).
    pub g_k: f64,
    /// The bistable window from the analysis: lowest firing current and loss of rest.
    pub window: (f64, f64),
    /// Lowest and highest current of the staircase.
    pub range: (f64, f64),
    /// (current, rate in Hz) at each step on the way up.
    pub up: Vec<(f64, f64)>,
    /// The same on the way down.
    pub down: Vec<(f64, f64)>,
}

impl Ramp {
    /// The lowest current that fires on the way up, if any.
    pub fn up_onset(&self) -> Option<f64> {
        self.up.iter().find(|p| p.1 > 0.0).map(|p| p.0)
    }

    /// The lowest current that still fires on the way down, if any.
    pub fn down_offset(&self) -> Option<f64> {
        self.down.iter().rev().find(|p| p.1 > 0.0).map(|p| p.0)
    }

    /// Steps on the way up, above the loss of rest, that did not fire (the oscillation still
    /// growing out of the unstable rest).
    pub fn quiet_past_loss(&self) -> usize {
        self.up
            .iter()
            .filter(|p| p.0 > self.window.1 && p.1 <= 0.0)
            .count()
    }

    /// Hysteresis: on the way down the model fires at a lower current than any that fired on
    /// the way up.
    pub fn hysteresis(&self) -> bool {
        matches!((self.up_onset(), self.down_offset()), (Some(u), Some(d)) if d < u)
    }
}

/// Runs the staircase for `curve`'s model across its bistable window, if it has one, from
/// the rest state at the bottom.
pub async fn ramp(
    sim: &Sim<ConnorStevens, 6>,
    curve: &CsCurve,
    cycle: &CycleSettings,
) -> Result<Option<Ramp>, NumericalError> {
    let Some(window) = curve.onset.analysis.bistable_window() else {
        return Ok(None);
    };
    let m = ConnorStevens::with_conductances(curve.g_a, curve.g_k);
    let (lo, hi) = (window.0 - RAMP_MARGIN_UA, window.1 + RAMP_MARGIN_UA);
    let Some(v0) = bifurcation::lowest_rest(&m, lo, &onset::SCAN) else {
        return Ok(None);
    };
    let n = ((hi - lo) / RAMP_STEP_UA).ceil() as usize;
    let currents: Vec<f64> = (0..=n).map(|k| lo + k as f64 * RAMP_STEP_UA).collect();
    let mut state = m.steady_state(v0);
    // The staircase keeps the state: each step starts where the one before ended.
    let mut up = Vec::with_capacity(currents.len());
    let mut down = Vec::with_capacity(currents.len());
    for (k, &current) in currents
        .iter()
        .chain(currents.iter().rev().skip(1))
        .enumerate()
    {
        let settled = sim
            .track(
                &m,
                state,
                current,
                cycle.dt_ms,
                cycle.settle_ms,
                cycle.threshold_mv,
            )
            .await?;
        let measured = sim
            .track(
                &m,
                settled.state,
                current,
                cycle.dt_ms,
                cycle.measure_ms,
                cycle.threshold_mv,
            )
            .await?;
        state = measured.state;
        let n = measured.spikes_ms.len();
        let rate = if n >= 2 { measured.rate_hz(n - 1) } else { 0.0 };
        if k < currents.len() {
            up.push((current, rate));
        } else {
            down.push((current, rate));
        }
    }
    Ok(Some(Ramp {
        g_a: curve.g_a,
        g_k: curve.g_k,
        window,
        range: (lo, currents[n]),
        up,
        down,
    }))
}

/// The voltage window and step of the two-parameter diagram's slices (mV): the rest branch
/// where its folds and Hopf points lie, on a grid fine enough for the S.
pub const TWO_PARAMETER_SCAN: crate::analysis::bifurcation::Scan =
    crate::analysis::bifurcation::Scan {
        v_lo: -75.0,
        v_hi: -35.0,
        step: 0.1,
    };

/// Steps of g_A in the diagram (mS/cm²): coarse up to [`TWO_PARAMETER_FINE_FROM`], where the
/// lower rest's Hopf point is the onset whatever the convention, finer above it, where the
/// cusp and the fold jumps lie.
pub const TWO_PARAMETER_STEP: (f64, f64) = (5.0, 1.0);
/// See [`TWO_PARAMETER_STEP`] (mS/cm²).
pub const TWO_PARAMETER_FINE_FROM: f64 = 35.0;

/// The (g_A, I) diagram of a convention: g_A from 0 to 60 mS/cm² (or the largest the
/// convention allows), with the cusp and the crossing refined by bisection and added as
/// slices of their own.
pub fn two_parameter(
    cfg: &CsConfig,
    convention: Convention,
) -> Result<crate::analysis::two_parameter::Diagram, NumericalError> {
    use crate::analysis::two_parameter::{diagram, slice};
    let top = match convention {
        Convention::FixedGk => 60.0,
        Convention::FixedTotal => cfg.g_total.min(60.0),
    };
    let (coarse, fine) = TWO_PARAMETER_STEP;
    let mut ps: Vec<f64> = Vec::new();
    let mut p = 0.0;
    // Bounded: each turn adds at least the fine step, up to `top`.
    while p <= top {
        ps.push(p);
        p = ((p + if p < TWO_PARAMETER_FINE_FROM {
            coarse
        } else {
            fine
        }) * 1e9)
            .round()
            / 1e9;
    }
    let family = |g_a: f64| model_at(cfg, convention, g_a);
    let mut d = diagram(&family, &ps, &TWO_PARAMETER_SCAN)?;
    for p in [d.cusp, d.crossing].into_iter().flatten() {
        d.slices.push(slice(&family(p), p, &TWO_PARAMETER_SCAN)?);
    }
    d.slices.sort_by(|a, b| a.p.total_cmp(&b.p));
    Ok(d)
}
