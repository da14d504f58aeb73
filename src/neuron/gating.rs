//! Gating-rate helpers. Rates of the form x/(1 − e^(−x)) have a removable singularity at
//! x = 0; they are written with `exprel(x) = (eˣ − 1)/x`, evaluated without cancellation
//! (as brian2's `exprel`), so a voltage exactly at the singular point gives the limit.

/// (eˣ − 1)/x, accurate for all x, equal to 1 at x = 0.
pub fn exprel(x: f64) -> f64 {
    if x.abs() < 1e-5 {
        // Taylor series; the next term, x³/24, is below 1e-16 relative here.
        1.0 + x * (0.5 + x / 6.0)
    } else {
        x.exp_m1() / x
    }
}

/// x/(1 − e^(−x)) = 1/exprel(−x), the form of α_m and α_n in Hodgkin–Huxley-type models.
pub fn x_over_one_minus_exp_neg(x: f64) -> f64 {
    1.0 / exprel(-x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exprel_by_hand() {
        assert!((exprel(0.0) - 1.0).abs() < 1e-16);
        assert!((exprel(1.0) - (std::f64::consts::E - 1.0)).abs() < 1e-15);
        assert!((exprel(-2.0) - (1.0 - (-2.0f64).exp()) / 2.0).abs() < 1e-15);
        // Near zero the naive form loses digits; the series does not.
        let x = 1e-9;
        assert!((exprel(x) - (1.0 + x / 2.0)).abs() < 1e-18);
        // Just outside the series branch, expm1 keeps full precision (within an ulp of 1).
        let x = 2e-5;
        assert!(
            (exprel(x) - (1.0 + x / 2.0 + x * x / 6.0 + x * x * x / 24.0)).abs() <= f64::EPSILON
        );
    }

    #[test]
    fn singular_form_is_continuous() {
        assert!((x_over_one_minus_exp_neg(0.0) - 1.0).abs() < 1e-16);
        let left = x_over_one_minus_exp_neg(-1e-7);
        let right = x_over_one_minus_exp_neg(1e-7);
        assert!((left - right).abs() < 2e-7);
        // By hand at x = 1: 1/(1 − 1/e).
        assert!((x_over_one_minus_exp_neg(1.0) - 1.0 / (1.0 - (-1.0f64).exp())).abs() < 1e-15);
    }
}
