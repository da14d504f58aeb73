//! Figures of homework 1.5: the Hodgkin–Huxley F-I curve (brian2's step against converged),
//! Connor–Stevens voltage traces, the g_A sweep of F-I curves, and the onset against g_A.

use super::Figure;
use super::fi_curves::{Line, line_chart};
use super::style::{self, PALETTE};
use crate::error::Error;
use crate::experiments::connor_stevens::{Convention, CsCurve, CsResult};
use crate::experiments::hh_fi::HhFiResult;
use plotters::prelude::*;

fn fmt(x: f64) -> String {
    x.to_string()
}

/// brian2's curve and the converged one.
pub fn hh_fi(r: &HhFiResult, dt_ms: f64, dt_converged_ms: f64) -> Result<Figure, Error> {
    const ID: &str = "fig:hh-fi";
    let alt = "Hodgkin-Huxley firing rate against input current: zero up to a threshold current, \
               then a jump to a finite rate and a steady rise; the curve of brian2's time step lies \
               below the converged curve everywhere above threshold."
        .to_string();
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
                },
                Line {
                    label: &b,
                    x: &r.i_na,
                    y: &r.rate_converged_hz,
                    color: PALETTE[1],
                    dashed: true,
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
        csv: style::csv(
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
    let svg = style::render_svg(ID, (style::WIDTH, style::HEIGHT), &alt, |root| {
        let lines: Vec<Line> = r
            .traces
            .iter()
            .zip(&labels)
            .enumerate()
            .map(|(k, (t, l))| Line {
                label: l,
                x: &t.t_ms,
                y: &t.v_mv,
                color: colors[k % 2],
                dashed: false,
            })
            .collect();
        line_chart(
            &root,
            ID,
            "Connor-Stevens: delay to the first spike",
            "t (ms)",
            "V (mV)",
            &lines,
        )
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
        csv: style::csv(
            &["g_a_ms_cm2", "g_k_ms_cm2", "i_ua_cm2", "t_ms", "v_mv"],
            rows,
        ),
    })
}

fn sweep_panel(
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    title: &str,
    currents: &[f64],
    curves: &[&CsCurve],
) -> Result<(), Error> {
    let labels: Vec<String> = curves
        .iter()
        .map(|c| format!("gA = {}, gK = {}", c.g_a, c.g_k))
        .collect();
    let lines: Vec<Line> = curves
        .iter()
        .zip(&labels)
        .enumerate()
        .map(|(k, (c, l))| Line {
            label: l,
            x: currents,
            y: &c.rate_hz,
            color: PALETTE[k % PALETTE.len()],
            dashed: k >= PALETTE.len(),
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
        sweep_panel(&halves[0], "gK fixed", &r.currents, &fixed_gk)?;
        sweep_panel(&halves[1], "gK + gA fixed", &r.currents, &fixed_total)
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
        caption: "Connor-Stevens F-I curves as the A-type conductance $g_A$ is swept, holding $g_K$ \
                  fixed (left) or $g_K + g_A$ fixed (right). Rates from the mean interspike interval \
                  after the transient."
            .to_string(),
        alt,
        svg,
        csv: style::csv(&["convention", "g_a_ms_cm2", "g_k_ms_cm2", "i_ua_cm2", "rate_hz"], rows),
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
    let alt = "Two panels against gA. Left: rheobase, rising with gA when gK is fixed and falling \
               when gK + gA is fixed. Right: the lowest stable firing rate, falling towards zero as \
               gA approaches its standard value in both conventions."
        .to_string();
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
                },
                Line {
                    label: "gK + gA fixed",
                    x: &ga2,
                    y: &rh2,
                    color: PALETTE[1],
                    dashed: true,
                },
            ],
        )?;
        line_chart(
            &halves[1],
            ID,
            "Lowest stable rate (at rheobase)",
            "gA (mS/cm²)",
            "rate (Hz)",
            &[
                Line {
                    label: "gK fixed",
                    x: &ga1,
                    y: &on1,
                    color: PALETTE[0],
                    dashed: false,
                },
                Line {
                    label: "gK + gA fixed",
                    x: &ga2,
                    y: &on2,
                    color: PALETTE[1],
                    dashed: true,
                },
            ],
        )
    })?;
    let rows = r.curves.iter().map(|c| {
        vec![
            c.convention.id().to_string(),
            fmt(c.g_a),
            fmt(c.g_k),
            fmt(c.onset.rheobase),
            fmt(c.onset.onset_rate_hz),
            c.onset.excitability.name().replace(' ', "_"),
        ]
    });
    Ok(Figure {
        id: ID,
        file_stem: "cs_onset",
        caption: "Onset of firing against $g_A$: the rheobase found by bisection, and the rate at \
                  the rheobase, the lowest stable firing rate."
            .to_string(),
        alt,
        svg,
        csv: style::csv(
            &[
                "convention",
                "g_a_ms_cm2",
                "g_k_ms_cm2",
                "rheobase_ua_cm2",
                "onset_rate_hz",
                "excitability_type",
            ],
            rows,
        ),
    })
}
