//! Four f64 lanes ([`F4`]) and the elementary functions the neuron and network kernels need
//! on them: [`F4::exp`] and [`F4::ln_1p`], branch-free polynomials written in plain
//! arithmetic so the compiler turns them into vector code.
//!
//! **Portable and identical.** Nothing here asks for a processor feature. A kernel that wants
//! AVX2 is compiled twice with [`multiversion!`](crate::multiversion): once for the baseline
//! x86-64 (SSE2) and once under `#[target_feature(enable = "avx2,fma")]`, and [`Isa::detect`]
//! picks at run time. Rust never contracts `a * b + c` into a fused multiply-add on its own (no
//! fast-math), and every operation used here is correctly rounded by IEEE 754 on both paths, so
//! the two give the same bits; `tests` checks it.
//!
//! **Accuracy.** Against the C library: `exp` within 1 ulp, `ln_1p` within 2 ulp plus 1e-16
//! absolute, tested over their working range. They are not the library's functions, so a
//! kernel built on them is a different (equally accurate) rounding of the same model: runs
//! that must agree with brian2 spike for spike keep the library path.

use std::ops::{Add, Div, Mul, Neg, Sub};

/// Four f64 lanes.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(C, align(32))]
pub struct F4(pub [f64; 4]);

/// Four lane conditions, from the comparisons of [`F4`]: all ones where true, zero where
/// false (the layout of a vector compare, so selects compile to bitwise operations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct M4(pub [u64; 4]);

impl M4 {
    /// Lane k true where `f(k)`.
    #[inline(always)]
    pub fn from_fn(f: impl Fn(usize) -> bool) -> M4 {
        M4(std::array::from_fn(|k| if f(k) { u64::MAX } else { 0 }))
    }

    /// Lanes where both hold.
    #[inline(always)]
    pub fn and(self, other: M4) -> M4 {
        M4(std::array::from_fn(|k| self.0[k] & other.0[k]))
    }

    /// Bit k set where lane k is true.
    #[inline(always)]
    pub fn bits(self) -> u32 {
        (0..4).fold(0, |b, k| b | (((self.0[k] >> 63) as u32) << k))
    }
}

macro_rules! lanewise {
    ($trait:ident, $method:ident, $op:tt) => {
        impl $trait for F4 {
            type Output = F4;
            #[inline(always)]
            fn $method(self, rhs: F4) -> F4 {
                F4([
                    self.0[0] $op rhs.0[0],
                    self.0[1] $op rhs.0[1],
                    self.0[2] $op rhs.0[2],
                    self.0[3] $op rhs.0[3],
                ])
            }
        }
        impl $trait<f64> for F4 {
            type Output = F4;
            #[inline(always)]
            fn $method(self, rhs: f64) -> F4 {
                self $op F4::splat(rhs)
            }
        }
        impl $trait<F4> for f64 {
            type Output = F4;
            #[inline(always)]
            fn $method(self, rhs: F4) -> F4 {
                F4::splat(self) $op rhs
            }
        }
    };
}

lanewise!(Add, add, +);
lanewise!(Sub, sub, -);
lanewise!(Mul, mul, *);
lanewise!(Div, div, /);

impl Neg for F4 {
    type Output = F4;
    #[inline(always)]
    fn neg(self) -> F4 {
        F4([-self.0[0], -self.0[1], -self.0[2], -self.0[3]])
    }
}

/// 1.5·2⁵²: adding it to |x| < 2⁵¹ rounds x to an integer held in the low mantissa bits.
const ROUND_MAGIC: f64 = 6_755_399_441_055_744.0;
/// log2(e).
const LOG2_E: f64 = std::f64::consts::LOG2_E;
/// ln 2 split in two: the high part has 21 trailing zero bits, so n·LN2_HI is exact for
/// |n| < 2²¹ (here |n| < 1600).
const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000);
/// The rest of ln 2.
const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76);

/// |x| up to which [`F4::exp`] needs neither clamp nor a split scale: e^±708 and 2^±1021 are
/// normal.
const PLAIN_RANGE: f64 = 708.0;

/// (eʳ − 1 − r)/r² = Σ rᵏ/(k + 2)!, k = 0…11, highest power first.
const EXPM1_Q: [f64; 12] = [
    1.0 / 6_227_020_800.0,
    1.0 / 479_001_600.0,
    1.0 / 39_916_800.0,
    1.0 / 3_628_800.0,
    1.0 / 362_880.0,
    1.0 / 40_320.0,
    1.0 / 5_040.0,
    1.0 / 720.0,
    1.0 / 120.0,
    1.0 / 24.0,
    1.0 / 6.0,
    1.0 / 2.0,
];

/// (atanh(s)/s − 1)/z = Σ zᵏ/(2k + 3), z = s², k = 0…10, highest power first.
const ATANH_P: [f64; 11] = [
    1.0 / 23.0,
    1.0 / 21.0,
    1.0 / 19.0,
    1.0 / 17.0,
    1.0 / 15.0,
    1.0 / 13.0,
    1.0 / 11.0,
    1.0 / 9.0,
    1.0 / 7.0,
    1.0 / 5.0,
    1.0 / 3.0,
];

/// Each of `c` in all four lanes.
const fn splat_all<const K: usize>(c: [f64; K]) -> [F4; K] {
    let mut out = [F4([0.0; 4]); K];
    let mut i = 0;
    while i < K {
        out[i] = F4([c[i]; 4]);
        i += 1;
    }
    out
}

/// The constants of [`F4::exp`]'s reduction, range check and polynomial, as whole vectors.
///
/// The lane math reads them (and [`ATANH_P4`]) through [`std::hint::black_box`]: the compiler
/// then takes each from memory as an operand of the one instruction that uses it. Given plain
/// constants, it put every one into a register with an instruction of its own (a broadcast,
/// 206 per step of the Hodgkin–Huxley kernel) before use, since 16 vector registers cannot
/// hold an exponential's 18 constants and a neuron's state. Same values, so the same bits;
/// measured: the Hodgkin–Huxley lane kernel 28.6 → 24.9 ns per neuron-step, the
/// Connor–Stevens F-I sweep 6 % and the 5-unit networks 6 % faster. `black_box` only hides
/// where the reference points: nothing depends on it for correctness.
struct ExpTable {
    log2_e: F4,
    magic: F4,
    ln2_hi: F4,
    ln2_lo: F4,
    one: F4,
    plain_range: F4,
    q: [F4; 12],
}

static EXP_TABLE: ExpTable = ExpTable {
    log2_e: F4([LOG2_E; 4]),
    magic: F4([ROUND_MAGIC; 4]),
    ln2_hi: F4([LN2_HI; 4]),
    ln2_lo: F4([LN2_LO; 4]),
    one: F4([1.0; 4]),
    plain_range: F4([PLAIN_RANGE; 4]),
    q: splat_all(EXPM1_Q),
};

/// [`ATANH_P`] as whole vectors (see [`ExpTable`]).
static ATANH_P4: [F4; 11] = splat_all(ATANH_P);

/// The polynomial with coefficients `c` (highest power first) at x, by Estrin's scheme:
/// pairs of terms c₂ᵢ + c₂ᵢ₊₁·x, then pairs of those with x², x⁴, …, so the chain of dependent
/// operations is 2·⌈log₂ K⌉ long instead of Horner's 2·K (the kernels that step one neuron
/// wait on it).
#[inline(always)]
fn estrin<const K: usize>(x: F4, c: &[F4; K]) -> F4 {
    let mut terms: [F4; K] = std::array::from_fn(|i| c[K - 1 - i]);
    let (mut n, mut power) = (K, x);
    while n > 1 {
        let half = n.div_ceil(2);
        for i in 0..half {
            if 2 * i + 1 < n {
                terms[i] = terms[2 * i] + terms[2 * i + 1] * power;
            } else {
                terms[i] = terms[2 * i];
            }
        }
        n = half;
        power = power * power;
    }
    terms[0]
}

impl F4 {
    /// All four lanes `x`.
    #[inline(always)]
    pub fn splat(x: f64) -> F4 {
        F4([x; 4])
    }

    #[inline(always)]
    fn map_bits(self, f: impl Fn(u64) -> u64) -> F4 {
        F4(self.0.map(|x| f64::from_bits(f(x.to_bits()))))
    }

    /// Lanes where self < other (false where either is NaN).
    #[inline(always)]
    pub fn lt(self, other: F4) -> M4 {
        M4::from_fn(|k| self.0[k] < other.0[k])
    }

    /// Lanes where self > other (false where either is NaN).
    #[inline(always)]
    pub fn gt(self, other: F4) -> M4 {
        M4::from_fn(|k| self.0[k] > other.0[k])
    }

    /// Lanes where self ≤ other (false where either is NaN).
    #[inline(always)]
    pub fn le(self, other: F4) -> M4 {
        M4::from_fn(|k| self.0[k] <= other.0[k])
    }

    /// Lanes where self is not NaN.
    #[inline(always)]
    pub fn is_number(self) -> M4 {
        M4::from_fn(|k| !self.0[k].is_nan())
    }

    /// Lanes where self is ±0.
    #[inline(always)]
    pub fn is_zero(self) -> M4 {
        M4::from_fn(|k| self.0[k].to_bits() << 1 == 0)
    }

    /// `a` where `m` holds, `b` elsewhere.
    #[inline(always)]
    pub fn select(m: M4, a: F4, b: F4) -> F4 {
        F4(std::array::from_fn(|k| {
            f64::from_bits((m.0[k] & a.0[k].to_bits()) | (!m.0[k] & b.0[k].to_bits()))
        }))
    }

    /// x rounded to the nearest integer (ties to even), for |x| < 2⁵¹, and the bits of
    /// x + 1.5·2⁵², whose low 32 bits hold that integer in two's complement; `magic` is
    /// [`ROUND_MAGIC`] in every lane (the kernels pass [`ExpTable`]'s).
    #[inline(always)]
    fn round_int(self, magic: F4) -> (F4, F4) {
        let shifted = self + magic;
        (shifted - magic, shifted)
    }

    /// 2^k for integers k in [−1022, 1023], from k's `round_int` bits.
    #[inline(always)]
    fn pow2_from_bits(shifted: F4) -> F4 {
        // The magic's own bits end up above bit 63 and vanish in the shift.
        shifted.map_bits(|b| b.wrapping_add(1023) << 52)
    }

    /// 2^n for integers n in [−2044, 2046] as two factors 2^(n − h)·2^h, each normal.
    #[inline(always)]
    fn pow2_split(n: F4) -> (F4, F4) {
        let magic = F4::splat(ROUND_MAGIC);
        let (h, h_bits) = (n * 0.5).round_int(magic);
        let (_, l_bits) = (n - h).round_int(magic);
        (F4::pow2_from_bits(l_bits), F4::pow2_from_bits(h_bits))
    }

    /// x = n·ln 2 + r with n an integer and |r| ≤ ln2/2 (plus rounding); returns n, the
    /// `round_int` bits of n and t = e^r − 1. `x` must be in [−1100, 1100].
    #[inline(always)]
    fn exp_reduce(x: F4, k: &ExpTable) -> (F4, F4, F4) {
        let (n, n_bits) = (x * k.log2_e).round_int(k.magic);
        // x − n·LN2_HI is exact (n·LN2_HI is, and the two are within a factor 2).
        let r = (x - n * k.ln2_hi) - n * k.ln2_lo;
        // e^r − 1 = r + r²·q(r), Taylor to r¹³: the first term left out, r¹⁴/14!, is below
        // 5e-18 for |r| ≤ 0.347.
        let q = estrin(r, &k.q);
        (n, n_bits, r + r * r * q)
    }

    /// Every lane within [−`PLAIN_RANGE`, `PLAIN_RANGE`] (false for NaN): 2ⁿ and the
    /// result are then normal numbers, one factor 2ⁿ does (the result may still round into
    /// the subnormals by one rounding, as with two factors), and the clamp does nothing.
    #[inline(always)]
    fn in_plain_range(self, range: F4) -> bool {
        let inside = M4::from_fn(|k| self.0[k].abs() <= range.0[k]);
        (inside.0[0] & inside.0[1] & inside.0[2] & inside.0[3]) != 0
    }

    /// Clamps to [−lo, hi] keeping NaN (a NaN lane fails both comparisons).
    #[inline(always)]
    fn clamp_nan(self, lo: f64, hi: f64) -> F4 {
        let x = F4::select(self.gt(F4::splat(hi)), F4::splat(hi), self);
        F4::select(x.lt(F4::splat(lo)), F4::splat(lo), x)
    }

    /// eˣ in every lane: inf above 709.78, 0 (through the subnormals) below −745, NaN for NaN.
    ///
    /// Where every lane is within ±`PLAIN_RANGE` (the kernels' case: one predictable
    /// branch) it scales by 2ⁿ at once; elsewhere `exp_wide`, out of line, clamps and scales
    /// by two factors. Both are one rounding of the same exact product (1 + t)·2ⁿ, so the
    /// same bits (tested).
    #[inline(always)]
    pub fn exp(self) -> F4 {
        let k = std::hint::black_box(&EXP_TABLE);
        if !self.in_plain_range(k.plain_range) {
            return exp_wide(self);
        }
        let (_, n_bits, t) = F4::exp_reduce(self, k);
        (k.one + t) * F4::pow2_from_bits(n_bits)
    }

    /// ln(1 + x) in every lane for x ≥ 0 (the domain the kernels use: x is an exponential);
    /// inf for inf, NaN for NaN.
    #[inline(always)]
    pub fn ln_1p(self) -> F4 {
        const MANTISSA: u64 = (1 << 52) - 1;
        const ONE: u64 = 0x3ff0_0000_0000_0000;
        let u = 1.0 + self;
        // 1 + x rounded to u; the lost part, divided by u, is the first-order correction.
        let correction = (self - (u - 1.0)) / u;
        // u = 2^k·m with m in [1, 2), then m in [√½, √2).
        let m = u.map_bits(|b| (b & MANTISSA) | ONE);
        let exponent = u.map_bits(|b| (b >> 52) | 0x4330_0000_0000_0000) - 4_503_599_627_370_496.0;
        let big = m.gt(F4::splat(std::f64::consts::SQRT_2));
        let m = F4::select(big, m * 0.5, m);
        let k = exponent - 1023.0 + F4::select(big, F4::splat(1.0), F4::splat(0.0));
        // ln m = 2 atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.172: 2s(1 + z/3 + z²/5 + …) with
        // z = s²; the first term left out, z¹²/25, is below 1e-19.
        let f = m - 1.0;
        let s = f / (2.0 + f);
        let z = s * s;
        let p = estrin(z, std::hint::black_box(&ATANH_P4));
        let ln_m = 2.0 * s + 2.0 * s * z * p;
        let ln = k * LN2_HI + ((k * LN2_LO + correction) + ln_m);
        // inf and NaN pass through (their exponent field would read as a finite k).
        F4::select(u.lt(F4::splat(f64::INFINITY)), ln, u)
    }

    /// The bits of every lane, for comparisons in tests.
    pub fn to_bits(self) -> [u64; 4] {
        self.0.map(f64::to_bits)
    }
}

/// [`F4::exp`] where some lane is outside the plain range (or NaN): clamped to ±1100, then
/// scaled by two factors 2^(n − h)·2^h, each a normal number, so that the result overflows to
/// inf and underflows through the subnormals to 0 by one rounding. Out of line (and `cold`),
/// so the kernels' vector code keeps its registers for the common path; it uses only
/// correctly rounded operations, so the instruction set it is compiled for does not matter.
#[cold]
#[inline(never)]
fn exp_wide(x: F4) -> F4 {
    let (n, _, t) = F4::exp_reduce(x.clamp_nan(-1100.0, 1100.0), &EXP_TABLE);
    let (a, b) = F4::pow2_split(n);
    (1.0 + t) * a * b
}

/// eˣ of one number with the lane math (bit for bit lane 0 of [`F4::exp`]).
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    F4::splat(x).exp().0[0]
}

/// ln(1 + x) of one x ≥ 0 with the lane math (bit for bit lane 0 of [`F4::ln_1p`]).
#[inline(always)]
pub fn ln_1p(x: f64) -> f64 {
    F4::splat(x).ln_1p().0[0]
}

impl F4 {
    /// √x in every lane (correctly rounded, as `f64::sqrt`).
    #[inline(always)]
    pub fn sqrt(self) -> F4 {
        F4(self.0.map(f64::sqrt))
    }

    /// |x| in every lane.
    #[inline(always)]
    pub fn abs(self) -> F4 {
        F4(self.0.map(f64::abs))
    }
}

/// The instruction set a kernel is compiled for, chosen once per call with [`Isa::detect`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isa {
    /// The x86-64 baseline (SSE2), or the target's own baseline elsewhere.
    Baseline,
    /// AVX2 with FMA (x86-64 only, when the processor has both).
    Avx2,
}

impl Isa {
    /// The best this processor runs.
    pub fn detect() -> Isa {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
            {
                return Isa::Avx2;
            }
        }
        Isa::Baseline
    }

    /// Every instruction set this processor runs, baseline first (for tests that compare
    /// them).
    pub fn available() -> Vec<Isa> {
        let mut v = vec![Isa::Baseline];
        if Isa::detect() == Isa::Avx2 {
            v.push(Isa::Avx2);
        }
        v
    }
}

/// Compiles a kernel twice and calls the one for an [`Isa`]:
/// `multiversion!(isa, body(args…))` calls the `#[inline(always)]` function `body` compiled
/// for the baseline, or inside a `#[target_feature(enable = "avx2,fma")]` function (checked
/// to be available first) so that its arithmetic is compiled for AVX2.
#[macro_export]
macro_rules! multiversion {
    ($isa:expr, $body:ident $(::<$($gen:ty),*>)? ($($arg:expr),* $(,)?)) => {{
        match $isa {
            $crate::simd::Isa::Baseline => $body $(::<$($gen),*>)? ($($arg),*),
            $crate::simd::Isa::Avx2 => {
                assert!(
                    $crate::simd::Isa::detect() == $crate::simd::Isa::Avx2,
                    "AVX2 with FMA is not available"
                );
                #[cfg(target_arch = "x86_64")]
                {
                    #[target_feature(enable = "avx2,fma")]
                    fn avx2<R>(f: impl FnOnce() -> R) -> R {
                        f()
                    }
                    // SAFETY: the processor has AVX2 and FMA (asserted above).
                    unsafe { avx2(#[inline(always)] || $body $(::<$($gen),*>)? ($($arg),*)) }
                }
                #[cfg(not(target_arch = "x86_64"))]
                {
                    $body $(::<$($gen),*>)? ($($arg),*)
                }
            }
        }
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distance in units in the last place between two finite f64 of the same sign.
    fn ulps(a: f64, b: f64) -> u64 {
        if a.to_bits() == b.to_bits() {
            return 0;
        }
        assert!(
            a.is_finite() && b.is_finite() && a.signum() == b.signum(),
            "{a} {b}"
        );
        a.to_bits().abs_diff(b.to_bits())
    }

    fn grid(lo: f64, hi: f64, n: usize) -> impl Iterator<Item = F4> {
        (0..n).map(move |k| {
            F4(std::array::from_fn(|j| {
                lo + (hi - lo) * ((4 * k + j) as f64 + 0.3) / (4 * n) as f64
            }))
        })
    }

    #[test]
    fn exp_is_within_one_ulp_of_the_library() {
        let mut worst = 0;
        for x in grid(-745.0, 709.0, 200_000).chain(grid(-1.0, 1.0, 50_000)) {
            let y = x.exp();
            for k in 0..4 {
                let want = x.0[k].exp();
                if want >= f64::MIN_POSITIVE {
                    worst = worst.max(ulps(y.0[k], want));
                }
            }
        }
        assert!(worst <= 1, "{worst} ulp");
    }

    #[test]
    fn one_scale_and_two_scales_give_the_same_bits() {
        // A lane outside the plain range sends all four lanes down the clamped path with two
        // scale factors; the other three must not notice.
        let xs = grid(-PLAIN_RANGE, PLAIN_RANGE, 100_000)
            .chain(grid(-1.0, 1.0, 20_000))
            .chain(grid(-PLAIN_RANGE, -700.0, 20_000))
            .chain(grid(700.0, PLAIN_RANGE, 20_000));
        let mut checked = 0;
        for x in xs {
            assert!(x.in_plain_range(F4::splat(PLAIN_RANGE)));
            for far in [1000.0, -1000.0, f64::NAN] {
                let y = F4([x.0[0], x.0[1], x.0[2], far]);
                assert!(!y.in_plain_range(F4::splat(PLAIN_RANGE)));
                assert_eq!(x.exp().to_bits()[..3], y.exp().to_bits()[..3], "{x:?}");
                checked += 1;
            }
        }
        assert!(checked > 400_000);
    }

    #[test]
    fn masks_hold_each_lane_and_pack_into_bits() {
        let x = F4([1.0, f64::NAN, -3.0, 2.0]);
        let y = F4([1.0, 0.0, -4.0, 5.0]);
        assert_eq!(x.is_number().bits(), 0b1101);
        assert_eq!(x.le(y).bits(), 0b1001);
        assert_eq!(x.gt(y).bits(), 0b0100);
        assert_eq!(x.lt(y).bits(), 0b1000);
        assert_eq!(x.is_number().and(x.le(y)).bits(), 0b1001);
        assert_eq!(M4::from_fn(|k| k >= 2).bits(), 0b1100);
    }

    #[test]
    fn ln2_splits_into_an_exact_high_part_and_the_rest() {
        assert!(LN2_HI.to_bits().trailing_zeros() >= 21);
        assert_eq!(
            (LN2_HI + LN2_LO).to_bits(),
            std::f64::consts::LN_2.to_bits()
        );
    }

    #[test]
    fn exp_edges() {
        let y = F4([0.0, 710.0, -746.0, f64::NAN]).exp();
        assert_eq!(y.0[0].to_bits(), 1f64.to_bits());
        assert!(y.0[1].is_infinite() && y.0[2].to_bits() == 0 && y.0[3].is_nan());
        let y = F4([f64::INFINITY, f64::NEG_INFINITY, 1e300, -1e300]).exp();
        assert_eq!(
            y.to_bits(),
            [f64::INFINITY.to_bits(), 0, f64::INFINITY.to_bits(), 0]
        );
        // Subnormal results are approximately right.
        let y = F4::splat(-740.0).exp().0[0];
        assert!((y - (-740f64).exp()).abs() <= 1e-3 * (-740f64).exp());
    }

    #[test]
    fn ln_1p_is_within_two_ulp_of_the_library() {
        let mut worst = 0;
        let xs = grid(0.0, 1.0, 50_000)
            .chain(grid(0.0, 1e-6, 10_000))
            .chain(grid(1.0, 1e6, 100_000))
            .chain((-700..700).map(|k| F4::splat(f64::from(k)).exp()));
        for x in xs {
            let y = x.ln_1p();
            for k in 0..4 {
                let want = x.0[k].ln_1p();
                let err = (y.0[k] - want).abs();
                if err > 1e-16 {
                    worst = worst.max(ulps(y.0[k], want));
                }
            }
        }
        assert!(worst <= 2, "{worst} ulp");
        let y = F4([0.0, f64::INFINITY, f64::NAN, f64::MAX]).ln_1p();
        assert_eq!(y.0[0].to_bits(), 0);
        assert!(y.0[1].is_infinite() && y.0[2].is_nan());
        assert!((y.0[3] - f64::MAX.ln()).abs() < 1e-12);
    }

    #[inline(always)]
    fn both(x: &[F4]) -> Vec<[u64; 4]> {
        x.iter()
            .flat_map(|x| [x.exp().to_bits(), x.ln_1p().to_bits()])
            .collect()
    }

    #[test]
    fn every_instruction_set_gives_the_same_bits() {
        let xs: Vec<F4> = grid(-800.0, 800.0, 20_000).collect();
        let abs: Vec<F4> = xs.iter().map(|x| F4(x.0.map(f64::abs))).collect();
        let results: Vec<_> = Isa::available()
            .into_iter()
            .map(|isa| {
                (
                    crate::multiversion!(isa, both(&xs)),
                    crate::multiversion!(isa, both(&abs)),
                )
            })
            .collect();
        for r in &results[1..] {
            assert!(r == &results[0]);
        }
    }
}
