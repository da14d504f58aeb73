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
    let (x0, x1) = (p.x_range.start, p.x_range.end);
    let curves: Vec<Vec<(f64, f64)>> = p
        .curves
        .iter()
        .map(|c| {
            samples(&p.x_range, 400)
                .map(|v| (v, (p.g)(c.v0, v)))
                .collect()
        })
        .collect();
    let keys: Vec<style::Key> = p
        .curves
        .iter()
        .enumerate()
        .map(|(k, c)| style::Key::line((p.v0_label)(c.v0), PALETTE[k % PALETTE.len()], 2))
        .collect();
    let (w, h) = area.dim_in_pixel();
    let plot = (w as i32 - 80, h as i32 - 100);
    // Threshold and reset lines are data a legend must not hide either.
    let mut all = curves.clone();
    for v in [p.threshold, p.reset] {
        if v >= x0 && v <= x1 {
            all.push(vec![(v, p.y_range.start), (v, p.y_range.end)]);
        }
    }
    let y_range = style::headroom(&keys, plot, &p.x_range, &p.y_range, &all);
    let (y0, y1) = (y_range.start, y_range.end);
    let mut chart = ChartBuilder::on(area)
        .caption(p.title, style::label_font())
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(56)
        .build_cartesian_2d(
            style::axis_n(p.x_range.clone(), 5),
            style::axis_n(y_range.clone(), 6),
        )
        .map_err(&err)?;
    style::mesh(&mut chart, p.x_desc, "τ dV/dt")
        .disable_mesh()
        .draw()
        .map_err(&err)?;
    // Zero line, threshold and reset.
    chart
        .draw_series(LineSeries::new([(x0, 0.0), (x1, 0.0)], INK.mix(0.5)))
        .map_err(&err)?;
    for (v, name, anchor) in [
        (p.threshold, "threshold ", HPos::Right),
        (p.reset, " reset", HPos::Left),
    ] {
        if v < x0 || v > x1 {
            continue;
        }
        let dash = LineSeries::new([(v, y0), (v, y1)], style::dashed(INK).stroke_width(1));
        chart.draw_series(dash).map_err(&err)?;
        let font = style::tick_font().pos(Pos::new(anchor, VPos::Center));
        chart
            .draw_series(std::iter::once(Text::new(
                name.to_string(),
                (v, y0 + 0.06 * (y1 - y0)),
                font,
            )))
            .map_err(&err)?;
    }
    for (k, curve) in p.curves.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let v0 = curve.v0;
        let points: Vec<(f64, f64)> = curves[k]
            .iter()
            .copied()
            .filter(|&(_, y)| y >= y0 && y <= y1)
            .collect();
        chart
            .draw_series(LineSeries::new(points, color.stroke_width(2)))
            .map_err(&err)?;
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
            if fp.v < x0 || fp.v > x1 {
                continue;
            }
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
    style::legend(&chart, &keys, &all, ID)?;
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
    // The QIF twice: from reset to threshold, where the blow-up is seen, and close to the
    // fixed points, where the inputs differ.
    let qif_x = (r.qif_reset.min(-3.0) - 1.0)..(r.qif_threshold.max(3.0) + 1.0);
    let qif_min = r.qif.iter().map(|c| c.v0).fold(0.0, f64::min);
    let qif_max = r.qif.iter().map(|c| c.v0).fold(0.0, f64::max);
    let qif_top = qif_x.start.abs().max(qif_x.end.abs()).powi(2) + qif_max;
    let qif_y = (qif_min - 0.05 * qif_top)..(qif_top * 1.05);
    let reach = 2.0 * (-qif_min).sqrt().max(1.0);
    let zoom_x = -reach..reach;
    let zoom_y = (qif_min - 1.0)..(reach * reach + qif_max);
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
            v0_label: |v0| format!("V0 = {} mV", style::tick_label(v0)),
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
            v0_label: |v0| format!("V0 = {}", style::tick_label(v0)),
        },
        Panel {
            title: "QIF near its fixed points",
            x_desc: "V",
            curves: &r.qif,
            g: qif_g,
            x_range: zoom_x,
            y_range: zoom_y,
            threshold: r.qif_threshold,
            reset: r.qif_reset,
            v0_label: |v0| format!("V0 = {}", style::tick_label(v0)),
        },
    ];
    let alt = format!(
        "Three phase portraits. Left: LIF, straight lines tau dV/dt = V0 - V for V0 = {}, each \
         crossing zero at its stable fixed point V = V0. Middle: QIF, parabolas tau dV/dt = V0 + \
         V^2 for V0 = {} from reset to threshold, rising steeply towards the threshold \
         (without a reset V would blow up in finite time). Right: the same parabolas near V = 0, with a stable and an unstable fixed point for \
         negative V0, one saddle-node at V0 = 0 and none above.",
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
    let svg = style::render_svg(ID, (style::WIDTH + 160, style::HEIGHT), &alt, |root| {
        let thirds = root.split_evenly((1, 3));
        for (area, panel) in thirds.iter().zip(&panels) {
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
        caption: "Phase portraits of $\\tau\\dot V$ against $V$: the LIF, the QIF from reset to \
                  threshold, and the QIF near its fixed points. Filled circles are stable fixed \
                  points, open circles unstable ones, the shaded circle the saddle-node; \
                  triangles show the direction of the flow; dashed lines mark threshold and reset."
            .to_string(),
        alt,
        svg,
        csv: crate::data_csv::csv(&["model", "v0", "v", "tau_dv_dt"], rows),
    })
}
