//! Gating-rate helpers. Rates of the form x/(1 − e^(−x)) have a removable singularity at
//! x = 0; they are written with `exprel(x) = (eˣ − 1)/x`, evaluated without cancellation
//! (as brian2's `exprel`), so a voltage exactly at the singular point gives the limit.
//!
//! The models write their rates twice: on `f64` with the C library's functions (the path that
//! matches brian2 spike for spike, and the one the bifurcation analyses differentiate), and on
//! four neurons at once ([`F4`], the lane math of [`crate::simd`]) for the batched runs,
//! where several rates share one exponential (`x_over_expm1_from`); tests hold the two
//! within 1e-14 of each other.

use crate::simd::F4;

/// |x| below which `x_over_expm1_from` takes the series.
const SERIES_BELOW: f64 = 0.125;

/// x/(eˣ − 1) in every lane, as `num`/`den` where those are x and eˣ − 1 formed from an eˣ
/// the caller has at hand (or x·e⁻ˣ and 1 − e⁻ˣ from an e⁻ˣ), or for |x| < 1/8 by the
/// series 1 − x/2 + x²/12 − x⁴/720 + x⁶/30240 − x⁸/1209600 (the first term left out,
/// x¹⁰/47900160, is below 5e-17 there). The lane kernels share one exponential among several
/// rates by powers of it; such an eˣ carries a relative error η of some ulp, and eˣ − 1
/// formed from it an error of η/|x| relative, so the series takes over where that would
/// exceed 8η. Lanes that need no series skip it (one predictable branch).
#[inline(always)]
pub(crate) fn x_over_expm1_from(x: F4, num: F4, den: F4) -> F4 {
    let small = x.abs().lt(F4::splat(SERIES_BELOW));
    if small.bits() == 0 {
        return num / den;
    }
    let z = x * x;
    let even =
        z * (1.0 / 12.0 + z * (-1.0 / 720.0 + z * (1.0 / 30_240.0 + z * (-1.0 / 1_209_600.0))));
    let series = (1.0 - x * 0.5) + even;
    F4::select(small, series, num / den)
}

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
#[inline(always)]
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
        assert!((x_over_one_minus_exp_neg(0.0f64) - 1.0).abs() < 1e-16);
        let left = x_over_one_minus_exp_neg(-1e-7f64);
        let right = x_over_one_minus_exp_neg(1e-7f64);
        assert!((left - right).abs() < 2e-7);
        // By hand at x = 1: 1/(1 − 1/e).
        assert!((x_over_one_minus_exp_neg(1.0f64) - 1.0 / (1.0 - (-1.0f64).exp())).abs() < 1e-15);
    }
}
