//! Homework part 2: the circles data set, and a one-hidden-layer ReLU network trained from
//! many seeded restarts at two widths (5 and 1000 hidden units by default).
//!
//! All restarts of both widths run in parallel (one order-preserving collect); "restart until
//! a good solution" is the first good restart in seed order, exactly what a sequential loop
//! of restarts would find.

use crate::config::{Config, MlpConfig};
use crate::error::NumericalError;
use crate::ml::boundary::{self, Boundary};
use crate::ml::circles::{self, Dataset, Split};
use crate::ml::mlp::{self, Mlp, TrainSettings, Trained};
use crate::par;
use crate::seed;

/// How a restart ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every training point right and the loss at most the bound.
    Good,
    /// The network predicts a single class everywhere on the training set.
    OneClass,
    /// The loss stayed within [`CHANCE_LOSS_TOLERANCE`] of ln 2 (the loss of predicting
    /// probability 1/2 everywhere) and the training accuracy within [`CHANCE_ACCURACY_TOLERANCE`]
    /// of the larger class's share: it learned nothing.
    ChanceLevel,
    /// Anything else: a poor local optimum (or too slow to reach the bound).
    PoorOptimum,
}

/// How close to ln 2 the final loss of a chance-level restart is.
pub const CHANCE_LOSS_TOLERANCE: f64 = 0.01;
/// How close to the larger class's share the accuracy of a chance-level restart is.
pub const CHANCE_ACCURACY_TOLERANCE: f64 = 0.05;

impl Verdict {
    /// The value of the `outcome` column.
    pub fn id(self) -> &'static str {
        match self {
            Verdict::Good => "good",
            Verdict::OneClass => "one_class",
            Verdict::ChanceLevel => "chance_level",
            Verdict::PoorOptimum => "poor_optimum",
        }
    }

    /// Classifies a finished restart: good, then one class, then chance level, else a poor
    /// optimum.
    pub fn of(
        train_accuracy: f64,
        final_loss: f64,
        one_class: bool,
        majority_share: f64,
        good_loss: f64,
    ) -> Verdict {
        if train_accuracy >= 1.0 && final_loss <= good_loss {
            Verdict::Good
        } else if one_class {
            Verdict::OneClass
        } else if (final_loss - std::f64::consts::LN_2).abs() <= CHANCE_LOSS_TOLERANCE
            && (train_accuracy - majority_share).abs() <= CHANCE_ACCURACY_TOLERANCE
        {
            Verdict::ChanceLevel
        } else {
            Verdict::PoorOptimum
        }
    }
}

/// One restart's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Restart {
    /// Restart index, from 0.
    pub restart: usize,
    /// Seed of its initial parameters.
    pub seed: u64,
    /// Training run, with the loss curve.
    pub trained: Trained,
    /// Final mean training loss.
    pub final_train_loss: f64,
    /// Final training accuracy.
    pub train_accuracy: f64,
    /// Test accuracy.
    pub test_accuracy: f64,
    /// Hidden units inactive on every training point at the end.
    pub dead_units: usize,
    /// First epoch after which the loss was at most the good bound, if any.
    pub epochs_to_good_loss: Option<usize>,
    /// For a good narrow restart, its decision boundary's margin: the smallest distance from
    /// any point of the data set to it (`None` for the others: failed restarts, whose boundary
    /// does not separate the classes, and the wide ones, whose shown network has its margin in
    /// [`Shown`]).
    pub margin: Option<f64>,
    /// How it ended.
    pub verdict: Verdict,
}

/// All restarts at one width.
#[derive(Debug, Clone, PartialEq)]
pub struct Width {
    /// Hidden units.
    pub hidden: usize,
    /// Epochs of each restart.
    pub epochs: usize,
    /// Every restart in order.
    pub restarts: Vec<Restart>,
}

impl Width {
    /// The first good restart: the one "restart until good" stops at.
    pub fn first_good(&self) -> Option<&Restart> {
        self.restarts.iter().find(|r| r.verdict == Verdict::Good)
    }

    /// The first restart that is not good, if any.
    pub fn first_failed(&self) -> Option<&Restart> {
        self.restarts.iter().find(|r| r.verdict != Verdict::Good)
    }

    /// Number of restarts with the given verdict.
    pub fn count(&self, v: Verdict) -> usize {
        self.restarts.iter().filter(|r| r.verdict == v).count()
    }
}

/// The data, its split and both widths.
#[derive(Debug, Clone, PartialEq)]
pub struct MlpResult {
    /// The whole data set, in scikit-learn's order.
    pub data: Dataset,
    /// Train and test rows.
    pub split: Split,
    /// The small network.
    pub small: Width,
    /// The wide network.
    pub wide: Width,
    /// The networks whose decision regions are shown, with their exact boundaries.
    pub shown: Vec<Shown>,
    /// The circle centred at the origin that separates the classes with the widest margin.
    pub best_circle: Option<BestCircle>,
}

/// A network whose decision boundary is drawn and measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    /// Panel title, e.g. "5 units, restart 0 (good)".
    pub title: String,
    /// From the wide group (else the small one).
    pub wide: bool,
    /// Index of the restart in its group.
    pub restart: usize,
    /// The exact boundary inside the plotted square.
    pub boundary: Boundary,
    /// Smallest distance from any data point (train and test) to the boundary.
    pub margin: f64,
}

/// The separating circle |x| = radius with the widest margin: halfway between the outermost
/// inner-class point and the innermost outer-class point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BestCircle {
    /// Its radius.
    pub radius: f64,
    /// Its margin, the distance to the nearest point.
    pub margin: f64,
}

/// The square [lo, hi]² the data and decision regions are drawn and measured on.
pub fn extent(data: &Dataset) -> (f64, f64) {
    let m = data
        .x
        .iter()
        .flat_map(|p| p.iter())
        .fold(0.0_f64, |m, v| m.max(v.abs()));
    let half = (m * 1.12 * 10.0).ceil() / 10.0;
    (-half, half)
}

/// The best separating circle of the data, if the classes are separable by radius (class 1
/// is the inner circle in `make_circles`).
pub fn best_circle(data: &Dataset) -> Option<BestCircle> {
    let r = |p: &[f64; 2]| p[0].hypot(p[1]);
    let inner = data
        .x
        .iter()
        .zip(&data.y)
        .filter(|(_, y)| **y == 1)
        .map(|(p, _)| r(p))
        .fold(f64::NEG_INFINITY, f64::max);
    let outer = data
        .x
        .iter()
        .zip(&data.y)
        .filter(|(_, y)| **y == 0)
        .map(|(p, _)| r(p))
        .fold(f64::INFINITY, f64::min);
    (inner.is_finite() && outer.is_finite() && outer > inner).then_some(BestCircle {
        radius: 0.5 * (inner + outer),
        margin: 0.5 * (outer - inner),
    })
}

impl MlpResult {
    /// The shown panel of the first good small network, if there is one.
    pub fn shown_good_small(&self) -> Option<&Shown> {
        let good = self.small.first_good()?;
        self.shown
            .iter()
            .find(|s| !s.wide && s.restart == good.restart)
    }

    /// The shown panel of the wide network.
    pub fn shown_wide(&self) -> Option<&Shown> {
        self.shown.iter().find(|s| s.wide)
    }

    /// The trained network of a shown panel.
    pub fn net(&self, s: &Shown) -> &Mlp {
        &self.restart(s).trained.net
    }

    /// The restart of a shown panel.
    pub fn restart(&self, s: &Shown) -> &Restart {
        let group = if s.wide { &self.wide } else { &self.small };
        &group.restarts[s.restart]
    }
}

/// The networks to show: the first good small one, the first failed small one, and the first
/// good wide one (else its first restart).
fn choose_shown(small: &Width, wide: &Width) -> Vec<(String, bool, usize)> {
    let mut out = Vec::new();
    if let Some(g) = small.first_good() {
        out.push((
            format!("{} units, restart {} (good)", small.hidden, g.restart),
            false,
            g.restart,
        ));
    }
    if let Some(f) = small.first_failed() {
        out.push((
            format!("{} units, restart {} (failed)", small.hidden, f.restart),
            false,
            f.restart,
        ));
    }
    if let Some(w) = wide.first_good().or(wide.restarts.first()) {
        out.push((
            format!("{} units, restart {}", wide.hidden, w.restart),
            true,
            w.restart,
        ));
    }
    out
}

/// Failure to make the data set or to train.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MlpError {
    /// The data set parameters are unusable.
    #[error(transparent)]
    Data(#[from] circles::DatasetError),
    /// Training blew up.
    #[error(transparent)]
    Numerical(#[from] NumericalError),
}

fn settings(m: &MlpConfig, epochs: usize) -> TrainSettings {
    TrainSettings {
        learning_rate: m.learning_rate,
        beta1: m.beta1,
        beta2: m.beta2,
        epsilon: m.epsilon,
        epochs,
    }
}

/// The two groups of restarts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// The small network.
    Small,
    /// The wide network.
    Wide,
}

/// The seed of restart `index` of a group: derived from the group's name, so the two groups
/// never share seeds, even when they have the same number of units.
pub fn restart_seed(master: u64, group: Group, index: usize) -> u64 {
    let name = match group {
        Group::Small => "mlp-small",
        Group::Wide => "mlp-wide",
    };
    seed::derive(master, name, index as u64)
}

/// Makes the data, then trains every restart of both widths.
pub fn run(cfg: &Config, meter: super::Meter) -> Result<MlpResult, MlpError> {
    let c = &cfg.circles;
    let noise = (c.noise > 0.0).then_some(c.noise);
    let data = circles::make_circles(c.n_samples, c.factor, noise, c.random_state)?;
    let split = circles::stratified_split(&data.y, c.test_size, c.split_random_state)?;
    let pick = |rows: &[usize]| -> (Vec<[f64; 2]>, Vec<f64>) {
        (
            rows.iter().map(|&r| data.x[r]).collect(),
            rows.iter().map(|&r| f64::from(data.y[r])).collect(),
        )
    };
    let (x_train, y_train) = pick(&split.train);
    let (x_test, y_test) = pick(&split.test);
    let m = &cfg.mlp;
    // Restarts train four at a time (one per lane, each exactly as it would alone).
    let jobs: Vec<(Group, usize, usize, std::ops::Range<usize>)> = [
        (
            Group::Small,
            m.small_hidden,
            m.small_epochs,
            m.small_restarts,
        ),
        (Group::Wide, m.wide_hidden, m.wide_epochs, m.wide_restarts),
    ]
    .into_iter()
    .flat_map(|(group, hidden, epochs, restarts)| {
        // Four per job where they share lanes; the wide ones train alone, one per job.
        let per_job = if hidden < mlp::LANE_BATCH_MAX_HIDDEN {
            mlp::LANES
        } else {
            1
        };
        (0..restarts)
            .step_by(per_job)
            .map(move |r| (group, hidden, epochs, r..(r + per_job).min(restarts)))
    })
    .collect();
    let ones = y_train.iter().filter(|&&y| y > 0.5).count() as f64;
    let majority_share = ones.max(y_train.len() as f64 - ones) / y_train.len() as f64;
    // One task per job, so an idle core can take any of them (the wide ones last a quarter
    // of a second each).
    let outcomes: Vec<Vec<Restart>> = par::map(&jobs, |(group, hidden, epochs, restarts)| {
        let seeds: Vec<u64> = restarts
            .clone()
            .map(|r| restart_seed(cfg.seed, *group, r))
            .collect();
        let nets: Vec<Mlp> = seeds.iter().map(|&seed| Mlp::init(*hidden, seed)).collect();
        let trained = mlp::train_batch(&nets, &x_train, &y_train, &settings(m, *epochs));
        meter(
            (restarts.len() * x_train.len() * hidden * epochs) as f64
                * crate::config::budget::MLP_NS_PER_SAMPLE_UNIT_EPOCH,
        );
        restarts
            .clone()
            .zip(seeds)
            .zip(trained)
            .map(|((restart, seed), trained)| {
                let trained = trained?;
                let net = &trained.net;
                let final_train_loss = *trained.loss_curve.last().expect("at least one epoch");
                let train_accuracy = net.accuracy(&x_train, &y_train);
                let verdict = Verdict::of(
                    train_accuracy,
                    final_train_loss,
                    net.predicts_one_class(&x_train),
                    majority_share,
                    m.good_loss,
                );
                Ok(Restart {
                    restart,
                    seed,
                    test_accuracy: net.accuracy(&x_test, &y_test),
                    dead_units: net.dead_units(&x_train),
                    epochs_to_good_loss: trained.loss_curve.iter().position(|&l| l <= m.good_loss),
                    margin: None,
                    final_train_loss,
                    train_accuracy,
                    verdict,
                    trained,
                })
            })
            .collect::<Result<Vec<_>, NumericalError>>()
    })
    .into_iter()
    .collect::<Result<_, NumericalError>>()?;
    // Moved, never copied: the loss curves are most of the memory (the guard in
    // `Config::validate` counts them once).
    let mut small: Vec<Restart> = outcomes.into_iter().flatten().collect();
    let wide = small.split_off(m.small_restarts);
    let mut small = Width {
        hidden: m.small_hidden,
        epochs: m.small_epochs,
        restarts: small,
    };
    let wide = Width {
        hidden: m.wide_hidden,
        epochs: m.wide_epochs,
        restarts: wide,
    };
    let (lo, hi) = extent(&data);
    // The margin of every good narrow restart, so the best narrow cases are compared with
    // the wide network by their distribution, not by the first good one. (Tracing a wide
    // network's boundary costs some 80 ms; the shown one's is traced below.)
    let margins: Vec<Option<f64>> = par::map(&small.restarts, |r| {
        (r.verdict == Verdict::Good).then(|| {
            boundary::margin(
                &boundary::trace(&r.trained.net, lo, hi),
                data.x.iter().copied(),
            )
        })
    });
    for (r, margin) in small.restarts.iter_mut().zip(margins) {
        r.margin = margin;
    }
    let chosen = choose_shown(&small, &wide);
    let shown = par::map(&chosen, |&(ref title, is_wide, restart)| {
        let group = if is_wide { &wide } else { &small };
        let boundary = boundary::trace(&group.restarts[restart].trained.net, lo, hi);
        let margin = boundary::margin(&boundary, data.x.iter().copied());
        Shown {
            title: title.clone(),
            wide: is_wide,
            restart,
            boundary,
            margin,
        }
    });
    Ok(MlpResult {
        best_circle: best_circle(&data),
        small,
        wide,
        shown,
        data,
        split,
    })
}
