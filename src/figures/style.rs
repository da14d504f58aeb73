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

mod legend;
mod ticks;

pub use legend::{Key, Sample, draw as legend, draw_row as legend_row, headroom};
pub use ticks::{Ticked, axis, axis_n, label as tick_label, log_axis};

/// Okabe–Ito colours, darkened where needed to reach 3:1 against the light page: these are
/// the colours of a standalone SVG and of the light theme. The dark theme's lighter variants
/// are in `DARK`; the page switches through the CSS variables `--fig-c0` … `--fig-c4`.
pub const PALETTE: [RGBColor; 5] = [
    RGBColor(0xB3, 0x6B, 0x00), // orange
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0x00, 0x87, 0x63), // bluish green
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0xB0, 0x5E, 0x8F), // reddish purple
];

/// The same five hues for the dark theme, each at least 3:1 against its background.
const DARK: [RGBColor; 5] = [
    RGBColor(0xE6, 0x9F, 0x00),
    RGBColor(0x56, 0xB4, 0xE9),
    RGBColor(0x2B, 0xC8, 0x9A),
    RGBColor(0xF0, 0x7C, 0x3A),
    RGBColor(0xE0, 0x8F, 0xBC),
];

/// Sequential, colour-blind-safe map (viridis) for ordered sweeps, light theme: the dark half
/// of viridis, from 0 to 0.55, every stop at least 3:1 on the light page.
const SEQ_LIGHT: [RGBColor; 9] = [
    RGBColor(0x44, 0x01, 0x54),
    RGBColor(0x47, 0x19, 0x6B),
    RGBColor(0x45, 0x30, 0x7C),
    RGBColor(0x40, 0x46, 0x87),
    RGBColor(0x38, 0x58, 0x8C),
    RGBColor(0x30, 0x6A, 0x8D),
    RGBColor(0x29, 0x7B, 0x8E),
    RGBColor(0x23, 0x8C, 0x8C),
    RGBColor(0x22, 0x9C, 0x88),
];

/// Viridis from 0.36 to 1 for the dark theme, the same order of lightness reversed in sense
/// (the low end is the darkest on both backgrounds).
const SEQ_DARK: [RGBColor; 9] = [
    RGBColor(0x2E, 0x6E, 0x8E),
    RGBColor(0x27, 0x81, 0x8E),
    RGBColor(0x20, 0x94, 0x8B),
    RGBColor(0x26, 0xA8, 0x82),
    RGBColor(0x3E, 0xBA, 0x74),
    RGBColor(0x66, 0xCB, 0x5D),
    RGBColor(0x98, 0xD8, 0x3E),
    RGBColor(0xCC, 0xE1, 0x24),
    RGBColor(0xFD, 0xE7, 0x25),
];

/// Number of colours in the sequential map.
pub const SEQ_LEN: usize = SEQ_LIGHT.len();

/// Colour `k` of `n` ordered values on the sequential map (its light-theme form; the page
/// switches it with the theme). With more than [`SEQ_LEN`] values colours repeat, so callers
/// also vary the dash.
pub fn sequential(k: usize, n: usize) -> RGBColor {
    let idx = if n <= 1 {
        0
    } else if n <= SEQ_LEN {
        (k * (SEQ_LEN - 1) + (n - 1) / 2) / (n - 1)
    } else {
        k % SEQ_LEN
    };
    SEQ_LIGHT[idx.min(SEQ_LEN - 1)]
}

/// Every themed colour: CSS variable name, light and dark value.
fn themed() -> impl Iterator<Item = (String, RGBColor, RGBColor)> {
    let cat = (0..PALETTE.len()).map(|k| (format!("--fig-c{k}"), PALETTE[k], DARK[k]));
    let seq = (0..SEQ_LEN).map(|k| (format!("--fig-s{k}"), SEQ_LIGHT[k], SEQ_DARK[k]));
    cat.chain(seq)
}

/// The CSS that gives the figure colours their light and dark values; the page includes it.
pub fn palette_css() -> String {
    let (mut light, mut dark) = (String::new(), String::new());
    for (name, l, d) in themed() {
        light.push_str(&format!("  {name}: {};\n", hex(l)));
        dark.push_str(&format!("    {name}: {};\n", hex(d)));
    }
    format!(
        "/* Figure colours, generated from src/figures/style.rs. */\n:root {{\n{light}}}\n\
         @media (prefers-color-scheme: dark) {{\n  :root {{\n{dark}  }}\n}}\n"
    )
}

/// Line patterns, drawn as SVG `stroke-dasharray`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dash {
    /// An unbroken line.
    Solid,
    /// Dashes of 7 px with gaps of 4 px.
    Dashed,
    /// Dots of 2 px with gaps of 3 px.
    Dotted,
}

impl Dash {
    fn array(self) -> Option<&'static str> {
        match self {
            Dash::Solid => None,
            Dash::Dashed => Some("7 4"),
            Dash::Dotted => Some("2 3"),
        }
    }
}

/// Marker colour for "ink with a dash": index 0xFF in a dash code.
const INK_CODE: u8 = 0xFF;

/// A colour that plotters writes as a code (`#01TTDD`: themed colour TT, dash DD), which
/// [`render_svg`] turns into the themed colour with a real `stroke-dasharray`. Colours outside
/// the theme (other than [`INK`]) are returned unchanged and stay solid.
pub fn with_dash(c: RGBColor, dash: Dash) -> RGBColor {
    if dash == Dash::Solid {
        return c;
    }
    let idx = if c == INK {
        Some(INK_CODE)
    } else {
        themed().position(|(_, l, _)| l == c).map(|k| k as u8)
    };
    match idx {
        Some(t) => RGBColor(0x01, t, dash as u8),
        None => c,
    }
}

/// [`with_dash`] with [`Dash::Dashed`].
pub fn dashed(c: RGBColor) -> RGBColor {
    with_dash(c, Dash::Dashed)
}

/// [`with_dash`] with [`Dash::Dotted`].
pub fn dotted(c: RGBColor) -> RGBColor {
    with_dash(c, Dash::Dotted)
}

/// Splits a series into runs that are drawn as separate lines: a new run starts wherever
/// `breaks(previous, next)` is true, so a line is never joined across a discontinuity.
pub fn runs(
    points: &[(f64, f64)],
    breaks: impl Fn((f64, f64), (f64, f64)) -> bool,
) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    for (k, &p) in points.iter().enumerate() {
        if k == 0 || breaks(points[k - 1], p) {
            out.push(Vec::new());
        }
        if let Some(run) = out.last_mut() {
            run.push(p);
        }
    }
    out
}

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
pub fn mesh<'a, 'b, DB, X, Y>(
    chart: &'b mut ChartContext<'a, DB, Cartesian2d<X, Y>>,
    x_desc: &str,
    y_desc: &str,
) -> MeshStyle<'a, 'b, X, Y, DB>
where
    DB: DrawingBackend,
    X: Ranged<ValueType = f64> + ValueFormatter<f64>,
    Y: Ranged<ValueType = f64> + ValueFormatter<f64>,
{
    let mut m = chart.configure_mesh();
    m.light_line_style(INK.mix(0.05))
        .bold_line_style(INK.mix(0.12))
        .x_desc(x_desc)
        .y_desc(y_desc)
        .axis_desc_style(label_font())
        .label_style(tick_font());
    m
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
    Ok(finish_svg(&svg, alt))
}

/// The theme-aware, accessible form of plotters' `svg` (see [`render_svg`]); apart from the
/// drawing, so that it is compiled once rather than once per figure.
fn finish_svg(svg: &str, alt: &str) -> String {
    let alt_escaped = escape_attr(alt);
    // Rectangles (region shading, bars) drawn without anti-aliasing, so that adjacent
    // translucent cells show no seams between them.
    let svg = svg.replace("<rect ", "<rect shape-rendering=\"crispEdges\" ");
    let svg = theme_colors(&svg.replace("#000000", "currentColor")).replacen(
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
    out
}

/// Hex form of a palette colour as plotters writes it.
fn hex(c: RGBColor) -> String {
    format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2)
}

/// Moves themed colours from `fill`/`stroke` attributes into a `style` attribute that reads
/// the CSS variables `--fig-c0` … and `--fig-s0` … (falling back to the light colour itself),
/// so an inline figure follows the page's light or dark palette and a standalone SVG keeps its
/// colours. Dash codes from [`with_dash`] become the themed colour with a `stroke-dasharray`.
pub fn theme_colors(svg: &str) -> String {
    let table: Vec<(String, String)> = themed().map(|(n, l, _)| (n, hex(l))).collect();
    // The CSS value and dash array of an attribute value, if it is themed.
    let resolve = |value: &str| -> Option<(String, Option<&'static str>)> {
        if let Some((name, light)) = table.iter().find(|(_, l)| l == value) {
            return Some((format!("var({name},{light})"), None));
        }
        let code = value.strip_prefix("#01")?;
        let (t, d) = (
            u8::from_str_radix(code.get(0..2)?, 16).ok()?,
            u8::from_str_radix(code.get(2..4)?, 16).ok()?,
        );
        let dash = match d {
            1 => Dash::Dashed,
            2 => Dash::Dotted,
            _ => return None,
        };
        let color = if t == INK_CODE {
            "currentColor".to_string()
        } else {
            let (name, light) = table.get(t as usize)?;
            format!("var({name},{light})")
        };
        Some((color, dash.array()))
    };
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
        let mut dasharray = None;
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
            let name = attr.trim_end_matches("=\"");
            match resolve(value) {
                Some((css, dash)) => {
                    styles.push(format!("{name}:{css}"));
                    if name == "stroke" {
                        dasharray = dash;
                    }
                    kept.push_str(t[..i].trim_end_matches(' '));
                }
                None => kept.push_str(&t[..value_end + 1]),
            }
            t = &t[value_end + 1..];
        }
        kept.push_str(t);
        if !styles.is_empty() || dasharray.is_some() {
            let close = if kept.ends_with("/>") {
                kept.len() - 2
            } else {
                kept.len() - 1
            };
            let mut extra = String::new();
            if let Some(d) = dasharray {
                extra.push_str(&format!(" stroke-dasharray=\"{d}\""));
            }
            if !styles.is_empty() {
                extra.push_str(&format!(" style=\"{}\"", styles.join(";")));
            }
            kept.insert_str(close, &extra);
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
    fn csv_quotes_only_fields_that_need_it() {
        let rows = vec![
            vec![
                "gA=47.7 gK=20".to_string(),
                "1.5".to_string(),
                String::new(),
            ],
            vec![
                "a,b".to_string(),
                "say \"hi\"".to_string(),
                "two\nlines".to_string(),
            ],
        ];
        assert_eq!(
            crate::data_csv::csv(&["model", "rate_hz", "note"], rows),
            "model,rate_hz,note\ngA=47.7 gK=20,1.5,\n\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\"\n"
        );
    }

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
        let svg = "<svg><rect x=\"1\" fill=\"#0072B2\" stroke=\"#B36B00\"/><text fill=\"currentColor\">a<b</text></svg>";
        assert_eq!(
            theme_colors(svg),
            "<svg><rect x=\"1\" style=\"fill:var(--fig-c1,#0072B2);stroke:var(--fig-c0,#B36B00)\"/><text fill=\"currentColor\">a<b</text></svg>"
        );
        let code = dashed(PALETTE[2]);
        let svg = format!(
            "<polyline fill=\"none\" stroke=\"{}\" points=\"1,2 3,4\"/>",
            hex(code)
        );
        assert_eq!(
            theme_colors(&svg),
            "<polyline fill=\"none\" points=\"1,2 3,4\" stroke-dasharray=\"7 4\" style=\"stroke:var(--fig-c2,#008763)\"/>"
        );
        let ink = dotted(INK);
        let svg = format!("<polyline stroke=\"{}\"/>", hex(ink));
        assert_eq!(
            theme_colors(&svg),
            "<polyline stroke-dasharray=\"2 3\" style=\"stroke:currentColor\"/>"
        );
    }
}
