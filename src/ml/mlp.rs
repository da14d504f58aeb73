//! A network with one hidden layer of ReLU units and a linear readout, for 2-D inputs and a
//! binary label, trained full batch with Adam on the logistic loss (binary cross-entropy with
//! logits), in f64.
//!
//! Parameters live in one flat vector, `[w_x0 (H), w_x1 (H), b_hidden (H), w_out (H), b_out]`,
//! so the hidden-unit loops run over contiguous slices the compiler vectorises; the one
//! reduction (the readout's dot product) uses eight accumulators in a fixed order, so results
//! are the same on every run and thread count. Initialisation follows PyTorch's `nn.Linear`:
//! weights and biases uniform in ±1/√fan_in.

use crate::error::NumericalError;
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;

/// Network parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp {
    /// Number of hidden units H.
    pub hidden: usize,
    /// Flat parameters, `4H + 1` values (see the module docs for the layout).
    pub params: Vec<f64>,
}

/// Adam's settings and the length of training.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainSettings {
    /// Step size α.
    pub learning_rate: f64,
    /// First-moment decay β1.
    pub beta1: f64,
    /// Second-moment decay β2.
    pub beta2: f64,
    /// ε added to √v̂.
    pub epsilon: f64,
    /// Full-batch epochs.
    pub epochs: usize,
}

/// A trained network and its history.
#[derive(Debug, Clone, PartialEq)]
pub struct Trained {
    /// Final parameters.
    pub net: Mlp,
    /// Mean training loss before each epoch's update, then after the last.
    pub loss_curve: Vec<f64>,
}

#[inline]
fn dot8(a: &[f64], b: &[f64]) -> f64 {
    let mut acc = [0.0_f64; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] += x[k] * y[k];
        }
    }
    let mut tail = 0.0;
    for (x, y) in ra.iter().zip(rb) {
        tail += x * y;
    }
    ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7])) + tail
}

/// Logistic loss of a logit `o` for label `y` ∈ {0, 1}, computed without overflow.
pub fn logistic_loss(o: f64, y: f64) -> f64 {
    o.max(0.0) - o * y + (-o.abs()).exp().ln_1p()
}

impl Mlp {
    /// PyTorch's default initialisation from `seed`: layer 1 (fan_in 2) uniform in ±1/√2,
    /// layer 2 (fan_in H) uniform in ±1/√H, drawn in the order w1, b1, w2, b2.
    pub fn init(hidden: usize, seed: u64) -> Mlp {
        let mut rng = Pcg64::seed_from_u64(seed);
        let b1 = 1.0 / 2f64.sqrt();
        let b2 = 1.0 / (hidden as f64).sqrt();
        let mut params = vec![0.0; 4 * hidden + 1];
        for j in 0..hidden {
            params[j] = rng.random_range(-b1..b1);
            params[hidden + j] = rng.random_range(-b1..b1);
        }
        for p in &mut params[2 * hidden..3 * hidden] {
            *p = rng.random_range(-b1..b1);
        }
        for p in &mut params[3 * hidden..] {
            *p = rng.random_range(-b2..b2);
        }
        Mlp { hidden, params }
    }

    fn parts(&self) -> (&[f64], &[f64], &[f64], &[f64], f64) {
        let h = self.hidden;
        let p = &self.params;
        (
            &p[..h],
            &p[h..2 * h],
            &p[2 * h..3 * h],
            &p[3 * h..4 * h],
            p[4 * h],
        )
    }

    /// The logit (readout before the sigmoid) at `x`; `scratch` holds H values.
    pub fn logit_with(&self, x: [f64; 2], scratch: &mut [f64]) -> f64 {
        let (wx0, wx1, b, wo, bo) = self.parts();
        for j in 0..self.hidden {
            scratch[j] = (wx0[j] * x[0] + wx1[j] * x[1] + b[j]).max(0.0);
        }
        bo + dot8(wo, &scratch[..self.hidden])
    }

    /// The logit at `x`.
    pub fn logit(&self, x: [f64; 2]) -> f64 {
        let mut scratch = vec![0.0; self.hidden];
        self.logit_with(x, &mut scratch)
    }

    /// Mean logistic loss over the data, and its gradient written into `grad` (same layout
    /// as the parameters).
    pub fn loss_and_gradient(
        &self,
        xs: &[[f64; 2]],
        ys: &[f64],
        grad: &mut [f64],
        scratch: &mut [f64],
    ) -> f64 {
        let hdim = self.hidden;
        grad.fill(0.0);
        let (wx0, wx1, b, wo, bo) = self.parts();
        let n = xs.len() as f64;
        let mut loss = 0.0;
        let (g_x0, rest) = grad.split_at_mut(hdim);
        let (g_x1, rest) = rest.split_at_mut(hdim);
        let (g_b, rest) = rest.split_at_mut(hdim);
        let (g_wo, g_bo) = rest.split_at_mut(hdim);
        let h = &mut scratch[..hdim];
        for (x, &y) in xs.iter().zip(ys) {
            let (x0, x1) = (x[0], x[1]);
            for (((hj, &a), &c), &bj) in h.iter_mut().zip(wx0).zip(wx1).zip(b) {
                let z = a * x0 + c * x1 + bj;
                *hj = if z > 0.0 { z } else { 0.0 };
            }
            let o = bo + dot8(wo, h);
            // One exponential serves both the loss and the sigmoid.
            let e = (-o.abs()).exp();
            loss += o.max(0.0) - o * y + e.ln_1p();
            let p = if o >= 0.0 {
                1.0 / (1.0 + e)
            } else {
                e / (1.0 + e)
            };
            let g = (p - y) / n;
            g_bo[0] += g;
            let grads = g_wo
                .iter_mut()
                .zip(g_x0.iter_mut())
                .zip(g_x1.iter_mut())
                .zip(g_b.iter_mut());
            for ((((gwo, gx0), gx1), gb), (&hj, &woj)) in grads.zip(h.iter().zip(wo)) {
                *gwo += g * hj;
                let d = if hj > 0.0 { g * woj } else { 0.0 };
                *gx0 += d * x0;
                *gx1 += d * x1;
                *gb += d;
            }
        }
        loss / n
    }

    /// Mean logistic loss over the data.
    pub fn loss(&self, xs: &[[f64; 2]], ys: &[f64]) -> f64 {
        let mut scratch = vec![0.0; self.hidden];
        let total: f64 = xs
            .iter()
            .zip(ys)
            .map(|(&x, &y)| logistic_loss(self.logit_with(x, &mut scratch), y))
            .sum();
        total / xs.len() as f64
    }

    /// Fraction of points whose predicted class (logit > 0 means 1) equals the label.
    pub fn accuracy(&self, xs: &[[f64; 2]], ys: &[f64]) -> f64 {
        let mut scratch = vec![0.0; self.hidden];
        let correct = xs
            .iter()
            .zip(ys)
            .filter(|&(&x, &y)| (self.logit_with(x, &mut scratch) > 0.0) == (y > 0.5))
            .count();
        correct as f64 / xs.len() as f64
    }

    /// Number of hidden units inactive (pre-activation ≤ 0) on every one of the points.
    pub fn dead_units(&self, xs: &[[f64; 2]]) -> usize {
        let (wx0, wx1, b, _, _) = self.parts();
        (0..self.hidden)
            .filter(|&j| {
                xs.iter()
                    .all(|x| wx0[j] * x[0] + wx1[j] * x[1] + b[j] <= 0.0)
            })
            .count()
    }

    /// Predicted classes of all points: all 0, all 1, or both.
    pub fn predicts_one_class(&self, xs: &[[f64; 2]]) -> bool {
        let mut scratch = vec![0.0; self.hidden];
        let first = self.logit_with(xs[0], &mut scratch) > 0.0;
        xs.iter()
            .all(|&x| (self.logit_with(x, &mut scratch) > 0.0) == first)
    }
}

/// Trains `net` full batch with Adam; a non-finite loss is an error naming the epoch.
pub fn train(
    mut net: Mlp,
    xs: &[[f64; 2]],
    ys: &[f64],
    s: &TrainSettings,
) -> Result<Trained, NumericalError> {
    let n_params = net.params.len();
    let mut grad = vec![0.0; n_params];
    let mut m = vec![0.0; n_params];
    let mut v = vec![0.0; n_params];
    let mut scratch = vec![0.0; net.hidden];
    let mut loss_curve = Vec::with_capacity(s.epochs + 1);
    let (mut beta1_t, mut beta2_t) = (1.0, 1.0);
    for epoch in 0..s.epochs {
        let loss = net.loss_and_gradient(xs, ys, &mut grad, &mut scratch);
        // A NaN can hide behind a ReLU (max(NaN, 0) is 0), so the gradient is checked too.
        if let Some(&bad) = std::iter::once(&loss)
            .chain(grad.iter())
            .find(|v| !v.is_finite())
        {
            return Err(NumericalError {
                model: format!("MLP training ({} hidden units)", net.hidden),
                parameters: format!("learning rate {}", s.learning_rate),
                when: format!("epoch {epoch}"),
                value: bad,
            });
        }
        loss_curve.push(loss);
        beta1_t *= s.beta1;
        beta2_t *= s.beta2;
        let (c1, c2) = (1.0 - beta1_t, 1.0 - beta2_t);
        for k in 0..n_params {
            let g = grad[k];
            m[k] = s.beta1 * m[k] + (1.0 - s.beta1) * g;
            v[k] = s.beta2 * v[k] + (1.0 - s.beta2) * g * g;
            let m_hat = m[k] / c1;
            let v_hat = v[k] / c2;
            net.params[k] -= s.learning_rate * m_hat / (v_hat.sqrt() + s.epsilon);
        }
    }
    loss_curve.push(net.loss(xs, ys));
    Ok(Trained { net, loss_curve })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_matches_finite_differences() {
        let net = Mlp::init(7, 3);
        let xs = [[0.3, -0.2], [-1.0, 0.5], [0.8, 0.9], [0.1, 0.05]];
        let ys = [1.0, 0.0, 1.0, 0.0];
        let mut grad = vec![0.0; net.params.len()];
        let mut scratch = vec![0.0; net.hidden];
        net.loss_and_gradient(&xs, &ys, &mut grad, &mut scratch);
        for (k, &analytic) in grad.iter().enumerate() {
            let h = 1e-6;
            let (mut up, mut down) = (net.clone(), net.clone());
            up.params[k] += h;
            down.params[k] -= h;
            let fd = (up.loss(&xs, &ys) - down.loss(&xs, &ys)) / (2.0 * h);
            assert!(
                (analytic - fd).abs() <= 1e-7 + 1e-5 * fd.abs(),
                "parameter {k}: analytic {analytic} finite difference {fd}"
            );
        }
    }

    #[test]
    fn learns_xor() {
        let xs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]];
        let ys = [0.0, 1.0, 1.0, 0.0];
        let settings = TrainSettings {
            learning_rate: 0.05,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            epochs: 2000,
        };
        let trained = train(Mlp::init(16, 1), &xs, &ys, &settings).unwrap();
        assert!((trained.net.accuracy(&xs, &ys) - 1.0).abs() < 1e-12);
        assert!(*trained.loss_curve.last().unwrap() < 0.05);
    }

    #[test]
    fn a_non_finite_loss_is_an_error_naming_the_epoch() {
        let settings = TrainSettings {
            learning_rate: 0.01,
            beta1: 0.9,
            beta2: 0.999,
            epsilon: 1e-8,
            epochs: 10,
        };
        let err = train(Mlp::init(3, 1), &[[f64::NAN, 0.0]], &[1.0], &settings).unwrap_err();
        assert_eq!(
            err.to_string(),
            "numerical blow-up in MLP training (3 hidden units) at learning rate 0.01, epoch 0: state became NaN"
        );
    }

    #[test]
    fn loss_is_stable_for_large_logits() {
        assert!((logistic_loss(800.0, 1.0)).abs() < 1e-300);
        assert!((logistic_loss(-800.0, 1.0) - 800.0).abs() < 1e-9);
        assert!((logistic_loss(0.0, 0.0) - 2f64.ln()).abs() < 1e-15);
    }

    #[test]
    fn initialisation_respects_pytorch_bounds() {
        // PyTorch's nn.Linear draws weights and biases from U(-1/sqrt(fan_in), 1/sqrt(fan_in)):
        // fan_in 2 for the hidden layer (weights and biases), H for the readout. Each group
        // must stay inside its bound *and fill it*: its largest |p| near the bound and its
        // standard deviation near bound/sqrt(3), so a group drawn with the wrong bound fails.
        let h = 1000;
        let net = Mlp::init(h, 9);
        let b1 = 1.0 / 2f64.sqrt();
        let b2 = 1.0 / (h as f64).sqrt();
        let groups: [(&str, &[f64], f64); 4] = [
            ("hidden weights", &net.params[..2 * h], b1),
            ("hidden biases", &net.params[2 * h..3 * h], b1),
            ("readout weights", &net.params[3 * h..4 * h], b2),
            ("readout bias", &net.params[4 * h..], b2),
        ];
        for (name, p, bound) in groups {
            assert!(
                p.iter().all(|x| x.abs() <= bound),
                "{name} outside ±{bound}"
            );
            if p.len() < 100 {
                continue;
            }
            let max = p.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
            assert!(
                max > 0.98 * bound,
                "{name}: largest |p| {max} for bound {bound}"
            );
            let n = p.len() as f64;
            let mean = p.iter().sum::<f64>() / n;
            let sd = (p.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n).sqrt();
            // 1000 uniform draws: the standard deviation is within 5 % of bound/sqrt(3) with
            // overwhelming probability (its relative standard error is about 1.4 %).
            let expected = bound / 3f64.sqrt();
            assert!(
                (sd / expected - 1.0).abs() < 0.05,
                "{name}: sd {sd} vs {expected}"
            );
        }
    }
}
