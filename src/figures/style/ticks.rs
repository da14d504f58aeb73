//! Tick locators and labels in the manner of matplotlib's `MaxNLocator` and `LogLocator`:
//! linear ticks at "nice" steps of 1, 2, 2.5 or 5 × 10^k, labelled with the fewest digits that
//! tell them apart; logarithmic axes with labelled decades and unlabelled minor ticks.

use plotters::coord::combinators::LogCoord;
use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::IntoLogRange;
use std::ops::Range;

/// An axis with the house style's ticks: labelled major ticks, unlabelled minor ticks (grid
/// lines only), and labels from [`label`].
pub struct Ticked<R> {
    inner: R,
    major: Vec<f64>,
    minor: Vec<f64>,
    /// Labels in powers of ten throughout (a log axis reaching outside 10⁻³ … 10⁵).
    powers: bool,
}

impl<R: Ranged<ValueType = f64>> Ranged for Ticked<R> {
    type ValueType = f64;
    type FormatOption = NoDefaultFormatting;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            self.minor.clone()
        } else {
            self.major.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.inner.range()
    }

    fn axis_pixel_range(&self, limit: (i32, i32)) -> Range<i32> {
        self.inner.axis_pixel_range(limit)
    }
}

impl<R: Ranged<ValueType = f64>> ValueFormatter<f64> for Ticked<R> {
    fn format(value: &f64) -> String {
        label(*value)
    }

    fn format_ext(&self, value: &f64) -> String {
        if self.powers {
            power_label(*value)
        } else {
            label(*value)
        }
    }
}

/// Mantissas of the steps a linear axis may use, smallest first.
const NICE: [f64; 4] = [1.0, 2.0, 2.5, 5.0];

/// `k · m · 10^e` computed so that short decimals come out exactly rounded (3 · 0.1 is
/// 0.30000000000000004, but 3 / 10 is 0.3).
fn scaled(k: f64, m: f64, e: i32) -> f64 {
    if e >= 0 {
        k * m * 10f64.powi(e)
    } else {
        k * m / 10f64.powi(-e)
    }
}

/// Linear ticks covering `range` with at most `max_ticks` + 1 ticks at a nice step, and at
/// least three where the range allows (a short axis gets a finer step rather than one label).
pub fn linear(range: &Range<f64>, max_ticks: usize) -> Vec<f64> {
    if !(range.start.is_finite() && range.end.is_finite()) {
        return Vec::new();
    }
    let mut n = max_ticks.max(1);
    let mut ticks = linear_at_most(range, n);
    // At most 3 refinements: each doubles the allowed count.
    for _ in 0..3 {
        if ticks.len() >= 3 {
            break;
        }
        n *= 2;
        ticks = linear_at_most(range, n);
    }
    ticks
}

fn linear_at_most(range: &Range<f64>, max_ticks: usize) -> Vec<f64> {
    let (lo, hi) = (range.start.min(range.end), range.start.max(range.end));
    let span = hi - lo;
    if !(span.is_finite() && span > 0.0) {
        return if lo.is_finite() { vec![lo] } else { Vec::new() };
    }
    let raw = span / max_ticks.max(1) as f64;
    let mut e = raw.log10().floor() as i32;
    // The smallest nice step at or above the raw step; 10 · 10^e is 1 · 10^(e+1).
    let m = loop {
        if let Some(&m) = NICE
            .iter()
            .find(|&&m| scaled(1.0, m, e) >= raw * (1.0 - 1e-9))
        {
            break m;
        }
        e += 1;
    };
    let step = scaled(1.0, m, e);
    let first = (lo / step - 1e-9).ceil();
    let last = (hi / step + 1e-9).floor();
    // At most max_ticks + 2 iterations: the step was chosen so that span/step ≤ max_ticks.
    let n = ((last - first).max(0.0) as usize).min(4 * max_ticks.max(1));
    (0..=n)
        .map(|i| {
            let v = scaled(first + i as f64, m, e);
            if v == 0.0 { 0.0 } else { v }
        })
        .collect()
}

/// Major and minor ticks of a logarithmic axis over positive `range`: the decades, and the
/// multiples 2 … 9 of each as minor ticks. When fewer than three decades fall inside, the
/// multiples 2 and 5 are labelled too, so the axis never has fewer than two labels.
pub fn log(range: &Range<f64>) -> (Vec<f64>, Vec<f64>) {
    let (lo, hi) = (range.start.min(range.end), range.start.max(range.end));
    if !(lo > 0.0 && hi.is_finite()) {
        return (Vec::new(), Vec::new());
    }
    let (e0, e1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let inside = |v: f64| v >= lo * (1.0 - 1e-12) && v <= hi * (1.0 + 1e-12);
    let decades: Vec<i32> = (e0..=e1.min(e0 + 400)).collect();
    let count = decades
        .iter()
        .filter(|&&e| inside(scaled(1.0, 1.0, e)))
        .count();
    let labelled: &[f64] = if count >= 3 { &[1.0] } else { &[1.0, 2.0, 5.0] };
    let (mut major, mut minor) = (Vec::new(), Vec::new());
    for &e in &decades {
        for m in 1..10 {
            let v = scaled(1.0, m as f64, e);
            if !inside(v) {
                continue;
            }
            if labelled.contains(&(m as f64)) {
                major.push(v);
            } else {
                minor.push(v);
            }
        }
    }
    (major, minor)
}

/// Superscript form of an integer exponent, e.g. −3 → "⁻³".
fn superscript(e: i32) -> String {
    const DIGITS: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    let mut s = String::new();
    if e < 0 {
        s.push('⁻');
    }
    for c in e.unsigned_abs().to_string().chars() {
        s.push(DIGITS[c.to_digit(10).unwrap_or(0) as usize]);
    }
    s
}

/// Label of a tick value: a short decimal with trailing zeros dropped ("5", "0.25", "−10"),
/// or m×10ⁿ outside 10⁻³ … 10⁵. A typographic minus sign, as in print.
pub fn label(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return if v == 0.0 { "0".into() } else { v.to_string() };
    }
    let a = v.abs();
    let sign = if v < 0.0 { "−" } else { "" };
    if !(1e-3..1e5).contains(&a) {
        let e = a.log10().floor() as i32;
        let m = a / 10f64.powi(e);
        let (m, e) = if (m - 10.0).abs() < 1e-9 {
            (1.0, e + 1)
        } else {
            (m, e)
        };
        let mant = trim(&format!("{m:.2}"));
        return if mant == "1" {
            format!("{sign}10{}", superscript(e))
        } else {
            format!("{sign}{mant}×10{}", superscript(e))
        };
    }
    format!("{sign}{}", trim(&format!("{a:.6}")))
}

/// Label in the form 10ⁿ or m×10ⁿ, for every tick of a log axis that needs it for one.
pub fn power_label(v: f64) -> String {
    if !(v.is_finite() && v > 0.0) {
        return label(v);
    }
    let e = v.log10().round() as i32;
    if (v / 10f64.powi(e) - 1.0).abs() < 1e-9 {
        return format!("10{}", superscript(e));
    }
    let e = v.log10().floor() as i32;
    let mant = trim(&format!("{:.2}", v / 10f64.powi(e)));
    format!("{mant}×10{}", superscript(e))
}

/// Drops trailing zeros and a trailing decimal point.
fn trim(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// A linear axis over `range` with nice ticks and no minor grid.
pub fn axis(range: Range<f64>) -> Ticked<RangedCoordf64> {
    axis_n(range, 6)
}

/// A linear axis with at most `max_ticks` + 1 ticks (narrow panels use fewer).
pub fn axis_n(range: Range<f64>, max_ticks: usize) -> Ticked<RangedCoordf64> {
    let major = linear(&range, max_ticks);
    Ticked {
        inner: range.into(),
        major,
        minor: Vec::new(),
        powers: false,
    }
}

/// A logarithmic axis over positive `range`, decades labelled, minor ticks unlabelled.
pub fn log_axis(range: Range<f64>) -> Ticked<LogCoord<f64>> {
    let (major, minor) = log(&range);
    let powers = major.iter().any(|&v| !(1e-3..1e5).contains(&v));
    Ticked {
        inner: range.log_scale().into(),
        major,
        minor,
        powers,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_ticks_are_nice_and_exact() {
        assert_eq!(linear(&(0.0..1.0), 6), vec![0.0, 0.2, 0.4, 0.6, 0.8, 1.0]);
        assert_eq!(
            linear(&(0.0..0.6), 6),
            vec![0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]
        );
        assert_eq!(
            linear(&(-3.0..12.0), 6),
            vec![0.0 - 2.5, 0.0, 2.5, 5.0, 7.5, 10.0]
        );
        assert_eq!(
            linear(&(0.0..250.0), 6),
            vec![0.0, 50.0, 100.0, 150.0, 200.0, 250.0]
        );
        let t = linear(&(0.0..0.6), 6);
        let labels: Vec<String> = t.iter().map(|&v| label(v)).collect();
        assert_eq!(labels, ["0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6"]);
        assert_eq!(linear(&(1.0..1.0), 6), vec![1.0]);
        assert!(linear(&(f64::NAN..1.0), 6).is_empty());
    }

    #[test]
    fn labels_have_the_fewest_digits() {
        assert_eq!(label(5.0), "5");
        assert_eq!(label(2.5), "2.5");
        assert_eq!(label(-10.0), "−10");
        assert_eq!(label(0.30000000000000004), "0.3");
        assert_eq!(label(1e-4), "10⁻⁴");
        assert_eq!(label(2e-5), "2×10⁻⁵");
        assert_eq!(label(0.001), "0.001");
        assert_eq!(label(1e6), "10⁶");
        assert_eq!(power_label(0.001), "10⁻³");
        assert_eq!(power_label(1.0), "10⁰");
        assert_eq!(power_label(2e-4), "2×10⁻⁴");
    }

    #[test]
    fn log_ticks_label_decades_and_keep_two_labels() {
        let (major, minor) = log(&(5e-4..0.3));
        assert_eq!(major, vec![1e-3, 1e-2, 1e-1]);
        // 5, 6, 7, 8, 9 × 10⁻⁴; 2 … 9 × 10⁻³ and 10⁻²; 0.2 and 0.3.
        assert_eq!(minor.len(), 5 + 8 + 8 + 2);
        let (major, _) = log(&(0.006..0.3));
        assert_eq!(major, vec![0.01, 0.02, 0.05, 0.1, 0.2]);
        assert_eq!(log(&(0.0..1.0)), (Vec::new(), Vec::new()));
    }
}
