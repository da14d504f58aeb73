//! Figures of homework 1.5: the Hodgkin–Huxley F-I curve (brian2's step against converged),
//! Connor–Stevens voltage traces, the g_A sweep of F-I curves, and the onset against g_A.

use super::Figure;
use super::fi_curves::{Line, line_chart};
use super::style::{self, PALETTE};
use crate::error::Error;
use crate::experiments::connor_stevens::{Convention, CsCurve, CsResult, Excitability};
use crate::experiments::hh_fi::HhFiResult;
use crate::experiments::onset::OnsetAnalysis;
use plotters::prelude::*;

fn fmt(x: f64) -> String {
    crate::data_csv::number(x)
}

/// brian2's curve and the converged one.
pub fn hh_fi(r: &HhFiResult, dt_ms: f64, dt_converged_ms: f64) -> Result<Figure, Error> {
    const ID: &str = "fig:hh-fi";
    let alt = format!(
        "Hodgkin-Huxley firing rate (spike count over the run) against input current from 0 to {} \
         nA, with brian2's time step and converged.",
        fmt(r.i_na.last().copied().unwrap_or(0.0))
    );
    let a = format!("brian2 example: exponential Euler, dt = {dt_ms} ms");
    let b = format!("converged: RK4, dt = {dt_converged_ms} ms");
    let svg = style::render_svg(ID, (style::WIDTH, style::HEIGHT), &alt, |root| {
        line_chart(
            &root,
            ID,
            "Hodgkin-Huxley F-I curve (brian2 IF_curve_Hodgkin_Huxley)",
            "I (nA)",
            "firing rate (Hz)",
            &[
                Line {
                    label: &a,
                    x: &r.i_na,
                    y: &r.rate_hz,
                    color: PALETTE[0],
                    dashed: false,
                    ..Default::default()
                },
                Line {
                    label: &b,
                    x: &r.i_na,
                    y: &r.rate_converged_hz,
                    color: PALETTE[1],
                    dashed: true,
                    ..Default::default()
                },
            ],
        )
    })?;
    let rows = (0..r.i_na.len()).map(|i| {
        vec![
            fmt(r.i_na[i]),
            r.spike_count[i].to_string(),
            fmt(r.rate_hz[i]),
            fmt(r.rate_converged_hz[i]),
        ]
    });
    Ok(Figure {
        id: ID,
        file_stem: "hh_fi",
        caption: "F-I curve of the Hodgkin-Huxley model of brian2's `IF_curve_Hodgkin_Huxley` \
                  example: stepped as brian2 steps it (same spike count for every neuron), and \
                  converged. Rate is spike count over the run."
            .to_string(),
        alt,
        svg,
        csv: crate::data_csv::csv(
            &["i_na", "spike_count", "rate_hz", "rate_converged_hz"],
            rows,
        ),
    })
}

/// Voltage traces after a current step, with and without the A-current.
pub fn cs_traces(r: &CsResult) -> Result<Figure, Error> {
    const ID: &str = "fig:cs-trace";
    let labels: Vec<String> = r
        .traces
        .iter()
        .map(|t| {
            format!(
                "gA = {}, gK = {}, I = {:.2}: first spike {}",
                t.g_a,
                t.g_k,
                t.current,
                t.first_spike_ms
                    .map_or("none".to_string(), |s| format!("at {s:.1} ms"))
            )
        })
        .collect();
    let alt = format!(
        "Membrane potential against time after a current step {} microampere per square centimetre above \
         each model's rheobase. {}.",
        crate::experiments::connor_stevens::PROBE_ABOVE_UA,
        labels.join("; ")
    );
    let colors = [PALETTE[0], PALETTE[1]];
    // One panel per model, stacked, so neither trace hides the other.
    let height = 260 * r.traces.len().max(1) as u32;
    let svg = style::render_svg(ID, (style::WIDTH, height), &alt, |root| {
        let panels = root.split_evenly((r.traces.len().max(1), 1));
        for (k, ((t, l), area)) in r.traces.iter().zip(&labels).zip(&panels).enumerate() {
            line_chart(
                area,
                ID,
                l,
                "t (ms)",
                "V (mV)",
                &[Line {
                    x: &t.t_ms,
                    y: &t.v_mv,
                    color: colors[k % 2],
                    dashed: false,
                    ..Default::default()
                }],
            )?;
        }
        Ok(())
    })?;
    let mut rows = Vec::new();
    for t in &r.traces {
        for (time, v) in t.t_ms.iter().zip(&t.v_mv) {
            rows.push(vec![
                fmt(t.g_a),
                fmt(t.g_k),
                fmt(t.current),
                fmt(*time),
                fmt(*v),
            ]);
        }
    }
    Ok(Figure {
        id: ID,
        file_stem: "cs_traces",
        caption: format!(
            "Connor-Stevens voltage traces after a current step {} µA/cm² above the rheobase, \
             with the standard A-current and with it blocked (its conductance moved to the \
             delayed rectifier).",
            crate::experiments::connor_stevens::PROBE_ABOVE_UA
        ),
        alt,
        svg,
        csv: crate::data_csv::csv(
            &["g_a_ms_cm2", "g_k_ms_cm2", "i_ua_cm2", "t_ms", "v_mv"],
            rows,
        ),
    })
}

/// A model (g_A, g_K) and extra (current, rate) points of its F-I curve.
type ExtraPoints = (f64, f64, Vec<(f64, f64)>);

fn sweep_panel(
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    title: &str,
    currents: &[f64],
    curves: &[&CsCurve],
    near_fold: Option<&ExtraPoints>,
) -> Result<(), Error> {
    // Ordered by g_A on a sequential colour map; beyond its length the dash changes too.
    let mut order: Vec<&CsCurve> = curves.to_vec();
    order.sort_by(|a, b| a.g_a.total_cmp(&b.g_a));
    let labels: Vec<String> = order
        .iter()
        .map(|c| {
            format!(
                "gA = {}, gK = {}",
                style::tick_label(c.g_a),
                style::tick_label(c.g_k)
            )
        })
        .collect();
    // The grid's points, with the square-root law's runs merged in for the model they belong
    // to (g_A, g_K of `near_fold`): the rise from zero at its fold, which the grid steps over.
    let points: Vec<(Vec<f64>, Vec<f64>)> = order
        .iter()
        .map(|c| {
            let mut p: Vec<(f64, f64)> = currents.iter().copied().zip(c.rate_hz.clone()).collect();
            if let Some((g_a, g_k, extra)) = near_fold
                && c.g_a.to_bits() == g_a.to_bits()
                && c.g_k.to_bits() == g_k.to_bits()
            {
                p.extend(extra);
                p.sort_by(|a, b| a.0.total_cmp(&b.0));
            }
            p.into_iter().unzip()
        })
        .collect();
    let n = order.len();
    let lines: Vec<Line> = order
        .iter()
        .zip(&labels)
        .zip(&points)
        .enumerate()
        .map(|(k, ((c, l), (x, y)))| Line {
            label: l,
            x,
            y,
            color: style::sequential(k, n),
            dashed: k >= style::SEQ_LEN,
            // A discontinuous onset (a jump from rest to a finite rate) is never bridged.
            gap: (c.onset.onset_rate_hz > 0.0).then_some(c.onset.rheobase),
            ..Default::default()
        })
        .collect();
    line_chart(
        area,
        "fig:cs-sweep",
        title,
        "I (µA/cm²)",
        "rate (Hz)",
        &lines,
    )
}

/// The standard model's (g_A, g_K) and the points of its square-root law: the fold at rate
/// zero and the rates measured just above it, silent offsets left out.
fn near_fold(r: &CsResult) -> Option<ExtraPoints> {
    let law = r.snic_law.as_ref()?;
    let standard = &r.curves[r.standard];
    let mut points = vec![(law.fold_current, 0.0)];
    points.extend(
        law.offsets
            .iter()
            .zip(&law.rates_hz)
            .filter(|(_, rate)| **rate > 0.0)
            .map(|(d, rate)| (law.fold_current + d, *rate)),
    );
    Some((standard.g_a, standard.g_k, points))
}

/// F-I curves of the g_A sweep, one panel per convention.
pub fn cs_sweep(r: &CsResult) -> Result<Figure, Error> {
    const ID: &str = "fig:cs-sweep";
    let of = |conv| {
        r.curves
            .iter()
            .filter(|c| c.convention == conv)
            .collect::<Vec<_>>()
    };
    let (fixed_gk, fixed_total) = (of(Convention::FixedGk), of(Convention::FixedTotal));
    let alt = format!(
        "Two panels of Connor-Stevens F-I curves for gA = {}. Left, gK held fixed: as gA grows the \
         curves shift to larger currents and start from lower rates. Right, gK + gA held fixed: \
         the same shift in the other direction, onsets moving to smaller currents as gA grows.",
        fixed_gk
            .iter()
            .map(|c| c.g_a.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let svg = style::render_svg(ID, (style::WIDTH + 100, style::HEIGHT + 40), &alt, |root| {
        let halves = root.split_evenly((1, 2));
        let near = near_fold(r);
        sweep_panel(
            &halves[0],
            "gK fixed",
            &r.currents,
            &fixed_gk,
            near.as_ref(),
        )?;
        sweep_panel(
            &halves[1],
            "gK + gA fixed",
            &r.currents,
            &fixed_total,
            near.as_ref(),
        )
    })?;
    let mut rows = Vec::new();
    for c in &r.curves {
        for (i, rate) in r.currents.iter().zip(&c.rate_hz) {
            rows.push(vec![
                c.convention.id().to_string(),
                fmt(c.g_a),
                fmt(c.g_k),
                fmt(*i),
                fmt(*rate),
            ]);
        }
    }
    Ok(Figure {
        id: ID,
        file_stem: "cs_fi",
        caption:
            "Connor-Stevens F-I curves as the A-type conductance $g_A$ is swept, holding $g_K$ \
                  fixed (left) or $g_K + g_A$ fixed (right), coloured from dark (small $g_A$) to \
                  light. Rates from the mean interspike interval after the transient. Where the \
                  onset is discontinuous (type II) the line is not drawn across it, and a ring \
                  marks the rheobase. The standard model's curve also passes through its fold \
                  at rate zero and the runs just above it (data: onset_law.csv), so its \
                  square-root rise, which the grid steps over, is drawn."
                .to_string(),
        alt,
        svg,
        csv: crate::data_csv::csv(
            &[
                "convention",
                "g_a_ms_cm2",
                "g_k_ms_cm2",
                "i_ua_cm2",
                "rate_hz",
            ],
            rows,
        ),
    })
}

/// Rheobase and onset rate against g_A for both conventions.
pub fn cs_onset(r: &CsResult) -> Result<Figure, Error> {
    const ID: &str = "fig:cs-onset";
    let series = |conv, f: fn(&CsCurve) -> f64| -> (Vec<f64>, Vec<f64>) {
        r.curves
            .iter()
            .filter(|c| c.convention == conv)
            .map(|c| (c.g_a, f(c)))
            .unzip()
    };
    let (ga1, rh1) = series(Convention::FixedGk, |c| c.onset.rheobase);
    let (ga2, rh2) = series(Convention::FixedTotal, |c| c.onset.rheobase);
    let (_, on1) = series(Convention::FixedGk, |c| c.onset.onset_rate_hz);
    let (_, on2) = series(Convention::FixedTotal, |c| c.onset.onset_rate_hz);
    // Read aloud: three significant digits, as in the text.
    let span = |xs: &[f64]| {
        let sig = |x: f64| crate::render::format::sig(x, 3);
        format!(
            "{} to {}",
            sig(xs.first().copied().unwrap_or(0.0)),
            sig(xs.last().copied().unwrap_or(0.0))
        )
    };
    let alt = format!(
        "Two panels against gA. Left: the rheobase, from {} uA/cm² with gK fixed and from {} \
         uA/cm² with gK + gA fixed, as gA goes from {}. Right: the rate at the rheobase, from {} \
         Hz and from {} Hz (zero where the onset is a saddle-node on an invariant circle).",
        span(&rh1),
        span(&rh2),
        span(&ga1),
        span(&on1),
        span(&on2)
    );
    let svg = style::render_svg(ID, (style::WIDTH, style::HEIGHT), &alt, |root| {
        let halves = root.split_evenly((1, 2));
        line_chart(
            &halves[0],
            ID,
            "Rheobase",
            "gA (mS/cm²)",
            "rheobase (µA/cm²)",
            &[
                Line {
                    label: "gK fixed",
                    x: &ga1,
                    y: &rh1,
                    color: PALETTE[0],
                    dashed: false,
                    dots: true,
                    ..Default::default()
                },
                Line {
                    label: "gK + gA fixed",
                    x: &ga2,
                    y: &rh2,
                    color: PALETTE[1],
                    dashed: true,
                    dots: true,
                    ..Default::default()
                },
            ],
        )?;
        line_chart(
            &halves[1],
            ID,
            "Rate at the rheobase",
            "gA (mS/cm²)",
            "rate (Hz)",
            &[
                Line {
                    label: "gK fixed",
                    x: &ga1,
                    y: &on1,
                    color: PALETTE[0],
                    dashed: false,
                    dots: true,
                    ..Default::default()
                },
                Line {
                    label: "gK + gA fixed",
                    x: &ga2,
                    y: &on2,
                    color: PALETTE[1],
                    dashed: true,
                    dots: true,
                    ..Default::default()
                },
            ],
        )
    })?;
    let rows = r.curves.iter().map(|c| {
        onset_row(
            c.convention.id(),
            c.g_a,
            c.g_k,
            &c.onset.analysis,
            c.onset.rheobase,
            c.onset.onset_rate_hz,
        )
    });
    Ok(Figure {
        id: ID,
        file_stem: "cs_onset",
        caption:
            "Onset of firing against $g_A$: the rheobase (the fold current where the onset is \
                  a SNIC, otherwise the lowest current at which a step from rest fires, by \
                  bisection), and the rate at the rheobase."
                .to_string(),
        alt,
        svg,
        csv: crate::data_csv::csv(ONSET_COLUMNS, rows),
    })
}

/// The columns of `cs_onset.csv` and `hh_onset.csv`.
pub const ONSET_COLUMNS: &[&str] = &[
    "convention",
    "g_a_ms_cm2",
    "g_k_ms_cm2",
    "rest_mv",
    "rest_stable",
    "fold_ua_cm2",
    "hopf_ua_cm2",
    "rheobase_ua_cm2",
    "onset_bifurcation",
    "onset_rate_hz",
    "excitability_type",
];

/// Columns of `cs_type_change.csv`: where the onset changes type along g_A, in each
/// convention, with the onset classes on either side.
pub const TYPE_CHANGE_COLUMNS: &[&str] = &[
    "convention",
    "g_a_ms_cm2",
    "g_k_ms_cm2",
    "onset_below",
    "onset_above",
];

/// `cs_type_change.csv`: a row per type change, at the middle of its bisection bracket; the
/// onset below and above it in g_A.
pub fn type_change_csv(cfg: &crate::config::CsConfig, cs: &CsResult) -> String {
    let rows = cs.type_changes.iter().map(|t| {
        let c = &t.change;
        let g_a = 0.5 * (c.type_two_at + c.type_one_at);
        let g_k = crate::experiments::cs_analysis::model_at(cfg, t.convention, g_a).g_k;
        let (below, above) = c.below_above();
        vec![
            t.convention.id().to_string(),
            fmt(g_a),
            fmt(g_k),
            below.bifurcation().id().to_string(),
            above.bifurcation().id().to_string(),
        ]
    });
    crate::data_csv::csv(TYPE_CHANGE_COLUMNS, rows)
}

/// Columns of `onset_controls.csv`: the onset classifier on textbook models.
pub const CONTROL_COLUMNS: &[&str] = &[
    "model",
    "parameter_set",
    "fold_ua_cm2",
    "hopf_ua_cm2",
    "onset_bifurcation",
    "excitability_type",
];

/// `onset_controls.csv`: a row per positive control; empty fields where its rest branch has
/// no fold, or its onset is not at a Hopf point.
pub fn controls_csv(controls: &[crate::experiments::controls::ControlResult]) -> String {
    let rows = controls.iter().map(|c| {
        let b = c.onset.bifurcation();
        vec![
            c.control.model.to_string(),
            c.control.parameter_set.to_string(),
            c.fold_ua_cm2.map_or_else(String::new, fmt),
            c.hopf_ua_cm2.map_or_else(String::new, fmt),
            b.id().to_string(),
            Excitability::of(b).id().to_string(),
        ]
    });
    crate::data_csv::csv(CONTROL_COLUMNS, rows)
}

/// One row of [`ONSET_COLUMNS`]; empty fields where there is no fold, Hopf point or class.
/// The Hopf column holds the Hopf point at which the followed rest loses stability, when
/// the onset is one.
pub fn onset_row(
    convention: &str,
    g_a: f64,
    g_k: f64,
    a: &OnsetAnalysis,
    rheobase: f64,
    onset_rate_hz: f64,
) -> Vec<String> {
    let bifurcation = a.bifurcation();
    vec![
        convention.to_string(),
        fmt(g_a),
        fmt(g_k),
        fmt(a.rest_mv),
        a.rest_stable.to_string(),
        a.fold.map_or_else(String::new, |f| fmt(f.current)),
        a.hopf.map_or_else(String::new, |h| fmt(h.current)),
        fmt(rheobase),
        bifurcation.map_or_else(String::new, |b| b.id().to_string()),
        fmt(onset_rate_hz),
        bifurcation.map_or_else(String::new, |b| Excitability::of(b).id().to_string()),
    ]
}
