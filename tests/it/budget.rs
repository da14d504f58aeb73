//! The work budget's estimates against the work the experiments count as they run: their
//! meters report neuron-steps actually taken, epochs actually trained and Levenberg–Marquardt
//! iterations actually run, in the budget's units. Each experiment is run alone, on
//! configurations that make its terms of the estimate dominate.

use neuroreport::config::Config;
use neuroreport::config::budget;
use neuroreport::experiments::EXPERIMENTS;
use std::sync::Mutex;

/// How far an estimate may be from the counted work, either way.
const FACTOR: f64 = 3.0;

fn tiny() -> Config {
    toml::from_str(super::common::TINY).unwrap()
}

/// (estimated, counted) core seconds of experiment `id` under `cfg`.
fn estimated_and_counted(cfg: &Config, id: &str) -> (f64, f64) {
    let estimate = budget::estimate(cfg)
        .into_iter()
        .find(|e| e.experiment == id)
        .expect("every experiment is estimated")
        .core_seconds;
    let experiment = EXPERIMENTS.iter().find(|e| e.id == id).unwrap();
    let counted = Mutex::new(0.0);
    (experiment.run)(cfg, &|ns| *counted.lock().unwrap() += ns).unwrap();
    (estimate, counted.into_inner().unwrap() * 1e-9)
}

fn assert_within_factor(name: &str, cfg: &Config, id: &str) {
    let (estimate, counted) = estimated_and_counted(cfg, id);
    assert!(
        estimate <= FACTOR * counted && counted <= FACTOR * estimate,
        "{name}: `{id}` estimated at {estimate:.3} s of one core, counted {counted:.3} s"
    );
}

#[test]
fn every_experiment_is_estimated_within_a_factor_of_three_of_its_counted_work() {
    let mut fine_cs = tiny();
    fine_cs.cs.dt_ms = if super::common::long_tests() {
        0.002
    } else {
        0.01
    };
    let mut fine_hh = tiny();
    fine_hh.hh.dt_converged_ms = 0.01;
    let mut long_training = tiny();
    long_training.mlp.small_epochs = 5000;
    long_training.mlp.wide_epochs = 500;
    for (name, cfg, id) in [
        ("fine Connor-Stevens step", &fine_cs, "connor_stevens"),
        ("fine Hodgkin-Huxley step", &fine_hh, "hh_fi"),
        ("long training", &long_training, "mlp"),
        ("tiny", &tiny(), "qif_fi"),
        ("tiny", &tiny(), "onset_controls"),
    ] {
        assert_within_factor(name, cfg, id);
    }
}
