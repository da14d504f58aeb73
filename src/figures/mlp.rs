//! Figures of homework part 2 about the data: the circles data set, and the decision regions
//! of trained networks drawn over it.

use super::Figure;
use super::style::{self, PALETTE, plot_error};
use crate::config::CirclesConfig;
use crate::error::Error;
use crate::experiments::mlp::{MlpResult, Restart};
use crate::ml::mlp::Mlp;
use plotters::prelude::*;

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// Colours of class 0 (outer circle) and class 1 (inner circle).
const CLASS: [RGBColor; 2] = [PALETTE[1], PALETTE[3]];

fn fmt(x: f64) -> String {
    x.to_string()
}

/// The square region the data and decision regions are drawn on.
fn extent(r: &MlpResult) -> (f64, f64) {
    let m = r
        .data
        .x
        .iter()
        .flat_map(|p| p.iter())
        .fold(0.0_f64, |m, v| m.max(v.abs()));
    let half = (m * 1.12 * 10.0).ceil() / 10.0;
    (-half, half)
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
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    r: &MlpResult,
    id: &str,
    legend: bool,
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
        let anno = chart
            .draw_series(train.map(|p| Circle::new((p[0], p[1]), 3, color.filled())))
            .map_err(&err)?;
        if legend {
            anno.label(format!("train, class {class}"))
                .legend(move |(x, y)| Circle::new((x + 8, y), 4, color.filled()));
        }
        let test: Vec<[f64; 2]> = r
            .split
            .test
            .iter()
            .step_by(thinning_stride(r.split.test.len()))
            .filter(|&&i| r.data.y[i] == class)
            .map(|&i| r.data.x[i])
            .collect();
        let anno = chart
            .draw_series(
                test.iter()
                    .map(|p| TriangleMarker::new((p[0], p[1]), 5, color.filled())),
            )
            .map_err(&err)?;
        if legend {
            anno.label(format!("test, class {class}"))
                .legend(move |(x, y)| TriangleMarker::new((x + 8, y), 5, color.filled()));
        }
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
    let (lo, hi) = extent(r);
    let svg = style::render_svg(ID, (560, 520), &alt, |root| {
        let err = plot_error(ID);
        let mut chart = ChartBuilder::on(&root)
            .caption(&title, style::label_font())
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(52)
            .build_cartesian_2d(lo..hi, lo..hi)
            .map_err(&err)?;
        style::mesh(&mut chart, "x0", "x1")
            .disable_mesh()
            .draw()
            .map_err(&err)?;
        draw_points(&mut chart, r, ID, true)?;
        style::draw_legend(&mut chart, SeriesLabelPosition::UpperRight, ID)?;
        Ok(())
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
        csv: style::csv(&["split", "index", "x0", "x1", "label"], rows),
    })
}

/// One panel of decision regions: the predicted class on a grid, merged into runs per row.
fn region_panel(
    area: &Area,
    id: &str,
    title: &str,
    net: &Mlp,
    r: &MlpResult,
    resolution: usize,
) -> Result<(), Error> {
    let err = plot_error(id);
    let (lo, hi) = extent(r);
    let mut chart = ChartBuilder::on(area)
        .caption(title, style::label_font())
        .margin(8)
        .x_label_area_size(40)
        .y_label_area_size(48)
        .build_cartesian_2d(lo..hi, lo..hi)
        .map_err(&err)?;
    style::mesh(&mut chart, "x0", "x1")
        .disable_mesh()
        .x_labels(5)
        .y_labels(5)
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
            Rectangle::new(corners, CLASS[usize::from(class)].mix(0.25).filled())
        }))
        .map_err(&err)?;
    draw_points(&mut chart, r, id, false)
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

/// Decision regions of the first good small network, the first failed one, and the wide one.
pub fn decision_regions(r: &MlpResult, resolution: usize) -> Result<Figure, Error> {
    const ID: &str = "fig:decision-regions";
    let mut panels: Vec<(String, &Restart)> = Vec::new();
    if let Some(g) = r.small.first_good() {
        panels.push((
            format!("{} units, restart {} (good)", r.small.hidden, g.restart),
            g,
        ));
    }
    if let Some(f) = r.small.first_failed() {
        panels.push((
            format!("{} units, restart {} (failed)", r.small.hidden, f.restart),
            f,
        ));
    }
    let wide = r.wide.first_good().unwrap_or(&r.wide.restarts[0]);
    panels.push((
        format!("{} units, restart {}", r.wide.hidden, wide.restart),
        wide,
    ));
    let alt = format!(
        "Decision regions over the data, {} panels: {}. The good small network encloses the inner \
         class in a polygon with a few straight edges; the wide network's boundary is a smooth \
         closed curve.",
        panels.len(),
        panels
            .iter()
            .map(|(t, _)| t.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    );
    let width = 360 * panels.len() as u32;
    let svg = style::render_svg(ID, (width, 380), &alt, |root| {
        let areas = root.split_evenly((1, panels.len()));
        for (area, (title, restart)) in areas.iter().zip(&panels) {
            region_panel(area, ID, title, &restart.trained.net, r, resolution)?;
        }
        Ok(())
    })?;
    let mut rows = Vec::new();
    for (title, restart) in &panels {
        network_rows(&mut rows, title, &restart.trained.net);
    }
    Ok(Figure {
        id: ID,
        file_stem: "mlp_decision_regions",
        caption: "Decision regions (shaded by predicted class) with the training points (circles) \
                  and test points (triangles). The data file holds the parameters of the three \
                  networks, from which the regions can be recomputed."
            .to_string(),
        alt,
        svg,
        csv: style::csv(
            &[
                "network", "unit", "w_x0", "w_x1", "b_hidden", "w_out", "b_out",
            ],
            rows,
        ),
    })
}
