//! Legends drawn by the house style: each entry shows the series as it is drawn (colour, width,
//! dash or marker), and the box goes where it covers the least data, as matplotlib's
//! `loc="best"` does.

use super::{INK, plot_error, tick_font};
use crate::error::Error;
use plotters::coord::Shift;
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::ranged1d::Ranged;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// How an entry's sample is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sample {
    /// A line of the given colour (a dash code from [`super::dashed`] keeps its dashes) and width.
    Line(RGBColor, u32),
    /// A filled circle marker.
    Dot(RGBColor),
    /// A hollow circle marker.
    Ring(RGBColor),
    /// A filled triangle marker.
    Triangle(RGBColor),
    /// A filled square of the given opacity, for regions.
    Patch(RGBColor, f64),
}

/// One legend entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// Text of the entry.
    pub label: String,
    /// How its sample is drawn.
    pub sample: Sample,
}

impl Key {
    /// An entry for a line of `color` (or a dash code) and `width`.
    pub fn line(label: impl Into<String>, color: RGBColor, width: u32) -> Key {
        Key {
            label: label.into(),
            sample: Sample::Line(color, width),
        }
    }
    /// An entry for filled circle markers of `color`.
    pub fn dot(label: impl Into<String>, color: RGBColor) -> Key {
        Key {
            label: label.into(),
            sample: Sample::Dot(color),
        }
    }
}

const PAD: i32 = 8;
const ROW: i32 = 20;
const SAMPLE: i32 = 28;
const GAP: i32 = 6;
/// Width of a character of the 14 px tick font, generous for the widest sans-serif fonts.
const CHAR_W: f64 = 8.2;
/// Distance kept from the axes.
const INSET: i32 = 8;

/// Pixel size (width, height) of a legend with these keys.
pub fn size(keys: &[Key]) -> (i32, i32) {
    let chars = keys
        .iter()
        .map(|k| k.label.chars().count())
        .max()
        .unwrap_or(0);
    let w = 2 * PAD + SAMPLE + GAP + (chars as f64 * CHAR_W).ceil() as i32;
    let h = 2 * PAD + ROW * keys.len() as i32;
    (w, h)
}

/// Candidate top-left corners, in matplotlib's order of preference: upper right, upper left,
/// lower left, lower right, centre right, centre left, lower centre, upper centre, centre.
fn candidates((w, h): (i32, i32), (aw, ah): (i32, i32)) -> [(i32, i32); 9] {
    let (l, r) = (INSET, aw - w - INSET);
    let (t, b) = (INSET, ah - h - INSET);
    let (cx, cy) = ((aw - w) / 2, (ah - h) / 2);
    [
        (r, t),
        (l, t),
        (l, b),
        (r, b),
        (r, cy),
        (l, cy),
        (cx, b),
        (cx, t),
        (cx, cy),
    ]
}

/// How much data a box covers: points inside it, with segments between consecutive points
/// sampled every 3 px so that a line crossing the box counts too.
fn coverage(bx: (i32, i32, i32, i32), paths: &[Vec<(i32, i32)>]) -> usize {
    let (x0, y0, x1, y1) = bx;
    let inside = |x: f64, y: f64| {
        x >= x0 as f64 - 3.0 && x <= x1 as f64 + 3.0 && y >= y0 as f64 - 3.0 && y <= y1 as f64 + 3.0
    };
    let mut n = 0;
    for path in paths {
        for (k, &(x, y)) in path.iter().enumerate() {
            if inside(x as f64, y as f64) {
                n += 1;
            }
            if let Some(&(px, py)) = path.get(k + 1) {
                let len = (((px - x) as f64).powi(2) + ((py - y) as f64).powi(2)).sqrt();
                let steps = ((len / 3.0) as usize).min(2000);
                for s in 1..steps {
                    let f = s as f64 / steps as f64;
                    let (sx, sy) = (
                        x as f64 + f * (px - x) as f64,
                        y as f64 + f * (py - y) as f64,
                    );
                    if inside(sx, sy) {
                        n += 1;
                    }
                }
            }
        }
    }
    n
}

/// The best top-left corner for a legend of `size` in a plotting area of `area` pixels over
/// data `paths` (pixel coordinates relative to the area), and how much data it covers there.
pub fn best(size: (i32, i32), area: (i32, i32), paths: &[Vec<(i32, i32)>]) -> ((i32, i32), usize) {
    let mut best = ((INSET, INSET), usize::MAX);
    for c in candidates(size, area) {
        let n = coverage((c.0, c.1, c.0 + size.0, c.1 + size.1), paths);
        if n < best.1 {
            best = (c, n);
        }
    }
    best
}

/// Draws `keys` into the plotting area of `chart` where they cover the least of the data
/// `series` (each a path in data coordinates; scatter points may be given one per path).
pub fn draw<'a, X, Y>(
    chart: &ChartContext<'a, SVGBackend<'a>, Cartesian2d<X, Y>>,
    keys: &[Key],
    series: &[Vec<(f64, f64)>],
    figure: &str,
) -> Result<usize, Error>
where
    X: Ranged<ValueType = f64>,
    Y: Ranged<ValueType = f64>,
{
    if keys.is_empty() {
        return Ok(0);
    }
    let area = chart.plotting_area();
    let (xr, yr) = area.get_pixel_range();
    let paths: Vec<Vec<(i32, i32)>> = series
        .iter()
        .map(|p| {
            p.iter()
                .filter(|(x, y)| x.is_finite() && y.is_finite())
                .map(|pt| {
                    let (px, py) = chart.backend_coord(pt);
                    (px - xr.start, py - yr.start)
                })
                .collect()
        })
        .collect();
    let size = size(keys);
    let (at, covered) = best(size, (xr.end - xr.start, yr.end - yr.start), &paths);
    draw_at(&area.strip_coord_spec(), keys, at, figure)?;
    Ok(covered)
}

/// Draws the legend box with its top-left corner at `at` (pixels in `area`).
pub fn draw_at(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    keys: &[Key],
    at: (i32, i32),
    figure: &str,
) -> Result<(), Error> {
    let err = plot_error(figure);
    let (w, h) = size(keys);
    let (x, y) = at;
    area.draw(&Rectangle::new(
        [(x, y), (x + w, y + h)],
        ShapeStyle::from(&INK.mix(0.35)).stroke_width(1),
    ))
    .map_err(&err)?;
    for (k, key) in keys.iter().enumerate() {
        let cy = y + PAD + ROW * k as i32 + ROW / 2;
        draw_key(area, key, (x + PAD, cy), figure)?;
    }
    Ok(())
}

/// The top of a y range raised until a legend of `keys` finds a place that covers none of
/// `series`, for a plotting area of about `plot` pixels: matplotlib leaves this to the user;
/// here a figure never hides data under its legend. The range is raised by at most its own
/// span, in steps of a tenth.
pub fn headroom(
    keys: &[Key],
    plot: (i32, i32),
    x: &std::ops::Range<f64>,
    y: &std::ops::Range<f64>,
    series: &[Vec<(f64, f64)>],
) -> std::ops::Range<f64> {
    if keys.is_empty() {
        return y.clone();
    }
    let size = size(keys);
    let span = y.end - y.start;
    let (xs, w, h) = (x.end - x.start, plot.0 as f64, plot.1 as f64);
    for step in 0..=10 {
        let top = y.end + span * step as f64 / 10.0;
        let to_px = |&(a, b): &(f64, f64)| {
            (
                ((a - x.start) / xs * w).round() as i32,
                ((top - b) / (top - y.start) * h).round() as i32,
            )
        };
        let paths: Vec<Vec<(i32, i32)>> = series
            .iter()
            .map(|p| {
                p.iter()
                    .filter(|(a, b)| a.is_finite() && b.is_finite())
                    .map(to_px)
                    .collect()
            })
            .collect();
        if best(size, plot, &paths).1 == 0 {
            return y.start..top;
        }
    }
    y.start..y.end + span
}

/// Width of a key laid out in a row.
fn key_width(k: &Key) -> i32 {
    SAMPLE + GAP + (k.label.chars().count() as f64 * ROW_CHAR_W).ceil() as i32 + 2 * PAD
}

/// Character width for keys in a row: closer to the real average, since a row has no box to
/// overflow.
const ROW_CHAR_W: f64 = 7.4;

/// Draws `keys` in one centred row across `area` (a strip outside the axes, so it covers
/// nothing).
pub fn draw_row(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    keys: &[Key],
    figure: &str,
) -> Result<(), Error> {
    let (w, h) = area.dim_in_pixel();
    // Greedy wrapping into rows that fit the width, each row centred.
    let mut rows: Vec<Vec<&Key>> = vec![Vec::new()];
    let mut used = 0;
    for key in keys {
        let kw = key_width(key);
        if used + kw > w as i32 && !rows.last().is_some_and(|r| r.is_empty()) {
            rows.push(Vec::new());
            used = 0;
        }
        used += kw;
        if let Some(r) = rows.last_mut() {
            r.push(key);
        }
    }
    let top = (h as i32 - ROW * rows.len() as i32) / 2;
    for (k, row) in rows.iter().enumerate() {
        let total: i32 = row.iter().map(|key| key_width(key)).sum();
        let mut x = ((w as i32 - total) / 2).max(0);
        let cy = top + ROW * k as i32 + ROW / 2;
        for key in row {
            draw_key(area, key, (x + PAD, cy), figure)?;
            x += key_width(key);
        }
    }
    Ok(())
}

/// Draws one key: its sample starting at `at` (left end, vertical centre) and its label.
fn draw_key(
    area: &DrawingArea<SVGBackend<'_>, Shift>,
    key: &Key,
    at: (i32, i32),
    figure: &str,
) -> Result<(), Error> {
    let err = plot_error(figure);
    let (sx, cy) = at;
    match key.sample {
        Sample::Line(c, width) => area
            .draw(&PathElement::new(
                vec![(sx, cy), (sx + SAMPLE, cy)],
                c.stroke_width(width),
            ))
            .map_err(&err)?,
        Sample::Dot(c) => area
            .draw(&Circle::new((sx + SAMPLE / 2, cy), 5, c.filled()))
            .map_err(&err)?,
        Sample::Ring(c) => area
            .draw(&Circle::new((sx + SAMPLE / 2, cy), 5, c.stroke_width(2)))
            .map_err(&err)?,
        Sample::Triangle(c) => area
            .draw(&TriangleMarker::new((sx + SAMPLE / 2, cy), 6, c.filled()))
            .map_err(&err)?,
        Sample::Patch(c, alpha) => area
            .draw(&Rectangle::new(
                [(sx + 4, cy - 7), (sx + SAMPLE - 4, cy + 7)],
                c.mix(alpha).filled(),
            ))
            .map_err(&err)?,
    }
    let font = tick_font().pos(Pos::new(HPos::Left, VPos::Center));
    area.draw(&Text::new(key.label.clone(), (sx + SAMPLE + GAP, cy), font))
        .map_err(&err)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_position_avoids_the_data() {
        let keys = [Key::line("a", RGBColor(1, 2, 3), 2)];
        let size = size(&keys);
        // A rising line from the lower left to the upper right: the upper left is free.
        let line: Vec<(i32, i32)> = (0..=100).map(|k| (4 * k, 300 - 3 * k)).collect();
        let (at, n) = best(size, (400, 300), &[line]);
        assert_eq!(n, 0);
        assert_eq!(at, (INSET, INSET));
    }

    #[test]
    fn a_segment_through_the_box_counts() {
        // Two points far apart whose segment crosses the box.
        let n = coverage((10, 10, 50, 50), &[vec![(0, 30), (100, 30)]]);
        assert!(n > 5, "{n}");
    }
}
