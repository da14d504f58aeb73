//! Figures of homework part 2 about training: loss curves, and the distribution of
//! outcomes over restarts.

use super::Figure;
use super::style::{self, PALETTE, plot_error};
use crate::error::Error;
use crate::experiments::mlp::{MlpResult, Restart};
use plotters::prelude::*;

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

fn fmt(x: f64) -> String {
    x.to_string()
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
    let mut curves: Vec<(String, &Restart, RGBColor)> = Vec::new();
    if let Some(g) = r.small.first_good() {
        curves.push((
            format!("{} units, restart {} (good)", r.small.hidden, g.restart),
            g,
            PALETTE[0],
        ));
    }
    if let Some(f) = r.small.first_failed() {
        curves.push((
            format!("{} units, restart {} (failed)", r.small.hidden, f.restart),
            f,
            PALETTE[4],
        ));
    }
    let wide = r.wide.first_good().unwrap_or(&r.wide.restarts[0]);
    curves.push((
        format!("{} units, restart {}", r.wide.hidden, wide.restart),
        wide,
        PALETTE[2],
    ));
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
    let svg = style::render_svg(ID, (style::WIDTH, style::HEIGHT), &alt, |root| {
        let err = plot_error(ID);
        let mut chart = ChartBuilder::on(&root)
            .caption("Training loss", style::label_font())
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(72)
            .build_cartesian_2d(
                (1.0..max_epochs as f64).log_scale(),
                style::log_range(lo, hi, 2.0).log_scale(),
            )
            .map_err(&err)?;
        style::mesh(&mut chart, "epoch + 1", "mean logistic loss")
            .x_label_formatter(&|x| format!("{x}"))
            .y_label_formatter(&|y| format!("{y:.0e}"))
            .draw()
            .map_err(&err)?;
        for (label, restart, color) in &curves {
            let lc = &restart.trained.loss_curve;
            let pts: Vec<(f64, f64)> = sample_epochs(lc.len())
                .into_iter()
                .map(|e| ((e + 1) as f64, lc[e]))
                .collect();
            let c = *color;
            chart
                .draw_series(LineSeries::new(pts, c.stroke_width(3)))
                .map_err(&err)?
                .label(label.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 22, y)], c.stroke_width(3))
                });
        }
        style::draw_legend(&mut chart, SeriesLabelPosition::LowerLeft, ID)?;
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
        csv: style::csv(&["network", "epoch", "train_loss"], rows),
    })
}

/// Overlaid histograms of one statistic for both widths.
fn histogram_panel(
    area: &Area,
    id: &str,
    title: &str,
    x_desc: &str,
    edges: &[f64],
    series: &[(String, Vec<f64>, RGBColor)],
    label_fmt: &dyn Fn(&f64) -> String,
) -> Result<(), Error> {
    let err = plot_error(id);
    let counts: Vec<Vec<usize>> = series
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
            c
        })
        .collect();
    let top = counts.iter().flatten().copied().max().unwrap_or(1).max(1) as f64;
    let mut chart = ChartBuilder::on(area)
        .caption(title, style::label_font())
        .margin(10)
        .x_label_area_size(48)
        .y_label_area_size(56)
        .build_cartesian_2d(edges[0]..edges[edges.len() - 1], 0.0..top * 1.15)
        .map_err(&err)?;
    style::mesh(&mut chart, x_desc, "restarts")
        .disable_x_mesh()
        .x_label_formatter(label_fmt)
        .y_label_formatter(&|y| format!("{y:.0}"))
        .draw()
        .map_err(&err)?;
    let n = series.len() as f64;
    for (s, ((label, _, color), c)) in series.iter().zip(&counts).enumerate() {
        let color = *color;
        chart
            .draw_series(
                c.iter()
                    .enumerate()
                    .filter(|(_, k)| **k > 0)
                    .map(|(b, &k)| {
                        let w = (edges[b + 1] - edges[b]) / n;
                        let x0 = edges[b] + s as f64 * w;
                        Rectangle::new([(x0, 0.0), (x0 + w, k as f64)], color.filled())
                    }),
            )
            .map_err(&err)?
            .label(label.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], color.filled()));
    }
    style::draw_legend(&mut chart, SeriesLabelPosition::UpperLeft, id)?;
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
        "Two histograms over restarts. Final training loss: the {} -unit restarts spread over \
         several decades with a separate group of failures, the {}-unit restarts all in one narrow \
         group of small losses. Test accuracy: most restarts at 1.0 for both widths, failures of the \
         small network between about 0.4 and 0.95.",
        r.small.hidden, r.wide.hidden
    );
    let svg = style::render_svg(ID, (style::WIDTH, style::HEIGHT), &alt, |root| {
        let halves = root.split_evenly((1, 2));
        histogram_panel(
            &halves[0],
            ID,
            "Final training loss",
            "loss (log scale)",
            &loss_edges,
            &log_loss,
            &|x| {
                if (x - x.round()).abs() < 1e-9 {
                    format!("1e{}", x.round())
                } else {
                    String::new()
                }
            },
        )?;
        histogram_panel(
            &halves[1],
            ID,
            "Test accuracy",
            "test accuracy",
            &acc_edges,
            &acc,
            &|x| format!("{x:.2}"),
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
            ]);
        }
    }
    Ok(Figure {
        id: ID,
        file_stem: "mlp_restarts",
        caption:
            "Outcomes over all restarts: final training loss (left, logarithmic bins) and test \
                  accuracy (right), for both widths."
                .to_string(),
        alt,
        svg,
        csv: style::csv(
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
            ],
            rows,
        ),
    })
}
