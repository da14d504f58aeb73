//! Figures of the onset analysis: bifurcation diagrams of Connor–Stevens models (the rest
//! branch with its stability, folds and Hopf points, and the V range of the firing cycle),
//! and the square-root law near a saddle-node on an invariant circle (f² against I).

use super::Figure;
use super::style::{self, PALETTE, plot_error};
use crate::analysis::bifurcation::OnsetBifurcation;
use crate::error::Error;
use crate::experiments::cs_analysis::{Diagram, Ramp, RestPoint};
use crate::experiments::onset::{SQRT_LAW_FIT_MAX, SqrtLaw};
use plotters::prelude::*;

fn fmt(x: f64) -> String {
    x.to_string()
}

type Area<'a> = DrawingArea<SVGBackend<'a>, plotters::coord::Shift>;

/// Splits the rest branch into runs of equal stability, so each run is drawn as one line.
fn runs(points: &[RestPoint]) -> Vec<(bool, Vec<(f64, f64)>)> {
    let mut out: Vec<(bool, Vec<(f64, f64)>)> = Vec::new();
    for p in points {
        match out.last_mut() {
            Some((stable, pts)) if *stable == p.stable => pts.push((p.current, p.v_mv)),
            _ => {
                // Start the new run at the last point of the previous one, so the branch is
                // continuous where stability changes.
                let mut pts = out
                    .last()
                    .and_then(|r| r.1.last().copied())
                    .map_or_else(Vec::new, |q| vec![q]);
                pts.push((p.current, p.v_mv));
                out.push((p.stable, pts));
            }
        }
    }
    out
}

fn diagram_panel(area: &Area, id: &str, d: &Diagram) -> Result<(), Error> {
    let err = plot_error(id);
    let title = format!(
        "gA = {}, gK = {}: {}",
        d.g_a,
        d.g_k,
        d.bifurcation
            .map_or("rest not lost", OnsetBifurcation::name)
    );
    let v_lo = d
        .rest
        .iter()
        .map(|p| p.v_mv)
        .chain(d.cycle.iter().map(|c| c.v_range_mv.0))
        .fold(f64::INFINITY, f64::min);
    let v_hi = d
        .rest
        .iter()
        .map(|p| p.v_mv)
        .chain(d.cycle.iter().map(|c| c.v_range_mv.1))
        .fold(f64::NEG_INFINITY, f64::max);
    let mut chart = ChartBuilder::on(area)
        .caption(title, style::tick_font())
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(60)
        .build_cartesian_2d(d.window.0..d.window.1, (v_lo - 5.0)..(v_hi + 5.0))
        .map_err(&err)?;
    style::mesh(&mut chart, "I (µA/cm²)", "V (mV)")
        .draw()
        .map_err(&err)?;
    let ink = PALETTE[0];
    let mut stable_labelled = false;
    let mut unstable_labelled = false;
    for (stable, pts) in runs(&d.rest) {
        if stable {
            let a = chart
                .draw_series(LineSeries::new(pts, ink.stroke_width(3)))
                .map_err(&err)?;
            if !stable_labelled {
                a.label("rest, stable").legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 22, y)], ink.stroke_width(3))
                });
                stable_labelled = true;
            }
        } else {
            let a = chart
                .draw_series(DashedLineSeries::new(pts, 6, 5, ink.stroke_width(2)))
                .map_err(&err)?;
            if !unstable_labelled {
                a.label("rest, unstable").legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 22, y)], ink.stroke_width(1))
                });
                unstable_labelled = true;
            }
        }
    }
    let cyc = PALETTE[1];
    if !d.cycle.is_empty() {
        chart
            .draw_series(d.cycle.iter().flat_map(|c| {
                [
                    Circle::new((c.current, c.v_range_mv.0), 3, cyc.filled()),
                    Circle::new((c.current, c.v_range_mv.1), 3, cyc.filled()),
                ]
            }))
            .map_err(&err)?
            .label("firing cycle, min and max V")
            .legend(move |(x, y)| Circle::new((x + 11, y), 4, cyc.filled()));
    }
    let mark = PALETTE[3];
    if !d.folds.is_empty() {
        chart
            .draw_series(
                d.folds
                    .iter()
                    .map(|f| TriangleMarker::new((f.current, f.v_mv), 7, mark.filled())),
            )
            .map_err(&err)?
            .label("fold (saddle-node)")
            .legend(move |(x, y)| TriangleMarker::new((x + 11, y), 6, mark.filled()));
    }
    let hopf = PALETTE[2];
    if !d.hopfs.is_empty() {
        chart
            .draw_series(d.hopfs.iter().map(|h| {
                Rectangle::new(
                    [(h.current, h.v_mv), (h.current, h.v_mv)],
                    hopf.stroke_width(9),
                )
            }))
            .map_err(&err)?
            .label("Hopf point")
            .legend(move |(x, y)| Rectangle::new([(x + 7, y - 4), (x + 15, y + 4)], hopf.filled()));
    }
    style::draw_legend(&mut chart, SeriesLabelPosition::MiddleLeft, id)
}

/// The bifurcation diagrams, side by side.
pub fn cs_bifurcation(diagrams: &[Diagram]) -> Result<Figure, Error> {
    const ID: &str = "fig:cs-bifurcation";
    let describe = |d: &Diagram| {
        format!(
            "gA = {}, gK = {} ({}): {} folds and {} Hopf points between {} and {} uA/cm²",
            d.g_a,
            d.g_k,
            d.bifurcation
                .map_or("rest not lost", OnsetBifurcation::name),
            d.folds.len(),
            d.hopfs.len(),
            fmt((d.window.0 * 100.0).round() / 100.0),
            fmt((d.window.1 * 100.0).round() / 100.0)
        )
    };
    let alt = format!(
        "Bifurcation diagrams, membrane potential against input current, one panel per model: \
         the rest branch solid where stable and dashed where unstable, folds as triangles, Hopf \
         points as squares, and the lowest and highest voltage of the firing cycle as dots. {}.",
        diagrams.iter().map(describe).collect::<Vec<_>>().join("; ")
    );
    let width = style::WIDTH;
    let svg = style::render_svg(ID, (width, 460), &alt, |root| {
        let panels = root.split_evenly((1, diagrams.len().max(1)));
        for (area, d) in panels.iter().zip(diagrams) {
            diagram_panel(area, ID, d)?;
        }
        Ok(())
    })?;
    let mut rows = Vec::new();
    for d in diagrams {
        let model = format!("gA={} gK={}", d.g_a, d.g_k);
        for p in &d.rest {
            rows.push(vec![
                model.clone(),
                "rest".into(),
                fmt(p.current),
                fmt(p.v_mv),
                String::new(),
                p.stable.to_string(),
            ]);
        }
        for c in &d.cycle {
            rows.push(vec![
                model.clone(),
                "cycle".into(),
                fmt(c.current),
                fmt(c.v_range_mv.0),
                fmt(c.v_range_mv.1),
                "true".into(),
            ]);
        }
        for f in &d.folds {
            rows.push(vec![
                model.clone(),
                "fold".into(),
                fmt(f.current),
                fmt(f.v_mv),
                String::new(),
                String::new(),
            ]);
        }
        for h in &d.hopfs {
            rows.push(vec![
                model.clone(),
                "hopf".into(),
                fmt(h.current),
                fmt(h.v_mv),
                String::new(),
                String::new(),
            ]);
        }
    }
    Ok(Figure {
        id: ID,
        file_stem: "cs_bifurcation",
        caption:
            "Bifurcation diagrams in the input current $I$. The rest branch is every $V$ with \
                  $I = I_{ss}(V)$, all gates at steady state, solid where every eigenvalue of the \
                  Jacobian has a negative real part; dots give the lowest and highest $V$ of the \
                  firing cycle, followed down in current by simulation from above until it stops."
                .to_string(),
        alt,
        svg,
        csv: style::csv(
            &[
                "model",
                "branch",
                "current_ua_cm2",
                "v_mv",
                "v_max_mv",
                "stable",
            ],
            rows,
        ),
    })
}

fn law_panel(area: &Area, id: &str, title: &str, unit: &str, law: &SqrtLaw) -> Result<(), Error> {
    let err = plot_error(id);
    let pts: Vec<(f64, f64)> = law
        .offsets
        .iter()
        .zip(&law.rates_hz)
        .filter(|(d, r)| **d <= 0.05 + 1e-12 && **r > 0.0)
        .map(|(d, r)| (*d, r * r))
        .collect();
    let x_hi = pts.iter().map(|p| p.0).fold(0.0, f64::max) * 1.05;
    let y_hi = pts.iter().map(|p| p.1).fold(0.0, f64::max) * 1.1;
    let mut chart = ChartBuilder::on(area)
        .caption(title, style::tick_font())
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(0.0..x_hi, 0.0..y_hi)
        .map_err(&err)?;
    style::mesh(&mut chart, &format!("I − I_fold ({unit})"), "f² (Hz²)")
        .x_labels(6)
        .draw()
        .map_err(&err)?;
    let c = PALETTE[1];
    chart
        .draw_series(pts.iter().map(|&p| Circle::new(p, 4, c.filled())))
        .map_err(&err)?
        .label("simulated (RK4)")
        .legend(move |(x, y)| Circle::new((x + 11, y), 4, c.filled()));
    let line = PALETTE[0];
    let x0 = law.intercept_current - law.fold_current;
    chart
        .draw_series(LineSeries::new(
            vec![
                (x0.max(0.0), law.slope_hz2 * (x0.max(0.0) - x0)),
                (x_hi, law.slope_hz2 * (x_hi - x0)),
            ],
            line.stroke_width(2),
        ))
        .map_err(&err)?
        .label(format!("line fitted up to {SQRT_LAW_FIT_MAX}"))
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 22, y)], line.stroke_width(2)));
    style::draw_legend(&mut chart, SeriesLabelPosition::UpperLeft, id)
}

/// f² against the distance above the fold, for each SNIC (Connor–Stevens and the
/// Hodgkin–Huxley example), with the line fitted close to the fold.
pub fn onset_law(laws: &[(&str, &str, &SqrtLaw)]) -> Result<Figure, Error> {
    const ID: &str = "fig:onset-law";
    let alt = format!(
        "Firing rate squared against the distance of the current above the fold, one panel per \
         model ({}); the points lie on straight lines through the origin close to the fold, as \
         the square-root law says.",
        laws.iter()
            .map(|(name, _, l)| format!("{name}: log-log slope {:.3}", l.exponent))
            .collect::<Vec<_>>()
            .join("; ")
    );
    let svg = style::render_svg(ID, (style::WIDTH, style::HEIGHT), &alt, |root| {
        let panels = root.split_evenly((1, laws.len().max(1)));
        for (area, (name, unit, law)) in panels.iter().zip(laws) {
            law_panel(area, ID, name, unit, law)?;
        }
        Ok(())
    })?;
    let mut rows = Vec::new();
    for (name, unit, l) in laws {
        for (d, r) in l.offsets.iter().zip(&l.rates_hz) {
            rows.push(vec![
                name.to_string(),
                unit.to_string(),
                fmt(l.fold_current),
                fmt(*d),
                fmt(*r),
            ]);
        }
    }
    Ok(Figure {
        id: ID,
        file_stem: "onset_law",
        caption: "Near a saddle-node on an invariant circle the rate grows as the square root of \
                  the distance to the fold, so $f^2$ is linear in $I - I_{fold}$. Rates from five \
                  spikes (the last three intervals) of RK4 runs started on the firing cycle; the \
                  line is the least-squares fit of $f^2$ over the offsets closest to the fold."
            .to_string(),
        alt,
        svg,
        csv: style::csv(
            &["model", "current_unit", "fold_current", "offset", "rate_hz"],
            rows,
        ),
    })
}

/// The rate along a slow current ramp up and back down, with the bistable window from the
/// analysis marked.
pub fn cs_ramp(r: &Ramp) -> Result<Figure, Error> {
    const ID: &str = "fig:cs-ramp";
    let show = |x: Option<f64>| x.map_or_else(|| "nowhere".to_string(), |v| format!("{v:.2}"));
    let alt = format!(
        "Firing rate against input current on a staircase up and back down for gA = {}, gK = \
         {}: going up the model first fires at {} uA/cm², going down it last fires at {} \
         uA/cm²; the analysis puts rest and firing together between {:.2} and {:.2} uA/cm².",
        r.g_a,
        r.g_k,
        show(r.up_onset()),
        show(r.down_offset()),
        r.window.0,
        r.window.1
    );
    let svg = style::render_svg(ID, (style::WIDTH, style::HEIGHT), &alt, |root| {
        let err = plot_error(ID);
        let y_hi = r.up.iter().chain(&r.down).map(|p| p.1).fold(1.0, f64::max) * 1.15;
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!("Current up and down, gA = {}, gK = {}", r.g_a, r.g_k),
                style::label_font(),
            )
            .margin(12)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d(r.range.0..r.range.1, 0.0..y_hi)
            .map_err(&err)?;
        style::mesh(&mut chart, "I (µA/cm²)", "firing rate (Hz)")
            .draw()
            .map_err(&err)?;
        let window = PALETTE[2];
        for x in [r.window.0, r.window.1] {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(x, 0.0), (x, y_hi)],
                    6,
                    4,
                    window.stroke_width(2),
                ))
                .map_err(&err)?;
        }
        let up = PALETTE[0];
        chart
            .draw_series(r.up.iter().map(|&p| Circle::new(p, 4, up.filled())))
            .map_err(&err)?
            .label("current rising")
            .legend(move |(x, y)| Circle::new((x + 11, y), 4, up.filled()));
        let down = PALETTE[1];
        chart
            .draw_series(
                r.down
                    .iter()
                    .map(|&p| TriangleMarker::new(p, 5, down.filled())),
            )
            .map_err(&err)?
            .label("current falling")
            .legend(move |(x, y)| TriangleMarker::new((x + 11, y), 4, down.filled()));
        style::draw_legend(&mut chart, SeriesLabelPosition::Coordinate(380, 170), ID)
    })?;
    let rows =
        r.up.iter()
            .map(|p| ("up", p))
            .chain(r.down.iter().map(|p| ("down", p)))
            .map(|(d, p)| vec![d.to_string(), fmt(p.0), fmt(p.1)]);
    Ok(Figure {
        id: ID,
        file_stem: "cs_ramp",
        caption: format!(
            "The current raised in steps of {} µA/cm² from rest and lowered again, the state \
             carried from step to step; at each step {} ms to settle, then the rate over {} ms. \
             Dashed lines: the lowest current that sustains firing and the loss of rest, from \
             the analysis.",
            fmt(crate::experiments::cs_analysis::RAMP_STEP_UA),
            fmt(crate::experiments::onset::SETTLE_MS),
            fmt(crate::experiments::onset::MEASURE_MS)
        ),
        alt,
        svg,
        csv: style::csv(&["direction", "current_ua_cm2", "rate_hz"], rows),
    })
}
