//! Textbook models whose onset of firing is known: the positive controls of the onset
//! classifier (`experiments::controls`). Each is written from its source's equations; the
//! parameter sets, with their citations, are in `experiments::controls`.
//!
//! They step four neurons at a time by running the one-neuron right-hand side in each lane:
//! they are run for seconds, not swept over hundreds of inputs, so no lane kernel of their own
//! is worth its code, and `linear_packed` is then bit for bit lane 0 of `linear_lanes`.

use crate::analysis::bifurcation::Excitable;
use crate::neuron::conductance::{LANES, LaneModel, Model};
use crate::neuron::gating::x_over_one_minus_exp_neg;
use crate::simd::F4;

/// Hodgkin and Huxley's squid giant axon model (J. Physiol. 117, 500–544, 1952), in the modern
/// sign convention with the rest at −65 mV (voltages shifted by −65 mV from the paper's, whose
/// depolarisation was negative): state (V, m, h, n), µA/cm², mS/cm², mV, ms, at 6.3 °C.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HodgkinHuxley1952 {
    /// Membrane capacitance (µF/cm²).
    pub c_m: f64,
    /// Sodium, potassium and leak conductances (mS/cm²).
    pub g_na: f64,
    /// See [`HodgkinHuxley1952::g_na`].
    pub g_k: f64,
    /// See [`HodgkinHuxley1952::g_na`].
    pub g_l: f64,
    /// Reversal potentials (mV).
    pub e_na: f64,
    /// See [`HodgkinHuxley1952::e_na`].
    pub e_k: f64,
    /// See [`HodgkinHuxley1952::e_na`]: set so the rest at I = 0 is −65 mV.
    pub e_l: f64,
}

impl Default for HodgkinHuxley1952 {
    fn default() -> Self {
        HodgkinHuxley1952 {
            c_m: 1.0,
            g_na: 120.0,
            g_k: 36.0,
            g_l: 0.3,
            e_na: 50.0,
            e_k: -77.0,
            e_l: -54.387,
        }
    }
}

impl HodgkinHuxley1952 {
    /// (α, β) of m, h and n at `v` (1/ms).
    pub fn rates(v: f64) -> [(f64, f64); 3] {
        [
            (
                x_over_one_minus_exp_neg((v + 40.0) / 10.0),
                4.0 * (-(v + 65.0) / 18.0).exp(),
            ),
            (
                0.07 * (-(v + 65.0) / 20.0).exp(),
                1.0 / (1.0 + (-(v + 35.0) / 10.0).exp()),
            ),
            (
                0.1 * x_over_one_minus_exp_neg((v + 55.0) / 10.0),
                0.125 * (-(v + 65.0) / 80.0).exp(),
            ),
        ]
    }
}

impl Model<4> for HodgkinHuxley1952 {
    fn describe(&self) -> String {
        "Hodgkin-Huxley 1952 squid axon".to_string()
    }

    fn linear(&self, s: &[f64; 4], input: f64) -> [(f64, f64); 4] {
        let [v, m, h, n] = *s;
        let g_na = self.g_na * m * m * m * h;
        let g_k = self.g_k * n * n * n * n;
        let g = self.g_l + g_na + g_k;
        let a = (input + self.g_l * self.e_l + g_na * self.e_na + g_k * self.e_k) / self.c_m;
        let [rm, rh, rn] = Self::rates(v);
        let gate = |(alpha, beta): (f64, f64)| (alpha, -(alpha + beta));
        [(a, -g / self.c_m), gate(rm), gate(rh), gate(rn)]
    }
}

impl Excitable<4> for HodgkinHuxley1952 {
    fn steady_state(&self, v: f64) -> [f64; 4] {
        let [m, h, n] = Self::rates(v).map(|(alpha, beta)| alpha / (alpha + beta));
        [v, m, h, n]
    }
}

/// A steady-state activation curve of voltage (mV).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Activation {
    /// 1/(1 + e^((V½ − V)/k)) (Izhikevich's form).
    Boltzmann {
        /// Half-activation voltage V½ (mV).
        half_mv: f64,
        /// Slope factor k (mV).
        slope_mv: f64,
    },
    /// (1 + tanh((V − V₁)/V₂))/2 (Morris and Lecar's form).
    Tanh {
        /// V₁ (mV).
        half_mv: f64,
        /// V₂ (mV).
        slope_mv: f64,
    },
}

impl Activation {
    /// The activation at `v`.
    pub fn at(self, v: f64) -> f64 {
        match self {
            Activation::Boltzmann { half_mv, slope_mv } => {
                1.0 / (1.0 + ((half_mv - v) / slope_mv).exp())
            }
            Activation::Tanh { half_mv, slope_mv } => {
                0.5 * (1.0 + ((v - half_mv) / slope_mv).tanh())
            }
        }
    }
}

/// The relaxation rate 1/τ(V) of the recovery variable (1/ms).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Recovery {
    /// A constant time constant τ (ms).
    Constant {
        /// τ (ms).
        tau_ms: f64,
    },
    /// Morris and Lecar's φ·cosh((V − V₃)/(2V₄)).
    Cosh {
        /// φ (1/ms).
        phi_per_ms: f64,
        /// V₃ (mV).
        half_mv: f64,
        /// V₄ (mV).
        slope_mv: f64,
    },
}

impl Recovery {
    /// 1/τ at `v` (1/ms).
    pub fn rate(self, v: f64) -> f64 {
        match self {
            Recovery::Constant { tau_ms } => 1.0 / tau_ms,
            Recovery::Cosh {
                phi_per_ms,
                half_mv,
                slope_mv,
            } => phi_per_ms * ((v - half_mv) / (2.0 * slope_mv)).cosh(),
        }
    }
}

/// A planar model with an instantaneous inward current and a slow outward one, state (V, w):
///
/// C dV/dt = I − g_L(V − E_L) − g_in·m∞(V)·(V − E_in) − g_K·w·(V − E_K),
/// dw/dt = (w∞(V) − w)/τ(V).
///
/// With Boltzmann curves and a constant τ it is Izhikevich's persistent sodium plus potassium
/// model (I_Na,p + I_K, *Dynamical Systems in Neuroscience*, 2007, ch. 4); with tanh curves
/// and τ = 1/(φ cosh) it is the Morris–Lecar model (Biophys. J. 35, 193–213, 1981).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Planar {
    /// Name for messages and the page.
    pub name: &'static str,
    /// Membrane capacitance (µF/cm²).
    pub c_m: f64,
    /// Leak conductance (mS/cm²) and reversal (mV).
    pub g_l: f64,
    /// See [`Planar::g_l`].
    pub e_l: f64,
    /// Inward (Na⁺ or Ca²⁺) conductance (mS/cm²), reversal (mV) and activation.
    pub g_in: f64,
    /// See [`Planar::g_in`].
    pub e_in: f64,
    /// See [`Planar::g_in`].
    pub m_inf: Activation,
    /// Potassium conductance (mS/cm²), reversal (mV), activation and relaxation rate.
    pub g_k: f64,
    /// See [`Planar::g_k`].
    pub e_k: f64,
    /// See [`Planar::g_k`].
    pub w_inf: Activation,
    /// See [`Planar::g_k`].
    pub recovery: Recovery,
}

impl Model<2> for Planar {
    fn describe(&self) -> String {
        self.name.to_string()
    }

    fn linear(&self, s: &[f64; 2], input: f64) -> [(f64, f64); 2] {
        let [v, w] = *s;
        let g_in = self.g_in * self.m_inf.at(v);
        let g_k = self.g_k * w;
        let a = (input + self.g_l * self.e_l + g_in * self.e_in + g_k * self.e_k) / self.c_m;
        let rate = self.recovery.rate(v);
        [
            (a, -(self.g_l + g_in + g_k) / self.c_m),
            (rate * self.w_inf.at(v), -rate),
        ]
    }
}

impl Excitable<2> for Planar {
    fn steady_state(&self, v: f64) -> [f64; 2] {
        [v, self.w_inf.at(v)]
    }
}

/// [`LaneModel`] by the one-neuron right-hand side in each lane (see the module
/// documentation).
macro_rules! lanes_by_scalar {
    ($model:ty, $n:literal) => {
        impl LaneModel<$n> for $model {
            type Lanes = [$model; LANES];

            fn lanes(models: [&Self; LANES]) -> Self::Lanes {
                models.map(|m| *m)
            }

            #[inline(always)]
            fn linear_lanes(p: &Self::Lanes, s: &[F4; $n], input: F4) -> [(F4, F4); $n] {
                let per_lane: [[(f64, f64); $n]; LANES] = std::array::from_fn(|lane| {
                    p[lane].linear(&std::array::from_fn(|k| s[k].0[lane]), input.0[lane])
                });
                std::array::from_fn(|k| {
                    (
                        F4(std::array::from_fn(|lane| per_lane[lane][k].0)),
                        F4(std::array::from_fn(|lane| per_lane[lane][k].1)),
                    )
                })
            }

            #[inline(always)]
            fn linear_packed(&self, s: &[f64; $n], input: f64) -> [(f64, f64); $n] {
                self.linear(s, input)
            }
        }
    };
}

lanes_by_scalar!(HodgkinHuxley1952, 4);
lanes_by_scalar!(Planar, 2);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::bifurcation::steady_current;

    #[test]
    fn the_1952_model_rests_at_minus_65_mv_and_its_rates_match_the_paper() {
        let m = HodgkinHuxley1952::default();
        // E_L = −54.387 mV (the paper's 10.613 mV above rest) puts the rest at −65 mV, to
        // within a hundredth of a millivolt: I_ss(−65) is −0.004 µA/cm², on a slope near
        // 0.6 mS/cm².
        let rest =
            crate::analysis::bifurcation::lowest_rest(&m, 0.0, &crate::experiments::controls::SCAN)
                .unwrap();
        assert!((rest + 65.0).abs() < 0.01, "{rest}");
        assert!(steady_current(&m, -65.0).abs() < 5e-3);
        // At rest (the paper's V = 0): α_m = 0.1·25/(e^2.5 − 1), β_n = 0.125, α_h = 0.07.
        let [rm, rh, rn] = HodgkinHuxley1952::rates(-65.0);
        assert!((rm.0 - 2.5 / (2.5f64.exp() - 1.0)).abs() < 1e-14);
        assert!((rh.0 - 0.07).abs() < 1e-15 && (rn.1 - 0.125).abs() < 1e-15);
        // The removable singularities of α_m and α_n take their limits.
        assert!((HodgkinHuxley1952::rates(-40.0)[0].0 - 1.0).abs() < 1e-12);
        assert!((HodgkinHuxley1952::rates(-55.0)[2].0 - 0.1).abs() < 1e-12);
    }

    #[test]
    fn lanes_hold_each_models_own_right_hand_side() {
        let m = HodgkinHuxley1952::default();
        let other = HodgkinHuxley1952 { g_k: 30.0, ..m };
        let p = HodgkinHuxley1952::lanes([&m, &other, &m, &other]);
        let s = m.steady_state(-60.0);
        let lanes = HodgkinHuxley1952::linear_lanes(&p, &s.map(F4::splat), F4::splat(3.0));
        for (lane, model) in [m, other, m, other].iter().enumerate() {
            let one = model.linear(&s, 3.0);
            for k in 0..4 {
                assert_eq!(lanes[k].0.0[lane].to_bits(), one[k].0.to_bits());
                assert_eq!(lanes[k].1.0[lane].to_bits(), one[k].1.to_bits());
            }
        }
    }

    #[test]
    fn activation_curves_by_hand() {
        let b = Activation::Boltzmann {
            half_mv: -20.0,
            slope_mv: 15.0,
        };
        assert!((b.at(-20.0) - 0.5).abs() < 1e-15);
        assert!((b.at(-5.0) - 1.0 / (1.0 + (-1.0f64).exp())).abs() < 1e-15);
        let t = Activation::Tanh {
            half_mv: -1.2,
            slope_mv: 18.0,
        };
        assert!((t.at(-1.2) - 0.5).abs() < 1e-15);
        assert!((t.at(16.8) - 0.5 * (1.0 + 1.0f64.tanh())).abs() < 1e-15);
    }
}
