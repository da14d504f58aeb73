//! Configuration: the first stage of the pipeline.
//!
//! Defaults are the homework's parameters, compiled in, so `cargo run --release` needs no
//! file. A TOML file may override any field (unknown keys are rejected). [`Config::validate`]
//! checks every field against its documented range before anything runs, and returns an
//! error that names the key, the value and the rule.
//!
//! The types derive serde's traits; reading and writing the file (TOML) is the application's
//! (`neuroreport::config_file`), as is quoting a key's default in an error message.

pub mod budget;
mod keys;
mod validate;
pub use validate::shorten;

pub use keys::KEY_DOCS;

use serde::{Deserialize, Serialize};

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
