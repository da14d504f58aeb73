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
    /// Every shape fitted, with and without a free offset, compared by AIC.
    pub shapes: Vec<ShapeFit>,
}

/// One shape's fit in the model comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct ShapeFit {
    /// `relu`, `relu_offset`, `sigmoid` or `sigmoid_offset` (the data files' names).
    pub shape: &'static str,
    /// Parameter names.
    pub names: &'static [&'static str],
    /// The fit.
    pub fit: Fit,
    /// Akaike's information criterion (see [`fit::aic`]).
    pub aic: f64,
    /// Lowest rate the fit predicts over the fitted inputs (Hz): negative rates are not
    /// rates.
    pub min_predicted_hz: f64,
}

impl ShapeFit {
    fn new<M: CurveModel>(shape: &'static str, model: &M, fit: Fit, x: &[f64]) -> ShapeFit {
        let min_predicted_hz = x
            .iter()
            .map(|&t| model.value(t, &fit.params))
            .fold(f64::INFINITY, f64::min);
        ShapeFit {
            shape,
            names: model.names(),
            aic: fit::aic(x.len(), fit.params.len(), fit.rmse),
            min_predicted_hz,
            fit,
        }
    }

    /// The fit predicts a negative rate somewhere on the fitted inputs (beyond rounding).
    pub fn predicts_negative_rates(&self) -> bool {
        self.min_predicted_hz < -1e-6
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
        let (x_lo, x_hi) = x
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
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
        let shapes = vec![
            ShapeFit::new("relu", &ReluNoOffset, relu0, &x),
            ShapeFit::new("relu_offset", &Relu, relu.clone(), &x),
            ShapeFit::new("sigmoid", &SigmoidNoOffset, sigmoid0, &x),
            ShapeFit::new("sigmoid_offset", &Sigmoid, sigmoid.clone(), &x),
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

    /// The shape with the lowest AIC among those that predict no negative rate on the fitted
    /// inputs (all shapes if every one does).
    pub fn best_by_aic(&self) -> &ShapeFit {
        let honest: Vec<&ShapeFit> = self
            .shapes
            .iter()
            .filter(|s| !s.predicts_negative_rates())
            .collect();
        let pool: Vec<&ShapeFit> = if honest.is_empty() {
            self.shapes.iter().collect()
        } else {
            honest
        };
        pool.into_iter()
            .min_by(|a, b| a.aic.total_cmp(&b.aic))
            .expect("four shapes")
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
