//! The Connor–Stevens model (Dayan and Abbott, Theoretical Neuroscience, chapter 6), with the
//! book's parameters: an HH-like neuron plus a transient A-type potassium current
//! g_A a³b (V − E_A). Units: mV, ms, mS/cm², µA/cm², µF/cm². State: [V, m, h, n, a, b].

use super::conductance::{LANES, LaneModel, Model};
use super::gating::{x_over_expm1_from, x_over_one_minus_exp_neg};
use crate::simd::F4;

/// ln 0.0761, the log of the prefactor of the A-current activation a∞³.
const LN_0_0761: f64 = -2.575_707_014_114_497;

/// Parameters of the model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConnorStevens {
    /// Membrane capacitance (µF/cm²).
    pub c_m: f64,
    /// Sodium conductance (mS/cm²).
    pub g_na: f64,
    /// Delayed-rectifier potassium conductance (mS/cm²).
    pub g_k: f64,
    /// A-type potassium conductance (mS/cm²).
    pub g_a: f64,
    /// Leak conductance (mS/cm²).
    pub g_l: f64,
    /// Sodium reversal (mV).
    pub e_na: f64,
    /// Potassium reversal (mV).
    pub e_k: f64,
    /// A-current reversal (mV).
    pub e_a: f64,
    /// Leak reversal (mV).
    pub e_l: f64,
}

impl Default for ConnorStevens {
    fn default() -> Self {
        ConnorStevens {
            c_m: 1.0,
            g_na: 120.0,
            g_k: 20.0,
            g_a: 47.7,
            g_l: 0.3,
            e_na: 55.0,
            e_k: -72.0,
            e_a: -75.0,
            e_l: -17.0,
        }
    }
}

/// The constants of the right-hand side, of one model (`f64`) or of four side by side
/// ([`F4`], one per lane).
#[derive(Debug, Clone, Copy)]
pub struct Consts<R> {
    c_m: R,
    g_na: R,
    g_k: R,
    g_a: R,
    g_l: R,
    e_na: R,
    e_k: R,
    e_a: R,
    /// g_L·E_L.
    g_l_e_l: R,
}

/// Steady state and time constant (ms) of a gate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gate {
    /// x∞.
    pub inf: f64,
    /// τ_x (ms).
    pub tau: f64,
}

/// Opening and closing rates (1/ms) of a gate with α–β kinetics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    /// α.
    pub alpha: f64,
    /// β.
    pub beta: f64,
}

impl Rates {
    /// x∞ = α/(α + β) and τ = 1/(α + β).
    #[inline(always)]
    pub fn gate(self) -> Gate {
        let sum = self.alpha + self.beta;
        Gate {
            inf: self.alpha / sum,
            tau: 1.0 / sum,
        }
    }
}

impl ConnorStevens {
    /// The model with the given A and delayed-rectifier conductances.
    pub fn with_conductances(g_a: f64, g_k: f64) -> Self {
        ConnorStevens {
            g_a,
            g_k,
            ..Default::default()
        }
    }

    /// Rates of the sodium activation m.
    #[inline(always)]
    pub fn m_rates(v: f64) -> Rates {
        Rates {
            alpha: 3.8 * x_over_one_minus_exp_neg((v + 29.7) * 0.1),
            beta: 15.2 * ((v + 54.7) * -0.0556).exp(),
        }
    }

    /// Rates of the sodium inactivation h.
    #[inline(always)]
    pub fn h_rates(v: f64) -> Rates {
        Rates {
            alpha: 0.266 * ((v + 48.0) * -0.05).exp(),
            beta: 3.8 / (1.0 + ((v + 18.0) * -0.1).exp()),
        }
    }

    /// Rates of the delayed-rectifier activation n.
    #[inline(always)]
    pub fn n_rates(v: f64) -> Rates {
        Rates {
            alpha: 0.2 * x_over_one_minus_exp_neg((v + 45.7) * 0.1),
            beta: 0.25 * ((v + 55.7) * -0.0125).exp(),
        }
    }

    /// Sodium activation m.
    #[inline(always)]
    pub fn m(v: f64) -> Gate {
        Self::m_rates(v).gate()
    }

    /// Sodium inactivation h.
    #[inline(always)]
    pub fn h(v: f64) -> Gate {
        Self::h_rates(v).gate()
    }

    /// Delayed-rectifier activation n.
    #[inline(always)]
    pub fn n(v: f64) -> Gate {
        Self::n_rates(v).gate()
    }

    /// A-current activation a.
    #[inline(always)]
    pub fn a(v: f64) -> Gate {
        // a∞ = x^(1/3) with x = 0.0761 e^(0.0314 (v + 94.22)) / (1 + e^(0.0346 (v + 1.17))),
        // taken as exp(ln(x)/3) with ln x written out: one exp and one ln_1p instead of an exp,
        // a division and a (slow, software) cube root.
        let ln_x = LN_0_0761 + (v + 94.22) * 0.0314 - ((v + 1.17) * 0.0346).exp().ln_1p();
        Gate {
            inf: (ln_x / 3.0).exp(),
            tau: 0.3632 + 1.158 / (1.0 + ((v + 55.96) * 0.0497).exp()),
        }
    }

    /// A-current inactivation b.
    #[inline(always)]
    pub fn b(v: f64) -> Gate {
        Gate {
            inf: (1.0 / (1.0 + ((v + 53.3) * 0.0688).exp())).powi(4),
            tau: 1.24 + 2.678 / (1.0 + ((v + 50.0) * 0.0624).exp()),
        }
    }

    /// The constants of [`ConnorStevens::linear_of`] for one neuron.
    fn consts(&self) -> Consts<f64> {
        Consts {
            c_m: self.c_m,
            g_na: self.g_na,
            g_k: self.g_k,
            g_a: self.g_a,
            g_l: self.g_l,
            e_na: self.e_na,
            e_k: self.e_k,
            e_a: self.e_a,
            g_l_e_l: self.g_l * self.e_l,
        }
    }

    /// (A, B) of every variable, dx/dt = A + B·x, with the C library's functions.
    #[inline(always)]
    fn linear_of(c: &Consts<f64>, s: &[f64; 6], input: f64) -> [(f64, f64); 6] {
        let [v, m, h, n, a, b] = *s;
        let gna = c.g_na * m * m * m * h;
        let gk = c.g_k * n * n * n * n;
        let ga = c.g_a * a * a * a * b;
        let g_total = c.g_l + gna + gk + ga;
        let a_v = (c.g_l_e_l + gna * c.e_na + gk * c.e_k + ga * c.e_a + input) / c.c_m;
        // dx/dt = α − (α + β)x for the α–β gates and (x∞ − x)/τ for the others, with as
        // few divisions as the rates allow (they are most of the arithmetic's cost).
        let kinetic = |r: Rates| (r.alpha, -(r.alpha + r.beta));
        let relaxing = |g: Gate| {
            let rate = 1.0 / g.tau;
            (g.inf * rate, -rate)
        };
        [
            (a_v, -g_total / c.c_m),
            kinetic(Self::m_rates(v)),
            kinetic(Self::h_rates(v)),
            kinetic(Self::n_rates(v)),
            relaxing(Self::a(v)),
            relaxing(Self::b(v)),
        ]
    }

    /// Total steady-state membrane current (µA/cm², outward positive) at voltage v.
    pub fn steady_current(&self, v: f64) -> f64 {
        let [leak, na, k, a] = self.steady_components(v);
        leak + na + k + a
    }

    /// The four steady-state currents at voltage v (µA/cm², outward positive): leak, sodium,
    /// delayed rectifier and A-current, with every gate at its steady state. They sum to
    /// [`ConnorStevens::steady_current`].
    pub fn steady_components(&self, v: f64) -> [f64; 4] {
        let (m, h, n, a, b) = (
            Self::m(v).inf,
            Self::h(v).inf,
            Self::n(v).inf,
            Self::a(v).inf,
            Self::b(v).inf,
        );
        [
            self.g_l * (v - self.e_l),
            self.g_na * m * m * m * h * (v - self.e_na),
            self.g_k * n * n * n * n * (v - self.e_k),
            self.g_a * a * a * a * b * (v - self.e_a),
        ]
    }

    /// The lowest root of the steady-state I–V curve at input `input`, with all gates at their
    /// steady state: the resting state the protocol starts from. Scans V upward from −100 mV
    /// in 0.1 mV steps for the first sign change, then bisects to machine precision.
    pub fn resting_state(&self, input: f64) -> Option<[f64; 6]> {
        let f = |v: f64| self.steady_current(v) - input;
        let mut lo = -100.0;
        let mut f_lo = f(lo);
        while lo < 50.0 {
            let hi = lo + 0.1;
            let f_hi = f(hi);
            if f_lo <= 0.0 && f_hi > 0.0 {
                let (mut a, mut b) = (lo, hi);
                for _ in 0..80 {
                    let mid = 0.5 * (a + b);
                    if f(mid) <= 0.0 { a = mid } else { b = mid }
                }
                let v = 0.5 * (a + b);
                return Some([
                    v,
                    Self::m(v).inf,
                    Self::h(v).inf,
                    Self::n(v).inf,
                    Self::a(v).inf,
                    Self::b(v).inf,
                ]);
            }
            lo = hi;
            f_lo = f_hi;
        }
        None
    }
}

impl crate::analysis::bifurcation::Excitable<6> for ConnorStevens {
    fn steady_state(&self, v: f64) -> [f64; 6] {
        [
            v,
            Self::m(v).inf,
            Self::h(v).inf,
            Self::n(v).inf,
            Self::a(v).inf,
            Self::b(v).inf,
        ]
    }
}

impl Model<6> for ConnorStevens {
    fn describe(&self) -> String {
        format!(
            "Connor-Stevens (gA = {} mS/cm2, gK = {} mS/cm2)",
            self.g_a, self.g_k
        )
    }

    fn linear(&self, s: &[f64; 6], input: f64) -> [(f64, f64); 6] {
        Self::linear_of(&self.consts(), s, input)
    }
}

impl LaneModel<6> for ConnorStevens {
    type Lanes = Consts<F4>;

    fn lanes(models: [&Self; LANES]) -> Consts<F4> {
        let c = models.map(ConnorStevens::consts);
        let lane = |f: fn(&Consts<f64>) -> f64| F4([f(&c[0]), f(&c[1]), f(&c[2]), f(&c[3])]);
        Consts {
            c_m: lane(|c| c.c_m),
            g_na: lane(|c| c.g_na),
            g_k: lane(|c| c.g_k),
            g_a: lane(|c| c.g_a),
            g_l: lane(|c| c.g_l),
            e_na: lane(|c| c.e_na),
            e_k: lane(|c| c.e_k),
            e_a: lane(|c| c.e_a),
            g_l_e_l: lane(|c| c.g_l_e_l),
        }
    }

    /// The right-hand side of four neurons, their rates from shared exponentials (below).
    #[inline(always)]
    fn linear_lanes(c: &Consts<F4>, s: &[F4; 6], input: F4) -> [(F4, F4); 6] {
        let [v, m, h, n, a, b] = *s;
        let e = ((v + 55.7) * -0.0125).exp();
        let e_m = ((v + 54.7) * -0.0556).exp();
        let e_a = ((v + 1.17) * 0.0346).exp();
        let e_tau_a = ((v + 55.96) * 0.0497).exp();
        let e_b = ((v + 53.3) * 0.0688).exp();
        let e_tau_b = ((v + 50.0) * 0.0624).exp();
        let (p4, p8) = powers(e);
        let (ym, yn) = ((v + 29.7) * -0.1, (v + 45.7) * -0.1);
        let alpha_m = x_over_expm1_from(ym, ym, p8 * E_2_6 - 1.0) * 3.8;
        let alpha_n = x_over_expm1_from(yn, yn, p8 * E_1 - 1.0) * 0.2;
        let beta_h = 3.8 / (1.0 + p8 * E_3_77);
        let q_tau_a = 1.158 / (1.0 + e_tau_a);
        let q_b = 1.0 / (1.0 + e_b);
        let q_tau_b = 2.678 / (1.0 + e_tau_b);
        let ln_x = LN_0_0761 + (v + 94.22) * 0.0314 - e_a.ln_1p();
        let a_inf = (ln_x / 3.0).exp();
        let b_sq = q_b * q_b;
        let b_inf = b_sq * b_sq;
        let rate_a = 1.0 / (0.3632 + q_tau_a);
        let rate_b = 1.0 / (1.24 + q_tau_b);
        let beta_m = e_m * 15.2;
        let alpha_h = p4 * E_0_385 * 0.266;
        let beta_n = e * 0.25;
        let gna = c.g_na * m * m * m * h;
        let gk = c.g_k * n * n * n * n;
        let ga = c.g_a * a * a * a * b;
        let g_total = c.g_l + gna + gk + ga;
        let a_v = (c.g_l_e_l + gna * c.e_na + gk * c.e_k + ga * c.e_a + input) / c.c_m;
        [
            (a_v, -g_total / c.c_m),
            (alpha_m, -(alpha_m + beta_m)),
            (alpha_h, -(alpha_h + beta_h)),
            (alpha_n, -(alpha_n + beta_n)),
            (a_inf * rate_a, -rate_a),
            (b_inf * rate_b, -rate_b),
        ]
    }

    /// [`LaneModel::linear_lanes`] of one neuron with the same operations per rate, its rates
    /// side by side: exponentials of four arguments and of two, one x/(eˣ − 1) of two, four
    /// divisions in one and two in another, and the A-activation's ln_1p and exp.
    #[inline(always)]
    fn linear_packed(&self, s: &[f64; 6], input: f64) -> [(f64, f64); 6] {
        let [v, m, h, n, a, b] = *s;
        let e1 = F4([
            (v + 55.7) * -0.0125,
            (v + 54.7) * -0.0556,
            (v + 1.17) * 0.0346,
            (v + 55.96) * 0.0497,
        ])
        .exp();
        let e2 = F4([(v + 53.3) * 0.0688, (v + 50.0) * 0.0624, 0.0, 0.0]).exp();
        let (e, e_m, e_a, e_tau_a) = (e1.0[0], e1.0[1], e1.0[2], e1.0[3]);
        let (p4, p8) = powers(e);
        let (ym, yn) = ((v + 29.7) * -0.1, (v + 45.7) * -0.1);
        let xo = x_over_expm1_from(
            F4([ym, yn, 1.0, 1.0]),
            F4([ym, yn, 1.0, 1.0]),
            F4([p8 * E_2_6 - 1.0, p8 * E_1 - 1.0, 1.0, 1.0]),
        );
        let q = F4([3.8, 1.158, 1.0, 2.678]) / (1.0 + F4([p8 * E_3_77, e_tau_a, e2.0[0], e2.0[1]]));
        let ln_x = LN_0_0761 + (v + 94.22) * 0.0314 - crate::simd::ln_1p(e_a);
        let a_inf = crate::simd::exp(ln_x / 3.0);
        let b_sq = q.0[2] * q.0[2];
        let b_inf = b_sq * b_sq;
        let rates = 1.0 / F4([0.3632 + q.0[1], 1.24 + q.0[3], 1.0, 1.0]);
        let (alpha_m, beta_m) = (xo.0[0] * 3.8, e_m * 15.2);
        let (alpha_h, beta_h) = (p4 * E_0_385 * 0.266, q.0[0]);
        let (alpha_n, beta_n) = (xo.0[1] * 0.2, e * 0.25);
        let gna = self.g_na * m * m * m * h;
        let gk = self.g_k * n * n * n * n;
        let ga = self.g_a * a * a * a * b;
        let g_total = self.g_l + gna + gk + ga;
        let a_v = (self.g_l * self.e_l + gna * self.e_na + gk * self.e_k + ga * self.e_a + input)
            / self.c_m;
        [
            (a_v, -g_total / self.c_m),
            (alpha_m, -(alpha_m + beta_m)),
            (alpha_h, -(alpha_h + beta_h)),
            (alpha_n, -(alpha_n + beta_n)),
            (a_inf * rates.0[0], -rates.0[0]),
            (b_inf * rates.0[1], -rates.0[1]),
        ]
    }
}

// The lane kernels' rates share an exponential. Four of the sodium and delayed-rectifier
// exponents are multiples of β_n's, −0.0125·(V + 55.7), plus constants:
//
//   −0.1·(V + 29.7)  = 8·(−0.0125)·(V + 55.7) + 2.6    (α_m)
//   −0.1·(V + 45.7)  = 8·(−0.0125)·(V + 55.7) + 1      (α_n)
//   −0.05·(V + 48)   = 4·(−0.0125)·(V + 55.7) + 0.385  (α_h)
//   −0.1·(V + 18)    = 8·(−0.0125)·(V + 55.7) + 3.77   (β_h)
//
// so e^(−0.0125·(V + 55.7)) and three squarings give them all: six exponentials per
// evaluation instead of nine, and no expm1. A power carries its base's relative error times
// the exponent (about 12 ulp here); α_m and α_n take their series near their removable
// singularities ([`x_over_expm1_from`]). The rates stay within 1e-14 relative of the
// library's (`lane_rates_are_within_1e_14_of_the_library`). The A-current's exponents have
// no such relation and keep their own.

/// e^2.6, e, e^0.385 and e^3.77, correctly rounded.
const E_2_6: f64 = 13.463_738_035_001_690_397_750_825_332_584;
const E_1: f64 = std::f64::consts::E;
const E_0_385: f64 = 1.469_614_321_441_144_301_829_698_927_962;
const E_3_77: f64 = 43.380_064_835_851_617_355_166_526_689_091;

/// From e = e^(−0.0125·(V + 55.7)): e⁴ and e⁸.
#[inline(always)]
fn powers<T: Copy + std::ops::Mul<Output = T>>(e: T) -> (T, T) {
    let p2 = e * e;
    let p4 = p2 * p2;
    (p4, p4 * p4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_activation_without_a_cube_root_matches_the_cube_root() {
        assert_eq!(LN_0_0761.to_bits(), 0.0761f64.ln().to_bits());
        for k in 0..=300 {
            let v = -120.0 + f64::from(k);
            let x = 0.0761 * (0.0314 * (v + 94.22)).exp() / (1.0 + (0.0346 * (v + 1.17)).exp());
            let rel = (ConnorStevens::a(v).inf - x.cbrt()).abs() / x.cbrt();
            // exp and ln_1p are within an ulp or so: a few ulp after the division by 3.
            assert!(rel < 4.0 * f64::EPSILON, "{v}: {rel}");
        }
    }

    #[test]
    fn gates_by_hand_at_minus_60_mv() {
        let v = -60.0;
        let am = 0.38 * (v + 29.7) / (1.0 - (-0.1 * (v + 29.7f64)).exp());
        let bm = 15.2 * (-0.0556 * (v + 54.7f64)).exp();
        assert!((ConnorStevens::m(v).inf - am / (am + bm)).abs() < 1e-15);
        let an = 0.02 * (v + 45.7) / (1.0 - (-0.1 * (v + 45.7f64)).exp());
        let bn = 0.25 * (-0.0125 * (v + 55.7f64)).exp();
        assert!((ConnorStevens::n(v).tau - 1.0 / (an + bn)).abs() < 1e-13);
        let b_inf = (1.0 / (1.0 + (0.0688 * (v + 53.3f64)).exp())).powi(4);
        assert!((ConnorStevens::b(v).inf - b_inf).abs() < 1e-16);
    }

    #[test]
    fn singular_voltages_give_the_limits() {
        // α_m at V = −29.7 is 0.38 · 10 = 3.8; α_n at −45.7 is 0.02 · 10 = 0.2.
        let m = ConnorStevens::m(-29.7);
        let beta_m = 15.2 * (-0.0556 * (-29.7 + 54.7f64)).exp();
        assert!((m.inf - 3.8 / (3.8 + beta_m)).abs() < 1e-14);
        let n = ConnorStevens::n(-45.7);
        let beta_n = 0.25 * (-0.0125 * (-45.7 + 55.7f64)).exp();
        assert!((n.tau - 1.0 / (0.2 + beta_n)).abs() < 1e-12);
        assert!(ConnorStevens::m(-29.7 + 1e-12).inf.is_finite());
    }

    #[test]
    fn lane_rates_are_within_1e_14_of_the_library() {
        // V from −120 to 60 mV, and on both sides of α_m's and α_n's removable singularities
        // (−29.7 and −45.7 mV) from 1e-12 mV to past the switch to the series at |x| = 1/8
        // (1.25 mV away).
        let cs = ConnorStevens::default();
        let mut vs: Vec<f64> = (0..=3600).map(|k| -120.0 + 0.05 * f64::from(k)).collect();
        for v in [-29.7, -45.7] {
            for d in [
                0.0, 1e-12, 1e-8, 1e-4, 0.5, 1.2, 1.249, 1.25, 1.251, 1.3, 2.0,
            ] {
                vs.extend([v + d, v - d]);
            }
        }
        let lanes = <ConnorStevens as LaneModel<6>>::lanes([&cs; LANES]);
        let mut worst: f64 = 0.0;
        for quad in vs.chunks(LANES) {
            let state = |v: f64| [v, 0.3, 0.6, 0.4, 0.5, 0.2];
            let s: [F4; 6] = std::array::from_fn(|i| {
                F4(std::array::from_fn(|k| {
                    state(quad[k.min(quad.len() - 1)])[i]
                }))
            });
            let fast = ConnorStevens::linear_lanes(&lanes, &s, F4::splat(5.0));
            for (k, &v) in quad.iter().enumerate() {
                let library = cs.linear(&state(v), 5.0);
                for (f, l) in fast.iter().zip(library) {
                    for (x, y) in [(f.0.0[k], l.0), (f.1.0[k], l.1)] {
                        worst = worst.max(((x - y) / y).abs());
                    }
                }
            }
        }
        assert!(worst < 1e-14, "{worst:e}");
    }

    #[test]
    fn resting_state_is_stationary() {
        let cs = ConnorStevens::default();
        let s = cs.resting_state(0.0).unwrap();
        let d = cs.derivative(&s, 0.0);
        assert!(d.iter().all(|x| x.abs() < 1e-9), "{d:?}");
        assert!((-80.0..-60.0).contains(&s[0]), "rest at {} mV", s[0]);
    }
}
