//! Configuration: the first stage of the pipeline.
//!
//! Defaults are the homework's parameters, compiled in, so `cargo run --release` needs no
//! file. A TOML file may override any field (unknown keys are rejected). [`Config::validate`]
//! checks every field against its documented range before anything runs, and returns an
//! error that names the key, the value and the rule.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// Every configuration key with its meaning, unit and range, in `--print-config` order.
pub const KEY_DOCS: &[(&str, &str)] = &[
    (
        "seed",
        "master seed of every derived random stream; any integer 0 to 2^64 - 1",
    ),
    (
        "phase.lif_v0_mv",
        "LIF inputs drawn in the phase portrait (mV); 1 to 8 values in [-100, 100]",
    ),
    (
        "phase.qif_v0",
        "QIF inputs drawn in the phase portrait; 1 to 8 values in [-100, 100]",
    ),
    (
        "lif.n_neurons",
        "neurons of the brian2 LIF example, neuron i gets v0 = v0_max * i/(n - 1); 2 to 100000",
    ),
    ("lif.v0_max_mv", "largest LIF input (mV); (0, 1000]"),
    ("lif.tau_ms", "LIF membrane time constant (ms); (0, 10000]"),
    (
        "lif.v_threshold_mv",
        "LIF threshold (mV); [-1000, 1000], above the reset",
    ),
    (
        "lif.v_reset_mv",
        "LIF reset and initial potential (mV); below the threshold",
    ),
    (
        "lif.refractory_ms",
        "LIF refractory period (ms); [0, duration]",
    ),
    ("lif.duration_ms", "LIF simulated time (ms); (0, 100000]"),
    ("lif.dt_ms", "LIF time step (ms); (0, duration]"),
    ("qif.tau_ms", "QIF time constant (ms); (0, 10000]"),
    (
        "qif.v_reset",
        "QIF reset and initial value; below the threshold",
    ),
    ("qif.v_threshold", "QIF spike threshold; [-1000, 1000]"),
    ("qif.v0_min", "smallest QIF input of the F-I sweep"),
    (
        "qif.v0_max",
        "largest QIF input of the F-I sweep; at least v0_min",
    ),
    (
        "qif.v0_step",
        "spacing of the QIF sweep; > 0, at most 100000 inputs",
    ),
    ("qif.duration_ms", "QIF simulated time (ms); (0, 100000]"),
    (
        "qif.dt_ms",
        "QIF forward-Euler step, as brian2 (ms); (0, duration]",
    ),
    ("qif.dt_accurate_ms", "QIF RK4 step (ms); (0, dt_ms]"),
    (
        "qif.convergence_dt_ms",
        "Euler steps of the convergence study (ms); 2 to 10 distinct values",
    ),
    (
        "fit.starts",
        "Levenberg-Marquardt starting points per fit; 1 to 100",
    ),
    (
        "fit.max_iterations",
        "iterations per Levenberg-Marquardt run; 1 to 100000",
    ),
    (
        "hh.n_neurons",
        "neurons of the brian2 Hodgkin-Huxley example, I = i_max * i/n; 2 to 100000",
    ),
    ("hh.i_max_na", "largest HH input current (nA); (0, 1000]"),
    (
        "hh.area_um2",
        "HH membrane area (um^2), turns currents into densities; (0, 1e9]",
    ),
    ("hh.duration_ms", "HH simulated time (ms); (0, 100000]"),
    (
        "hh.dt_ms",
        "exponential-Euler step of the brian2-equivalent run (ms); (0, duration]",
    ),
    (
        "hh.dt_converged_ms",
        "RK4 step of the converged run (ms); (0, dt_ms]",
    ),
    (
        "cs.g_a_values",
        "A-type conductances of the sweep (mS/cm^2); 1 to 20 values in [0, 500]",
    ),
    (
        "cs.g_k",
        "delayed-rectifier conductance held fixed (mS/cm^2); [0, 500]",
    ),
    (
        "cs.g_total",
        "g_K + g_A held fixed in the second convention (mS/cm^2); at least the largest g_A",
    ),
    ("cs.i_min", "smallest current of the CS sweep (uA/cm^2)"),
    (
        "cs.i_max",
        "largest current of the CS sweep (uA/cm^2); above i_min",
    ),
    (
        "cs.i_step",
        "spacing of the CS sweep (uA/cm^2); > 0, at most 10000 currents",
    ),
    ("cs.dt_ms", "RK4 step of every CS run (ms); (0, 0.1]"),
    ("cs.duration_ms", "longest CS run (ms); (transient, 100000]"),
    (
        "cs.transient_ms",
        "spikes before this time are the transient (ms); >= 0",
    ),
    (
        "cs.spikes_for_rate",
        "a run stops after this many spikes past the transient; 3 to 1000",
    ),
    (
        "cs.threshold_mv",
        "a spike is an upward crossing of this voltage (mV); [-100, 50]",
    ),
    (
        "cs.rheobase_tolerance",
        "precision of the rheobase bisection (uA/cm^2); (0, 1]",
    ),
    (
        "cs.brian2_dt_ms",
        "exponential-Euler step of the brian2-default comparison (ms); (0, 1]",
    ),
    (
        "cs.trace_ms",
        "length of the voltage traces (ms); (0, 10000]",
    ),
    ("circles.n_samples", "points of make_circles; 4 to 1000000"),
    ("circles.factor", "inner radius / outer radius; [0, 1)"),
    (
        "circles.noise",
        "standard deviation of the Gaussian noise; [0, 10]",
    ),
    (
        "circles.random_state",
        "numpy seed of make_circles; 0 to 2^32 - 1",
    ),
    (
        "circles.test_size",
        "fraction of points in the test set; (0, 1)",
    ),
    (
        "circles.split_random_state",
        "numpy seed of train_test_split; 0 to 2^32 - 1",
    ),
    (
        "mlp.small_hidden",
        "hidden units of the small network; 1 to 100000",
    ),
    (
        "mlp.small_restarts",
        "restarts of the small network; 1 to 10000",
    ),
    (
        "mlp.small_epochs",
        "full-batch epochs of the small network; 1 to 1000000",
    ),
    (
        "mlp.wide_hidden",
        "hidden units of the wide network; 1 to 100000",
    ),
    (
        "mlp.wide_restarts",
        "restarts of the wide network; 1 to 10000",
    ),
    (
        "mlp.wide_epochs",
        "full-batch epochs of the wide network; 1 to 1000000",
    ),
    ("mlp.learning_rate", "Adam step size; (0, 10]"),
    ("mlp.beta1", "Adam first-moment decay; [0, 1)"),
    ("mlp.beta2", "Adam second-moment decay; [0, 1)"),
    ("mlp.epsilon", "Adam epsilon; (0, 1]"),
    (
        "mlp.good_loss",
        "a restart is good with all training points right and loss at most this; (0, 10]",
    ),
    (
        "mlp.grid_resolution",
        "grid points per side of the decision-region figure; 10 to 1000",
    ),
];

/// The configuration as TOML with each key's meaning and range as a comment.
pub fn annotated_toml(cfg: &Config) -> String {
    let mut section = String::new();
    let mut out = String::from(
        "# neuroreport configuration: every key, its default, meaning and range.\n\
         # Save as FILE.toml, keep the keys you change, and run with --config FILE.toml.\n\n",
    );
    for line in cfg.to_toml().lines() {
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = format!("{name}.");
        }
        out.push_str(line);
        if let Some((key, _)) = line.split_once(" = ") {
            let full = format!("{section}{}", key.trim());
            if let Some((_, doc)) = KEY_DOCS.iter().find(|(k, _)| *k == full) {
                out.push_str("  # ");
                out.push_str(doc);
            }
        }
        out.push('\n');
    }
    out
}

/// Everything the report depends on. Each field's doc comment gives its unit and range.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Master seed; every random draw derives its own seed from it (any u64).
    pub seed: u64,
    /// Phase portraits of chapter 1 (homework 1.1).
    pub phase: PhaseConfig,
    /// The brian2 `IF_curve_LIF` example (homework 1, the given code).
    pub lif: LifConfig,
    /// The quadratic integrate-and-fire model (homework 1.2 and 1.4).
    pub qif: QifConfig,
    /// The ReLU and sigmoid fits (homework 1.3).
    pub fit: FitConfig,
    /// brian2's `IF_curve_Hodgkin_Huxley` example and its converged counterpart (homework 1.5).
    pub hh: HhConfig,
    /// The Connor–Stevens model and the A-current sweep (homework 1.5).
    pub cs: CsConfig,
    /// The data set of part 2: scikit-learn's `make_circles` and stratified split.
    pub circles: CirclesConfig,
    /// The one-hidden-layer ReLU network of part 2 and its training.
    pub mlp: MlpConfig,
}

/// The Hodgkin–Huxley F-I curve of brian2's example.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HhConfig {
    /// Number of neurons, 2 to 100 000; neuron i gets I = i_max · i/n.
    pub n_neurons: usize,
    /// Largest absolute input current (nA), in (0, 1000].
    pub i_max_na: f64,
    /// Membrane area (µm²) that converts the current to a density, in (0, 1e9].
    pub area_um2: f64,
    /// Simulated time (ms), in (0, 100 000].
    pub duration_ms: f64,
    /// Time step of the brian2-equivalent exponential-Euler run (ms), in (0, duration].
    pub dt_ms: f64,
    /// Time step of the converged RK4 run (ms), in (0, dt_ms].
    pub dt_converged_ms: f64,
}

/// The Connor–Stevens F-I curves and the A-conductance sweep.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CsConfig {
    /// A-type conductances of the sweep (mS/cm²), each in [0, 500], 1 to 20 values.
    pub g_a_values: Vec<f64>,
    /// Delayed-rectifier conductance held fixed in the first convention (mS/cm²), in [0, 500].
    pub g_k: f64,
    /// Total g_K + g_A held fixed in the second convention (mS/cm²), at least the largest g_A.
    pub g_total: f64,
    /// Smallest current of the F-I sweep (µA/cm²).
    pub i_min: f64,
    /// Largest current of the F-I sweep (µA/cm²), above i_min.
    pub i_max: f64,
    /// Spacing of the F-I sweep (µA/cm²), > 0; at most 10 000 currents.
    pub i_step: f64,
    /// RK4 time step (ms), in (0, 0.1].
    pub dt_ms: f64,
    /// Longest run for one current (ms), in (transient, 100 000].
    pub duration_ms: f64,
    /// Spikes before this time are the transient (ms), ≥ 0.
    pub transient_ms: f64,
    /// A run stops once this many spikes followed the transient, 3 to 1000.
    pub spikes_for_rate: usize,
    /// A spike is an upward crossing of this voltage (mV).
    pub threshold_mv: f64,
    /// Precision of the rheobase bisection (µA/cm²), in (0, 1].
    pub rheobase_tolerance: f64,
    /// Time step of the brian2-default comparison with exponential Euler (ms), in (0, 1].
    pub brian2_dt_ms: f64,
    /// Length of the voltage traces (ms), in (0, 10 000].
    pub trace_ms: f64,
}

impl Default for HhConfig {
    fn default() -> Self {
        HhConfig {
            n_neurons: 100,
            i_max_na: 0.7,
            area_um2: 20_000.0,
            duration_ms: 2000.0,
            dt_ms: 0.1,
            dt_converged_ms: 0.025,
        }
    }
}

impl Default for CsConfig {
    fn default() -> Self {
        CsConfig {
            g_a_values: vec![0.0, 10.0, 20.0, 30.0, 40.0, 47.7],
            g_k: 20.0,
            g_total: 67.7,
            i_min: -10.0,
            i_max: 40.0,
            i_step: 1.0,
            dt_ms: 0.05,
            duration_ms: 2000.0,
            transient_ms: 200.0,
            spikes_for_rate: 12,
            threshold_mv: -20.0,
            rheobase_tolerance: 0.01,
            brian2_dt_ms: 0.1,
            trace_ms: 250.0,
        }
    }
}

/// `make_circles(n_samples, factor, noise, random_state)` and
/// `train_test_split(X, y, stratify=y, test_size, random_state)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CirclesConfig {
    /// Number of points, 4 to 1 000 000.
    pub n_samples: usize,
    /// Radius of the inner circle relative to the outer, in [0, 1).
    pub factor: f64,
    /// Standard deviation of the Gaussian noise, in [0, 10].
    pub noise: f64,
    /// `random_state` of `make_circles` (numpy seed, 0 to 2³² − 1).
    pub random_state: u32,
    /// Fraction of points in the test set, in (0, 1).
    pub test_size: f64,
    /// `random_state` of `train_test_split`.
    pub split_random_state: u32,
}

/// The network (2 inputs, H ReLU units, a linear readout) and full-batch Adam training.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MlpConfig {
    /// Hidden units of the small network, 1 to 100 000.
    pub small_hidden: usize,
    /// Restarts of the small network, 1 to 10 000.
    pub small_restarts: usize,
    /// Training epochs of the small network, 1 to 1 000 000.
    pub small_epochs: usize,
    /// Hidden units of the wide network, 1 to 100 000.
    pub wide_hidden: usize,
    /// Restarts of the wide network, 1 to 10 000.
    pub wide_restarts: usize,
    /// Training epochs of the wide network, 1 to 1 000 000.
    pub wide_epochs: usize,
    /// Adam step size, in (0, 10].
    pub learning_rate: f64,
    /// Adam β1, in [0, 1).
    pub beta1: f64,
    /// Adam β2, in [0, 1).
    pub beta2: f64,
    /// Adam ε, in (0, 1].
    pub epsilon: f64,
    /// A restart is good when it classifies every training point correctly and its final
    /// mean training loss is at most this, in (0, 10].
    pub good_loss: f64,
    /// Grid points per side for drawing decision regions, 10 to 1000.
    pub grid_resolution: usize,
}

impl Default for CirclesConfig {
    fn default() -> Self {
        CirclesConfig {
            n_samples: 400,
            factor: 0.3,
            noise: 0.05,
            random_state: 0,
            test_size: 0.25,
            split_random_state: 0,
        }
    }
}

impl Default for MlpConfig {
    fn default() -> Self {
        MlpConfig {
            small_hidden: 5,
            small_restarts: 100,
            small_epochs: 2000,
            wide_hidden: 1000,
            wide_restarts: 20,
            wide_epochs: 200,
            learning_rate: 0.01,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            good_loss: 0.05,
            grid_resolution: 150,
        }
    }
}

/// Phase portraits of τV̇ against V.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PhaseConfig {
    /// Inputs V0 (mV) drawn for the LIF model; each in [-100, 100], 1 to 8 values.
    pub lif_v0_mv: Vec<f64>,
    /// Inputs V0 (dimensionless) drawn for the QIF model; each in [-100, 100], 1 to 8 values.
    pub qif_v0: Vec<f64>,
}

/// The leaky integrate-and-fire F-I curve, as in brian2's `IF_curve_LIF` example.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LifConfig {
    /// Number of neurons, 2 to 100 000; neuron i gets v0 = v0_max · i/(n − 1).
    pub n_neurons: usize,
    /// Largest input v0 (mV), in (0, 1000].
    pub v0_max_mv: f64,
    /// Membrane time constant τ (ms), in (0, 10 000].
    pub tau_ms: f64,
    /// Spike threshold (mV), above the reset.
    pub v_threshold_mv: f64,
    /// Reset potential (mV), below the threshold; also the initial potential.
    pub v_reset_mv: f64,
    /// Refractory period (ms), in [0, duration).
    pub refractory_ms: f64,
    /// Simulated time (ms), in (0, 100 000].
    pub duration_ms: f64,
    /// Time step (ms), in (0, duration].
    pub dt_ms: f64,
}

/// The quadratic integrate-and-fire model τV̇ = V0 + V², V dimensionless.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct QifConfig {
    /// Time constant τ (ms), in (0, 10 000].
    pub tau_ms: f64,
    /// Reset value V_r, below the threshold; also the initial value.
    pub v_reset: f64,
    /// Threshold V_th, above the reset and at most 1000.
    pub v_threshold: f64,
    /// Smallest input V0 of the F-I sweep.
    pub v0_min: f64,
    /// Largest input V0 of the F-I sweep, at least v0_min.
    pub v0_max: f64,
    /// Spacing of the F-I sweep, > 0; the sweep has at most 100 000 points.
    pub v0_step: f64,
    /// Simulated time (ms), in (0, 100 000].
    pub duration_ms: f64,
    /// Time step of the clock-driven (forward Euler) run, as brian2 (ms), in (0, duration].
    pub dt_ms: f64,
    /// Time step of the accurate run (RK4 with spike-time interpolation) (ms), in (0, dt_ms].
    pub dt_accurate_ms: f64,
    /// Time steps of the Euler convergence study (ms), 2 to 10 distinct values, each in
    /// (0, duration].
    pub convergence_dt_ms: Vec<f64>,
}

/// Least-squares fits of ReLU and sigmoid curves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FitConfig {
    /// Number of starting points of Levenberg–Marquardt per curve and model, 1 to 100.
    pub starts: usize,
    /// Iteration limit of each Levenberg–Marquardt run, 1 to 100 000.
    pub max_iterations: usize,
}

impl Default for PhaseConfig {
    fn default() -> Self {
        PhaseConfig {
            lif_v0_mv: vec![5.0, 10.0, 15.0],
            qif_v0: vec![-1.0, 0.0, 1.0],
        }
    }
}

impl Default for LifConfig {
    fn default() -> Self {
        LifConfig {
            n_neurons: 1000,
            v0_max_mv: 20.0,
            tau_ms: 10.0,
            v_threshold_mv: 10.0,
            v_reset_mv: 0.0,
            refractory_ms: 5.0,
            duration_ms: 1000.0,
            dt_ms: 0.1,
        }
    }
}

impl Default for QifConfig {
    fn default() -> Self {
        QifConfig {
            tau_ms: 10.0,
            v_reset: -10.0,
            v_threshold: 10.0,
            v0_min: -1.0,
            v0_max: 5.0,
            v0_step: 0.01,
            duration_ms: 2000.0,
            dt_ms: 0.1,
            dt_accurate_ms: 0.01,
            convergence_dt_ms: vec![0.4, 0.2, 0.1, 0.05, 0.025],
        }
    }
}

impl Default for FitConfig {
    fn default() -> Self {
        FitConfig {
            starts: 12,
            max_iterations: 500,
        }
    }
}

/// A configuration value that breaks its rule.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {path}: {reason}")]
    Read {
        /// The file.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// The file is not valid TOML for this schema.
    #[error("invalid config file {path}: {reason}")]
    Parse {
        /// The file.
        path: String,
        /// The parser's message (with line and column).
        reason: String,
    },
    /// A value is outside its range.
    #[error("config key `{key}` = {value}: {rule}")]
    Invalid {
        /// Dotted key, e.g. `qif.dt_ms`.
        key: String,
        /// The offending value as written.
        value: String,
        /// The rule it breaks and how to fix it.
        rule: String,
    },
}

fn invalid(key: &str, value: impl std::fmt::Debug, rule: impl Into<String>) -> ConfigError {
    ConfigError::Invalid {
        key: key.to_string(),
        value: format!("{value:?}"),
        rule: rule.into(),
    }
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
    }
    Ok(())
}

impl Config {
    /// Reads a TOML file of overrides on top of the defaults, then validates the result.
    pub fn from_file(path: &Path) -> Result<Config, ConfigError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| ConfigError::Read {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        let text = String::from_utf8(bytes).map_err(|e| ConfigError::Read {
            path: shown.clone(),
            reason: format!(
                "not UTF-8 text (invalid byte at offset {})",
                e.utf8_error().valid_up_to()
            ),
        })?;
        let cfg: Config = toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: shown,
            reason: e.to_string().trim_end().to_string(),
        })?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// The configuration as TOML, as printed by `--print-config` and in the report's appendix.
    pub fn to_toml(&self) -> String {
        toml::to_string(self).expect("a Config always serialises")
    }

    /// Checks every field against its documented range; an error names the key, the value and
    /// the rule, and ends with the key's default value as a known-good fix.
    pub fn validate(&self) -> Result<(), ConfigError> {
        self.check_fields().map_err(|e| match e {
            ConfigError::Invalid { key, value, rule } => {
                let rule = match default_of(&key) {
                    Some(d) => format!("{rule} (default: {d})"),
                    None => rule,
                };
                ConfigError::Invalid { key, value, rule }
            }
            other => other,
        })
    }

    fn check_fields(&self) -> Result<(), ConfigError> {
        let p = &self.phase;
        check_list("phase.lif_v0_mv", &p.lif_v0_mv, -100.0, 100.0, (1, 8))?;
        check_list("phase.qif_v0", &p.qif_v0, -100.0, 100.0, (1, 8))?;

        let l = &self.lif;
        check_count("lif.n_neurons", l.n_neurons, 2, 100_000)?;
        check_range("lif.v0_max_mv", l.v0_max_mv, 0.0, 1000.0, false)?;
        check_range("lif.tau_ms", l.tau_ms, 0.0, 10_000.0, false)?;
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
        check_range("qif.v0_max", q.v0_max, q.v0_min, 1000.0, true)?;
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
        let finest = q
            .convergence_dt_ms
            .iter()
            .cloned()
            .fold(f64::INFINITY, f64::min);
        check_steps("qif", n, q.duration_ms, finest)?;

        let h = &self.hh;
        check_count("hh.n_neurons", h.n_neurons, 2, 100_000)?;
        check_range("hh.i_max_na", h.i_max_na, 0.0, 1000.0, false)?;
        check_range("hh.area_um2", h.area_um2, 0.0, 1e9, false)?;
        check_range("hh.duration_ms", h.duration_ms, 0.0, 100_000.0, false)?;
        check_step("hh.dt_ms", h.dt_ms, "hh.duration_ms", h.duration_ms)?;
        check_step("hh.dt_converged_ms", h.dt_converged_ms, "hh.dt_ms", h.dt_ms)?;
        check_steps("hh", h.n_neurons, h.duration_ms, h.dt_converged_ms)?;

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
        check_range("cs.threshold_mv", cs.threshold_mv, -100.0, 50.0, true)?;
        check_range(
            "cs.rheobase_tolerance",
            cs.rheobase_tolerance,
            0.0,
            1.0,
            false,
        )?;
        check_range("cs.brian2_dt_ms", cs.brian2_dt_ms, 0.0, 1.0, false)?;
        check_range("cs.trace_ms", cs.trace_ms, 0.0, 10_000.0, false)?;
        let runs = 2 * cs.g_a_values.len() * (((cs.i_max - cs.i_min) / cs.i_step) as usize + 40);
        check_steps("cs", runs, cs.duration_ms, cs.dt_ms)?;

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

/// The default value of a dotted key (`qif.dt_ms`, `cs.g_a_values[2]`), as TOML.
fn default_of(key: &str) -> Option<String> {
    let defaults = toml::Value::try_from(Config::default()).ok()?;
    let mut v = &defaults;
    for part in key.split('.') {
        let (name, index) = match part.split_once('[') {
            Some((n, rest)) => (n, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        v = v.get(name)?;
        if let Some(i) = index {
            v = v.get(i)?;
        }
    }
    Some(v.to_string())
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
    fn defaults_are_valid_and_round_trip_through_toml() {
        let cfg = Config::default();
        cfg.validate().unwrap();
        let back: Config = toml::from_str(&cfg.to_toml()).unwrap();
        assert_eq!(back, cfg);
    }

    #[test]
    fn every_key_is_documented_exactly_once() {
        let text = annotated_toml(&Config::default());
        let key_lines: Vec<&str> = text.lines().filter(|l| l.contains(" = ")).collect();
        assert_eq!(key_lines.len(), KEY_DOCS.len());
        assert!(key_lines.iter().all(|l| l.contains("  # ")), "{text}");
        let back: Config = toml::from_str(&text).unwrap();
        assert_eq!(back, Config::default());
    }

    #[test]
    fn unknown_keys_are_rejected() {
        let err = toml::from_str::<Config>("[qif]\ntua_ms = 3\n").unwrap_err();
        assert!(err.to_string().contains("tua_ms"), "{err}");
    }

    #[test]
    fn reset_above_threshold_names_the_key() {
        let mut cfg = Config::default();
        cfg.qif.v_reset = 20.0;
        let msg = cfg.validate().unwrap_err().to_string();
        assert!(msg.starts_with("config key `qif.v_reset` = 20.0"), "{msg}");
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
