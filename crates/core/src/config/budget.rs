//! The work budget: what a configuration will cost, estimated before anything runs.
//!
//! Every experiment's work is counted from the configuration in the units that drive it
//! (neuron-steps per integrator, sample-unit-epochs of training) and turned into seconds of
//! one core with per-unit costs measured on the reference machine (2-core x86-64, release
//! build; `cargo bench --bench report` prints each estimate beside the measured time). The
//! command line refuses a configuration whose estimate passes [`MAX_CORE_SECONDS`] or whose
//! report would pass [`MAX_OUTPUT_BYTES`], naming the keys that drive it, unless the user
//! passes `--allow-long`. The same estimates drive the progress bar inside experiments.

use super::Config;

/// Cost of one LIF neuron-step (exact update, brian2's refractoriness), ns.
pub const LIF_NS_PER_STEP: f64 = 4.0;
/// Cost of one QIF forward-Euler step, ns (sixteen inputs stepped together; the convergence
/// study's three methods per step size are counted in it).
pub const QIF_EULER_NS_PER_STEP: f64 = 2.5;
/// Cost of one QIF RK4 step with spike interpolation, ns, averaged over the whole duration
/// (sixteen inputs stepped together; a run stops after its 21st spike).
pub const QIF_RK4_NS_PER_STEP: f64 = 3.0;
/// Cost of one Hodgkin–Huxley exponential-Euler neuron-step, ns (the exact path, one neuron
/// at a time).
pub const HH_EXP_EULER_NS_PER_STEP: f64 = 125.0;
/// Cost of one Hodgkin–Huxley RK4 neuron-step, ns (four neurons per vector), with the onset
/// analysis's share.
pub const HH_RK4_NS_PER_STEP: f64 = 110.0;
/// Cost of one Connor–Stevens step (RK4 or exponential Euler), ns, averaged over the sweep's
/// runs, most of which stop early once they have the spikes for a rate, with the bifurcation
/// analysis's share (its runs in lanes too).
pub const CS_NS_PER_STEP: f64 = 64.0;
/// Model time (ms) the onset analysis of brian2's Hodgkin–Huxley example simulates at
/// `hh.dt_converged_ms`, whatever `hh.duration_ms` (the walk to the onset and its
/// confirmation, the cycle probes and continuation, the square-root law), counted as steps of
/// its RK4 on the default model. Four runs share a step where they run side by side, so this
/// is an upper bound of the lane time.
pub const HH_ONSET_MODEL_MS: f64 = 25_000.0;
/// Cost of one step of the Hodgkin–Huxley onset analysis, ns.
pub const HH_ONSET_NS_PER_STEP: f64 = 150.0;
/// Model time (ms) the onset analyses of the Connor–Stevens sweep simulate per model at
/// `cs.dt_ms`, whatever `cs.duration_ms` (the analyses, the type-change bisections and the
/// diagrams, spread over the sweep's models), counted as for [`HH_ONSET_MODEL_MS`].
pub const CS_ONSET_MODEL_MS: f64 = 20_000.0;
/// Cost of one step of the Connor–Stevens onset analyses, ns.
pub const CS_ONSET_NS_PER_STEP: f64 = 80.0;

/// Work of the onset classifier's positive controls (seconds of one core): fixed textbook
/// models, whatever the configuration.
pub const CONTROLS_CORE_SECONDS: f64 = 0.12;
/// Cost of one neuron-step of the positive controls, ns (scalar right-hand sides in lanes).
pub const CONTROLS_NS_PER_STEP: f64 = 250.0;

/// Cost of one training sample through one hidden unit for one epoch (forward and backward),
/// ns.
pub const MLP_NS_PER_SAMPLE_UNIT_EPOCH: f64 = 1.5;

/// Cost of one Levenberg–Marquardt iteration per data point of a fitted curve, ns: an upper
/// bound, as the estimate counts every run to `fit.max_iterations` (most stop earlier, at
/// convergence; the calibration is a configuration whose runs reach the limit).
pub const FIT_NS_PER_POINT_ITERATION: f64 = 1.5;

/// Shapes fitted to each F-I curve (ReLU and sigmoid, with and without an offset).
const FIT_SHAPES: f64 = 4.0;

/// Largest estimated work, in seconds of one core, run without `--allow-long`.
pub const MAX_CORE_SECONDS: f64 = 300.0;
/// Largest estimated report size, in bytes, written without `--allow-long`.
pub const MAX_OUTPUT_BYTES: f64 = 50e6;

/// Bisection steps and extra runs of a Connor–Stevens onset search, per model (an upper
/// bound for the default tolerance; the search itself is capped, see the experiment).
fn cs_onset_runs(cfg: &Config) -> f64 {
    let cs = &cfg.cs;
    ((cs.i_step / cs.rheobase_tolerance).log2().ceil().max(0.0) + 12.0).min(80.0)
}

/// The estimated work of one experiment.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// Registry id of the experiment.
    pub experiment: &'static str,
    /// The configuration keys that drive its cost.
    pub keys: &'static str,
    /// Estimated seconds of one core.
    pub core_seconds: f64,
}

fn steps(duration_ms: f64, dt_ms: f64) -> f64 {
    (duration_ms / dt_ms).ceil()
}

/// The estimated work of every experiment of the registry, in registry order, then of the
/// curve fits that follow them.
pub fn estimate(cfg: &Config) -> Vec<Estimate> {
    let ns = 1e-9;
    let l = &cfg.lif;
    let q = &cfg.qif;
    let qif_inputs = ((q.v0_max - q.v0_min) / q.v0_step).round() + 1.0;
    let qif_convergence: f64 = q
        .convergence_dt_ms
        .iter()
        .map(|&dt| steps(q.duration_ms, dt))
        .sum();
    let h = &cfg.hh;
    let cs = &cfg.cs;
    let models = 2.0 * cs.g_a_values.len() as f64 + 1.0;
    let currents = ((cs.i_max - cs.i_min) / cs.i_step).round() + 1.0;
    let cs_run = steps(cs.duration_ms, cs.dt_ms);
    let cs_steps = models * (currents + cs_onset_runs(cfg)) * cs_run
        + currents * (2.0 * cs_run + steps(cs.duration_ms, cs.brian2_dt_ms));
    let cs_analysis_steps = models * steps(CS_ONSET_MODEL_MS, cs.dt_ms);
    let m = &cfg.mlp;
    let n_train = cfg.circles.n_samples as f64 * (1.0 - cfg.circles.test_size);
    let training = n_train
        * (m.small_hidden as f64 * m.small_restarts as f64 * m.small_epochs as f64
            + m.wide_hidden as f64 * m.wide_restarts as f64 * m.wide_epochs as f64);
    let grid = (m.grid_resolution * m.grid_resolution) as f64 * 3.0 * m.wide_hidden as f64;
    // The fits' data points: the LIF, QIF, Hodgkin–Huxley and Connor–Stevens curves.
    let fit_points = l.n_neurons as f64 + qif_inputs + h.n_neurons as f64 + currents;
    let fit_work = cfg.fit.starts as f64 * cfg.fit.max_iterations as f64 * FIT_SHAPES * fit_points;
    vec![
        Estimate {
            experiment: "phase",
            keys: "phase.*",
            core_seconds: 0.0,
        },
        Estimate {
            experiment: "lif_fi",
            keys: "lif.n_neurons, lif.duration_ms, lif.dt_ms",
            core_seconds: l.n_neurons as f64 * steps(l.duration_ms, l.dt_ms) * LIF_NS_PER_STEP * ns,
        },
        Estimate {
            experiment: "qif_fi",
            keys: "qif.v0_min, qif.v0_max, qif.v0_step, qif.duration_ms, qif.dt_ms, \
                   qif.dt_accurate_ms, qif.convergence_dt_ms",
            core_seconds: qif_inputs
                * ((steps(q.duration_ms, q.dt_ms) + qif_convergence) * QIF_EULER_NS_PER_STEP
                    + steps(q.duration_ms, q.dt_accurate_ms) * QIF_RK4_NS_PER_STEP)
                * ns,
        },
        Estimate {
            experiment: "hh_fi",
            keys: "hh.n_neurons, hh.duration_ms, hh.dt_ms, hh.dt_converged_ms",
            core_seconds: (h.n_neurons as f64
                * (steps(h.duration_ms, h.dt_ms) * HH_EXP_EULER_NS_PER_STEP
                    + steps(h.duration_ms, h.dt_converged_ms) * HH_RK4_NS_PER_STEP)
                + steps(HH_ONSET_MODEL_MS, h.dt_converged_ms) * HH_ONSET_NS_PER_STEP)
                * ns,
        },
        Estimate {
            experiment: "connor_stevens",
            keys: "cs.g_a_values, cs.i_min, cs.i_max, cs.i_step, cs.duration_ms, cs.dt_ms, \
                   cs.brian2_dt_ms, cs.rheobase_tolerance",
            core_seconds: (cs_steps * CS_NS_PER_STEP + cs_analysis_steps * CS_ONSET_NS_PER_STEP)
                * ns,
        },
        Estimate {
            experiment: "onset_controls",
            keys: "none (textbook models)",
            core_seconds: CONTROLS_CORE_SECONDS,
        },
        Estimate {
            experiment: "mlp",
            keys: "circles.n_samples, mlp.small_hidden, mlp.small_restarts, mlp.small_epochs, \
                   mlp.wide_hidden, mlp.wide_restarts, mlp.wide_epochs, mlp.grid_resolution",
            core_seconds: (training + grid) * MLP_NS_PER_SAMPLE_UNIT_EPOCH * ns,
        },
        Estimate {
            experiment: "fits",
            keys: "fit.starts, fit.max_iterations",
            core_seconds: fit_work * FIT_NS_PER_POINT_ITERATION * ns,
        },
    ]
}

/// Estimated size of the report in bytes: every data row, figure point and their copies
/// inlined in the page, counted from the configuration.
pub fn output_bytes(cfg: &Config) -> f64 {
    let q = &cfg.qif;
    let qif_inputs = ((q.v0_max - q.v0_min) / q.v0_step).round() + 1.0;
    let cs = &cfg.cs;
    let currents = ((cs.i_max - cs.i_min) / cs.i_step).round() + 1.0;
    let models = 2.0 * cs.g_a_values.len() as f64;
    let trace_points = cs.trace_ms / cs.dt_ms * 2.0;
    let m = &cfg.mlp;
    // Rows of CSV (about 60 bytes) and points of SVG paths (about 16 bytes, twice: the file
    // and the page), per figure family; scatter plots are thinned to a bounded point count.
    let rows = cfg.lif.n_neurons as f64 * 2.0
        + qif_inputs * 6.0
        + cfg.hh.n_neurons as f64 * 2.0
        + currents * models * 2.0
        + trace_points
        + cfg.circles.n_samples as f64
        + (m.grid_resolution as f64) * 3.0 * 4.0
        + m.small_epochs.min(300) as f64 * 3.0;
    let points = rows - cfg.circles.n_samples as f64;
    rows * 60.0 + points * 16.0 * 2.0 + 1.5e6
}

/// Checks the estimates against the budget: `Err` names the experiment, the keys that drive
/// it and the estimate, and says how to go on.
pub fn check(cfg: &Config) -> Result<(), String> {
    let all = estimate(cfg);
    let total: f64 = all.iter().map(|e| e.core_seconds).sum();
    if total > MAX_CORE_SECONDS {
        let worst = all
            .iter()
            .max_by(|a, b| a.core_seconds.total_cmp(&b.core_seconds))
            .expect("the registry is not empty");
        return Err(format!(
            "this configuration is estimated at {} of computing on one core (budget {}); most \
             of it is experiment `{}` ({}), driven by {}. Reduce those keys, or pass \
             --allow-long to run it anyway",
            human_seconds(total),
            human_seconds(MAX_CORE_SECONDS),
            worst.experiment,
            human_seconds(worst.core_seconds),
            worst.keys
        ));
    }
    let bytes = output_bytes(cfg);
    if bytes > MAX_OUTPUT_BYTES {
        return Err(format!(
            "this configuration would write a report of about {:.0} MB (budget {:.0} MB), \
             driven by lif.n_neurons, qif.v0_step, hh.n_neurons, cs.i_step, cs.trace_ms and \
             circles.n_samples. Reduce those keys, or pass --allow-long to write it anyway",
            bytes / 1e6,
            MAX_OUTPUT_BYTES / 1e6
        ));
    }
    Ok(())
}

/// "42 s", "3.5 min", "2.1 h".
pub fn human_seconds(s: f64) -> String {
    if s < 120.0 {
        format!("{s:.0} s")
    } else if s < 7200.0 {
        format!("{:.1} min", s / 60.0)
    } else {
        format!("{:.1} h", s / 3600.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_report_is_within_budget() {
        check(&Config::default()).unwrap();
        let total: f64 = estimate(&Config::default())
            .iter()
            .map(|e| e.core_seconds)
            .sum();
        assert!(total > 1.0 && total < 60.0, "{total}");
    }

    #[test]
    fn hours_of_hodgkin_huxley_are_refused_naming_the_keys() {
        let mut cfg = Config::default();
        cfg.hh.n_neurons = 100_000;
        cfg.hh.duration_ms = 100_000.0;
        let msg = check(&cfg).unwrap_err();
        assert!(
            msg.contains("`hh_fi`") && msg.contains("hh.n_neurons") && msg.contains(" h "),
            "{msg}"
        );
        assert!(msg.contains("--allow-long"), "{msg}");
    }

    #[test]
    fn the_onset_analyses_count_at_their_step_whatever_the_duration() {
        // The analyses simulate fixed spans of model time at hh.dt_converged_ms and cs.dt_ms:
        // a tiny duration does not make a fine step cheap.
        let mut cfg = Config::default();
        cfg.hh.duration_ms = 1.0;
        cfg.hh.dt_ms = 1e-4;
        cfg.hh.dt_converged_ms = 1e-4;
        let hh = estimate(&cfg)[3].core_seconds;
        assert!(hh > 30.0, "{hh}");
        let mut cfg = Config::default();
        cfg.cs.duration_ms = 250.0;
        cfg.cs.dt_ms = 2e-4;
        let cs = estimate(&cfg)[4].core_seconds;
        assert!(cs > 100.0, "{cs}");
    }

    #[test]
    fn a_fine_brian2_step_counts_in_the_budget() {
        let mut cfg = Config::default();
        cfg.cs.brian2_dt_ms = 1e-9;
        let msg = check(&cfg).unwrap_err();
        assert!(
            msg.contains("`connor_stevens`") && msg.contains("cs.brian2_dt_ms"),
            "{msg}"
        );
    }

    #[test]
    fn a_huge_data_set_is_refused_for_its_output_size() {
        let mut cfg = Config::default();
        cfg.circles.n_samples = 1_000_000;
        cfg.mlp.small_restarts = 1;
        cfg.mlp.small_epochs = 1;
        cfg.mlp.wide_restarts = 1;
        cfg.mlp.wide_epochs = 1;
        cfg.mlp.wide_hidden = 1;
        let msg = check(&cfg).unwrap_err();
        assert!(
            msg.contains("MB") && msg.contains("circles.n_samples"),
            "{msg}"
        );
    }
}
