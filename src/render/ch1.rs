//! Chapter 1 (homework 1.1–1.4): the view of rounded, formatted values the template prints,
//! the tables, and the figures.

use super::crossref::Table;
use super::format::{fixed, percent, plain, short, sig};
use crate::config::Config;
use crate::error::Error;
use crate::experiments::Results;
use crate::experiments::fits::ShapeFit;
use crate::experiments::phase::PhaseCurve;
use crate::experiments::qif_fi;
use crate::figures::{Figure, fi_curves, phase};
use crate::neuron::qif;
use serde::Serialize;

/// One curve of a phase portrait, formatted.
#[derive(Debug, Serialize)]
pub struct PhaseRow {
    v0: String,
    fixed_points: String,
    fires: bool,
}

/// Consecutive inputs of a phase portrait with the same verdict, for one clause of prose:
/// "at V0 = 5 and 10 mV it does not fire".
#[derive(Debug, Serialize)]
pub struct FireGroup {
    /// The inputs, joined ("5", "5 and 10", "1, 2 and 3").
    v0s: String,
    fires: bool,
}

/// Groups consecutive rows with the same verdict.
fn fire_groups(rows: &[PhaseRow]) -> Vec<FireGroup> {
    let mut groups: Vec<(Vec<&str>, bool)> = Vec::new();
    for r in rows {
        match groups.last_mut() {
            Some((v0s, fires)) if *fires == r.fires => v0s.push(&r.v0),
            _ => groups.push((vec![&r.v0], r.fires)),
        }
    }
    groups
        .into_iter()
        .map(|(v0s, fires)| {
            let v0s = match v0s.split_last() {
                Some((last, [])) => last.to_string(),
                Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
                None => String::new(),
            };
            FireGroup { v0s, fires }
        })
        .collect()
}

/// One curve's model comparison, formatted: the shapes ranked by the errors that hold for
/// curves without noise.
#[derive(Debug, Serialize)]
pub struct ComparisonRow {
    curve: &'static str,
    /// The admissible shape with the lowest RMS error over the fitted inputs, and its error.
    best_rmse: &'static str,
    best_rmse_hz: String,
    /// The runner-up by RMS error and its error.
    second_rmse: &'static str,
    second_rmse_hz: String,
    /// The admissible shape that best predicts the upper third of the inputs from a fit to
    /// the lower two thirds, and that error; empty without hold-out errors.
    best_holdout: &'static str,
    best_holdout_hz: String,
    /// Whether the two rankings pick the same shape.
    agree: bool,
    /// Shapes that predict negative rates on the fitted inputs, with the lowest prediction.
    negative: Vec<String>,
    /// Shapes whose fit runs off to a limit of its family, with why.
    degenerate: Vec<String>,
    /// When every shape predicts more than a tenth of a hertz somewhere the neuron is
    /// silent: the range of their largest such predictions (Hz).
    silent: Option<String>,
    /// Every shape's largest error is its prediction where the neuron is silent.
    silent_is_max: bool,
}

/// Readable name of a shape of the comparison.
pub use crate::experiments::fits::shape_name;

fn comparison_row(f: &crate::experiments::fits::CurveFits) -> ComparisonRow {
    let by_rmse = f.by_rmse();
    let by_holdout = f.by_holdout();
    let name = |s: Option<&&ShapeFit>| s.map_or("", |s| shape_name(s.shape));
    ComparisonRow {
        curve: f.curve,
        best_rmse: name(by_rmse.first()),
        best_rmse_hz: by_rmse
            .first()
            .map_or_else(String::new, |s| sig(s.fit.rmse, 3)),
        second_rmse: name(by_rmse.get(1)),
        second_rmse_hz: by_rmse
            .get(1)
            .map_or_else(String::new, |s| sig(s.fit.rmse, 3)),
        best_holdout: name(by_holdout.first()),
        best_holdout_hz: by_holdout
            .first()
            .and_then(|s| s.holdout_rmse_hz)
            .map_or_else(String::new, |e| sig(e, 3)),
        agree: by_holdout
            .first()
            .zip(by_rmse.first())
            .is_some_and(|(a, b)| a.shape == b.shape),
        negative: f
            .shapes
            .iter()
            .filter(|s| s.predicts_negative_rates())
            .map(|s| {
                format!(
                    "the {} (down to {} Hz)",
                    shape_name(s.shape),
                    sig(s.min_predicted_hz, 3)
                )
            })
            .collect(),
        degenerate: f
            .shapes
            .iter()
            .filter_map(|s| {
                s.degenerate
                    .map(|why| format!("the {}: {why}", shape_name(s.shape)))
            })
            .collect(),
        silent: {
            let silent: Vec<f64> = f.shapes.iter().map(|s| s.silent_max_hz).collect();
            let (lo, hi) = silent
                .iter()
                .fold((f64::INFINITY, 0.0_f64), |(a, b), &x| (a.min(x), b.max(x)));
            (lo > 0.1).then(|| format!("{} to {}", sig(lo, 3), sig(hi, 3)))
        },
        silent_is_max: f
            .shapes
            .iter()
            .all(|s| s.silent_max_hz >= s.max_error_hz * (1.0 - 1e-9)),
    }
}

/// One F-I curve's fits, formatted.
#[derive(Debug, Serialize)]
pub struct FitRow {
    curve: &'static str,
    better: &'static str,
    worse: &'static str,
    relu_rmse_hz: String,
    sigmoid_rmse_hz: String,
    /// RMSE of the worse shape over that of the better one.
    rmse_ratio: Option<String>,
    relu_shift: String,
    sigmoid_shift: String,
    sigmoid_width: String,
    /// Level the sigmoid saturates at, a + d (Hz), for a rising sigmoid.
    sigmoid_ceiling_hz: String,
    extrapolation_from: String,
    extrapolation_to: String,
    extrapolation_relu_hz: String,
    extrapolation_sigmoid_hz: String,
    extrapolation_better: &'static str,
}

/// Everything chapter 1's template prints.
#[derive(Debug, Serialize)]
pub struct View {
    lif_n_neurons: usize,
    lif_v0_max_mv: String,
    lif_tau_ms: String,
    lif_threshold_mv: String,
    lif_reset_mv: String,
    lif_refractory_ms: String,
    lif_duration_s: String,
    lif_dt_ms: String,
    lif_total_spikes: u64,
    /// Input of the first neuron that fires (mV), if any does.
    lif_first_firing_v0_mv: Option<String>,
    lif_first_firing_rate_hz: String,
    lif_max_rate_hz: String,
    lif_max_spike_count_error: String,
    /// Range of (simulated − continuous-time count of the same run).
    lif_grid_min: i64,
    lif_grid_max: i64,
    /// The grid never adds a spike.
    lif_grid_only_removes: bool,
    /// Range of (continuous-time count − rate × duration).
    lif_finite_min: String,
    lif_finite_max: String,
    /// Threshold rate of the QIF comparison (Hz): the given number of periods in the run.
    qif_threshold_rate_hz: String,
    lif_saturation_hz: String,
    phase_lif: Vec<PhaseRow>,
    phase_qif: Vec<PhaseRow>,
    fire_lif: Vec<FireGroup>,
    fire_qif: Vec<FireGroup>,
    qif_tau_ms: String,
    qif_reset: String,
    qif_threshold: String,
    qif_v0_min: String,
    qif_v0_max: String,
    qif_v0_step: String,
    qif_n_inputs: usize,
    qif_duration_s: String,
    qif_dt_ms: String,
    qif_dt_accurate_ms: String,
    qif_accurate_spikes: u64,
    qif_accurate_intervals: u64,
    /// Input V0 below which a neuron reset to V_r can still escape (V_r > √(−V0)), if V_r > 0.
    qif_reset_is_negative: bool,
    qif_low_v0: String,
    qif_low_rate_hz: String,
    qif_low_limit_hz: String,
    qif_top_v0: String,
    qif_top_rate_hz: String,
    qif_top_limit_hz: String,
    qif_top_limit_excess_pct: String,
    qif_compared_inputs: usize,
    qif_min_compared_rate_hz: String,
    qif_compared_periods: String,
    euler_max_rel_error_pct: String,
    euler_rms_rel_error_pct: String,
    euler_slower: bool,
    rk4_max_rel_error: String,
    observed_order: String,
    asymptotic_order: String,
    /// The grid against the integrator, at the step `split_dt_ms` of the study.
    split_dt_ms: String,
    split_euler: String,
    split_rk4_grid: String,
    split_euler_interp: String,
    /// RK4 on the grid is within a factor of two of Euler: the grid dominates the error.
    grid_dominates: bool,
    /// Orders between the two finest steps: RK4 on the grid, Euler interpolated.
    rk4_grid_order: String,
    euler_interp_order: String,
    /// The configuration's reset is V_r = −V_th (Euler's first-order term then vanishes).
    symmetric_reset: bool,
    /// Interpolated Euler's order with the other kind of reset, and that reset.
    other_reset_order: Option<String>,
    other_reset_v: String,
    convergence_first_dt_ms: String,
    convergence_last_dt_ms: String,
    fits: Vec<FitRow>,
    /// The model comparison, per curve.
    comparison: Vec<ComparisonRow>,
    /// The LIF ceiling 1/t_ref (Hz) and the QIF large-input slope (Hz per unit of V0).
    lif_ceiling_hz: Option<String>,
    qif_slope_hz: String,
    qif_far_v0: String,
    qif_far_rate_hz: String,
    /// RK4 simulation at the far input (Hz), and its run length.
    qif_far_sim_hz: String,
    qif_far_duration_ms: String,
    /// The linear asymptote V0/(τ(V_th − V_r)) at the far input (Hz).
    qif_far_linear_hz: String,
    qif_far_relu_hz: String,
    qif_far_sigmoid_hz: String,
    lif_far_v0: String,
    lif_far_rate_hz: String,
    /// brian2 scripts of the LIF and QIF runs (fenced Python).
    lif_listing: String,
    qif_listing: String,
    /// Simulation at the far input as brian2 steps it (Hz), and its run length.
    lif_far_sim_hz: String,
    lif_far_duration_ms: String,
    lif_far_sigmoid_hz: String,
    same_winner: bool,
    overall_winner: &'static str,
}

fn fixed_points(fps: &[crate::analysis::phase::FixedPoint]) -> String {
    if fps.is_empty() {
        return "none".to_string();
    }
    fps.iter()
        .map(|fp| format!("{} ({})", short(fp.v, 4), stability_name(fp.stability)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn stability_name(s: crate::analysis::phase::Stability) -> &'static str {
    match s {
        crate::analysis::phase::Stability::Stable => "stable",
        crate::analysis::phase::Stability::Unstable => "unstable",
        crate::analysis::phase::Stability::HalfStable => "saddle-node",
    }
}

fn phase_rows(curves: &[PhaseCurve]) -> Vec<PhaseRow> {
    curves
        .iter()
        .map(|c| PhaseRow {
            v0: plain(c.v0),
            fixed_points: fixed_points(&c.fixed_points),
            fires: c.fires,
        })
        .collect()
}

/// Builds the view from the results.
pub fn view(r: &Results, cfg: &Config) -> View {
    let l = &cfg.lif;
    let q = &cfg.qif;
    let first = r.lif.first_firing_v0_mv;
    let first_rate = r
        .lif
        .run
        .spike_count
        .iter()
        .position(|&c| c > 0)
        .map_or(0.0, |i| r.lif.run.rate_hz[i]);
    let max_rate = r.lif.run.rate_hz.iter().cloned().fold(0.0, f64::max);
    let qp = |v0| qif::QifParams {
        v0,
        tau_ms: q.tau_ms,
        v_reset: q.v_reset,
        v_threshold: q.v_threshold,
    };
    // The smallest positive input of the sweep, and the largest.
    let low_v0 = r
        .qif
        .v0
        .iter()
        .cloned()
        .find(|&v| v > 0.0)
        .unwrap_or(q.v0_max);
    let top_v0 = q.v0_max;
    let top_rate = qif::analytic_rate_hz(&qp(top_v0));
    let top_limit = qif::limit_rate_hz(top_v0, q.tau_ms);
    let euler = &r.qif.method_errors[0];
    let rk4 = &r.qif.method_errors[1];
    let compared_min = r
        .qif
        .rate_analytic_hz
        .iter()
        .cloned()
        .filter(|&a| a >= qif_fi::min_compared_rate_hz(q.duration_ms))
        .fold(f64::INFINITY, f64::min);
    let euler_slower = r
        .qif
        .rate_euler_hz
        .iter()
        .zip(&r.qif.rate_analytic_hz)
        .filter(|(_, a)| **a >= qif_fi::min_compared_rate_hz(q.duration_ms))
        .all(|(e, a)| e < a);
    let fits: Vec<FitRow> = r
        .fits
        .iter()
        .map(|f| {
            let ex = f.extrapolation.as_ref();
            let better = f.better();
            let (b, w) = if better == "ReLU" {
                (f.relu.rmse, f.sigmoid.rmse)
            } else {
                (f.sigmoid.rmse, f.relu.rmse)
            };
            FitRow {
                curve: f.curve,
                better,
                worse: if better == "ReLU" { "sigmoid" } else { "ReLU" },
                relu_rmse_hz: sig(f.relu.rmse, 3),
                sigmoid_rmse_hz: sig(f.sigmoid.rmse, 3),
                rmse_ratio: (b > 0.0).then(|| sig(w / b, 2)),
                relu_shift: sig(f.relu.params[1], 3),
                sigmoid_shift: sig(f.sigmoid.params[1], 3),
                sigmoid_width: sig(f.sigmoid.params[2].abs(), 3),
                sigmoid_ceiling_hz: sig(f.sigmoid.params[0].max(0.0) + f.sigmoid.params[3], 3),
                extrapolation_from: ex.map_or(String::new(), |e| plain(e.x_from)),
                extrapolation_to: ex.map_or(String::new(), |e| plain(e.x_to)),
                extrapolation_relu_hz: ex.map_or(String::new(), |e| sig(e.relu_rmse, 3)),
                extrapolation_sigmoid_hz: ex.map_or(String::new(), |e| sig(e.sigmoid_rmse, 3)),
                extrapolation_better: match ex {
                    Some(e) if e.relu_rmse <= e.sigmoid_rmse => "ReLU",
                    Some(_) => "sigmoid",
                    None => "",
                },
            }
        })
        .collect();
    let same_winner = fits.windows(2).all(|w| w[0].better == w[1].better);
    let comparison: Vec<ComparisonRow> = r.fits.iter().map(comparison_row).collect();
    // Far beyond the fitted inputs: 20 times the largest (the issue of which shape is right
    // is a question about large inputs).
    let qif_far_v0 = r.qif.far.v0;
    let lif_far_v0 = r.lif.far.v0;
    // The grid against the integrator: at brian2's step if the study has it, else its first.
    let split = r
        .qif
        .convergence
        .iter()
        .find(|c| c.dt_ms.to_bits() == q.dt_ms.to_bits())
        .unwrap_or(&r.qif.convergence[0]);
    let mut fine: Vec<&qif_fi::ConvergencePoint> = r.qif.convergence.iter().collect();
    fine.sort_by(|a, b| a.dt_ms.total_cmp(&b.dt_ms));
    let qif_far_rate = r.qif.far.analytic_hz;
    let lif_far_rate = r.lif.far.analytic_hz;
    View {
        comparison,
        lif_ceiling_hz: (l.refractory_ms > 0.0).then(|| sig(1000.0 / l.refractory_ms, 3)),
        qif_slope_hz: sig(1000.0 / (q.tau_ms * (q.v_threshold - q.v_reset)), 3),
        qif_far_v0: plain(qif_far_v0),
        qif_far_rate_hz: sig(qif_far_rate, 3),
        qif_far_sim_hz: sig(r.qif.far.simulated_hz, 4),
        qif_far_linear_hz: sig(
            r.qif.far.v0 * 1000.0 / (q.tau_ms * (q.v_threshold - q.v_reset)),
            4,
        ),
        qif_far_duration_ms: sig(r.qif.far.duration_ms, 3),
        qif_far_relu_hz: sig(r.fits[1].predict("relu", qif_far_v0), 3),
        qif_far_sigmoid_hz: sig(r.fits[1].predict("sigmoid_offset", qif_far_v0), 3),
        lif_far_v0: plain(lif_far_v0),
        lif_far_rate_hz: sig(lif_far_rate, 3),
        lif_listing: super::listings::lif_brian2(cfg),
        qif_listing: super::listings::qif_brian2(cfg),
        lif_far_sim_hz: sig(r.lif.far.simulated_hz, 4),
        lif_far_duration_ms: sig(r.lif.far.duration_ms, 3),
        lif_far_sigmoid_hz: sig(r.fits[0].predict("sigmoid_offset", lif_far_v0), 3),
        lif_n_neurons: l.n_neurons,
        lif_v0_max_mv: plain(l.v0_max_mv),
        lif_tau_ms: plain(l.tau_ms),
        lif_threshold_mv: plain(l.v_threshold_mv),
        lif_reset_mv: plain(l.v_reset_mv),
        lif_refractory_ms: plain(l.refractory_ms),
        lif_duration_s: plain(l.duration_ms / 1000.0),
        lif_dt_ms: plain(l.dt_ms),
        lif_total_spikes: r.lif.run.spike_count.iter().sum(),
        lif_first_firing_v0_mv: first.map(|v| fixed(v, 3)),
        lif_first_firing_rate_hz: sig(first_rate, 3),
        lif_max_rate_hz: sig(max_rate, 3),
        lif_max_spike_count_error: sig(r.lif.max_spike_count_error, 2),
        lif_grid_min: r.lif.grid_effect.0,
        lif_grid_max: r.lif.grid_effect.1,
        lif_grid_only_removes: r.lif.grid_effect.1 <= 0,
        lif_finite_min: fixed(r.lif.finite_run_effect.0, 2),
        lif_finite_max: fixed(r.lif.finite_run_effect.1, 2),
        qif_threshold_rate_hz: sig(qif_fi::min_compared_rate_hz(q.duration_ms), 3),
        lif_saturation_hz: sig(1000.0 / l.refractory_ms.max(l.dt_ms), 3),
        phase_lif: phase_rows(&r.phase.lif),
        phase_qif: phase_rows(&r.phase.qif),
        fire_lif: fire_groups(&phase_rows(&r.phase.lif)),
        fire_qif: fire_groups(&phase_rows(&r.phase.qif)),
        qif_tau_ms: plain(q.tau_ms),
        qif_reset: plain(q.v_reset),
        qif_threshold: plain(q.v_threshold),
        qif_v0_min: plain(q.v0_min),
        qif_v0_max: plain(q.v0_max),
        qif_v0_step: plain(q.v0_step),
        qif_n_inputs: r.qif.v0.len(),
        qif_duration_s: plain(q.duration_ms / 1000.0),
        qif_dt_ms: plain(q.dt_ms),
        qif_dt_accurate_ms: plain(q.dt_accurate_ms),
        qif_accurate_spikes: crate::experiments::qif_fi::ACCURATE_SPIKES,
        qif_accurate_intervals: crate::experiments::qif_fi::ACCURATE_SPIKES - 1,
        qif_reset_is_negative: q.v_reset < 0.0,
        qif_low_v0: plain(low_v0),
        qif_low_rate_hz: sig(qif::analytic_rate_hz(&qp(low_v0)), 3),
        qif_low_limit_hz: sig(qif::limit_rate_hz(low_v0, q.tau_ms), 3),
        qif_top_v0: plain(top_v0),
        qif_top_rate_hz: sig(top_rate, 3),
        qif_top_limit_hz: sig(top_limit, 3),
        qif_top_limit_excess_pct: percent(top_rate / top_limit - 1.0, 2),
        qif_compared_inputs: r.qif.compared_inputs,
        qif_min_compared_rate_hz: sig(compared_min, 3),
        qif_compared_periods: plain(qif_fi::COMPARED_PERIODS),
        euler_max_rel_error_pct: percent(euler.max_relative_error, 2),
        euler_rms_rel_error_pct: percent(euler.rms_relative_error, 2),
        euler_slower,
        rk4_max_rel_error: sig(rk4.max_relative_error, 2),
        observed_order: fixed(r.qif.observed_order, 2),
        asymptotic_order: fixed(r.qif.asymptotic_order, 2),
        split_dt_ms: plain(split.dt_ms),
        split_euler: sig(split.rms_relative_error, 2),
        split_rk4_grid: sig(split.rk4_grid_rms_relative_error, 2),
        split_euler_interp: sig(split.euler_interpolated_rms_relative_error, 2),
        grid_dominates: split.rk4_grid_rms_relative_error >= 0.5 * split.rms_relative_error,
        rk4_grid_order: fixed(
            qif_fi::log_log_slope(
                &[fine[0].dt_ms, fine[1].dt_ms],
                &[
                    fine[0].rk4_grid_rms_relative_error,
                    fine[1].rk4_grid_rms_relative_error,
                ],
            ),
            2,
        ),
        euler_interp_order: fixed(
            qif_fi::log_log_slope(
                &[fine[0].dt_ms, fine[1].dt_ms],
                &[
                    fine[0].euler_interpolated_rms_relative_error,
                    fine[1].euler_interpolated_rms_relative_error,
                ],
            ),
            2,
        ),
        symmetric_reset: qif_fi::symmetric_reset(q),
        other_reset_order: r
            .qif
            .other_reset
            .as_ref()
            .map(|o| fixed(o.euler_interp_order, 2)),
        other_reset_v: r
            .qif
            .other_reset
            .as_ref()
            .map_or_else(String::new, |o| plain(o.v_reset)),
        convergence_first_dt_ms: plain(q.convergence_dt_ms[0]),
        convergence_last_dt_ms: plain(*q.convergence_dt_ms.last().expect("validated non-empty")),
        overall_winner: fits[0].better,
        same_winner,
        fits,
    }
}

/// The chapter's tables.
pub fn tables(r: &Results, cfg: &Config) -> Vec<Table> {
    let q = &cfg.qif;
    let mut phase_rows = Vec::new();
    for (model, curves) in [("LIF", &r.phase.lif), ("QIF", &r.phase.qif)] {
        for c in curves.iter() {
            phase_rows.push(vec![
                model.to_string(),
                plain(c.v0),
                fixed_points(&c.fixed_points),
                if c.fires { "yes" } else { "no" }.to_string(),
            ]);
        }
    }
    let fit_rows = r
        .fits
        .iter()
        .flat_map(|f| {
            let p = &f.relu.params;
            let s = &f.sigmoid.params;
            [
                vec![
                    format!("{} / ReLU", f.curve),
                    sig(f.relu.rmse, 3),
                    sig(p[0], 4),
                    sig(p[1], 4),
                    "–".to_string(),
                    sig(p[2], 3),
                ],
                vec![
                    format!("{} / sigmoid", f.curve),
                    sig(f.sigmoid.rmse, 3),
                    sig(s[0], 4),
                    sig(s[1], 4),
                    sig(s[2], 4),
                    sig(s[3], 3),
                ],
            ]
        })
        .collect();
    let error_rows = r
        .qif
        .method_errors
        .iter()
        .map(|m| {
            vec![
                m.method.to_string(),
                plain(m.dt_ms),
                sig(m.max_abs_error_hz, 3),
                sig(m.max_relative_error, 3),
                sig(m.rms_relative_error, 3),
            ]
        })
        .collect();
    let conv_rows = r
        .qif
        .convergence
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let ratio = if i == 0 {
                "–".to_string()
            } else {
                sig(
                    r.qif.convergence[i - 1].rms_relative_error / c.rms_relative_error,
                    3,
                )
            };
            vec![
                plain(c.dt_ms),
                sig(c.rms_relative_error, 3),
                sig(c.max_abs_error_hz, 3),
                ratio,
            ]
        })
        .collect();
    vec![
        Table {
            id: "tab:phase",
            caption: "Fixed points of the phase portraits and whether a neuron reset to V_r fires repetitively.".into(),
            header: vec!["Model".into(), "V0".into(), "Fixed points".into(), "Fires".into()],
            rows: phase_rows,
        },
        Table {
            id: "tab:fits",
            caption: "Least-squares fits to the F-I curves: RMSE and parameters (a in Hz per input unit for ReLU, in Hz for sigmoid; c and s in input units; d in Hz).".into(),
            header: vec!["Curve / shape".into(), "RMSE (Hz)".into(), "a".into(), "c".into(), "s".into(), "d".into()],
            rows: fit_rows,
        },
        Table {
            id: "tab:fit-comparison",
            caption: "Model comparison over the simulated inputs: each shape with and without a \
                      free offset d, its number of fitted parameters k, its RMS and largest \
                      error, the RMS error on the upper third of the inputs of the same shape \
                      fitted to the lower two thirds (hold-out), the largest rate it predicts \
                      where the neuron is silent, the lowest it predicts anywhere (negative \
                      values are not rates), and whether the fit runs off to a limit of its \
                      family (parameters not determined). Errors in Hz."
                .into(),
            header: [
                "Curve",
                "Shape",
                "k",
                "RMS",
                "Max",
                "Hold-out",
                "Where silent",
                "Lowest",
                "Limit",
            ]
            .map(String::from)
            .to_vec(),
            rows: r
                .fits
                .iter()
                .flat_map(|f| {
                    f.shapes.iter().map(move |s| {
                        vec![
                            f.curve.to_string(),
                            shape_name(s.shape).to_string(),
                            s.fit.params.len().to_string(),
                            sig(s.fit.rmse, 3),
                            sig(s.max_error_hz, 3),
                            s.holdout_rmse_hz.map_or_else(|| "none".into(), |e| sig(e, 3)),
                            fixed(s.silent_max_hz, 2),
                            fixed(s.min_predicted_hz, 2),
                            if s.degenerate.is_some() { "yes" } else { "no" }.to_string(),
                        ]
                    })
                })
                .collect(),
        },
        Table {
            id: "tab:qif-errors",
            caption: format!(
                "Error of each QIF simulation against the analytic rate, over the {} inputs with at least {} analytic periods in {} s.",
                r.qif.compared_inputs,
                plain(qif_fi::COMPARED_PERIODS),
                plain(q.duration_ms / 1000.0)
            ),
            header: vec!["Method".into(), "dt (ms)".into(), "max |error| (Hz)".into(), "max relative error".into(), "RMS relative error".into()],
            rows: error_rows,
        },
        Table {
            id: "tab:qif-convergence",
            caption: "Forward Euler error against the time step; a ratio of 2 per halving of dt is first order.".into(),
            header: vec!["dt (ms)".into(), "RMS relative error".into(), "max |error| (Hz)".into(), "ratio to previous".into()],
            rows: conv_rows,
        },
    ]
}

/// `fit_summary.csv`: every shape's fit to every F-I curve (LIF, QIF, and the conductance
/// models of chapter 2), with its model-comparison numbers and parameters.
pub fn data_files(r: &Results) -> Vec<(&'static str, String)> {
    let rows = r.fits.iter().chain(&r.fits_conductance).flat_map(|f| {
        f.shapes.iter().map(move |s| {
            let param = |name: &str| {
                s.names
                    .iter()
                    .position(|n| *n == name)
                    .map_or_else(String::new, |k| s.fit.params[k].to_string())
            };
            vec![
                f.curve.to_lowercase(),
                s.shape.to_string(),
                f.x.len().to_string(),
                s.fit.params.len().to_string(),
                s.fit.rmse.to_string(),
                s.max_error_hz.to_string(),
                s.holdout_rmse_hz
                    .map_or_else(String::new, |e| e.to_string()),
                s.silent_max_hz.to_string(),
                s.min_predicted_hz.to_string(),
                s.degenerate.is_some().to_string(),
                param("a"),
                param("c"),
                param("s"),
                param("d"),
            ]
        })
    });
    vec![(
        "fit_summary",
        crate::data_csv::csv(
            &[
                "curve",
                "shape",
                "n_points",
                "n_params",
                "rmse_hz",
                "max_error_hz",
                "holdout_rmse_hz",
                "silent_max_rate_hz",
                "min_predicted_rate_hz",
                "degenerate",
                "a",
                "c",
                "s",
                "d",
            ],
            rows,
        ),
    )]
}

/// The chapter's figures, drawn in parallel.
pub fn figures(r: &Results, cfg: &Config) -> Result<Vec<Figure>, Error> {
    let jobs: Vec<Box<dyn Fn() -> Result<Figure, Error> + Sync>> = vec![
        Box::new(|| phase::figure(&r.phase)),
        Box::new(|| fi_curves::lif_fi(&r.lif)),
        Box::new(|| fi_curves::qif_fi(&r.qif, cfg)),
        Box::new(|| fi_curves::fits(&r.fits, "fig:fits", "fi_fits")),
        Box::new(|| fi_curves::convergence(&r.qif)),
    ];
    crate::par::map(&jobs, |f| f()).into_iter().collect()
}
