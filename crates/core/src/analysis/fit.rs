//! Least-squares curve fits by Levenberg–Marquardt with several deterministic starts.
//!
//! Two shapes answer homework 1.3, each "up to shift and scale" of the input and the output:
//! ReLU a·max(x − c, 0) + d and sigmoid a/(1 + exp(−(x − c)/s)) + d.

use crate::analysis::linalg::{Square, cholesky_solve};

/// A curve family y = f(x; p) with its gradient in p.
pub trait CurveModel: Sync {
    /// Parameter names, in order.
    fn names(&self) -> &'static [&'static str];
    /// f(x; p).
    fn value(&self, x: f64, p: &[f64]) -> f64;
    /// ∂f/∂p at x, written into `grad`.
    fn gradient(&self, x: f64, p: &[f64], grad: &mut [f64]);
    /// Starting points for the data (xs, ys), from cheap summaries of the data.
    fn starts(&self, xs: &[f64], ys: &[f64], count: usize) -> Vec<Vec<f64>>;
}

/// a·max(x − c, 0) + d; parameters [a, c, d].
#[derive(Debug, Clone, Copy)]
pub struct Relu;

/// a/(1 + exp(−(x − c)/s)) + d; parameters [a, c, s, d].
#[derive(Debug, Clone, Copy)]
pub struct Sigmoid;

fn logistic(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

fn range(xs: &[f64]) -> (f64, f64) {
    xs.iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        })
}

/// Evenly spaced interior points of [lo, hi]: lo + (k + 1)/(count + 1)·(hi − lo).
fn spread(lo: f64, hi: f64, count: usize) -> impl Iterator<Item = f64> {
    (0..count).map(move |k| lo + (k as f64 + 1.0) / (count as f64 + 1.0) * (hi - lo))
}

impl CurveModel for Relu {
    fn names(&self) -> &'static [&'static str] {
        &["a", "c", "d"]
    }
    fn value(&self, x: f64, p: &[f64]) -> f64 {
        p[0] * (x - p[1]).max(0.0) + p[2]
    }
    fn gradient(&self, x: f64, p: &[f64], g: &mut [f64]) {
        let active = x > p[1];
        g[0] = (x - p[1]).max(0.0);
        g[1] = if active { -p[0] } else { 0.0 };
        g[2] = 1.0;
    }
    fn starts(&self, xs: &[f64], ys: &[f64], count: usize) -> Vec<Vec<f64>> {
        let (x_lo, x_hi) = range(xs);
        let (y_lo, y_hi) = range(ys);
        let slope = (y_hi - y_lo) / (x_hi - x_lo).max(f64::MIN_POSITIVE);
        spread(x_lo, x_hi, count)
            .map(|c| vec![slope, c, y_lo])
            .collect()
    }
}

impl CurveModel for Sigmoid {
    fn names(&self) -> &'static [&'static str] {
        &["a", "c", "s", "d"]
    }
    fn value(&self, x: f64, p: &[f64]) -> f64 {
        p[0] * logistic((x - p[1]) / p[2]) + p[3]
    }
    fn gradient(&self, x: f64, p: &[f64], g: &mut [f64]) {
        let z = (x - p[1]) / p[2];
        let sig = logistic(z);
        let dsig = sig * (1.0 - sig);
        g[0] = sig;
        g[1] = -p[0] * dsig / p[2];
        g[2] = -p[0] * dsig * z / p[2];
        g[3] = 1.0;
    }
    fn starts(&self, xs: &[f64], ys: &[f64], count: usize) -> Vec<Vec<f64>> {
        let (x_lo, x_hi) = range(xs);
        let (y_lo, y_hi) = range(ys);
        let width = (x_hi - x_lo).max(f64::MIN_POSITIVE);
        // Alternate narrow and wide sigmoids, and a double-height one whose upper half lies
        // beyond the data, so saturating and still-rising curves are both reachable.
        spread(x_lo, x_hi, count)
            .enumerate()
            .map(|(k, c)| match k % 3 {
                0 => vec![y_hi - y_lo, c, width / 10.0, y_lo],
                1 => vec![y_hi - y_lo, c, width / 4.0, y_lo],
                _ => vec![2.0 * (y_hi - y_lo), c, width / 2.0, y_lo],
            })
            .collect()
    }
}

/// a·max(x − c, 0), no offset: rates are never negative when a ≥ 0; parameters [a, c].
#[derive(Debug, Clone, Copy)]
pub struct ReluNoOffset;

/// a/(1 + exp(−(x − c)/s)), no offset: rates between 0 and a; parameters [a, c, s].
#[derive(Debug, Clone, Copy)]
pub struct SigmoidNoOffset;

impl CurveModel for ReluNoOffset {
    fn names(&self) -> &'static [&'static str] {
        &["a", "c"]
    }
    fn value(&self, x: f64, p: &[f64]) -> f64 {
        Relu.value(x, &[p[0], p[1], 0.0])
    }
    fn gradient(&self, x: f64, p: &[f64], g: &mut [f64]) {
        let mut full = [0.0; 3];
        Relu.gradient(x, &[p[0], p[1], 0.0], &mut full);
        g.copy_from_slice(&full[..2]);
    }
    fn starts(&self, xs: &[f64], ys: &[f64], count: usize) -> Vec<Vec<f64>> {
        Relu.starts(xs, ys, count)
            .into_iter()
            .map(|p| p[..2].to_vec())
            .collect()
    }
}

impl CurveModel for SigmoidNoOffset {
    fn names(&self) -> &'static [&'static str] {
        &["a", "c", "s"]
    }
    fn value(&self, x: f64, p: &[f64]) -> f64 {
        Sigmoid.value(x, &[p[0], p[1], p[2], 0.0])
    }
    fn gradient(&self, x: f64, p: &[f64], g: &mut [f64]) {
        let mut full = [0.0; 4];
        Sigmoid.gradient(x, &[p[0], p[1], p[2], 0.0], &mut full);
        g.copy_from_slice(&full[..3]);
    }
    fn starts(&self, xs: &[f64], ys: &[f64], count: usize) -> Vec<Vec<f64>> {
        Sigmoid
            .starts(xs, ys, count)
            .into_iter()
            .map(|p| p[..3].to_vec())
            .collect()
    }
}

/// The best fit found for one model and one curve.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    /// Parameters in the order of [`CurveModel::names`].
    pub params: Vec<f64>,
    /// Root-mean-square residual, in the unit of y.
    pub rmse: f64,
    /// Iterations of the winning start.
    pub iterations: usize,
}

fn sum_of_squares<M: CurveModel + ?Sized>(model: &M, xs: &[f64], ys: &[f64], p: &[f64]) -> f64 {
    xs.iter()
        .zip(ys)
        .map(|(&x, &y)| {
            let r = y - model.value(x, p);
            r * r
        })
        .sum()
}

/// One Levenberg–Marquardt run from `p0` (Marquardt's diagonal scaling, λ adapted ×10 / ÷10).
pub fn levenberg_marquardt<M: CurveModel + ?Sized>(
    model: &M,
    xs: &[f64],
    ys: &[f64],
    p0: &[f64],
    max_iterations: usize,
) -> Fit {
    let n = p0.len();
    let mut p = p0.to_vec();
    let mut sse = sum_of_squares(model, xs, ys, &p);
    let mut lambda = 1e-3;
    let mut grad = vec![0.0; n];
    let mut iterations = 0;
    while iterations < max_iterations {
        iterations += 1;
        let mut jtj = Square::zeros(n, n);
        let mut jtr = vec![0.0; n];
        for (&x, &y) in xs.iter().zip(ys) {
            model.gradient(x, &p, &mut grad);
            let r = y - model.value(x, &p);
            for i in 0..n {
                jtr[i] += grad[i] * r;
                for j in 0..n {
                    jtj[(i, j)] += grad[i] * grad[j];
                }
            }
        }
        let mut improved = false;
        while lambda < 1e16 {
            let mut a = jtj.clone();
            for i in 0..n {
                a[(i, i)] += lambda * jtj[(i, i)].max(1e-12);
            }
            let Some(step) = cholesky_solve(&a, &jtr) else {
                lambda *= 10.0;
                continue;
            };
            let trial: Vec<f64> = p.iter().zip(step.iter()).map(|(a, b)| a + b).collect();
            let trial_sse = sum_of_squares(model, xs, ys, &trial);
            if trial_sse.is_finite() && trial_sse < sse {
                let relative_gain = (sse - trial_sse) / sse.max(f64::MIN_POSITIVE);
                p = trial;
                sse = trial_sse;
                lambda = (lambda / 10.0).max(1e-12);
                improved = relative_gain > 1e-14;
                break;
            }
            lambda *= 10.0;
        }
        if !improved {
            break;
        }
    }
    Fit {
        params: p,
        rmse: (sse / xs.len() as f64).sqrt(),
        iterations,
    }
}

/// The best of Levenberg–Marquardt runs from the model's `starts` starting points.
/// Ties keep the earliest start, so the result is deterministic.
pub fn fit_best<M: CurveModel>(
    model: &M,
    xs: &[f64],
    ys: &[f64],
    starts: usize,
    max_iterations: usize,
) -> Fit {
    fit_best_metered(model, xs, ys, starts, max_iterations, &|_| {})
}

/// [`fit_best`], reporting the work of each run as it ends to `on_work`: its iterations times
/// the number of points (the unit of the work budget's fit term).
pub fn fit_best_metered<M: CurveModel + ?Sized>(
    model: &M,
    xs: &[f64],
    ys: &[f64],
    starts: usize,
    max_iterations: usize,
    on_work: &dyn Fn(usize),
) -> Fit {
    model
        .starts(xs, ys, starts)
        .iter()
        .map(|p0| {
            let fit = levenberg_marquardt(model, xs, ys, p0, max_iterations);
            on_work(fit.iterations * xs.len());
            fit
        })
        .fold(None::<Fit>, |best, fit| match best {
            Some(b) if b.rmse <= fit.rmse || !fit.rmse.is_finite() => Some(b),
            _ => Some(fit),
        })
        .expect("at least one start")
}

#[cfg(test)]
mod tests {
    use super::*;
    use approx::assert_relative_eq;

    fn grid() -> Vec<f64> {
        (0..200).map(|i| -2.0 + 0.05 * f64::from(i)).collect()
    }

    #[test]
    fn recovers_a_known_relu() {
        let xs = grid();
        let truth = [7.5, 1.3, -2.0];
        let ys: Vec<f64> = xs.iter().map(|&x| Relu.value(x, &truth)).collect();
        let fit = fit_best(&Relu, &xs, &ys, 8, 500);
        for (got, want) in fit.params.iter().zip(truth) {
            assert_relative_eq!(*got, want, max_relative = 1e-6);
        }
        assert!(fit.rmse < 1e-8);
    }

    #[test]
    fn recovers_a_known_sigmoid() {
        let xs = grid();
        let truth = [40.0, 3.0, 0.8, 5.0];
        let ys: Vec<f64> = xs.iter().map(|&x| Sigmoid.value(x, &truth)).collect();
        let fit = fit_best(&Sigmoid, &xs, &ys, 8, 500);
        for (got, want) in fit.params.iter().zip(truth) {
            assert_relative_eq!(*got, want, max_relative = 1e-6);
        }
    }

    type Model<'a> = &'a dyn Fn(f64, &[f64]) -> f64;
    type Gradient<'a> = &'a dyn Fn(f64, &[f64], &mut [f64]);

    #[test]
    fn gradients_match_finite_differences() {
        let check = |model: Model, grad: Gradient, p: &[f64]| {
            let mut g = vec![0.0; p.len()];
            for &x in &[-1.1, 0.3, 2.7] {
                grad(x, p, &mut g);
                for i in 0..p.len() {
                    let h = 1e-6;
                    let (mut up, mut down) = (p.to_vec(), p.to_vec());
                    up[i] += h;
                    down[i] -= h;
                    let fd = (model(x, &up) - model(x, &down)) / (2.0 * h);
                    assert_relative_eq!(g[i], fd, epsilon = 1e-6, max_relative = 1e-6);
                }
            }
        };
        check(
            &|x, p| Sigmoid.value(x, p),
            &|x, p, g| Sigmoid.gradient(x, p, g),
            &[3.0, 0.5, 0.7, 1.0],
        );
        check(
            &|x, p| Relu.value(x, p),
            &|x, p, g| Relu.gradient(x, p, g),
            &[3.0, 0.5, 1.0],
        );
    }
}
