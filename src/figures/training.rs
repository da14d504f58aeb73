//! Figures of homework part 2 about training: loss curves, and the distribution of
//! outcomes over restarts.

use super::Figure;
use super::style::{self, PALETTE, plot_error};
use crate::error::Error;
use crate::experiments::mlp::{MlpResult, Restart};
use plotters::prelude::*;

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn fmt(x: f64) -> String {
    crate::data_csv::number(x)
}

/// Epochs at which a loss curve is drawn: all of the first 100, then about 200 log-spaced.
fn sample_epochs(len: usize) -> Vec<usize> {
    let mut e: Vec<usize> = (0..len.min(100)).collect();
    let mut k = 100.0_f64;
    while (k as usize) < len {
        e.push(k as usize);
        k *= 1.02;
    }
    e.push(len - 1);
    e.dedup();
    e
}

/// Training loss against epoch for the networks of the decision-region figure.
pub fn loss_curves(r: &MlpResult) -> Result<Figure, Error> {
    const ID: &str = "fig:mlp-loss";
    let colors = [PALETTE[0], PALETTE[4], PALETTE[2]];
    let curves: Vec<(String, &Restart, RGBColor)> = r
        .shown
        .iter()
        .enumerate()
        .map(|(k, s)| (s.title.clone(), r.restart(s), colors[k % colors.len()]))
        .collect();
    let alt = format!(
        "Training loss on a logarithmic scale against epoch, also logarithmic, for {}.",
        curves
            .iter()
            .map(|c| c.0.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let max_epochs = r.small.epochs.max(r.wide.epochs) + 1;
    let (lo, hi) = curves
        .iter()
        .flat_map(|c| c.1.trained.loss_curve.iter())
        .fold((f64::INFINITY, 0.0_f64), |(a, b), &l| (a.min(l), b.max(l)));
    let series: Vec<Vec<(f64, f64)>> = curves
        .iter()
        .map(|(_, restart, _)| {
            let lc = &restart.trained.loss_curve;
            sample_epochs(lc.len())
                .into_iter()
                .map(|e| ((e + 1) as f64, lc[e]))
                .collect()
        })
        .collect();
    let svg = style::render_svg(ID, (style::WIDTH, style::HEIGHT), &alt, |root| {
        let err = plot_error(ID);
        let mut chart = ChartBuilder::on(&root)
            .caption("Training loss", style::label_font())
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(72)
            .build_cartesian_2d(
                style::log_axis(1.0..max_epochs as f64),
                style::log_axis(style::log_range(lo, hi, 2.0)),
            )
            .map_err(&err)?;
        style::mesh(&mut chart, "epoch + 1", "mean logistic loss")
            .draw()
            .map_err(&err)?;
        let mut keys = Vec::new();
        for ((label, _, color), pts) in curves.iter().zip(&series) {
            let c = *color;
            chart
                .draw_series(LineSeries::new(pts.clone(), c.stroke_width(3)))
                .map_err(&err)?;
            keys.push(style::Key::line(label.as_str(), c, 3));
        }
        style::legend(&chart, &keys, &series, ID)?;
        Ok(())
    })?;
    let mut rows = Vec::new();
    for (label, restart, _) in &curves {
        let lc = &restart.trained.loss_curve;
        for e in sample_epochs(lc.len()) {
            rows.push(vec![label.clone(), e.to_string(), fmt(lc[e])]);
        }
    }
    Ok(Figure {
        id: ID,
        file_stem: "mlp_loss",
        caption:
            "Mean training loss against epoch (both axes logarithmic) for the networks of the \
                  decision-region figure."
                .to_string(),
        alt,
        svg,
        csv: crate::data_csv::csv(&["network", "epoch", "train_loss"], rows),
    })
}

/// Side-by-side histograms of one statistic for both widths, as fractions of each width's
/// restarts (the widths have different numbers of restarts). With `log_x`, the edges are
/// powers of ten of `edges`.
#[allow(clippy::too_many_arguments)]
fn histogram_panel(
    area: &Area,
    id: &str,
    title: &str,
    x_desc: &str,
    edges: &[f64],
    log_x: bool,
    series: &[(String, Vec<f64>, RGBColor)],
) -> Result<(), Error> {
    let err = plot_error(id);
    let fractions: Vec<Vec<f64>> = series
        .iter()
        .map(|(_, values, _)| {
            let mut c = vec![0usize; edges.len() - 1];
            for &v in values {
                let k = edges
                    .windows(2)
                    .position(|w| v >= w[0] && v < w[1])
                    .unwrap_or(edges.len() - 2);
                c[k] += 1;
            }
            let n = values.len().max(1) as f64;
            c.into_iter().map(|k| k as f64 / n).collect()
        })
        .collect();
    let to_x = |e: f64| if log_x { 10f64.powf(e) } else { e };
    let n = series.len() as f64;
    // Bars as (x0, x1, height), and their outlines as data the legend must not cover.
    let bars: Vec<Vec<(f64, f64, f64)>> = fractions
        .iter()
        .enumerate()
        .map(|(s, f)| {
            f.iter()
                .enumerate()
                .filter(|(_, h)| **h > 0.0)
                .map(|(b, &h)| {
                    let w = (edges[b + 1] - edges[b]) / n;
                    let x0 = edges[b] + s as f64 * w;
                    (to_x(x0), to_x(x0 + w), h)
                })
                .collect()
        })
        .collect();
    let outlines: Vec<Vec<(f64, f64)>> = bars
        .iter()
        .flatten()
        .map(|&(x0, x1, h)| vec![(x0, 0.0), (x0, h), (x1, h), (x1, 0.0)])
        .collect();
    let keys: Vec<style::Key> = series
        .iter()
        .map(|(label, _, c)| style::Key {
            label: label.clone(),
            sample: style::Sample::Patch(*c, 1.0),
        })
        .collect();
    let top = fractions
        .iter()
        .flatten()
        .copied()
        .fold(0.0, f64::max)
        .max(0.1);
    let x_range = to_x(edges[0])..to_x(edges[edges.len() - 1]);
    let (w, h) = area.dim_in_pixel();
    let plot = (w as i32 - 76, h as i32 - 98);
    let y_range = if log_x {
        // Headroom is computed on a linear stand-in of the log axis.
        let lin: Vec<Vec<(f64, f64)>> = outlines
            .iter()
            .map(|p| p.iter().map(|&(x, y)| (x.log10(), y)).collect())
            .collect();
        style::headroom(
            &keys,
            plot,
            &(edges[0]..edges[edges.len() - 1]),
            &(0.0..top * 1.05),
            &lin,
        )
    } else {
        style::headroom(&keys, plot, &x_range, &(0.0..top * 1.05), &outlines)
    };
    let mut cb = ChartBuilder::on(area);
    cb.caption(title, style::label_font())
        .margin(10)
        .x_label_area_size(48)
        .y_label_area_size(56);
    macro_rules! draw {
        ($x_axis:expr) => {{
            let mut chart = cb
                .build_cartesian_2d($x_axis, style::axis_n(y_range.clone(), 5))
                .map_err(&err)?;
            style::mesh(&mut chart, x_desc, "fraction of restarts")
                .disable_x_mesh()
                .draw()
                .map_err(&err)?;
            for (bars, (_, _, color)) in bars.iter().zip(series) {
                let color = *color;
                chart
                    .draw_series(
                        bars.iter().map(|&(x0, x1, h)| {
                            Rectangle::new([(x0, 0.0), (x1, h)], color.filled())
                        }),
                    )
                    .map_err(&err)?;
            }
            style::legend(&chart, &keys, &outlines, id)?;
        }};
    }
    if log_x {
        draw!(style::log_axis(x_range));
    } else {
        draw!(style::axis_n(x_range, 5));
    }
    Ok(())
}

/// Histograms of the final training loss and the test accuracy over restarts, both widths.
pub fn restarts(r: &MlpResult) -> Result<Figure, Error> {
    const ID: &str = "fig:mlp-restarts";
    let widths = [(&r.small, PALETTE[0]), (&r.wide, PALETTE[2])];
    let log_loss: Vec<(String, Vec<f64>, RGBColor)> = widths
        .iter()
        .map(|(w, c)| {
            (
                format!("{} units ({} restarts)", w.hidden, w.restarts.len()),
                w.restarts
                    .iter()
                    .map(|x| x.final_train_loss.max(1e-12).log10())
                    .collect(),
                *c,
            )
        })
        .collect();
    let acc: Vec<(String, Vec<f64>, RGBColor)> = widths
        .iter()
        .map(|(w, c)| {
            (
                format!("{} units", w.hidden),
                w.restarts.iter().map(|x| x.test_accuracy).collect(),
                *c,
            )
        })
        .collect();
    let lo = log_loss
        .iter()
        .flat_map(|s| s.1.iter())
        .cloned()
        .fold(f64::INFINITY, f64::min)
        .floor();
    let hi = log_loss
        .iter()
        .flat_map(|s| s.1.iter())
        .cloned()
        .fold(f64::NEG_INFINITY, f64::max)
        .ceil()
        .max(lo + 1.0);
    let loss_edges: Vec<f64> = (0..=((hi - lo) * 4.0) as usize)
        .map(|k| lo + 0.25 * k as f64)
        .collect();
    let acc_edges: Vec<f64> = (0..=13).map(|k| 0.35 + 0.05 * f64::from(k)).collect();
    let alt = format!(
        "Two histograms over restarts, as fractions of each width's restarts. Final training \
         loss: the {}-unit restarts spread over several decades with a separate group of \
         failures, the {}-unit restarts all in one narrow group of small losses. Test accuracy: \
         most restarts at 1.0 for both widths, failures of the small network lower.",
        r.small.hidden, r.wide.hidden
    );
    let svg = style::render_svg(ID, (style::WIDTH, style::HEIGHT), &alt, |root| {
        let halves = root.split_evenly((1, 2));
        histogram_panel(
            &halves[0],
            ID,
            "Final training loss",
            "final training loss",
            &loss_edges,
            true,
            &log_loss,
        )?;
        histogram_panel(
            &halves[1],
            ID,
            "Test accuracy",
            "test accuracy",
            &acc_edges,
            false,
            &acc,
        )
    })?;
    let mut rows = Vec::new();
    for (w, _) in widths {
        for x in &w.restarts {
            rows.push(vec![
                w.hidden.to_string(),
                x.restart.to_string(),
                x.seed.to_string(),
                w.epochs.to_string(),
                fmt(x.final_train_loss),
                fmt(x.train_accuracy),
                fmt(x.test_accuracy),
                x.verdict.id().to_string(),
                x.dead_units.to_string(),
                x.epochs_to_good_loss
                    .map_or_else(String::new, |e| e.to_string()),
                x.margin.map_or_else(String::new, fmt),
            ]);
        }
    }
    Ok(Figure {
        id: ID,
        file_stem: "mlp_restarts",
        caption:
            "Outcomes over all restarts, as the fraction of each width's restarts in each bin: \
                  final training loss (left, logarithmic bins) and test accuracy (right)."
                .to_string(),
        alt,
        svg,
        csv: crate::data_csv::csv(
            &[
                "hidden_units",
                "restart",
                "seed",
                "epochs",
                "final_train_loss",
                "train_accuracy",
                "test_accuracy",
                "outcome",
                "dead_units",
                "epochs_to_bound",
                "margin",
            ],
            rows,
        ),
    })
}
