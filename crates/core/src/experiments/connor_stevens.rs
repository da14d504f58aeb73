//! Homework 1.5, second half: the Connor–Stevens model's F-I curve and a sweep of the A-type
//! conductance g_A, in two conventions (g_K held at its standard value, or g_K + g_A held at
//! the standard total), with the onset of firing of each curve found by bisection.
//!
//! Protocol (per current): start at the resting state for I = 0 (the lowest root of the
//! steady-state I–V curve, gates at steady state), apply I from t = 0, integrate with RK4,
//! count upward crossings of the spike threshold, and take the rate from the mean interspike
//! interval of the spikes after the transient. A current "fires" when at least two spikes
//! follow the transient within the run.
//!
//! Each model's onset is then classified from its bifurcations ([`super::onset`]): how rest
//! is lost, whether a firing cycle coexists with rest, and the class that follows.

use super::cs_analysis;
use super::onset::{self, OnsetAnalysis};
use crate::analysis::bifurcation::{CycleSettings, OnsetBifurcation};
use crate::analysis::sim::{Chain, Sim, join, join_all};
use crate::config::CsConfig;
use crate::error::NumericalError;
use crate::neuron::conductance::{self, Method, RunSpec};
use crate::neuron::connor_stevens::ConnorStevens;
use crate::par;

/// Offset of the starting voltage from the I = 0 equilibrium (mV): 10 µV.
pub const NUDGE_MV: f64 = 0.01;

/// How far above the rheobase the onset slope, the type and the traces are probed (µA/cm²).
pub const PROBE_ABOVE_UA: f64 = 1.0;

/// Why the Connor–Stevens experiment failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CsError {
    /// A simulation blew up.
    #[error(transparent)]
    Numerical(#[from] NumericalError),
    /// The rheobase search found no current where the model turns from silent to firing.
    #[error(
        "{model}: no rheobase: it {reason}; change cs.g_a_values, cs.g_k or cs.g_total, or \
         cs.threshold_mv"
    )]
    NoOnset {
        /// The model and its conductances.
        model: String,
        /// What the search saw.
        reason: String,
    },
}

/// The rheobase search looks for a silent and a firing current within ±this (µA/cm²); a
/// model that fires at every current, or at none, in that range is an error, never a guess.
pub const SEARCH_LIMIT_UA: f64 = 1000.0;

/// Most halvings of the rheobase bisection (it also stops when the midpoint equals an end).
pub const MAX_BISECTIONS: usize = 200;

/// How g_K moves as g_A is swept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Convention {
    /// g_K held at its standard value.
    FixedGk,
    /// g_K + g_A held at the standard total.
    FixedTotal,
}

impl Convention {
    /// Value of the `convention` column of the data files.
    pub fn id(self) -> &'static str {
        match self {
            Convention::FixedGk => "fixed_gk",
            Convention::FixedTotal => "fixed_total",
        }
    }
}

/// Hodgkin's excitability class, from the bifurcation through which rest is lost
/// (Izhikevich, ch. 7): a SNIC is type I, every other onset type II.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Excitability {
    /// Rest is lost at a saddle-node on an invariant circle: the rate rises from zero.
    TypeI,
    /// Rest is lost at a saddle-node off the invariant circle or a Hopf point.
    TypeII,
}

impl Excitability {
    /// The class of an onset bifurcation.
    pub fn of(b: OnsetBifurcation) -> Excitability {
        if b.is_type_one() {
            Excitability::TypeI
        } else {
            Excitability::TypeII
        }
    }

    /// Value of the `excitability_type` column.
    pub fn id(self) -> &'static str {
        match self {
            Excitability::TypeI => "type_I",
            Excitability::TypeII => "type_II",
        }
    }
}

impl Excitability {
    /// `type I` or `type II`.
    pub fn name(self) -> &'static str {
        match self {
            Excitability::TypeI => "type I",
            Excitability::TypeII => "type II",
        }
    }
}

/// Onset of firing of one model.
#[derive(Debug, Clone, PartialEq)]
pub struct Onset {
    /// Resting potential at I = 0 (mV): the lowest root of the steady-state I–V curve.
    pub rest_mv: f64,
    /// Largest real part of the Jacobian's eigenvalues at that rest (1/ms); positive means
    /// the rest is unstable and the neuron fires without input.
    pub rest_exponent_per_ms: f64,
    /// The rheobase (µA/cm²): the fold current for a SNIC (where the rate rises from zero);
    /// where the I = 0 equilibrium is unstable, the current at which the stable rest,
    /// followed up from hyperpolarised currents, is lost (negative: the model fires with no
    /// input); otherwise the lowest current at which a step from the I = 0 rest fires (by
    /// bisection).
    pub rheobase: f64,
    /// The step rheobase found by bisection, whatever the class (µA/cm²).
    pub step_rheobase: f64,
    /// Rate at the rheobase (Hz): 0 for a SNIC (f → 0 at the fold), the rate a step from the
    /// I = 0 equilibrium to the rheobase gives otherwise.
    pub onset_rate_hz: f64,
    /// Rate [`PROBE_ABOVE_UA`] above the rheobase (Hz).
    pub rate_above_hz: f64,
    /// (rate_above − onset_rate) / [`PROBE_ABOVE_UA`]: the slope near onset (Hz per µA/cm²).
    pub slope_hz_per_ua: f64,
    /// Type I or type II, from the bifurcation; `None` when rest is not lost in the scanned
    /// window.
    pub excitability: Option<Excitability>,
    /// The bifurcation analysis behind it.
    pub analysis: OnsetAnalysis,
    /// Latency of the first spike [`PROBE_ABOVE_UA`] above the rheobase (ms).
    pub first_spike_ms_above: Option<f64>,
}

/// One model of the sweep and its F-I curve.
#[derive(Debug, Clone, PartialEq)]
pub struct CsCurve {
    /// Which sweep it belongs to.
    pub convention: Convention,
    /// A-type conductance (mS/cm²).
    pub g_a: f64,
    /// Delayed-rectifier conductance (mS/cm²).
    pub g_k: f64,
    /// Rate at each current of [`CsResult::currents`] (Hz).
    pub rate_hz: Vec<f64>,
    /// The onset.
    pub onset: Onset,
}

/// A voltage trace after a current step.
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    /// A-type conductance (mS/cm²).
    pub g_a: f64,
    /// Delayed-rectifier conductance (mS/cm²).
    pub g_k: f64,
    /// Injected current (µA/cm²).
    pub current: f64,
    /// Sample times (ms).
    pub t_ms: Vec<f64>,
    /// Membrane potential (mV).
    pub v_mv: Vec<f64>,
    /// Time of the first spike (ms).
    pub first_spike_ms: Option<f64>,
}

/// The effect of the step size on the standard model's F-I curve.
#[derive(Debug, Clone, PartialEq)]
pub struct StepCheck {
    /// RK4 step of the report (ms).
    pub dt_ms: f64,
    /// Largest relative rate change when that step is halved, over the currents where both
    /// steps fire.
    pub max_relative_change: f64,
    /// Currents where one of the two steps fires and the other does not (the change there is
    /// not a relative one: it is the whole rate).
    pub firing_disagreements: usize,
    /// Exponential-Euler step of the comparison, brian2's default (ms).
    pub brian2_dt_ms: f64,
    /// Exponential-Euler rates of the standard model at brian2's default step (Hz).
    pub brian2_rate_hz: Vec<f64>,
    /// Smallest and largest relative slowdown of those rates against the converged ones, over
    /// the currents where both fire; `None` when there is no such current.
    pub brian2_slowdown: Option<(f64, f64)>,
}

/// The whole chapter's Connor–Stevens results.
#[derive(Debug, Clone, PartialEq)]
pub struct CsResult {
    /// Currents of the F-I sweep (µA/cm²).
    pub currents: Vec<f64>,
    /// Every model, g_K-fixed convention first, in the configured g_A order.
    pub curves: Vec<CsCurve>,
    /// Index in `curves` of the standard model (the largest g_A with g_K fixed).
    pub standard: usize,
    /// Voltage traces with the A-current and with it blocked.
    pub traces: Vec<Trace>,
    /// Step-size check.
    pub step_check: StepCheck,
    /// Where the onset changes class between neighbouring g_A values, bisected on g_A.
    pub type_changes: Vec<cs_analysis::GaTypeChange>,
    /// The (g_A, I) diagram of each convention: folds, Hopf points, the cusp, the crossing.
    pub two_parameter: Vec<(Convention, crate::analysis::two_parameter::Diagram)>,
    /// The numbers behind the mechanism, for the standard model.
    pub mechanism: cs_analysis::Mechanism,
    /// The square-root law at the standard model's onset, if it is a SNIC.
    pub snic_law: Option<onset::SqrtLaw>,
    /// Bifurcation diagrams: the standard model, and the type II model of the g_K-fixed sweep
    /// with the largest g_A (if any).
    pub diagrams: Vec<cs_analysis::Diagram>,
    /// A slow current ramp across the widest bistable window of the sweep, if any.
    pub ramp: Option<cs_analysis::Ramp>,
}

struct Protocol<'a> {
    cfg: &'a CsConfig,
    method: Method,
    dt_ms: f64,
    meter: super::Meter<'a>,
}

impl<'a> Protocol<'a> {
    /// Reports the neuron-steps of a simulator's runs to the meter.
    fn on_steps(&self, steps: u64) {
        (self.meter)(steps as f64 * crate::config::budget::CS_ONSET_NS_PER_STEP);
    }

    /// The report's protocol: RK4 at the configured step.
    fn of(cfg: &'a CsConfig, meter: super::Meter<'a>) -> Self {
        Protocol {
            cfg,
            method: Method::Rk4,
            dt_ms: cfg.dt_ms,
            meter,
        }
    }

    /// The step-size check on `m`: its rates at every current with RK4 at half the step, and
    /// with exponential Euler at brian2's default step.
    fn checks(&self, m: &ConnorStevens, currents: &[f64]) -> Result<Vec<(f64, f64)>, CsError> {
        let half = Protocol {
            dt_ms: self.dt_ms / 2.0,
            ..*self
        };
        let brian2 = Protocol {
            method: Method::ExponentialEuler,
            dt_ms: self.cfg.brian2_dt_ms,
            ..*self
        };
        let (h, b) = par::join(|| half.curve(m, currents), || brian2.curve(m, currents));
        Ok(h?.into_iter().zip(b?).collect())
    }

    fn cycle_settings(&self) -> CycleSettings {
        CycleSettings {
            dt_ms: self.dt_ms,
            threshold_mv: self.cfg.threshold_mv,
            settle_ms: onset::SETTLE_MS,
            measure_ms: onset::MEASURE_MS,
        }
    }

    fn spec(&self, stop_after_spikes: usize) -> RunSpec {
        RunSpec {
            method: self.method,
            dt_ms: self.dt_ms,
            duration_ms: self.cfg.duration_ms,
            threshold_mv: self.cfg.threshold_mv,
            stop_after_spikes,
            transient_ms: self.cfg.transient_ms,
            stop_at_rest: true,
        }
    }

    /// The I = 0 resting state, exactly.
    fn equilibrium(&self, m: &ConnorStevens) -> Result<[f64; 6], NumericalError> {
        m.resting_state(0.0).ok_or_else(|| NumericalError {
            model: conductance::Model::describe(m),
            parameters: "steady-state I-V curve at I = 0 (no root)".into(),
            when: "before the run".into(),
            value: f64::NAN,
        })
    }

    /// The starting state: the I = 0 rest with V raised by [`NUDGE_MV`], so that a neuron
    /// whose rest is unstable does not sit on it forever at I = 0 by the symmetry of exact
    /// arithmetic.
    fn rest(&self, m: &ConnorStevens) -> Result<[f64; 6], NumericalError> {
        let mut s = self.equilibrium(m)?;
        s[0] += NUDGE_MV;
        Ok(s)
    }

    /// The spike times of one run from rest, stopped after `stop` spikes past the transient:
    /// RK4 runs in `sim`'s lanes (the lane math of the sweep's curves), others alone.
    async fn spikes(
        &self,
        sim: &Sim<ConnorStevens, 6>,
        m: &ConnorStevens,
        current: f64,
        stop: usize,
    ) -> Result<Vec<f64>, NumericalError> {
        let spec = self.spec(stop);
        let spikes = match self.method {
            Method::Rk4 => {
                sim.track_until(
                    m,
                    self.rest(m)?,
                    current,
                    spec.dt_ms,
                    spec.duration_ms,
                    spec.threshold_mv,
                    (stop, spec.transient_ms),
                )
                .await?
                .spikes_ms
            }
            Method::ExponentialEuler => {
                // Outside the simulator, so metered here (the simulator meters its own runs).
                (self.meter)(
                    (self.cfg.duration_ms / self.dt_ms).ceil()
                        * crate::config::budget::CS_NS_PER_STEP,
                );
                conductance::run(m, self.rest(m)?, current, &spec)?
            }
        };
        Ok(spikes)
    }

    /// The F-I curve of `m` at every current, [`conductance::LANES`] currents at a time on
    /// the lane math, in parallel and in order.
    fn curve(&self, m: &ConnorStevens, currents: &[f64]) -> Result<Vec<f64>, NumericalError> {
        let run_ns =
            (self.cfg.duration_ms / self.dt_ms).ceil() * crate::config::budget::CS_NS_PER_STEP;
        let spec = self.spec(self.cfg.spikes_for_rate);
        conductance::run_all(m, self.rest(m)?, currents, &spec, &|n| {
            (self.meter)(n as f64 * run_ns)
        })
        .into_iter()
        .map(|t| {
            Ok(conductance::rate_after_transient(
                &t?,
                self.cfg.transient_ms,
            ))
        })
        .collect()
    }

    async fn rate(
        &self,
        sim: &Sim<ConnorStevens, 6>,
        m: &ConnorStevens,
        current: f64,
    ) -> Result<f64, NumericalError> {
        let t = self
            .spikes(sim, m, current, self.cfg.spikes_for_rate)
            .await?;
        Ok(conductance::rate_after_transient(&t, self.cfg.transient_ms))
    }

    async fn fires(
        &self,
        sim: &Sim<ConnorStevens, 6>,
        m: &ConnorStevens,
        current: f64,
    ) -> Result<bool, NumericalError> {
        let t = self.spikes(sim, m, current, 2).await?;
        Ok(t.iter().filter(|&&s| s >= self.cfg.transient_ms).count() >= 2)
    }

    /// The step rheobase of `m`: bisection between a silent and a firing current, starting
    /// from the sweep's `rates`, its runs in `sim`'s lanes.
    async fn step_rheobase(
        &self,
        sim: &Sim<ConnorStevens, 6>,
        m: &ConnorStevens,
        currents: &[f64],
        rates: &[f64],
    ) -> Result<f64, CsError> {
        let first = rates.iter().position(|&r| r > 0.0);
        let no_bracket = |reason: String| CsError::NoOnset {
            model: conductance::Model::describe(m),
            reason,
        };
        let (mut lo, mut hi) = match first {
            Some(0) => {
                // Fires at the bottom of the sweep: step down (doubling) until silent.
                let mut hi = currents[0];
                let mut step = self.cfg.i_step;
                let mut lo = hi - step;
                while self.fires(sim, m, lo).await? {
                    if lo <= -SEARCH_LIMIT_UA {
                        return Err(no_bracket(format!(
                            "fires at every current down to {lo} uA/cm^2 (no silent current \
                             within -{SEARCH_LIMIT_UA})"
                        )));
                    }
                    hi = lo;
                    step *= 2.0;
                    lo = (hi - step).max(-SEARCH_LIMIT_UA);
                }
                (lo, hi)
            }
            Some(k) => (currents[k - 1], currents[k]),
            None => {
                // Silent over the whole sweep: step up (doubling) until it fires.
                let mut lo = *currents.last().expect("non-empty sweep");
                let mut step = self.cfg.i_step;
                let mut hi = lo + step;
                while !self.fires(sim, m, hi).await? {
                    if hi >= SEARCH_LIMIT_UA {
                        return Err(no_bracket(format!(
                            "fires at no current up to {hi} uA/cm^2 (no firing current \
                             within {SEARCH_LIMIT_UA})"
                        )));
                    }
                    lo = hi;
                    step *= 2.0;
                    hi = (lo + step).min(SEARCH_LIMIT_UA);
                }
                (lo, hi)
            }
        };
        // Bisection, bounded: it stops at the tolerance, when the midpoint equals an end (the
        // tolerance is below the spacing of floats there), or after MAX_BISECTIONS halvings.
        for _ in 0..MAX_BISECTIONS {
            if hi - lo <= self.cfg.rheobase_tolerance {
                break;
            }
            let mid = 0.5 * (lo + hi);
            if mid <= lo || mid >= hi {
                break;
            }
            if self.fires(sim, m, mid).await? {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Ok(hi)
    }

    /// [`Protocol::step_rheobase`], then the bifurcation analysis, its runs in `sim`'s lanes.
    async fn onset(
        &self,
        sim: &Sim<ConnorStevens, 6>,
        m: &ConnorStevens,
        currents: &[f64],
        rates: &[f64],
    ) -> Result<Onset, CsError> {
        let step_rheobase = self.step_rheobase(sim, m, currents, rates).await?;
        let rest = self.equilibrium(m)?;
        let analysis = onset::analyse(
            sim,
            m,
            rest[0],
            step_rheobase,
            self.cfg.rheobase_tolerance,
            &self.cycle_settings(),
        )
        .await?;
        let bifurcation = analysis.bifurcation();
        let excitability = bifurcation.map(Excitability::of);
        // A SNIC's rheobase is the fold itself, where the rate is zero; a finite run only
        // sees the rate once it is above about 1/duration. Where the I = 0 equilibrium is
        // unstable there is no rest to step from (a step from it fires at currents that
        // depend on where it starts): the rheobase is where the stable rest, followed up in
        // current from hyperpolarised values, is lost, as under a slow ramp.
        let (rheobase, onset_rate_hz) = match (bifurcation, analysis.onset_fold(), analysis.loss) {
            (Some(OnsetBifurcation::Snic), Some(fold), _) => (fold.current, 0.0),
            (_, _, Some(loss)) if !analysis.rest_stable => {
                (loss.current(), self.rate(sim, m, loss.current()).await?)
            }
            _ => (step_rheobase, self.rate(sim, m, step_rheobase).await?),
        };
        let above = rheobase + PROBE_ABOVE_UA;
        let spikes_above = self.spikes(sim, m, above, self.cfg.spikes_for_rate).await?;
        let rate_above_hz = conductance::rate_after_transient(&spikes_above, self.cfg.transient_ms);
        Ok(Onset {
            rest_mv: rest[0],
            rest_exponent_per_ms: analysis.rest_leading_per_ms,
            rheobase,
            step_rheobase,
            onset_rate_hz,
            rate_above_hz,
            slope_hz_per_ua: (rate_above_hz - onset_rate_hz) / PROBE_ABOVE_UA,
            excitability,
            analysis,
            first_spike_ms_above: spikes_above.first().copied(),
        })
    }
}

/// The sweep's currents, rounded to 1e-9 so grid values are exact.
pub fn currents(cfg: &CsConfig) -> Vec<f64> {
    let n = ((cfg.i_max - cfg.i_min) / cfg.i_step).round() as usize + 1;
    (0..n)
        .map(|k| ((cfg.i_min + k as f64 * cfg.i_step) * 1e9).round() / 1e9)
        .collect()
}

fn trace(p: &Protocol, m: &ConnorStevens, current: f64) -> Result<Trace, NumericalError> {
    let mut s = p.rest(m)?;
    let n = (p.cfg.trace_ms / p.dt_ms).round() as usize;
    let every = ((0.1 / p.dt_ms).round() as usize).max(1);
    let (mut t_ms, mut v_mv) = (vec![0.0], vec![s[0]]);
    let mut first_spike_ms = None;
    for step in 0..n {
        let before = s[0];
        conductance::rk4_step(m, &mut s, current, p.dt_ms);
        if first_spike_ms.is_none() && before <= p.cfg.threshold_mv && s[0] > p.cfg.threshold_mv {
            let frac = (p.cfg.threshold_mv - before) / (s[0] - before);
            first_spike_ms = Some((step as f64 + frac) * p.dt_ms);
        }
        if (step + 1) % every == 0 {
            t_ms.push((step + 1) as f64 * p.dt_ms);
            v_mv.push(s[0]);
        }
    }
    Ok(Trace {
        g_a: m.g_a,
        g_k: m.g_k,
        current,
        t_ms,
        v_mv,
        first_spike_ms,
    })
}

/// One setting of the sweep: (convention, g_A, g_K).
type Setting = (Convention, f64, f64);

/// Every setting of the sweep, g_K-fixed convention first, and the
/// distinct models (g_A, g_K) among them, sorted: each is simulated once, even when both
/// conventions contain it.
fn settings_and_models(cfg: &CsConfig) -> (Vec<Setting>, Vec<(f64, f64)>) {
    let settings: Vec<Setting> = [Convention::FixedGk, Convention::FixedTotal]
        .into_iter()
        .flat_map(|c| {
            cfg.g_a_values.iter().map(move |&g_a| {
                let g_k = match c {
                    Convention::FixedGk => cfg.g_k,
                    // Rounded to 1e-9 so that 67.7 − 40 prints as 27.7.
                    Convention::FixedTotal => ((cfg.g_total - g_a) * 1e9).round() / 1e9,
                };
                (c, g_a, g_k)
            })
        })
        .collect();
    let mut models: Vec<(f64, f64)> = settings.iter().map(|s| (s.1, s.2)).collect();
    models.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    models.dedup_by(|a, b| a.0.to_bits() == b.0.to_bits() && a.1.to_bits() == b.1.to_bits());
    (settings, models)
}

/// The F-I sweep alone: the rate (Hz) of every distinct model of the sweep (sorted by g_A,
/// then g_K) at every current of [`currents`], as [`run`] computes them first (what
/// `cargo bench --bench neurons` times as the sweep).
pub fn sweep(cfg: &CsConfig, meter: super::Meter) -> Result<Vec<Vec<f64>>, NumericalError> {
    let p = Protocol::of(cfg, meter);
    let (_, models) = settings_and_models(cfg);
    curves(&p, &models, &currents(cfg))
}

/// The F-I curve of every model (g_A, g_K) at `currents`, in parallel and in order.
fn curves(
    p: &Protocol,
    models: &[(f64, f64)],
    currents: &[f64],
) -> Result<Vec<Vec<f64>>, NumericalError> {
    par::map(models, |&(g_a, g_k)| {
        p.curve(&ConnorStevens::with_conductances(g_a, g_k), currents)
    })
    .into_iter()
    .collect()
}

/// What [`on_sims`] calls for the k-th chain, with the simulator it runs in. (The
/// `&'s &'a ()` argument only tells the compiler that a simulator never outlives the data
/// `'a` the chains borrow.)
type ChainOf<'a, T> =
    dyn for<'s> Fn(&'s Sim<ConnorStevens, 6>, usize, &'s &'a ()) -> Chain<'s, T> + Sync + 'a;

/// `chain(sim, k)` for every k < n, in order: the chains dealt out in turn to a simulator per
/// thread, each with at least a vector's worth of them (a run's bits do not depend on its
/// lane or its neighbours, so neither do the results).
fn on_sims<'a, T: Send>(
    n: usize,
    chain: &ChainOf<'a, T>,
    on_steps: &(dyn Fn(u64) + Sync),
) -> Vec<T> {
    let groups = par::threads().min(n.div_ceil(conductance::LANES)).max(1);
    let per_group: Vec<Vec<T>> = par::map_range(groups, |first| {
        let sim = Sim::new();
        let chains = (first..n)
            .step_by(groups)
            .map(|k| chain(&sim, k, &&()))
            .collect();
        sim.run_metered(chains, on_steps)
    });
    let mut dealt: Vec<_> = per_group.into_iter().map(Vec::into_iter).collect();
    (0..n)
        .map(|k| dealt[k % groups].next().expect("one result per chain"))
        .collect()
}

/// The rate at each (g_A, g_K, I) point with the sweep's protocol (from the I = 0 rest of
/// that model, rate from the intervals after the transient), at the report's RK4 step
/// (`brian2_step` false) or with exponential Euler at brian2's default step (true): what the
/// grader compares a student's Connor–Stevens curves with, at the student's own points. Each
/// model's currents run together, in parallel; results in the order of `points`.
pub fn rates_at(
    cfg: &CsConfig,
    points: &[(f64, f64, f64)],
    brian2_step: bool,
) -> Result<Vec<f64>, NumericalError> {
    let mut p = Protocol::of(cfg, &|_| {});
    if brian2_step {
        p.method = Method::ExponentialEuler;
        p.dt_ms = cfg.brian2_dt_ms;
    }
    let mut models: Vec<(f64, f64)> = Vec::new();
    for &(g_a, g_k, _) in points {
        if model_index(&models, g_a, g_k).is_none() {
            models.push((g_a, g_k));
        }
    }
    let per_model: Vec<Result<Vec<f64>, NumericalError>> = par::map(&models, |&(g_a, g_k)| {
        let currents: Vec<f64> = points
            .iter()
            .filter(|q| q.0.to_bits() == g_a.to_bits() && q.1.to_bits() == g_k.to_bits())
            .map(|q| q.2)
            .collect();
        p.curve(&ConnorStevens::with_conductances(g_a, g_k), &currents)
    });
    let mut per_model: Vec<std::vec::IntoIter<f64>> = per_model
        .into_iter()
        .map(|r| r.map(Vec::into_iter))
        .collect::<Result<_, _>>()?;
    Ok(points
        .iter()
        .map(|&(g_a, g_k, _)| {
            let k = model_index(&models, g_a, g_k).expect("every model was listed");
            per_model[k].next().expect("one rate per point")
        })
        .collect())
}

/// The curves of the models whose I = 0 equilibrium is unstable, with the steps below the
/// loss of their stable rest started from that rest (the state a slow ramp holds there, as
/// for their rheobase) instead of from the unstable equilibrium, where the state never rests.
/// Above the loss no stable rest is left to start from and the steps start from the I = 0
/// equilibrium, as for every other model. Models whose walk jumps between rests keep their
/// curves (the lowest rest is then not the one followed).
fn from_stable_rest(
    p: &Protocol,
    models: &[(f64, f64)],
    currents: &[f64],
    mut rates: Vec<Vec<f64>>,
    onsets: &[Onset],
) -> Result<Vec<Vec<f64>>, NumericalError> {
    for ((r, o), &(g_a, g_k)) in rates.iter_mut().zip(onsets).zip(models) {
        let a = &o.analysis;
        let Some(loss) = a.loss.filter(|_| !a.rest_stable && a.jumps.is_empty()) else {
            continue;
        };
        let m = ConnorStevens::with_conductances(g_a, g_k);
        let spec = p.spec(p.cfg.spikes_for_rate);
        for (rate, &i) in r.iter_mut().zip(currents) {
            if i >= loss.current() {
                continue;
            }
            let Some(rest) = m.resting_state(i) else {
                continue;
            };
            let spikes = conductance::run(&m, rest, i, &spec)?;
            *rate = conductance::rate_after_transient(&spikes, p.cfg.transient_ms);
        }
    }
    Ok(rates)
}

/// Runs the sweep, the onsets, the traces and the step-size check.
pub fn run(cfg: &CsConfig, meter: super::Meter) -> Result<CsResult, CsError> {
    let p = Protocol::of(cfg, meter);
    let currents = currents(cfg);
    let (settings, models) = settings_and_models(cfg);
    let rates = curves(&p, &models, &currents)?;
    let per_model: Vec<&[f64]> = rates.iter().map(Vec::as_slice).collect();
    let max_ga = largest_g_a(cfg);
    let standard_model = ConnorStevens::with_conductances(max_ga, cfg.g_k);
    // The onsets of every model and the step-size checks are independent: run together.
    // The models' analyses share the lanes of a simulator per thread, so the thread that
    // finishes the checks (a fraction of the other's time) does not stand idle.
    let (onsets, checks) = par::join(
        || {
            on_sims(
                models.len(),
                &|sim, k, _| {
                    let (p, currents, rates) = (&p, &currents, per_model[k]);
                    let m = ConnorStevens::with_conductances(models[k].0, models[k].1);
                    Box::pin(async move { p.onset(sim, &m, currents, rates).await })
                },
                &|n| p.on_steps(n),
            )
            .into_iter()
            .collect::<Result<Vec<Onset>, CsError>>()
        },
        || p.checks(&standard_model, &currents),
    );
    let (onsets, checks) = (onsets?, checks?);
    let rates = from_stable_rest(&p, &models, &currents, rates, &onsets)?;
    let per_model: Vec<&[f64]> = rates.iter().map(Vec::as_slice).collect();
    let index =
        |g_a: f64, g_k: f64| model_index(&models, g_a, g_k).expect("every setting was simulated");
    let curves: Vec<CsCurve> = settings
        .iter()
        .map(|&(convention, g_a, g_k)| {
            let k = index(g_a, g_k);
            CsCurve {
                convention,
                g_a,
                g_k,
                rate_hz: per_model[k].to_vec(),
                onset: onsets[k].clone(),
            }
        })
        .collect();
    let standard = curves
        .iter()
        .position(|c| c.convention == Convention::FixedGk && c.g_a.to_bits() == max_ga.to_bits())
        .expect("the sweep has a largest g_A");

    // The same total K conductance with the A-current blocked: its onset is the sweep's own
    // when the sweep holds that model (it does with g_K + g_A fixed at the standard total).
    let blocked = ConnorStevens::with_conductances(0.0, ((cfg.g_k + max_ga) * 1e9).round() / 1e9);
    let blocked_onset = match model_index(&models, blocked.g_a, blocked.g_k) {
        Some(k) => onsets[k].clone(),
        None => {
            let rates = p.curve(&blocked, &currents)?;
            let sim = Sim::new();
            sim.run_one_metered(p.onset(&sim, &blocked, &currents, &rates), &|n| {
                p.on_steps(n)
            })?
        }
    };
    let reference = &curves[standard].rate_hz;
    let mut max_relative_change: f64 = 0.0;
    let mut firing_disagreements = 0;
    let mut slowdown: Option<(f64, f64)> = None;
    for (k, &(h, b)) in checks.iter().enumerate() {
        let r = reference[k];
        if r > 0.0 && h > 0.0 {
            max_relative_change = max_relative_change.max((h - r).abs() / r);
        } else if (r > 0.0) != (h > 0.0) {
            firing_disagreements += 1;
        }
        if h > 0.0 && b > 0.0 {
            let s = 1.0 - b / h;
            slowdown = Some(slowdown.map_or((s, s), |(lo, hi)| (lo.min(s), hi.max(s))));
        }
    }
    let cycle = p.cycle_settings();
    let tolerance = cfg.rheobase_tolerance;
    let type_two_example = curves
        .iter()
        .filter(|c| {
            c.convention == Convention::FixedGk
                && c.onset.excitability == Some(Excitability::TypeII)
        })
        .max_by(|a, b| a.g_a.total_cmp(&b.g_a));
    let diagram_curves: Vec<&CsCurve> = std::iter::once(&curves[standard])
        .chain(type_two_example)
        .collect();
    let widest = curves
        .iter()
        .filter_map(|c| {
            c.onset
                .analysis
                .bistable_window()
                .map(|(lo, hi)| (hi - lo, c))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c);
    let rheobase = curves[standard].onset.rheobase;
    // Everything below depends on the curves only: the traces (each PROBE_ABOVE_UA above its
    // own rheobase), the type changes, the square-root law, the diagrams, the mechanism and
    // the ramp, all at once.
    // The chains of runs (bisections, continuations, the staircase) share the lanes of two
    // simulators, started first (they are the longest to wait for); the traces and the
    // mechanism's probes are independent runs any idle core can take.
    let (((type_changes, snic_law), (diagrams, ramp)), (traces, (mechanism, two_parameter))) =
        par::join(
            || {
                par::join(
                    || {
                        let sim = Sim::new();
                        sim.run_one_metered(
                            join(
                                cs_analysis::type_changes(&sim, cfg, &curves, &cycle),
                                cs_analysis::snic_law(&sim, &curves[standard], &cycle),
                            ),
                            &|n| p.on_steps(n),
                        )
                    },
                    || {
                        let sim = Sim::new();
                        let sim = &sim;
                        let diagrams: Vec<Chain<'_, _>> = diagram_curves
                            .iter()
                            .map(|c| Box::pin(cs_analysis::diagram(sim, c, tolerance, &cycle)) as _)
                            .collect();
                        let ramp = async {
                            match widest {
                                Some(c) => cs_analysis::ramp(sim, c, &cycle).await,
                                None => Ok(None),
                            }
                        };
                        let (diagrams, ramp) =
                            sim.run_one_metered(join(join_all(diagrams), ramp), &|n| p.on_steps(n));
                        (
                            diagrams
                                .into_iter()
                                .collect::<Result<Vec<_>, NumericalError>>(),
                            ramp,
                        )
                    },
                )
            },
            || {
                par::join(
                    || {
                        let (a, b) = par::join(
                            || trace(&p, &standard_model, rheobase + PROBE_ABOVE_UA),
                            || trace(&p, &blocked, blocked_onset.rheobase + PROBE_ABOVE_UA),
                        );
                        Ok::<_, NumericalError>(vec![a?, b?])
                    },
                    || {
                        let two_parameter = [Convention::FixedGk, Convention::FixedTotal]
                            .into_iter()
                            .map(|c| Ok((c, cs_analysis::two_parameter(cfg, c)?)))
                            .collect::<Result<Vec<_>, NumericalError>>();
                        (
                            cs_analysis::mechanism(&standard_model, rheobase, &cycle),
                            two_parameter,
                        )
                    },
                )
            },
        );
    let (traces, type_changes, snic_law) = (traces?, type_changes?, snic_law?);
    let (diagrams, mechanism, ramp, two_parameter) = (diagrams?, mechanism?, ramp?, two_parameter?);
    Ok(CsResult {
        currents,
        standard,
        type_changes,
        two_parameter,
        mechanism,
        snic_law,
        diagrams,
        ramp,
        curves,
        traces,
        step_check: StepCheck {
            dt_ms: cfg.dt_ms,
            max_relative_change,
            firing_disagreements,
            brian2_dt_ms: cfg.brian2_dt_ms,
            brian2_rate_hz: checks.iter().map(|c| c.1).collect(),
            brian2_slowdown: slowdown,
        },
    })
}

/// The largest g_A of the sweep: the standard model's, with g_K fixed.
pub fn largest_g_a(cfg: &CsConfig) -> f64 {
    cfg.g_a_values
        .iter()
        .cloned()
        .fold(f64::NEG_INFINITY, f64::max)
}

/// Position of the model (g_A, g_K) among the simulated ones, compared bit for bit.
fn model_index(models: &[(f64, f64)], g_a: f64, g_k: f64) -> Option<usize> {
    models
        .iter()
        .position(|m| m.0.to_bits() == g_a.to_bits() && m.1.to_bits() == g_k.to_bits())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`Protocol::rate`] with a simulator of its own.
    fn rate_alone(p: &Protocol, m: &ConnorStevens, current: f64) -> f64 {
        let sim = Sim::new();
        sim.run_one(p.rate(&sim, m, current)).unwrap()
    }

    /// [`Protocol::onset`] with a simulator of its own.
    fn onset_alone(
        p: &Protocol,
        m: &ConnorStevens,
        currents: &[f64],
        rates: &[f64],
    ) -> Result<Onset, CsError> {
        let sim = Sim::new();
        sim.run_one(p.onset(&sim, m, currents, rates))
    }

    fn protocol(cfg: &CsConfig, dt_ms: f64) -> Protocol<'_> {
        Protocol {
            cfg,
            method: Method::Rk4,
            dt_ms,
            meter: &|_| {},
        }
    }

    #[test]
    fn the_bisection_ends_below_the_spacing_of_floats() {
        // A tolerance far below the float spacing near 8 uA/cm^2 used to loop forever.
        let cfg = CsConfig {
            rheobase_tolerance: 1e-300,
            duration_ms: 300.0,
            transient_ms: 50.0,
            ..CsConfig::default()
        };
        let p = protocol(&cfg, 0.05);
        let m = ConnorStevens::default();
        let onset = onset_alone(&p, &m, &[8.0, 9.0], &[0.0, 1.0]).unwrap();
        assert!(
            onset.rheobase > 8.0 && onset.rheobase <= 9.0,
            "{}",
            onset.rheobase
        );
    }

    #[test]
    fn a_model_that_never_fires_is_an_error_not_a_rheobase() {
        let cfg = CsConfig {
            duration_ms: 300.0,
            transient_ms: 50.0,
            ..CsConfig::default()
        };
        // The threshold above every spike peak: nothing ever counts as firing.
        let cfg_high = CsConfig {
            threshold_mv: 200.0,
            ..cfg.clone()
        };
        let p_high = protocol(&cfg_high, 0.05);
        let m = ConnorStevens::default();
        let err = onset_alone(&p_high, &m, &[0.0, 10.0], &[0.0, 0.0]).unwrap_err();
        assert!(
            matches!(err, CsError::NoOnset { .. }) && err.to_string().contains("up to 1000"),
            "{err}"
        );
    }

    #[test]
    fn standard_model_onset_is_type_one_near_8_microamperes() {
        let cfg = CsConfig::default();
        let p = protocol(&cfg, cfg.dt_ms);
        let m = ConnorStevens::default();
        let currents: Vec<f64> = vec![7.0, 8.0, 9.0];
        let rates = p.curve(&m, &currents).unwrap();
        let onset = onset_alone(&p, &m, &currents, &rates).unwrap();
        // Dayan and Abbott's Connor-Stevens neuron starts firing near 8 µA/cm², at low rates.
        assert!(
            (8.0..8.3).contains(&onset.rheobase),
            "rheobase {}",
            onset.rheobase
        );
        assert_eq!(onset.excitability, Some(Excitability::TypeI));
        assert!(
            onset.onset_rate_hz < 5.0,
            "onset rate {}",
            onset.onset_rate_hz
        );
        assert!(onset.rest_exponent_per_ms < 0.0);
    }

    #[test]
    fn rates_agree_with_a_step_size_converged_reference() {
        let cfg = CsConfig::default();
        let m = ConnorStevens::default();
        let (coarse, fine) = (protocol(&cfg, cfg.dt_ms), protocol(&cfg, cfg.dt_ms / 4.0));
        for i in [10.0, 20.0, 40.0] {
            let (a, b) = (rate_alone(&coarse, &m, i), rate_alone(&fine, &m, i));
            assert!(
                (a - b).abs() <= 0.005 * b,
                "I = {i}: {a} Hz at dt, {b} Hz at dt/4"
            );
        }
    }

    #[test]
    fn weak_a_current_makes_the_rest_unstable() {
        let cfg = CsConfig::default();
        let p = protocol(&cfg, cfg.dt_ms);
        for (g_a, unstable) in [(0.0, true), (10.0, true), (20.0, false), (47.7, false)] {
            let m = ConnorStevens::with_conductances(g_a, 20.0);
            let rest = p.equilibrium(&m).unwrap();
            let exponent = conductance::stability_exponent(&m, &rest, 0.0);
            assert_eq!(exponent > 0.0, unstable, "gA = {g_a}: exponent {exponent}");
        }
    }
}
