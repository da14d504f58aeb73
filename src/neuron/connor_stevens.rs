//! The Connor–Stevens model (Dayan and Abbott, Theoretical Neuroscience, chapter 6), with the
//! book's parameters: an HH-like neuron plus a transient A-type potassium current
//! g_A a³b (V − E_A). Units: mV, ms, mS/cm², µA/cm², µF/cm². State: [V, m, h, n, a, b].

use super::conductance::{LANES, LaneModel, Model};
use super::gating::{Real, x_over_one_minus_exp_neg};
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

/// Steady state and time constant (ms) of a gate (of one neuron, or of four: [`F4`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gate<R = f64> {
    /// x∞.
    pub inf: R,
    /// τ_x (ms).
    pub tau: R,
}

/// Opening and closing rates (1/ms) of a gate with α–β kinetics (of one neuron, or of four).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates<R = f64> {
    /// α.
    pub alpha: R,
    /// β.
    pub beta: R,
}

impl<R: Real> Rates<R> {
    /// x∞ = α/(α + β) and τ = 1/(α + β).
    #[inline(always)]
    pub fn gate(self) -> Gate<R> {
        let sum = self.alpha + self.beta;
        Gate {
            inf: self.alpha / sum,
            tau: R::c(1.0) / sum,
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
    pub fn m_rates<R: Real>(v: R) -> Rates<R> {
        Rates {
            alpha: R::c(3.8) * x_over_one_minus_exp_neg((v + 29.7) * 0.1),
            beta: R::c(15.2) * ((v + 54.7) * -0.0556).exp(),
        }
    }

    /// Rates of the sodium inactivation h.
    #[inline(always)]
    pub fn h_rates<R: Real>(v: R) -> Rates<R> {
        Rates {
            alpha: R::c(0.266) * ((v + 48.0) * -0.05).exp(),
            beta: R::c(3.8) / (R::c(1.0) + ((v + 18.0) * -0.1).exp()),
        }
    }

    /// Rates of the delayed-rectifier activation n.
    #[inline(always)]
    pub fn n_rates<R: Real>(v: R) -> Rates<R> {
        Rates {
            alpha: R::c(0.2) * x_over_one_minus_exp_neg((v + 45.7) * 0.1),
            beta: R::c(0.25) * ((v + 55.7) * -0.0125).exp(),
        }
    }

    /// Sodium activation m.
    #[inline(always)]
    pub fn m<R: Real>(v: R) -> Gate<R> {
        Self::m_rates(v).gate()
    }

    /// Sodium inactivation h.
    #[inline(always)]
    pub fn h<R: Real>(v: R) -> Gate<R> {
        Self::h_rates(v).gate()
    }

    /// Delayed-rectifier activation n.
    #[inline(always)]
    pub fn n<R: Real>(v: R) -> Gate<R> {
        Self::n_rates(v).gate()
    }

    /// A-current activation a.
    #[inline(always)]
    pub fn a<R: Real>(v: R) -> Gate<R> {
        // a∞ = x^(1/3) with x = 0.0761 e^(0.0314 (v + 94.22)) / (1 + e^(0.0346 (v + 1.17))),
        // taken as exp(ln(x)/3) with ln x written out: one exp and one ln_1p instead of an exp,
        // a division and a (slow, software) cube root.
        let ln_x = R::c(LN_0_0761) + (v + 94.22) * 0.0314 - ((v + 1.17) * 0.0346).exp().ln_1p();
        Gate {
            inf: (ln_x / 3.0).exp(),
            tau: R::c(0.3632) + R::c(1.158) / (R::c(1.0) + ((v + 55.96) * 0.0497).exp()),
        }
    }

    /// A-current inactivation b.
    #[inline(always)]
    pub fn b<R: Real>(v: R) -> Gate<R> {
        Gate {
            inf: (R::c(1.0) / (R::c(1.0) + ((v + 53.3) * 0.0688).exp())).pow4(),
            tau: R::c(1.24) + R::c(2.678) / (R::c(1.0) + ((v + 50.0) * 0.0624).exp()),
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

    /// (A, B) of every variable, dx/dt = A + B·x, for one neuron or four (each with its own
    /// constants `c`).
    #[inline(always)]
    fn linear_of<R: Real>(c: &Consts<R>, s: &[R; 6], input: R) -> [(R, R); 6] {
        let [v, m, h, n, a, b] = *s;
        let gna = c.g_na * m * m * m * h;
        let gk = c.g_k * n * n * n * n;
        let ga = c.g_a * a * a * a * b;
        let g_total = c.g_l + gna + gk + ga;
        let a_v = (c.g_l_e_l + gna * c.e_na + gk * c.e_k + ga * c.e_a + input) / c.c_m;
        // dx/dt = α − (α + β)x for the α–β gates and (x∞ − x)/τ for the others, with as
        // few divisions as the rates allow (they are most of the arithmetic's cost).
        let kinetic = |r: Rates<R>| (r.alpha, -(r.alpha + r.beta));
        let relaxing = |g: Gate<R>| {
            let rate = R::c(1.0) / g.tau;
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

    #[inline(always)]
    fn linear_lanes(p: &Consts<F4>, s: &[F4; 6], input: F4) -> [(F4, F4); 6] {
        Self::linear_of(p, s, input)
    }

    /// `ConnorStevens::linear_of` on F4 with the same operations per rate, the rates of
    /// one neuron side by side: two exponentials of four arguments, one x/(eˣ − 1) of two,
    /// two divisions of four, and the A-activation's ln_1p and exp.
    #[inline(always)]
    fn linear_packed(&self, s: &[f64; 6], input: f64) -> [(f64, f64); 6] {
        let [v, m, h, n, a, b] = *s;
        let xo = (-F4([(v + 29.7) * 0.1, (v + 45.7) * 0.1, 0.0, 0.0])).x_over_expm1();
        let e1 = F4([
            (v + 54.7) * -0.0556,
            (v + 48.0) * -0.05,
            (v + 18.0) * -0.1,
            (v + 55.7) * -0.0125,
        ])
        .exp();
        let e2 = F4([
            (v + 1.17) * 0.0346,
            (v + 55.96) * 0.0497,
            (v + 53.3) * 0.0688,
            (v + 50.0) * 0.0624,
        ])
        .exp();
        let q = F4([3.8, 1.158, 1.0, 2.678]) / (1.0 + F4([e1.0[2], e2.0[1], e2.0[2], e2.0[3]]));
        let ln_x = LN_0_0761 + (v + 94.22) * 0.0314 - crate::simd::ln_1p(e2.0[0]);
        let a_inf = crate::simd::exp(ln_x / 3.0);
        let b_sq = q.0[2] * q.0[2];
        let b_inf = b_sq * b_sq;
        let rates = 1.0 / F4([0.3632 + q.0[1], 1.24 + q.0[3], 1.0, 1.0]);
        let (alpha_m, beta_m) = (3.8 * xo.0[0], 15.2 * e1.0[0]);
        let (alpha_h, beta_h) = (0.266 * e1.0[1], q.0[0]);
        let (alpha_n, beta_n) = (0.2 * xo.0[1], 0.25 * e1.0[3]);
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
    fn resting_state_is_stationary() {
        let cs = ConnorStevens::default();
        let s = cs.resting_state(0.0).unwrap();
        let d = cs.derivative(&s, 0.0);
        assert!(d.iter().all(|x| x.abs() < 1e-9), "{d:?}");
        assert!((-80.0..-60.0).contains(&s[0]), "rest at {} mV", s[0]);
    }
}
