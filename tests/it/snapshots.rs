//! insta snapshots of each experiment's rounded summary, so an instructor can grade against
//! them and any change in a result shows up in review (`cargo insta review`).

use neuroreport::experiments::Results;
use neuroreport::render::format::{fixed, sig};
use serde::Serialize;

fn results() -> &'static Results {
    super::common::default_results()
}

fn snapshot<T: Serialize>(name: &str, value: &T) {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_yaml_snapshot!(name, value));
}

/// Errors in scientific notation, 4 significant digits.
fn e4(x: f64) -> String {
    format!("{x:.3e}")
}

/// Rates to 6 significant digits.
fn r6(x: f64) -> String {
    sig(x, 6)
}

#[derive(Serialize)]
struct PhaseRow {
    model: &'static str,
    v0: f64,
    fixed_points: Vec<(String, String)>,
    fires: bool,
}

#[test]
fn phase_portraits() {
    let r = results();
    let rows: Vec<PhaseRow> = [("LIF", &r.phase.lif), ("QIF", &r.phase.qif)]
        .into_iter()
        .flat_map(|(model, curves)| {
            curves.iter().map(move |c| PhaseRow {
                model,
                v0: c.v0,
                fixed_points: c
                    .fixed_points
                    .iter()
                    .map(|f| (r6(f.v), format!("{:?}", f.stability)))
                    .collect(),
                fires: c.fires,
            })
        })
        .collect();
    snapshot("phase_portraits", &rows);
}

#[derive(Serialize)]
struct LifSummary {
    total_spikes: u64,
    first_firing_v0_mv: String,
    spike_counts_at: Vec<(usize, String, u64)>,
    max_spike_count_error: String,
}

#[test]
fn lif_fi_curve() {
    let r = &results().lif;
    let summary = LifSummary {
        total_spikes: r.run.spike_count.iter().sum(),
        first_firing_v0_mv: r6(r.first_firing_v0_mv.unwrap()),
        spike_counts_at: [0, 499, 500, 501, 600, 750, 999]
            .into_iter()
            .map(|i| (i, r6(r.run.v0_mv[i]), r.run.spike_count[i]))
            .collect(),
        max_spike_count_error: sig(r.max_spike_count_error, 3),
    };
    snapshot("lif_fi", &summary);
}

#[derive(Serialize)]
struct QifPoint {
    v0: f64,
    spike_count: u64,
    rate_euler_hz: String,
    rate_accurate_hz: String,
    rate_analytic_hz: String,
}

#[derive(Serialize)]
struct QifSummary {
    rheobase_v0: f64,
    points: Vec<QifPoint>,
    compared_inputs: usize,
    euler_max_relative_error: String,
    rk4_max_relative_error_below_1e_9: bool,
    convergence_rms_relative_error: Vec<(f64, String)>,
    asymptotic_order: String,
}

#[test]
fn qif_fi_curve() {
    let r = &results().qif;
    let at = |v0: f64| r.v0.iter().position(|&v| (v - v0).abs() < 1e-9).unwrap();
    let rheobase = r.v0[r.rate_accurate_hz.iter().position(|&f| f > 0.0).unwrap()];
    let summary = QifSummary {
        rheobase_v0: rheobase,
        points: [-0.5, 0.0, 0.01, 0.1, 0.5, 1.0, 2.0, 5.0]
            .into_iter()
            .map(|v0| {
                let i = at(v0);
                QifPoint {
                    v0,
                    spike_count: r.spike_count[i],
                    rate_euler_hz: r6(r.rate_euler_hz[i]),
                    rate_accurate_hz: r6(r.rate_accurate_hz[i]),
                    rate_analytic_hz: r6(r.rate_analytic_hz[i]),
                }
            })
            .collect(),
        compared_inputs: r.compared_inputs,
        euler_max_relative_error: e4(r.method_errors[0].max_relative_error),
        rk4_max_relative_error_below_1e_9: r.method_errors[1].max_relative_error < 1e-9,
        convergence_rms_relative_error: r
            .convergence
            .iter()
            .map(|c| (c.dt_ms, e4(c.rms_relative_error)))
            .collect(),
        asymptotic_order: sig(r.asymptotic_order, 3),
    };
    snapshot("qif_fi", &summary);
}

/// Fit parameters to 4 decimals (an absolute resolution: a parameter that is zero up to the
/// optimiser's tolerance prints as 0.0000), RMSE to 4 significant digits.
#[derive(Serialize)]
struct FitSummary {
    curve: &'static str,
    better: &'static str,
    relu_params: Vec<String>,
    relu_rmse_hz: String,
    sigmoid_params: Vec<String>,
    sigmoid_rmse_hz: String,
}

#[test]
fn relu_and_sigmoid_fits() {
    let rows: Vec<FitSummary> = results()
        .fits
        .iter()
        .map(|f| FitSummary {
            curve: f.curve,
            better: f.better(),
            relu_params: f.relu.params.iter().map(|&p| fixed(p, 4)).collect(),
            relu_rmse_hz: sig(f.relu.rmse, 4),
            sigmoid_params: f.sigmoid.params.iter().map(|&p| fixed(p, 4)).collect(),
            sigmoid_rmse_hz: sig(f.sigmoid.rmse, 4),
        })
        .collect();
    snapshot("fits", &rows);
}

#[derive(Serialize)]
struct RestartRow {
    restart: usize,
    verdict: String,
    final_train_loss: String,
    train_accuracy: f64,
    test_accuracy: f64,
    dead_units: usize,
}

#[derive(Serialize)]
struct WidthSummary {
    hidden: usize,
    good: usize,
    one_class: usize,
    poor_optimum: usize,
    first_good: Option<usize>,
    first_restarts: Vec<RestartRow>,
}

#[test]
fn mlp_restarts() {
    use neuroreport::experiments::mlp::Verdict;
    let m = &results().mlp;
    let widths: Vec<WidthSummary> = [&m.small, &m.wide]
        .into_iter()
        .map(|w| WidthSummary {
            hidden: w.hidden,
            good: w.count(Verdict::Good),
            one_class: w.count(Verdict::OneClass),
            poor_optimum: w.count(Verdict::PoorOptimum),
            first_good: w.first_good().map(|r| r.restart),
            first_restarts: w
                .restarts
                .iter()
                .take(8)
                .map(|r| RestartRow {
                    restart: r.restart,
                    verdict: format!("{:?}", r.verdict),
                    final_train_loss: sig(r.final_train_loss, 4),
                    train_accuracy: r.train_accuracy,
                    test_accuracy: r.test_accuracy,
                    dead_units: r.dead_units,
                })
                .collect(),
        })
        .collect();
    snapshot("mlp_restarts", &widths);
}

#[derive(Serialize)]
struct OnsetRow {
    convention: &'static str,
    g_a: f64,
    g_k: f64,
    rest_mv: String,
    rest_unstable: bool,
    rheobase_ua_cm2: String,
    onset_rate_hz: String,
    excitability: &'static str,
    onset_bifurcation: &'static str,
    fold_ua_cm2: String,
    hopf_ua_cm2: String,
    lowest_firing_ua_cm2: String,
}

#[test]
fn connor_stevens_onsets() {
    let rows: Vec<OnsetRow> = results()
        .cs
        .curves
        .iter()
        .map(|c| OnsetRow {
            convention: c.convention.id(),
            g_a: c.g_a,
            g_k: c.g_k,
            rest_mv: sig(c.onset.rest_mv, 5),
            rest_unstable: c.onset.rest_exponent_per_ms > 0.0,
            rheobase_ua_cm2: format!("{:.2}", c.onset.rheobase),
            onset_rate_hz: sig(c.onset.onset_rate_hz, 3),
            excitability: c.onset.excitability.map_or("unclassified", |e| e.name()),
            onset_bifurcation: c.onset.analysis.bifurcation().map_or("none", |b| b.id()),
            fold_ua_cm2: c
                .onset
                .analysis
                .fold
                .map_or("none".into(), |f| format!("{:.4}", f.current)),
            hopf_ua_cm2: c
                .onset
                .analysis
                .hopf
                .map_or("none".into(), |h| format!("{:.4}", h.current)),
            lowest_firing_ua_cm2: c
                .onset
                .analysis
                .lowest_firing_current
                .map_or("none".into(), |x| format!("{:.2}", x)),
        })
        .collect();
    snapshot("connor_stevens_onsets", &rows);
}

#[derive(Serialize)]
struct HhSummary {
    total_spikes: u64,
    total_spikes_converged: u64,
    counts_at: Vec<(usize, u64, u64)>,
}

#[test]
fn hodgkin_huxley_fi_curve() {
    let h = &results().hh;
    snapshot(
        "hh_fi",
        &HhSummary {
            total_spikes: h.spike_count.iter().sum(),
            total_spikes_converged: h.spike_count_converged.iter().sum(),
            counts_at: [3, 10, 25, 50, 75, 99]
                .into_iter()
                .map(|i| (i, h.spike_count[i], h.spike_count_converged[i]))
                .collect(),
        },
    );
}

#[derive(Serialize)]
struct ControlRow {
    model: &'static str,
    parameter_set: &'static str,
    fold_ua_cm2: String,
    hopf_ua_cm2: String,
    onset_bifurcation: &'static str,
    source_shows: &'static str,
}

#[test]
fn onset_controls() {
    let rows: Vec<ControlRow> = results()
        .controls
        .iter()
        .map(|c| ControlRow {
            model: c.control.model,
            parameter_set: c.control.parameter_set,
            fold_ua_cm2: c.fold_ua_cm2.map_or("none".into(), |x| format!("{x:.4}")),
            hopf_ua_cm2: c.hopf_ua_cm2.map_or("none".into(), |x| format!("{x:.4}")),
            onset_bifurcation: c.onset.bifurcation().id(),
            source_shows: c.control.expected.id(),
        })
        .collect();
    snapshot("onset_controls", &rows);
}
