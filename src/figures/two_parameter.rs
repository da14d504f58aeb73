//! The two-parameter diagram of the Connor–Stevens model in (g_A, I), one panel per
//! convention: where rest ends (the first fold), where the S's second rest begins, the Hopf
//! points of both rests, and the sweep's models at their onset, by class.

use super::Figure;
use super::fi_curves::{Line, line_chart};
use super::style::{self, PALETTE};
use crate::analysis::two_parameter::{Diagram, Slice};
use crate::error::Error;
use crate::experiments::connor_stevens::{Convention, CsResult};
use plotters::prelude::*;

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn fmt(x: f64) -> String {
    crate::data_csv::number(x)
}

fn opt(x: Option<f64>) -> String {
    x.map_or_else(String::new, fmt)
}

/// One panel of the two-parameter diagram: the first fold, the fold where the S's second rest
/// begins, the Hopf points of the lower branch and of the second rest, against g_A; the
/// sweep's models at their onset current, by class.
fn two_parameter_panel(
    area: &Area,
    title: &str,
    d: &Diagram,
    models: &[(f64, f64, bool)],
) -> Result<(), Error> {
    let series = |f: &dyn Fn(&Slice) -> Option<f64>| -> (Vec<f64>, Vec<f64>) {
        d.slices
            .iter()
            .filter_map(|s| f(s).map(|y| (s.p, y)))
            .unzip()
    };
    let fold = series(&|s| s.first_fold.map(|f| f.current));
    let s_fold = series(&|s| s.s_fold.map(|f| f.current));
    let lower = series(&|s| s.lower_hopf.map(|h| h.current));
    let upper = series(&|s| s.upper_hopf.map(|h| h.current));
    let of_class = |type_one: bool| -> (Vec<f64>, Vec<f64>) {
        models
            .iter()
            .filter(|m| m.2 == type_one)
            .map(|m| (m.0, m.1))
            .unzip()
    };
    let ((one_x, one_y), (two_x, two_y)) = (of_class(true), of_class(false));
    let lines = [
        Line {
            label: "first fold (end of rest)",
            x: &fold.0,
            y: &fold.1,
            color: PALETTE[0],
            ..Default::default()
        },
        Line {
            label: "fold where the second rest begins",
            x: &s_fold.0,
            y: &s_fold.1,
            color: PALETTE[0],
            dashed: true,
            ..Default::default()
        },
        Line {
            label: "Hopf, lower rest",
            x: &lower.0,
            y: &lower.1,
            color: PALETTE[1],
            ..Default::default()
        },
        Line {
            label: "Hopf, second rest",
            x: &upper.0,
            y: &upper.1,
            color: PALETTE[1],
            dashed: true,
            ..Default::default()
        },
        Line {
            label: "sweep model, type I",
            x: &one_x,
            y: &one_y,
            color: PALETTE[2],
            dots_only: true,
            ..Default::default()
        },
        Line {
            label: "sweep model, type II",
            x: &two_x,
            y: &two_y,
            color: PALETTE[3],
            dots_only: true,
            ..Default::default()
        },
    ];
    line_chart(
        area,
        "fig:cs-two-parameter",
        title,
        "gA (mS/cm²)",
        "I (µA/cm²)",
        &lines,
    )
}

/// The figure and `cs_two_parameter.csv` (a row per slice), the slices' g_K from `cfg`'s
/// conventions.
pub fn cs_two_parameter(cfg: &crate::config::CsConfig, r: &CsResult) -> Result<Figure, Error> {
    const ID: &str = "fig:cs-two-parameter";
    let models = |conv: Convention| -> Vec<(f64, f64, bool)> {
        r.curves
            .iter()
            .filter(|c| c.convention == conv)
            .filter_map(|c| {
                let b = c.onset.analysis.bifurcation()?;
                Some((c.g_a, c.onset.analysis.loss?.current(), b.is_type_one()))
            })
            .collect()
    };
    let diagram = |conv: Convention| {
        r.two_parameter
            .iter()
            .find(|(c, _)| *c == conv)
            .map(|(_, d)| d)
            .expect("both conventions")
    };
    let (gk, total) = (
        diagram(Convention::FixedGk),
        diagram(Convention::FixedTotal),
    );
    let show = |x: Option<f64>| x.map_or_else(|| "none".to_string(), |x| format!("{x:.2}"));
    let alt = format!(
        "Two panels of input current against gA. Left, gK fixed; right, gK + gA fixed. In each, \
         the lower rest's Hopf current rises with gA until the first fold takes over; the S of \
         the steady-state curve appears at the cusp (gA = {} and {}), adding the fold where a \
         second rest begins and that rest's Hopf point, which falls below the first fold at \
         gA = {} and {}. The sweep's models sit on their onset currents.",
        show(gk.cusp),
        show(total.cusp),
        show(gk.crossing),
        show(total.crossing)
    );
    let svg = style::render_svg(ID, (style::WIDTH + 100, style::HEIGHT + 40), &alt, |root| {
        let halves = root.split_evenly((1, 2));
        two_parameter_panel(&halves[0], "gK fixed", gk, &models(Convention::FixedGk))?;
        two_parameter_panel(
            &halves[1],
            "gK + gA fixed",
            total,
            &models(Convention::FixedTotal),
        )
    })?;
    let mut rows = Vec::new();
    for (conv, d) in &r.two_parameter {
        for s in &d.slices {
            let g_k = crate::experiments::cs_analysis::model_at(cfg, *conv, s.p).g_k;
            rows.push(vec![
                conv.id().to_string(),
                fmt(s.p),
                fmt(g_k),
                opt(s.first_fold.map(|f| f.current)),
                opt(s.s_fold.map(|f| f.current)),
                opt(s.lower_hopf.map(|h| h.current)),
                opt(s.upper_hopf.map(|h| h.current)),
                s.region.map_or_else(String::new, |x| x.id().to_string()),
            ]);
        }
    }
    Ok(Figure {
        id: ID,
        file_stem: "cs_two_parameter",
        caption: "The Connor-Stevens model in the ($g_A$, $I$) plane, $g_K$ fixed (left) and \
                  $g_K + g_A$ fixed (right): the first fold of the steady-state curve (where \
                  the lower rest ends), the fold where the second rest of its S begins (from \
                  the cusp on), the Hopf points of the lower and of the second rest, and the \
                  sweep's models at the current where they start firing, by class."
            .to_string(),
        alt,
        svg,
        csv: crate::data_csv::csv(
            &[
                "convention",
                "g_a_ms_cm2",
                "g_k_ms_cm2",
                "first_fold_ua_cm2",
                "s_fold_ua_cm2",
                "hopf_lower_ua_cm2",
                "hopf_second_rest_ua_cm2",
                "onset_region",
            ],
            rows,
        ),
    })
}
