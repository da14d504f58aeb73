//! Figure of homework 1.1: phase portraits τV̇ = g(V) of LIF and QIF side by side.

use super::Figure;
use super::style::{self, INK, PALETTE, plot_error};
use crate::analysis::phase::Stability;
use crate::error::Error;
use crate::experiments::phase::{PhaseCurve, PhaseResult};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

const ID: &str = "fig:phase";

/// One panel's description.
struct Panel<'a> {
    title: &'a str,
    x_desc: &'a str,
    curves: &'a [PhaseCurve],
    g: fn(f64, f64) -> f64,
    x_range: std::ops::Range<f64>,
    y_range: std::ops::Range<f64>,
    threshold: f64,
    reset: f64,
    v0_label: fn(f64) -> String,
}

fn lif_g(v0: f64, v: f64) -> f64 {
    v0 - v
}

fn qif_g(v0: f64, v: f64) -> f64 {
    v0 + v * v
}

fn samples(range: &std::ops::Range<f64>, n: usize) -> impl Iterator<Item = f64> + '_ {
    (0..=n).map(move |k| range.start + (range.end - range.start) * k as f64 / n as f64)
}

fn draw_panel(
    area: &DrawingArea<SVGBackend<'_>, plotters::coord::Shift>,
    p: &Panel,
) -> Result<(), Error> {
    let err = plot_error(ID);
    let mut chart = ChartBuilder::on(area)
        .caption(p.title, style::label_font())
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(56)
        .build_cartesian_2d(p.x_range.clone(), p.y_range.clone())
        .map_err(&err)?;
    style::mesh(&mut chart, p.x_desc, "τ dV/dt")
        .disable_mesh()
        .draw()
        .map_err(&err)?;
    // Zero line, threshold and reset.
    let (x0, x1) = (p.x_range.start, p.x_range.end);
    let (y0, y1) = (p.y_range.start, p.y_range.end);
    chart
        .draw_series(LineSeries::new([(x0, 0.0), (x1, 0.0)], INK.mix(0.5)))
        .map_err(&err)?;
    for (v, name, anchor) in [
        (p.threshold, "threshold ", HPos::Right),
        (p.reset, " reset", HPos::Left),
    ] {
        let dash = DashedLineSeries::new([(v, y0), (v, y1)], 6, 4, INK.mix(0.6).stroke_width(1));
        chart.draw_series(dash).map_err(&err)?;
        let font = style::tick_font().pos(Pos::new(anchor, VPos::Center));
        chart
            .draw_series(std::iter::once(Text::new(
                name.to_string(),
                (v, y1 - 0.05 * (y1 - y0)),
                font,
            )))
            .map_err(&err)?;
    }
    for (k, curve) in p.curves.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let v0 = curve.v0;
        let points: Vec<(f64, f64)> = samples(&p.x_range, 400)
            .map(|v| (v, (p.g)(v0, v)))
            .filter(|&(_, y)| y >= y0 && y <= y1)
            .collect();
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))
            .map_err(&err)?
            .label((p.v0_label)(v0))
            .legend(move |(x, y)| {
                PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
            });
        // Flow arrows along the curve: right where τV̇ > 0, left where it is negative.
        let arrows: Vec<(f64, f64, bool)> = samples(&p.x_range, 10)
            .skip(1)
            .take(9)
            .map(|v| (v, (p.g)(v0, v)))
            .filter(|&(_, y)| y > y0 && y < y1 && y.abs() > 1e-9)
            .map(|(v, y)| (v, y, y > 0.0))
            .collect();
        chart
            .draw_series(arrows.into_iter().map(|(v, y, right)| {
                let s = if right { 1 } else { -1 };
                EmptyElement::at((v, y))
                    + Polygon::new(vec![(6 * s, 0), (-5 * s, -5), (-5 * s, 5)], color.filled())
            }))
            .map_err(&err)?;
        for fp in &curve.fixed_points {
            let at = EmptyElement::at((fp.v, 0.0));
            let marker = match fp.stability {
                Stability::Stable => at + Circle::new((0, 0), 6, color.filled()),
                Stability::Unstable => at + Circle::new((0, 0), 6, color.stroke_width(2)),
                Stability::HalfStable => at + Circle::new((0, 0), 6, color.mix(0.4).filled()),
            };
            let ring =
                EmptyElement::at((fp.v, 0.0)) + Circle::new((0, 0), 6, color.stroke_width(2));
            chart.draw_series([marker, ring]).map_err(&err)?;
        }
    }
    style::draw_legend(&mut chart, SeriesLabelPosition::LowerRight, ID)?;
    Ok(())
}

/// Both portraits with fixed points (filled stable, open unstable, shaded saddle-node), flow
/// arrows, threshold and reset.
pub fn figure(r: &PhaseResult) -> Result<Figure, Error> {
    let lif_x = {
        let lo = r.lif.iter().map(|c| c.v0).fold(r.lif_reset_mv, f64::min) - 3.0;
        let hi = r
            .lif
            .iter()
            .map(|c| c.v0)
            .fold(r.lif_threshold_mv, f64::max)
            + 5.0;
        lo..hi
    };
    let lif_y = {
        let ys: Vec<f64> = r
            .lif
            .iter()
            .flat_map(|c| [lif_g(c.v0, lif_x.start), lif_g(c.v0, lif_x.end)])
            .collect();
        style::padded_range(&[&ys], 0.05)
    };
    let qif_x = (r.qif_reset.min(-3.0) - 1.0)..(r.qif_threshold.max(3.0) + 1.0);
    let qif_min = r.qif.iter().map(|c| c.v0).fold(0.0, f64::min);
    let qif_y = (qif_min - 2.0)..(10.0_f64.max(-2.0 * qif_min));
    let panels = [
        Panel {
            title: "LIF: τ dV/dt = V0 − V",
            x_desc: "V (mV)",
            curves: &r.lif,
            g: lif_g,
            x_range: lif_x,
            y_range: lif_y,
            threshold: r.lif_threshold_mv,
            reset: r.lif_reset_mv,
            v0_label: |v0| format!("V0 = {v0} mV"),
        },
        Panel {
            title: "QIF: τ dV/dt = V0 + V²",
            x_desc: "V",
            curves: &r.qif,
            g: qif_g,
            x_range: qif_x,
            y_range: qif_y,
            threshold: r.qif_threshold,
            reset: r.qif_reset,
            v0_label: |v0| format!("V0 = {v0}"),
        },
    ];
    let alt = format!(
        "Two phase portraits. Left: LIF, straight lines tau dV/dt = V0 - V for V0 = {}, each \
         crossing zero at its stable fixed point V = V0. Right: QIF, parabolas tau dV/dt = V0 + V^2 \
         for V0 = {}, with a stable and an unstable fixed point for negative V0, one saddle-node at \
         V0 = 0 and none above.",
        r.lif
            .iter()
            .map(|c| c.v0.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        r.qif
            .iter()
            .map(|c| c.v0.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    );
    let svg = style::render_svg(ID, (style::WIDTH, style::HEIGHT), &alt, |root| {
        let halves = root.split_evenly((1, 2));
        for (area, panel) in halves.iter().zip(&panels) {
            draw_panel(area, panel)?;
        }
        Ok(())
    })?;
    let mut rows = Vec::new();
    for (model, panel) in [("LIF", &panels[0]), ("QIF", &panels[1])] {
        for c in panel.curves {
            for v in samples(&panel.x_range, 100) {
                rows.push(vec![
                    model.to_string(),
                    c.v0.to_string(),
                    v.to_string(),
                    (panel.g)(c.v0, v).to_string(),
                ]);
            }
        }
    }
    Ok(Figure {
        id: ID,
        file_stem: "phase_portraits",
        caption: "Phase portraits of $\\tau\\dot V$ against $V$. Filled circles are stable fixed \
                  points, open circles unstable ones, the shaded circle the saddle-node; \
                  triangles show the direction of the flow; dashed lines mark threshold and reset."
            .to_string(),
        alt,
        svg,
        csv: style::csv(&["model", "v0", "v", "tau_dv_dt"], rows),
    })
}
