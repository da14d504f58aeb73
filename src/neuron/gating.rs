//! Gating-rate helpers. Rates of the form x/(1 − e^(−x)) have a removable singularity at
//! x = 0; they are written with `exprel(x) = (eˣ − 1)/x`, evaluated without cancellation
//! (as brian2's `exprel`), so a voltage exactly at the singular point gives the limit.
//!
//! The models write their rates once, generic over [`Real`]: on `f64` with the C library's
//! functions (the path that matches brian2 spike for spike), and on four neurons at once
//! ([`F4`], the lane math of [`crate::simd`]) for the batched runs.

use crate::simd::F4;
use std::ops::{Add, Div, Mul, Neg, Sub};

/// A number the gating rates can be computed on: `f64`, or four lanes of them.
pub trait Real:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + Add<f64, Output = Self>
    + Sub<f64, Output = Self>
    + Mul<f64, Output = Self>
    + Div<f64, Output = Self>
{
    /// The constant `x`.
    fn c(x: f64) -> Self;
    /// eˣ.
    fn exp(self) -> Self;
    /// (eˣ − 1)/x, 1 at x = 0.
    fn exprel(self) -> Self;
    /// 1/exprel(x) = x/(eˣ − 1), 1 at x = 0.
    fn inv_exprel(self) -> Self;
    /// ln(1 + x).
    fn ln_1p(self) -> Self;
    /// x⁴.
    fn pow4(self) -> Self;
}

impl Real for f64 {
    #[inline(always)]
    fn c(x: f64) -> f64 {
        x
    }
    #[inline(always)]
    fn exp(self) -> f64 {
        f64::exp(self)
    }
    #[inline(always)]
    fn exprel(self) -> f64 {
        exprel(self)
    }
    #[inline(always)]
    fn inv_exprel(self) -> f64 {
        1.0 / exprel(self)
    }
    #[inline(always)]
    fn ln_1p(self) -> f64 {
        f64::ln_1p(self)
    }
    #[inline(always)]
    fn pow4(self) -> f64 {
        self.powi(4)
    }
}

impl Real for F4 {
    #[inline(always)]
    fn c(x: f64) -> F4 {
        F4::splat(x)
    }
    #[inline(always)]
    fn exp(self) -> F4 {
        F4::exp(self)
    }
    #[inline(always)]
    fn exprel(self) -> F4 {
        F4::exprel(self)
    }
    #[inline(always)]
    fn inv_exprel(self) -> F4 {
        // One division instead of two.
        F4::x_over_expm1(self)
    }
    #[inline(always)]
    fn ln_1p(self) -> F4 {
        F4::ln_1p(self)
    }
    #[inline(always)]
    fn pow4(self) -> F4 {
        let x2 = self * self;
        x2 * x2
    }
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
pub fn x_over_one_minus_exp_neg<R: Real>(x: R) -> R {
    (-x).inv_exprel()
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
