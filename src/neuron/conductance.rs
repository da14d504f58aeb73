//! Conductance-based models and their integrators, generic over the model.
//!
//! A model has N state variables, `state[0]` the membrane potential V (mV), time in ms. Each
//! variable's equation is written as linear in that variable with the others frozen,
//! dx/dt = A + B·x ([`Model::linear`]): this is what exponential Euler needs (brian2's
//! `exponential_euler`: x ← −A/B + (x + A/B)·e^(B·dt)), and it gives the right-hand side for
//! RK4. Both integrators serve every model. Neurons are independent, so a batch is stepped
//! neuron by neuron in parallel (the cost is in `exp`, a library call, not in arithmetic the
//! compiler could vectorise across neurons).

use crate::error::NumericalError;

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

/// Largest real part of the eigenvalues of the Jacobian of the right-hand side at `s`
/// (central differences): negative when `s` is a stable equilibrium, positive when unstable.
pub fn stability_exponent<M: Model<N>, const N: usize>(m: &M, s: &[f64; N], input: f64) -> f64 {
    let jacobian = nalgebra::DMatrix::from_fn(N, N, |row, col| {
        let h = 1e-6 * s[col].abs().max(1e-3);
        let (mut up, mut down) = (*s, *s);
        up[col] += h;
        down[col] -= h;
        (m.derivative(&up, input)[row] - m.derivative(&down, input)[row]) / (2.0 * h)
    });
    jacobian
        .complex_eigenvalues()
        .iter()
        .map(|z| z.re)
        .fold(f64::NEG_INFINITY, f64::max)
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
    let add = |x: &[f64; N], k: &[f64; N], h: f64| -> [f64; N] {
        std::array::from_fn(|i| x[i] + h * k[i])
    };
    let k1 = m.derivative(s, input);
    let k2 = m.derivative(&add(s, &k1, 0.5 * dt), input);
    let k3 = m.derivative(&add(s, &k2, 0.5 * dt), input);
    let k4 = m.derivative(&add(s, &k3, dt), input);
    for i in 0..N {
        s[i] += dt / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
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
    let mut times = Vec::new();
    let mut armed = s[0] <= spec.threshold_mv;
    let mut after_transient = 0usize;
    for step in 0..n_steps {
        let v_before = s[0];
        match spec.method {
            Method::ExponentialEuler => exponential_euler_step(m, &mut s, input, spec.dt_ms),
            Method::Rk4 => rk4_step(m, &mut s, input, spec.dt_ms),
        }
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
        if armed && v > spec.threshold_mv {
            let frac = (spec.threshold_mv - v_before) / (v - v_before);
            let t = (step as f64 + frac) * spec.dt_ms;
            times.push(t);
            armed = false;
            if t >= spec.transient_ms {
                after_transient += 1;
                if spec.stop_after_spikes > 0 && after_transient >= spec.stop_after_spikes {
                    break;
                }
            }
        } else if v <= spec.threshold_mv {
            armed = true;
        }
        if spec.stop_at_rest && settled_at_rest(m, &s, input, step) {
            break;
        }
    }
    Ok(times)
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
