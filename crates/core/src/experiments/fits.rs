//! Homework 1.3: which of ReLU and sigmoid, up to shift and scale, matches the F-I curves.

use crate::analysis::fit::{self, CurveModel, Fit, Relu, ReluNoOffset, Sigmoid, SigmoidNoOffset};
use crate::config::FitConfig;

/// An analytic F-I curve, rate (Hz) as a function of the input.
pub type Analytic<'a> = &'a (dyn Fn(f64) -> f64 + Sync);

/// Fits of both shapes to one F-I curve.
#[derive(Debug, Clone, PartialEq)]
pub struct CurveFits {
    /// Curve name as shown in the report (e.g. `LIF`).
    pub curve: &'static str,
    /// Name and unit of the input axis.
    pub input_label: &'static str,
    /// Inputs.
    pub x: Vec<f64>,
    /// Rates (Hz).
    pub rate_hz: Vec<f64>,
    /// Best ReLU fit, parameters [a, c, d].
    pub relu: Fit,
    /// Best sigmoid fit, parameters [a, c, s, d].
    pub sigmoid: Fit,
    /// How the fits predict the analytic curve beyond the fitted inputs, where one is known.
    pub extrapolation: Option<Extrapolation>,
    /// Every shape fitted, with and without a free offset, for the comparison.
    pub shapes: Vec<ShapeFit>,
}

/// One shape's fit in the model comparison. The curves are deterministic, so the residuals
/// are the systematic difference between two shapes, not noise: the shapes are compared by
/// what holds for curves without noise (the largest and the RMS error, what each predicts
/// where the neuron is silent, and how well a fit to the lower part of the inputs predicts
/// the rest), never by a likelihood.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapeFit {
    /// `relu`, `relu_offset`, `sigmoid` or `sigmoid_offset` (the data files' names).
    pub shape: &'static str,
    /// Parameter names.
    pub names: &'static [&'static str],
    /// The fit.
    pub fit: Fit,
    /// Largest |fit − data| over the fitted inputs (Hz).
    pub max_error_hz: f64,
    /// Lowest rate the fit predicts over the fitted inputs (Hz): negative rates are not
    /// rates.
    pub min_predicted_hz: f64,
    /// Largest rate the fit predicts at an input where the neuron is silent (Hz).
    pub silent_max_hz: f64,
    /// RMS error on the upper third of the inputs of the same shape fitted to the lower two
    /// thirds only (Hz): how it predicts outside the window it was fitted on. `None` with
    /// too few points.
    pub holdout_rmse_hz: Option<f64>,
    /// Why the fit is degenerate, if it runs off to a limit of its family where its
    /// parameters are not determined ([`degenerate`]).
    pub degenerate: Option<&'static str>,
}

/// How many times the data's range an amplitude may reach before a sigmoid whose centre lies
/// outside the inputs counts as having run off to its limit.
pub const RUNAWAY_AMPLITUDE: f64 = 10.0;

/// Why a fit has run off to a limit of its family, if it has: a sigmoid centred more than two
/// widths outside the inputs with an amplitude over [`RUNAWAY_AMPLITUDE`] times the data's
/// range (over the data it is an exponential tail, and a, c, s, d trade off without bound),
/// or a ReLU with offset whose kink lies at or below every input (a straight line, whose kink
/// and offset are not determined separately).
pub fn degenerate(shape: &str, p: &[f64], x: &[f64], y: &[f64]) -> Option<&'static str> {
    let (x_lo, x_hi) = bounds(x);
    let (y_lo, y_hi) = bounds(y);
    match shape {
        "sigmoid" | "sigmoid_offset" => {
            let (a, c, w) = (p[0], p[1], p[2].abs());
            let outside = c < x_lo - 2.0 * w || c > x_hi + 2.0 * w;
            (outside && a.abs() > RUNAWAY_AMPLITUDE * (y_hi - y_lo).max(f64::MIN_POSITIVE))
                .then_some(
                    "its centre lies outside the inputs and its amplitude is over ten times the \
                 data's range: the family's limit, an exponential tail, whose parameters are \
                 not determined",
                )
        }
        "relu_offset" => (p[1] <= x_lo).then_some(
            "its kink lies at or below every input: a straight line, whose kink and offset are \
             not determined separately",
        ),
        _ => None,
    }
}

fn bounds(v: &[f64]) -> (f64, f64) {
    v.iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &t| {
            (a.min(t), b.max(t))
        })
}

/// The name of a shape on the page.
pub fn shape_name(shape: &str) -> &'static str {
    match shape {
        "relu" => "ReLU without offset",
        "relu_offset" => "ReLU with offset",
        "sigmoid" => "sigmoid without offset",
        _ => "sigmoid with offset",
    }
}

/// Fewest points a hold-out fit is made on.
const HOLDOUT_MIN_POINTS: usize = 4;

impl ShapeFit {
    fn new<M: CurveModel>(
        shape: &'static str,
        model: &M,
        fit: Fit,
        x: &[f64],
        y: &[f64],
        holdout: &dyn Fn(&dyn CurveModel) -> Option<f64>,
    ) -> ShapeFit {
        let predicted: Vec<f64> = x.iter().map(|&t| model.value(t, &fit.params)).collect();
        let min_predicted_hz = predicted.iter().copied().fold(f64::INFINITY, f64::min);
        let max_error_hz = predicted
            .iter()
            .zip(y)
            .map(|(p, d)| (p - d).abs())
            .fold(0.0, f64::max);
        let silent_max_hz = predicted
            .iter()
            .zip(y)
            .filter(|(_, d)| **d == 0.0)
            .map(|(p, _)| p.abs())
            .fold(0.0, f64::max);
        ShapeFit {
            shape,
            names: model.names(),
            degenerate: degenerate(shape, &fit.params, x, y),
            max_error_hz,
            min_predicted_hz,
            silent_max_hz,
            holdout_rmse_hz: holdout(model),
            fit,
        }
    }

    /// The fit predicts a negative rate somewhere on the fitted inputs (beyond rounding).
    pub fn predicts_negative_rates(&self) -> bool {
        self.min_predicted_hz < -1e-6
    }

    /// A fit the comparison may pick: not degenerate, no negative rate.
    pub fn admissible(&self) -> bool {
        self.degenerate.is_none() && !self.predicts_negative_rates()
    }
}

/// RMS error of each fit against the analytic F-I curve on inputs beyond the fitted range,
/// from the largest fitted input x_max to 2·x_max (or x_max + its span, if x_max ≤ 0).
#[derive(Debug, Clone, PartialEq)]
pub struct Extrapolation {
    /// First input of the test range.
    pub x_from: f64,
    /// Last input of the test range.
    pub x_to: f64,
    /// RMS error of the ReLU fit there (Hz).
    pub relu_rmse: f64,
    /// RMS error of the sigmoid fit there (Hz).
    pub sigmoid_rmse: f64,
}

impl CurveFits {
    /// Fits both shapes to (x, rate), and tests them beyond the data against `analytic`.
    pub fn new(
        curve: &'static str,
        input_label: &'static str,
        x: Vec<f64>,
        rate_hz: Vec<f64>,
        analytic: Option<Analytic>,
        cfg: &FitConfig,
        meter: super::Meter,
    ) -> Self {
        let on_work = |point_iterations: usize| {
            meter(point_iterations as f64 * crate::config::budget::FIT_NS_PER_POINT_ITERATION)
        };
        let best = |model: &dyn fit::CurveModel| {
            fit::fit_best_metered(
                model,
                &x,
                &rate_hz,
                cfg.starts,
                cfg.max_iterations,
                &on_work,
            )
        };
        let relu = best(&Relu);
        let sigmoid = best(&Sigmoid);
        let (x_lo, x_hi) = bounds(&x);
        let x_to = if x_hi > 0.0 {
            2.0 * x_hi
        } else {
            x_hi + (x_hi - x_lo)
        };
        let test: Vec<f64> = (0..=200)
            .map(|k| x_hi + (x_to - x_hi) * f64::from(k) / 200.0)
            .collect();
        let extrapolation = analytic.map(|analytic| {
            let rmse = |model: &dyn Fn(f64) -> f64| {
                (test
                    .iter()
                    .map(|&t| (model(t) - analytic(t)).powi(2))
                    .sum::<f64>()
                    / test.len() as f64)
                    .sqrt()
            };
            Extrapolation {
                x_from: x_hi,
                x_to,
                relu_rmse: rmse(&|t| Relu.value(t, &relu.params)),
                sigmoid_rmse: rmse(&|t| Sigmoid.value(t, &sigmoid.params)),
            }
        });
        let relu0 = best(&ReluNoOffset);
        let sigmoid0 = best(&SigmoidNoOffset);
        // Fitted on the lower two thirds of the inputs, predicting the upper third.
        let cut = x_lo + 2.0 / 3.0 * (x_hi - x_lo);
        let lower = x.iter().filter(|&&t| t <= cut).count();
        let holdout = |model: &dyn fit::CurveModel| -> Option<f64> {
            if lower < HOLDOUT_MIN_POINTS || x.len() - lower < 1 {
                return None;
            }
            let (fit_x, fit_y) = (&x[..lower], &rate_hz[..lower]);
            let f = fit::fit_best_metered(
                model,
                fit_x,
                fit_y,
                cfg.starts,
                cfg.max_iterations,
                &on_work,
            );
            let rest = x.len() - lower;
            let sse: f64 = x[lower..]
                .iter()
                .zip(&rate_hz[lower..])
                .map(|(&t, &d)| (model.value(t, &f.params) - d).powi(2))
                .sum();
            Some((sse / rest as f64).sqrt())
        };
        let shapes = vec![
            ShapeFit::new("relu", &ReluNoOffset, relu0, &x, &rate_hz, &holdout),
            ShapeFit::new("relu_offset", &Relu, relu.clone(), &x, &rate_hz, &holdout),
            ShapeFit::new(
                "sigmoid",
                &SigmoidNoOffset,
                sigmoid0,
                &x,
                &rate_hz,
                &holdout,
            ),
            ShapeFit::new(
                "sigmoid_offset",
                &Sigmoid,
                sigmoid.clone(),
                &x,
                &rate_hz,
                &holdout,
            ),
        ];
        CurveFits {
            curve,
            input_label,
            x,
            rate_hz,
            relu,
            sigmoid,
            extrapolation,
            shapes,
        }
    }

    /// The admissible shapes ([`ShapeFit::admissible`]; all of them if none is), best first
    /// by `key`.
    fn ranked(&self, key: impl Fn(&ShapeFit) -> f64) -> Vec<&ShapeFit> {
        let admissible: Vec<&ShapeFit> = self.shapes.iter().filter(|s| s.admissible()).collect();
        let mut pool = if admissible.is_empty() {
            self.shapes.iter().collect()
        } else {
            admissible
        };
        pool.sort_by(|a, b| key(a).total_cmp(&key(b)));
        pool
    }

    /// The best admissible fit of the ReLU family (`relu`) or the sigmoid family by RMS error
    /// (the one with an offset when neither is admissible).
    pub fn best_of_family(&self, relu: bool) -> &ShapeFit {
        let family: Vec<&ShapeFit> = self
            .shapes
            .iter()
            .filter(|s| s.shape.starts_with("relu") == relu)
            .collect();
        family
            .iter()
            .filter(|s| s.admissible())
            .min_by(|a, b| a.fit.rmse.total_cmp(&b.fit.rmse))
            .or_else(|| family.iter().find(|s| s.shape.ends_with("offset")))
            .copied()
            .expect("both families are fitted")
    }

    /// The admissible shapes by RMS error over the fitted inputs, best first.
    pub fn by_rmse(&self) -> Vec<&ShapeFit> {
        self.ranked(|s| s.fit.rmse)
    }

    /// The admissible shapes by how they predict the upper third of the inputs when fitted
    /// to the lower two thirds, best first (empty without hold-out errors).
    pub fn by_holdout(&self) -> Vec<&ShapeFit> {
        if self.shapes.iter().any(|s| s.holdout_rmse_hz.is_none()) {
            return Vec::new();
        }
        self.ranked(|s| s.holdout_rmse_hz.unwrap_or(f64::INFINITY))
    }

    /// The prediction of the named shape's fit at input `x`.
    pub fn predict(&self, shape: &str, x: f64) -> f64 {
        let Some(s) = self.shapes.iter().find(|s| s.shape == shape) else {
            return f64::NAN;
        };
        let p = &s.fit.params;
        match shape {
            "relu" => ReluNoOffset.value(x, p),
            "relu_offset" => Relu.value(x, p),
            "sigmoid" => SigmoidNoOffset.value(x, p),
            _ => Sigmoid.value(x, p),
        }
    }

    /// The better shape by RMSE: `"ReLU"` or `"sigmoid"`.
    pub fn better(&self) -> &'static str {
        if self.relu.rmse <= self.sigmoid.rmse {
            "ReLU"
        } else {
            "sigmoid"
        }
    }

    /// ReLU fit evaluated at every input.
    pub fn relu_curve(&self) -> Vec<f64> {
        self.x
            .iter()
            .map(|&x| Relu.value(x, &self.relu.params))
            .collect()
    }

    /// Sigmoid fit evaluated at every input.
    pub fn sigmoid_curve(&self) -> Vec<f64> {
        self.x
            .iter()
            .map(|&x| Sigmoid.value(x, &self.sigmoid.params))
            .collect()
    }
}
