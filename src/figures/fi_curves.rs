//! Figures of homework 1.2–1.4: the LIF and QIF F-I curves, the ReLU and sigmoid fits with
//! their residuals, and the convergence of the clock-driven QIF simulation.

use super::Figure;
use super::style::{self, PALETTE, plot_error};
use crate::config::Config;
use crate::error::Error;
use crate::experiments::fits::CurveFits;
use crate::experiments::lif_fi::LifFiResult;
use crate::experiments::qif_fi::QifFiResult;
use plotters::prelude::*;

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// A named line of a chart.
pub(crate) struct Line<'a> {
    /// Legend text; empty for no entry.
    pub(crate) label: &'a str,
    pub(crate) x: &'a [f64],
    pub(crate) y: &'a [f64],
    pub(crate) color: RGBColor,
    pub(crate) dashed: bool,
    /// An onset at this x: the line is not joined across it, and a ring marks it on the
    /// zero line (a rheobase).
    pub(crate) gap: Option<f64>,
    /// Draw a marker at every point.
    pub(crate) dots: bool,
    /// Markers only, no line joining them (for scattered values such as residuals).
    pub(crate) dots_only: bool,
}

impl Default for Line<'_> {
    fn default() -> Self {
        Line {
            label: "",
            x: &[],
            y: &[],
            color: PALETTE[0],
            dashed: false,
            gap: None,
            dots: false,
            dots_only: false,
        }
    }
}

impl Line<'_> {
    /// The line's points in runs that are never joined across its gap.
    fn runs(&self) -> Vec<Vec<(f64, f64)>> {
        let pts: Vec<(f64, f64)> = self.x.iter().copied().zip(self.y.iter().copied()).collect();
        match self.gap {
            Some(g) => style::runs(&pts, |a, b| a.0 < g && b.0 >= g),
            None => vec![pts],
        }
    }

    fn stroke(&self) -> RGBColor {
        if self.dashed {
            style::dashed(self.color)
        } else {
            self.color
        }
    }
}

/// Chart margins shared by the line charts.
const MARGIN: u32 = 12;
const X_LABELS: u32 = 48;
const Y_LABELS: u32 = 64;
const CAPTION: u32 = 30;

/// Draws lines on one linear chart in the house style: nice ticks, lines never joined across
/// an onset, and a legend where it covers no data (with headroom added when no corner is
/// free).
pub(crate) fn line_chart(
    area: &Area,
    id: &str,
    title: &str,
    x_desc: &str,
    y_desc: &str,
    lines: &[Line],
) -> Result<(), Error> {
    let err = plot_error(id);
    let xs: Vec<&[f64]> = lines.iter().map(|l| l.x).collect();
    let ys: Vec<&[f64]> = lines.iter().map(|l| l.y).collect();
    let x_range = style::padded_range(&xs, 0.0);
    let y_range = style::padded_range(&ys, 0.05);
    let keys: Vec<style::Key> = lines
        .iter()
        .filter(|l| !l.label.is_empty())
        .map(|l| {
            if l.dots_only {
                style::Key::dot(l.label, l.color)
            } else {
                style::Key::line(l.label, l.stroke(), if l.dashed { 2 } else { 3 })
            }
        })
        .collect();
    let series: Vec<Vec<(f64, f64)>> = lines.iter().flat_map(|l| l.runs()).collect();
    let (w, h) = area.dim_in_pixel();
    let plot = (
        w as i32 - (Y_LABELS + 2 * MARGIN) as i32,
        h as i32 - (X_LABELS + CAPTION + 2 * MARGIN) as i32,
    );
    let y_range = style::headroom(&keys, plot, &x_range, &y_range, &series);
    let mut chart = ChartBuilder::on(area)
        .caption(title, style::label_font())
        .margin(MARGIN)
        .x_label_area_size(X_LABELS)
        .y_label_area_size(Y_LABELS)
        .build_cartesian_2d(
            style::axis_n(x_range, (plot.0 / 80).clamp(2, 8) as usize),
            style::axis_n(y_range, (plot.1 / 50).clamp(2, 8) as usize),
        )
        .map_err(&err)?;
    style::mesh(&mut chart, x_desc, y_desc)
        .draw()
        .map_err(&err)?;
    for l in lines {
        let stroke = l.stroke().stroke_width(if l.dashed { 2 } else { 3 });
        if !l.dots_only {
            for run in l.runs() {
                chart
                    .draw_series(LineSeries::new(run, stroke))
                    .map_err(&err)?;
            }
        }
        if l.dots || l.dots_only {
            let c = l.color;
            let size = if l.dots_only { 2 } else { 3 };
            chart
                .draw_series(
                    l.x.iter()
                        .zip(l.y)
                        .map(|(&x, &y)| Circle::new((x, y), size, c.filled())),
                )
                .map_err(&err)?;
        }
        if let Some(g) = l.gap {
            let c = l.color;
            chart
                .draw_series(std::iter::once(Circle::new((g, 0.0), 5, c.stroke_width(2))))
                .map_err(&err)?;
        }
    }
    style::legend(&chart, &keys, &series, id)?;
    Ok(())
}

fn fmt(x: f64) -> String {
    crate::data_csv::number(x)
}

/// A chart with a residual panel below it, sharing the x axis: `lines` on top, `residuals`
/// (simulation − theory) below.
#[allow(clippy::too_many_arguments)]
fn with_residuals(
    root: &Area,
    id: &str,
    title: &str,
    x_desc: &str,
    y_desc: &str,
    lines: &[Line],
    residual_desc: &str,
    residuals: &[Line],
) -> Result<(), Error> {
    let (_, h) = root.dim_in_pixel();
    let (top, bottom) = root.split_vertically((h as f64 * 0.62) as i32);
    line_chart(&top, id, title, x_desc, y_desc, lines)?;
    line_chart(
        &bottom,
        id,
        "residual (simulation − analytic)",
        x_desc,
        residual_desc,
        residuals,
    )
}

/// `a − b` elementwise.
fn minus(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(x, y)| x - y).collect()
}

/// LIF F-I curve: brian2-equivalent simulation and the continuous-time rate.
pub fn lif_fi(r: &LifFiResult) -> Result<Figure, Error> {
    const ID: &str = "fig:lif-fi";
    let alt = format!(
        "LIF firing rate against input v0 from 0 to {} mV: zero up to the threshold, then rising \
         steeply and concave, the simulated points following the analytic curve.",
        r.run.v0_mv.last().copied().unwrap_or(0.0)
    );
    let residual = minus(&r.run.rate_hz, &r.analytic_rate_hz);
    let svg = style::render_svg(ID, (style::WIDTH, style::HEIGHT + 240), &alt, |root| {
        with_residuals(
            &root,
            ID,
            "LIF F-I curve (brian2 IF_curve_LIF)",
            "v0 (mV)",
            "firing rate (Hz)",
            &[
                Line {
                    label: "simulated (exact update, dt grid)",
                    x: &r.run.v0_mv,
                    y: &r.run.rate_hz,
                    color: PALETTE[1],
                    dashed: false,
                    ..Default::default()
                },
                Line {
                    label: "analytic 1/(t_ref + τ ln(v0/(v0 − V_th)))",
                    x: &r.run.v0_mv,
                    y: &r.analytic_rate_hz,
                    color: PALETTE[3],
                    dashed: true,
                    ..Default::default()
                },
            ],
            "count/T − rate (Hz)",
            &[Line {
                x: &r.run.v0_mv,
                y: &residual,
                color: PALETTE[1],
                dots_only: true,
                ..Default::default()
            }],
        )
    })?;
    let rows = (0..r.run.v0_mv.len()).map(|i| {
        vec![
            fmt(r.run.v0_mv[i]),
            r.run.spike_count[i].to_string(),
            fmt(r.run.rate_hz[i]),
        ]
    });
    Ok(Figure {
        id: ID,
        file_stem: "lif_fi",
        caption:
            "F-I curve of the LIF model of brian2's `IF_curve_LIF` example, simulated as brian2 \
                  steps it, with the continuous-time rate (top), and the spike count over the \
                  run minus that rate (bottom)."
                .to_string(),
        alt,
        svg,
        csv: crate::data_csv::csv(&["v0_mv", "spike_count", "rate_hz"], rows),
    })
}

/// QIF F-I curve: Euler, RK4 and the analytic rate, with the large-threshold limit.
pub fn qif_fi(r: &QifFiResult, cfg: &Config) -> Result<Figure, Error> {
    const ID: &str = "fig:qif-fi";
    let q = &cfg.qif;
    let alt = "QIF firing rate against input V0: zero up to V0 = 0, then rising continuously from \
               zero like a square root; the RK4 curve lies on the analytic curve, the forward Euler \
               curve slightly off it, and the large-threshold limit sqrt(V0)/(pi tau) below both."
        .to_string();
    let euler_label = format!("forward Euler, dt = {} ms", q.dt_ms);
    let rk4_label = format!("RK4 + spike interpolation, dt = {} ms", q.dt_accurate_ms);
    let res_euler = minus(&r.rate_euler_hz, &r.rate_analytic_hz);
    let res_rk4 = minus(&r.rate_accurate_hz, &r.rate_analytic_hz);
    let svg = style::render_svg(ID, (style::WIDTH, style::HEIGHT + 240), &alt, |root| {
        with_residuals(
            &root,
            ID,
            "QIF F-I curve",
            "V0",
            "firing rate (Hz)",
            &[
                Line {
                    label: &euler_label,
                    x: &r.v0,
                    y: &r.rate_euler_hz,
                    color: PALETTE[0],
                    dashed: false,
                    ..Default::default()
                },
                Line {
                    label: &rk4_label,
                    x: &r.v0,
                    y: &r.rate_accurate_hz,
                    color: PALETTE[1],
                    dashed: false,
                    ..Default::default()
                },
                Line {
                    label: "analytic (separation of variables)",
                    x: &r.v0,
                    y: &r.rate_analytic_hz,
                    color: PALETTE[3],
                    dashed: true,
                    ..Default::default()
                },
                Line {
                    label: "limit √V0/(πτ)",
                    x: &r.v0,
                    y: &r.rate_limit_hz,
                    color: PALETTE[2],
                    dashed: true,
                    ..Default::default()
                },
            ],
            "rate error (Hz)",
            &[
                Line {
                    label: "forward Euler",
                    x: &r.v0,
                    y: &res_euler,
                    color: PALETTE[0],
                    dots_only: true,
                    ..Default::default()
                },
                Line {
                    label: "RK4 + interpolation",
                    x: &r.v0,
                    y: &res_rk4,
                    color: PALETTE[1],
                    ..Default::default()
                },
            ],
        )
    })?;
    let rows = (0..r.v0.len()).map(|i| {
        vec![
            fmt(r.v0[i]),
            fmt(q.v_reset),
            fmt(q.v_threshold),
            fmt(q.tau_ms),
            r.spike_count[i].to_string(),
            fmt(r.rate_euler_hz[i]),
            fmt(r.rate_accurate_hz[i]),
            fmt(r.rate_analytic_hz[i]),
        ]
    });
    Ok(Figure {
        id: ID,
        file_stem: "qif_fi",
        caption: "F-I curve of the QIF model: clock-driven forward Euler as brian2 would run it, \
                  RK4 with spike-time interpolation, the analytic curve, and its limit for \
                  $V_{th} \\to \\infty$, $V_r \\to -\\infty$ (top); the simulated rates minus \
                  the analytic rate (bottom)."
            .to_string(),
        alt,
        svg,
        csv: crate::data_csv::csv(
            &[
                "v0",
                "v_reset",
                "v_threshold",
                "tau_ms",
                "spike_count",
                "rate_euler_hz",
                "rate_accurate_hz",
                "rate_analytic_hz",
            ],
            rows,
        ),
    })
}

/// A fit evaluated on the data's inputs, with its residuals.
struct FittedCurves {
    relu: Vec<f64>,
    sig: Vec<f64>,
    relu_res: Vec<f64>,
    sig_res: Vec<f64>,
}

/// ReLU and sigmoid fits of each F-I curve (top) and their residuals (bottom), as figure
/// `id` with files `stem`.
pub fn fits(all: &[CurveFits], id: &'static str, stem: &'static str) -> Result<Figure, Error> {
    use crate::experiments::fits::shape_name;
    // Of each family, the fit the comparison may pick (not degenerate, no negative rate) with
    // the lowest RMS error: the fits the text compares.
    let shown: Vec<(&str, &str)> = all
        .iter()
        .map(|f| (f.best_of_family(true).shape, f.best_of_family(false).shape))
        .collect();
    let alt = all
        .iter()
        .zip(&shown)
        .map(|(f, (r, s))| {
            format!(
                "{}: {} RMSE {:.2} Hz, {} RMSE {:.2} Hz.",
                f.curve,
                shape_name(r),
                f.best_of_family(true).fit.rmse,
                shape_name(s),
                f.best_of_family(false).fit.rmse,
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    let alt = format!(
        "F-I curves with the best admissible ReLU and sigmoid fits, and the residuals below. {alt}"
    );
    let curves: Vec<FittedCurves> = all
        .iter()
        .zip(&shown)
        .map(|(f, (r, s))| {
            let relu: Vec<f64> = f.x.iter().map(|&x| f.predict(r, x)).collect();
            let sig: Vec<f64> = f.x.iter().map(|&x| f.predict(s, x)).collect();
            let relu_res = f.rate_hz.iter().zip(&relu).map(|(y, m)| y - m).collect();
            let sig_res = f.rate_hz.iter().zip(&sig).map(|(y, m)| y - m).collect();
            FittedCurves {
                relu,
                sig,
                relu_res,
                sig_res,
            }
        })
        .collect();
    let svg = style::render_svg(id, (style::WIDTH, 2 * style::HEIGHT - 60), &alt, |root| {
        let (top, bottom) = root.split_vertically((style::HEIGHT - 20) as i32);
        let tops = top.split_evenly((1, all.len()));
        let bottoms = bottom.split_evenly((1, all.len()));
        for (k, f) in all.iter().enumerate() {
            let FittedCurves {
                relu,
                sig,
                relu_res,
                sig_res,
            } = &curves[k];
            let title = format!("{} F-I curve and fits", f.curve);
            line_chart(
                &tops[k],
                id,
                &title,
                f.input_label,
                "rate (Hz)",
                &[
                    Line {
                        label: "data",
                        x: &f.x,
                        y: &f.rate_hz,
                        color: PALETTE[1],
                        dashed: false,
                        ..Default::default()
                    },
                    Line {
                        label: shape_name(shown[k].0),
                        x: &f.x,
                        y: relu,
                        color: PALETTE[0],
                        dashed: true,
                        ..Default::default()
                    },
                    Line {
                        label: shape_name(shown[k].1),
                        x: &f.x,
                        y: sig,
                        color: PALETTE[4],
                        dashed: true,
                        ..Default::default()
                    },
                ],
            )?;
            line_chart(
                &bottoms[k],
                id,
                "residual (data − fit)",
                f.input_label,
                "residual (Hz)",
                &[
                    Line {
                        label: "ReLU",
                        x: &f.x,
                        y: relu_res,
                        color: PALETTE[0],
                        dashed: false,
                        ..Default::default()
                    },
                    Line {
                        label: "sigmoid",
                        x: &f.x,
                        y: sig_res,
                        color: PALETTE[4],
                        dashed: false,
                        ..Default::default()
                    },
                ],
            )?;
        }
        Ok(())
    })?;
    let mut rows = Vec::new();
    for ((f, FittedCurves { relu, sig, .. }), (r, s)) in all.iter().zip(&curves).zip(&shown) {
        for i in 0..f.x.len() {
            rows.push(vec![
                f.curve.to_string(),
                fmt(f.x[i]),
                fmt(f.rate_hz[i]),
                r.to_string(),
                fmt(relu[i]),
                s.to_string(),
                fmt(sig[i]),
            ]);
        }
    }
    Ok(Figure {
        id,
        file_stem: stem,
        caption: "Of the least-squares fits of $a\\max(x-c,0)$ (ReLU) and $a/(1+e^{-(x-c)/s})$ \
                  (sigmoid), each with or without an offset $d$, the one of each family the \
                  comparison may pick (not running off to a limit, no negative rate) with the \
                  lowest RMS error, over the F-I curves (top), and the residuals (bottom)."
            .to_string(),
        alt,
        svg,
        csv: crate::data_csv::csv(
            &[
                "curve",
                "x",
                "rate_hz",
                "relu_shape",
                "relu_hz",
                "sigmoid_shape",
                "sigmoid_hz",
            ],
            rows,
        ),
    })
}

/// Log-log plot of the rate error against dt for the three methods on the same grids: forward
/// Euler and RK4 with threshold and reset on the grid, and Euler with an interpolated
/// crossing, with reference slopes 1 and 2 through the finest step.
pub fn convergence(r: &QifFiResult) -> Result<Figure, Error> {
    const ID: &str = "fig:qif-convergence";
    let err = plot_error(ID);
    let dts: Vec<f64> = r.convergence.iter().map(|c| c.dt_ms).collect();
    let methods: [(&str, Vec<f64>, RGBColor); 3] = [
        (
            "forward Euler, on the grid",
            r.convergence.iter().map(|c| c.rms_relative_error).collect(),
            PALETTE[0],
        ),
        (
            "RK4, on the grid",
            r.convergence
                .iter()
                .map(|c| c.rk4_grid_rms_relative_error)
                .collect(),
            PALETTE[1],
        ),
        (
            "Euler, interpolated crossing",
            r.convergence
                .iter()
                .map(|c| c.euler_interpolated_rms_relative_error)
                .collect(),
            PALETTE[2],
        ),
    ];
    let local = |errs: &[f64]| -> String {
        dts.windows(2)
            .zip(errs.windows(2))
            .map(|(d, e)| format!("{:.2}", (e[1] / e[0]).ln() / (d[1] / d[0]).ln()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let alt = format!(
        "Log-log plot of the RMS relative rate error against the time step for three methods. \
         Local slopes between successive steps: forward Euler on the grid {}; RK4 on the grid \
         {}; Euler with an interpolated crossing {}. Dotted reference lines of slope 1 and 2 \
         pass through the finest step.",
        local(&methods[0].1),
        local(&methods[1].1),
        local(&methods[2].1),
    );
    let svg = style::render_svg(ID, (style::WIDTH, style::HEIGHT + 40), &alt, |root| {
        let positive = |v: &&f64| v.is_finite() && **v > 0.0;
        let all: Vec<f64> = methods.iter().flat_map(|m| m.1.iter().copied()).collect();
        let (dlo, dhi) = (
            dts.iter()
                .filter(positive)
                .cloned()
                .fold(f64::INFINITY, f64::min),
            dts.iter().cloned().fold(0.0, f64::max),
        );
        let (elo, ehi) = (
            all.iter()
                .filter(positive)
                .cloned()
                .fold(f64::INFINITY, f64::min),
            all.iter().cloned().fold(0.0, f64::max),
        );
        let x_range = style::log_range(dlo, dhi, 1.3);
        let y_range = style::log_range(elo, ehi, 1.5);
        // Reference lines through the finest step of the first and the last method.
        let finest = dts.len().saturating_sub(1);
        let d0 = dts.get(finest).copied().unwrap_or(1.0);
        let mut series: Vec<Vec<(f64, f64)>> = methods
            .iter()
            .map(|m| {
                dts.iter()
                    .copied()
                    .zip(m.1.iter().copied())
                    .filter(|&(d, e)| d > 0.0 && e > 0.0)
                    .collect()
            })
            .collect();
        let e1 = methods[0].1.get(finest).copied().unwrap_or(1.0);
        let e2 = methods[2].1.get(finest).copied().unwrap_or(1.0);
        let guides = [(1.0, e1, "slope 1"), (2.0, e2, "slope 2")];
        let guide_lines: Vec<Vec<(f64, f64)>> = guides
            .iter()
            .map(|g| {
                // Densely sampled so that a legend is never placed across a guide.
                let x0 = x_range.start.ln();
                let x1 = x_range.end.ln();
                (0..=40)
                    .map(|k| (x0 + (x1 - x0) * k as f64 / 40.0).exp())
                    .map(|d| (d, g.1 * (d / d0).powf(g.0)))
                    .filter(|&(_, y)| y >= y_range.start && y <= y_range.end)
                    .collect()
            })
            .collect();
        series.extend(guide_lines.iter().cloned());
        let mut chart = ChartBuilder::on(&root)
            .caption("Rate error against time step", style::label_font())
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(72)
            .build_cartesian_2d(style::log_axis(x_range), style::log_axis(y_range))
            .map_err(&err)?;
        style::mesh(&mut chart, "dt (ms)", "RMS relative error")
            .draw()
            .map_err(&err)?;
        let mut keys = Vec::new();
        for (k, (label, _, c)) in methods.iter().enumerate() {
            let c = *c;
            chart
                .draw_series(LineSeries::new(series[k].clone(), c.stroke_width(3)))
                .map_err(&err)?;
            chart
                .draw_series(series[k].iter().map(|&p| Circle::new(p, 5, c.filled())))
                .map_err(&err)?;
            keys.push(style::Key::line(*label, c, 3));
        }
        let ink = style::dotted(style::INK);
        for (g, line) in guides.iter().zip(&guide_lines) {
            let pen = if g.0 < 1.5 {
                ink
            } else {
                style::dashed(style::INK)
            };
            chart
                .draw_series(LineSeries::new(line.clone(), pen.stroke_width(2)))
                .map_err(&err)?;
            keys.push(style::Key::line(g.2, pen, 2));
        }
        style::legend(&chart, &keys, &series, ID)?;
        Ok(())
    })?;
    let rows = r.convergence.iter().map(|c| {
        vec![
            fmt(c.dt_ms),
            fmt(c.rms_relative_error),
            fmt(c.max_abs_error_hz),
            fmt(c.rms_relative_error),
            fmt(c.rk4_grid_rms_relative_error),
            fmt(c.euler_interpolated_rms_relative_error),
        ]
    });
    Ok(Figure {
        id: ID,
        file_stem: "qif_convergence",
        caption: "Convergence of the clock-driven QIF simulation: RMS relative rate error \
                  against the analytic curve, for forward Euler and RK4 with threshold and reset \
                  on the time grid, and for Euler with the threshold crossing interpolated \
                  between steps. Dotted: slope 1; dashed: slope 2, both through the finest step."
            .to_string(),
        alt,
        svg,
        csv: crate::data_csv::csv(
            &[
                "dt_ms",
                "rms_relative_error",
                "max_abs_error_hz",
                "euler_rms_rel_error",
                "rk4_grid_rms_rel_error",
                "euler_interp_rms_rel_error",
            ],
            rows,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::experiments::qif_fi::ConvergencePoint;

    #[test]
    fn convergence_figure_survives_errors_of_zero() {
        // A method that is exact at every step gives errors of 0, which a log axis cannot
        // show; the figure must still be drawn (plotters loops forever on a log axis from 0).
        let point = |dt_ms| ConvergencePoint {
            dt_ms,
            rms_relative_error: 0.0,
            max_abs_error_hz: 0.0,
            rk4_grid_rms_relative_error: 0.0,
            euler_interpolated_rms_relative_error: 0.0,
        };
        let r = QifFiResult {
            v0: vec![1.0],
            spike_count: vec![1],
            rate_euler_hz: vec![1.0],
            rate_accurate_hz: vec![1.0],
            rate_analytic_hz: vec![1.0],
            rate_limit_hz: vec![1.0],
            compared_inputs: 1,
            method_errors: Vec::new(),
            convergence: vec![point(0.2), point(0.1)],
            observed_order: f64::NAN,
            other_reset: None,
            asymptotic_order: f64::NAN,
            far: crate::experiments::lif_fi::FarInput {
                v0: 1.0,
                simulated_hz: 1.0,
                analytic_hz: 1.0,
                duration_ms: 1.0,
            },
        };
        let f = convergence(&r).unwrap();
        assert!(f.svg.contains("</svg>"));
    }
}
