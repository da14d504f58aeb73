//! Figures of homework part 2 about the data: the circles data set, and the decision regions
//! of trained networks drawn over it.

use super::Figure;
use super::style::{self, PALETTE, plot_error};
use crate::config::CirclesConfig;
use crate::error::Error;
use crate::experiments::mlp::{MlpResult, Shown, extent};
use crate::ml::mlp::Mlp;
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// Colours of class 0 (outer circle) and class 1 (inner circle).
const CLASS: [RGBColor; 2] = [PALETTE[1], PALETTE[3]];

/// Opacity of the decision-region shading.
const REGION_ALPHA: f64 = 0.25;

fn fmt(x: f64) -> String {
    crate::data_csv::number(x)
}

/// The legend of the scatter plots: classes as colours, splits as markers.
fn point_keys() -> Vec<style::Key> {
    let mut keys = Vec::new();
    for class in [0usize, 1] {
        keys.push(style::Key {
            label: format!("train, class {class}"),
            sample: style::Sample::Dot(CLASS[class]),
        });
        keys.push(style::Key {
            label: format!("test, class {class}"),
            sample: style::Sample::Triangle(CLASS[class]),
        });
    }
    keys
}

/// Most points of one split drawn in a scatter plot; larger splits are thinned to every k-th
/// point (the CSV keeps them all), so a million-point data set does not make a 250 MB page.
pub const MAX_DRAWN_POINTS: usize = 2000;

/// The stride that thins `n` points to at most [`MAX_DRAWN_POINTS`].
pub fn thinning_stride(n: usize) -> usize {
    n.div_ceil(MAX_DRAWN_POINTS).max(1)
}

/// Draws train points (filled circles) and test points (open triangles) by class, thinned to
/// every [`thinning_stride`]-th point of each split.
fn draw_points<DB: DrawingBackend>(
    chart: &mut ChartContext<
        '_,
        DB,
        Cartesian2d<style::Ticked<RangedCoordf64>, style::Ticked<RangedCoordf64>>,
    >,
    r: &MlpResult,
    id: &str,
) -> Result<(), Error> {
    let err = plot_error(id);
    for class in [0u8, 1] {
        let color = CLASS[class as usize];
        let train = r
            .split
            .train
            .iter()
            .step_by(thinning_stride(r.split.train.len()))
            .filter(|&&i| r.data.y[i] == class)
            .map(|&i| r.data.x[i]);
        chart
            .draw_series(train.map(|p| Circle::new((p[0], p[1]), 3, color.filled())))
            .map_err(&err)?;
        let test: Vec<[f64; 2]> = r
            .split
            .test
            .iter()
            .step_by(thinning_stride(r.split.test.len()))
            .filter(|&&i| r.data.y[i] == class)
            .map(|&i| r.data.x[i])
            .collect();
        chart
            .draw_series(
                test.iter()
                    .map(|p| TriangleMarker::new((p[0], p[1]), 5, color.filled())),
            )
            .map_err(&err)?;
    }
    Ok(())
}

/// The data set, train and test marked differently.
pub fn circles(r: &MlpResult, c: &CirclesConfig) -> Result<Figure, Error> {
    const ID: &str = "fig:circles";
    let stride = thinning_stride(r.split.train.len()).max(thinning_stride(r.split.test.len()));
    let thinned = if stride > 1 {
        format!(" (every {stride}th point of each split is drawn; the data file has them all)")
    } else {
        String::new()
    };
    let alt = format!(
        "Scatter plot of the {} points: class 0 on a ring of radius 1, class 1 on a ring of \
         radius {} (the factor), each blurred by the noise; {} training points drawn as filled \
         circles and {} test points as triangles{thinned}.",
        r.data.x.len(),
        fmt(c.factor),
        r.split.train.len(),
        r.split.test.len()
    );
    let title = format!(
        "make_circles({}, factor={}, noise={})",
        c.n_samples,
        fmt(c.factor),
        fmt(c.noise)
    );
    let (lo, hi) = extent(&r.data);
    let svg = style::render_svg(ID, (560, 560), &alt, |root| {
        let err = plot_error(ID);
        let (plot, key) = root.split_vertically(520);
        let mut chart = ChartBuilder::on(&plot)
            .caption(&title, style::label_font())
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(52)
            .build_cartesian_2d(style::axis_n(lo..hi, 5), style::axis_n(lo..hi, 5))
            .map_err(&err)?;
        style::mesh(&mut chart, "x0", "x1")
            .disable_mesh()
            .draw()
            .map_err(&err)?;
        draw_points(&mut chart, r, ID)?;
        style::legend_row(&key, &point_keys(), ID)
    })?;
    let mut rows = Vec::new();
    for (split, idx) in [("train", &r.split.train), ("test", &r.split.test)] {
        for &i in idx.iter() {
            rows.push(vec![
                split.to_string(),
                i.to_string(),
                fmt(r.data.x[i][0]),
                fmt(r.data.x[i][1]),
                r.data.y[i].to_string(),
            ]);
        }
    }
    Ok(Figure {
        id: ID,
        file_stem: "circles",
        caption: format!(
            "The homework's data set, reproduced bit for bit from scikit-learn: \
             `make_circles(n_samples={}, factor={}, noise={}, random_state={})` split by \
             `train_test_split(X, y, test_size={}, stratify=y, random_state={})`{thinned}.",
            c.n_samples,
            fmt(c.factor),
            fmt(c.noise),
            c.random_state,
            fmt(c.test_size),
            c.split_random_state
        ),
        alt,
        svg,
        csv: crate::data_csv::csv(&["split", "index", "x0", "x1", "label"], rows),
    })
}

/// One panel of decision regions: the predicted class on a grid, merged into runs per row.
fn region_panel(
    area: &Area,
    id: &str,
    shown: &Shown,
    net: &Mlp,
    r: &MlpResult,
    resolution: usize,
) -> Result<(), Error> {
    let err = plot_error(id);
    let (lo, hi) = extent(&r.data);
    let mut chart = ChartBuilder::on(area)
        .caption(&shown.title, style::label_font())
        .margin(8)
        .x_label_area_size(40)
        .y_label_area_size(48)
        .build_cartesian_2d(style::axis_n(lo..hi, 4), style::axis_n(lo..hi, 4))
        .map_err(&err)?;
    style::mesh(&mut chart, "x0", "x1")
        .disable_mesh()
        .draw()
        .map_err(&err)?;
    let cell = (hi - lo) / resolution as f64;
    let mut scratch = vec![0.0; net.hidden];
    let mut rects = Vec::new();
    for row in 0..resolution {
        let y = lo + (row as f64 + 0.5) * cell;
        let mut start = 0;
        let mut class = net.logit_with([lo + 0.5 * cell, y], &mut scratch) > 0.0;
        for col in 1..=resolution {
            let c = col < resolution
                && (net.logit_with([lo + (col as f64 + 0.5) * cell, y], &mut scratch) > 0.0);
            if col == resolution || c != class {
                let x0 = lo + start as f64 * cell;
                let x1 = lo + col as f64 * cell;
                rects.push(([(x0, y - 0.5 * cell), (x1, y + 0.5 * cell)], class));
                start = col;
                class = c;
            }
        }
    }
    chart
        .draw_series(rects.into_iter().map(|(corners, class)| {
            Rectangle::new(
                corners,
                CLASS[usize::from(class)].mix(REGION_ALPHA).filled(),
            )
        }))
        .map_err(&err)?;
    draw_points(&mut chart, r, id)?;
    // The exact boundary, chained into polylines where pieces meet.
    let mut lines: Vec<Vec<(f64, f64)>> = Vec::new();
    for [p, q] in &shown.boundary.pieces {
        match lines.last_mut() {
            Some(l) if l.last() == Some(&(p[0], p[1])) => l.push((q[0], q[1])),
            _ => lines.push(vec![(p[0], p[1]), (q[0], q[1])]),
        }
    }
    for l in lines {
        chart
            .draw_series(LineSeries::new(l, style::INK.stroke_width(2)))
            .map_err(&err)?;
    }
    Ok(())
}

fn network_rows(rows: &mut Vec<Vec<String>>, name: &str, net: &Mlp) {
    let h = net.hidden;
    for j in 0..h {
        let p = &net.params;
        rows.push(vec![
            name.to_string(),
            j.to_string(),
            fmt(p[j]),
            fmt(p[h + j]),
            fmt(p[2 * h + j]),
            fmt(p[3 * h + j]),
            fmt(p[4 * h]),
        ]);
    }
}

/// Decision regions of the networks chosen by the experiment (first good and first failed
/// small network, the wide one), each with its exact boundary.
pub fn decision_regions(r: &MlpResult, resolution: usize) -> Result<Figure, Error> {
    const ID: &str = "fig:decision-regions";
    let alt = format!(
        "Decision regions over the data, {} panels, each with its exact boundary drawn as a solid \
         line: {}.",
        r.shown.len(),
        r.shown
            .iter()
            .map(|s| {
                if s.boundary.pieces.is_empty() {
                    format!(
                        "{}: one class everywhere, no boundary inside the plot",
                        s.title
                    )
                } else {
                    format!(
                        "{}: {} straight edges, {} bend{}, margin {:.3}",
                        s.title,
                        s.boundary.pieces.len(),
                        s.boundary.bends,
                        if s.boundary.bends == 1 { "" } else { "s" },
                        s.margin
                    )
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    );
    let width = 360 * r.shown.len().max(1) as u32;
    let svg = style::render_svg(ID, (width, 440), &alt, |root| {
        let (plots, key) = root.split_vertically(380);
        let areas = plots.split_evenly((1, r.shown.len().max(1)));
        for (area, shown) in areas.iter().zip(&r.shown) {
            region_panel(area, ID, shown, r.net(shown), r, resolution)?;
        }
        let mut keys = vec![
            style::Key {
                label: "predicted class 0".into(),
                sample: style::Sample::Patch(CLASS[0], REGION_ALPHA),
            },
            style::Key {
                label: "predicted class 1".into(),
                sample: style::Sample::Patch(CLASS[1], REGION_ALPHA),
            },
            style::Key::line("boundary", style::INK, 2),
        ];
        keys.extend(point_keys());
        style::legend_row(&key, &keys, ID)
    })?;
    let mut rows = Vec::new();
    for shown in &r.shown {
        network_rows(&mut rows, &shown.title, r.net(shown));
    }
    Ok(Figure {
        id: ID,
        file_stem: "mlp_decision_regions",
        caption: "Decision regions (shaded by predicted class) with the training points (circles) \
                  and test points (triangles), and each network's exact decision boundary (solid \
                  line), traced cell by cell through its linear regions. The data file holds the \
                  parameters of the networks, from which regions and boundaries can be \
                  recomputed."
            .to_string(),
        alt,
        svg,
        csv: crate::data_csv::csv(
            &[
                "network", "unit", "w_x0", "w_x1", "b_hidden", "w_out", "b_out",
            ],
            rows,
        ),
    })
}
