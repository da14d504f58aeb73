//! Number formatting for views: every number in the commentary passes through here.

/// `x` with `decimals` digits after the point; `-0` printed as `0`.
pub fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if s.trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        s.trim_start_matches('-').to_string()
    } else {
        s
    }
}

/// `x` to `digits` significant digits, in plain or scientific notation as is shorter to read.
pub fn sig(x: f64, digits: usize) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let exponent = x.abs().log10().floor() as i32;
    if !(-3..=5).contains(&exponent) {
        let mantissa_digits = digits.saturating_sub(1);
        let s = format!("{x:.mantissa_digits$e}");
        let (m, e) = s
            .split_once('e')
            .expect("scientific format has an exponent");
        let sup: String = e
            .chars()
            .map(|c| match c {
                '-' => '⁻',
                d => ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹']
                    [d.to_digit(10).unwrap_or(0) as usize],
            })
            .collect();
        return format!("{m} × 10{sup}");
    }
    let decimals = (digits as i32 - 1 - exponent).max(0) as usize;
    fixed(x, decimals)
}

/// A configured value as written: the shortest decimal that reads back as the same number.
pub fn plain(x: f64) -> String {
    if x == 0.0 {
        "0".to_string()
    } else {
        format!("{x}")
    }
}

/// Like [`sig`], without trailing zeros after the decimal point.
pub fn short(x: f64, digits: usize) -> String {
    let s = sig(x, digits);
    if s.contains('.') && !s.contains('×') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A percentage of a fraction, to `digits` significant digits.
pub fn percent(fraction: f64, digits: usize) -> String {
    sig(100.0 * fraction, digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(fixed(-0.0001, 2), "0.00");
        assert_eq!(sig(123.456, 3), "123");
        assert_eq!(sig(0.012345, 2), "0.012");
        assert_eq!(sig(1.5e-7, 2), "1.5 × 10⁻⁷");
        assert_eq!(percent(0.0314, 2), "3.1");
    }
}
