//! Positive controls of the onset classifier: textbook models whose class is known, run
//! through the same walk, confirmation and classification as the Connor–Stevens sweep and
//! brian2's Hodgkin–Huxley example ([`onset::classify_model`]). Each of the four classes the
//! classifier can print comes out of at least one of them, and the 1952 squid axon model loses
//! its rest at a subcritical Hopf point, as its sources show.

use crate::analysis::bifurcation::{self, CycleSettings, Excitable, OnsetBifurcation, Scan};
use crate::analysis::sim::Sim;
use crate::error::NumericalError;
use crate::experiments::onset::{self, ClassifiedOnset};
use crate::neuron::conductance::LaneModel;
use crate::neuron::textbook::{Activation, HodgkinHuxley1952, Planar, Recovery};
use crate::par;

/// The voltage window of the controls' rest-branch scans (mV): wide enough for every set's
/// folds and Hopf points.
pub const SCAN: Scan = Scan {
    v_lo: -100.0,
    v_hi: 0.0,
    step: 0.1,
};

/// One control: a model in a published parameter set, and what its source shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Control {
    /// Model id in the data file: `hh1952`, `morris_lecar` or `inap_ik`.
    pub model: &'static str,
    /// Model and set for the page.
    pub name: &'static str,
    /// Parameter-set id in the data file.
    pub parameter_set: &'static str,
    /// The source of the parameter set, for the page.
    pub source: &'static str,
    /// The class its source shows.
    pub expected: OnsetBifurcation,
    /// The current (µA/cm²) at which its source puts the onset, where it gives one, and who
    /// reports it.
    pub source_onset: Option<(f64, &'static str)>,
    /// RK4 step (ms) and spike threshold (mV) of its runs.
    pub dt_ms: f64,
    /// See [`Control::dt_ms`].
    pub threshold_mv: f64,
}

/// Izhikevich's persistent sodium plus potassium model with its high-threshold potassium
/// current (2007, Fig. 4.1a); `low_threshold` gives the low-threshold variant (Fig. 4.1b:
/// E_L = −78 mV, n∞ half-activation −45 mV).
pub fn inap_ik(low_threshold: bool) -> Planar {
    Planar {
        name: if low_threshold {
            "I_Na,p + I_K (low-threshold K)"
        } else {
            "I_Na,p + I_K (high-threshold K)"
        },
        c_m: 1.0,
        g_l: 8.0,
        e_l: if low_threshold { -78.0 } else { -80.0 },
        g_in: 20.0,
        e_in: 60.0,
        m_inf: Activation::Boltzmann {
            half_mv: -20.0,
            slope_mv: 15.0,
        },
        g_k: 10.0,
        e_k: -90.0,
        w_inf: Activation::Boltzmann {
            half_mv: if low_threshold { -45.0 } else { -25.0 },
            slope_mv: 5.0,
        },
        recovery: Recovery::Constant { tau_ms: 1.0 },
    }
}

/// The Morris–Lecar model in one of the three sets of Ermentrout and Terman (2010, Table 3.1;
/// Rinzel and Ermentrout 1998): `"hopf"`, `"snlc"` or `"homoclinic"` (the SNLC set with
/// φ = 0.23).
pub fn morris_lecar(set: &str) -> Planar {
    let (name, g_ca, v3, v4, phi) = match set {
        "hopf" => ("Morris-Lecar (Hopf set)", 4.4, 2.0, 30.0, 0.04),
        "snlc" => ("Morris-Lecar (SNLC set)", 4.0, 12.0, 17.4, 1.0 / 15.0),
        _ => ("Morris-Lecar (homoclinic set)", 4.0, 12.0, 17.4, 0.23),
    };
    Planar {
        name,
        c_m: 20.0,
        g_l: 2.0,
        e_l: -60.0,
        g_in: g_ca,
        e_in: 120.0,
        m_inf: Activation::Tanh {
            half_mv: -1.2,
            slope_mv: 18.0,
        },
        g_k: 8.0,
        e_k: -84.0,
        w_inf: Activation::Tanh {
            half_mv: v3,
            slope_mv: v4,
        },
        recovery: Recovery::Cosh {
            phi_per_ms: phi,
            half_mv: v3,
            slope_mv: v4,
        },
    }
}

/// The planar controls, in the order of the table, with their models.
pub fn planar_controls() -> Vec<(Control, Planar)> {
    const ML: &str = "Ermentrout and Terman (2010), Table 3.1";
    const IZ: &str = "Izhikevich (2007), Fig. 4.1";
    let ml = |parameter_set, name, expected| Control {
        model: "morris_lecar",
        name,
        parameter_set,
        source: ML,
        expected,
        source_onset: None,
        dt_ms: 0.2,
        threshold_mv: 0.0,
    };
    let iz = |parameter_set, name, expected, source_onset| Control {
        model: "inap_ik",
        name,
        parameter_set,
        source: IZ,
        expected,
        source_onset,
        dt_ms: 0.05,
        threshold_mv: -20.0,
    };
    vec![
        (
            ml("snlc", "Morris-Lecar, SNLC set", OnsetBifurcation::Snic),
            morris_lecar("snlc"),
        ),
        (
            iz(
                "high_threshold_k",
                "INa,p+IK, high-threshold K",
                OnsetBifurcation::Snic,
                Some((4.51, "Izhikevich, 2007, ch. 6")),
            ),
            inap_ik(false),
        ),
        (
            ml(
                "homoclinic",
                "Morris-Lecar, homoclinic set",
                OnsetBifurcation::SaddleNodeOffCircle,
            ),
            morris_lecar("homoclinic"),
        ),
        (
            iz(
                "low_threshold_k",
                "INa,p+IK, low-threshold K",
                OnsetBifurcation::HopfSupercritical,
                None,
            ),
            inap_ik(true),
        ),
        (
            ml(
                "hopf",
                "Morris-Lecar, Hopf set",
                OnsetBifurcation::HopfSubcritical,
            ),
            morris_lecar("hopf"),
        ),
    ]
}

/// The 1952 squid axon control.
pub const HH1952: Control = Control {
    model: "hh1952",
    name: "Hodgkin-Huxley 1952, squid axon",
    parameter_set: "squid_axon_6_3c",
    source: "Hodgkin and Huxley (1952)",
    expected: OnsetBifurcation::HopfSubcritical,
    source_onset: Some((9.78, "Rinzel and Miller, 1980")),
    dt_ms: 0.05,
    threshold_mv: -20.0,
};

/// Settling and measuring windows of the controls' cycle probes (ms): the slowest set
/// (Morris–Lecar, φ = 0.04) relaxes in tens of milliseconds.
const SETTLE_MS: f64 = 300.0;
/// See [`SETTLE_MS`].
const MEASURE_MS: f64 = 600.0;

/// What the classifier says about one control.
#[derive(Debug, Clone, PartialEq)]
pub struct ControlResult {
    /// The control.
    pub control: Control,
    /// The fold where the rest branch ends (µA/cm²), if I_ss(V) has one in the window.
    pub fold_ua_cm2: Option<f64>,
    /// The Hopf point where the followed rest loses stability, when that is the onset.
    pub hopf_ua_cm2: Option<f64>,
    /// The classified and confirmed onset.
    pub onset: ClassifiedOnset,
}

impl ControlResult {
    /// The classifier agrees with the source.
    pub fn agrees(&self) -> bool {
        self.onset.bifurcation() == self.control.expected
    }
}

/// Every control, classified: the 1952 model first, then [`planar_controls`]. The
/// neuron-steps of their runs go to `meter` as they end.
pub fn run(meter: super::Meter) -> Result<Vec<ControlResult>, NumericalError> {
    let planar = planar_controls();
    let on_steps = |steps: u64| meter(steps as f64 * crate::config::budget::CONTROLS_NS_PER_STEP);
    let (hh, planar) = par::join(
        || classify(HH1952, HodgkinHuxley1952::default(), &on_steps),
        || par::map(&planar, |(c, m)| classify(*c, *m, &on_steps)),
    );
    std::iter::once(hh).chain(planar).collect()
}

/// Runs one control through the classifier.
pub fn classify<M: Excitable<N> + LaneModel<N>, const N: usize>(
    control: Control,
    m: M,
    on_steps: &(dyn Fn(u64) + Sync),
) -> Result<ControlResult, NumericalError> {
    let cycle = CycleSettings {
        dt_ms: control.dt_ms,
        threshold_mv: control.threshold_mv,
        settle_ms: SETTLE_MS,
        measure_ms: MEASURE_MS,
    };
    let no_onset = || NumericalError {
        model: m.describe(),
        parameters: control.parameter_set.to_string(),
        when: "classifying a positive control: rest is not lost in the scan window".into(),
        value: SCAN.v_hi,
    };
    let rest0 = bifurcation::lowest_rest(&m, 0.0, &SCAN).ok_or_else(no_onset)?;
    let sim = Sim::new();
    let onset = sim
        .run_one_metered(
            onset::classify_model(&sim, &m, rest0, &SCAN, &cycle),
            on_steps,
        )?
        .ok_or_else(no_onset)?;
    let fold_ua_cm2 = bifurcation::folds(&m, &SCAN)
        .into_iter()
        .find(|f| f.is_maximum)
        .map(|f| f.current);
    let hopf_ua_cm2 = match onset.walk.loss {
        Some(bifurcation::RestLoss::Hopf(h)) => Some(h.current),
        _ => None,
    };
    Ok(ControlResult {
        control,
        fold_ua_cm2,
        hopf_ua_cm2,
        onset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::bifurcation::{RestLoss, track};
    use std::sync::OnceLock;

    fn results() -> &'static [ControlResult] {
        static R: OnceLock<Vec<ControlResult>> = OnceLock::new();
        R.get_or_init(|| run(&|_| {}).unwrap())
    }

    fn result(parameter_set: &str) -> &'static ControlResult {
        results()
            .iter()
            .find(|r| r.control.parameter_set == parameter_set)
            .unwrap()
    }

    fn onset_current(r: &ControlResult) -> f64 {
        r.onset.walk.loss.unwrap().current()
    }

    /// The V range (mV) of the orbit at `input` after `settle_ms` from `state`, over the next
    /// `measure_ms`, with the spikes in that window.
    fn orbit<M: LaneModel<N>, const N: usize>(
        m: &M,
        state: [f64; N],
        input: f64,
        c: &Control,
        settle_ms: f64,
        measure_ms: f64,
    ) -> ((f64, f64), usize, [f64; N]) {
        let s = track(m, state, input, c.dt_ms, settle_ms, c.threshold_mv).unwrap();
        let t = track(m, s.state, input, c.dt_ms, measure_ms, c.threshold_mv).unwrap();
        (t.v_range_mv, t.spikes_ms.len(), t.state)
    }

    #[test]
    fn every_control_comes_out_as_its_source_shows_and_every_class_is_produced() {
        for r in results() {
            assert!(
                r.agrees(),
                "{}: {:?}",
                r.control.name,
                r.onset.classification
            );
        }
        use OnsetBifurcation::*;
        for class in [
            Snic,
            SaddleNodeOffCircle,
            HopfSubcritical,
            HopfSupercritical,
        ] {
            assert!(results().iter().any(|r| r.onset.bifurcation() == class));
        }
        assert_eq!(results()[0].control.model, "hh1952");
    }

    #[test]
    fn onset_currents_round_to_the_values_the_sources_report() {
        let mut checked = 0;
        for r in results() {
            if let Some((value, _)) = r.control.source_onset {
                assert!(
                    (onset_current(r) - value).abs() <= 0.005,
                    "{}: {} against {value}",
                    r.control.name,
                    onset_current(r)
                );
                checked += 1;
            }
        }
        assert_eq!(checked, 2);
        // φ does not enter the equilibria: the SNLC and homoclinic sets fold at one current.
        assert_eq!(result("snlc").fold_ua_cm2, result("homoclinic").fold_ua_cm2);
    }

    #[test]
    fn the_snic_controls_follow_the_square_root_law_to_zero_rate() {
        for (c, m) in planar_controls()
            .into_iter()
            .filter(|(c, _)| c.expected == OnsetBifurcation::Snic)
        {
            let fold = result(c.parameter_set).fold_ua_cm2.unwrap();
            let cycle = CycleSettings {
                dt_ms: c.dt_ms,
                threshold_mv: c.threshold_mv,
                settle_ms: SETTLE_MS,
                measure_ms: MEASURE_MS,
            };
            let rest0 = bifurcation::lowest_rest(&m, 0.0, &SCAN).unwrap();
            let sim = Sim::new();
            let law = sim
                .run_one(onset::sqrt_law(
                    &sim,
                    &m,
                    fold,
                    onset::nudged(&m, rest0),
                    &cycle,
                ))
                .unwrap()
                .unwrap();
            assert!(law.holds(), "{}: {law:?}", c.name);
        }
    }

    #[test]
    fn the_off_circle_control_fires_at_a_finite_rate_through_its_fold() {
        // Same fold, same equilibria: with φ = 0.23 the cycle goes on below the fold at a
        // rate that stays finite; with the SNLC set's φ no cycle is left there.
        let fold = result("homoclinic").fold_ua_cm2.unwrap();
        let (c, m) = planar_controls()[2];
        assert_eq!(c.parameter_set, "homoclinic");
        let start = track(&m, m.steady_state(-60.0), fold + 1.0, c.dt_ms, 500.0, 0.0)
            .unwrap()
            .state;
        let below = track(&m, start, fold - 0.1, c.dt_ms, 3000.0, 0.0).unwrap();
        let at = track(&m, start, fold + 0.001, c.dt_ms, 3000.0, 0.0).unwrap();
        assert!(below.rate_hz(3) > 1.0, "{below:?}");
        assert!(at.rate_hz(3) > 1.0 && at.rate_hz(3) < 2.0 * below.rate_hz(3));
        let (c, snlc) = planar_controls()[0];
        assert_eq!(c.parameter_set, "snlc");
        let start = track(&snlc, start, fold + 1.0, c.dt_ms, 500.0, 0.0)
            .unwrap()
            .state;
        assert!(
            track(&snlc, start, fold - 0.1, c.dt_ms, 3000.0, 0.0)
                .unwrap()
                .spikes_ms
                .len()
                < 2
        );
    }

    #[test]
    fn the_supercritical_control_grows_a_small_cycle_whose_amplitude_goes_as_the_root() {
        let r = result("low_threshold_k");
        let Some(RestLoss::Hopf(h)) = r.onset.walk.loss else {
            panic!("{r:?}")
        };
        let (c, m) = planar_controls()[3];
        let start = onset::nudged(&m, h.v_mv);
        let amplitude = |d: f64| {
            let ((lo, hi), spikes, _) = orbit(&m, start, h.current + d, &c, 4000.0, 200.0);
            assert_eq!(spikes, 0, "a full spike {d} above the Hopf point");
            hi - lo
        };
        // The confirmation's run just above the Hopf point settled on a small cycle.
        let confirmation = r.onset.confirmation;
        assert!(confirmation.small_cycle_above && confirmation.first_spike_above_ms.is_none());
        let (small, large) = (amplitude(0.1), amplitude(0.4));
        // Four times the distance, twice the amplitude (within 15 %).
        assert!((large / small - 2.0).abs() < 0.3, "{small} {large}");
        assert!(large < 20.0, "{large}");
    }

    #[test]
    fn the_1952_model_keeps_firing_below_its_hopf_point_down_to_its_fold_of_cycles() {
        // Rinzel and Miller (1980): the cycle exists from about 6.26 µA/cm² up, rest is stable
        // up to the Hopf point: between them rest and firing coexist.
        let c = HH1952;
        let m = HodgkinHuxley1952::default();
        let rest = m.steady_state(-65.0);
        let on_cycle = orbit(&m, rest, 15.0, &c, 200.0, 10.0).2;
        for (input, fires) in [(6.4, true), (8.0, true), (6.1, false)] {
            let (_, spikes, _) = orbit(&m, on_cycle, input, &c, 300.0, 300.0);
            assert_eq!(spikes >= 2, fires, "I = {input}: {spikes} spikes");
        }
        // From the rest at 8 µA/cm² itself (not a step from the rest at 0, which is a kick).
        let rest8 = m.steady_state(bifurcation::lowest_rest(&m, 8.0, &SCAN).unwrap());
        let (_, spikes, _) = orbit(&m, rest8, 8.0, &c, 300.0, 300.0);
        assert_eq!(spikes, 0);
    }
}
