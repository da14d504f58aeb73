//! The shared look of every figure: size, fonts, a colour-blind-safe palette (Okabe–Ito), and
//! the post-processing that makes plotters' SVG follow the page's light or dark theme.

use crate::error::Error;
use plotters::chart::MeshStyle;
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::ranged1d::{Ranged, ValueFormatter};
use plotters::prelude::*;
use plotters::style::RGBColor;

/// Figure width in SVG pixels (scaled to the column by CSS).
pub const WIDTH: u32 = 820;
/// Height of a single-row figure.
pub const HEIGHT: u32 = 420;
/// Font family of all text.
pub const FONT: &str = "sans-serif";

/// Okabe–Ito colours that keep their contrast on white and on near-black backgrounds.
pub const PALETTE: [RGBColor; 5] = [
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
];

/// Ink colour; replaced by `currentColor` so axes and text take the page's text colour.
pub const INK: RGBColor = RGBColor(0, 0, 0);

/// Text style of axis descriptions and captions.
pub fn label_font() -> TextStyle<'static> {
    (FONT, 17).into_font().color(&INK)
}

/// Text style of tick labels and legends.
pub fn tick_font() -> TextStyle<'static> {
    (FONT, 14).into_font().color(&INK)
}

/// Starts a chart's mesh in the shared look (faint grid, axis titles and tick labels in the
/// figure fonts); callers add what differs and then `draw` it.
pub fn mesh<'a, 'b, DB, X, Y, XT, YT>(
    chart: &'b mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    x_desc: &str,
    y_desc: &str,
) -> MeshStyle<'a, 'b, X, Y, DB>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = XT> + ValueFormatter<XT>,
    Y: Ranged<ValueType = YT> + ValueFormatter<YT>,
{
    let mut m = chart.configure_mesh();
    m.light_line_style(INK.mix(0.06))
        .bold_line_style(INK.mix(0.12))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .axis_desc_style(label_font())
        .label_style(tick_font());
    m
}

/// Draws the legend of a chart in the shared style: transparent background, faint border.
pub fn draw_legend<'a, DB, CT>(
    chart: &mut ChartContext<'a, DB, CT>,
    position: SeriesLabelPosition,
    figure: &str,
) -> Result<(), Error>
where
    DB: DrawingBackend + 'a,
    CT: plotters::coord::CoordTranslate,
{
    chart
        .configure_series_labels()
        .position(position)
        .label_font(tick_font())
        .background_style(WHITE.mix(0.0))
        .border_style(INK.mix(0.3))
        .draw()
        .map_err(plot_error(figure))
}

/// Converts a plotting error into the library's error, naming the figure.
pub fn plot_error<E: std::fmt::Display>(figure: &str) -> impl Fn(E) -> Error + '_ {
    move |e| Error::Figure {
        figure: figure.to_string(),
        reason: e.to_string(),
    }
}

/// Draws onto an SVG string of the given size with `draw`, then makes it theme-aware and
/// accessible: black ink becomes `currentColor`, the white background is dropped, and the root
/// gets `role="img"`, an `aria-label` and a `<title>` with the alt text.
pub fn render_svg<F>(id: &str, size: (u32, u32), alt: &str, draw: F) -> Result<String, Error>
where
    F: FnOnce(DrawingArea<SVGBackend<'_>, plotters::coord::Shift>) -> Result<(), Error>,
{
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        draw(root.clone())?;
        root.present().map_err(plot_error(id))?;
    }
    let alt_escaped = escape_attr(alt);
    let svg = svg.replace("#000000", "currentColor").replacen(
        "<svg ",
        &format!("<svg role=\"img\" aria-label=\"{alt_escaped}\" class=\"figure-svg\" "),
        1,
    );
    // Insert <title> right after the root's opening tag.
    let close = svg.find('>').expect("plotters writes a root tag") + 1;
    let mut out = String::with_capacity(svg.len() + alt.len() + 32);
    out.push_str(&svg[..close]);
    out.push_str("\n<title>");
    out.push_str(&alt_escaped);
    out.push_str("</title>");
    out.push_str(&svg[close..]);
    if !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

/// Hex form of a palette colour as plotters writes it.
fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// Moves palette colours from `fill`/`stroke` attributes into a `style` attribute that reads
/// the CSS variables `--fig-c0` … `--fig-c4` (falling back to the colour itself), so an inline
/// figure follows the page's light or dark palette and a standalone SVG keeps its colours.
pub fn theme_colors(svg: &str) -> String {
    let palette: Vec<String> = PALETTE.iter().map(|&c| hex(c)).collect();
    let mut out = String::with_capacity(svg.len() + svg.len() / 4);
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(len) = rest[start..].find('>') else {
            out.push_str(&rest[start..]);
            return out;
        };
        let tag = &rest[start..start + len + 1];
        let mut kept = String::with_capacity(tag.len());
        let mut styles = Vec::new();
        let mut t = tag;
        loop {
            let next = ["fill=\"", "stroke=\""]
                .iter()
                .filter_map(|a| t.find(a).map(|i| (i, *a)))
                .min();
            let Some((i, attr)) = next else { break };
            let value_start = i + attr.len();
            let value_end = value_start + t[value_start..].find('"').expect("quoted attribute");
            let value = &t[value_start..value_end];
            match palette.iter().position(|p| p == value) {
                Some(k) => {
                    let name = attr.trim_end_matches("=\"");
                    styles.push(format!("{name}:var(--fig-c{k},{value})"));
                    kept.push_str(t[..i].trim_end_matches(' '));
                }
                None => kept.push_str(&t[..value_end + 1]),
            }
            t = &t[value_end + 1..];
        }
        kept.push_str(t);
        if !styles.is_empty() {
            let close = if kept.ends_with("/>") {
                kept.len() - 2
            } else {
                kept.len() - 1
            };
            kept.insert_str(close, &format!(" style=\"{}\"", styles.join(";")));
        }
        out.push_str(&kept);
        rest = &rest[start + len + 1..];
    }
    out.push_str(rest);
    out
}

/// Escapes text for an XML attribute or element.
pub fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Writes rows of displayable values as CSV with the given header; floats in shortest
/// round-trip form.
pub fn csv<R, I>(header: &[&str], rows: R) -> String
where
    R: IntoIterator<Item = I>,
    I: IntoIterator<Item = String>,
{
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(header).expect("writing to memory");
    for row in rows {
        w.write_record(row).expect("writing to memory");
    }
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("CSV is UTF-8")
}

/// A range for a logarithmic axis around positive data from `lo` to `hi`, widened by
/// `factor` on each side. Zero, negative or non-finite ends (a loss that underflowed to 0, an
/// error that vanished) are replaced so the axis always spans positive, finite decades:
/// plotters cannot lay out a logarithmic axis that starts at 0.
pub fn log_range(lo: f64, hi: f64, factor: f64) -> std::ops::Range<f64> {
    let floor = 1e-300;
    let hi = if hi.is_finite() && hi > floor {
        hi
    } else {
        1.0
    };
    let lo = if lo.is_finite() && lo > floor {
        lo.min(hi)
    } else {
        hi * 1e-6
    };
    let (lo, hi) = (lo / factor, hi * factor);
    if hi > lo { lo..hi } else { lo..lo * 10.0 }
}

/// Padded axis range covering all finite values of the slices.
pub fn padded_range(values: &[&[f64]], pad_fraction: f64) -> std::ops::Range<f64> {
    let (lo, hi) = values
        .iter()
        .flat_map(|s| s.iter())
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    let span = (hi - lo).max(1e-9);
    (lo - pad_fraction * span)..(hi + pad_fraction * span)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_ranges_are_positive_and_ordered() {
        for (lo, hi) in [
            (0.0, 0.0),
            (0.0, 1e-3),
            (f64::NAN, 2.0),
            (1e-4, 1e-4),
            (-1.0, 5.0),
        ] {
            let r = log_range(lo, hi, 2.0);
            assert!(
                r.start > 0.0 && r.end > r.start && r.end.is_finite(),
                "{lo}, {hi}: {r:?}"
            );
        }
        assert_eq!(log_range(1e-3, 1e-1, 2.0), 5e-4..2e-1);
    }

    #[test]
    fn palette_colours_become_css_variables() {
        let svg = "<svg><rect x=\"1\" fill=\"#56B4E9\" stroke=\"#E69F00\"/><text fill=\"currentColor\">a<b</text></svg>";
        assert_eq!(
            theme_colors(svg),
            "<svg><rect x=\"1\" style=\"fill:var(--fig-c1,#56B4E9);stroke:var(--fig-c0,#E69F00)\"/><text fill=\"currentColor\">a<b</text></svg>"
        );
    }
}
