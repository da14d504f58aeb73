//! Chapter 2 (homework 1.5): Hodgkin–Huxley and Connor–Stevens. View, tables, figures.

use super::crossref::Table;
use super::format::{fixed, percent, plain, sig};
use crate::config::Config;
use crate::error::Error;
use crate::experiments::Results;
use crate::experiments::connor_stevens::{
    Convention, CsCurve, Excitability, NUDGE_MV, PROBE_ABOVE_UA,
};
use crate::experiments::hh_fi::THRESHOLD_MV;
use crate::figures::{Figure, bifurcation, conductance, fi_curves};
use crate::neuron::connor_stevens::ConnorStevens;
use serde::Serialize;

/// One model of the sweep, formatted.
#[derive(Debug, Serialize)]
pub struct SweepRow {
    convention: &'static str,
    g_a: String,
    g_k: String,
    rest_mv: String,
    rest_unstable: bool,
    rheobase: String,
    onset_rate_hz: String,
    rate_above_hz: String,
    slope: String,
    excitability: &'static str,
    latency_ms: String,
}

/// A model whose I = 0 equilibrium is unstable: its rheobase (the loss of the stable rest
/// followed up in current) beside what a step from the unstable equilibrium gives.
#[derive(Debug, Serialize)]
pub struct UnstableRest {
    g_a: String,
    rheobase: String,
    step_rheobase: String,
}

/// A fit verdict, formatted.
#[derive(Debug, Serialize)]
pub struct FitRow {
    curve: &'static str,
    /// The admissible shape (not running off to a limit, no negative rate) with the lowest
    /// RMS error, and that error; the runner-up and its error.
    best: &'static str,
    best_rmse_hz: String,
    second: &'static str,
    second_rmse_hz: String,
    /// The fits that run off to a limit of their family, which no verdict is drawn from.
    degenerate: Vec<&'static str>,
}

/// Everything chapter 2's template prints.
#[derive(Debug, Serialize)]
pub struct View {
    hh_n_neurons: usize,
    hh_i_max_na: String,
    hh_area_um2: String,
    hh_duration_s: String,
    hh_dt_ms: String,
    hh_dt_converged_ms: String,
    hh_total_spikes: u64,
    hh_total_spikes_converged: u64,
    hh_max_undercount_pct: String,
    hh_max_undercount_i_na: String,
    hh_first_i_na: String,
    hh_first_rate_hz: String,
    hh_first_i_na_converged: String,
    hh_first_rate_converged_hz: String,
    cs_dt_ms: String,
    cs_half_dt_ms: String,
    cs_step_change_pct: String,
    cs_brian2_dt_ms: String,
    /// Whether any current fires with both methods, so the slowdown has a range.
    cs_slowdown_compared: bool,
    /// Currents where dt and dt/2 disagree on whether the model fires.
    cs_step_disagreements: usize,
    cs_slowdown_min_pct: String,
    cs_slowdown_max_pct: String,
    cs_threshold_mv: String,
    cs_transient_ms: String,
    cs_duration_ms: String,
    cs_spikes_for_rate: usize,
    cs_tolerance: String,
    cs_i_min: String,
    cs_i_max: String,
    cs_i_step: String,
    cs_g_k: String,
    cs_g_total: String,
    cs_g_na: String,
    cs_g_l: String,
    cs_e_l: String,
    cs_e_na: String,
    cs_e_k: String,
    cs_e_a: String,
    cs_c_m: String,
    /// The Connor–Stevens gating functions as display math.
    cs_equations: String,
    /// The brian2 script of the sweep.
    cs_listing: String,
    /// The rates of brian2's Hodgkin–Huxley example as display math.
    hh_equations: String,
    /// brian2's example script with the configured parameters.
    hh_listing: String,
    cs_nudge_uv: String,
    probe_above: String,
    hh_threshold_mv: String,
    standard: SweepRow,
    /// The model with the A-current blocked (its conductance given to g_K), if in the sweep.
    blocked: Option<SweepRow>,
    blocked_latency_ms: String,
    blocked_current: String,
    standard_current: String,
    sweep: Vec<SweepRow>,
    /// The swept g_A values, in order, joined with commas.
    sweep_g_a: String,
    /// The models (g_K fixed) whose I = 0 equilibrium is unstable.
    unstable_rest: Vec<UnstableRest>,
    type_one: Vec<String>,
    rheobase_rises_fixed_gk: bool,
    rheobase_falls_fixed_total: bool,
    onset_rate_falls_fixed_gk: bool,
    fits: Vec<FitRow>,
    /// The onset analysis.
    onset: super::ch2_onset::OnsetView,
}

fn convention_name(c: Convention) -> &'static str {
    match c {
        Convention::FixedGk => "gK fixed",
        Convention::FixedTotal => "gK + gA fixed",
    }
}

fn sweep_row(c: &CsCurve) -> SweepRow {
    let o = &c.onset;
    SweepRow {
        convention: convention_name(c.convention),
        g_a: plain(c.g_a),
        g_k: plain(c.g_k),
        rest_mv: fixed(o.rest_mv, 1),
        rest_unstable: o.rest_exponent_per_ms > 0.0,
        rheobase: fixed(o.rheobase, 2),
        onset_rate_hz: sig(o.onset_rate_hz, 3),
        rate_above_hz: sig(o.rate_above_hz, 3),
        slope: sig(o.slope_hz_per_ua, 3),
        excitability: o.excitability.map_or("unclassified", |e| e.name()),
        latency_ms: o.first_spike_ms_above.map_or("none".into(), |t| sig(t, 3)),
    }
}

fn monotone(curves: &[&CsCurve], f: fn(&CsCurve) -> f64, rising: bool) -> bool {
    let mut sorted: Vec<&&CsCurve> = curves.iter().collect();
    sorted.sort_by(|a, b| a.g_a.total_cmp(&b.g_a));
    sorted.windows(2).all(|w| {
        if rising {
            f(w[1]) > f(w[0])
        } else {
            f(w[1]) < f(w[0])
        }
    })
}

/// Builds the view.
pub fn view(r: &Results, cfg: &Config) -> View {
    let h = &r.hh;
    let cs = &r.cs;
    let (undercount, at) = h.max_undercount();
    // The state every Connor–Stevens run starts from: the standard model's I = 0 rest.
    let standard_rest = {
        use crate::analysis::bifurcation::Excitable;
        let c = &cs.curves[cs.standard];
        ConnorStevens::with_conductances(c.g_a, c.g_k).steady_state(c.onset.rest_mv)
    };
    let first = |counts: &[u64]| counts.iter().position(|&c| c > 0);
    let first_b = first(&h.spike_count);
    let first_c = first(&h.spike_count_converged);
    let of = |conv| {
        cs.curves
            .iter()
            .filter(|c| c.convention == conv)
            .collect::<Vec<_>>()
    };
    let (fixed_gk, fixed_total) = (of(Convention::FixedGk), of(Convention::FixedTotal));
    let standard = &cs.curves[cs.standard];
    View {
        hh_n_neurons: cfg.hh.n_neurons,
        hh_i_max_na: plain(cfg.hh.i_max_na),
        hh_area_um2: plain(cfg.hh.area_um2),
        hh_duration_s: plain(cfg.hh.duration_ms / 1000.0),
        hh_dt_ms: plain(cfg.hh.dt_ms),
        hh_dt_converged_ms: plain(cfg.hh.dt_converged_ms),
        hh_total_spikes: h.spike_count.iter().sum(),
        hh_total_spikes_converged: h.spike_count_converged.iter().sum(),
        hh_max_undercount_pct: percent(undercount, 2),
        hh_max_undercount_i_na: sig(h.i_na[at], 3),
        hh_first_i_na: first_b.map_or("none".into(), |i| sig(h.i_na[i], 3)),
        hh_first_rate_hz: first_b.map_or("0".into(), |i| sig(h.rate_hz[i], 3)),
        hh_first_i_na_converged: first_c.map_or("none".into(), |i| sig(h.i_na[i], 3)),
        hh_first_rate_converged_hz: first_c.map_or("0".into(), |i| sig(h.rate_converged_hz[i], 3)),
        cs_dt_ms: plain(cfg.cs.dt_ms),
        cs_half_dt_ms: plain(cfg.cs.dt_ms / 2.0),
        cs_step_change_pct: sig(100.0 * cs.step_check.max_relative_change, 2),
        cs_brian2_dt_ms: plain(cfg.cs.brian2_dt_ms),
        cs_slowdown_compared: cs.step_check.brian2_slowdown.is_some(),
        cs_slowdown_min_pct: cs
            .step_check
            .brian2_slowdown
            .map_or_else(String::new, |s| percent(s.0, 2)),
        cs_slowdown_max_pct: cs
            .step_check
            .brian2_slowdown
            .map_or_else(String::new, |s| percent(s.1, 2)),
        cs_step_disagreements: cs.step_check.firing_disagreements,
        cs_threshold_mv: plain(cfg.cs.threshold_mv),
        cs_transient_ms: plain(cfg.cs.transient_ms),
        cs_duration_ms: plain(cfg.cs.duration_ms),
        cs_spikes_for_rate: cfg.cs.spikes_for_rate,
        cs_tolerance: plain(cfg.cs.rheobase_tolerance),
        cs_i_min: plain(cfg.cs.i_min),
        cs_i_max: plain(cfg.cs.i_max),
        cs_i_step: plain(cfg.cs.i_step),
        cs_g_k: plain(cfg.cs.g_k),
        cs_g_total: plain(cfg.cs.g_total),
        cs_g_na: plain(ConnorStevens::default().g_na),
        cs_g_l: plain(ConnorStevens::default().g_l),
        cs_e_l: plain(ConnorStevens::default().e_l),
        cs_e_na: plain(ConnorStevens::default().e_na),
        cs_e_k: plain(ConnorStevens::default().e_k),
        cs_e_a: plain(ConnorStevens::default().e_a),
        cs_c_m: plain(ConnorStevens::default().c_m),
        cs_equations: super::models::display_math(&super::models::CONNOR_STEVENS, "V"),
        cs_listing: super::models::connor_stevens_brian2(cfg, &standard_rest),
        hh_equations: super::models::display_math(&super::models::HODGKIN_HUXLEY, "u"),
        hh_listing: super::models::hodgkin_huxley_brian2(cfg),
        cs_nudge_uv: plain(1000.0 * NUDGE_MV),
        probe_above: plain(PROBE_ABOVE_UA),
        hh_threshold_mv: plain(THRESHOLD_MV),
        standard: sweep_row(standard),
        blocked: cs
            .curves
            .iter()
            .find(|c| {
                c.g_a.to_bits() == cs.traces[1].g_a.to_bits()
                    && c.g_k.to_bits() == cs.traces[1].g_k.to_bits()
            })
            .map(sweep_row),
        blocked_latency_ms: cs.traces[1]
            .first_spike_ms
            .map_or("none".into(), |t| sig(t, 3)),
        blocked_current: fixed(cs.traces[1].current, 2),
        standard_current: fixed(cs.traces[0].current, 2),
        sweep: cs.curves.iter().map(sweep_row).collect(),
        sweep_g_a: cfg
            .cs
            .g_a_values
            .iter()
            .map(|&g| plain(g))
            .collect::<Vec<_>>()
            .join(", "),
        unstable_rest: fixed_gk
            .iter()
            .filter(|c| c.onset.rest_exponent_per_ms > 0.0)
            .map(|c| UnstableRest {
                g_a: plain(c.g_a),
                rheobase: fixed(c.onset.rheobase, 2),
                step_rheobase: fixed(c.onset.step_rheobase, 2),
            })
            .collect(),
        type_one: cs
            .curves
            .iter()
            .filter(|c| c.onset.excitability == Some(Excitability::TypeI))
            .map(|c| format!("gA = {}, gK = {}", plain(c.g_a), plain(c.g_k)))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
        rheobase_rises_fixed_gk: monotone(&fixed_gk, |c| c.onset.rheobase, true),
        rheobase_falls_fixed_total: monotone(&fixed_total, |c| c.onset.rheobase, false),
        onset_rate_falls_fixed_gk: monotone(&fixed_gk, |c| c.onset.onset_rate_hz, false),
        onset: super::ch2_onset::view(r),
        fits: r
            .fits_conductance
            .iter()
            .map(|f| {
                use crate::experiments::fits::shape_name;
                let ranked = f.by_rmse();
                let name = |k: usize| ranked.get(k).map_or("", |s| shape_name(s.shape));
                let rmse = |k: usize| {
                    ranked
                        .get(k)
                        .map_or_else(String::new, |s| sig(s.fit.rmse, 3))
                };
                FitRow {
                    curve: f.curve,
                    best: name(0),
                    best_rmse_hz: rmse(0),
                    second: name(1),
                    second_rmse_hz: rmse(1),
                    degenerate: f
                        .shapes
                        .iter()
                        .filter(|s| s.degenerate.is_some())
                        .map(|s| shape_name(s.shape))
                        .collect(),
                }
            })
            .collect(),
    }
}

/// The chapter's tables.
pub fn tables(r: &Results, _cfg: &Config) -> Vec<Table> {
    let rows =
        r.cs.curves
            .iter()
            .map(|c| {
                let v = sweep_row(c);
                let a = &c.onset.analysis;
                let b = a.bifurcation();
                vec![
                    v.convention.to_string(),
                    v.g_a,
                    v.g_k,
                    format!(
                        "{}{}",
                        v.rest_mv,
                        if v.rest_unstable { " (unstable)" } else { "" }
                    ),
                    match (a.fold, a.hopf) {
                        (None, _) => "none".into(),
                        (Some(f), None) => fixed(f.current, 3),
                        (Some(f), Some(_)) => format!("{} (past the onset)", fixed(f.current, 3)),
                    },
                    a.hopf
                        .map_or_else(|| "none".into(), |h| fixed(h.current, 3)),
                    b.map_or("unclassified", |b| b.name()).to_string(),
                    fixed(c.onset.rheobase, 3),
                    v.onset_rate_hz,
                    a.lowest_firing_current
                        .map_or_else(|| "none".into(), |x| fixed(x, 2)),
                    v.excitability.to_string(),
                ]
            })
            .collect();
    let fit_rows = r
        .fits_conductance
        .iter()
        .flat_map(|f| {
            f.shapes.iter().map(move |s| {
                vec![
                    format!(
                        "{} / {}",
                        f.curve,
                        crate::experiments::fits::shape_name(s.shape)
                    ),
                    sig(s.fit.rmse, 3),
                    fixed(s.min_predicted_hz, 2),
                    s.degenerate
                        .map_or("no", |_| "yes: parameters not determined")
                        .to_string(),
                ]
            })
        })
        .collect();
    vec![
        Table {
            id: "tab:cs-onset",
            caption: "Onset of firing of every model of the sweep (currents in µA/cm²): the \
                      I = 0 rest, the fold ending the lower rest branch (marked when firing \
                      starts before it, at a Hopf point), the Hopf point at which \
                      the rest the state follows loses stability (none when firing starts at a \
                      fold: Hopf points on stretches the state never rests on do not decide the \
                      onset), the bifurcation through which rest is lost (every one confirmed \
                      by simulation on both sides), the \
                      rheobase (the fold for a SNIC; where the I = 0 rest is unstable, the loss \
                      of the stable rest followed up in current; else the lowest current a step \
                      from rest fires at), the rate there (Hz), the lowest current that \
                      sustains firing \
                      (the cycle followed down) and the excitability type."
                .into(),
            header: [
                "Convention",
                "gA",
                "gK",
                "Rest (mV)",
                "Fold",
                "Hopf",
                "Rest lost by",
                "Rheobase",
                "Onset rate",
                "Lowest firing",
                "Type",
            ]
            .map(String::from)
            .to_vec(),
            rows,
        },
        Table {
            id: "tab:onset-controls",
            caption: "The onset classifier on textbook models: the fold of the rest branch and \
                      the Hopf point where rest is lost (µA/cm², none where there is none), \
                      the class the classifier finds (confirmed by simulation on both sides), \
                      the class the source shows, and the source of the parameter set."
                .into(),
            header: [
                "Model",
                "Fold",
                "Hopf",
                "Classifier",
                "Source shows",
                "Source",
            ]
            .map(String::from)
            .to_vec(),
            rows: r
                .controls
                .iter()
                .map(|c| {
                    vec![
                        c.control.name.to_string(),
                        c.fold_ua_cm2.map_or_else(|| "none".into(), |x| fixed(x, 3)),
                        c.hopf_ua_cm2.map_or_else(|| "none".into(), |x| fixed(x, 3)),
                        c.onset.bifurcation().name().to_string(),
                        c.control.expected.name().to_string(),
                        c.control.source.to_string(),
                    ]
                })
                .collect(),
        },
        Table {
            id: "tab:conductance-fits",
            caption: "ReLU and sigmoid fits, with and without an offset (as in chapter 1), to the \
                      converged Hodgkin-Huxley and the standard Connor-Stevens F-I curves: RMS \
                      error, the lowest rate predicted (Hz), and whether the fit runs off to a \
                      limit of its family, where its parameters are not determined and no \
                      verdict is drawn from it."
                .into(),
            header: [
                "Curve / shape",
                "RMSE (Hz)",
                "Lowest (Hz)",
                "Runs off to a limit",
            ]
            .map(String::from)
            .to_vec(),
            rows: fit_rows,
        },
    ]
}

/// Data files of the chapter that belong to no figure: `hh_onset.csv`, the onset of brian2's
/// Hodgkin–Huxley example in the columns of `cs_onset.csv` (currents in µA/cm²), and
/// `cs_type_change.csv`, where the onset changes type along g_A.
pub fn data_files(r: &Results, cfg: &Config) -> Vec<(&'static str, String)> {
    let h = &r.hh.onset;
    let model = crate::neuron::hodgkin_huxley::HodgkinHuxley::default();
    let row = conductance::onset_row(
        "brian2_example",
        0.0,
        model.g_kd,
        &h.analysis,
        h.rheobase_ua_cm2,
        h.onset_rate_hz,
    );
    vec![
        (
            "hh_onset",
            crate::data_csv::csv(conductance::ONSET_COLUMNS, std::iter::once(row)),
        ),
        (
            "cs_type_change",
            conductance::type_change_csv(&cfg.cs, &r.cs),
        ),
        ("onset_controls", conductance::controls_csv(&r.controls)),
    ]
}

/// The chapter's figures.
pub fn figures(r: &Results, cfg: &Config) -> Result<Vec<Figure>, Error> {
    let jobs: Vec<Box<dyn Fn() -> Result<Figure, Error> + Sync>> = vec![
        Box::new(|| conductance::hh_fi(&r.hh, cfg.hh.dt_ms, cfg.hh.dt_converged_ms)),
        Box::new(|| conductance::cs_traces(&r.cs)),
        Box::new(|| conductance::cs_sweep(&r.cs)),
        Box::new(|| conductance::cs_onset(&r.cs)),
        Box::new(|| bifurcation::cs_bifurcation(&r.cs.diagrams)),
        Box::new(|| crate::figures::two_parameter::cs_two_parameter(&cfg.cs, &r.cs)),
        Box::new(|| {
            fi_curves::fits(
                &r.fits_conductance,
                "fig:conductance-fits",
                "conductance_fits",
            )
        }),
    ];
    let mut figures: Vec<Figure> = crate::par::map(&jobs, |f| f())
        .into_iter()
        .collect::<Result<_, _>>()?;
    let mut laws = Vec::new();
    if let Some(l) = &r.cs.snic_law {
        laws.push(("Connor-Stevens, standard", "µA/cm²", l));
    }
    if let Some(l) = &r.hh.onset.sqrt_law {
        laws.push(("Hodgkin-Huxley example", "µA/cm²", l));
    }
    if !laws.is_empty() {
        figures.push(bifurcation::onset_law(&laws)?);
    }
    if let Some(ramp) = &r.cs.ramp {
        figures.push(bifurcation::cs_ramp(ramp)?);
    }
    Ok(figures)
}
