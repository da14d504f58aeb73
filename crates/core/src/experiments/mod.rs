//! Experiments: pure functions from the checked [`Config`] to typed results, one module per
//! homework question, listed in one registry ([`EXPERIMENTS`]) and run in parallel.
//!
//! Each experiment's run function returns an [`Outcome`]; [`run_all`] runs the registry with
//! rayon (order-preserving collect, so results never depend on the thread count) and then the
//! analyses that need several experiments (the curve fits).

pub mod connor_stevens;
pub mod controls;
pub mod cs_analysis;
pub mod fits;
pub mod hh_fi;
pub mod lif_fi;
pub mod mlp;
pub mod onset;
pub mod phase;
pub mod qif_fi;

use crate::config::Config;
use crate::error::Error;
use crate::par;

/// The typed outcome of one registry entry.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Phase portraits (homework 1.1).
    Phase(phase::PhaseResult),
    /// LIF F-I curve (the brian2 example).
    Lif(lif_fi::LifFiResult),
    /// QIF F-I curve, analytic curve and convergence (homework 1.2, 1.4).
    Qif(qif_fi::QifFiResult),
    /// The circles data set and the ReLU networks (homework part 2).
    Mlp(mlp::MlpResult),
    /// brian2's Hodgkin–Huxley example and its converged curve (homework 1.5).
    Hh(hh_fi::HhFiResult),
    /// The Connor–Stevens sweep (homework 1.5).
    Cs(connor_stevens::CsResult),
    /// The onset classifier on textbook models (chapter 2's positive controls).
    Controls(Vec<controls::ControlResult>),
}

/// Receives the work an experiment has done, in estimated nanoseconds of one core (the units
/// of [`crate::config::budget`]), so progress can be shown inside long experiments.
pub type Meter<'a> = &'a (dyn Fn(f64) + Sync);

/// Why an experiment failed.
pub type Failure = Box<dyn std::error::Error + Send + Sync>;

/// One entry of the registry.
pub struct Experiment {
    /// Unique id, used in error messages and progress.
    pub id: &'static str,
    /// Title for humans.
    pub title: &'static str,
    /// The pure run function; it reports its work to the meter.
    pub run: fn(&Config, Meter) -> Result<Outcome, Failure>,
    /// Starts before the experiments without it: its longest chain of runs that must follow
    /// one another (continuations, staircases, bisections) is the longest of the report, so
    /// the others' independent runs fill the cores around it.
    pub starts_first: bool,
}

/// Every experiment, in report order.
pub const EXPERIMENTS: &[Experiment] = &[
    Experiment {
        id: "phase",
        title: "Phase portraits of LIF and QIF",
        run: |cfg, _| Ok(Outcome::Phase(phase::run(cfg))),
        starts_first: false,
    },
    Experiment {
        id: "lif_fi",
        title: "LIF F-I curve (brian2 IF_curve_LIF)",
        run: |cfg, meter| Ok(Outcome::Lif(lif_fi::run(cfg, meter))),
        starts_first: false,
    },
    Experiment {
        id: "qif_fi",
        title: "QIF F-I curve, analytic curve and convergence",
        run: |cfg, meter| Ok(Outcome::Qif(qif_fi::run(cfg, meter)?)),
        starts_first: false,
    },
    Experiment {
        id: "hh_fi",
        title: "Hodgkin-Huxley F-I curve (brian2 IF_curve_Hodgkin_Huxley)",
        run: |cfg, meter| Ok(Outcome::Hh(hh_fi::run(&cfg.hh, meter)?)),
        starts_first: false,
    },
    Experiment {
        id: "connor_stevens",
        title: "Connor-Stevens F-I curves and the A-current sweep",
        run: |cfg, meter| Ok(Outcome::Cs(connor_stevens::run(&cfg.cs, meter)?)),
        starts_first: true,
    },
    Experiment {
        id: "onset_controls",
        title: "Onset classifier on textbook models",
        run: |_, meter| Ok(Outcome::Controls(controls::run(meter)?)),
        starts_first: false,
    },
    Experiment {
        id: "mlp",
        title: "Circles data set and ReLU networks of 5 and 1000 units",
        run: |cfg, meter| Ok(Outcome::Mlp(mlp::run(cfg, meter)?)),
        starts_first: false,
    },
];

/// All results of the report.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// Homework 1.1.
    pub phase: phase::PhaseResult,
    /// The brian2 LIF example.
    pub lif: lif_fi::LifFiResult,
    /// Homework 1.2 and 1.4.
    pub qif: qif_fi::QifFiResult,
    /// Homework 1.3: fits to the LIF and QIF curves, in that order.
    pub fits: Vec<fits::CurveFits>,
    /// The same fits to the converged Hodgkin–Huxley and the standard Connor–Stevens curves.
    pub fits_conductance: Vec<fits::CurveFits>,
    /// Homework 1.5: Hodgkin–Huxley.
    pub hh: hh_fi::HhFiResult,
    /// Homework 1.5: Connor–Stevens.
    pub cs: connor_stevens::CsResult,
    /// The onset classifier's positive controls.
    pub controls: Vec<controls::ControlResult>,
    /// Homework part 2.
    pub mlp: mlp::MlpResult,
}

/// Runs every experiment in parallel, calling `done(id)` as each finishes and `meter` with the
/// work done inside them, then the fits.
pub fn run_all(cfg: &Config, done: &(dyn Fn(&str) + Sync), meter: Meter) -> Result<Results, Error> {
    // The order of execution only: outcomes are matched by type below.
    let order: Vec<&Experiment> = EXPERIMENTS
        .iter()
        .filter(|e| e.starts_first)
        .chain(EXPERIMENTS.iter().filter(|e| !e.starts_first))
        .collect();
    let outcomes = par::map(&order, |e| {
        let out = (e.run)(cfg, meter).map_err(|source| Error::Experiment {
            experiment: e.id,
            source,
        });
        done(e.id);
        out
    })
    .into_iter()
    .collect::<Result<Vec<_>, Error>>()?;
    let (mut phase, mut lif, mut qif, mut mlp, mut hh, mut cs, mut controls) =
        (None, None, None, None, None, None, None);
    for o in outcomes {
        match o {
            Outcome::Phase(r) => phase = Some(r),
            Outcome::Lif(r) => lif = Some(r),
            Outcome::Qif(r) => qif = Some(r),
            Outcome::Mlp(r) => mlp = Some(r),
            Outcome::Hh(r) => hh = Some(r),
            Outcome::Cs(r) => cs = Some(r),
            Outcome::Controls(r) => controls = Some(r),
        }
    }
    let (phase, lif, qif) = (
        phase.expect("registry has phase"),
        lif.expect("registry has lif_fi"),
        qif.expect("registry has qif_fi"),
    );
    let hh: hh_fi::HhFiResult = hh.expect("registry has hh_fi");
    let cs: connor_stevens::CsResult = cs.expect("registry has connor_stevens");
    let qif_rate = |v0| crate::neuron::qif::analytic_rate_hz(&qif_fi::params(&cfg.qif, v0));
    let lif_rate = |v0| crate::neuron::lif::analytic_rate_hz(&cfg.lif, v0);
    // The four F-I curves fitted by ReLU and sigmoid, with their analytic curves where known.
    let curves = [
        (
            "LIF",
            "v0 (mV)",
            &lif.run.v0_mv,
            &lif.run.rate_hz,
            Some(&lif_rate as fits::Analytic),
        ),
        ("QIF", "V0", &qif.v0, &qif.rate_accurate_hz, Some(&qif_rate)),
        ("HH", "I (nA)", &hh.i_na, &hh.rate_converged_hz, None),
        (
            "CS",
            "I (µA/cm²)",
            &cs.currents,
            &cs.curves[cs.standard].rate_hz,
            None,
        ),
    ];
    let mut fits: Vec<fits::CurveFits> = par::map(&curves, |&(name, label, x, y, analytic)| {
        fits::CurveFits::new(
            name,
            label,
            x.to_vec(),
            y.to_vec(),
            analytic,
            &cfg.fit,
            meter,
        )
    });
    let fits_conductance = fits.split_off(2);
    Ok(Results {
        phase,
        lif,
        qif,
        fits,
        fits_conductance,
        hh,
        cs,
        controls: controls.expect("registry has onset_controls"),
        mlp: mlp.expect("registry has mlp"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_ids_are_unique() {
        let mut ids: Vec<&str> = EXPERIMENTS.iter().map(|e| e.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), EXPERIMENTS.len());
    }
}
