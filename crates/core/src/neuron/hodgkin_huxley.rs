//! The Hodgkin–Huxley-type model of brian2's `IF_curve_Hodgkin_Huxley` example (a Traub–Miles
//! variant with VT = −63 mV), in per-area units: V in mV, t in ms, conductances in mS/cm²,
//! currents in µA/cm², C in µF/cm². State: [V, m, n, h].

use super::conductance::{LANES, LaneModel, Model};
use super::gating::{exprel, x_over_expm1_from};
use crate::simd::F4;

/// Parameters of the model (brian2's example divided by its membrane area).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HodgkinHuxley {
    /// Membrane capacitance (µF/cm²).
    pub c_m: f64,
    /// Leak conductance (mS/cm²).
    pub g_l: f64,
    /// Leak reversal (mV).
    pub e_l: f64,
    /// Potassium reversal (mV).
    pub e_k: f64,
    /// Sodium reversal (mV).
    pub e_na: f64,
    /// Sodium conductance (mS/cm²).
    pub g_na: f64,
    /// Delayed-rectifier potassium conductance (mS/cm²).
    pub g_kd: f64,
    /// Threshold offset VT (mV).
    pub v_t: f64,
}

impl Default for HodgkinHuxley {
    fn default() -> Self {
        HodgkinHuxley {
            c_m: 1.0,
            g_l: 0.05,
            e_l: -65.0,
            e_k: -90.0,
            e_na: 50.0,
            g_na: 100.0,
            g_kd: 30.0,
            v_t: -63.0,
        }
    }
}

/// Rates (1/ms) of one gate at voltage v.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rates {
    /// Opening rate α.
    pub alpha: f64,
    /// Closing rate β.
    pub beta: f64,
}

impl HodgkinHuxley {
    /// α_m, β_m.
    pub fn m_rates(&self, v: f64) -> Rates {
        let vt = self.v_t;
        Rates {
            alpha: 0.32 * 4.0 / exprel((13.0 - v + vt) / 4.0),
            beta: 0.28 * 5.0 / exprel((v - vt - 40.0) / 5.0),
        }
    }

    /// α_n, β_n.
    pub fn n_rates(&self, v: f64) -> Rates {
        let vt = self.v_t;
        Rates {
            alpha: 0.032 * 5.0 / exprel((15.0 - v + vt) / 5.0),
            beta: 0.5 * ((10.0 - v + vt) / 40.0).exp(),
        }
    }

    /// α_h, β_h.
    pub fn h_rates(&self, v: f64) -> Rates {
        let vt = self.v_t;
        Rates {
            alpha: 0.128 * ((17.0 - v + vt) / 18.0).exp(),
            beta: 4.0 / (1.0 + ((40.0 - v + vt) / 5.0).exp()),
        }
    }

    /// The state brian2's example starts from: V = E_L, all gates 0.
    pub fn brian2_initial_state(&self) -> [f64; 4] {
        [self.e_l, 0.0, 0.0, 0.0]
    }
}

impl crate::analysis::bifurcation::Excitable<4> for HodgkinHuxley {
    fn steady_state(&self, v: f64) -> [f64; 4] {
        let ss = |r: Rates| r.alpha / (r.alpha + r.beta);
        [
            v,
            ss(self.m_rates(v)),
            ss(self.n_rates(v)),
            ss(self.h_rates(v)),
        ]
    }
}

impl Model<4> for HodgkinHuxley {
    fn describe(&self) -> String {
        "Hodgkin-Huxley (brian2 example)".to_string()
    }

    fn linear(&self, s: &[f64; 4], input: f64) -> [(f64, f64); 4] {
        let [v, m, n, h] = *s;
        let gna = self.g_na * m * m * m * h;
        let gk = self.g_kd * n * n * n * n;
        let g_total = self.g_l + gna + gk;
        let a_v = (self.g_l * self.e_l + gna * self.e_na + gk * self.e_k + input) / self.c_m;
        let gate = |r: Rates| (r.alpha, -(r.alpha + r.beta));
        [
            (a_v, -g_total / self.c_m),
            gate(self.m_rates(v)),
            gate(self.n_rates(v)),
            gate(self.h_rates(v)),
        ]
    }
}

/// The parameters of four [`HodgkinHuxley`] models, one per lane, as the lane kernel uses
/// them.
#[derive(Debug, Clone, Copy)]
pub struct HhLanes {
    v_t: F4,
    g_na: F4,
    g_kd: F4,
    g_l: F4,
    e_na: F4,
    e_k: F4,
    g_l_e_l: F4,
    inv_c: F4,
}

impl LaneModel<4> for HodgkinHuxley {
    type Lanes = HhLanes;

    fn lanes(models: [&Self; LANES]) -> HhLanes {
        let lane = |f: fn(&HodgkinHuxley) -> f64| F4(models.map(f));
        HhLanes {
            v_t: lane(|m| m.v_t),
            g_na: lane(|m| m.g_na),
            g_kd: lane(|m| m.g_kd),
            g_l: lane(|m| m.g_l),
            e_na: lane(|m| m.e_na),
            e_k: lane(|m| m.e_k),
            g_l_e_l: lane(|m| m.g_l * m.e_l),
            inv_c: lane(|m| 1.0 / m.c_m),
        }
    }

    /// The rates of [`HodgkinHuxley::m_rates`] and the others for four neurons, from two
    /// exponentials instead of six (see `shared_rates`), with 1/C_m taken once.
    #[inline(always)]
    fn linear_lanes(p: &HhLanes, s: &[F4; 4], input: F4) -> [(F4, F4); 4] {
        let [v, m, n, h] = *s;
        let [alpha_m, beta_m, alpha_n, beta_n, alpha_h, beta_h] = shared_rates(v - p.v_t);
        let gna = m * m * m * h * p.g_na;
        let gk = n * n * n * n * p.g_kd;
        let g_total = gna + gk + p.g_l;
        let a_v = (gna * p.e_na + gk * p.e_k + input + p.g_l_e_l) * p.inv_c;
        [
            (a_v, -g_total * p.inv_c),
            (alpha_m, -(alpha_m + beta_m)),
            (alpha_n, -(alpha_n + beta_n)),
            (alpha_h, -(alpha_h + beta_h)),
        ]
    }

    /// [`LaneModel::linear_lanes`] of one neuron: its two exponentials in one vector, its
    /// three x/(eˣ − 1) in another, with the same operations per rate.
    #[inline(always)]
    fn linear_packed(&self, s: &[f64; 4], input: f64) -> [(f64, f64); 4] {
        let [v, m, n, h] = *s;
        let u = v - self.v_t;
        let e = F4([
            (10.0 - u) * (1.0 / 40.0),
            (17.0 - u) * (1.0 / 18.0),
            0.0,
            0.0,
        ])
        .exp();
        let (e40, e18) = (e.0[0], e.0[1]);
        let (e5, em, en) = powers(e40);
        let (xm, xn, xb) = ((13.0 - u) * 0.25, (15.0 - u) * 0.2, (u - 40.0) * 0.2);
        let r = x_over_expm1_from(
            F4([xm, xn, xb, 1.0]),
            F4([xm, xn, xb * e5, 1.0]),
            F4([em - 1.0, en - 1.0, 1.0 - e5, 1.0]),
        );
        let alpha_m = r.0[0] * (0.32 * 4.0);
        let alpha_n = r.0[1] * (0.032 * 5.0);
        let beta_m = r.0[2] * (0.28 * 5.0);
        let beta_n = e40 * 0.5;
        let alpha_h = e18 * 0.128;
        let beta_h = 4.0 / (e5 + 1.0);
        let gna = m * m * m * h * self.g_na;
        let gk = n * n * n * n * self.g_kd;
        let g_total = gna + gk + self.g_l;
        let inv_c = 1.0 / self.c_m;
        let a_v = (gna * self.e_na + gk * self.e_k + input + self.g_l * self.e_l) * inv_c;
        [
            (a_v, -g_total * inv_c),
            (alpha_m, -(alpha_m + beta_m)),
            (alpha_n, -(alpha_n + beta_n)),
            (alpha_h, -(alpha_h + beta_h)),
        ]
    }
}

// The lane kernel's rates share their exponentials. With u = V − V_T, four of the six
// exponents are multiples of (10 − u)/40 plus constants:
//
//   (40 − u)/5 = 8·(10 − u)/40 + 6      (β_h, and β_m's e^((u − 40)/5) = 1/that)
//   (13 − u)/4 = 10·(10 − u)/40 + 3/4   (α_m)
//   (15 − u)/5 = 8·(10 − u)/40 + 1      (α_n)
//
// so e^((10 − u)/40) and three squarings give them all; only α_h's e^((17 − u)/18) needs
// an exponential of its own. A power carries its base's relative error times the exponent
// (at most about 15 ulp here), and x/(eˣ − 1) formed from such an eˣ is a series near its
// removable singularity ([`x_over_expm1_from`]): the rates stay within 1e-14 relative of the
// library's (`lane_rates_are_within_1e_14_of_the_library`). The brian2-exact runs use the
// library (`Model::linear`), not these.

/// α_m, β_m, α_n, β_n, α_h and β_h of four neurons at u = V − V_T, from two exponentials.
#[inline(always)]
fn shared_rates(u: F4) -> [F4; 6] {
    let e40 = ((10.0 - u) * (1.0 / 40.0)).exp();
    let e18 = ((17.0 - u) * (1.0 / 18.0)).exp();
    let (e5, em, en) = powers(e40);
    let (xm, xn, xb) = ((13.0 - u) * 0.25, (15.0 - u) * 0.2, (u - 40.0) * 0.2);
    [
        x_over_expm1_from(xm, xm, em - 1.0) * (0.32 * 4.0),
        x_over_expm1_from(xb, xb * e5, 1.0 - e5) * (0.28 * 5.0),
        x_over_expm1_from(xn, xn, en - 1.0) * (0.032 * 5.0),
        e40 * 0.5,
        e18 * 0.128,
        4.0 / (e5 + 1.0),
    ]
}

/// e^6, e^(3/4) and e, correctly rounded.
const E_6: f64 = 403.428_793_492_735_122_608_387_180_543_388_3;
const E_3_4: f64 = 2.117_000_016_612_674_668_545_369_819_837_1;
const E_1: f64 = std::f64::consts::E;

/// From e40 = e^((10 − u)/40): e^((40 − u)/5), e^((13 − u)/4) and e^((15 − u)/5).
#[inline(always)]
fn powers<T: Copy + std::ops::Mul<Output = T> + std::ops::Mul<f64, Output = T>>(
    e40: T,
) -> (T, T, T) {
    let p2 = e40 * e40;
    let p4 = p2 * p2;
    let p8 = p4 * p4;
    (p8 * E_6, p8 * p2 * E_3_4, p8 * E_1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_by_hand_at_minus_65_mv() {
        let hh = HodgkinHuxley::default();
        // α_m = 1.28 / exprel((13 + 65 − 63)/4) = 1.28 · 3.75 / (e^3.75 − 1)
        let x: f64 = 3.75;
        assert!((hh.m_rates(-65.0).alpha - 1.28 * x / x.exp_m1()).abs() < 1e-14);
        // β_h = 4 / (1 + e^((40 + 65 − 63)/5)) = 4 / (1 + e^8.4)
        assert!((hh.h_rates(-65.0).beta - 4.0 / (1.0 + 8.4f64.exp())).abs() < 1e-15);
        // α_n at the singular voltage v = 15 + VT = −48 mV is the limit 0.032 · 5.
        assert!((hh.n_rates(-48.0).alpha - 0.16).abs() < 1e-15);
    }

    /// The largest relative difference between the lane rates and the library's, over `vs`.
    fn worst_rate_error(hh: &HodgkinHuxley, vs: &[f64]) -> f64 {
        let mut worst: f64 = 0.0;
        for quad in vs.chunks(LANES) {
            let v = F4(std::array::from_fn(|k| quad[k.min(quad.len() - 1)]));
            let lanes = shared_rates(v - hh.v_t);
            for (k, &v) in quad.iter().enumerate() {
                let (m, n, h) = (hh.m_rates(v), hh.n_rates(v), hh.h_rates(v));
                let library = [m.alpha, m.beta, n.alpha, n.beta, h.alpha, h.beta];
                for (lane, lib) in lanes.iter().zip(library) {
                    worst = worst.max(((lane.0[k] - lib) / lib).abs());
                }
            }
        }
        worst
    }

    #[test]
    fn lane_rates_are_within_1e_14_of_the_library() {
        // V from −120 to 60 mV, and on both sides of each removable singularity (u = V − V_T
        // = 13, 15, 40 mV) from 1e-12 mV to past the switch to the series at |x| = 1/8 (0.5
        // mV from u = 13, 0.625 mV from 15 and 40).
        for hh in [
            HodgkinHuxley::default(),
            HodgkinHuxley {
                v_t: -58.0,
                ..HodgkinHuxley::default()
            },
        ] {
            let mut vs: Vec<f64> = (0..=3600).map(|k| -120.0 + 0.05 * f64::from(k)).collect();
            for u in [13.0, 15.0, 40.0] {
                for d in [
                    0.0, 1e-12, 1e-8, 1e-4, 0.1, 0.3, 0.49, 0.5, 0.51, 0.62, 0.625, 0.63, 1.0,
                ] {
                    vs.extend([u + hh.v_t + d, u + hh.v_t - d]);
                }
            }
            let worst = worst_rate_error(&hh, &vs);
            assert!(worst < 1e-14, "V_T = {}: {worst:e}", hh.v_t);
        }
    }

    #[test]
    fn resting_state_is_stationary() {
        // With gates at steady state and V chosen so that the currents balance, dV/dt = 0.
        let hh = HodgkinHuxley::default();
        let ss = |r: Rates| r.alpha / (r.alpha + r.beta);
        let current = |v: f64| {
            let (m, n, h) = (ss(hh.m_rates(v)), ss(hh.n_rates(v)), ss(hh.h_rates(v)));
            hh.derivative(&[v, m, n, h], 0.0)[0]
        };
        let (mut lo, mut hi) = (-80.0, -60.0);
        assert!(current(lo) > 0.0 && current(hi) < 0.0);
        for _ in 0..80 {
            let mid = 0.5 * (lo + hi);
            if current(mid) > 0.0 {
                lo = mid
            } else {
                hi = mid
            }
        }
        let v = 0.5 * (lo + hi);
        let s = [v, ss(hh.m_rates(v)), ss(hh.n_rates(v)), ss(hh.h_rates(v))];
        let d = hh.derivative(&s, 0.0);
        assert!(d.iter().all(|x| x.abs() < 1e-9), "{d:?}");
        assert!((-66.0..-60.0).contains(&v), "rest at {v} mV");
    }
}
