//! Homework 1.2 and 1.4: the QIF F-I curve, simulated clock-driven as brian2 would (forward
//! Euler) and accurately (RK4 with spike-time interpolation), against the analytic curve from
//! separation of variables; and the convergence of the Euler curve as dt shrinks.

use crate::config::budget::{QIF_EULER_NS_PER_STEP, QIF_RK4_NS_PER_STEP};
use crate::config::{Config, QifConfig};
use crate::error::NumericalError;
use crate::neuron::qif::{self, Method, QifParams};
use crate::par;

/// The accurate (RK4) run of an input stops at this spike: started at the reset, the neuron
/// is periodic from its first spike, so 20 intervals give its rate as well as the whole run
/// (interpolated spike times are exact to about 1e-10 of a period). Inputs that fire fewer
/// times run the whole duration.
pub const ACCURATE_SPIKES: u64 = 21;

/// Inputs enter the error statistics when this many analytic periods fit in the run, so
/// every method has at least two spikes.
pub const COMPARED_PERIODS: f64 = 3.0;

/// The smallest analytic rate (Hz) that enters the error statistics for a run of `duration_ms`.
pub fn min_compared_rate_hz(duration_ms: f64) -> f64 {
    COMPARED_PERIODS * 1000.0 / duration_ms
}

/// One point of the Euler convergence study.
#[derive(Debug, Clone, PartialEq)]
pub struct ConvergencePoint {
    /// Time step (ms).
    pub dt_ms: f64,
    /// Root-mean-square relative rate error over the compared inputs.
    pub rms_relative_error: f64,
    /// Largest absolute rate error over the compared inputs (Hz).
    pub max_abs_error_hz: f64,
    /// RMS relative error of RK4 on the same grid, spikes stamped at the step start.
    pub rk4_grid_rms_relative_error: f64,
    /// RMS relative error of Euler with the threshold crossing interpolated in the step.
    pub euler_interpolated_rms_relative_error: f64,
}

/// Interpolated Euler's order with the other kind of reset than the configuration's. Its
/// period error is (dt/2)·ln[(V0 + V_th²)/(V0 + V_r²)] to first order (Euler solves
/// τV̇ = f − (dt/2τ)·f·f′ exactly, f = V0 + V², so the passage from V_r to V_th takes
/// (dt/2)∫f′/f dV longer): it vanishes when V_r = −V_th, and the method is then of second
/// order. With V_r = −V_th configured, this is the order at V_r = V_r/2; otherwise at
/// V_r = −V_th.
#[derive(Debug, Clone, PartialEq)]
pub struct OtherReset {
    /// The reset used.
    pub v_reset: f64,
    /// The order of interpolated Euler between the two finest convergence steps.
    pub euler_interp_order: f64,
}

/// The configuration's reset is the threshold's mirror image, V_r = −V_th.
pub fn symmetric_reset(q: &QifConfig) -> bool {
    (q.v_reset + q.v_threshold).abs() <= 1e-12 * q.v_threshold.abs().max(1.0)
}

/// The two finest of the convergence steps, finest first (fewer when there are fewer).
fn finest_two(dts: &[f64]) -> Vec<f64> {
    let mut d = dts.to_vec();
    d.sort_by(f64::total_cmp);
    d.truncate(2);
    d
}

/// [`OtherReset`] on the compared inputs `v0` that still fire with the other reset.
fn other_reset_order(
    q: &QifConfig,
    v0: &[f64],
    dts: &[f64],
) -> Result<Option<OtherReset>, NumericalError> {
    if dts.len() < 2 || v0.is_empty() {
        return Ok(None);
    }
    let v_reset = if symmetric_reset(q) {
        q.v_reset / 2.0
    } else {
        -q.v_threshold
    };
    let other = QifConfig {
        v_reset,
        ..q.clone()
    };
    let analytic: Vec<f64> = v0
        .iter()
        .map(|&v| qif::analytic_rate_hz(&params(&other, v)))
        .collect();
    let all = vec![true; v0.len()];
    let mut errors_at = Vec::with_capacity(2);
    for &dt in dts {
        let rates = batch_rates(&other, v0, Method::EulerInterpolated, dt, &|_| {})?;
        errors_at.push(errors(&rates, &analytic, &all).2);
    }
    Ok(Some(OtherReset {
        v_reset,
        euler_interp_order: log_log_slope(dts, &errors_at),
    }))
}

/// Error of one simulation method against the analytic curve.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodError {
    /// Method name as shown in the report.
    pub method: &'static str,
    /// Its time step (ms).
    pub dt_ms: f64,
    /// Largest absolute rate error (Hz).
    pub max_abs_error_hz: f64,
    /// Largest relative rate error.
    pub max_relative_error: f64,
    /// Root-mean-square relative rate error.
    pub rms_relative_error: f64,
}

/// The QIF F-I experiment's outcome, one entry per input in sweep order.
#[derive(Debug, Clone, PartialEq)]
pub struct QifFiResult {
    /// Inputs V0.
    pub v0: Vec<f64>,
    /// Spikes in the Euler run.
    pub spike_count: Vec<u64>,
    /// Euler (brian2-style) rate from the interspike intervals (Hz).
    pub rate_euler_hz: Vec<f64>,
    /// RK4 rate from interpolated spike times (Hz).
    pub rate_accurate_hz: Vec<f64>,
    /// Analytic rate (Hz).
    pub rate_analytic_hz: Vec<f64>,
    /// The limit √V0/(πτ) for infinite threshold and reset (Hz).
    pub rate_limit_hz: Vec<f64>,
    /// Number of inputs compared in the error statistics (three analytic periods fit in the
    /// run, so every method has at least two spikes).
    pub compared_inputs: usize,
    /// Errors of the Euler and RK4 curves against the analytic one.
    pub method_errors: Vec<MethodError>,
    /// Euler error for each step of the convergence study, in the configured order.
    pub convergence: Vec<ConvergencePoint>,
    /// Interpolated Euler's order between the two finest steps with the other kind of reset
    /// (see [`OtherReset`]); `None` with fewer than two steps.
    pub other_reset: Option<OtherReset>,
    /// Least-squares slope of log error against log dt over all steps.
    pub observed_order: f64,
    /// Slope between the two smallest steps: the asymptotic order of Euler.
    pub asymptotic_order: f64,
    /// The linear large-input asymptote checked by simulation (RK4 with interpolation).
    pub far: super::lif_fi::FarInput,
}

/// The sweep's inputs: v0_min + i·step, rounded to 1e-9 so that grid values such as 0 are
/// exact.
pub fn sweep(cfg: &QifConfig) -> Vec<f64> {
    let n = ((cfg.v0_max - cfg.v0_min) / cfg.v0_step).round() as usize + 1;
    (0..n)
        .map(|i| ((cfg.v0_min + i as f64 * cfg.v0_step) * 1e9).round() / 1e9)
        .filter(|&v| v <= cfg.v0_max + 1e-9)
        .collect()
}

/// Parameters of the neuron with input `v0`.
pub fn params(cfg: &QifConfig, v0: f64) -> QifParams {
    QifParams {
        v0,
        tau_ms: cfg.tau_ms,
        v_reset: cfg.v_reset,
        v_threshold: cfg.v_threshold,
    }
}

fn errors(sim: &[f64], analytic: &[f64], mask: &[bool]) -> (f64, f64, f64) {
    let (mut max_abs, mut max_rel, mut sum_sq, mut n) = (0.0_f64, 0.0_f64, 0.0, 0usize);
    for ((s, a), &m) in sim.iter().zip(analytic).zip(mask) {
        if m {
            let rel = (s - a).abs() / a;
            max_abs = max_abs.max((s - a).abs());
            max_rel = max_rel.max(rel);
            sum_sq += rel * rel;
            n += 1;
        }
    }
    (max_abs, max_rel, (sum_sq / n.max(1) as f64).sqrt())
}

fn euler_rates(
    cfg: &QifConfig,
    v0: &[f64],
    dt_ms: f64,
    meter: super::Meter,
) -> Result<Vec<f64>, NumericalError> {
    let run_ns = (cfg.duration_ms / dt_ms).ceil() * QIF_EULER_NS_PER_STEP;
    batch_rates(cfg, v0, Method::Euler, dt_ms, &|n| meter(n as f64 * run_ns))
}

/// Rates of `method` at every input of `v0`, [`qif::LANES`] inputs at a time per thread, in
/// order; `done(n)` after each chunk of n inputs.
fn batch_rates(
    cfg: &QifConfig,
    v0: &[f64],
    method: Method,
    dt_ms: f64,
    done: &(dyn Fn(usize) + Sync),
) -> Result<Vec<f64>, NumericalError> {
    let chunks: Vec<Vec<f64>> = par::map_chunks(v0, qif::LANES, |chunk| {
        let ps: Vec<QifParams> = chunk.iter().map(|&v| params(cfg, v)).collect();
        let out = qif::simulate_batch(method, &ps, cfg.duration_ms, dt_ms, 0)
            .into_iter()
            .map(|r| r.map(|t| t.rate_hz))
            .collect::<Result<Vec<f64>, NumericalError>>();
        done(chunk.len());
        out
    })
    .into_iter()
    .collect::<Result<_, NumericalError>>()?;
    Ok(chunks.into_iter().flatten().collect())
}

/// Why the QIF experiment failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum QifError {
    /// A simulation blew up.
    #[error(transparent)]
    Numerical(#[from] NumericalError),
    /// Too few inputs fire for the error statistics and the convergence order.
    #[error(
        "only {firing} of {inputs} QIF inputs fire {periods} times in qif.duration_ms = {duration_ms} ms; \
         the error statistics need at least 2: raise qif.v0_max or lengthen qif.duration_ms",
        periods = COMPARED_PERIODS
    )]
    TooFewFiring {
        /// Inputs that fire often enough.
        firing: usize,
        /// Inputs of the sweep.
        inputs: usize,
        /// The run's length (ms).
        duration_ms: f64,
    },
}

/// Runs the sweep with both methods, the analytic curve and the convergence study.
pub fn run(cfg: &Config, meter: super::Meter) -> Result<QifFiResult, QifError> {
    let q = &cfg.qif;
    let v0 = sweep(q);
    let input_ns = (q.duration_ms / q.dt_ms).ceil() * QIF_EULER_NS_PER_STEP
        + (q.duration_ms / q.dt_accurate_ms).ceil() * QIF_RK4_NS_PER_STEP;
    let per_chunk: Vec<Vec<(u64, f64, f64)>> = par::map_chunks(&v0, qif::LANES, |chunk| {
        let ps: Vec<QifParams> = chunk.iter().map(|&v| params(q, v)).collect();
        let euler = qif::simulate_batch(Method::Euler, &ps, q.duration_ms, q.dt_ms, 0);
        let rk4 = qif::simulate_batch(
            Method::Rk4,
            &ps,
            q.duration_ms,
            q.dt_accurate_ms,
            ACCURATE_SPIKES,
        );
        meter(chunk.len() as f64 * input_ns);
        euler
            .into_iter()
            .zip(rk4)
            .map(|(e, r)| {
                let (e, r) = (e?, r?);
                Ok((e.count, e.rate_hz, r.rate_hz))
            })
            .collect::<Result<Vec<_>, NumericalError>>()
    })
    .into_iter()
    .collect::<Result<_, NumericalError>>()?;
    let per_input: Vec<(u64, f64, f64)> = per_chunk.into_iter().flatten().collect();
    let spike_count = per_input.iter().map(|r| r.0).collect();
    let rate_euler_hz: Vec<f64> = per_input.iter().map(|r| r.1).collect();
    let rate_accurate_hz: Vec<f64> = per_input.iter().map(|r| r.2).collect();
    let rate_analytic_hz: Vec<f64> = v0
        .iter()
        .map(|&v| qif::analytic_rate_hz(&params(q, v)))
        .collect();
    let rate_limit_hz = v0
        .iter()
        .map(|&v| qif::limit_rate_hz(v, q.tau_ms))
        .collect();

    let min_rate_hz = min_compared_rate_hz(q.duration_ms);
    let mask: Vec<bool> = rate_analytic_hz.iter().map(|&a| a >= min_rate_hz).collect();
    let compared_inputs = mask.iter().filter(|&&m| m).count();
    if compared_inputs < 2 {
        return Err(QifError::TooFewFiring {
            firing: compared_inputs,
            inputs: v0.len(),
            duration_ms: q.duration_ms,
        });
    }

    let method_error = |method, dt_ms, sim: &[f64]| {
        let (max_abs_error_hz, max_relative_error, rms_relative_error) =
            errors(sim, &rate_analytic_hz, &mask);
        MethodError {
            method,
            dt_ms,
            max_abs_error_hz,
            max_relative_error,
            rms_relative_error,
        }
    };
    let method_errors = vec![
        method_error("forward Euler (brian2 default)", q.dt_ms, &rate_euler_hz),
        method_error(
            "RK4 + spike-time interpolation",
            q.dt_accurate_ms,
            &rate_accurate_hz,
        ),
    ];

    let compared_v0: Vec<f64> = v0
        .iter()
        .zip(&mask)
        .filter(|(_, m)| **m)
        .map(|(v, _)| *v)
        .collect();
    let compared_analytic: Vec<f64> = rate_analytic_hz
        .iter()
        .zip(&mask)
        .filter(|(_, m)| **m)
        .map(|(a, _)| *a)
        .collect();
    let all = vec![true; compared_v0.len()];
    let mut convergence = Vec::with_capacity(q.convergence_dt_ms.len());
    for &dt_ms in &q.convergence_dt_ms {
        let rates = euler_rates(q, &compared_v0, dt_ms, meter)?;
        let (max_abs_error_hz, _, rms_relative_error) = errors(&rates, &compared_analytic, &all);
        let other = |method: Method| {
            batch_rates(q, &compared_v0, method, dt_ms, &|_| {})
                .map(|r| errors(&r, &compared_analytic, &all).2)
        };
        convergence.push(ConvergencePoint {
            dt_ms,
            rms_relative_error,
            max_abs_error_hz,
            rk4_grid_rms_relative_error: other(Method::Rk4Grid)?,
            euler_interpolated_rms_relative_error: other(Method::EulerInterpolated)?,
        });
    }
    let other_reset = other_reset_order(q, &compared_v0, &finest_two(&q.convergence_dt_ms))?;
    let observed_order = log_log_slope(
        &convergence.iter().map(|c| c.dt_ms).collect::<Vec<_>>(),
        &convergence
            .iter()
            .map(|c| c.rms_relative_error)
            .collect::<Vec<_>>(),
    );
    let mut finest: Vec<&ConvergencePoint> = convergence.iter().collect();
    finest.sort_by(|a, b| a.dt_ms.total_cmp(&b.dt_ms));
    let asymptotic_order = log_log_slope(
        &[finest[0].dt_ms, finest[1].dt_ms],
        &[finest[0].rms_relative_error, finest[1].rms_relative_error],
    );

    // Far enough that √V0 is ten times the larger of |V_th| and |V_r|, where the period is
    // close to τ(V_th − V_r)/V0, and at least FAR_FACTOR times the largest swept input. The
    // step resolves at least 100 steps per period, and the run is cut to 10⁶ steps.
    let far_v0 = (super::lif_fi::FAR_FACTOR * q.v0_max.max(1.0))
        .max(100.0 * q.v_threshold.powi(2).max(q.v_reset.powi(2)));
    let far_params = params(q, far_v0);
    let far_analytic = qif::analytic_rate_hz(&far_params);
    let far_dt = q.dt_accurate_ms.min(10.0 / far_analytic);
    let far_duration = q.duration_ms.min(1e6 * far_dt);
    let far = super::lif_fi::FarInput {
        v0: far_v0,
        simulated_hz: qif::simulate_rk4(&far_params, far_duration, far_dt)?.rate_hz,
        analytic_hz: far_analytic,
        duration_ms: far_duration,
    };
    Ok(QifFiResult {
        far,
        v0,
        spike_count,
        rate_euler_hz,
        rate_accurate_hz,
        rate_analytic_hz,
        rate_limit_hz,
        compared_inputs,
        method_errors,
        convergence,
        other_reset,
        observed_order,
        asymptotic_order,
    })
}

/// Least-squares slope of ln y against ln x.
pub fn log_log_slope(xs: &[f64], ys: &[f64]) -> f64 {
    let lx: Vec<f64> = xs.iter().map(|x| x.ln()).collect();
    let ly: Vec<f64> = ys.iter().map(|y| y.ln()).collect();
    let n = lx.len() as f64;
    let mx = lx.iter().sum::<f64>() / n;
    let my = ly.iter().sum::<f64>() / n;
    let sxy: f64 = lx.iter().zip(&ly).map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = lx.iter().map(|x| (x - mx) * (x - mx)).sum();
    sxy / sxx
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // the grid points must be exact, bit for bit
mod tests {
    use super::*;

    #[test]
    fn sweep_hits_the_grid_exactly() {
        let v = sweep(&QifConfig::default());
        assert_eq!(v.len(), 601);
        assert_eq!(v[0], -1.0);
        assert_eq!(v[100], 0.0);
        assert_eq!(v[600], 5.0);
    }

    #[test]
    fn a_sweep_without_firing_inputs_is_a_clear_error() {
        let mut cfg = Config::default();
        cfg.qif.v0_min = -1.0;
        cfg.qif.v0_max = -0.5;
        cfg.qif.v0_step = 0.1;
        let err = run(&cfg, &|_| {}).unwrap_err().to_string();
        assert_eq!(
            err,
            "only 0 of 6 QIF inputs fire 3 times in qif.duration_ms = 2000 ms; the error \
             statistics need at least 2: raise qif.v0_max or lengthen qif.duration_ms"
        );
    }

    #[test]
    fn slope_of_a_power_law() {
        let xs = [0.1, 0.2, 0.4];
        let ys: Vec<f64> = xs.iter().map(|x: &f64| 3.0 * x.powi(2)).collect();
        assert!((log_log_slope(&xs, &ys) - 2.0).abs() < 1e-12);
    }
}
