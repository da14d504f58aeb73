//! Homework 1.3: which of ReLU and sigmoid, up to shift and scale, matches the F-I curves.

use crate::analysis::fit::{self, CurveModel, Fit, Relu, Sigmoid};
use crate::config::FitConfig;

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
}

impl CurveFits {
    /// Fits both shapes to (x, rate).
    pub fn new(curve: &'static str, input_label: &'static str, x: Vec<f64>, rate_hz: Vec<f64>, cfg: &FitConfig) -> Self {
        let relu = fit::fit_best(&Relu, &x, &rate_hz, cfg.starts, cfg.max_iterations);
        let sigmoid = fit::fit_best(&Sigmoid, &x, &rate_hz, cfg.starts, cfg.max_iterations);
        CurveFits {
            curve,
            input_label,
            x,
            rate_hz,
            relu,
            sigmoid,
        }
    }

    /// The better shape by RMSE: `"ReLU"` or `"sigmoid"`.
    pub fn better(&self) -> &'static str {
        if self.relu.rmse <= self.sigmoid.rmse { "ReLU" } else { "sigmoid" }
    }

    /// ReLU fit evaluated at every input.
    pub fn relu_curve(&self) -> Vec<f64> {
        self.x.iter().map(|&x| Relu.value(x, &self.relu.params)).collect()
    }

    /// Sigmoid fit evaluated at every input.
    pub fn sigmoid_curve(&self) -> Vec<f64> {
        self.x.iter().map(|&x| Sigmoid.value(x, &self.sigmoid.params)).collect()
    }
}
