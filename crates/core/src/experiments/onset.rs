//! The onset of firing of a conductance-based model, from its bifurcations: the rest branch
//! (folds, Hopf points, stability at I = 0), how rest is lost, the class of the onset, the
//! lowest current that sustains firing, and the rheobase (the fold itself for a SNIC). Shared
//! by the Connor–Stevens sweep and brian2's Hodgkin–Huxley example.

use crate::analysis::bifurcation::{
    self, Classification, CycleSettings, Excitable, Fold, Hopf, OnsetBifurcation, RestLoss, Scan,
};
use crate::analysis::sim::{Sim, join};
use crate::analysis::walk::{self, Confirmation, FoldJump, Walk};
use crate::error::NumericalError;
use crate::neuron::conductance::{self, LaneModel, Method, RunSpec};

/// The voltage window of every rest-branch scan (mV), and its grid step.
pub const SCAN: Scan = Scan {
    v_lo: -100.0,
    v_hi: -20.0,
    step: 0.1,
};

/// How far below (and above) the current where rest is lost a cycle is probed (µA/cm²): a
/// bistable window narrower than this is not resolved.
pub const PROBE_UA: f64 = 0.02;

/// Current above the loss of rest at which the firing cycle is first reached (µA/cm²).
pub const ABOVE_UA: f64 = 1.0;

/// Step of the downward continuation of the firing cycle (µA/cm²).
pub const CONTINUATION_STEP_UA: f64 = 0.25;

/// Settling and measuring windows of every cycle probe (ms).
pub const SETTLE_MS: f64 = 200.0;
/// See [`SETTLE_MS`].
pub const MEASURE_MS: f64 = 600.0;

/// What the bifurcation analysis says about one model's onset.
#[derive(Debug, Clone, PartialEq)]
pub struct OnsetAnalysis {
    /// The I = 0 rest (mV): the lowest root of I_ss(V) = 0.
    pub rest_mv: f64,
    /// Whether that rest is stable (all eigenvalues of the Jacobian in the left half-plane).
    pub rest_stable: bool,
    /// Largest real part of the eigenvalues at the I = 0 rest (1/ms).
    pub rest_leading_per_ms: f64,
    /// The fold that ends the lower (rest) branch, if I_ss has one.
    pub fold: Option<Fold>,
    /// The Hopf point at which the followed rest loses stability, when the onset is one
    /// (Hopf points elsewhere on the branch, on stretches the state never rests on, do not
    /// matter for onset and are not kept).
    pub hopf: Option<Hopf>,
    /// Fold jumps of the state to another stable rest before the onset ([`walk::walk`]).
    pub jumps: Vec<FoldJump>,
    /// How rest is lost as the current rises: the event that ends the walk.
    pub loss: Option<RestLoss>,
    /// The class of the onset and its evidence.
    pub classification: Option<Classification>,
    /// The onset held to simulation on both sides ([`walk::confirm`]).
    pub confirmation: Option<Confirmation>,
    /// The lowest current that sustains firing, if found: for a SNIC the fold itself (the
    /// cycle is born there with an infinite period, so no window of finite length sees its
    /// lowest rates); otherwise the cycle followed down from above, firing at least twice in
    /// each measuring window (near a fold of cycles the period stays finite).
    pub lowest_firing_current: Option<f64>,
    /// Rate at that lowest current (Hz): 0 for a SNIC.
    pub lowest_firing_rate_hz: Option<f64>,
}

impl OnsetAnalysis {
    /// The onset bifurcation, if rest is lost in the scanned window.
    pub fn bifurcation(&self) -> Option<OnsetBifurcation> {
        self.classification.map(|c| c.bifurcation)
    }

    /// The fold at which firing starts, when the onset is at a fold.
    pub fn onset_fold(&self) -> Option<Fold> {
        match self.loss? {
            RestLoss::Fold(f) => Some(f),
            RestLoss::Hopf(_) => None,
        }
    }

    /// Rest and firing coexist: the firing cycle, followed down in current, still fires more
    /// than [`PROBE_UA`] below the current where rest is lost. Returns the window
    /// (lowest firing current, loss current) when they do.
    pub fn bistable_window(&self) -> Option<(f64, f64)> {
        let loss = self.loss?.current();
        let low = self.lowest_firing_current?;
        (low < loss - PROBE_UA).then_some((low, loss))
    }
}

/// The state at `v_mv` with steady gates, nudged up by 10 µV so an equilibrium that has lost
/// stability is left.
pub fn nudged<M: Excitable<N>, const N: usize>(m: &M, v_mv: f64) -> [f64; N] {
    let mut s = m.steady_state(v_mv);
    s[0] += 0.01;
    s
}

/// Analyses one model. `rest0` is the I = 0 rest voltage (mV), `rheobase` the step rheobase
/// (from which the cycle is followed down), `tolerance` the resolution of the continuation.
pub async fn analyse<M: Excitable<N>, const N: usize>(
    sim: &Sim<M, N>,
    m: &M,
    rest0_mv: f64,
    rheobase: f64,
    tolerance: f64,
    cycle: &CycleSettings,
) -> Result<OnsetAnalysis, NumericalError> {
    let rest = bifurcation::equilibrium(m, rest0_mv)?;
    let fold = bifurcation::folds(m, &SCAN)
        .into_iter()
        .find(|f| f.is_maximum);
    let onset = onset_of(sim, m, rest0_mv, &SCAN, cycle);
    // The firing cycle followed down from above the step rheobase, where a step from rest
    // reaches it; beside the classification's probes (independent of it).
    let top = rheobase + ABOVE_UA;
    let floor = top - 100.0;
    let firing = bifurcation::follow_cycle_down(
        sim,
        m,
        nudged(m, rest0_mv),
        top,
        floor,
        CONTINUATION_STEP_UA,
        tolerance,
        cycle,
    );
    let (onset, firing) = join(onset, firing).await;
    let ((walk, classification, confirmation), firing) = (onset?, firing?);
    let snic_fold = match (classification.map(|c| c.bifurcation), walk.loss) {
        (Some(OnsetBifurcation::Snic), Some(RestLoss::Fold(f))) => Some(f),
        _ => None,
    };
    let lowest = match snic_fold {
        Some(f) => Some((f.current, 0.0)),
        None => firing.as_ref().and_then(|f| {
            f.points
                .iter()
                .filter(|p| p.current <= f.lowest_current)
                .map(|p| (p.current, p.rate_hz))
                .next()
        }),
    };
    Ok(OnsetAnalysis {
        rest_mv: rest0_mv,
        rest_stable: rest.stable(),
        rest_leading_per_ms: rest.leading_real(),
        fold,
        hopf: match walk.loss {
            Some(RestLoss::Hopf(h)) => Some(h),
            _ => None,
        },
        jumps: walk.jumps,
        loss: walk.loss,
        classification,
        confirmation,
        lowest_firing_current: lowest.map(|l| l.0),
        lowest_firing_rate_hz: lowest.map(|l| l.1),
    })
}

/// Offsets above a SNIC's fold at which the rate is measured (current units).
pub const SQRT_LAW_OFFSETS: &[f64] = &[0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5];

/// The law is fitted on the offsets up to this (the normal form holds close to the fold;
/// farther away the time spent in the spike itself adds to the period).
pub const SQRT_LAW_FIT_MAX: f64 = 0.02;

/// Spikes per rate near a SNIC; the rate comes from the last three intervals.
const SQRT_LAW_SPIKES: usize = 5;

/// Longest run per rate near a SNIC (ms).
const SQRT_LAW_MAX_MS: f64 = 40_000.0;

/// The rate near a saddle-node on an invariant circle: f ≈ c·√(I − I_fold), so f² is linear
/// in I and vanishes at the fold.
#[derive(Debug, Clone, PartialEq)]
pub struct SqrtLaw {
    /// The fold current.
    pub fold_current: f64,
    /// Offsets I − I_fold.
    pub offsets: Vec<f64>,
    /// Rates at those offsets (Hz).
    pub rates_hz: Vec<f64>,
    /// Slope of log f against log (I − I_fold) over the offsets up to [`SQRT_LAW_FIT_MAX`]:
    /// 1/2 for the square-root law.
    pub exponent: f64,
    /// The same slope over every offset (the law bends farther from the fold).
    pub exponent_all: f64,
    /// Where the least-squares line through f² against I (offsets up to
    /// [`SQRT_LAW_FIT_MAX`]) crosses zero.
    pub intercept_current: f64,
    /// That line's slope (Hz² per current unit): c².
    pub slope_hz2: f64,
}

/// How far the fitted exponent may be from 1/2 for the square-root law to hold.
pub const SQRT_LAW_EXPONENT_TOLERANCE: f64 = 0.05;

impl SqrtLaw {
    /// The square-root law holds near the fold: the log-log slope close to the fold is within
    /// [`SQRT_LAW_EXPONENT_TOLERANCE`] of 1/2, and the line through f² meets zero within a
    /// tenth of the fitted range of the fold.
    pub fn holds(&self) -> bool {
        (self.exponent - 0.5).abs() < SQRT_LAW_EXPONENT_TOLERANCE
            && (self.intercept_current - self.fold_current).abs() < SQRT_LAW_FIT_MAX / 10.0
    }
}

/// Fewest firing offsets (up to [`SQRT_LAW_FIT_MAX`]) for a fit of the law.
const SQRT_LAW_MIN_POINTS: usize = 3;

/// Measures the rate at each of [`SQRT_LAW_OFFSETS`] above `fold` from `start` (a state from
/// which the model fires `ABOVE_UA` above the fold), and fits both forms of the law; `None`
/// when fewer than `SQRT_LAW_MIN_POINTS` offsets close to the fold fire (no fit to show).
pub async fn sqrt_law<M: LaneModel<N> + Copy, const N: usize>(
    sim: &Sim<M, N>,
    m: &M,
    fold: f64,
    start: [f64; N],
    c: &CycleSettings,
) -> Result<Option<SqrtLaw>, NumericalError> {
    let on_cycle = sim
        .track(
            m,
            start,
            fold + ABOVE_UA,
            c.dt_ms,
            c.settle_ms,
            c.threshold_mv,
        )
        .await?;
    // Independent runs, the longest ones (closest to the fold) tens of seconds of model time:
    // four at a time on the lane math, in parallel, collected in order.
    let spec = RunSpec {
        method: Method::Rk4,
        dt_ms: c.dt_ms,
        duration_ms: SQRT_LAW_MAX_MS,
        threshold_mv: c.threshold_mv,
        stop_after_spikes: SQRT_LAW_SPIKES,
        transient_ms: 0.0,
        stop_at_rest: true,
    };
    let currents: Vec<f64> = SQRT_LAW_OFFSETS.iter().map(|d| fold + d).collect();
    let rates_hz: Vec<f64> = conductance::run_all(m, on_cycle.state, &currents, &spec, &|_| {})
        .into_iter()
        .map(|t| {
            let t = t?;
            Ok(if t.len() >= SQRT_LAW_SPIKES {
                3000.0 / (t[t.len() - 1] - t[t.len() - 4])
            } else {
                0.0
            })
        })
        .collect::<Result<_, NumericalError>>()?;
    let firing: Vec<(f64, f64)> = SQRT_LAW_OFFSETS
        .iter()
        .zip(&rates_hz)
        .filter(|(_, r)| **r > 0.0)
        .map(|(d, r)| (*d, *r))
        .collect();
    let log_slope = |pts: &[(f64, f64)]| {
        let (log_d, log_f): (Vec<f64>, Vec<f64>) =
            pts.iter().map(|(d, r)| (d.ln(), r.ln())).unzip();
        bifurcation::line_fit(&log_d, &log_f).1
    };
    let near: Vec<(f64, f64)> = firing
        .iter()
        .copied()
        .filter(|(d, _)| *d <= SQRT_LAW_FIT_MAX)
        .collect();
    if near.len() < SQRT_LAW_MIN_POINTS {
        return Ok(None);
    }
    let exponent = log_slope(&near);
    let exponent_all = log_slope(&firing);
    let (currents, squares): (Vec<f64>, Vec<f64>) =
        near.iter().map(|(d, r)| (fold + d, r * r)).unzip();
    let (a, b) = bifurcation::line_fit(&currents, &squares);
    Ok(Some(SqrtLaw {
        fold_current: fold,
        offsets: SQRT_LAW_OFFSETS.to_vec(),
        rates_hz,
        exponent,
        exponent_all,
        intercept_current: -a / b,
        slope_hz2: b,
    }))
}

/// An onset found by the walk, classified and confirmed by simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct ClassifiedOnset {
    /// The walk to the onset.
    pub walk: Walk,
    /// Its class and the evidence.
    pub classification: Classification,
    /// The simulation on both sides of it.
    pub confirmation: Confirmation,
}

impl ClassifiedOnset {
    /// The onset bifurcation.
    pub fn bifurcation(&self) -> OnsetBifurcation {
        self.classification.bifurcation
    }
}

/// The onset class alone (the walk over `scan`, the cycle probes and the confirmation, no
/// continuation): what the bisection on g_A and the positive controls need. `None` when rest
/// is not lost in the scanned window.
pub async fn classify_model<M: Excitable<N>, const N: usize>(
    sim: &Sim<M, N>,
    m: &M,
    rest0_mv: f64,
    scan: &Scan,
    cycle: &CycleSettings,
) -> Result<Option<ClassifiedOnset>, NumericalError> {
    let (walk, classification, confirmation) = onset_of(sim, m, rest0_mv, scan, cycle).await?;
    Ok(classification
        .zip(confirmation)
        .map(|(classification, confirmation)| ClassifiedOnset {
            walk,
            classification,
            confirmation,
        }))
}

/// The walk to the onset ([`walk::walk`]), the cycle probe below it, its confirmation by
/// simulation, then its class. The confirmation's run above the event is long
/// ([`walk::CONFIRM_ABOVE_MS`]) past a fold, and at a Hopf point whose class rests on whether
/// full spikes start there (no cycle below); otherwise the settle and measure windows show
/// that rest is left.
async fn onset_of<M: Excitable<N>, const N: usize>(
    sim: &Sim<M, N>,
    m: &M,
    rest0_mv: f64,
    scan: &Scan,
    cycle: &CycleSettings,
) -> Result<(Walk, Option<Classification>, Option<Confirmation>), NumericalError> {
    let walk = walk::walk(sim, m, scan, PROBE_UA, cycle).await?;
    let Some(loss) = walk.loss else {
        return Ok((walk, None, None));
    };
    let cycle_below = bifurcation::cycle_below(
        sim,
        m,
        &loss,
        nudged(m, rest0_mv),
        ABOVE_UA,
        PROBE_UA,
        cycle,
    )
    .await?;
    let above_ms = match loss {
        RestLoss::Hopf(_) if cycle_below => cycle.settle_ms + cycle.measure_ms,
        _ => walk::CONFIRM_ABOVE_MS,
    };
    let Some(confirmation) = walk::confirm(sim, m, &walk, PROBE_UA, above_ms, cycle).await? else {
        return Ok((walk, None, None));
    };
    let classification = bifurcation::classify(
        &loss,
        cycle_below,
        confirmation.first_spike_above_ms.is_some(),
    );
    Ok((walk, Some(classification), Some(confirmation)))
}

/// Where, between two parameter values of different class, the onset turns from type II to
/// type I: bisection on the parameter with [`classify_model`], whose every class is held to
/// simulation on both sides of its onset ([`walk::confirm`]).
#[derive(Debug, Clone, PartialEq)]
pub struct TypeChange {
    /// Largest parameter value found type II.
    pub type_two_at: f64,
    /// Smallest parameter value found type I.
    pub type_one_at: f64,
    /// The onset at `type_two_at`.
    pub onset_type_two: ClassifiedOnset,
    /// The onset at `type_one_at`.
    pub onset_type_one: ClassifiedOnset,
}

impl TypeChange {
    /// The onsets below and above the change, in increasing parameter.
    pub fn below_above(&self) -> (&ClassifiedOnset, &ClassifiedOnset) {
        if self.type_two_at < self.type_one_at {
            (&self.onset_type_two, &self.onset_type_one)
        } else {
            (&self.onset_type_one, &self.onset_type_two)
        }
    }
}

/// Halvings of the bisection for a type change.
pub const TYPE_CHANGE_BISECTIONS: usize = 10;

/// Bisects `[lo, hi]` for the change of class; `class(p)` is the onset at parameter `p`.
/// `None` when both ends have the same type, or an end or midpoint has no onset.
pub async fn type_change<F: Future<Output = Result<Option<ClassifiedOnset>, NumericalError>>>(
    mut lo: f64,
    mut hi: f64,
    class: impl Fn(f64) -> F,
) -> Result<Option<TypeChange>, NumericalError> {
    let (c_lo, c_hi) = join(class(lo), class(hi)).await;
    let (Some(mut c_lo), Some(mut c_hi)) = (c_lo?, c_hi?) else {
        return Ok(None);
    };
    let type_one_lo = c_lo.bifurcation().is_type_one();
    if type_one_lo == c_hi.bifurcation().is_type_one() {
        return Ok(None);
    }
    for _ in 0..TYPE_CHANGE_BISECTIONS {
        let mid = 0.5 * (lo + hi);
        let Some(c) = class(mid).await? else {
            return Ok(None);
        };
        if c.bifurcation().is_type_one() == type_one_lo {
            (lo, c_lo) = (mid, c);
        } else {
            (hi, c_hi) = (mid, c);
        }
    }
    Ok(Some(if type_one_lo {
        TypeChange {
            type_two_at: hi,
            type_one_at: lo,
            onset_type_two: c_hi,
            onset_type_one: c_lo,
        }
    } else {
        TypeChange {
            type_two_at: lo,
            type_one_at: hi,
            onset_type_two: c_lo,
            onset_type_one: c_hi,
        }
    }))
}

/// The lowest current (within `tolerance`) at which a step from the I = 0 rest `rest0`
/// leads to sustained firing, by bisection in `[lo, hi]` (silent at `lo`, firing at `hi`).
pub async fn step_rheobase<M: LaneModel<N> + Copy, const N: usize>(
    sim: &Sim<M, N>,
    m: &M,
    rest0: [f64; N],
    mut lo: f64,
    mut hi: f64,
    tolerance: f64,
    c: &CycleSettings,
) -> Result<Option<(f64, f64)>, NumericalError> {
    let fires = |i: f64| bifurcation::sustained(sim, m, rest0, i, c);
    let Some(mut at_hi) = fires(hi).await? else {
        return Ok(None);
    };
    if fires(lo).await?.is_some() {
        return Ok(None);
    }
    for _ in 0..BISECTIONS_MAX {
        if hi - lo <= tolerance {
            break;
        }
        let mid = 0.5 * (lo + hi);
        match fires(mid).await? {
            Some(t) => {
                hi = mid;
                at_hi = t;
            }
            None => lo = mid,
        }
    }
    let n = at_hi.spikes_ms.len();
    Ok(Some((hi, at_hi.rate_hz((n - 1).min(4)))))
}

/// Most halvings of [`step_rheobase`].
const BISECTIONS_MAX: usize = 60;
