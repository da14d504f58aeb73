//! The artificial-network chapter (homework part 2): view, tables and figures.

use super::crossref::Table;
use super::format::{fixed, plain, short, sig};
use crate::analysis::stats::{fisher_exact, quartiles, wilson};
use crate::config::Config;
use crate::error::Error;
use crate::experiments::Results;
use crate::experiments::mlp::{
    CHANCE_ACCURACY_TOLERANCE, CHANCE_LOSS_TOLERANCE, MlpResult, Restart, Verdict, Width,
};
use crate::figures::{Figure, mlp, training};
use crate::ml::boundary::Boundary;
use crate::ml::circles::exact_sum;
use serde::Serialize;

/// One width's numbers, formatted.
#[derive(Debug, Serialize)]
pub struct WidthView {
    hidden: usize,
    epochs: usize,
    restarts: usize,
    good: usize,
    good_pct: String,
    one_class: usize,
    chance: usize,
    poor: usize,
    /// Wilson 95 % interval of the good fraction, in %.
    good_lo_pct: String,
    good_hi_pct: String,
    /// Restarts that reached the loss bound, and quartiles of their epochs to it.
    reached: usize,
    epochs_q1: String,
    epochs_q3: String,
    /// Quartiles of dead units over all restarts.
    dead_q1: String,
    dead_median: String,
    dead_q3: String,
    first_good: Option<usize>,
    /// Restarts tried before and including the first good one.
    tries_to_good: usize,
    median_final_loss: String,
    median_test_accuracy: String,
    min_test_accuracy: String,
    median_epochs_to_good_loss: String,
    mean_dead_units: String,
    mean_dead_pct: String,
}

/// A single restart, formatted.
#[derive(Debug, Serialize)]
pub struct RestartView {
    restart: usize,
    verdict: &'static str,
    final_loss: String,
    train_accuracy_pct: String,
    test_accuracy_pct: String,
    dead_units: usize,
    live_units: usize,
}

/// The exact decision boundary of a shown network, measured.
#[derive(Debug, Serialize)]
pub struct BoundaryView {
    /// Straight edges (maximal straight pieces).
    edges: usize,
    /// Bends, the vertices where edges meet.
    bends: usize,
    /// Most linear regions H lines can make, 1 + H + H(H − 1)/2: at most one edge each.
    region_bound: String,
    /// Whether the edges stay within that bound (checked, and printed only when true).
    within_bound: bool,
    /// Smallest distance from a data point to the boundary.
    margin: String,
    /// Connected pieces of the boundary, and whether every one closes inside the plot.
    chains: usize,
    all_closed: bool,
    seed_grid: usize,
}

/// How the boundaries compare with each other and with the widest-margin circle.
#[derive(Debug, Serialize)]
pub struct GeometryView {
    small_good: BoundaryView,
    wide: BoundaryView,
    /// The widest-margin circle around the origin: radius and margin.
    best_radius: String,
    best_margin: String,
    /// The wide margin as a percentage of the best circle's.
    wide_margin_pct: String,
    small_margin_pct: String,
    /// Largest distance of a wide-boundary vertex from the best circle, relative to its radius.
    wide_radial_dev_pct: String,
    /// The wide boundary keeps the data farther than the good narrow one does.
    wide_margin_wider: bool,
    /// The margins of all good narrow restarts: how many, their quartiles and the best.
    small_margins: Option<MarginSpread>,
    /// The wide network's margin is above the best good narrow restart's.
    wide_beats_best_small: bool,
}

/// Quartiles and maximum of the good narrow restarts' margins, formatted.
#[derive(Debug, Serialize)]
pub struct MarginSpread {
    count: usize,
    q1: String,
    median: String,
    q3: String,
    best: String,
}

/// Measures a traced boundary for the text.
pub fn boundary_view(b: &Boundary, margin: f64, hidden: usize) -> BoundaryView {
    let h = hidden as f64;
    let bound = 1.0 + h + h * (h - 1.0) / 2.0;
    BoundaryView {
        edges: b.pieces.len(),
        bends: b.bends,
        region_bound: format!("{bound}"),
        within_bound: (b.pieces.len() as f64) <= bound,
        margin: sig(margin, 2),
        chains: b.chains,
        all_closed: b.closed == b.chains,
        seed_grid: b.seed_grid,
    }
}

/// Largest distance of the boundary's vertices from the circle of `radius`, over the radius.
pub fn radial_deviation(b: &Boundary, radius: f64) -> f64 {
    b.pieces
        .iter()
        .flat_map(|p| p.iter())
        .map(|v| (v[0].hypot(v[1]) - radius).abs() / radius)
        .fold(0.0, f64::max)
}

/// Everything the chapter's template prints.
#[derive(Debug, Serialize)]
pub struct View {
    n_samples: usize,
    factor: String,
    noise: String,
    random_state: u32,
    split_random_state: u32,
    test_size: String,
    n_train: usize,
    n_test: usize,
    coordinate_sum: String,
    learning_rate: String,
    beta1: String,
    beta2: String,
    good_loss: String,
    small: WidthView,
    wide: WidthView,
    small_good: Option<RestartView>,
    small_failed: Option<RestartView>,
    wide_example: RestartView,
    /// Mean dead units of failed and of good small restarts, when both kinds exist.
    dead_means: Option<(String, String)>,
    more_dead_when_failed: bool,
    /// Median epochs to the loss bound, small over wide, when both reach it.
    speedup_epochs: Option<String>,
    wide_always_good: bool,
    chance_loss_tol: String,
    /// Upper 95 % bound of the wide network's failure rate, in %.
    wide_fail_hi_pct: String,
    chance_acc_pts: String,
    /// Fisher's exact test of good against failed restarts, small against wide: p-value.
    fisher_p: String,
    /// Whether the difference is significant at 5 %.
    widths_differ: bool,
    small_good_min_test_pct: Option<String>,
    /// Boundary geometry, when a good narrow and a wide network are shown.
    geometry: Option<GeometryView>,
    /// Training losses compared after the same number of epochs.
    equal_epochs: Option<EqualEpochs>,
    /// scikit-learn and PyTorch listings (fenced Python).
    sklearn_listing: String,
    torch_listing: String,
}

/// Median and quartiles of the training loss of each width after the same number of epochs
/// (the smaller of the two training lengths), over all restarts.
#[derive(Debug, Serialize)]
pub struct EqualEpochs {
    epochs: usize,
    small: Spread,
    wide: Spread,
    /// The wide network's median loss is the lower one.
    wide_lower: bool,
}

/// A median with its quartiles, for the text.
#[derive(Debug, Serialize)]
pub struct Spread {
    q1: String,
    median: String,
    q3: String,
}

/// Loss of every restart of `w` after `epochs` epochs: (q1, median, q3).
pub fn loss_quartiles_at(w: &Width, epochs: usize) -> Option<(f64, f64, f64)> {
    let losses: Vec<f64> = w
        .restarts
        .iter()
        .filter_map(|r| r.trained.loss_curve.get(epochs.checked_sub(1)?).copied())
        .collect();
    (losses.len() == w.restarts.len()).then_some(())?;
    quartiles(&losses)
}

fn equal_epochs(m: &MlpResult) -> Option<EqualEpochs> {
    let epochs = m.small.epochs.min(m.wide.epochs);
    let s = loss_quartiles_at(&m.small, epochs)?;
    let w = loss_quartiles_at(&m.wide, epochs)?;
    let show = |q: (f64, f64, f64)| Spread {
        q1: sig(q.0, 2),
        median: sig(q.1, 2),
        q3: sig(q.2, 2),
    };
    Some(EqualEpochs {
        epochs,
        small: show(s),
        wide: show(w),
        wide_lower: w.1 < s.1,
    })
}

fn verdict_name(v: Verdict) -> &'static str {
    match v {
        Verdict::Good => "good",
        Verdict::OneClass => "stuck predicting one class",
        Verdict::ChanceLevel => "chance level (loss at ln 2)",
        Verdict::PoorOptimum => "a poor local optimum",
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        f64::NAN
    } else if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

fn mean(v: impl Iterator<Item = f64>) -> f64 {
    let (s, n) = v.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    if n == 0 { f64::NAN } else { s / n as f64 }
}

fn median_epochs(w: &Width) -> f64 {
    median(
        w.restarts
            .iter()
            .filter_map(|r| r.epochs_to_good_loss)
            .map(|e| e as f64)
            .collect(),
    )
}

fn width_view(w: &Width) -> WidthView {
    let good = w.count(Verdict::Good);
    let epochs: Vec<f64> = w
        .restarts
        .iter()
        .filter_map(|r| r.epochs_to_good_loss)
        .map(|e| e as f64)
        .collect();
    let dead_units: Vec<f64> = w.restarts.iter().map(|r| r.dead_units as f64).collect();
    let q = |v: &[f64]| {
        quartiles(v).map_or_else(
            || ("–".to_string(), "–".to_string(), "–".to_string()),
            |(a, b, c)| (short(a, 3), short(b, 3), short(c, 3)),
        )
    };
    let dead = mean(w.restarts.iter().map(|r| r.dead_units as f64));
    let e = median_epochs(w);
    WidthView {
        hidden: w.hidden,
        epochs: w.epochs,
        restarts: w.restarts.len(),
        good,
        good_pct: fixed(100.0 * good as f64 / w.restarts.len() as f64, 0),
        one_class: w.count(Verdict::OneClass),
        chance: w.count(Verdict::ChanceLevel),
        poor: w.count(Verdict::PoorOptimum),
        good_lo_pct: fixed(100.0 * wilson(good, w.restarts.len()).0, 0),
        good_hi_pct: fixed(100.0 * wilson(good, w.restarts.len()).1, 0),
        reached: epochs.len(),
        epochs_q1: q(&epochs).0,
        epochs_q3: q(&epochs).2,
        dead_q1: q(&dead_units).0,
        dead_median: q(&dead_units).1,
        dead_q3: q(&dead_units).2,
        first_good: w.first_good().map(|r| r.restart),
        tries_to_good: w.first_good().map_or(w.restarts.len(), |r| r.restart + 1),
        median_final_loss: sig(
            median(w.restarts.iter().map(|r| r.final_train_loss).collect()),
            2,
        ),
        median_test_accuracy: fixed(
            100.0 * median(w.restarts.iter().map(|r| r.test_accuracy).collect()),
            0,
        ),
        min_test_accuracy: fixed(
            100.0
                * w.restarts
                    .iter()
                    .map(|r| r.test_accuracy)
                    .fold(1.0, f64::min),
            0,
        ),
        median_epochs_to_good_loss: if e.is_finite() {
            fixed(e, 0)
        } else {
            "never".into()
        },
        mean_dead_units: sig(dead, 3),
        mean_dead_pct: fixed(100.0 * dead / w.hidden as f64, 0),
    }
}

fn restart_view(r: &Restart, hidden: usize) -> RestartView {
    RestartView {
        restart: r.restart,
        verdict: verdict_name(r.verdict),
        final_loss: sig(r.final_train_loss, 2),
        train_accuracy_pct: fixed(100.0 * r.train_accuracy, 0),
        test_accuracy_pct: fixed(100.0 * r.test_accuracy, 0),
        dead_units: r.dead_units,
        live_units: hidden - r.dead_units,
    }
}

/// Builds the view from the results.
pub fn view(r: &Results, cfg: &Config) -> View {
    let m = &r.mlp;
    let c = &cfg.circles;
    let coords: Vec<f64> = m.data.x.iter().flat_map(|p| p.iter().copied()).collect();
    let wide_example = m.wide.first_good().unwrap_or(&m.wide.restarts[0]);
    let (sg, wg) = (m.small.count(Verdict::Good), m.wide.count(Verdict::Good));
    let fisher_p = fisher_exact(
        sg,
        m.small.restarts.len() - sg,
        wg,
        m.wide.restarts.len() - wg,
    );
    let dead_of = |v: bool| {
        mean(
            m.small
                .restarts
                .iter()
                .filter(|x| (x.verdict == Verdict::Good) == v)
                .map(|x| x.dead_units as f64),
        )
    };
    View {
        n_samples: c.n_samples,
        factor: plain(c.factor),
        noise: plain(c.noise),
        random_state: c.random_state,
        split_random_state: c.split_random_state,
        test_size: plain(c.test_size),
        n_train: m.split.train.len(),
        n_test: m.split.test.len(),
        coordinate_sum: format!("{}", exact_sum(&coords)),
        learning_rate: plain(cfg.mlp.learning_rate),
        beta1: plain(cfg.mlp.beta1),
        beta2: plain(cfg.mlp.beta2),
        good_loss: plain(cfg.mlp.good_loss),
        small: width_view(&m.small),
        wide: width_view(&m.wide),
        small_good: m
            .small
            .first_good()
            .map(|x| restart_view(x, m.small.hidden)),
        small_failed: m
            .small
            .first_failed()
            .map(|x| restart_view(x, m.small.hidden)),
        wide_example: restart_view(wide_example, m.wide.hidden),
        dead_means: (dead_of(false).is_finite() && dead_of(true).is_finite())
            .then(|| (sig(dead_of(false), 2), sig(dead_of(true), 2))),
        more_dead_when_failed: dead_of(false) > dead_of(true),
        speedup_epochs: {
            let ratio = median_epochs(&m.small) / median_epochs(&m.wide);
            ratio.is_finite().then(|| sig(ratio, 2))
        },
        wide_always_good: m.wide.count(Verdict::Good) == m.wide.restarts.len(),
        chance_loss_tol: plain(CHANCE_LOSS_TOLERANCE),
        wide_fail_hi_pct: fixed(100.0 * (1.0 - wilson(wg, m.wide.restarts.len()).0), 0),
        chance_acc_pts: plain(100.0 * CHANCE_ACCURACY_TOLERANCE),
        fisher_p: sig(fisher_p, 2),
        widths_differ: fisher_p < 0.05,
        small_good_min_test_pct: m
            .small
            .restarts
            .iter()
            .filter(|x| x.verdict == Verdict::Good)
            .map(|x| x.test_accuracy)
            .reduce(f64::min)
            .map(|a| fixed(100.0 * a, 0)),
        geometry: geometry(m),
        equal_epochs: equal_epochs(m),
        sklearn_listing: super::listings::sklearn(cfg),
        torch_listing: super::listings::torch(cfg),
    }
}

/// The `p`-quantile of sorted `x` by linear interpolation between order statistics.
fn quantile(x: &[f64], p: f64) -> f64 {
    let h = p * (x.len() - 1) as f64;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    x[lo] + (h - lo as f64) * (x[hi] - x[lo])
}

/// The boundary comparison of the first good narrow network and the wide one.
fn geometry(m: &MlpResult) -> Option<GeometryView> {
    let small = m.shown_good_small()?;
    let wide = m.shown_wide()?;
    let best = m.best_circle?;
    if !(small.margin.is_finite() && wide.margin.is_finite()) {
        return None;
    }
    let mut margins: Vec<f64> = m
        .small
        .restarts
        .iter()
        .filter_map(|r| r.margin)
        .filter(|x| x.is_finite())
        .collect();
    margins.sort_by(f64::total_cmp);
    Some(GeometryView {
        small_good: boundary_view(&small.boundary, small.margin, m.small.hidden),
        wide: boundary_view(&wide.boundary, wide.margin, m.wide.hidden),
        best_radius: sig(best.radius, 2),
        best_margin: sig(best.margin, 2),
        wide_margin_pct: fixed(100.0 * wide.margin / best.margin, 0),
        small_margin_pct: fixed(100.0 * small.margin / best.margin, 0),
        wide_radial_dev_pct: fixed(100.0 * radial_deviation(&wide.boundary, best.radius), 0),
        wide_margin_wider: wide.margin > small.margin,
        small_margins: (!margins.is_empty()).then(|| MarginSpread {
            count: margins.len(),
            q1: sig(quantile(&margins, 0.25), 2),
            median: sig(quantile(&margins, 0.5), 2),
            q3: sig(quantile(&margins, 0.75), 2),
            best: sig(margins[margins.len() - 1], 2),
        }),
        wide_beats_best_small: margins.last().is_some_and(|&b| wide.margin > b),
    })
}

/// The chapter's tables.
pub fn tables(r: &Results, _cfg: &Config) -> Vec<Table> {
    let rows = [&r.mlp.small, &r.mlp.wide]
        .iter()
        .map(|w| {
            let v = width_view(w);
            vec![
                format!("{} units", v.hidden),
                v.restarts.to_string(),
                format!(
                    "{} ({} %; 95 % CI {}–{} %)",
                    v.good, v.good_pct, v.good_lo_pct, v.good_hi_pct
                ),
                v.one_class.to_string(),
                v.chance.to_string(),
                v.poor.to_string(),
                v.median_final_loss,
                format!("{} %", v.median_test_accuracy),
                format!("{} %", v.min_test_accuracy),
                format!(
                    "{} ({}–{}; {} of {} reached)",
                    v.median_epochs_to_good_loss, v.epochs_q1, v.epochs_q3, v.reached, v.restarts
                ),
                format!("{} ({}–{})", v.dead_median, v.dead_q1, v.dead_q3),
            ]
        })
        .collect();
    vec![Table {
        id: "tab:mlp-restarts",
        caption: format!(
            "Restarts of both widths: how many reached a good solution (with the Wilson 95 % \
                 interval of that fraction), how the others failed (one class: every training \
                 point in one class; chance level: final loss within {} of ln 2 and training \
                 accuracy within {} points of the larger class's share; poor optimum: the rest), \
                 median final loss and test accuracy over all restarts, the worst test accuracy, \
                 the median epochs to the loss bound with its quartiles over the restarts that \
                 reached it, and the median dead units with quartiles over all restarts.",
            plain(CHANCE_LOSS_TOLERANCE),
            plain(100.0 * CHANCE_ACCURACY_TOLERANCE)
        ),
        header: [
            "Network",
            "Restarts",
            "Good",
            "One class",
            "Chance level",
            "Poor optimum",
            "Median final loss",
            "Median test accuracy",
            "Worst test accuracy",
            "Median epochs to loss bound",
            "Dead units",
        ]
        .map(String::from)
        .to_vec(),
        rows,
    }]
}

/// The chapter's figures, drawn in parallel.
pub fn figures(r: &Results, cfg: &Config) -> Result<Vec<Figure>, Error> {
    let jobs: Vec<Box<dyn Fn() -> Result<Figure, Error> + Sync>> = vec![
        Box::new(|| mlp::circles(&r.mlp, &cfg.circles)),
        Box::new(|| mlp::decision_regions(&r.mlp, cfg.mlp.grid_resolution)),
        Box::new(|| training::loss_curves(&r.mlp)),
        Box::new(|| training::restarts(&r.mlp)),
    ];
    crate::par::map(&jobs, |f| f()).into_iter().collect()
}
