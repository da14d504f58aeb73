//! Validation: every field checked against its documented range before anything runs.

use super::{Config, ConfigError};

/// Largest current density of the Hodgkin–Huxley sweep (µA/cm²).
const MAX_HH_DENSITY_UA_CM2: f64 = 1000.0;
/// Most spikes the fastest QIF input may fire in one run.
const MAX_QIF_SPIKES: f64 = 1e7;

fn invalid(key: &str, value: impl std::fmt::Debug, rule: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key: key.to_string(),
        value: shorten(&format!("{value:?}"), 80),
        rule: rule.into(),
    }
}

/// `text` cut to `max` characters, saying how long it was, so an error never echoes a huge
/// value (a 100 MB array) to the terminal.
pub fn shorten(text: &str, max: usize) -> String {
    let n = text.chars().count();
    if n <= max {
        return text.to_string();
    }
    let head: String = text.chars().take(max).collect();
    format!("{head}... ({n} characters in all)")
}

/// Checks `lo < x <= hi` (or `lo <= x` with `closed_low`), and that x is finite.
fn check_range(key: &str, x: f64, lo: f64, hi: f64, closed_low: bool) -> Result<(), ConfigError> {
    let low_ok = if closed_low { x >= lo } else { x > lo };
    if !x.is_finite() || !low_ok || x > hi {
        let open = if closed_low { "[" } else { "(" };
        return Err(invalid(
            key,
            x,
            format!("must be a finite number in {open}{lo}, {hi}]"),
        ));
    }
    Ok(())
}

/// Checks `lo <= x < hi` (or `lo < x < hi` without `closed_low`), and that x is finite.
fn check_below(key: &str, x: f64, lo: f64, hi: f64, closed_low: bool) -> Result<(), ConfigError> {
    let low_ok = if closed_low { x >= lo } else { x > lo };
    if !x.is_finite() || !low_ok || x >= hi {
        let open = if closed_low { "[" } else { "(" };
        return Err(invalid(
            key,
            x,
            format!("must be a finite number in {open}{lo}, {hi})"),
        ));
    }
    Ok(())
}

fn check_count(key: &str, n: usize, lo: usize, hi: usize) -> Result<(), ConfigError> {
    if n < lo || n > hi {
        return Err(invalid(
            key,
            n,
            format!("must be an integer in [{lo}, {hi}]"),
        ));
    }
    Ok(())
}

fn check_list(
    key: &str,
    xs: &[f64],
    lo: f64,
    hi: f64,
    len: (usize, usize),
) -> Result<(), ConfigError> {
    if xs.len() < len.0 || xs.len() > len.1 {
        return Err(invalid(
            key,
            xs,
            format!("must hold {} to {} values", len.0, len.1),
        ));
    }
    for (i, &x) in xs.iter().enumerate() {
        check_range(&format!("{key}[{i}]"), x, lo, hi, true)?;
        if x != 0.0 && x.abs() < MIN_MAGNITUDE {
            return Err(invalid(
                &format!("{key}[{i}]"),
                x,
                format!(
                    "is too small to draw or label: use 0 or at least {MIN_MAGNITUDE:e} in magnitude"
                ),
            ));
        }
    }
    Ok(())
}

/// The smallest non-zero magnitude of a value that is drawn and labelled (a subnormal input
/// would be labelled "−inf×10⁻³²⁴").
const MIN_MAGNITUDE: f64 = 1e-6;

impl Config {
    /// Checks every field against its documented range; an error names the key, the value and
    /// the rule.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.check_fields()
    }

    fn check_fields(&self) -> Result<(), ConfigError> {
        let p = &self.phase;
        check_list("phase.lif_v0_mv", &p.lif_v0_mv, -100.0, 100.0, (1, 8))?;
        check_list("phase.qif_v0", &p.qif_v0, -100.0, 100.0, (1, 8))?;

        let l = &self.lif;
        check_count("lif.n_neurons", l.n_neurons, 2, 100_000)?;
        // A microvolt of input and a microsecond of time constant are the smallest that give
        // rates and fits in floating point (below them the fits' scales overflow to NaN).
        check_range("lif.v0_max_mv", l.v0_max_mv, 1e-3, 1000.0, true)?;
        check_range("lif.tau_ms", l.tau_ms, 1e-3, 10_000.0, true)?;
        check_range(
            "lif.v_threshold_mv",
            l.v_threshold_mv,
            -1000.0,
            1000.0,
            true,
        )?;
        check_range("lif.v_reset_mv", l.v_reset_mv, -1000.0, 1000.0, true)?;
        if l.v_reset_mv >= l.v_threshold_mv {
            return Err(invalid(
                "lif.v_reset_mv",
                l.v_reset_mv,
                format!(
                    "must be below lif.v_threshold_mv = {:?}; lower the reset or raise the threshold",
                    l.v_threshold_mv
                ),
            ));
        }
        check_range("lif.duration_ms", l.duration_ms, 0.0, 100_000.0, false)?;
        check_step("lif.dt_ms", l.dt_ms, "lif.duration_ms", l.duration_ms)?;
        check_range(
            "lif.refractory_ms",
            l.refractory_ms,
            0.0,
            l.duration_ms,
            true,
        )?;
        check_steps("lif", l.n_neurons, l.duration_ms, l.dt_ms)?;

        let q = &self.qif;
        check_range("qif.tau_ms", q.tau_ms, 0.0, 10_000.0, false)?;
        check_range("qif.v_threshold", q.v_threshold, -1000.0, 1000.0, true)?;
        check_range("qif.v_reset", q.v_reset, -1000.0, 1000.0, true)?;
        if q.v_reset >= q.v_threshold {
            return Err(invalid(
                "qif.v_reset",
                q.v_reset,
                format!(
                    "must be below qif.v_threshold = {:?}; lower the reset or raise the threshold",
                    q.v_threshold
                ),
            ));
        }
        check_range("qif.v0_min", q.v0_min, -1000.0, 1000.0, true)?;
        check_range("qif.v0_max", q.v0_max, q.v0_min, 1000.0, false)?;
        check_range("qif.v0_step", q.v0_step, 0.0, 1000.0, false)?;
        let points = ((q.v0_max - q.v0_min) / q.v0_step).round() + 1.0;
        if points > 100_000.0 {
            return Err(invalid(
                "qif.v0_step",
                q.v0_step,
                format!("gives {points} sweep points, more than 100000; use a larger step"),
            ));
        }
        check_range("qif.duration_ms", q.duration_ms, 0.0, 100_000.0, false)?;
        check_step("qif.dt_ms", q.dt_ms, "qif.duration_ms", q.duration_ms)?;
        check_step("qif.dt_accurate_ms", q.dt_accurate_ms, "qif.dt_ms", q.dt_ms)?;
        check_list(
            "qif.convergence_dt_ms",
            &q.convergence_dt_ms,
            0.0,
            q.duration_ms,
            (2, 10),
        )?;
        for (i, &dt) in q.convergence_dt_ms.iter().enumerate() {
            if dt <= 0.0 {
                return Err(invalid(
                    &format!("qif.convergence_dt_ms[{i}]"),
                    dt,
                    "must be positive",
                ));
            }
            if q.convergence_dt_ms[..i].contains(&dt) {
                return Err(invalid(
                    &format!("qif.convergence_dt_ms[{i}]"),
                    dt,
                    "appears twice; the study needs distinct steps",
                ));
            }
        }
        let n = points as usize;
        check_steps("qif", n, q.duration_ms, q.dt_accurate_ms)?;
        // RK4 records every spike it finds inside a step: bound the spikes of the fastest input.
        let fastest = crate::neuron::qif::QifParams {
            v0: q.v0_max,
            tau_ms: q.tau_ms,
            v_reset: q.v_reset,
            v_threshold: q.v_threshold,
        };
        if let Some(period) = crate::neuron::qif::analytic_period_ms(&fastest) {
            let spikes = q.duration_ms / period;
            if spikes.is_nan() || spikes > MAX_QIF_SPIKES {
                return Err(invalid(
                    "qif.v_threshold",
                    q.v_threshold,
                    format!(
                        "with qif.v_reset = {:?} and qif.v0_max = {:?} the fastest input would \
                         fire {spikes:.3e} spikes in qif.duration_ms (limit {MAX_QIF_SPIKES:e}); \
                         widen the gap between reset and threshold, or lower qif.v0_max",
                        q.v_reset, q.v0_max
                    ),
                ));
            }
        }
        // The error statistics and the convergence order need two inputs that fire often
        // enough in the run: decided here from the analytic rate, not after the work.
        let min_rate = crate::experiments::qif_fi::min_compared_rate_hz(q.duration_ms);
        let inputs = crate::experiments::qif_fi::sweep(q);
        let firing = inputs
            .iter()
            .filter(|&&v| {
                let p = crate::experiments::qif_fi::params(q, v);
                crate::neuron::qif::analytic_rate_hz(&p) >= min_rate
            })
            .count();
        if firing < 2 {
            return Err(invalid(
                "qif.v0_max",
                q.v0_max,
                format!(
                    "only {firing} of the {} inputs from qif.v0_min = {:?} would fire often enough \
                     in qif.duration_ms = {:?} ms for the error statistics (at least 2); raise \
                     qif.v0_max or lengthen qif.duration_ms",
                    inputs.len(),
                    q.v0_min,
                    q.duration_ms
                ),
            ));
        }
        let finest = q
            .convergence_dt_ms
            .iter()
            .cloned()
            .fold(f64::INFINITY, f64::min);
        check_steps("qif", n, q.duration_ms, finest)?;

        let h = &self.hh;
        check_count("hh.n_neurons", h.n_neurons, 2, 100_000)?;
        check_range("hh.i_max_na", h.i_max_na, 0.0, 1000.0, false)?;
        check_range("hh.area_um2", h.area_um2, 1.0, 1e9, true)?;
        // nA over um^2 in uA/cm^2: 1e-3 uA / 1e-8 cm^2.
        let density = h.i_max_na * 1e5 / h.area_um2;
        if density > MAX_HH_DENSITY_UA_CM2 {
            return Err(invalid(
                "hh.area_um2",
                h.area_um2,
                format!(
                    "with hh.i_max_na = {:?} gives currents up to {density:.3e} uA/cm^2, above \
                     {MAX_HH_DENSITY_UA_CM2}; raise the area or lower hh.i_max_na",
                    h.i_max_na
                ),
            ));
        }
        check_range("hh.duration_ms", h.duration_ms, 0.0, 100_000.0, false)?;
        check_step("hh.dt_ms", h.dt_ms, "hh.duration_ms", h.duration_ms)?;
        check_step("hh.dt_converged_ms", h.dt_converged_ms, "hh.dt_ms", h.dt_ms)?;
        check_steps("hh", h.n_neurons, h.duration_ms, h.dt_converged_ms)?;
        check_analysis_steps(
            "hh.dt_converged_ms",
            h.dt_converged_ms,
            super::budget::HH_ONSET_MODEL_MS,
        )?;

        let cs = &self.cs;
        check_list("cs.g_a_values", &cs.g_a_values, 0.0, 500.0, (1, 20))?;
        check_range("cs.g_k", cs.g_k, 0.0, 500.0, true)?;
        let max_ga = cs.g_a_values.iter().cloned().fold(0.0, f64::max);
        check_range("cs.g_total", cs.g_total, max_ga, 1000.0, true)?;
        check_range("cs.i_min", cs.i_min, -1000.0, 1000.0, true)?;
        check_range("cs.i_max", cs.i_max, cs.i_min, 1000.0, false)?;
        check_range("cs.i_step", cs.i_step, 0.0, 1000.0, false)?;
        if (cs.i_max - cs.i_min) / cs.i_step > 10_000.0 {
            return Err(invalid(
                "cs.i_step",
                cs.i_step,
                "gives more than 10000 currents; use a larger step",
            ));
        }
        check_range("cs.dt_ms", cs.dt_ms, 0.0, 0.1, false)?;
        check_range("cs.transient_ms", cs.transient_ms, 0.0, 10_000.0, true)?;
        check_range(
            "cs.duration_ms",
            cs.duration_ms,
            cs.transient_ms,
            100_000.0,
            false,
        )?;
        check_count("cs.spikes_for_rate", cs.spikes_for_rate, 3, 1000)?;
        // Between the rest (about -68 mV at I = 0) and the peak of every spike (above +20 mV
        // in the sweep), so that a crossing is a spike and every spike crosses.
        check_range("cs.threshold_mv", cs.threshold_mv, -55.0, 0.0, true)?;
        check_range(
            "cs.rheobase_tolerance",
            cs.rheobase_tolerance,
            0.0,
            1.0,
            false,
        )?;
        check_range("cs.brian2_dt_ms", cs.brian2_dt_ms, 0.0, 1.0, false)?;
        check_range("cs.trace_ms", cs.trace_ms, 0.0, 10_000.0, false)?;
        check_rk4_stable_at_i_min(cs)?;
        let runs = 2 * cs.g_a_values.len() * (((cs.i_max - cs.i_min) / cs.i_step) as usize + 40);
        check_steps("cs", runs, cs.duration_ms, cs.dt_ms)?;
        let models = (2 * cs.g_a_values.len() + 1) as f64;
        check_analysis_steps(
            "cs.dt_ms",
            cs.dt_ms,
            models * super::budget::CS_ONSET_MODEL_MS,
        )?;

        let c = &self.circles;
        check_count("circles.n_samples", c.n_samples, 4, 1_000_000)?;
        check_below("circles.factor", c.factor, 0.0, 1.0, true)?;
        check_range("circles.noise", c.noise, 0.0, 10.0, true)?;
        check_below("circles.test_size", c.test_size, 0.0, 1.0, false)?;
        let n_test = (c.test_size * c.n_samples as f64).ceil() as usize;
        if n_test < 2 || c.n_samples - n_test < 2 {
            return Err(invalid(
                "circles.test_size",
                c.test_size,
                format!(
                    "leaves {n_test} test and {} training points of {}; each split needs at least one point of each class",
                    c.n_samples - n_test,
                    c.n_samples
                ),
            ));
        }

        let m = &self.mlp;
        check_count("mlp.small_hidden", m.small_hidden, 1, 100_000)?;
        check_count("mlp.small_restarts", m.small_restarts, 1, 10_000)?;
        check_count("mlp.small_epochs", m.small_epochs, 1, 1_000_000)?;
        check_count("mlp.wide_hidden", m.wide_hidden, 1, 100_000)?;
        check_count("mlp.wide_restarts", m.wide_restarts, 1, 10_000)?;
        check_count("mlp.wide_epochs", m.wide_epochs, 1, 1_000_000)?;
        check_range("mlp.learning_rate", m.learning_rate, 0.0, 10.0, false)?;
        check_below("mlp.beta1", m.beta1, 0.0, 1.0, true)?;
        check_below("mlp.beta2", m.beta2, 0.0, 1.0, true)?;
        check_range("mlp.epsilon", m.epsilon, 0.0, 1.0, false)?;
        check_range("mlp.good_loss", m.good_loss, 0.0, 10.0, false)?;
        check_count("mlp.grid_resolution", m.grid_resolution, 10, 1000)?;
        let n_train = (c.n_samples - n_test) as f64;
        for (key, hidden, restarts, epochs) in [
            (
                "mlp.small_epochs",
                m.small_hidden,
                m.small_restarts,
                m.small_epochs,
            ),
            (
                "mlp.wide_epochs",
                m.wide_hidden,
                m.wide_restarts,
                m.wide_epochs,
            ),
        ] {
            let work = n_train * hidden as f64 * restarts as f64 * epochs as f64;
            if work > 2e11 {
                return Err(invalid(
                    key,
                    epochs,
                    format!(
                        "training would take {work:.2e} sample-unit-epochs (limit 2e11, hours of \
                         computing); use fewer epochs, restarts, hidden units or samples"
                    ),
                ));
            }
        }
        // Every restart keeps its parameters and loss curve for the report.
        let kept = |hidden: usize, restarts: usize, epochs: usize| {
            restarts as f64 * ((4 * hidden + 1) as f64 + epochs as f64 + 1.0) * 8.0
        };
        let bytes = kept(m.small_hidden, m.small_restarts, m.small_epochs)
            + kept(m.wide_hidden, m.wide_restarts, m.wide_epochs);
        if bytes > 4.0 * 1024f64.powi(3) {
            return Err(invalid(
                "mlp.wide_restarts",
                m.wide_restarts,
                format!(
                    "the restarts would need about {:.1} GiB of memory (limit 4 GiB); use fewer \
                     restarts or hidden units",
                    bytes / 1024f64.powi(3)
                ),
            ));
        }

        check_count("fit.starts", self.fit.starts, 1, 100)?;
        check_count("fit.max_iterations", self.fit.max_iterations, 1, 100_000)?;
        Ok(())
    }
}

/// Checks that a time step is positive, finite and at most the duration it divides.
fn check_step(key: &str, dt: f64, duration_key: &str, duration: f64) -> Result<(), ConfigError> {
    if !dt.is_finite() || dt <= 0.0 || dt > duration {
        return Err(invalid(
            key,
            dt,
            format!("must be a finite number above 0 and at most {duration_key} = {duration:?}"),
        ));
    }
    Ok(())
}

/// RK4's stability limit on the negative real axis: |λ|·dt must stay below it.
const RK4_REAL_STABILITY: f64 = 2.785;

/// Refuses a sweep whose lowest current drives a model into a rest so hyperpolarised that
/// RK4 at `cs.dt_ms` is unstable there (the gates' rates grow steeply with hyperpolarisation:
/// the run would blow up after all the other work): for every model of the sweep, the
/// fastest decay rate of the Jacobian at the rest under `cs.i_min` times `cs.dt_ms` must stay
/// inside RK4's stability limit (stepping down, V falls monotonically to that rest, where the
/// rates are the fastest of the run), and the rest must lie in the window the models are
/// analysed in.
fn check_rk4_stable_at_i_min(cs: &super::CsConfig) -> Result<(), ConfigError> {
    use crate::experiments::connor_stevens::Convention;
    use crate::experiments::cs_analysis::model_at;
    let models = cs.g_a_values.iter().flat_map(|&g_a| {
        [Convention::FixedGk, Convention::FixedTotal].map(|c| model_at(cs, c, g_a))
    });
    for m in models {
        let Some(rest) = m.resting_state(cs.i_min) else {
            return Err(invalid(
                "cs.i_min",
                cs.i_min,
                format!(
                    "drives the model with gA = {}, gK = {} below -100 mV, outside the window \
                     the models are analysed in (and where RK4 at cs.dt_ms blows up); raise \
                     cs.i_min",
                    m.g_a, m.g_k
                ),
            ));
        };
        let j = crate::neuron::conductance::central_jacobian(&m, &rest, cs.i_min, |col| {
            1e-6 * rest[col].abs().max(1e-3)
        });
        let Ok(eigenvalues) = crate::analysis::linalg::eigenvalues(&j) else {
            continue;
        };
        let fastest = eigenvalues
            .iter()
            .map(|z| z.0.hypot(z.1))
            .fold(0.0, f64::max);
        if fastest * cs.dt_ms > RK4_REAL_STABILITY {
            return Err(invalid(
                "cs.i_min",
                cs.i_min,
                format!(
                    "drives the model with gA = {}, gK = {} to a rest at {:.1} mV whose fastest \
                     rate, {fastest:.3} per ms, makes RK4 at cs.dt_ms = {:?} ms unstable there; \
                     raise cs.i_min or lower cs.dt_ms",
                    m.g_a, m.g_k, rest[0], cs.dt_ms
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses a step at which the onset analyses, which simulate `model_ms` of model time whatever
/// the durations, would need over 2·10¹¹ steps.
fn check_analysis_steps(key: &str, dt_ms: f64, model_ms: f64) -> Result<(), ConfigError> {
    let steps = (model_ms / dt_ms).ceil();
    if steps > 2e11 {
        return Err(invalid(
            key,
            dt_ms,
            format!(
                "the onset analysis simulates about {model_ms} ms of model time at this step, \
                 {steps:.3e} steps (limit 2e11); use a larger time step"
            ),
        ));
    }
    Ok(())
}

/// Refuses runs whose neuron-steps would take unreasonably long (over 2·10¹¹ steps).
fn check_steps(
    section: &str,
    neurons: usize,
    duration_ms: f64,
    dt_ms: f64,
) -> Result<(), ConfigError> {
    let steps = (duration_ms / dt_ms).ceil() * neurons as f64;
    if steps > 2e11 {
        return Err(invalid(
            &format!("{section}.dt_ms"),
            dt_ms,
            format!(
                "would need {steps:.3e} neuron-steps (limit 2e11); use a larger time step, \
                 a shorter duration or fewer neurons"
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_that_put_nan_or_inf_on_the_page_are_refused_naming_the_key() {
        // Each printed NaN, inf or "−inf×10⁻³²⁴" in a report before it was refused.
        let mut cfg = Config::default();
        cfg.lif.tau_ms = 1e-300;
        let e = cfg.validate().unwrap_err().to_string();
        assert!(e.starts_with("config key `lif.tau_ms` = 1e-300"), "{e}");
        let mut cfg = Config::default();
        cfg.lif.v0_max_mv = 1e-300;
        let e = cfg.validate().unwrap_err().to_string();
        assert!(e.starts_with("config key `lif.v0_max_mv` = 1e-300"), "{e}");
        let mut cfg = Config::default();
        cfg.phase.qif_v0 = vec![-5e-324];
        let e = cfg.validate().unwrap_err().to_string();
        assert!(e.starts_with("config key `phase.qif_v0[0]`"), "{e}");
        cfg.phase.qif_v0 = vec![0.0, -1e-6];
        cfg.validate().unwrap();
    }

    #[test]
    fn a_qif_sweep_where_nothing_fires_is_refused_before_the_work() {
        let mut cfg = Config::default();
        cfg.qif.v0_min = -1000.0;
        cfg.qif.v0_max = -999.0;
        let e = cfg.validate().unwrap_err().to_string();
        assert!(
            e.starts_with("config key `qif.v0_max` = -999.0: only 0 of"),
            "{e}"
        );
    }

    #[test]
    fn a_sweep_down_to_where_rk4_blows_up_is_refused_before_the_work() {
        let mut cfg = Config::default();
        cfg.cs.i_min = -1000.0;
        let e = cfg.validate().unwrap_err().to_string();
        assert!(
            e.starts_with("config key `cs.i_min` = -1000.0: drives the model"),
            "{e}"
        );
        assert!(e.contains("below -100 mV"), "{e}");
        cfg.cs.i_min = -21.0;
        let e = cfg.validate().unwrap_err().to_string();
        assert!(
            e.contains("makes RK4 at cs.dt_ms = 0.05 ms unstable"),
            "{e}"
        );
        cfg.cs.i_min = -15.0;
        cfg.validate().unwrap();
    }

    #[test]
    fn defaults_are_valid() {
        Config::default().validate().unwrap();
    }

    #[test]
    fn reset_above_threshold_names_the_key() {
        let mut cfg = Config::default();
        cfg.qif.v_reset = 20.0;
        let msg = cfg.validate().unwrap_err().to_string();
        assert!(msg.starts_with("config key `qif.v_reset` = 20.0"), "{msg}");
    }

    #[test]
    fn a_tiny_converged_step_is_refused_for_the_onset_analysis() {
        // A run of 1e-300 ms has few steps, but the onset analysis simulates seconds of
        // model time at hh.dt_converged_ms: without this check it never ends.
        let mut cfg = Config::default();
        cfg.hh.n_neurons = 2;
        cfg.hh.duration_ms = 1e-300;
        cfg.hh.dt_ms = 1e-300;
        cfg.hh.dt_converged_ms = 1e-300;
        let e = cfg.validate().unwrap_err().to_string();
        assert!(
            e.contains("hh.dt_converged_ms") && e.contains("onset analysis"),
            "{e}"
        );
    }

    #[test]
    fn nan_and_zero_steps_are_rejected() {
        let mut cfg = Config::default();
        cfg.lif.dt_ms = 0.0;
        assert!(
            cfg.validate()
                .unwrap_err()
                .to_string()
                .contains("lif.dt_ms")
        );
        cfg.lif.dt_ms = f64::NAN;
        assert!(
            cfg.validate()
                .unwrap_err()
                .to_string()
                .contains("lif.dt_ms")
        );
    }
}
