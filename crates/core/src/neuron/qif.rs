//! The quadratic integrate-and-fire neuron τV̇ = V0 + V² (V dimensionless), with a spike when
//! V > V_th and a reset to V_r. Two integrators:
//!
//! - [`simulate_euler`]: clock-driven forward Euler as brian2 steps it (its default method
//!   for this equation): update, threshold, reset, with the spike stamped at the step's start.
//! - [`simulate_rk4`]: classical RK4 with the threshold crossing located inside the step by
//!   cubic Hermite interpolation, the reset applied at that instant, and the rest of the step
//!   integrated from the reset, so the result does not inherit the grid's O(dt) timing error.
//!
//! Rates come from the interspike intervals: (n − 1)/(t_n − t_1) for n ≥ 2 spikes, else 0.

use super::conductance::Model;
use crate::error::NumericalError;

/// Parameters of one QIF neuron (time in ms).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QifParams {
    /// Input V0.
    pub v0: f64,
    /// Time constant τ (ms).
    pub tau_ms: f64,
    /// Reset value, also the initial value.
    pub v_reset: f64,
    /// Threshold.
    pub v_threshold: f64,
}

/// Most spikes one QIF run may fire before it is stopped with an error: a bound on the work
/// of a run whose period is tiny (a threshold just above the reset, say).
pub const MAX_SPIKES: u64 = 50_000_000;

/// What one simulated neuron fired, in constant memory: the count, the first and last spike
/// times, and the rate they imply.
#[derive(Debug, Clone, PartialEq)]
pub struct SpikeTrain {
    /// Number of spikes.
    pub count: u64,
    /// First spike time (ms), if any.
    pub first_ms: Option<f64>,
    /// Last spike time (ms), if any.
    pub last_ms: Option<f64>,
    /// Rate from the interspike intervals, (n − 1)/(t_n − t_1) (Hz); 0 with fewer than two
    /// spikes.
    pub rate_hz: f64,
}

/// Accumulates spike times without storing them.
struct Counter {
    count: u64,
    first_ms: Option<f64>,
    last_ms: Option<f64>,
}

impl Counter {
    fn new() -> Counter {
        Counter {
            count: 0,
            first_ms: None,
            last_ms: None,
        }
    }

    fn spike(&mut self, p: &QifParams, t_ms: f64, method: &str) -> Result<(), NumericalError> {
        if self.count >= MAX_SPIKES {
            return Err(NumericalError {
                model: format!("QIF ({method})"),
                parameters: format!(
                    "V0 = {}, more than {MAX_SPIKES} spikes (raise qif.v_threshold - qif.v_reset \
                     or shorten qif.duration_ms)",
                    p.v0
                ),
                when: format!("t = {t_ms} ms"),
                value: t_ms,
            });
        }
        self.count += 1;
        self.first_ms.get_or_insert(t_ms);
        self.last_ms = Some(t_ms);
        Ok(())
    }

    /// Completes the count of a clock-driven run whose spikes come every `period` steps from
    /// step `k1` on, up to its last step `n_steps − 1`, exactly as stepping on would: the same
    /// count, the same last spike time (`k · dt_ms`, as the loop stamps it), and the same
    /// error past [`MAX_SPIKES`], at the spike the loop would have stopped at.
    fn extend_periodic(
        &mut self,
        p: &QifParams,
        (k1, period, n_steps): (u64, u64, u64),
        dt_ms: f64,
        method: &str,
    ) -> Result<(), NumericalError> {
        let total = (n_steps - 1 - k1) / period + 1;
        let t = |j: u64| (k1 + j * period) as f64 * dt_ms;
        if total > MAX_SPIKES {
            self.count = MAX_SPIKES;
            self.last_ms = Some(t(MAX_SPIKES - 1));
            return self.spike(p, t(MAX_SPIKES), method);
        }
        self.count = total;
        self.last_ms = Some(t(total - 1));
        Ok(())
    }

    fn finish(self) -> SpikeTrain {
        let rate_hz = match (self.first_ms, self.last_ms) {
            (Some(first), Some(last)) if last > first => {
                1000.0 * (self.count - 1) as f64 / (last - first)
            }
            _ => 0.0,
        };
        SpikeTrain {
            count: self.count,
            first_ms: self.first_ms,
            last_ms: self.last_ms,
            rate_hz,
        }
    }
}

/// Checked every step: inlined, with the error built out of line, so the check costs a compare
/// and a branch (it was a tenth of the QIF time as a call).
#[inline(always)]
fn check_finite(p: &QifParams, v: f64, t_ms: f64, method: &str) -> Result<(), NumericalError> {
    if v.is_finite() {
        Ok(())
    } else {
        Err(blow_up(p, v, t_ms, method))
    }
}

#[cold]
#[inline(never)]
fn blow_up(p: &QifParams, v: f64, t_ms: f64, method: &str) -> NumericalError {
    NumericalError {
        model: format!("QIF ({method})"),
        parameters: format!("V0 = {}", p.v0),
        when: format!("t = {t_ms} ms"),
        value: v,
    }
}

/// Neurons stepped together by the batched simulations: independent chains of dependent
/// floating-point operations, which the processor overlaps (each step alone is bound by the
/// latency of its arithmetic, a division among it): 16 fill four AVX2 vectors, enough to
/// hide that latency. Every lane does exactly the operations of a lone run, so results are bit for bit
/// those of the scalar functions.
pub const LANES: usize = 16;

/// The state of one lane: its spikes so far, or the error that stopped it.
struct Lane {
    spikes: Counter,
    failed: Option<NumericalError>,
    /// Stopped after its last wanted spike.
    done: bool,
    /// Step of its first spike (clock-driven runs).
    first_spike_step: Option<usize>,
}

impl Lane {
    fn new() -> Lane {
        Lane {
            spikes: Counter::new(),
            failed: None,
            done: false,
            first_spike_step: None,
        }
    }

    /// Keeps the error of a failed step; `live` counts the lanes still running.
    fn record(&mut self, outcome: Result<(), NumericalError>, live: &mut usize) {
        if let Err(e) = outcome {
            self.failed = Some(e);
            *live -= 1;
        }
    }

    fn finish(self) -> Result<SpikeTrain, NumericalError> {
        match self.failed {
            Some(e) => Err(e),
            None => Ok(self.spikes.finish()),
        }
    }
}

/// Whether no lane needs a look after a step: every V finite and at or below its threshold
/// (the common case, tested with plain compares the compiler vectorises; a NaN fails both).
#[inline(always)]
fn quiet<const L: usize>(ps: &[QifParams; L], v: &[f64; L]) -> bool {
    let mut quiet = true;
    for l in 0..L {
        quiet &= v[l] <= ps[l].v_threshold && v[l] >= f64::MIN;
    }
    quiet
}

/// The clock-driven loop brian2 runs, for `L` neurons at once: `step(p, v)` advances V by one
/// grid step, the threshold is checked at the end of the step and the spike stamped at the
/// step's start. A lane that fails (blow-up, too many spikes) keeps its error and stops
/// counting; the loop ends early when every lane has failed or is done.
///
/// With `periodic`, a lane is done at its second spike: the step is the same map at every
/// step (it does not read the time) and the reset puts V back at exactly the value it
/// started from, so from the reset on the run repeats itself step for step, and its spikes
/// come every (second − first) steps to the end of the run. [`Counter::extend_periodic`]
/// completes the count from there: the same spike train, bit for bit, as stepping to the end
/// (tested), without stepping through thousands of identical periods.
#[inline(always)]
fn clock_driven<const L: usize>(
    ps: &[QifParams; L],
    duration_ms: f64,
    dt_ms: f64,
    method: &str,
    periodic: bool,
    step: impl Fn(&QifParams, f64) -> f64,
) -> [Result<SpikeTrain, NumericalError>; L] {
    let n_steps = super::clock::brian2_steps(duration_ms, dt_ms) as usize;
    let mut v: [f64; L] = std::array::from_fn(|l| ps[l].v_reset);
    let mut lanes: [Lane; L] = std::array::from_fn(|_| Lane::new());
    let mut live = L;
    for k in 0..n_steps {
        let t = k as f64 * dt_ms;
        for l in 0..L {
            v[l] = step(&ps[l], v[l]);
        }
        if quiet(ps, &v) {
            continue;
        }
        for l in 0..L {
            let lane = &mut lanes[l];
            if lane.failed.is_some() || lane.done {
                // Keeps a finished lane finite and below threshold, off the slow path.
                v[l] = ps[l].v_reset;
                continue;
            }
            let outcome = check_finite(&ps[l], v[l], t, method).and_then(|()| {
                if v[l] > ps[l].v_threshold {
                    lane.spikes.spike(&ps[l], t, method)?;
                    v[l] = ps[l].v_reset;
                    match lane.first_spike_step {
                        Some(k1) if periodic => {
                            let steps = (k1 as u64, (k - k1) as u64, n_steps as u64);
                            lane.spikes.extend_periodic(&ps[l], steps, dt_ms, method)?;
                            lane.done = true;
                        }
                        Some(_) => {}
                        None => lane.first_spike_step = Some(k),
                    }
                }
                Ok(())
            });
            lane.record(outcome, &mut live);
            if lane.done && lane.failed.is_none() {
                live -= 1;
            }
        }
        if live == 0 {
            break;
        }
    }
    lanes.map(Lane::finish)
}

/// The event-located loop for `L` neurons at once: `step(p, v, h)` advances V by h; when it
/// passes the threshold, `crossing(p, v, next, h)` gives the time of the crossing inside the
/// step, the reset is applied at that instant and the rest of the step is integrated from it
/// (in that lane alone). A lane stops at its `stop_after_spikes`-th spike (0: never).
#[inline(always)]
fn interpolated<const L: usize>(
    ps: &[QifParams; L],
    duration_ms: f64,
    dt_ms: f64,
    stop_after_spikes: u64,
    method: &str,
    step: impl Fn(&QifParams, f64, f64) -> f64,
    crossing: impl Fn(&QifParams, f64, f64, f64) -> f64,
) -> [Result<SpikeTrain, NumericalError>; L] {
    let n_steps = super::clock::brian2_steps(duration_ms, dt_ms) as usize;
    let mut v: [f64; L] = std::array::from_fn(|l| ps[l].v_reset);
    let mut lanes: [Lane; L] = std::array::from_fn(|_| Lane::new());
    let mut live = L;
    for k in 0..n_steps {
        let t0 = k as f64 * dt_ms;
        let t_end = t0 + dt_ms;
        let h = t_end - t0;
        let next: [f64; L] = std::array::from_fn(|l| step(&ps[l], v[l], h));
        if quiet(ps, &next) {
            v = next;
            continue;
        }
        for l in 0..L {
            let lane = &mut lanes[l];
            if lane.failed.is_some() || lane.done {
                // Keeps a finished lane finite and below threshold, off the slow path.
                v[l] = ps[l].v_reset;
                continue;
            }
            let p = &ps[l];
            // The rest of the step for this lane, exactly as a lone run takes it. Several
            // spikes may fall in one step when the period is shorter than dt; the loop ends
            // because every pass either leaves it or records a spike, and spikes are capped.
            let mut outcome = Ok(());
            let (mut t, mut nx, mut hh) = (t0, next[l], h);
            loop {
                if let Err(e) = check_finite(p, nx, t, method) {
                    outcome = Err(e);
                    break;
                }
                if nx > p.v_threshold {
                    let t_spike = t + crossing(p, v[l], nx, hh);
                    if let Err(e) = lane.spikes.spike(p, t_spike, method) {
                        outcome = Err(e);
                        break;
                    }
                    if lane.spikes.count == stop_after_spikes {
                        lane.done = true;
                        live -= 1;
                        break;
                    }
                    v[l] = p.v_reset;
                    t = t_spike;
                    if t_end - t <= 1e-12 * dt_ms {
                        break;
                    }
                    hh = t_end - t;
                    nx = step(p, v[l], hh);
                } else {
                    v[l] = nx;
                    break;
                }
            }
            lane.record(outcome, &mut live);
        }
        if live == 0 {
            break;
        }
    }
    lanes.map(Lane::finish)
}

/// Runs `run` over `ps` in chunks of [`LANES`] (the last chunk padded with copies of its
/// last neuron, whose results are dropped), in order.
fn batched(
    ps: &[QifParams],
    run: impl Fn(&[QifParams; LANES]) -> [Result<SpikeTrain, NumericalError>; LANES],
) -> Vec<Result<SpikeTrain, NumericalError>> {
    let mut out = Vec::with_capacity(ps.len());
    for chunk in ps.chunks(LANES) {
        let lanes: [QifParams; LANES] = std::array::from_fn(|l| chunk[l.min(chunk.len() - 1)]);
        out.extend(run(&lanes).into_iter().take(chunk.len()));
    }
    out
}

/// The methods of this module, for the batched runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// [`simulate_euler`].
    Euler,
    /// [`simulate_rk4`].
    Rk4,
    /// RK4 on the clock grid with no interpolation: threshold checked at the end of each step
    /// and the spike stamped at the step's start, as [`simulate_euler`] does; only the
    /// integrator differs from Euler, so comparing the two separates the method's error from
    /// the grid's.
    Rk4Grid,
    /// Forward Euler with the threshold crossing located by linear interpolation inside the
    /// step, the reset applied at that instant and the rest of the step integrated from it.
    EulerInterpolated,
}

/// Runs `method` for every neuron of `ps` ([`LANES`] at a time), in order: the same results,
/// bit for bit, as running each alone. With `stop_after_spikes` > 0, the interpolated methods
/// stop a neuron at that spike (a neuron started at the reset is periodic from its first
/// spike, so its rate needs only a few intervals); the grid methods always run the whole
/// duration, as brian2 does.
pub fn simulate_batch(
    method: Method,
    ps: &[QifParams],
    duration_ms: f64,
    dt_ms: f64,
    stop_after_spikes: u64,
) -> Vec<Result<SpikeTrain, NumericalError>> {
    let isa = crate::simd::Isa::detect();
    batched(ps, |chunk| {
        crate::multiversion!(
            isa,
            lanes(method, chunk, duration_ms, dt_ms, stop_after_spikes)
        )
    })
}

/// `method` for `L` neurons at once: the step and, for the interpolated methods, the crossing
/// of each method, on the shared clock-driven or event-located loop.
#[inline(always)]
fn lanes<const L: usize>(
    method: Method,
    ps: &[QifParams; L],
    duration_ms: f64,
    dt_ms: f64,
    stop_after_spikes: u64,
) -> [Result<SpikeTrain, NumericalError>; L] {
    let f = |p: &QifParams, x: f64| (p.v0 + x * x) / p.tau_ms;
    match method {
        Method::Euler => clock_driven(ps, duration_ms, dt_ms, "forward Euler", true, |p, v| {
            euler_step(p, v, dt_ms)
        }),
        Method::Rk4Grid => clock_driven(ps, duration_ms, dt_ms, "RK4 on the grid", true, |p, v| {
            rk4_step(p, v, dt_ms)
        }),
        Method::Rk4 => interpolated(
            ps,
            duration_ms,
            dt_ms,
            stop_after_spikes,
            "RK4",
            rk4_step,
            |p, v, next, h| hermite_crossing(v, f(p, v), next, f(p, next), h, p.v_threshold),
        ),
        Method::EulerInterpolated => interpolated(
            ps,
            duration_ms,
            dt_ms,
            stop_after_spikes,
            "forward Euler, interpolated",
            euler_step,
            |p, v, next, h| h * (p.v_threshold - v) / (next - v),
        ),
    }
}

#[inline(always)]
fn euler_step(p: &QifParams, v: f64, h: f64) -> f64 {
    v + h * (p.v0 + v * v) / p.tau_ms
}

/// Forward Euler on the clock grid, as brian2's `method='euler'`.
pub fn simulate_euler(
    p: &QifParams,
    duration_ms: f64,
    dt_ms: f64,
) -> Result<SpikeTrain, NumericalError> {
    let [r] = lanes(Method::Euler, &[*p], duration_ms, dt_ms, 0);
    r
}

/// τV̇ = V0 + V² as a one-variable model, linear in V with the coefficient V/τ frozen, so the
/// shared integrators of [`super::conductance`] step it like every other model.
impl Model<1> for QifParams {
    fn describe(&self) -> String {
        format!("QIF (V0 = {})", self.v0)
    }

    fn linear(&self, s: &[f64; 1], _input: f64) -> [(f64, f64); 1] {
        [(self.v0 / self.tau_ms, s[0] / self.tau_ms)]
    }
}

#[inline(always)]
fn rk4_step(p: &QifParams, v: f64, h: f64) -> f64 {
    // The shared RK4 of `conductance`, written out for the one-variable QIF with 1/τ taken
    // once: the generic step divides by τ in every stage, which is most of its cost here.
    let inv_tau = 1.0 / p.tau_ms;
    let f = |x: f64| (p.v0 + x * x) * inv_tau;
    let k1 = f(v);
    let k2 = f(v + 0.5 * h * k1);
    let k3 = f(v + 0.5 * h * k2);
    let k4 = f(v + h * k3);
    v + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
}

/// Where in [0, h] the cubic Hermite interpolant through (0, v_a, d_a) and (h, v_b, d_b)
/// reaches `target` (v_a ≤ target < v_b), by bisection to machine precision.
fn hermite_crossing(v_a: f64, d_a: f64, v_b: f64, d_b: f64, h: f64, target: f64) -> f64 {
    let at = |s: f64| {
        let s2 = s * s;
        let s3 = s2 * s;
        (2.0 * s3 - 3.0 * s2 + 1.0) * v_a
            + (s3 - 2.0 * s2 + s) * h * d_a
            + (-2.0 * s3 + 3.0 * s2) * v_b
            + (s3 - s2) * h * d_b
    };
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if at(mid) > target {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    0.5 * (lo + hi) * h
}

/// RK4 with spike times located inside the step and the reset applied at the spike time.
pub fn simulate_rk4(
    p: &QifParams,
    duration_ms: f64,
    dt_ms: f64,
) -> Result<SpikeTrain, NumericalError> {
    let [r] = lanes(Method::Rk4, &[*p], duration_ms, dt_ms, 0);
    r
}

/// [`Method::Rk4Grid`] for one neuron: the tests' reference for the batched runs.
#[cfg(test)]
fn simulate_rk4_grid(
    p: &QifParams,
    duration_ms: f64,
    dt_ms: f64,
) -> Result<SpikeTrain, NumericalError> {
    let [r] = lanes(Method::Rk4Grid, &[*p], duration_ms, dt_ms, 0);
    r
}

/// [`Method::EulerInterpolated`] for one neuron: the tests' reference for the batched runs.
#[cfg(test)]
fn simulate_euler_interpolated(
    p: &QifParams,
    duration_ms: f64,
    dt_ms: f64,
) -> Result<SpikeTrain, NumericalError> {
    let [r] = lanes(Method::EulerInterpolated, &[*p], duration_ms, dt_ms, 0);
    r
}

/// The analytic period (ms) from V_r to V_th for V0 > 0, from separation of variables:
/// T = τ/√V0 · [atan(V_th/√V0) − atan(V_r/√V0)]. `None` when the neuron never reaches
/// threshold (V0 ≤ 0 with V_r at or below the unstable fixed point √(−V0)).
pub fn analytic_period_ms(p: &QifParams) -> Option<f64> {
    let (vr, vth, tau) = (p.v_reset, p.v_threshold, p.tau_ms);
    if p.v0 > 0.0 {
        let s = p.v0.sqrt();
        Some(tau / s * ((vth / s).atan() - (vr / s).atan()))
    } else if p.v0 == 0.0 {
        // τV̇ = V²: T = τ(1/V_r − 1/V_th) when V_r > 0.
        (vr > 0.0).then(|| tau * (1.0 / vr - 1.0 / vth))
    } else {
        // τV̇ = V² − a², a = √(−V0): above the unstable point a, V blows up through threshold.
        let a = (-p.v0).sqrt();
        (vr > a).then(|| {
            let g = |x: f64| ((x - a) / (x + a)).ln() / (2.0 * a);
            tau * (g(vth) - g(vr))
        })
    }
}

/// The analytic rate (Hz): 1000/T(ms), or 0 where there is no repetitive firing.
pub fn analytic_rate_hz(p: &QifParams) -> f64 {
    analytic_period_ms(p).map_or(0.0, |t| 1000.0 / t)
}

/// The limit √V0/(πτ) (Hz) as V_th → ∞ and V_r → −∞.
pub fn limit_rate_hz(v0: f64, tau_ms: f64) -> f64 {
    if v0 > 0.0 {
        1000.0 * v0.sqrt() / (std::f64::consts::PI * tau_ms)
    } else {
        0.0
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // "no spikes" means a rate of exactly zero
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn params(v0: f64) -> QifParams {
        QifParams {
            v0,
            tau_ms: 10.0,
            v_reset: -10.0,
            v_threshold: 10.0,
        }
    }

    fn train_bits(r: &Result<SpikeTrain, NumericalError>) -> Result<(u64, [u64; 3]), String> {
        r.as_ref()
            .map(|t| {
                let bits = |x: Option<f64>| x.map_or(u64::MAX, f64::to_bits);
                (
                    t.count,
                    [bits(t.first_ms), bits(t.last_ms), t.rate_hz.to_bits()],
                )
            })
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_clock_driven_run_completed_from_its_period_is_the_run_stepped_to_the_end() {
        // Silent (V0 < 0), slow (one spike or none in the run), and from a few to tens of
        // thousands of spikes per run; Euler at two steps and RK4 on the grid.
        let v0s: [f64; 16] = [
            -1.0, -0.01, 0.0, 1e-4, 0.001, 0.01, 0.05, 0.2, 0.5, 1.0, 2.0, 4.0, 25.0, 100.0, 400.0,
            3.3,
        ];
        let ps: [QifParams; 16] = v0s.map(params);
        let mut compared_spikes = 0;
        for dt_ms in [0.1, 0.013] {
            let euler = |p: &QifParams, v: f64| euler_step(p, v, dt_ms);
            let rk4 = |p: &QifParams, v: f64| rk4_step(p, v, dt_ms);
            let runs = [
                (
                    clock_driven(&ps, 3000.0, dt_ms, "Euler", false, euler),
                    clock_driven(&ps, 3000.0, dt_ms, "Euler", true, euler),
                ),
                (
                    clock_driven(&ps, 3000.0, dt_ms, "RK4", false, rk4),
                    clock_driven(&ps, 3000.0, dt_ms, "RK4", true, rk4),
                ),
            ];
            for (stepped, completed) in &runs {
                for (a, b) in stepped.iter().zip(completed) {
                    assert_eq!(train_bits(a), train_bits(b), "dt = {dt_ms}");
                    compared_spikes += a.as_ref().unwrap().count;
                }
            }
        }
        assert!(compared_spikes > 30_000, "{compared_spikes}");
        // Every length of run modulo the period (about 200 steps here), so that the run ends
        // on a spike, just before one and just after one.
        let p = [params(2.0)];
        let euler = |p: &QifParams, v: f64| euler_step(p, v, 0.1);
        for n_steps in 600..1000 {
            let duration_ms = f64::from(n_steps) * 0.1;
            let stepped = clock_driven(&p, duration_ms, 0.1, "Euler", false, euler);
            let completed = clock_driven(&p, duration_ms, 0.1, "Euler", true, euler);
            assert_eq!(
                train_bits(&stepped[0]),
                train_bits(&completed[0]),
                "{n_steps} steps"
            );
        }
    }

    #[test]
    fn a_completed_run_past_the_spike_limit_stops_where_stepping_would() {
        let p = params(1.0);
        let mut c = Counter::new();
        for t in [0.5, 1.0] {
            c.spike(&p, t, "Euler").unwrap();
        }
        // Spikes at steps 5, 10, 15, …: the one after MAX_SPIKES is at step 5·(MAX_SPIKES + 1).
        let e = c
            .extend_periodic(&p, (5, 5, 10 * MAX_SPIKES), 0.1, "Euler")
            .unwrap_err();
        assert_eq!(
            e.value.to_bits(),
            ((5 * MAX_SPIKES + 5) as f64 * 0.1).to_bits()
        );
        let mut c = Counter::new();
        c.extend_periodic(&p, (5, 5, 5 * MAX_SPIKES + 5), 0.1, "Euler")
            .unwrap();
        assert_eq!(c.count, MAX_SPIKES);
    }

    #[test]
    fn a_run_stopped_at_a_spike_keeps_the_first_spikes_and_the_rate() {
        let ps: Vec<QifParams> = [0.5, -1.0, 2.0, 4.0, 0.05]
            .iter()
            .map(|&v| params(v))
            .collect();
        let full = simulate_batch(Method::Rk4, &ps, 2000.0, 0.01, 0);
        let short = simulate_batch(Method::Rk4, &ps, 2000.0, 0.01, 5);
        for (p, (f, s)) in ps.iter().zip(full.iter().zip(&short)) {
            let (f, s) = (f.as_ref().unwrap(), s.as_ref().unwrap());
            assert_eq!(s.count, f.count.min(5), "V0 = {}", p.v0);
            assert_eq!(s.first_ms.map(f64::to_bits), f.first_ms.map(f64::to_bits));
            if f.count > 5 {
                // The same period measured over 4 intervals instead of all of them.
                assert!(
                    (s.rate_hz / f.rate_hz - 1.0).abs() < 1e-9,
                    "{} {}",
                    s.rate_hz,
                    f.rate_hz
                );
                assert!(s.last_ms < f.last_ms);
            } else {
                assert_eq!(s, f);
            }
        }
        // Silent, and firing once or more: at least one of each kind was compared.
        assert_eq!(full[1].as_ref().unwrap().count, 0);
        assert!(full[3].as_ref().unwrap().count > 5);
    }

    #[test]
    fn batched_runs_are_bit_for_bit_the_lone_runs() {
        // A full chunk of LANES and a padded one of two; some inputs fail (a NaN input stands
        // for any blow-up), some never fire, the others fire at different rates. The batch
        // runs on the best instruction set here, the lone runs on the baseline.
        let base = [0.5, -1.0, 2.0, f64::NAN, 4.0, 0.01];
        let ps: Vec<QifParams> = (0..LANES + 2)
            .map(|k| params(base[k % base.len()] + 0.1 * (k / base.len()) as f64))
            .collect();
        type Lone = fn(&QifParams, f64, f64) -> Result<SpikeTrain, NumericalError>;
        let methods: [(Method, Lone); 4] = [
            (Method::Euler, simulate_euler),
            (Method::Rk4, simulate_rk4),
            (Method::Rk4Grid, simulate_rk4_grid),
            (Method::EulerInterpolated, simulate_euler_interpolated),
        ];
        for (method, lone) in methods {
            let batch = simulate_batch(method, &ps, 500.0, 0.1, 0);
            assert_eq!(batch.len(), ps.len());
            for (p, b) in ps.iter().zip(&batch) {
                let one = lone(p, 500.0, 0.1);
                match (&one, b) {
                    (Ok(x), Ok(y)) => {
                        assert_eq!(x.count, y.count, "{method:?} V0 = {}", p.v0);
                        assert_eq!(x.rate_hz.to_bits(), y.rate_hz.to_bits());
                        assert_eq!(x.first_ms.map(f64::to_bits), y.first_ms.map(f64::to_bits));
                        assert_eq!(x.last_ms.map(f64::to_bits), y.last_ms.map(f64::to_bits));
                    }
                    (Err(x), Err(y)) => assert_eq!(x.to_string(), y.to_string()),
                    _ => panic!("{method:?} V0 = {}: {one:?} against {b:?}", p.v0),
                }
            }
            assert!(batch[3].is_err(), "{method:?}: the NaN input must fail");
            assert!(batch[2].as_ref().is_ok_and(|t| t.count > 0));
        }
    }

    #[test]
    fn accurate_rate_matches_the_analytic_formula() {
        // Every input with three or more analytic periods in the 2 s run must fire and match
        // the formula; RK4 with interpolation achieves about 5e-11, the bound leaves a factor
        // of 20 for other platforms' libm. Inputs with less than one period must not fire.
        let mut compared = 0;
        for i in 0..=60 {
            let p = params(-1.0 + 0.1 * f64::from(i));
            let analytic = analytic_rate_hz(&p);
            let sim = simulate_rk4(&p, 2000.0, 0.01).unwrap().rate_hz;
            let periods = analytic * 2.0;
            if periods >= 3.0 {
                assert_relative_eq!(sim, analytic, max_relative = 1e-9);
                compared += 1;
            } else if periods < 1.0 {
                assert_eq!(sim, 0.0, "V0 = {}", p.v0);
            }
        }
        assert!(compared >= 45, "only {compared} inputs compared");
    }

    #[test]
    fn analytic_period_at_v0_one_by_hand() {
        // T = τ (atan 10 − atan(−10)) = 2τ atan 10 for V0 = 1.
        let t = analytic_period_ms(&params(1.0)).unwrap();
        assert_relative_eq!(t, 20.0 * 10f64.atan(), max_relative = 1e-15);
    }

    #[test]
    fn analytic_period_is_continuous_across_v0_zero() {
        let mut p = params(1e-9);
        p.v_reset = 2.0;
        let right = analytic_period_ms(&p).unwrap();
        p.v0 = 0.0;
        let zero = analytic_period_ms(&p).unwrap();
        p.v0 = -1e-9;
        let left = analytic_period_ms(&p).unwrap();
        assert_relative_eq!(right, zero, max_relative = 1e-6);
        assert_relative_eq!(left, zero, max_relative = 1e-6);
    }

    #[test]
    fn large_thresholds_approach_the_limit_rate() {
        let p = QifParams {
            v0: 2.0,
            tau_ms: 10.0,
            v_reset: -1e9,
            v_threshold: 1e9,
        };
        assert_relative_eq!(
            analytic_rate_hz(&p),
            limit_rate_hz(2.0, 10.0),
            max_relative = 1e-6
        );
    }

    #[test]
    fn euler_is_first_order() {
        // RMS relative error over inputs, so the grid's rounding of single periods averages out.
        let rms = |dt: f64| {
            let errs: Vec<f64> = (1..=20)
                .map(|k| {
                    let p = params(0.25 * f64::from(k));
                    let exact = analytic_rate_hz(&p);
                    (simulate_euler(&p, 2000.0, dt).unwrap().rate_hz - exact) / exact
                })
                .collect();
            (errs.iter().map(|e| e * e).sum::<f64>() / errs.len() as f64).sqrt()
        };
        let order = (rms(0.05) / rms(0.025)).log2();
        assert!((0.8..1.2).contains(&order), "observed order {order}");
    }

    #[test]
    fn no_firing_below_the_saddle_node() {
        let p = params(-0.5);
        assert_eq!(simulate_euler(&p, 2000.0, 0.1).unwrap().count, 0);
        assert_eq!(analytic_rate_hz(&p), 0.0);
    }

    #[test]
    fn spikes_are_capped_not_stored() {
        let p = QifParams {
            v0: 1.0,
            tau_ms: 10.0,
            v_reset: 0.0,
            v_threshold: 1e-9,
        };
        let mut c = Counter::new();
        c.spike(&p, 1.0, "RK4").unwrap();
        c.count = MAX_SPIKES;
        let err = c.spike(&p, 2.0, "RK4").unwrap_err().to_string();
        assert!(err.contains("more than 50000000 spikes"), "{err}");
        assert_eq!(c.finish().first_ms, Some(1.0));
    }
}
