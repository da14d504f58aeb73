//! Chapter 2's onset analysis, formatted: how each model loses rest, the class that follows,
//! where the class changes with g_A, the square-root law, the mechanism numbers, and the
//! Hodgkin–Huxley example analysed the same way. Every verdict here is a computed field.

use super::format::{fixed, plain, sig};
use crate::analysis::bifurcation::{OnsetBifurcation, RestLoss};
use crate::experiments::Results;
use crate::experiments::connor_stevens::{Convention, CsCurve, Excitability};
use crate::experiments::controls::ControlResult;
use crate::experiments::cs_analysis::SUBTHRESHOLD_MV;
use crate::experiments::onset::{
    OnsetAnalysis, PROBE_UA, SQRT_LAW_EXPONENT_TOLERANCE, SQRT_LAW_FIT_MAX, SqrtLaw,
};
use crate::neuron::hodgkin_huxley::HodgkinHuxley;
use serde::Serialize;

/// How one model's rest is lost, formatted.
#[derive(Debug, Serialize)]
pub struct ModelOnset {
    convention: &'static str,
    g_a: String,
    g_k: String,
    /// `fold` or `Hopf point`.
    loss_kind: &'static str,
    loss_current: String,
    fold: String,
    hopf: String,
    bifurcation: &'static str,
    excitability: &'static str,
    type_one: bool,
    rheobase: String,
    step_rheobase: String,
    onset_rate_hz: String,
    /// The bistable window, formatted, if rest and firing coexist.
    bistable: Option<Window>,
}

/// A current window (µA/cm²), formatted.
#[derive(Debug, Serialize)]
pub struct Window {
    lo: String,
    hi: String,
}

/// Leak, sodium, delayed-rectifier and A-current parts of a quantity, formatted.
#[derive(Debug, Serialize)]
pub struct Parts {
    leak: String,
    na: String,
    k: String,
    a: String,
}

fn parts(x: Option<[f64; 4]>, decimals: usize) -> Option<Parts> {
    x.map(|p| Parts {
        leak: fixed(p[0], decimals),
        na: fixed(p[1], decimals),
        k: fixed(p[2], decimals),
        a: fixed(p[3], decimals),
    })
}

/// The square-root law, formatted.
#[derive(Debug, Serialize)]
pub struct LawView {
    fold: String,
    exponent: String,
    exponent_all: String,
    intercept: String,
    c_hz: String,
    holds: bool,
    fit_max: String,
    tolerance: String,
    nearest_offset: String,
    nearest_rate_hz: String,
}

/// One latency measurement.
#[derive(Debug, Serialize)]
pub struct LatencyRow {
    above: String,
    latency_ms: String,
    isi_ms: String,
    ratio: String,
}

/// A change of class along g_A.
#[derive(Debug, Serialize)]
pub struct ChangeRow {
    convention: &'static str,
    g_a: String,
    lo: String,
    hi: String,
    /// The onsets on either side, by name.
    below: &'static str,
    above: &'static str,
    /// At the type II end, the state's jump past the first fold to another rest, if any.
    jump: Option<JumpView>,
}

/// A convention's cusp and crossing in the two-parameter diagram (g_A, mS/cm²).
#[derive(Debug, Serialize)]
pub struct TwoParameterView {
    convention: &'static str,
    cusp: Option<String>,
    crossing: Option<String>,
}

/// A fold jump at the type II end of a type change: past the fold the state settles on a
/// depolarised rest, and firing starts later at that rest's Hopf point.
#[derive(Debug, Serialize)]
pub struct JumpView {
    fold_current: String,
    to_v_mv: String,
    onset_current: String,
}

/// The onset part of chapter 2's view.
#[derive(Debug, Serialize)]
pub struct OnsetView {
    probe: String,
    standard: ModelOnset,
    type_two: Option<ModelOnset>,
    models: Vec<ModelOnset>,
    type_one_models: Vec<String>,
    bistable_models: Vec<String>,
    changes: Vec<ChangeRow>,
    two_parameter: Vec<TwoParameterView>,
    law: Option<LawView>,
    subthreshold: String,
    tau_b_max_ms: String,
    tau_n_max_ms: String,
    tau_a_max_ms: String,
    fold_v_mv: String,
    /// Leak, Na, K, A steady-state currents at the fold (µA/cm²).
    fold_currents: Option<Parts>,
    /// Their slopes (µA/cm² per mV).
    fold_slopes: Option<Parts>,
    latencies: Vec<LatencyRow>,
    inactivation_too_fast: bool,
    latency_tracks_interval: bool,
    a_current_makes_fold: bool,
    fold_without_a: bool,
    hh: HhView,
    ramp: Option<RampView>,
    /// Whether the square-root figure exists (a law for either model).
    any_law: bool,
    controls: ControlsView,
}

/// The onset classifier's positive controls, summarised.
#[derive(Debug, Serialize)]
pub struct ControlsView {
    count: usize,
    /// Every control comes out as its source shows.
    all_agree: bool,
    /// The ones that do not, with both classes.
    disagreements: Vec<String>,
    /// Every class the classifier can print comes out of at least one control.
    every_class: bool,
    /// The onset currents its sources give, against the computed ones.
    checks: Vec<SourceCheck>,
}

/// A computed onset current beside the one its source reports.
#[derive(Debug, Serialize)]
pub struct SourceCheck {
    name: &'static str,
    kind: &'static str,
    computed: String,
    source: String,
    who: &'static str,
    /// The computed current rounds to the source's (given to two decimals).
    matches: bool,
}

fn controls_view(controls: &[ControlResult]) -> ControlsView {
    use OnsetBifurcation::*;
    let classes: Vec<OnsetBifurcation> = controls.iter().map(|c| c.onset.bifurcation()).collect();
    ControlsView {
        count: controls.len(),
        all_agree: controls.iter().all(ControlResult::agrees),
        disagreements: controls
            .iter()
            .filter(|c| !c.agrees())
            .map(|c| {
                format!(
                    "{} comes out as a {} where its source shows a {}",
                    c.control.name,
                    c.onset.bifurcation().name(),
                    c.control.expected.name()
                )
            })
            .collect(),
        every_class: [
            Snic,
            SaddleNodeOffCircle,
            HopfSubcritical,
            HopfSupercritical,
        ]
        .iter()
        .all(|b| classes.contains(b)),
        checks: controls
            .iter()
            .filter_map(|c| {
                let (source, who) = c.control.source_onset?;
                let (kind, computed) = match c.onset.walk.loss? {
                    RestLoss::Fold(f) => ("fold", f.current),
                    RestLoss::Hopf(h) => ("Hopf point", h.current),
                };
                Some(SourceCheck {
                    name: c.control.name,
                    kind,
                    computed: fixed(computed, 3),
                    source: fixed(source, 2),
                    who,
                    matches: (computed - source).abs() <= 0.005,
                })
            })
            .collect(),
    }
}

/// The current ramp, formatted.
#[derive(Debug, Serialize)]
pub struct RampView {
    g_a: String,
    g_k: String,
    up_onset: String,
    down_offset: String,
    window_lo: String,
    window_hi: String,
    hysteresis: bool,
    /// Steps on the way up above the loss of rest that did not fire.
    quiet_past_loss: usize,
    step: String,
}

/// The Hodgkin–Huxley example's onset, formatted.
#[derive(Debug, Serialize)]
pub struct HhView {
    v_t: String,
    e_na: String,
    e_k: String,
    e_l: String,
    g_l: String,
    g_na: String,
    g_kd: String,
    rest_mv: String,
    rest_stable: bool,
    bifurcation: &'static str,
    excitability: &'static str,
    type_one: bool,
    rheobase_ua_cm2: String,
    rheobase_na: String,
    ua_cm2_per_na: String,
    law: Option<LawView>,
    same_class_as_standard: bool,
    grid_first_na: String,
}

fn convention_name(c: Convention) -> &'static str {
    match c {
        Convention::FixedGk => "gK fixed",
        Convention::FixedTotal => "gK + gA fixed",
    }
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "none".to_string(), |v| fixed(v, 3))
}

fn bifurcation_name(b: Option<OnsetBifurcation>) -> &'static str {
    b.map_or("not lost in the scanned window", OnsetBifurcation::name)
}

fn excitability_name(b: Option<OnsetBifurcation>) -> &'static str {
    b.map_or("unclassified", |b| Excitability::of(b).name())
}

fn model_onset(c: &CsCurve) -> ModelOnset {
    let a: &OnsetAnalysis = &c.onset.analysis;
    let b = a.bifurcation();
    ModelOnset {
        convention: convention_name(c.convention),
        g_a: plain(c.g_a),
        g_k: plain(c.g_k),
        loss_kind: match a.loss {
            Some(RestLoss::Fold(_)) => "fold",
            Some(RestLoss::Hopf(_)) => "Hopf point",
            None => "none",
        },
        loss_current: opt(a.loss.map(|l| l.current())),
        fold: opt(a.fold.map(|f| f.current)),
        hopf: opt(a.hopf.map(|h| h.current)),
        bifurcation: bifurcation_name(b),
        excitability: excitability_name(b),
        type_one: b.is_some_and(OnsetBifurcation::is_type_one),
        rheobase: fixed(c.onset.rheobase, 3),
        step_rheobase: fixed(c.onset.step_rheobase, 3),
        onset_rate_hz: sig(c.onset.onset_rate_hz, 3),
        bistable: a.bistable_window().map(|(lo, hi)| Window {
            lo: fixed(lo, 2),
            hi: fixed(hi, 2),
        }),
    }
}

fn law_view(l: &SqrtLaw) -> LawView {
    LawView {
        fold: fixed(l.fold_current, 4),
        exponent: fixed(l.exponent, 3),
        exponent_all: fixed(l.exponent_all, 3),
        intercept: fixed(l.intercept_current, 4),
        c_hz: sig(l.slope_hz2.sqrt(), 3),
        holds: l.holds(),
        fit_max: plain(SQRT_LAW_FIT_MAX),
        tolerance: plain(SQRT_LAW_EXPONENT_TOLERANCE),
        nearest_offset: plain(l.offsets[0]),
        nearest_rate_hz: sig(l.rates_hz[0], 3),
    }
}

/// Builds the onset view.
pub fn view(r: &Results) -> OnsetView {
    let cs = &r.cs;
    let standard = &cs.curves[cs.standard];
    let type_two = cs
        .curves
        .iter()
        .filter(|c| {
            c.convention == Convention::FixedGk
                && c.onset.excitability == Some(Excitability::TypeII)
        })
        .max_by(|a, b| a.g_a.total_cmp(&b.g_a));
    let label = |c: &CsCurve| format!("gA = {}, gK = {}", plain(c.g_a), plain(c.g_k));
    let mut type_one_models: Vec<String> = cs
        .curves
        .iter()
        .filter(|c| c.onset.excitability == Some(Excitability::TypeI))
        .map(label)
        .collect();
    type_one_models.dedup();
    let mut bistable_models: Vec<String> = cs
        .curves
        .iter()
        .filter_map(|c| {
            c.onset.analysis.bistable_window().map(|(lo, hi)| {
                format!("{} ({} to {} µA/cm²)", label(c), fixed(lo, 2), fixed(hi, 2))
            })
        })
        .collect();
    bistable_models.sort();
    bistable_models.dedup();
    let m = &cs.mechanism;
    let h = &r.hh.onset;
    let hb = h.analysis.bifurcation();
    let hh_model = HodgkinHuxley::default();
    let first_na =
        r.hh.rate_converged_hz
            .iter()
            .position(|&x| x > 0.0)
            .map_or_else(|| "none".to_string(), |i| sig(r.hh.i_na[i], 3));
    let ramp = cs.ramp.as_ref().map(|r| RampView {
        g_a: plain(r.g_a),
        g_k: plain(r.g_k),
        up_onset: opt(r.up_onset()),
        down_offset: opt(r.down_offset()),
        window_lo: fixed(r.window.0, 2),
        window_hi: fixed(r.window.1, 2),
        hysteresis: r.hysteresis(),
        quiet_past_loss: r.quiet_past_loss(),
        step: plain(crate::experiments::cs_analysis::RAMP_STEP_UA),
    });
    OnsetView {
        controls: controls_view(&r.controls),
        any_law: cs.snic_law.is_some() || r.hh.onset.sqrt_law.is_some(),
        ramp,
        probe: plain(PROBE_UA),
        standard: model_onset(standard),
        type_two: type_two.map(model_onset),
        models: cs.curves.iter().map(model_onset).collect(),
        type_one_models,
        bistable_models,
        two_parameter: cs
            .two_parameter
            .iter()
            .map(|(c, d)| TwoParameterView {
                convention: convention_name(*c),
                cusp: d.cusp.map(|x| fixed(x, 2)),
                crossing: d.crossing.map(|x| fixed(x, 2)),
            })
            .collect(),
        changes: cs
            .type_changes
            .iter()
            .map(|t| {
                let c = &t.change;
                let (below, above) = c.below_above();
                let two = &c.onset_type_two;
                ChangeRow {
                    convention: convention_name(t.convention),
                    g_a: fixed(0.5 * (c.type_two_at + c.type_one_at), 2),
                    lo: fixed(c.type_two_at, 3),
                    hi: fixed(c.type_one_at, 3),
                    below: below.bifurcation().name(),
                    above: above.bifurcation().name(),
                    jump: two.walk.jumps.first().map(|j| JumpView {
                        fold_current: fixed(j.fold.current, 3),
                        to_v_mv: fixed(j.to_v_mv, 1),
                        onset_current: fixed(two.confirmation.current, 3),
                    }),
                }
            })
            .collect(),
        law: cs.snic_law.as_ref().map(law_view),
        subthreshold: format!(
            "{} to {}",
            plain(SUBTHRESHOLD_MV.0),
            plain(SUBTHRESHOLD_MV.1)
        ),
        tau_b_max_ms: sig(m.tau_b_max_ms, 2),
        tau_n_max_ms: sig(m.tau_n_max_ms, 2),
        tau_a_max_ms: sig(m.tau_a_max_ms, 2),
        fold_v_mv: opt(m.fold.map(|f| f.v_mv)),
        fold_currents: parts(m.currents_at_fold, 2),
        fold_slopes: parts(m.slopes_at_fold, 3),
        latencies: m
            .latencies
            .iter()
            .map(|l| LatencyRow {
                above: plain(((l.current - standard.onset.rheobase) * 1e6).round() / 1e6),
                latency_ms: sig(l.latency_ms, 3),
                isi_ms: sig(l.isi_ms, 3),
                ratio: fixed(l.latency_ms / l.isi_ms, 2),
            })
            .collect(),
        inactivation_too_fast: m.inactivation_too_fast_for_the_delay(),
        latency_tracks_interval: m.latency_tracks_the_interval(),
        a_current_makes_fold: m.a_current_makes_the_fold(),
        fold_without_a: m.fold_without_a,
        hh: HhView {
            v_t: plain(hh_model.v_t),
            e_na: plain(hh_model.e_na),
            e_k: plain(hh_model.e_k),
            e_l: plain(hh_model.e_l),
            g_l: plain(hh_model.g_l),
            g_na: plain(hh_model.g_na),
            g_kd: plain(hh_model.g_kd),
            rest_mv: fixed(h.analysis.rest_mv, 2),
            rest_stable: h.analysis.rest_stable,
            bifurcation: bifurcation_name(hb),
            excitability: excitability_name(hb),
            type_one: hb.is_some_and(OnsetBifurcation::is_type_one),
            rheobase_ua_cm2: fixed(h.rheobase_ua_cm2, 4),
            rheobase_na: sig(h.rheobase_ua_cm2 / h.ua_cm2_per_na, 3),
            ua_cm2_per_na: plain(h.ua_cm2_per_na),
            law: h.sqrt_law.as_ref().map(law_view),
            same_class_as_standard: hb.map(Excitability::of) == standard.onset.excitability,
            grid_first_na: first_na,
        },
    }
}
