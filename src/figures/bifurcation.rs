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
    crate::data_csv::number(x)
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
        .build_cartesian_2d(
            style::axis_n(d.window.0..d.window.1, 5),
            style::axis((v_lo - 5.0)..(v_hi + 5.0)),
        )
        .map_err(&err)?;
    style::mesh(&mut chart, "I (µA/cm²)", "V (mV)")
        .draw()
        .map_err(&err)?;
    let ink = PALETTE[0];
    let unstable = style::dashed(ink);
    let mut keys = Vec::new();
    let mut data: Vec<Vec<(f64, f64)>> = Vec::new();
    for (stable, pts) in runs(&d.rest) {
        let pen = if stable {
            ink.stroke_width(3)
        } else {
            unstable.stroke_width(2)
        };
        data.push(pts.clone());
        chart.draw_series(LineSeries::new(pts, pen)).map_err(&err)?;
    }
    if runs(&d.rest).iter().any(|r| r.0) {
        keys.push(style::Key::line("rest, stable", ink, 3));
    }
    if runs(&d.rest).iter().any(|r| !r.0) {
        keys.push(style::Key::line("rest, unstable", unstable, 2));
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
            .map_err(&err)?;
        for c in &d.cycle {
            data.push(vec![(c.current, c.v_range_mv.0)]);
            data.push(vec![(c.current, c.v_range_mv.1)]);
        }
        keys.push(style::Key::dot("firing cycle, min and max V", cyc));
    }
    let mark = PALETTE[3];
    if !d.folds.is_empty() {
        chart
            .draw_series(
                d.folds
                    .iter()
                    .map(|f| TriangleMarker::new((f.current, f.v_mv), 7, mark.filled())),
            )
            .map_err(&err)?;
        data.extend(d.folds.iter().map(|f| vec![(f.current, f.v_mv)]));
        keys.push(style::Key {
            label: "fold (saddle-node)".into(),
            sample: style::Sample::Triangle(mark),
        });
    }
    let hopf = PALETTE[2];
    if !d.hopfs.is_empty() {
        chart
            .draw_series(d.hopfs.iter().map(|h| {
                // A filled square of 9 pixels around the point (a rectangle between two equal
                // data points has no size).
                EmptyElement::at((h.current, h.v_mv))
                    + Rectangle::new([(-4, -4), (5, 5)], hopf.filled())
            }))
            .map_err(&err)?;
        data.extend(d.hopfs.iter().map(|h| vec![(h.current, h.v_mv)]));
        keys.push(style::Key {
            label: "Hopf point".into(),
            sample: style::Sample::Patch(hopf, 1.0),
        });
    }
    style::legend(&chart, &keys, &data, id)?;
    Ok(())
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
        csv: crate::data_csv::csv(
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
        .build_cartesian_2d(style::axis_n(0.0..x_hi, 5), style::axis_n(0.0..y_hi, 5))
        .map_err(&err)?;
    style::mesh(&mut chart, &format!("I − I_fold ({unit})"), "f² (Hz²)")
        .draw()
        .map_err(&err)?;
    let c = PALETTE[1];
    chart
        .draw_series(pts.iter().map(|&p| Circle::new(p, 4, c.filled())))
        .map_err(&err)?;
    let line = PALETTE[0];
    let x0 = law.intercept_current - law.fold_current;
    let fitted: Vec<(f64, f64)> = (0..=20)
        .map(|k| x0.max(0.0) + (x_hi - x0.max(0.0)) * f64::from(k) / 20.0)
        .map(|x| (x, law.slope_hz2 * (x - x0)))
        .collect();
    chart
        .draw_series(LineSeries::new(fitted.clone(), line.stroke_width(2)))
        .map_err(&err)?;
    let keys = [
        style::Key::dot("simulated (RK4)", c),
        style::Key::line(
            format!("line fitted up to {}", style::tick_label(SQRT_LAW_FIT_MAX)),
            line,
            2,
        ),
    ];
    let mut data: Vec<Vec<(f64, f64)>> = pts.iter().map(|&p| vec![p]).collect();
    data.push(fitted);
    style::legend(&chart, &keys, &data, id)?;
    Ok(())
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
        csv: crate::data_csv::csv(
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
            .build_cartesian_2d(style::axis(r.range.0..r.range.1), style::axis(0.0..y_hi))
            .map_err(&err)?;
        style::mesh(&mut chart, "I (µA/cm²)", "firing rate (Hz)")
            .draw()
            .map_err(&err)?;
        let window = style::dashed(PALETTE[2]);
        let mut data: Vec<Vec<(f64, f64)>> = Vec::new();
        for x in [r.window.0, r.window.1] {
            let edge = vec![(x, 0.0), (x, y_hi)];
            data.push(edge.clone());
            chart
                .draw_series(LineSeries::new(edge, window.stroke_width(2)))
                .map_err(&err)?;
        }
        let up = PALETTE[0];
        chart
            .draw_series(r.up.iter().map(|&p| Circle::new(p, 4, up.filled())))
            .map_err(&err)?;
        let down = PALETTE[1];
        chart
            .draw_series(
                r.down
                    .iter()
                    .map(|&p| TriangleMarker::new(p, 5, down.filled())),
            )
            .map_err(&err)?;
        data.extend(r.up.iter().chain(&r.down).map(|&p| vec![p]));
        let keys = [
            style::Key::dot("current rising", up),
            style::Key {
                label: "current falling".into(),
                sample: style::Sample::Triangle(down),
            },
            style::Key::line("bistable window (analysis)", window, 2),
        ];
        style::legend(&chart, &keys, &data, ID)?;
        Ok(())
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
        csv: crate::data_csv::csv(&["direction", "current_ua_cm2", "rate_hz"], rows),
    })
}
