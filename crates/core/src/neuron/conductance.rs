//! Conductance-based models and their integrators, generic over the model.
//!
//! A model has N state variables, `state[0]` the membrane potential V (mV), time in ms. Each
//! variable's equation is written as linear in that variable with the others frozen,
//! dx/dt = A + B·x ([`Model::linear`]): this is what exponential Euler needs (brian2's
//! `exponential_euler`: x ← −A/B + (x + A/B)·e^(B·dt)), and it gives the right-hand side for
//! RK4. Both integrators serve every model.
//!
//! Two paths step a neuron: [`run`], one neuron with the C library's `exp` (the path that
//! matches brian2's spike counts), and [`run_lanes`], [`LANES`] neurons at once as vectors,
//! with the lane math of [`crate::simd`] and AVX2 where the processor has it. Each lane's result
//! depends on its own input only, never on its neighbours or on the instruction set. A single
//! neuron can also take the lanes' bits without wasting three lanes: [`rk4_step_packed`] packs
//! its rate functions into the lanes instead ([`LaneModel::linear_packed`], tested bit for bit
//! against a lane).

use crate::analysis::linalg::{self, Square};
use crate::error::NumericalError;
use crate::simd::{F4, Isa, M4};

/// A conductance-based point neuron with N state variables.
pub trait Model<const N: usize>: Sync {
    /// Name for error messages, e.g. `Connor-Stevens (gA = 47.7, gK = 20)`.
    fn describe(&self) -> String;
    /// (A, B) of dx/dt = A + B·x for every variable at `s`, under input current `input`.
    fn linear(&self, s: &[f64; N], input: f64) -> [(f64, f64); N];
    /// The right-hand side dx/dt.
    fn derivative(&self, s: &[f64; N], input: f64) -> [f64; N] {
        let ab = self.linear(s, input);
        std::array::from_fn(|k| ab[k].0 + ab[k].1 * s[k])
    }
}

/// A model that can also be stepped four neurons at a time, each lane with its own parameters.
pub trait LaneModel<const N: usize>: Model<N> {
    /// The parameters of four models side by side, one per lane.
    type Lanes: Copy;
    /// Lane k holds the parameters of `models[k]`.
    fn lanes(models: [&Self; LANES]) -> Self::Lanes;
    /// [`Model::linear`] for four neurons at once, lane k with the parameters of lane k of
    /// `p`, with the lane math of [`crate::simd`]. Implementations are `#[inline(always)]`, so
    /// the instruction set of the caller reaches the arithmetic.
    fn linear_lanes(p: &Self::Lanes, s: &[F4; N], input: F4) -> [(F4, F4); N];
    /// [`LaneModel::linear_lanes`] of one neuron, its rate functions packed into the lanes
    /// instead: bit for bit lane 0 of `linear_lanes` with every lane holding `s`, at a fraction
    /// of the cost. What the bifurcation analysis's long single runs step with.
    fn linear_packed(&self, s: &[f64; N], input: f64) -> [(f64, f64); N];
}

/// The Jacobian of the right-hand side at `s` and input `input` by central differences, with
/// step `h(col)` for state variable `col`: two evaluations of the right-hand side per column
/// (each gives the whole column).
pub fn central_jacobian<M: Model<N>, const N: usize>(
    m: &M,
    s: &[f64; N],
    input: f64,
    h: impl Fn(usize) -> f64,
) -> Square {
    let columns: [([f64; N], f64); N] = std::array::from_fn(|col| {
        let h = h(col);
        let (mut up, mut down) = (*s, *s);
        up[col] += h;
        down[col] -= h;
        let (d_up, d_down) = (m.derivative(&up, input), m.derivative(&down, input));
        (std::array::from_fn(|row| d_up[row] - d_down[row]), 2.0 * h)
    });
    Square::from_fn(N, N, |row, col| columns[col].0[row] / columns[col].1)
}

/// Largest real part of the eigenvalues of the Jacobian of the right-hand side at `s`
/// (central differences): negative when `s` is a stable equilibrium, positive when unstable,
/// NaN when the eigenvalues cannot be computed (so never taken for a stable rest).
pub fn stability_exponent<M: Model<N>, const N: usize>(m: &M, s: &[f64; N], input: f64) -> f64 {
    linalg::eigenvalues(&central_jacobian(m, s, input, |col| {
        1e-6 * s[col].abs().max(1e-3)
    }))
    .map_or(f64::NAN, |e| {
        e.iter().map(|z| z.0).fold(f64::NEG_INFINITY, f64::max)
    })
}

/// How to advance the state by one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// brian2's `exponential_euler` (first order, stable for stiff gates).
    ExponentialEuler,
    /// Classical fourth-order Runge–Kutta.
    Rk4,
}

impl Method {
    /// Name as shown in the report.
    pub fn name(self) -> &'static str {
        match self {
            Method::ExponentialEuler => "exponential Euler",
            Method::Rk4 => "RK4",
        }
    }
}

/// One exponential-Euler step: every variable advanced exactly for its frozen linear equation.
pub fn exponential_euler_step<M: Model<N>, const N: usize>(
    m: &M,
    s: &mut [f64; N],
    input: f64,
    dt: f64,
) {
    let ab = m.linear(s, input);
    for k in 0..N {
        let (a, b) = ab[k];
        if b == 0.0 {
            s[k] += a * dt;
        } else {
            let ba = a / b;
            s[k] = -ba + (s[k] + ba) * (b * dt).exp();
        }
    }
}

/// One RK4 step.
pub fn rk4_step<M: Model<N>, const N: usize>(m: &M, s: &mut [f64; N], input: f64, dt: f64) {
    rk4_with(|x| m.derivative(x, input), s, dt);
}

/// One RK4 step with [`LaneModel::linear_packed`]: bit for bit a lane of the RK4 of
/// [`run_lanes`]. `#[inline(always)]`, so the instruction set of the caller reaches the lane
/// math.
#[inline(always)]
pub fn rk4_step_packed<M: LaneModel<N>, const N: usize>(
    m: &M,
    s: &mut [f64; N],
    input: f64,
    dt: f64,
) {
    rk4_with(
        #[inline(always)]
        |x| {
            let ab = m.linear_packed(x, input);
            std::array::from_fn(|k| ab[k].0 + ab[k].1 * x[k])
        },
        s,
        dt,
    );
}

/// The RK4 update for a right-hand side `f`, in the order of operations of the lane kernel.
#[inline(always)]
fn rk4_with<const N: usize>(f: impl Fn(&[f64; N]) -> [f64; N], s: &mut [f64; N], dt: f64) {
    #[inline(always)]
    fn add<const N: usize>(x: &[f64; N], k: &[f64; N], h: f64) -> [f64; N] {
        std::array::from_fn(|i| x[i] + h * k[i])
    }
    let k1 = f(s);
    let k2 = f(&add(s, &k1, 0.5 * dt));
    let k3 = f(&add(s, &k2, 0.5 * dt));
    let k4 = f(&add(s, &k3, dt));
    for i in 0..N {
        s[i] += dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
    }
}

/// [`exponential_euler_step`] or [`rk4_step`], for four neurons at once.
#[inline(always)]
pub(crate) fn step_lanes<M: LaneModel<N>, const N: usize>(
    p: &M::Lanes,
    s: &mut [F4; N],
    input: F4,
    method: Method,
    dt: f64,
) {
    match method {
        Method::ExponentialEuler => {
            let ab = M::linear_lanes(p, s, input);
            for k in 0..N {
                let (a, b) = ab[k];
                let ba = a / b;
                let exact = -ba + (s[k] + ba) * (b * dt).exp();
                s[k] = F4::select(b.is_zero(), s[k] + a * dt, exact);
            }
        }
        Method::Rk4 => {
            let derivative = |x: &[F4; N]| -> [F4; N] {
                let ab = M::linear_lanes(p, x, input);
                std::array::from_fn(|i| ab[i].0 + ab[i].1 * x[i])
            };
            let add = |x: &[F4; N], k: &[F4; N], h: f64| -> [F4; N] {
                std::array::from_fn(|i| x[i] + k[i] * h)
            };
            let k1 = derivative(s);
            let k2 = derivative(&add(s, &k1, 0.5 * dt));
            let k3 = derivative(&add(s, &k2, 0.5 * dt));
            let k4 = derivative(&add(s, &k3, dt));
            for i in 0..N {
                s[i] = s[i] + (k1[i] + k2[i] * 2.0 + k3[i] * 2.0 + k4[i]) * (dt / 6.0);
            }
        }
    }
}

/// How a run ends and how spikes are counted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunSpec {
    /// Integration method.
    pub method: Method,
    /// Time step (ms).
    pub dt_ms: f64,
    /// Longest simulated time (ms).
    pub duration_ms: f64,
    /// A spike is an upward crossing of this voltage (mV); the next needs V to fall below it.
    pub threshold_mv: f64,
    /// Stop early once this many spikes occurred after `transient_ms` (0: never stop early).
    pub stop_after_spikes: usize,
    /// Spikes before this time (ms) are the transient.
    pub transient_ms: f64,
    /// Stop early once the state has settled on a stable equilibrium (it can never spike
    /// again): checked every [`REST_CHECK_STEPS`] steps, when every derivative is below
    /// [`REST_DERIVATIVE`] and the Jacobian there has only eigenvalues with negative real
    /// part. Spike counts and rates are unchanged; silent runs end in a fraction of the time.
    pub stop_at_rest: bool,
}

/// Steps between two checks of [`RunSpec::stop_at_rest`].
pub const REST_CHECK_STEPS: usize = 200;

/// Largest |dx/dt| (per ms, mV/ms for V) of a state taken as settled on an equilibrium.
pub const REST_DERIVATIVE: f64 = 1e-9;

/// Whether, at step `step` of a run, the state has settled on a stable equilibrium and can
/// never spike again: checked every [`REST_CHECK_STEPS`] steps, true when every derivative is
/// below [`REST_DERIVATIVE`] and the Jacobian there has only eigenvalues with negative real
/// part.
pub fn settled_at_rest<M: Model<N>, const N: usize>(
    m: &M,
    s: &[f64; N],
    input: f64,
    step: usize,
) -> bool {
    step % REST_CHECK_STEPS == REST_CHECK_STEPS - 1
        && m.derivative(s, input)
            .iter()
            .all(|d| d.abs() < REST_DERIVATIVE)
        && stability_exponent(m, s, input) < 0.0
}

/// |V| beyond this (mV) is a blow-up.
pub const V_BOUND_MV: f64 = 1000.0;

/// Simulates one neuron from `init` under constant `input`, returning spike times (ms),
/// linearly interpolated between steps. A non-finite or unbounded V is an error naming the
/// model, the input and the time.
pub fn run<M: Model<N>, const N: usize>(
    m: &M,
    init: [f64; N],
    input: f64,
    spec: &RunSpec,
) -> Result<Vec<f64>, NumericalError> {
    let mut s = init;
    let n_steps = super::clock::brian2_steps(spec.duration_ms, spec.dt_ms) as usize;
    let mut counter = SpikeCounter::new(s[0], spec);
    for step in 0..n_steps {
        let v_before = s[0];
        match spec.method {
            Method::ExponentialEuler => exponential_euler_step(m, &mut s, input, spec.dt_ms),
            Method::Rk4 => rk4_step(m, &mut s, input, spec.dt_ms),
        }
        if counter.observe(m, &s, input, spec, step, v_before)? {
            break;
        }
    }
    Ok(counter.times)
}

/// The spikes of one neuron as it is stepped, and whether its run is over.
struct SpikeCounter {
    times: Vec<f64>,
    armed: bool,
    after_transient: usize,
}

impl SpikeCounter {
    fn new(v0: f64, spec: &RunSpec) -> SpikeCounter {
        SpikeCounter {
            times: Vec::new(),
            armed: v0 <= spec.threshold_mv,
            after_transient: 0,
        }
    }

    /// Takes the state `s` after step `step` (V was `v_before` before it): records a spike,
    /// and says whether the run is over (enough spikes, or settled at rest). A non-finite or
    /// unbounded state is an error naming the model, the input and the time.
    fn observe<M: Model<N>, const N: usize>(
        &mut self,
        m: &M,
        s: &[f64; N],
        input: f64,
        spec: &RunSpec,
        step: usize,
        v_before: f64,
    ) -> Result<bool, NumericalError> {
        let v = s[0];
        if !v.is_finite() || v.abs() > V_BOUND_MV || s.iter().any(|x| !x.is_finite()) {
            return Err(NumericalError {
                model: m.describe(),
                parameters: format!(
                    "I = {input}, {} at dt = {} ms",
                    spec.method.name(),
                    spec.dt_ms
                ),
                when: format!("t = {} ms", (step + 1) as f64 * spec.dt_ms),
                value: v,
            });
        }
        if self.armed && v > spec.threshold_mv {
            let frac = (spec.threshold_mv - v_before) / (v - v_before);
            let t = (step as f64 + frac) * spec.dt_ms;
            self.times.push(t);
            self.armed = false;
            if t >= spec.transient_ms {
                self.after_transient += 1;
                if spec.stop_after_spikes > 0 && self.after_transient >= spec.stop_after_spikes {
                    return Ok(true);
                }
            }
        } else if v <= spec.threshold_mv {
            self.armed = true;
        }
        Ok(spec.stop_at_rest && settled_at_rest(m, s, input, step))
    }
}

/// Neurons per batch of [`run_lanes`].
pub const LANES: usize = 4;

/// [`run`] for up to [`LANES`] neurons from the same `init`, one per input, stepped together
/// as vectors (the lane math of [`crate::simd`], AVX2 where the processor has it). Returns each
/// neuron's spike times or error, in the order of `inputs`; each is exactly what a batch of
/// that input alone would give, on any processor.
pub fn run_lanes<M: LaneModel<N>, const N: usize>(
    m: &M,
    init: [f64; N],
    inputs: &[f64],
    spec: &RunSpec,
) -> Vec<Result<Vec<f64>, NumericalError>> {
    run_lanes_on(Isa::detect(), m, init, inputs, spec)
}

/// [`run_lanes`] for any number of inputs, [`LANES`] at a time in parallel (rayon), in order;
/// `done(n)` after each batch of n inputs (for progress).
pub fn run_all<M: LaneModel<N>, const N: usize>(
    m: &M,
    init: [f64; N],
    inputs: &[f64],
    spec: &RunSpec,
    done: &(dyn Fn(usize) + Sync),
) -> Vec<Result<Vec<f64>, NumericalError>> {
    crate::par::map_chunks(inputs, LANES, |chunk| {
        let runs = run_lanes(m, init, chunk, spec);
        done(chunk.len());
        runs
    })
    .concat()
}

/// [`run_lanes`] compiled for `isa` (for the test that the instruction sets agree).
pub fn run_lanes_on<M: LaneModel<N>, const N: usize>(
    isa: Isa,
    m: &M,
    init: [f64; N],
    inputs: &[f64],
    spec: &RunSpec,
) -> Vec<Result<Vec<f64>, NumericalError>> {
    assert!(
        (1..=LANES).contains(&inputs.len()),
        "{} inputs for {LANES} lanes",
        inputs.len()
    );
    crate::multiversion!(isa, lanes_body(m, init, inputs, spec))
}

#[inline(always)]
fn lanes_body<M: LaneModel<N>, const N: usize>(
    m: &M,
    init: [f64; N],
    inputs: &[f64],
    spec: &RunSpec,
) -> Vec<Result<Vec<f64>, NumericalError>> {
    let n = inputs.len();
    let p = M::lanes([m; LANES]);
    let mut input = F4(std::array::from_fn(|k| inputs[k.min(n - 1)]));
    let mut s: [F4; N] = std::array::from_fn(|i| F4::splat(init[i]));
    let mut counters: Vec<SpikeCounter> =
        (0..n).map(|_| SpikeCounter::new(init[0], spec)).collect();
    let mut outcome: Vec<Option<Result<(), NumericalError>>> = (0..n).map(|_| None).collect();
    let n_steps = super::clock::brian2_steps(spec.duration_ms, spec.dt_ms) as usize;
    // Lanes with an outcome (and padding lanes), and lanes whose counter is armed, as bit
    // masks (bit k for lane k), updated whenever the bookkeeping runs: the test for a quiet
    // step below is then a few vector compares and one mask, not each lane's flags and
    // comparisons one at a time.
    let masks = |outcome: &[Option<_>], counters: &[SpikeCounter]| {
        (
            M4::from_fn(|k| k >= n || outcome[k].is_some()).bits(),
            M4::from_fn(|k| k < n && counters[k].armed).bits(),
        )
    };
    let (mut ended, mut armed) = masks(&outcome, &counters);
    let (bound, threshold) = (F4::splat(V_BOUND_MV), F4::splat(spec.threshold_mv));
    for step in 0..n_steps {
        let v_before = s[0];
        step_lanes::<M, N>(&p, &mut s, input, spec.method, spec.dt_ms);
        // Nothing to record in most steps: every running lane finite and bounded, on the same
        // side of the threshold as before, and no check for rest due. Tested with a few
        // vector operations instead of each lane's bookkeeping (x·0 is NaN exactly for an
        // infinite or NaN x).
        let rest_check = spec.stop_at_rest && step % REST_CHECK_STEPS == REST_CHECK_STEPS - 1;
        if !rest_check {
            let mut nan = s[0] * 0.0;
            for x in &s[1..] {
                nan = nan + *x * 0.0;
            }
            let v = s[0];
            let ok = nan.is_number().and(v.abs().le(bound)).bits();
            let quiet = (ended | (ok & (v.gt(threshold).bits() ^ armed))) == 0b1111;
            if quiet {
                continue;
            }
        }
        let mut retired = false;
        for k in 0..n {
            if outcome[k].is_some() {
                continue;
            }
            let lane: [f64; N] = std::array::from_fn(|i| s[i].0[k]);
            match counters[k].observe(m, &lane, inputs[k], spec, step, v_before.0[k]) {
                Ok(false) => {}
                Ok(true) => outcome[k] = Some(Ok(())),
                Err(e) => outcome[k] = Some(Err(e)),
            }
            retired |= outcome[k].is_some();
        }
        (ended, armed) = masks(&outcome, &counters);
        if retired {
            // A finished lane (and a padding lane) follows a running one from now on, so it
            // never computes on a state that blew up; when none runs, the batch is over.
            let Some(live) = (0..n).find(|&k| outcome[k].is_none()) else {
                break;
            };
            for k in (0..LANES).filter(|&k| k >= n || outcome[k].is_some()) {
                input.0[k] = input.0[live];
                for x in s.iter_mut() {
                    x.0[k] = x.0[live];
                }
            }
        }
    }
    counters
        .into_iter()
        .zip(outcome)
        .map(|(c, o)| match o {
            Some(Err(e)) => Err(e),
            _ => Ok(c.times),
        })
        .collect()
}

/// Rate (Hz) from the mean interspike interval of spike times (ms): (n − 1)/(t_n − t_1);
/// 0 with fewer than two spikes.
pub fn isi_rate_hz(times_ms: &[f64]) -> f64 {
    match times_ms {
        [first, .., last] if last > first => 1000.0 * (times_ms.len() - 1) as f64 / (last - first),
        _ => 0.0,
    }
}

/// [`isi_rate_hz`] of the spikes at or after `transient_ms` (spike times are increasing).
pub fn rate_after_transient(times_ms: &[f64], transient_ms: f64) -> f64 {
    let first_late = times_ms.partition_point(|&t| t < transient_ms);
    isi_rate_hz(&times_ms[first_late..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::neuron::connor_stevens::ConnorStevens;
    use crate::neuron::hodgkin_huxley::HodgkinHuxley;

    fn spec(method: Method, dt_ms: f64, duration_ms: f64) -> RunSpec {
        RunSpec {
            method,
            dt_ms,
            duration_ms,
            threshold_mv: -20.0,
            stop_after_spikes: 0,
            transient_ms: 0.0,
            stop_at_rest: false,
        }
    }

    /// Bits of every spike time of every lane (errors as their message).
    fn bits(runs: &[Result<Vec<f64>, NumericalError>]) -> Vec<Result<Vec<u64>, String>> {
        runs.iter()
            .map(|r| match r {
                Ok(t) => Ok(t.iter().map(|x| x.to_bits()).collect()),
                Err(e) => Err(e.to_string()),
            })
            .collect()
    }

    #[test]
    fn a_lane_depends_on_its_own_input_only_on_every_instruction_set() {
        let cs = ConnorStevens::default();
        let rest = cs.resting_state(0.0).unwrap();
        // Silent (stops at rest), firing (stops after 3 spikes late), firing all along.
        let inputs = [2.0, 8.5, 20.0, 40.0];
        let s = RunSpec {
            stop_after_spikes: 3,
            transient_ms: 150.0,
            stop_at_rest: true,
            ..spec(Method::Rk4, 0.05, 400.0)
        };
        let mut seen = Vec::new();
        for isa in Isa::available() {
            let together = bits(&run_lanes_on(isa, &cs, rest, &inputs, &s));
            for (k, &i) in inputs.iter().enumerate() {
                let alone = bits(&run_lanes_on(isa, &cs, rest, &[i], &s));
                assert_eq!(alone[0], together[k], "{isa:?}, I = {i}");
            }
            let pair = bits(&run_lanes_on(isa, &cs, rest, &inputs[1..3], &s));
            assert_eq!(pair[..], together[1..3]);
            seen.push(together);
        }
        assert!(
            seen.iter().all(|t| t == &seen[0]),
            "instruction sets differ"
        );
        assert!(matches!(&seen[0][0], Ok(t) if t.is_empty()));
        assert!(matches!(&seen[0][3], Ok(t) if t.len() > 3));
    }

    /// States spread over the range the models visit, V from −100 to 60 mV (and the singular
    /// voltages of the α rates), gates in (0, 1).
    fn states<const N: usize>(singular: &[f64]) -> Vec<[f64; N]> {
        let mut v: Vec<f64> = (0..=320).map(|k| -100.0 + 0.5 * f64::from(k)).collect();
        v.extend_from_slice(singular);
        v.iter()
            .enumerate()
            .map(|(k, &v)| {
                std::array::from_fn(|i| {
                    if i == 0 {
                        v
                    } else {
                        ((k * 7 + i * 13) % 97) as f64 / 97.0 + 0.004
                    }
                })
            })
            .collect()
    }

    /// Lane j of a batch holds `models[j]`; every lane must equal that model alone with its
    /// rates packed.
    fn packed_matches_lanes<M: LaneModel<N>, const N: usize>(
        models: [&M; LANES],
        states: &[[f64; N]],
    ) {
        for isa in Isa::available() {
            for (k, quad) in states.chunks_exact(LANES).enumerate() {
                let input = 3.0 * k as f64 - 20.0;
                let lanes = crate::multiversion!(isa, lanes_of(models, quad, input));
                for (j, s) in quad.iter().enumerate() {
                    let packed = crate::multiversion!(isa, packed_of(models[j], s, input));
                    for (i, (p, l)) in packed.iter().zip(&lanes).enumerate() {
                        assert_eq!(
                            (p.0.to_bits(), p.1.to_bits()),
                            (l.0.0[j].to_bits(), l.1.0[j].to_bits()),
                            "{isa:?}, {}, variable {i} at {s:?}",
                            models[j].describe()
                        );
                    }
                }
            }
        }
    }

    #[inline(always)]
    fn lanes_of<M: LaneModel<N>, const N: usize>(
        models: [&M; LANES],
        quad: &[[f64; N]],
        input: f64,
    ) -> [(F4, F4); N] {
        let s: [F4; N] = std::array::from_fn(|i| F4(std::array::from_fn(|j| quad[j][i])));
        M::linear_lanes(&M::lanes(models), &s, F4::splat(input))
    }

    #[inline(always)]
    fn packed_of<M: LaneModel<N>, const N: usize>(
        m: &M,
        s: &[f64; N],
        input: f64,
    ) -> [(f64, f64); N] {
        m.linear_packed(s, input)
    }

    #[test]
    fn one_neuron_with_packed_rates_is_bit_for_bit_a_lane_of_any_batch() {
        // α_m and α_n are singular at −29.7 and −45.7 mV (Connor–Stevens), at 13 + V_T,
        // 40 + V_T and 15 + V_T (Hodgkin–Huxley, V_T = −63 mV). Lanes hold different models.
        let cs = ConnorStevens::default();
        let others = [
            ConnorStevens::with_conductances(0.0, 67.7),
            ConnorStevens::with_conductances(20.0, 20.0),
            ConnorStevens {
                c_m: 1.3,
                g_l: 0.5,
                e_l: -60.0,
                ..ConnorStevens::with_conductances(33.0, 25.0)
            },
        ];
        let cs_states = states(&[-29.7, -45.7, 0.0]);
        packed_matches_lanes([&cs; LANES], &cs_states);
        packed_matches_lanes([&cs, &others[0], &others[1], &others[2]], &cs_states);
        let hh = HodgkinHuxley::default();
        let hh_other = HodgkinHuxley {
            v_t: -58.0,
            c_m: 1.5,
            ..HodgkinHuxley::default()
        };
        let hh_states = states(&[-50.0, -23.0, -48.0]);
        packed_matches_lanes([&hh; LANES], &hh_states);
        packed_matches_lanes([&hh_other, &hh, &hh, &hh_other], &hh_states);
    }

    #[test]
    fn a_blow_up_in_one_lane_is_its_error_and_leaves_the_others() {
        let hh = HodgkinHuxley::default();
        let init = hh.brian2_initial_state();
        // RK4 at 0.1 ms runs away for a strong input, not for a weak one.
        let s = spec(Method::Rk4, 0.1, 300.0);
        let runs = run_lanes(&hh, init, &[0.0, 1e4], &s);
        assert!(runs[0].is_ok());
        let err = runs[1].as_ref().unwrap_err().to_string();
        assert!(err.contains("I = 10000, RK4 at dt = 0.1 ms"), "{err}");
        let alone = run(&hh, init, 1e4, &s).unwrap_err().to_string();
        assert_eq!(err.split(", t = ").next(), alone.split(", t = ").next());
    }

    #[test]
    fn the_lane_math_moves_spike_times_by_less_than_a_picosecond() {
        let hh = HodgkinHuxley::default();
        let cs = ConnorStevens::default();
        let cs_rest = cs.resting_state(0.0).unwrap();
        let mut worst: f64 = 0.0;
        let mut compare = |lanes: Vec<Result<Vec<f64>, NumericalError>>, one: Vec<Vec<f64>>| {
            for (a, b) in lanes.into_iter().zip(one) {
                let a = a.unwrap();
                assert_eq!(a.len(), b.len());
                for (x, y) in a.iter().zip(&b) {
                    worst = worst.max((x - y).abs());
                }
            }
        };
        let s = spec(Method::Rk4, 0.025, 2000.0);
        let inputs = [3.0, 10.0, 30.0, 60.0];
        let one = inputs
            .iter()
            .map(|&i| run(&hh, hh.brian2_initial_state(), i, &s).unwrap())
            .collect();
        compare(run_lanes(&hh, hh.brian2_initial_state(), &inputs, &s), one);
        let s = spec(Method::Rk4, 0.05, 2000.0);
        let inputs = [8.5, 12.0, 25.0, 40.0];
        let one = inputs
            .iter()
            .map(|&i| run(&cs, cs_rest, i, &s).unwrap())
            .collect();
        compare(run_lanes(&cs, cs_rest, &inputs, &s), one);
        // Rounding differences of 1e-16 per step drift a spike by about steps × 1e-16 × period,
        // 1e-9 ms at most here; measured: a few 1e-12 ms.
        assert!(worst < 1e-9, "{worst} ms");
    }
}
