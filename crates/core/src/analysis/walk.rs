//! Onset by attractor: where firing starts as the input current rises slowly, decided by where
//! the state goes, not by the first fold of the steady-state I–V curve.
//!
//! The state starts on the stable rest at the bottom of the scan window and follows it up in
//! current. The stable stretch it is on ends at the first of two events: a Hopf point (the
//! equilibrium turns unstable where it is) or a fold (the equilibrium disappears). At a Hopf
//! point firing starts. At a fold the state must go somewhere: a run started on the
//! equilibrium just below the fold and stepped just past it decides where. If it spikes,
//! firing starts at the fold; if it settles on another stable equilibrium (one on the far side
//! of an S in I_ss(V), past a cusp), the walk goes on from there. The onset is the event that
//! ends the walk (Izhikevich, *Dynamical Systems in Neuroscience*, ch. 7).
//!
//! [`confirm`] then holds the result to simulation on both sides of the event: a run from the
//! attractor below it, stepped just above it, must fire, and one stepped just below it must
//! not. A class the simulation contradicts is an error, never a label.
//!
//! Pure and bounded: at most one step per fold, each run of a bounded length.

use crate::analysis::bifurcation::{
    self, CycleSettings, Equilibrium, Excitable, Fold, Hopf, RestLoss, Scan,
};
use crate::analysis::sim::{Sim, join};
use crate::error::NumericalError;

/// A jump of the state at a fold to another stable equilibrium, without firing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FoldJump {
    /// The fold that ends the stretch the state was on.
    pub fold: Fold,
    /// The stable equilibrium the state settled on just past the fold (mV).
    pub to_v_mv: f64,
    /// How far past the fold the state was taken (µA/cm²): [`fold_step`].
    pub step: f64,
}

/// The attractor followed up in current to the onset of firing.
#[derive(Debug, Clone, PartialEq)]
pub struct Walk {
    /// Fold jumps to another rest before the onset, in the order met.
    pub jumps: Vec<FoldJump>,
    /// The event at which firing starts; `None` when the state is still at rest at the top of
    /// the scan window.
    pub loss: Option<RestLoss>,
    /// The lowest voltage (mV) of the stable stretch the walk ended on: the equilibria between
    /// it and the event are the attractor just below the onset.
    pub stretch_from_mv: f64,
}

/// Longest run past a fold (ms) before the state is taken as neither firing nor at rest: it is
/// run in pieces of this length, up to [`FOLD_RUN_PIECES`] of them. Just past a SNIC the
/// first spikes take long (the period grows as 1/√(I − I_fold)); 60 s covers two periods at
/// the smallest step, [`MIN_FOLD_STEP`].
pub const FOLD_RUN_MS: f64 = 2000.0;
/// See [`FOLD_RUN_MS`].
pub const FOLD_RUN_PIECES: usize = 30;

/// The smallest step past a fold (µA/cm²): see [`fold_step`].
pub const MIN_FOLD_STEP: f64 = 2e-5;

/// The step past `fold` (µA/cm²): `probe`, or a tenth of the distance to the next bifurcation
/// above the fold's current (a Hopf point or fold anywhere on the branch) when that is
/// smaller. A stable rest beyond the S that loses stability at a Hopf point just above the
/// fold is then still seen as stable, and its basin (bounded by the unstable cycle of that
/// subcritical Hopf point, which shrinks as the point nears) is not cut down by the step
/// itself. Not below [`MIN_FOLD_STEP`].
pub fn fold_step(fold: &Fold, folds: &[Fold], hopfs: &[Hopf], probe: f64) -> f64 {
    let gap = folds
        .iter()
        .map(|f| f.current)
        .chain(hopfs.iter().map(|h| h.current))
        .map(|i| i - fold.current)
        .filter(|&d| d > 0.0)
        .fold(f64::INFINITY, f64::min);
    probe.min(0.1 * gap).max(MIN_FOLD_STEP)
}

/// A state within this distance of an equilibrium (mV), with |dV/dt| below
/// [`SETTLED_MV_PER_MS`], has settled there.
pub const SETTLED_MV: f64 = 0.5;
/// See [`SETTLED_MV`].
pub const SETTLED_MV_PER_MS: f64 = 1e-3;

/// Every equilibrium at input `current` in the scan window, by increasing V: the roots of
/// I_ss(V) = current on the scan grid, refined by bisection, with their eigenvalues (an
/// error where those cannot be computed).
pub fn equilibria_at<M: Excitable<N>, const N: usize>(
    m: &M,
    current: f64,
    scan: &Scan,
) -> Result<Vec<Equilibrium>, NumericalError> {
    let grid: Vec<f64> = scan.grid().collect();
    let f = |v: f64| bifurcation::steady_current(m, v) - current;
    let values: Vec<f64> = grid.iter().map(|&v| f(v)).collect();
    (1..grid.len())
        .filter(|&k| (values[k - 1] > 0.0) != (values[k] > 0.0))
        .map(|k| bifurcation::equilibrium(m, bifurcation::bisect(f, grid[k - 1], grid[k])))
        .collect()
}

/// The voltage (mV) in [`lo`, `hi`] where I_ss = `current`, on a stretch where I_ss rises;
/// `lo` when I_ss(lo) is already at or above it, `hi` when I_ss(hi) is below it.
fn on_stretch<M: Excitable<N>, const N: usize>(m: &M, lo: f64, hi: f64, current: f64) -> f64 {
    let f = |v: f64| bifurcation::steady_current(m, v) - current;
    if f(lo) >= 0.0 {
        lo
    } else if f(hi) <= 0.0 {
        hi
    } else {
        bifurcation::bisect(f, lo, hi)
    }
}

fn walk_error<M: Excitable<N>, const N: usize>(
    m: &M,
    parameters: String,
    when: &str,
    value: f64,
) -> NumericalError {
    NumericalError {
        model: m.describe(),
        parameters,
        when: when.into(),
        value,
    }
}

/// Follows the attractor up in current from the bottom of `scan` (where the rest must be
/// stable) to the onset of firing. At each fold the state is run from the equilibrium a step
/// below the fold at a step above it ([`fold_step`]: `probe` or less), in pieces of
/// [`FOLD_RUN_MS`]: two spikes (firing goes on) make the fold the onset; settling near a
/// stable equilibrium (within [`SETTLED_MV`]) is a jump there; neither after
/// [`FOLD_RUN_PIECES`] pieces is an error.
pub async fn walk<M: Excitable<N>, const N: usize>(
    sim: &Sim<M, N>,
    m: &M,
    scan: &Scan,
    probe: f64,
    c: &CycleSettings,
) -> Result<Walk, NumericalError> {
    let bottom = bifurcation::equilibrium(m, scan.v_lo)?;
    if !bottom.stable() {
        return Err(walk_error(
            m,
            format!("the equilibrium at V = {} mV", scan.v_lo),
            "at the bottom of the scan window: not stable, so there is no rest to follow",
            bottom.leading_real(),
        ));
    }
    let folds = bifurcation::folds(m, scan);
    let hopfs = bifurcation::hopfs(m, scan)?;
    let mut from = scan.v_lo;
    let mut jumps = Vec::new();
    // Each pass either ends the walk or jumps past a fold: at most one pass per fold.
    for _ in 0..=folds.len() {
        let fold = folds
            .iter()
            .find(|f| f.is_maximum && f.v_mv > from)
            .copied();
        let hopf = hopfs.iter().find(|h| h.v_mv > from).copied();
        let end = match (fold, hopf) {
            (f, Some(h)) if f.is_none_or(|f| h.v_mv < f.v_mv) => {
                return Ok(Walk {
                    jumps,
                    loss: Some(RestLoss::Hopf(h)),
                    stretch_from_mv: from,
                });
            }
            (Some(f), _) => f,
            _ => {
                return Ok(Walk {
                    jumps,
                    loss: None,
                    stretch_from_mv: from,
                });
            }
        };
        let step = fold_step(&end, &folds, &hopfs, probe);
        match past_fold(sim, m, scan, from, &end, step, c).await? {
            None => {
                return Ok(Walk {
                    jumps,
                    loss: Some(RestLoss::Fold(end)),
                    stretch_from_mv: from,
                });
            }
            Some(to_v_mv) => {
                jumps.push(FoldJump {
                    fold: end,
                    to_v_mv,
                    step,
                });
                from = to_v_mv;
            }
        }
    }
    Err(walk_error(
        m,
        format!("{} folds", folds.len()),
        "following the rest up in current: more jumps than folds",
        f64::NAN,
    ))
}

/// Where the state goes `step` past `fold`: `None` when it fires (two spikes), `Some(v)` when
/// it settles on the stable equilibrium at `v` (mV).
async fn past_fold<M: Excitable<N>, const N: usize>(
    sim: &Sim<M, N>,
    m: &M,
    scan: &Scan,
    from: f64,
    fold: &Fold,
    step: f64,
    c: &CycleSettings,
) -> Result<Option<f64>, NumericalError> {
    let below = on_stretch(m, from, fold.v_mv, fold.current - step);
    let past = fold.current + step;
    let rests: Vec<Equilibrium> = equilibria_at(m, past, scan)?
        .into_iter()
        .filter(|e| e.v_mv > fold.v_mv && e.stable())
        .collect();
    let mut state = m.steady_state(below);
    let mut spikes = 0;
    for _ in 0..FOLD_RUN_PIECES {
        let run = sim
            .track_until(
                m,
                state,
                past,
                c.dt_ms,
                FOLD_RUN_MS,
                c.threshold_mv,
                (2 - spikes, 0.0),
            )
            .await?;
        spikes += run.spikes_ms.len();
        if spikes >= 2 {
            return Ok(None);
        }
        state = run.state;
        let dv = m.derivative(&state, past)[0].abs();
        let settled_on = rests
            .iter()
            .find(|e| (e.v_mv - state[0]).abs() < SETTLED_MV);
        if let Some(e) = settled_on.filter(|_| run.settled || dv < SETTLED_MV_PER_MS) {
            return Ok(Some(e.v_mv));
        }
    }
    Err(walk_error(
        m,
        format!("I = {past}, {step} past the fold at I = {}", fold.current),
        "after the fold: neither fired nor settled on a stable equilibrium",
        state[0],
    ))
}

/// Longest run of [`confirm`] above the event (ms), ended at the first spike: what a fold,
/// or a Hopf point whose class rests on whether full spikes start above it, is given.
pub const CONFIRM_ABOVE_MS: f64 = 20_000.0;

/// What the simulation says on both sides of the onset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Confirmation {
    /// The current of the event (µA/cm²).
    pub current: f64,
    /// The step below and above it (µA/cm²).
    pub probe: f64,
    /// First spike after the step to `current + probe` (ms), from the attractor below; `None`
    /// at a Hopf point whose oscillation grows but stays below the spike threshold.
    pub first_spike_above_ms: Option<f64>,
    /// At a Hopf point: that oscillation settled on a small cycle below the threshold (two
    /// pieces of the run in turn spanned the same V range).
    pub small_cycle_above: bool,
    /// How long the run stepped to `current − probe` went on without a spike (ms).
    pub silent_below_ms: f64,
}

/// Holds the walk's onset to simulation. From the attractor's equilibrium 5 probes below the
/// event (off it by 10 µV), one run is stepped to `probe` below the event and must not spike
/// in the settle and measure windows of `c`; one is stepped to `probe` above it for at most
/// `above_ms` and must leave rest: spike (past a fold, the only way to leave), or at a Hopf
/// point at least not settle back. Either failing is an error naming the model, the event and
/// what the run did. `None` when the walk found no onset.
pub async fn confirm<M: Excitable<N>, const N: usize>(
    sim: &Sim<M, N>,
    m: &M,
    walk: &Walk,
    probe: f64,
    above_ms: f64,
    c: &CycleSettings,
) -> Result<Option<Confirmation>, NumericalError> {
    let Some(loss) = walk.loss else {
        return Ok(None);
    };
    let (v_event, current, kind) = match loss {
        RestLoss::Fold(f) => (f.v_mv, f.current, "fold"),
        RestLoss::Hopf(h) => (h.v_mv, h.current, "Hopf point"),
    };
    let start_v = on_stretch(m, walk.stretch_from_mv, v_event, current - 5.0 * probe);
    let mut start = m.steady_state(start_v);
    start[0] += 0.01;
    let silent_ms = c.settle_ms + c.measure_ms;
    let (below, above) = join(
        sim.track(
            m,
            start,
            current - probe,
            c.dt_ms,
            silent_ms,
            c.threshold_mv,
        ),
        above_event(sim, m, start, current + probe, above_ms, &loss, c),
    )
    .await;
    let (below, above) = (below?, above?);
    if let Some(&t) = below.spikes_ms.first() {
        return Err(walk_error(
            m,
            format!(
                "I = {}, {probe} below the {kind} at I = {current}",
                current - probe
            ),
            "confirming the onset by simulation: a step from the rest below it spiked",
            t,
        ));
    }
    let first = above.first_spike_ms;
    let left_rest = first.is_some() || (matches!(loss, RestLoss::Hopf(_)) && !above.settled);
    if !left_rest {
        return Err(walk_error(
            m,
            format!(
                "I = {}, {probe} above the {kind} at I = {current}",
                current + probe
            ),
            &format!(
                "confirming the onset by simulation: a step from the rest below it did not \
                 fire in {above_ms} ms"
            ),
            above.v_mv,
        ));
    }
    Ok(Some(Confirmation {
        current,
        probe,
        first_spike_above_ms: first,
        small_cycle_above: above.small_cycle,
        silent_below_ms: silent_ms,
    }))
}

/// Two pieces of a run above a Hopf point whose V ranges agree within this share have settled
/// on a small cycle.
pub const SMALL_CYCLE_TOLERANCE: f64 = 1e-3;

/// What the run above the event did.
struct Above {
    first_spike_ms: Option<f64>,
    settled: bool,
    small_cycle: bool,
    v_mv: f64,
}

/// The run of [`confirm`] above the event, for at most `above_ms`, ended at its first spike.
/// Above a Hopf point it runs in pieces of the settle and measure windows of `c`, and also
/// ends when two pieces in turn span the same V range within [`SMALL_CYCLE_TOLERANCE`]: the
/// oscillation has settled on a small cycle below the spike threshold (a supercritical
/// Hopf point's), which no longer run would turn into spikes.
async fn above_event<M: Excitable<N>, const N: usize>(
    sim: &Sim<M, N>,
    m: &M,
    start: [f64; N],
    input: f64,
    above_ms: f64,
    loss: &RestLoss,
    c: &CycleSettings,
) -> Result<Above, NumericalError> {
    let piece_ms = match loss {
        RestLoss::Hopf(_) => (c.settle_ms + c.measure_ms).min(above_ms),
        RestLoss::Fold(_) => above_ms,
    };
    let pieces = (above_ms / piece_ms).ceil() as usize;
    let (mut state, mut elapsed, mut last_span) = (start, 0.0, None::<f64>);
    for _ in 0..pieces {
        let run = sim
            .track_until(m, state, input, c.dt_ms, piece_ms, c.threshold_mv, (1, 0.0))
            .await?;
        let done = |first_spike_ms, small_cycle| Above {
            first_spike_ms,
            settled: run.settled,
            small_cycle,
            v_mv: run.state[0],
        };
        if let Some(&t) = run.spikes_ms.first() {
            return Ok(done(Some(elapsed + t), false));
        }
        if run.settled {
            return Ok(done(None, false));
        }
        let span = run.v_range_mv.1 - run.v_range_mv.0;
        if last_span.is_some_and(|last| (span - last).abs() <= SMALL_CYCLE_TOLERANCE * span) {
            return Ok(done(None, true));
        }
        (state, elapsed, last_span) = (run.state, elapsed + piece_ms, Some(span));
    }
    Ok(Above {
        first_spike_ms: None,
        settled: false,
        small_cycle: false,
        v_mv: state[0],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::bifurcation::Hopf;
    use crate::experiments::onset::{MEASURE_MS, PROBE_UA, SCAN, SETTLE_MS};
    use crate::neuron::conductance::{Method, RunSpec, run};
    use crate::neuron::connor_stevens::ConnorStevens;

    fn cycle() -> CycleSettings {
        CycleSettings {
            dt_ms: 0.05,
            threshold_mv: -20.0,
            settle_ms: SETTLE_MS,
            measure_ms: MEASURE_MS,
        }
    }

    fn walk_of(m: &ConnorStevens) -> (Walk, Option<Confirmation>) {
        let sim = Sim::new();
        sim.run_one(async {
            let w = walk(&sim, m, &SCAN, PROBE_UA, &cycle()).await.unwrap();
            let c = confirm(&sim, m, &w, PROBE_UA, CONFIRM_ABOVE_MS, &cycle())
                .await
                .unwrap();
            (w, c)
        })
    }

    /// The state `probe` past `fold`, run on the library's RK4 (not the lane math) from the
    /// equilibrium `probe` below it: its spikes and final V.
    fn past_fold_by_library(m: &ConnorStevens, fold: &Fold, probe: f64) -> (usize, f64) {
        let v = on_stretch(m, SCAN.v_lo, fold.v_mv, fold.current - probe);
        let spec = RunSpec {
            method: Method::Rk4,
            dt_ms: 0.05,
            duration_ms: 3000.0,
            threshold_mv: -20.0,
            stop_after_spikes: 0,
            transient_ms: 0.0,
            stop_at_rest: false,
        };
        let mut s = m.steady_state(v);
        let spikes = run(m, s, fold.current + probe, &spec).unwrap();
        // The final state of the same run, stepped by hand.
        for _ in 0..60_000 {
            crate::neuron::conductance::rk4_step(m, &mut s, fold.current + probe, 0.05);
        }
        (spikes.len(), s[0])
    }

    #[test]
    fn past_the_first_fold_at_ga_45_the_state_settles_on_a_second_rest_and_fires_at_its_hopf() {
        let m = ConnorStevens::with_conductances(45.0, 20.0);
        let (w, confirmation) = walk_of(&m);
        assert_eq!(w.jumps.len(), 1, "{w:?}");
        let jump = w.jumps[0];
        let first_max = bifurcation::folds(&m, &SCAN)[0];
        assert!(first_max.is_maximum);
        assert_eq!(jump.fold, first_max);
        // The library's RK4 agrees: no spike in 3 s, settled within SETTLED_MV of the rest.
        let (spikes, v_end) = past_fold_by_library(&m, &jump.fold, PROBE_UA);
        assert_eq!(spikes, 0);
        assert!(
            (v_end - jump.to_v_mv).abs() < SETTLED_MV,
            "{v_end} vs {jump:?}"
        );
        assert!((-53.0..-51.0).contains(&jump.to_v_mv), "{jump:?}");
        // Firing starts at the Hopf point of that rest, above the fold's current.
        let Some(RestLoss::Hopf(Hopf { current, v_mv, .. })) = w.loss else {
            panic!("{w:?}")
        };
        assert!(v_mv > jump.to_v_mv && current > jump.fold.current, "{w:?}");
        let c = confirmation.expect("confirmed");
        assert!(c.first_spike_above_ms.is_some());
    }

    #[test]
    fn the_standard_model_fires_past_its_first_fold_and_ga_40_at_its_lower_hopf_point() {
        let standard = ConnorStevens::with_conductances(47.7, 20.0);
        let (w, c) = walk_of(&standard);
        assert!(w.jumps.is_empty());
        let Some(RestLoss::Fold(f)) = w.loss else {
            panic!("{w:?}")
        };
        assert_eq!(f, bifurcation::folds(&standard, &SCAN)[0]);
        assert!(past_fold_by_library(&standard, &f, PROBE_UA).0 > 0);
        assert!(c.and_then(|c| c.first_spike_above_ms).is_some());

        let m = ConnorStevens::with_conductances(40.0, 20.0);
        let (w, c) = walk_of(&m);
        assert!(w.jumps.is_empty());
        assert!(matches!(w.loss, Some(RestLoss::Hopf(_))), "{w:?}");
        assert!(c.is_some());
    }

    #[test]
    fn every_equilibrium_at_a_current_is_found_with_its_stability() {
        // At g_A = 45 just past the first fold, I_ss(V) = I has three roots in the S and a
        // fourth beyond: the stable rest of the jump is one of them.
        let m = ConnorStevens::with_conductances(45.0, 20.0);
        let fold = bifurcation::folds(&m, &SCAN)[0];
        let eq = equilibria_at(&m, fold.current + PROBE_UA, &SCAN).unwrap();
        for e in &eq {
            assert!(
                (bifurcation::steady_current(&m, e.v_mv) - fold.current - PROBE_UA).abs() < 1e-9
            );
        }
        assert!(eq.windows(2).all(|w| w[0].v_mv < w[1].v_mv));
        let stable: Vec<&Equilibrium> = eq.iter().filter(|e| e.stable()).collect();
        assert_eq!(stable.len(), 1, "{eq:?}");
        assert!(stable[0].v_mv > fold.v_mv);
    }
}
