//! Small statistics for counts of restarts: the Wilson score interval of a proportion,
//! Fisher's exact test of a 2×2 table, and quartiles (numpy's default linear interpolation).

/// z of a two-sided 95 % interval.
pub const Z95: f64 = 1.959_963_984_540_054;

/// The Wilson score interval (95 %) of `k` successes in `n` trials, as fractions.
pub fn wilson(k: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, n) = (k as f64, n as f64);
    let p = k / n;
    let z2 = Z95 * Z95;
    let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z95 / (1.0 + z2 / n) * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

fn ln_factorial(n: usize) -> f64 {
    (1..=n).map(|k| (k as f64).ln()).sum()
}

/// Two-sided p-value of Fisher's exact test for the table [[a, b], [c, d]]: the probability,
/// under independence with the margins fixed, of a table at most as likely as the one seen
/// (with scipy's relative tolerance of 1e-7 for ties).
pub fn fisher_exact(a: usize, b: usize, c: usize, d: usize) -> f64 {
    let (r1, r2, c1) = (a + b, c + d, a + c);
    let n = r1 + r2;
    let ln_p = |x: usize| -> f64 {
        // P(X = x) for X hypergeometric: the (1,1) cell with margins r1, r2, c1.
        ln_factorial(r1) + ln_factorial(r2) + ln_factorial(c1) + ln_factorial(n - c1)
            - ln_factorial(n)
            - ln_factorial(x)
            - ln_factorial(r1 - x)
            - ln_factorial(c1 - x)
            - ln_factorial(r2 + x - c1)
    };
    let lo = c1.saturating_sub(r2);
    let hi = r1.min(c1);
    let observed = ln_p(a);
    (lo..=hi)
        .map(ln_p)
        .filter(|&l| l <= observed + 1e-7_f64.ln_1p())
        .map(f64::exp)
        .sum::<f64>()
        .min(1.0)
}

/// First quartile, median and third quartile, with numpy's default (linear) interpolation;
/// `None` for no values.
pub fn quartiles(values: &[f64]) -> Option<(f64, f64, f64)> {
    if values.is_empty() {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let pos = q * (v.len() - 1) as f64;
        let (i, frac) = (pos.floor() as usize, pos - pos.floor());
        if i + 1 < v.len() {
            v[i] + frac * (v[i + 1] - v[i])
        } else {
            v[i]
        }
    };
    Some((at(0.25), at(0.5), at(0.75)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_matches_known_intervals() {
        // statsmodels proportion_confint(81, 100, method="wilson"): (0.72221, 0.87485).
        let (lo, hi) = wilson(81, 100);
        assert!(
            (lo - 0.72221).abs() < 1e-5 && (hi - 0.87485).abs() < 1e-5,
            "{lo} {hi}"
        );
        // 20 of 20: (0.8389, 1.0).
        let (lo, hi) = wilson(20, 20);
        assert!(
            (lo - 0.8389).abs() < 1e-4 && (hi - 1.0).abs() < 1e-12,
            "{lo} {hi}"
        );
    }

    #[test]
    fn fisher_matches_exact_binomial_sums() {
        // [[81, 19], [20, 0]]: 81 is the smallest possible (1,1) cell, so the two-sided p is
        // the sum of every table at most as likely; exact binomials give 0.0402638619637233.
        let p = fisher_exact(81, 19, 20, 0);
        assert!((p - 0.040_263_861_963_723_3).abs() < 1e-12, "{p}");
        // The lady tasting tea: [[3, 1], [1, 3]], p = 0.4857.
        assert!((fisher_exact(3, 1, 1, 3) - 0.485_714).abs() < 1e-5);
        // A table with no association: p = 1.
        assert!((fisher_exact(5, 5, 5, 5) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn quartiles_match_numpy() {
        // numpy.percentile([1, 2, 3, 4], [25, 50, 75]) = 1.75, 2.5, 3.25.
        assert_eq!(quartiles(&[4.0, 1.0, 3.0, 2.0]), Some((1.75, 2.5, 3.25)));
        assert_eq!(quartiles(&[7.0]), Some((7.0, 7.0, 7.0)));
        assert_eq!(quartiles(&[]), None);
    }
}
