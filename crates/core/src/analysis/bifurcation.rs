//! Bifurcation analysis of conductance-based models, as XPPAUT/AUTO or MatCont would do it
//! for a one-parameter family (the input current I), for any [`Excitable`] model.
//!
//! - **Rest branch.** With every gate at its steady state, V is an equilibrium exactly when
//!   I = I_ss(V), the steady-state current: the branch is parametrised by V. Its folds are the
//!   roots of dI_ss/dV (located by bisection on a sign change of the slope), and the stability
//!   of each point comes from the eigenvalues of the full Jacobian (central differences,
//!   checked against the analytic I_ss slope by a test: det J = 0 exactly at a fold).
//! - **Hopf points**: where the real part of a complex pair of eigenvalues crosses zero along
//!   the branch, located by bisection.
//! - **How rest is lost**: following the branch up from hyperpolarised voltages, the first
//!   loss of stability is either the fold ending the lower branch (a saddle-node) or a Hopf
//!   point before it.
//! - **Firing branch**: the limit cycle is followed down in current by simulation, keeping the
//!   state (start on the cycle, lower I in steps, then bisect), to the lowest current that
//!   sustains firing. Whether a firing cycle survives a little below the current where rest
//!   is lost decides the class (Izhikevich, *Dynamical Systems in Neuroscience*, ch. 7): a
//!   saddle-node with no coexisting cycle is a saddle-node on the invariant circle (SNIC,
//!   type I); with a coexisting cycle it is off the invariant circle (type II); a Hopf point
//!   is subcritical when a cycle coexists with the stable rest below it, supercritical when
//!   not (both type II).
//!
//! Everything here is pure: models in, numbers out. Every loop has a bound. The functions
//! that simulate are `async`: they await their runs from a [`Sim`], which steps the runs of
//! many such chains together in vector lanes (each run with the bits it gets alone), so an
//! analysis of many models costs a fraction of one model after another.

use crate::analysis::linalg::{self, Square};
use crate::analysis::sim::Sim;
use crate::error::NumericalError;
use crate::neuron::conductance::{self, LaneModel, Model, V_BOUND_MV, settled_at_rest};
use crate::simd::Isa;

/// A model whose gates have voltage-dependent steady states, so its equilibria form a curve
/// parametrised by V.
pub trait Excitable<const N: usize>: LaneModel<N> + Copy {
    /// The state at membrane potential `v_mv` with every gate at its steady state.
    fn steady_state(&self, v_mv: f64) -> [f64; N];
}

/// The steady-state current I_ss(V): the constant input for which V (with steady gates) is an
/// equilibrium. Taken from the model's own right-hand side, which is affine in the input.
pub fn steady_current<M: Excitable<N>, const N: usize>(m: &M, v_mv: f64) -> f64 {
    let s = m.steady_state(v_mv);
    let d0 = m.derivative(&s, 0.0)[0];
    let d1 = m.derivative(&s, 1.0)[0];
    -d0 / (d1 - d0)
}

/// Step of the central difference for dI_ss/dV (mV).
const SLOPE_STEP_MV: f64 = 1e-4;

/// dI_ss/dV by a central difference (µA/cm² per mV).
pub fn steady_slope<M: Excitable<N>, const N: usize>(m: &M, v_mv: f64) -> f64 {
    (steady_current(m, v_mv + SLOPE_STEP_MV) - steady_current(m, v_mv - SLOPE_STEP_MV))
        / (2.0 * SLOPE_STEP_MV)
}

/// The Jacobian of the right-hand side at state `s` and input `input` (central differences:
/// 1e-5 mV for V, 1e-7 for gates).
pub fn jacobian<M: Model<N>, const N: usize>(m: &M, s: &[f64; N], input: f64) -> Square {
    conductance::central_jacobian(m, s, input, |col| if col == 0 { 1e-5 } else { 1e-7 })
}

/// An imaginary part below this (per ms) is a real eigenvalue.
const REAL_TOLERANCE: f64 = 1e-9;

/// One point of the rest branch.
#[derive(Debug, Clone, PartialEq)]
pub struct Equilibrium {
    /// Membrane potential (mV).
    pub v_mv: f64,
    /// The input current that makes it an equilibrium (the model's current units).
    pub current: f64,
    /// Eigenvalues of the Jacobian, (real, imaginary) per ms, sorted by real part, largest
    /// first.
    pub eigenvalues: Vec<(f64, f64)>,
}

impl Equilibrium {
    /// The largest real part of the eigenvalues (per ms).
    pub fn leading_real(&self) -> f64 {
        self.eigenvalues[0].0
    }

    /// Stable: every eigenvalue has a negative real part.
    pub fn stable(&self) -> bool {
        self.leading_real() < 0.0
    }

    /// Real part of the leading complex pair, if there is one.
    pub fn complex_pair_real(&self) -> Option<f64> {
        self.eigenvalues
            .iter()
            .find(|e| e.1.abs() > REAL_TOLERANCE)
            .map(|e| e.0)
    }
}

/// The equilibrium at `v_mv` with its eigenvalues. Where they cannot be computed (a Jacobian
/// with a NaN or infinite entry, or a Schur iteration that does not converge within its
/// bound) it is an error naming the model, the voltage and the current: a Hopf point is never
/// skipped without a word.
pub fn equilibrium<M: Excitable<N>, const N: usize>(
    m: &M,
    v_mv: f64,
) -> Result<Equilibrium, NumericalError> {
    let current = steady_current(m, v_mv);
    let s = m.steady_state(v_mv);
    let mut eigenvalues =
        linalg::eigenvalues(&jacobian(m, &s, current)).map_err(|e| NumericalError {
            model: m.describe(),
            parameters: format!("the equilibrium at V = {v_mv} mV, I = {current}"),
            when: format!("in the eigenvalues of its Jacobian: {e}"),
            value: current,
        })?;
    eigenvalues.sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.total_cmp(&a.1)));
    Ok(Equilibrium {
        v_mv,
        current,
        eigenvalues,
    })
}

/// The voltage window the branch is scanned over (mV) and the scan step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scan {
    /// Lowest voltage (mV).
    pub v_lo: f64,
    /// Highest voltage (mV).
    pub v_hi: f64,
    /// Grid step of the scan (mV); roots are then refined far below it.
    pub step: f64,
}

impl Scan {
    pub(crate) fn grid(&self) -> impl Iterator<Item = f64> + '_ {
        let n = ((self.v_hi - self.v_lo) / self.step).ceil() as usize;
        (0..=n).map(move |k| (self.v_lo + k as f64 * self.step).min(self.v_hi))
    }
}

/// Halvings of every bisection here: from a scan interval of 0.1 mV to below 1e-12 mV.
const BISECTIONS: usize = 60;

/// Bisection for a sign change of `f` on [lo, hi] (f(lo) and f(hi) of opposite signs).
pub(crate) fn bisect(f: impl Fn(f64) -> f64, mut lo: f64, mut hi: f64) -> f64 {
    let f_lo = f(lo);
    for _ in 0..BISECTIONS {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if (f(mid) > 0.0) == (f_lo > 0.0) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// A fold of the rest branch: dI_ss/dV = 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Fold {
    /// Voltage of the fold (mV).
    pub v_mv: f64,
    /// Current of the fold.
    pub current: f64,
    /// True at a local maximum of I_ss (the lower branch ends there as I rises).
    pub is_maximum: bool,
}

/// Every fold of I_ss in the scan window, by increasing V.
pub fn folds<M: Excitable<N>, const N: usize>(m: &M, scan: &Scan) -> Vec<Fold> {
    let grid: Vec<f64> = scan.grid().collect();
    let slopes: Vec<f64> = grid.iter().map(|&v| steady_slope(m, v)).collect();
    let mut out = Vec::new();
    for k in 1..grid.len() {
        if (slopes[k - 1] > 0.0) != (slopes[k] > 0.0) {
            let v = bisect(|v| steady_slope(m, v), grid[k - 1], grid[k]);
            out.push(Fold {
                v_mv: v,
                current: steady_current(m, v),
                is_maximum: slopes[k - 1] > 0.0,
            });
        }
    }
    out
}

/// A Hopf point of the rest branch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hopf {
    /// Voltage (mV).
    pub v_mv: f64,
    /// Current.
    pub current: f64,
    /// Angular frequency of the crossing pair (rad/ms).
    pub omega_per_ms: f64,
}

/// Every Hopf point in the scan window, by increasing V: sign changes of the real part of the
/// leading complex pair, refined by bisection while the pair stays complex.
pub fn hopfs<M: Excitable<N>, const N: usize>(
    m: &M,
    scan: &Scan,
) -> Result<Vec<Hopf>, NumericalError> {
    hopf_points(m, scan, usize::MAX)
}

/// The first `most` points of [`hopfs`]: each grid point's eigenvalues are computed only when
/// the scan reaches it, so a branch's first Hopf point costs the scan up to it, not the
/// window's.
fn hopf_points<M: Excitable<N>, const N: usize>(
    m: &M,
    scan: &Scan,
    most: usize,
) -> Result<Vec<Hopf>, NumericalError> {
    let pair_real = |v: f64| equilibrium(m, v).map(|e| e.complex_pair_real());
    let mut out = Vec::new();
    let mut grid = scan.grid();
    let Some(first) = grid.next() else {
        return Ok(out);
    };
    let mut prev = (first, pair_real(first)?);
    for v_next in grid {
        if out.len() >= most {
            break;
        }
        let re_next = pair_real(v_next)?;
        let (lo, re_lo) = std::mem::replace(&mut prev, (v_next, re_next));
        let (Some(a), Some(b)) = (re_lo, re_next) else {
            continue;
        };
        if (a > 0.0) == (b > 0.0) {
            continue;
        }
        // Bisection on the pair's real part; a point where the pair turned real is treated as
        // the sign of the end it came from, so the bracket always keeps a complex pair. The
        // first failure of an eigenvalue computation inside it is kept and returned.
        let failure = std::cell::RefCell::new(None);
        let f = |v: f64| match pair_real(v) {
            Ok(re) => re.unwrap_or(a),
            Err(e) => {
                failure.borrow_mut().get_or_insert(e);
                a
            }
        };
        let v = bisect(f, lo, v_next);
        if let Some(e) = failure.into_inner() {
            return Err(e);
        }
        let e = equilibrium(m, v)?;
        let Some(pair) = e
            .eigenvalues
            .iter()
            .find(|z| z.1.abs() > REAL_TOLERANCE)
            .filter(|pair| pair.0.abs() < 1e-6)
        else {
            continue;
        };
        out.push(Hopf {
            v_mv: v,
            current: e.current,
            omega_per_ms: pair.1.abs(),
        });
    }
    Ok(out)
}

/// The lowest voltage in the scan window at which the model is at rest under `input`: the
/// first upward zero of I_ss(V) − input, refined by bisection.
pub fn lowest_rest<M: Excitable<N>, const N: usize>(m: &M, input: f64, scan: &Scan) -> Option<f64> {
    let grid: Vec<f64> = scan.grid().collect();
    let f = |v: f64| steady_current(m, v) - input;
    grid.windows(2)
        .find(|w| f(w[0]) <= 0.0 && f(w[1]) > 0.0)
        .map(|w| bisect(f, w[0], w[1]))
}

/// How rest is lost as the current rises along the lower branch.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RestLoss {
    /// At the fold that ends the lower branch (a saddle-node of equilibria).
    Fold(Fold),
    /// At a Hopf point before that fold.
    Hopf(Hopf),
}

impl RestLoss {
    /// The current at which rest is lost.
    pub fn current(&self) -> f64 {
        match self {
            RestLoss::Fold(f) => f.current,
            RestLoss::Hopf(h) => h.current,
        }
    }
}

/// The rest branch's bifurcations in the scan window.
#[derive(Debug, Clone, PartialEq)]
pub struct RestBranch {
    /// Folds, by increasing V.
    pub folds: Vec<Fold>,
    /// The Hopf point of lowest V (the first of [`hopfs`]).
    pub first_hopf: Option<Hopf>,
    /// The first loss of stability of the lower branch; `None` when the branch never loses
    /// stability in the window.
    pub loss: Option<RestLoss>,
}

/// Folds, Hopf points and how rest is lost. The lower branch starts at the bottom of the scan
/// window (it must be stable there) and ends at the first local maximum of I_ss.
pub fn rest_branch<M: Excitable<N>, const N: usize>(
    m: &M,
    scan: &Scan,
) -> Result<RestBranch, NumericalError> {
    let folds = folds(m, scan);
    // Only the first Hopf point matters (the loss is at it when it comes before the fold), so
    // the scan of eigenvalues stops there: the same grid and bisection as a full scan.
    let first_hopf = hopf_points(m, scan, 1)?.first().copied();
    let first_max = folds.iter().find(|f| f.is_maximum).copied();
    let end = first_max.map_or(scan.v_hi, |f| f.v_mv);
    let loss = match first_hopf.filter(|h| h.v_mv < end) {
        Some(h) => Some(RestLoss::Hopf(h)),
        None => first_max.map(RestLoss::Fold),
    };
    Ok(RestBranch {
        folds,
        first_hopf,
        loss,
    })
}

/// What a simulation from a given state did.
#[derive(Debug, Clone, PartialEq)]
pub struct Track<const N: usize> {
    /// Spike times (ms), upward crossings of the threshold, interpolated.
    pub spikes_ms: Vec<f64>,
    /// The final state.
    pub state: [f64; N],
    /// Lowest and highest V over the last interspike interval (or the whole run without two
    /// spikes), mV.
    pub v_range_mv: (f64, f64),
    /// The run ended early, settled on a stable equilibrium
    /// ([`conductance::settled_at_rest`]).
    pub settled: bool,
}

impl<const N: usize> Track<N> {
    /// Rate from the last `k` interspike intervals (Hz), 0 with fewer than k + 1 spikes.
    pub fn rate_hz(&self, k: usize) -> f64 {
        let n = self.spikes_ms.len();
        if n < k + 1 {
            return 0.0;
        }
        1000.0 * k as f64 / (self.spikes_ms[n - 1] - self.spikes_ms[n - 1 - k])
    }
}

/// How the firing branch is followed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CycleSettings {
    /// RK4 step (ms).
    pub dt_ms: f64,
    /// Spike threshold (mV).
    pub threshold_mv: f64,
    /// Time to settle after each change of current (ms).
    pub settle_ms: f64,
    /// Time after settling in which firing must go on (ms): at least two spikes in it.
    pub measure_ms: f64,
}

/// Simulates from `state` under `input` for `duration_ms` with RK4, recording spikes and the
/// V range over the last interspike interval. Stepped with the lane math
/// ([`conductance::rk4_step_packed`]), AVX2 where the processor has it: each step is bit for
/// bit a step of [`conductance::run_lanes`].
pub fn track<M: LaneModel<N>, const N: usize>(
    m: &M,
    state: [f64; N],
    input: f64,
    dt_ms: f64,
    duration_ms: f64,
    threshold_mv: f64,
) -> Result<Track<N>, NumericalError> {
    crate::multiversion!(
        Isa::detect(),
        track_body(m, state, input, dt_ms, duration_ms, threshold_mv)
    )
}

#[inline(always)]
fn track_body<M: LaneModel<N>, const N: usize>(
    m: &M,
    state: [f64; N],
    input: f64,
    dt_ms: f64,
    duration_ms: f64,
    threshold_mv: f64,
) -> Result<Track<N>, NumericalError> {
    let mut s = state;
    let mut t = Tracker::new(&s, input, dt_ms, steps_of(duration_ms, dt_ms), threshold_mv);
    t.run_packed(m, &mut s)?;
    Ok(t.finish(s))
}

/// The steps of a [`track`] of `duration_ms`.
pub(crate) fn steps_of(duration_ms: f64, dt_ms: f64) -> usize {
    (duration_ms / dt_ms).round() as usize
}

/// The bookkeeping of one [`track`] as its neuron is stepped (alone, or in a lane of
/// [`crate::analysis::sim::Sim`]): spikes, the V range, the end of the run.
#[derive(Debug, Clone)]
pub(crate) struct Tracker {
    input: f64,
    dt_ms: f64,
    threshold_mv: f64,
    steps: usize,
    step: usize,
    settled: bool,
    spikes: Vec<f64>,
    armed: bool,
    lo: f64,
    hi: f64,
    last_range: (f64, f64),
    /// Ends the run at the n-th spike at or after a time (ms), as [`RunSpec`] does with
    /// `stop_after_spikes` and `transient_ms`.
    ///
    /// [`RunSpec`]: crate::neuron::conductance::RunSpec
    stop_after: Option<(usize, f64)>,
    late_spikes: usize,
}

impl Tracker {
    pub(crate) fn new<const N: usize>(
        s: &[f64; N],
        input: f64,
        dt_ms: f64,
        steps: usize,
        threshold_mv: f64,
    ) -> Tracker {
        Tracker {
            input,
            dt_ms,
            threshold_mv,
            steps,
            step: 0,
            settled: false,
            spikes: Vec::new(),
            armed: s[0] <= threshold_mv,
            lo: s[0],
            hi: s[0],
            last_range: (s[0], s[0]),
            stop_after: None,
            late_spikes: 0,
        }
    }

    /// The same run, ended at its `count`-th spike at or after `from_ms` (count ≥ 1).
    pub(crate) fn stopping_after(self, count: usize, from_ms: f64) -> Tracker {
        Tracker {
            stop_after: Some((count.max(1), from_ms)),
            ..self
        }
    }

    /// The input current of the run.
    pub(crate) fn input(&self) -> f64 {
        self.input
    }

    /// The time step of the run (ms).
    pub(crate) fn dt_ms(&self) -> f64 {
        self.dt_ms
    }

    /// Steps taken so far.
    pub(crate) fn steps_taken(&self) -> usize {
        self.step
    }

    /// No step is left: the duration is reached, or the state settled at rest.
    pub(crate) fn over(&self) -> bool {
        self.settled
            || self.step >= self.steps
            || self
                .stop_after
                .is_some_and(|(count, _)| self.late_spikes >= count)
    }

    /// Takes the state `s` after a step from V = `before`. A non-finite or unbounded V is an
    /// error naming the model, the input and the time.
    pub(crate) fn observe<M: Model<N>, const N: usize>(
        &mut self,
        m: &M,
        s: &[f64; N],
        before: f64,
    ) -> Result<(), NumericalError> {
        let (step, v) = (self.step, s[0]);
        self.step += 1;
        if !v.is_finite() || v.abs() > V_BOUND_MV {
            return Err(NumericalError {
                model: m.describe(),
                parameters: format!(
                    "I = {}, RK4 at dt = {} ms (limit-cycle continuation)",
                    self.input, self.dt_ms
                ),
                when: format!("t = {} ms", (step + 1) as f64 * self.dt_ms),
                value: v,
            });
        }
        self.lo = self.lo.min(v);
        self.hi = self.hi.max(v);
        // Settled on a stable equilibrium: nothing more will happen (see RunSpec::stop_at_rest).
        if settled_at_rest(m, s, self.input, step) {
            self.settled = true;
            return Ok(());
        }
        if self.armed && v > self.threshold_mv {
            let t = (step as f64 + (self.threshold_mv - before) / (v - before)) * self.dt_ms;
            self.spikes.push(t);
            if self.stop_after.is_some_and(|(_, from)| t >= from) {
                self.late_spikes += 1;
            }
            self.armed = false;
            self.last_range = (self.lo, self.hi);
            self.lo = v;
            self.hi = v;
        } else if v <= self.threshold_mv {
            self.armed = true;
        }
        Ok(())
    }

    /// Steps `s` alone, its rates packed in the lanes ([`conductance::rk4_step_packed`]),
    /// until the run is over. `#[inline(always)]`, so the caller's instruction set reaches
    /// the arithmetic.
    #[inline(always)]
    pub(crate) fn run_packed<M: LaneModel<N>, const N: usize>(
        &mut self,
        m: &M,
        s: &mut [f64; N],
    ) -> Result<(), NumericalError> {
        while !self.over() {
            let before = s[0];
            conductance::rk4_step_packed(m, s, self.input, self.dt_ms);
            self.observe(m, s, before)?;
        }
        Ok(())
    }

    /// The track, ending in state `s`.
    pub(crate) fn finish<const N: usize>(self, s: [f64; N]) -> Track<N> {
        let v_range_mv = if self.spikes.len() >= 2 {
            self.last_range
        } else {
            (self.lo, self.hi)
        };
        Track {
            spikes_ms: self.spikes,
            state: s,
            v_range_mv,
            settled: self.settled,
        }
    }
}

/// Settles at `input` from `state`, then measures: `Some` with the measurement when firing
/// goes on (at least two spikes in the measuring window), `None` when it stops. The runs are
/// `sim`'s (they share its lanes with other chains).
pub async fn sustained<M: LaneModel<N> + Copy, const N: usize>(
    sim: &Sim<M, N>,
    m: &M,
    state: [f64; N],
    input: f64,
    c: &CycleSettings,
) -> Result<Option<Track<N>>, NumericalError> {
    let settled = sim
        .track(m, state, input, c.dt_ms, c.settle_ms, c.threshold_mv)
        .await?;
    let measured = sim
        .track(
            m,
            settled.state,
            input,
            c.dt_ms,
            c.measure_ms,
            c.threshold_mv,
        )
        .await?;
    Ok((measured.spikes_ms.len() >= 2).then_some(measured))
}

/// One point of the firing branch.
#[derive(Debug, Clone, PartialEq)]
pub struct CyclePoint {
    /// Input current.
    pub current: f64,
    /// Rate over the measuring window (Hz).
    pub rate_hz: f64,
    /// Lowest and highest V of the orbit (mV).
    pub v_range_mv: (f64, f64),
}

/// The firing branch followed down in current.
#[derive(Debug, Clone, PartialEq)]
pub struct FiringBranch {
    /// Points from the top current down to the lowest that sustains firing.
    pub points: Vec<CyclePoint>,
    /// The lowest current that sustains firing, to within `tolerance`.
    pub lowest_current: f64,
}

/// Most downward steps of a continuation.
const MAX_CONTINUATION_STEPS: usize = 400;

/// Follows the firing cycle from `state` (on or near the cycle at `top`) down in current by
/// `step`, keeping the state, until firing stops or `floor` is reached, then bisects the last
/// interval to `tolerance`. `Err` if the model does not fire at `top`.
#[allow(clippy::too_many_arguments)]
pub async fn follow_cycle_down<M: LaneModel<N> + Copy, const N: usize>(
    sim: &Sim<M, N>,
    m: &M,
    state: [f64; N],
    top: f64,
    floor: f64,
    step: f64,
    tolerance: f64,
    c: &CycleSettings,
) -> Result<Option<FiringBranch>, NumericalError> {
    let Some(first) = sustained(sim, m, state, top, c).await? else {
        return Ok(None);
    };
    let point = |i: f64, t: &Track<N>| CyclePoint {
        current: i,
        rate_hz: t.rate_hz((t.spikes_ms.len() - 1).min(4)),
        v_range_mv: t.v_range_mv,
    };
    let mut points = vec![point(top, &first)];
    let (mut fire_i, mut fire_state) = (top, first.state);
    let mut silent_i = None;
    for _ in 0..MAX_CONTINUATION_STEPS {
        let i = fire_i - step;
        if i < floor {
            break;
        }
        match sustained(sim, m, fire_state, i, c).await? {
            Some(t) => {
                points.push(point(i, &t));
                fire_i = i;
                fire_state = t.state;
            }
            None => {
                silent_i = Some(i);
                break;
            }
        }
    }
    if let Some(mut silent) = silent_i {
        for _ in 0..BISECTIONS {
            if fire_i - silent <= tolerance {
                break;
            }
            let mid = 0.5 * (fire_i + silent);
            match sustained(sim, m, fire_state, mid, c).await? {
                Some(t) => {
                    points.push(point(mid, &t));
                    fire_i = mid;
                    fire_state = t.state;
                }
                None => silent = mid,
            }
        }
    }
    Ok(Some(FiringBranch {
        points,
        lowest_current: fire_i,
    }))
}

/// The bifurcation through which rest is lost, with the onset it gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnsetBifurcation {
    /// Saddle-node on an invariant circle: rest disappears into the cycle; f → 0 as
    /// √(I − I_fold). Type I.
    Snic,
    /// Saddle-node off the invariant circle: rest folds while a firing cycle already coexists
    /// with it. Type II.
    SaddleNodeOffCircle,
    /// Subcritical Hopf: rest loses stability while a large cycle coexists with it. Type II.
    HopfSubcritical,
    /// Supercritical Hopf: a small cycle grows out of rest; no cycle coexists below. Type II.
    HopfSupercritical,
}

impl OnsetBifurcation {
    /// The name used in the data files.
    pub fn id(self) -> &'static str {
        match self {
            OnsetBifurcation::Snic => "snic",
            OnsetBifurcation::SaddleNodeOffCircle => "saddle_node_off_circle",
            OnsetBifurcation::HopfSubcritical => "hopf_subcritical",
            OnsetBifurcation::HopfSupercritical => "hopf_supercritical",
        }
    }

    /// The name used on the page.
    pub fn name(self) -> &'static str {
        match self {
            OnsetBifurcation::Snic => "saddle-node on invariant circle (SNIC)",
            OnsetBifurcation::SaddleNodeOffCircle => "saddle-node off the invariant circle",
            OnsetBifurcation::HopfSubcritical => "subcritical Hopf",
            OnsetBifurcation::HopfSupercritical => "supercritical Hopf",
        }
    }

    /// Type I for a SNIC, type II otherwise (Izhikevich, ch. 7).
    pub fn is_type_one(self) -> bool {
        self == OnsetBifurcation::Snic
    }
}

/// The evidence behind an [`OnsetBifurcation`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Classification {
    /// The class.
    pub bifurcation: OnsetBifurcation,
    /// A firing cycle, reached from above, goes on `probe` below the current where rest is
    /// lost: rest and firing coexist there.
    pub cycle_below: bool,
    /// For a Hopf point: the orbit `probe` above it, started at the rest just below, fires a
    /// full spike (the oscillation does not stay small: it is born with a finite amplitude).
    pub spikes_just_above: bool,
}

/// Whether a firing cycle coexists with rest just below the current where it is lost: the
/// cycle is reached `above` past the loss from `start` (a state from which the model fires
/// there), then the current is lowered to `probe` below the loss, where firing must go on
/// through the settle and measure windows of `c`.
pub async fn cycle_below<M: LaneModel<N> + Copy, const N: usize>(
    sim: &Sim<M, N>,
    m: &M,
    loss: &RestLoss,
    start: [f64; N],
    above: f64,
    probe: f64,
    c: &CycleSettings,
) -> Result<bool, NumericalError> {
    let i_loss = loss.current();
    let on_cycle = sim
        .track(
            m,
            start,
            i_loss + above,
            c.dt_ms,
            c.settle_ms,
            c.threshold_mv,
        )
        .await?;
    Ok(sustained(sim, m, on_cycle.state, i_loss - probe, c)
        .await?
        .is_some())
}

/// Classifies how rest is lost. A fold is a SNIC unless a firing cycle, reached from above
/// the fold, still fires below it (`cycle_below`, from [`cycle_below`]: then the saddle-node
/// is off the invariant circle). A Hopf point is subcritical when a firing cycle coexists with
/// the stable rest below it, or when the orbit just above it, started from the rest just
/// below, fires full spikes (`spikes_just_above`, from [`crate::analysis::walk::confirm`]);
/// supercritical when neither (the oscillation stays small).
pub fn classify(loss: &RestLoss, cycle_below: bool, spikes_just_above: bool) -> Classification {
    let spikes_just_above = spikes_just_above && matches!(loss, RestLoss::Hopf(_));
    let bifurcation = match loss {
        RestLoss::Fold(_) if cycle_below => OnsetBifurcation::SaddleNodeOffCircle,
        RestLoss::Fold(_) => OnsetBifurcation::Snic,
        RestLoss::Hopf(_) if cycle_below || spikes_just_above => OnsetBifurcation::HopfSubcritical,
        RestLoss::Hopf(_) => OnsetBifurcation::HopfSupercritical,
    };
    Classification {
        bifurcation,
        cycle_below,
        spikes_just_above,
    }
}

/// A least-squares line y = a + b·x; returns (a, b).
pub fn line_fit(x: &[f64], y: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let mx = x.iter().sum::<f64>() / n;
    let my = y.iter().sum::<f64>() / n;
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx) * (a - mx)).sum();
    let b = sxy / sxx;
    (my - b * mx, b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neuron::connor_stevens::ConnorStevens;

    fn scan() -> Scan {
        Scan {
            v_lo: -90.0,
            v_hi: -20.0,
            step: 0.1,
        }
    }

    #[test]
    fn the_rest_branch_stops_at_its_first_hopf_point_with_the_full_scans_answer() {
        // Models whose first Hopf point comes before the fold (the loss) and after it (the
        // fold is the loss); the branch must hold the full scan's first Hopf point and loss.
        let hh = crate::neuron::hodgkin_huxley::HodgkinHuxley::default();
        let scans = [scan(), crate::experiments::onset::SCAN];
        let mut hopf_losses = 0;
        for scan in &scans {
            let full = hopfs(&hh, scan).unwrap();
            let branch = rest_branch(&hh, scan).unwrap();
            assert_eq!(branch.first_hopf, full.first().copied());
            for (g_a, g_k) in [
                (0.0, 20.0),
                (0.0, 67.7),
                (20.0, 47.7),
                (47.7, 20.0),
                (10.0, 20.0),
            ] {
                let m = ConnorStevens::with_conductances(g_a, g_k);
                let full = hopfs(&m, scan).unwrap();
                let branch = rest_branch(&m, scan).unwrap();
                assert_eq!(branch.first_hopf, full.first().copied(), "g_A = {g_a}");
                assert_eq!(branch.folds, folds(&m, scan));
                let first_max = branch.folds.iter().find(|f| f.is_maximum).copied();
                let end = first_max.map_or(scan.v_hi, |f| f.v_mv);
                let loss = match full.iter().find(|h| h.v_mv < end) {
                    Some(h) => Some(RestLoss::Hopf(*h)),
                    None => first_max.map(RestLoss::Fold),
                };
                assert_eq!(branch.loss, loss, "g_A = {g_a}");
                hopf_losses += usize::from(matches!(loss, Some(RestLoss::Hopf(_))));
            }
        }
        assert_eq!(hopf_losses, 8);
    }

    /// Golden-section search for the maximum of I_ss on [lo, hi]: a second method, without
    /// derivatives, for the fold.
    fn golden_max(m: &ConnorStevens, mut lo: f64, mut hi: f64) -> (f64, f64) {
        let r = (5f64.sqrt() - 1.0) / 2.0;
        for _ in 0..200 {
            let a = hi - r * (hi - lo);
            let b = lo + r * (hi - lo);
            if steady_current(m, a) < steady_current(m, b) {
                lo = a;
            } else {
                hi = b;
            }
        }
        let v = 0.5 * (lo + hi);
        (v, steady_current(m, v))
    }

    #[test]
    fn the_standard_fold_agrees_with_a_dense_scan_and_golden_section() {
        let m = ConnorStevens::default();
        let f = folds(&m, &scan());
        let first = f.iter().find(|f| f.is_maximum).expect("a fold");
        // Dense scan at 1e-3 mV for the bracket, then golden section (no derivatives).
        let (mut best_v, mut best_i) = (-90.0, f64::NEG_INFINITY);
        let mut v = -90.0;
        while v < first.v_mv + 5.0 {
            let i = steady_current(&m, v);
            if i > best_i {
                best_i = i;
                best_v = v;
            }
            if i < best_i - 1.0 {
                break;
            }
            v += 1e-3;
        }
        let (gv, gi) = golden_max(&m, best_v - 2e-3, best_v + 2e-3);
        assert!(
            (gi - first.current).abs() < 1e-6,
            "{gi} vs {}",
            first.current
        );
        assert!((gv - first.v_mv).abs() < 1e-4, "{gv} vs {}", first.v_mv);
    }

    #[test]
    fn a_track_is_bit_for_bit_the_lane_kernel() {
        use crate::neuron::conductance::{Method, RunSpec, run_lanes};
        let cs = ConnorStevens::default();
        let rest = cs.resting_state(0.0).unwrap();
        let spec = RunSpec {
            method: Method::Rk4,
            dt_ms: 0.05,
            duration_ms: 300.0,
            threshold_mv: -20.0,
            stop_after_spikes: 0,
            transient_ms: 0.0,
            stop_at_rest: false,
        };
        let inputs = [9.0, 25.0];
        let lanes = run_lanes(&cs, rest, &inputs, &spec);
        for (i, lane) in inputs.iter().zip(lanes) {
            let t = track(&cs, rest, *i, 0.05, 300.0, -20.0).unwrap();
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert!(t.spikes_ms.len() > 3, "I = {i}");
            assert_eq!(bits(&t.spikes_ms), bits(&lane.unwrap()), "I = {i}");
        }
    }

    #[test]
    fn the_jacobian_is_singular_at_the_fold() {
        // det J = 0 where dI_ss/dV = 0: checks the numerical Jacobian against I_ss.
        let m = ConnorStevens::default();
        let fold = folds(&m, &scan())[0];
        let e = equilibrium(&m, fold.v_mv).unwrap();
        let smallest = e
            .eigenvalues
            .iter()
            .map(|z| z.0.hypot(z.1))
            .fold(f64::INFINITY, f64::min);
        assert!(smallest < 1e-5, "{:?}", e.eigenvalues);
        // Below the fold the real eigenvalue is negative, above it positive.
        assert!(equilibrium(&m, fold.v_mv - 0.5).unwrap().stable());
        assert!(!equilibrium(&m, fold.v_mv + 0.5).unwrap().stable());
    }

    #[test]
    fn hopf_points_agree_with_a_dense_scan_and_regula_falsi() {
        // Without the A-current (g_K = 20) rest is lost through a Hopf point.
        let m = ConnorStevens::with_conductances(0.0, 20.0);
        let h = hopfs(&m, &scan()).unwrap();
        assert!(!h.is_empty(), "no Hopf point");
        let h = h[0];
        let g = |v: f64| equilibrium(&m, v).unwrap().complex_pair_real().unwrap();
        // Dense scan at 1e-3 mV for the bracket, then regula falsi.
        let mut v = h.v_mv - 0.2;
        while g(v + 1e-3).signum() == g(v).signum() {
            v += 1e-3;
            assert!(v < h.v_mv + 0.2);
        }
        let (mut a, mut b) = (v, v + 1e-3);
        let mut root = a;
        for _ in 0..50 {
            let (ga, gb) = (g(a), g(b));
            root = b - gb * (b - a) / (gb - ga);
            if g(root).signum() == ga.signum() {
                a = root;
            } else {
                b = root;
            }
        }
        assert!((root - h.v_mv).abs() < 1e-6, "{root} vs {}", h.v_mv);
        assert!((steady_current(&m, root) - h.current).abs() < 1e-6);
    }
}
