//! The key: the homework's models run at exactly the inputs a student submitted, the curves
//! the usual mistakes give, and the categorical answers the report computes. Each question is
//! one entry of [`QUESTIONS`].
//!
//! Curves are memoised per distinct set of inputs (students who keep the example's grid share
//! one run); nothing is cached across runs of the grader.

use super::QuestionResult;
use super::rubric::Rubric;
use super::submission::{Curve, Submission};
use crate::config::Config;
use crate::error::Error;
use crate::experiments::{self, Results};
use crate::neuron::conductance::{self, Method, RunSpec};
use crate::neuron::hodgkin_huxley::HodgkinHuxley;
use crate::neuron::qif::{self, QifParams};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Curves of the key at one set of inputs, by question, memoised: the first student with
/// those inputs computes them, any other waits for that result instead of computing it again.
type Memo = Mutex<BTreeMap<(&'static str, Vec<u64>), Arc<OnceLock<Arc<Vec<Reference>>>>>>;

/// The key's value at one input, with the tolerance a correct method meets and the values
/// the usual mistakes give there.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    /// The key's value.
    pub value: f64,
    /// How far a correct answer may be from it.
    pub tolerance: f64,
    /// (mistake, the value it gives).
    pub mistakes: Vec<(&'static str, f64)>,
}

/// Everything the grader compares with.
pub struct Key {
    cfg: Config,
    /// The report's results at the configuration: the categorical answers and the networks'
    /// restarts.
    pub results: Results,
    memo: Memo,
}

impl Key {
    /// Runs the report's experiments once for `cfg`.
    pub fn new(cfg: &Config) -> Result<Key, Error> {
        crate::config_file::validate(cfg)?;
        let results = experiments::run_all(cfg, &|_| {}, &|_| {})?;
        Ok(Key {
            cfg: cfg.clone(),
            results,
            memo: Mutex::new(BTreeMap::new()),
        })
    }

    /// The key of `cfg` from results already computed for it (by [`experiments::run_all`]).
    pub fn from_results(cfg: &Config, results: Results) -> Key {
        Key {
            cfg: cfg.clone(),
            results,
            memo: Mutex::new(BTreeMap::new()),
        }
    }

    /// The key at `inputs` for question `id`, computed by `f` once per distinct input set.
    fn at(
        &self,
        id: &'static str,
        inputs: &[f64],
        f: impl Fn(&Key, &[f64]) -> Vec<Reference>,
    ) -> Arc<Vec<Reference>> {
        let bits = (id, inputs.iter().map(|x| x.to_bits()).collect::<Vec<u64>>());
        let cell = Arc::clone(
            self.memo
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .entry(bits)
                .or_default(),
        );
        Arc::clone(cell.get_or_init(|| Arc::new(f(self, inputs))))
    }
}

/// A question: its id (and file), title and how it is graded.
pub struct Question {
    /// Id, also the rubric's key.
    pub id: &'static str,
    /// Title shown to the student.
    pub title: &'static str,
    /// Grades it.
    pub grade: fn(&Submission, &Key, &Rubric) -> QuestionResult,
}

/// Every graded question, in the order of the homework.
pub const QUESTIONS: &[Question] = &[
    Question {
        id: "fire",
        title: "1.1 Which inputs make each model fire",
        grade: grade_fire,
    },
    Question {
        id: "lif_fi",
        title: "1.2 LIF F-I curve",
        grade: grade_lif,
    },
    Question {
        id: "qif_fi",
        title: "1.2 QIF F-I curve (simulated)",
        grade: grade_qif,
    },
    Question {
        id: "fit",
        title: "1.3 ReLU or sigmoid",
        grade: grade_fit,
    },
    Question {
        id: "qif_analytic",
        title: "1.4 Analytic QIF F-I curve",
        grade: grade_qif_analytic,
    },
    Question {
        id: "hh_fi",
        title: "1.5 Hodgkin-Huxley F-I curve",
        grade: grade_hh,
    },
    Question {
        id: "cs_fi",
        title: "1.5 Connor-Stevens F-I curves (A-current sweep)",
        grade: grade_cs,
    },
    Question {
        id: "excitability",
        title: "1.5 Type I or type II",
        grade: grade_excitability,
    },
    Question {
        id: "mlp",
        title: "2 Restarts of the 5-unit and wide networks",
        grade: grade_mlp,
    },
    Question {
        id: "networks",
        title: "2 What width changes",
        grade: grade_networks,
    },
];

/// The LIF key (brian2's example, stepped as brian2 steps it) at the student's inputs (mV).
/// Counts over a run differ by at most one spike between correct methods (where the run
/// ends, the first spike's timing), so the tolerance is one spike per run length.
fn lif_key(key: &Key, v0_mv: &[f64]) -> Vec<Reference> {
    use crate::neuron::lif;
    let l = &key.cfg.lif;
    let no_ref = crate::config::LifConfig {
        refractory_ms: 0.0,
        ..l.clone()
    };
    let one_spike_hz = 1000.0 / l.duration_ms;
    let rate = |c: &crate::config::LifConfig, v: f64| {
        lif::spike_count_at(c, v) as f64 * 1000.0 / c.duration_ms
    };
    let coarse = crate::config::LifConfig {
        dt_ms: 10.0 * l.dt_ms,
        ..l.clone()
    };
    let as_variant = |variant: lif::Variant, v: f64| {
        lif::spike_count_as(l, v, variant) as f64 * 1000.0 / l.duration_ms
    };
    crate::par::map(v0_mv, |&v| Reference {
        value: rate(l, v),
        tolerance: one_spike_hz,
        mistakes: vec![
            ("no refractory period", rate(&no_ref, v)),
            (
                "rate as 1/ISI of the continuous model instead of spikes counted over the run",
                lif::analytic_rate_hz(l, v),
            ),
            (
                "no reset after a spike (`reset` left out)",
                as_variant(
                    lif::Variant {
                        no_reset: true,
                        ..Default::default()
                    },
                    v,
                ),
            ),
            ("a time step 10 times too coarse", rate(&coarse, v)),
        ],
    })
}

/// The QIF key: brian2's forward Euler at `qif.dt_ms`, rate from the interspike intervals. A
/// correct student may count spikes instead, or integrate more accurately: the tolerance is one
/// spike per run length plus the Euler run's grid error (its distance from the exact rate).
fn qif_key(key: &Key, v0: &[f64]) -> Vec<Reference> {
    let q = &key.cfg.qif;
    let ps: Vec<QifParams> = v0
        .iter()
        .map(|&v| crate::experiments::qif_fi::params(q, v))
        .collect();
    let euler = |ps: &[QifParams], dt_ms: f64| -> Vec<f64> {
        qif::simulate_batch(qif::Method::Euler, ps, q.duration_ms, dt_ms, 0)
            .into_iter()
            .map(|r| r.map_or(f64::NAN, |r| r.rate_hz))
            .collect()
    };
    let with =
        |f: &dyn Fn(&QifParams) -> QifParams| -> Vec<QifParams> { ps.iter().map(f).collect() };
    let key_rates = euler(&ps, q.dt_ms);
    let tau_one = euler(&with(&|p| QifParams { tau_ms: 1.0, ..*p }), q.dt_ms);
    let reset_zero = euler(&with(&|p| QifParams { v_reset: 0.0, ..*p }), q.dt_ms);
    let coarse = euler(&ps, 10.0 * q.dt_ms);
    let one_spike_hz = 1000.0 / q.duration_ms;
    ps.iter()
        .enumerate()
        .map(|(k, p)| {
            let value = key_rates[k];
            let exact = qif::analytic_rate_hz(p);
            Reference {
                value,
                tolerance: one_spike_hz + (value - exact).abs(),
                mistakes: vec![
                    ("τ left out of the equation (τ = 1 ms)", tau_one[k]),
                    ("rate in spikes per ms instead of Hz", value / 1000.0),
                    ("reset (and start) at 0 instead of v_reset", reset_zero[k]),
                    ("a time step 10 times too coarse", coarse[k]),
                ],
            }
        })
        .collect()
}

/// The analytic QIF rate: a formula, so 1e-6 relative.
fn qif_analytic_key(key: &Key, v0: &[f64]) -> Vec<Reference> {
    let q = &key.cfg.qif;
    v0.iter()
        .map(|&v| {
            let p = crate::experiments::qif_fi::params(q, v);
            let value = qif::analytic_rate_hz(&p);
            Reference {
                value,
                tolerance: 1e-6 * value.abs().max(1e-9),
                mistakes: vec![
                    (
                        "τ = 1 kept after rescaling time (rates τ times too high)",
                        qif::analytic_rate_hz(&QifParams { tau_ms: 1.0, ..p }),
                    ),
                    (
                        "threshold and reset taken at ±∞ (the limit formula √V0/(πτ))",
                        qif::limit_rate_hz(v, q.tau_ms),
                    ),
                ],
            }
        })
        .collect()
}

/// brian2's Hodgkin–Huxley example at the student's currents (nA): exponential Euler at
/// `hh.dt_ms`, counts over the run. Tolerance: one spike per run length plus the grid error of
/// brian2's step (its distance from RK4 at `hh.dt_converged_ms`). At the example's own
/// currents the report's runs are the key; elsewhere they are run here, RK4 in lanes.
fn hh_key(key: &Key, i_na: &[f64]) -> Vec<Reference> {
    let h = &key.cfg.hh;
    let model = HodgkinHuxley::default();
    let area_cm2 = h.area_um2 * 1e-8;
    let per_s = 1000.0 / h.duration_ms;
    let spec = |method, dt_ms| RunSpec {
        method,
        dt_ms,
        duration_ms: h.duration_ms,
        threshold_mv: crate::experiments::hh_fi::THRESHOLD_MV,
        stop_after_spikes: 0,
        transient_ms: 0.0,
        stop_at_rest: true,
    };
    let init = model.brian2_initial_state();
    let report = &key.results.hh;
    let same_grid = report.i_na.len() == i_na.len()
        && report
            .i_na
            .iter()
            .zip(i_na)
            .all(|(a, b)| a.to_bits() == b.to_bits());
    let (brian2, converged): (Vec<f64>, Vec<f64>) = if same_grid {
        (report.rate_hz.clone(), report.rate_converged_hz.clone())
    } else {
        let density: Vec<f64> = i_na.iter().map(|i| i * 1e-3 / area_cm2).collect();
        let rate =
            |r: Result<Vec<f64>, _>| r.map_or(f64::NAN, |t: Vec<f64>| t.len() as f64 * per_s);
        (
            crate::par::map(&density, |&i| {
                rate(conductance::run(
                    &model,
                    init,
                    i,
                    &spec(Method::ExponentialEuler, h.dt_ms),
                ))
            }),
            conductance::run_all(
                &model,
                init,
                &density,
                &spec(Method::Rk4, h.dt_converged_ms),
                &|_| {},
            )
            .into_iter()
            .map(rate)
            .collect(),
        )
    };
    // Without the area the current is taken as a density directly: about 500 times too small
    // for the example's 20 000 µm², so the neuron hardly fires.
    let no_area: Vec<f64> = crate::par::map(i_na, |&i| {
        conductance::run(&model, init, i, &spec(Method::ExponentialEuler, h.dt_ms))
            .map_or(f64::NAN, |t| t.len() as f64 * per_s)
    });
    brian2
        .iter()
        .zip(&converged)
        .zip(&no_area)
        .map(|((&value, &conv), &wrong)| Reference {
            value,
            tolerance: per_s + (value - conv).abs(),
            mistakes: vec![("current taken as µA/cm² without the membrane area", wrong)],
        })
        .collect()
}

/// The Connor–Stevens key at the student's (g_A, g_K, I) points, `flat` as g_A, g_K, I in
/// turn: the report's rate where the point is on its grid, else the sweep's protocol run
/// here (RK4 at `cs.dt_ms` from the I = 0 rest). Tolerance: one spike per run length, plus
/// the grid error of brian2's default step (exponential Euler at `cs.brian2_dt_ms` against
/// RK4), plus, where the report starts from the stable rest because the I = 0 equilibrium is
/// unstable, the difference a step from that equilibrium makes (both starts are defensible).
fn cs_key(key: &Key, flat: &[f64]) -> Vec<Reference> {
    use crate::experiments::connor_stevens::rates_at;
    let cs = &key.cfg.cs;
    let points: Vec<(f64, f64, f64)> = flat.chunks(3).map(|c| (c[0], c[1], c[2])).collect();
    // The report's rate at a point of its grid, if it has it; with `from_rest_at_zero`, only
    // where the model's curve was stepped from the I = 0 rest (its rest there is stable).
    let report_rate = |&(g_a, g_k, i): &(f64, f64, f64), from_rest_at_zero: bool| {
        let r = &key.results.cs;
        let k = r.currents.iter().position(|c| c.to_bits() == i.to_bits())?;
        r.curves
            .iter()
            .find(|c| c.g_a.to_bits() == g_a.to_bits() && c.g_k.to_bits() == g_k.to_bits())
            .filter(|c| !from_rest_at_zero || c.onset.analysis.rest_stable)
            .map(|c| c.rate_hz[k])
    };
    // The other convention's g_K for the same g_A, and the model without its A-current.
    let other: Vec<(f64, f64, f64)> = points
        .iter()
        .map(|&(g_a, g_k, i)| {
            let fixed_gk = (g_k - cs.g_k).abs() < 1e-9;
            (g_a, if fixed_gk { cs.g_total - g_a } else { cs.g_k }, i)
        })
        .collect();
    let no_a: Vec<(f64, f64, f64)> = points.iter().map(|&(_, g_k, i)| (0.0, g_k, i)).collect();
    // Runs only the points the report does not have (a grader of 200 copies of the report's
    // grid runs the exponential-Euler grid-error check alone).
    let run = |p: &[(f64, f64, f64)], brian2: bool, stable_only: bool| -> Vec<f64> {
        let known: Vec<Option<f64>> = p
            .iter()
            .map(|q| {
                if brian2 {
                    None
                } else {
                    report_rate(q, stable_only)
                }
            })
            .collect();
        let missing: Vec<(f64, f64, f64)> = p
            .iter()
            .zip(&known)
            .filter(|(_, k)| k.is_none())
            .map(|(q, _)| *q)
            .collect();
        let mut computed = rates_at(cs, &missing, brian2)
            .unwrap_or_else(|_| vec![f64::NAN; missing.len()])
            .into_iter();
        known
            .into_iter()
            .map(|k| k.unwrap_or_else(|| computed.next().unwrap_or(f64::NAN)))
            .collect()
    };
    let ((rk4, euler), (other, no_a)) = crate::par::join(
        || crate::par::join(|| run(&points, false, true), || run(&points, true, false)),
        || crate::par::join(|| run(&other, false, false), || run(&no_a, false, false)),
    );
    let one_spike_hz = 1000.0 / cs.duration_ms;
    points
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let value = report_rate(p, false).unwrap_or(rk4[k]);
            Reference {
                value,
                tolerance: one_spike_hz + (euler[k] - rk4[k]).abs() + (value - rk4[k]).abs(),
                mistakes: vec![
                    ("the other g_K convention for this g_A", other[k]),
                    ("the A-current left out (g_A = 0)", no_a[k]),
                ],
            }
        })
        .collect()
}

/// Grades a curve: the share of the student's points within tolerance of the key earns that
/// share of the points; when fewer than the rubric's pass share are, the mistake whose curve
/// the submission matches best (more points within tolerance than the key) is named.
fn grade_curve(
    q: &Question,
    curve: Result<Curve, String>,
    refs: impl Fn(&[f64]) -> Arc<Vec<Reference>>,
    rubric: &Rubric,
    why: &str,
) -> QuestionResult {
    let max_score = rubric.points(q.id);
    let curve = match curve {
        Ok(c) => c,
        Err(message) => {
            return QuestionResult::unreadable(q, max_score, message);
        }
    };
    let refs = refs(&curve.x);
    let within = |value: f64, key: f64, tol: f64| (value - key).abs() <= tol;
    let good = curve
        .y
        .iter()
        .zip(refs.iter())
        .filter(|(y, r)| within(**y, r.value, r.tolerance))
        .count();
    let n = curve.x.len();
    let share = good as f64 / n as f64;
    // A mistake is named whenever some point misses the key and the mistake's curve matches
    // more of the points than the key does, even when enough points pass for full marks (a
    // slip such as `>=` for `>` changes one point only).
    let mut mistake = None;
    if good < n {
        let names: Vec<&str> = refs[0].mistakes.iter().map(|m| m.0).collect();
        let best = names
            .iter()
            .enumerate()
            .map(|(k, name)| {
                let hits = curve
                    .y
                    .iter()
                    .zip(refs.iter())
                    .filter(|(y, r)| within(**y, r.mistakes[k].1, r.tolerance))
                    .count();
                (hits, *name)
            })
            .max_by_key(|(hits, _)| *hits);
        if let Some((hits, name)) = best.filter(|(hits, _)| *hits > good) {
            mistake = Some(format!(
                "{name}: {hits} of {n} points match that curve, {good} match the key"
            ));
        }
    }
    let score = if share >= rubric.pass_share {
        max_score
    } else {
        (max_score * share * 100.0).round() / 100.0
    };
    QuestionResult {
        id: q.id,
        title: q.title,
        score,
        max_score,
        feedback: format!(
            "{good} of {n} points within tolerance of the key at your inputs ({why})."
        ),
        mistake,
        points: curve
            .x
            .iter()
            .zip(&curve.y)
            .zip(refs.iter())
            .map(|((x, y), r)| [*x, *y, r.value, r.tolerance])
            .collect(),
    }
}

fn question(id: &str) -> &'static Question {
    QUESTIONS
        .iter()
        .find(|q| q.id == id)
        .expect("a question of the table")
}

fn grade_lif(s: &Submission, key: &Key, r: &Rubric) -> QuestionResult {
    grade_curve(
        question("lif_fi"),
        s.curve("lif_fi.csv", "v0_mv", "rate_hz"),
        |x| key.at("lif_fi", x, lif_key),
        r,
        "tolerance one spike per run length: counting methods differ by at most one",
    )
}

fn grade_qif(s: &Submission, key: &Key, r: &Rubric) -> QuestionResult {
    grade_curve(
        question("qif_fi"),
        s.curve("qif_fi.csv", "v0", "rate_hz"),
        |x| key.at("qif_fi", x, qif_key),
        r,
        "tolerance one spike per run length plus the forward Euler run's grid error, its \
         distance from the exact rate",
    )
}

fn grade_qif_analytic(s: &Submission, key: &Key, r: &Rubric) -> QuestionResult {
    grade_curve(
        question("qif_analytic"),
        s.curve("qif_analytic.csv", "v0", "rate_hz"),
        |x| key.at("qif_analytic", x, qif_analytic_key),
        r,
        "tolerance 1e-6 relative: a formula evaluated in floating point",
    )
}

fn grade_hh(s: &Submission, key: &Key, r: &Rubric) -> QuestionResult {
    grade_curve(
        question("hh_fi"),
        s.curve("hh_fi.csv", "i_na", "rate_hz"),
        |x| key.at("hh_fi", x, hh_key),
        r,
        "tolerance one spike per run length plus the exponential Euler step's grid error",
    )
}

fn grade_cs(s: &Submission, key: &Key, r: &Rubric) -> QuestionResult {
    let q = question("cs_fi");
    let rows = s.rows(
        "cs_fi.csv",
        &["g_a_ms_cm2", "g_k_ms_cm2", "i_ua_cm2", "rate_hz"],
    );
    let flat: Vec<f64> = rows
        .as_ref()
        .map(|rows| rows.iter().flat_map(|v| [v[0], v[1], v[2]]).collect())
        .unwrap_or_default();
    let curve = rows.map(|rows| Curve {
        x: rows.iter().map(|v| v[2]).collect(),
        y: rows.iter().map(|v| v[3]).collect(),
    });
    grade_curve(
        q,
        curve,
        |_| key.at("cs_fi", &flat, cs_key),
        r,
        "tolerance one spike per run length plus the grid error of brian2's default step, and \
         where the rest at I = 0 is unstable the difference its start makes",
    )
}

/// Grades categorical answers: each is exact; points are shared equally among them.
fn grade_answers(
    q: &Question,
    s: &Submission,
    r: &Rubric,
    expected: &[(&str, String)],
) -> QuestionResult {
    let max_score = r.points(q.id);
    let answers = match s.answers() {
        Ok(a) => a,
        Err(message) => {
            return QuestionResult::unreadable(q, max_score, message);
        }
    };
    let mut right = 0;
    let mut lines = Vec::new();
    for (k, want) in expected {
        match answers.get(*k) {
            Some(got) if got == want => {
                right += 1;
                lines.push(format!("{k} = \"{got}\": right"));
            }
            Some(got) => lines.push(format!("{k} = \"{got}\": the key is \"{want}\"")),
            None => lines.push(format!(
                "{k}: missing from answers.toml (the key is \"{want}\")"
            )),
        }
    }
    QuestionResult {
        id: q.id,
        title: q.title,
        score: (max_score * right as f64 / expected.len() as f64 * 100.0).round() / 100.0,
        max_score,
        feedback: lines.join("; "),
        mistake: None,
        points: Vec::new(),
    }
}

/// The categorical answers of the key, as dotted keys of `answers.toml`, computed from the
/// report's results: which inputs fire (the models' fixed points: the LIF's stable point V0
/// lies above threshold only when V0 > V_th; the QIF has fixed points ±√(−V0) only for
/// V0 ≤ 0), the better shape, the excitability classes, and what width changes.
pub fn expected_answers(res: &Results) -> Vec<(&'static str, String)> {
    // The family of the page's verdict: the admissible fit with the lowest RMS error.
    let better = |k: usize| {
        let shape = res.fits[k].by_rmse()[0].shape;
        if shape.starts_with("relu") {
            "relu"
        } else {
            "sigmoid"
        }
        .to_string()
    };
    let class = |b: Option<crate::analysis::bifurcation::OnsetBifurcation>| {
        if b.is_some_and(|b| b.is_type_one()) {
            "I"
        } else {
            "II"
        }
        .to_string()
    };
    let cs = &res.cs.curves[res.cs.standard];
    let no_a = res.cs.curves.iter().filter(|c| c.g_a == 0.0).all(|c| {
        c.onset
            .analysis
            .bifurcation()
            .is_some_and(|b| b.is_type_one())
    });
    let all_good = |w: &crate::experiments::mlp::Width| {
        w.restarts
            .iter()
            .all(|x| x.verdict == crate::experiments::mlp::Verdict::Good)
    };
    vec![
        ("fire.lif", "v0_above_threshold".into()),
        ("fire.qif", "v0_above_zero".into()),
        ("fit.lif", better(0)),
        ("fit.qif", better(1)),
        (
            "excitability.hh",
            class(res.hh.onset.analysis.bifurcation()),
        ),
        (
            "excitability.cs_standard",
            class(cs.onset.analysis.bifurcation()),
        ),
        (
            "excitability.cs_without_a_current",
            if no_a { "I" } else { "II" }.into(),
        ),
        (
            "networks.narrow_always_succeeds",
            all_good(&res.mlp.small).to_string(),
        ),
        (
            "networks.wide_always_succeeds",
            all_good(&res.mlp.wide).to_string(),
        ),
    ]
}

/// The report's own `answers.toml` (submission format 1): the key's answers.
pub fn answers_toml(res: &Results) -> String {
    let mut text = format!(
        "# The answers of this report in neuroreport's submission format.\nformat = {}\n",
        super::FORMAT_VERSION
    );
    let mut section = "";
    for (k, v) in expected_answers(res) {
        let (s, name) = k.split_once('.').expect("dotted keys");
        if s != section {
            text.push_str(&format!("\n[{s}]\n"));
            section = s;
        }
        text.push_str(&format!("{name} = \"{v}\"\n"));
    }
    text
}

/// The expected answers of one section.
fn section(key: &Key, name: &str) -> Vec<(&'static str, String)> {
    expected_answers(&key.results)
        .into_iter()
        .filter(|(k, _)| k.split_once('.').is_some_and(|(s, _)| s == name))
        .collect()
}

fn grade_fire(s: &Submission, key: &Key, r: &Rubric) -> QuestionResult {
    grade_answers(question("fire"), s, r, &section(key, "fire"))
}

fn grade_fit(s: &Submission, key: &Key, r: &Rubric) -> QuestionResult {
    grade_answers(question("fit"), s, r, &section(key, "fit"))
}

fn grade_excitability(s: &Submission, key: &Key, r: &Rubric) -> QuestionResult {
    grade_answers(
        question("excitability"),
        s,
        r,
        &section(key, "excitability"),
    )
}

fn grade_networks(s: &Submission, key: &Key, r: &Rubric) -> QuestionResult {
    grade_answers(question("networks"), s, r, &section(key, "networks"))
}

/// The networks' restarts are random: a student's success rate (restarts with every training
/// point right) is judged by Fisher's exact test against the key's restarts at the rubric's
/// level, for each width, never by equality with our seeds.
fn grade_mlp(s: &Submission, key: &Key, r: &Rubric) -> QuestionResult {
    let q = question("mlp");
    let max_score = r.points(q.id);
    let rows = match s.mlp() {
        Ok(rows) => rows,
        Err(message) => {
            return QuestionResult::unreadable(q, max_score, message);
        }
    };
    let m = &key.results.mlp;
    let mut passed = 0;
    let mut lines = Vec::new();
    for w in [&m.small, &m.wide] {
        let key_good = w
            .restarts
            .iter()
            .filter(|x| x.train_accuracy >= 1.0)
            .count();
        let key_n = w.restarts.len();
        let theirs: Vec<&(usize, f64, f64)> = rows.iter().filter(|x| x.0 == w.hidden).collect();
        if theirs.is_empty() {
            lines.push(format!("no restarts with {} hidden units", w.hidden));
            continue;
        }
        let good = theirs.iter().filter(|x| x.1 >= 1.0).count();
        let p = crate::analysis::stats::fisher_exact(
            good,
            theirs.len() - good,
            key_good,
            key_n - key_good,
        );
        let ok = p >= r.significance;
        passed += usize::from(ok);
        lines.push(format!(
            "{} units: {good} of {} restarts fit every training point, the key {key_good} of {key_n}; \
             Fisher's exact test p = {p:.3} ({} at level {})",
            w.hidden,
            theirs.len(),
            if ok { "consistent" } else { "inconsistent" },
            r.significance
        ));
    }
    QuestionResult {
        id: q.id,
        title: q.title,
        score: max_score * passed as f64 / 2.0,
        max_score,
        feedback: lines.join("; "),
        mistake: None,
        points: Vec::new(),
    }
}
