//! Documentation of every configuration key, shown by `--print-config` beside its value.

/// Every configuration key with its meaning, unit and range, in `--print-config` order.
pub const KEY_DOCS: &[(&str, &str)] = &[
    (
        "seed",
        "master seed of every derived random stream; any integer 0 to 2^64 - 1",
    ),
    (
        "phase.lif_v0_mv",
        "LIF inputs drawn in the phase portrait (mV); 1 to 8 values in [-100, 100], 0 or at least 1e-6 in magnitude",
    ),
    (
        "phase.qif_v0",
        "QIF inputs drawn in the phase portrait; 1 to 8 values in [-100, 100], 0 or at least 1e-6 in magnitude",
    ),
    (
        "lif.n_neurons",
        "neurons of the brian2 LIF example, neuron i gets v0 = v0_max * i/(n - 1); 2 to 100000",
    ),
    ("lif.v0_max_mv", "largest LIF input (mV); [0.001, 1000]"),
    (
        "lif.tau_ms",
        "LIF membrane time constant (ms); [0.001, 10000]",
    ),
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
        "largest QIF input of the F-I sweep; above v0_min",
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
        "HH membrane area (um^2), turns currents into densities; [1, 1e9], at most 1000 uA/cm^2",
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
        "a spike is an upward crossing of this voltage (mV); [-55, 0], between rest and peak",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_documented_once() {
        let mut keys: Vec<&str> = KEY_DOCS.iter().map(|(k, _)| *k).collect();
        let n = keys.len();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), n);
    }
}
