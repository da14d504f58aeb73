//! A network with one hidden layer of ReLU units and a linear readout, for 2-D inputs and a
//! binary label, trained full batch with Adam on the logistic loss (binary cross-entropy with
//! logits), in f64.
//!
//! Parameters live in one flat vector, `[w_x0 (H), w_x1 (H), b_hidden (H), w_out (H), b_out]`;
//! the one reduction (the readout's dot product) uses eight accumulators in a fixed order, so
//! results are the same on every run and thread count. Initialisation follows PyTorch's
//! `nn.Linear`: weights and biases uniform in ±1/√fan_in.
//!
//! Training runs up to four networks of the same width together, one per lane of an [`F4`]
//! ([`train_batch`]; [`train`] is a batch of one): every parameter of the batch is a vector of
//! four, so the restarts of a small network fill the processor's vector unit where one network
//! alone could not. The exponential and logarithm of the loss are the lane math of
//! [`crate::simd`]; a network's result never depends on the other lanes or on the instruction
//! set.

use crate::error::NumericalError;
use crate::simd::{F4, Isa};
use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64;
use std::ops::{Add, Mul};

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

/// Σ a·b with eight accumulators combined in a fixed order (on f64, or lane by lane on F4).
#[inline(always)]
fn dot8<R: Copy + Add<Output = R> + Mul<Output = R>>(a: &[R], b: &[R], zero: R) -> R {
    let mut acc = [zero; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for k in 0..8 {
            acc[k] = acc[k] + x[k] * y[k];
        }
    }
    let mut tail = zero;
    for (x, y) in ra.iter().zip(rb) {
        tail = tail + *x * *y;
    }
    ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7])) + tail
}

/// Logistic loss of a logit `o` for label `y` ∈ {0, 1}, computed without overflow (with the
/// lane math, as in training).
pub fn logistic_loss(o: f64, y: f64) -> f64 {
    logistic_loss_lanes(F4::splat(o), F4::splat(y)).0[0]
}

#[inline(always)]
fn logistic_loss_lanes(o: F4, y: F4) -> F4 {
    let relu = F4::select(o.gt(F4::splat(0.0)), o, F4::splat(0.0));
    relu - o * y + (-o.abs()).exp().ln_1p()
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
        bo + dot8(wo, &scratch[..self.hidden], 0.0)
    }

    /// The logit at `x`.
    pub fn logit(&self, x: [f64; 2]) -> f64 {
        let mut scratch = vec![0.0; self.hidden];
        self.logit_with(x, &mut scratch)
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

/// Networks per batch of [`train_batch`].
pub const LANES: usize = 4;

/// Up to [`LANES`] networks of the same width, parameter k of network l in lane l of
/// `params[k]` (a short batch repeats its last network in the spare lanes).
#[derive(Debug, Clone, PartialEq)]
pub struct Batch {
    /// Number of hidden units H.
    pub hidden: usize,
    /// Networks in the batch.
    pub count: usize,
    /// `4H + 1` parameters, each of the four lanes.
    pub params: Vec<F4>,
}

impl Batch {
    /// The networks `nets` (1 to [`LANES`], all of one width) as a batch.
    pub fn new(nets: &[Mlp]) -> Batch {
        assert!((1..=LANES).contains(&nets.len()), "{} networks", nets.len());
        let hidden = nets[0].hidden;
        assert!(
            nets.iter().all(|n| n.hidden == hidden),
            "networks of different widths"
        );
        let lane = |l: usize| &nets[l.min(nets.len() - 1)];
        Batch {
            hidden,
            count: nets.len(),
            params: (0..4 * hidden + 1)
                .map(|k| F4(std::array::from_fn(|l| lane(l).params[k])))
                .collect(),
        }
    }

    /// Network `lane` of the batch.
    pub fn net(&self, lane: usize) -> Mlp {
        Mlp {
            hidden: self.hidden,
            params: self.params.iter().map(|p| p.0[lane]).collect(),
        }
    }

    /// Mean logistic loss of every lane over the data, and its gradient written into `grad`
    /// (same layout as the parameters); `scratch` holds H values.
    pub fn loss_and_gradient(
        &self,
        xs: &[[f64; 2]],
        ys: &[f64],
        grad: &mut [F4],
        scratch: &mut [F4],
    ) -> F4 {
        crate::multiversion!(
            Isa::detect(),
            loss_and_gradient(self, xs, ys, grad, scratch)
        )
    }
}

#[inline(always)]
fn loss_and_gradient(
    batch: &Batch,
    xs: &[[f64; 2]],
    ys: &[f64],
    grad: &mut [F4],
    scratch: &mut [F4],
) -> F4 {
    let hdim = batch.hidden;
    let zero = F4::splat(0.0);
    grad.fill(zero);
    let p = &batch.params;
    let (wx0, wx1, b, wo, bo) = (
        &p[..hdim],
        &p[hdim..2 * hdim],
        &p[2 * hdim..3 * hdim],
        &p[3 * hdim..4 * hdim],
        p[4 * hdim],
    );
    let n = xs.len() as f64;
    let mut loss = zero;
    let (g_x0, rest) = grad.split_at_mut(hdim);
    let (g_x1, rest) = rest.split_at_mut(hdim);
    let (g_b, rest) = rest.split_at_mut(hdim);
    let (g_wo, g_bo) = rest.split_at_mut(hdim);
    let h = &mut scratch[..hdim];
    for (x, &y) in xs.iter().zip(ys) {
        let (x0, x1) = (x[0], x[1]);
        for (((hj, &a), &c), &bj) in h.iter_mut().zip(wx0).zip(wx1).zip(b) {
            let z = a * x0 + c * x1 + bj;
            *hj = F4::select(z.gt(zero), z, zero);
        }
        let o = bo + dot8(wo, h, zero);
        // One exponential serves both the loss and the sigmoid.
        let e = (-o.abs()).exp();
        let relu = F4::select(o.gt(zero), o, zero);
        loss = loss + (relu - o * y + e.ln_1p());
        let p = F4::select(o.lt(zero), e, F4::splat(1.0)) / (1.0 + e);
        let g = (p - y) / n;
        g_bo[0] = g_bo[0] + g;
        let grads = g_wo
            .iter_mut()
            .zip(g_x0.iter_mut())
            .zip(g_x1.iter_mut())
            .zip(g_b.iter_mut());
        for ((((gwo, gx0), gx1), gb), (&hj, &woj)) in grads.zip(h.iter().zip(wo)) {
            *gwo = *gwo + g * hj;
            let d = F4::select(hj.gt(zero), g * woj, zero);
            *gx0 = *gx0 + d * x0;
            *gx1 = *gx1 + d * x1;
            *gb = *gb + d;
        }
    }
    loss / n
}

/// Trains `net` full batch with Adam; a non-finite loss is an error naming the epoch.
pub fn train(
    net: Mlp,
    xs: &[[f64; 2]],
    ys: &[f64],
    s: &TrainSettings,
) -> Result<Trained, NumericalError> {
    train_batch(&[net], xs, ys, s).remove(0)
}

/// Trains 1 to [`LANES`] networks of one width together, each exactly as [`train`] would
/// alone; one result per network, in order.
pub fn train_batch(
    nets: &[Mlp],
    xs: &[[f64; 2]],
    ys: &[f64],
    s: &TrainSettings,
) -> Vec<Result<Trained, NumericalError>> {
    let batch = Batch::new(nets);
    crate::multiversion!(Isa::detect(), train_body(batch, xs, ys, s))
}

#[inline(always)]
fn train_body(
    mut batch: Batch,
    xs: &[[f64; 2]],
    ys: &[f64],
    s: &TrainSettings,
) -> Vec<Result<Trained, NumericalError>> {
    let n_params = batch.params.len();
    let zero = F4::splat(0.0);
    let mut grad = vec![zero; n_params];
    let mut m = vec![zero; n_params];
    let mut v = vec![zero; n_params];
    let mut scratch = vec![zero; batch.hidden];
    let mut curves: Vec<Vec<f64>> = vec![Vec::with_capacity(s.epochs + 1); batch.count];
    let mut failed: Vec<Option<NumericalError>> = vec![None; batch.count];
    let (mut beta1_t, mut beta2_t) = (1.0, 1.0);
    for epoch in 0..s.epochs {
        let loss = loss_and_gradient(&batch, xs, ys, &mut grad, &mut scratch);
        for lane in 0..batch.count {
            if failed[lane].is_some() {
                continue;
            }
            // A NaN can hide behind a ReLU (max(NaN, 0) is 0), so the gradient is checked too.
            match std::iter::once(&loss)
                .chain(grad.iter())
                .map(|g| g.0[lane])
                .find(|v| !v.is_finite())
            {
                Some(bad) => {
                    failed[lane] = Some(NumericalError {
                        model: format!("MLP training ({} hidden units)", batch.hidden),
                        parameters: format!("learning rate {}", s.learning_rate),
                        when: format!("epoch {epoch}"),
                        value: bad,
                    })
                }
                None => curves[lane].push(loss.0[lane]),
            }
        }
        if failed.iter().all(Option::is_some) {
            break;
        }
        beta1_t *= s.beta1;
        beta2_t *= s.beta2;
        let (c1, c2) = (1.0 - beta1_t, 1.0 - beta2_t);
        for k in 0..n_params {
            let g = grad[k];
            m[k] = s.beta1 * m[k] + (1.0 - s.beta1) * g;
            v[k] = s.beta2 * v[k] + (1.0 - s.beta2) * g * g;
            let m_hat = m[k] / c1;
            let v_hat = v[k] / c2;
            batch.params[k] =
                batch.params[k] - s.learning_rate * m_hat / (v_hat.sqrt() + s.epsilon);
        }
    }
    curves
        .into_iter()
        .zip(failed)
        .enumerate()
        .map(|(lane, (mut loss_curve, failed))| match failed {
            Some(e) => Err(e),
            None => {
                let net = batch.net(lane);
                loss_curve.push(net.loss(xs, ys));
                Ok(Trained { net, loss_curve })
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_matches_finite_differences() {
        let net = Mlp::init(7, 3);
        let xs = [[0.3, -0.2], [-1.0, 0.5], [0.8, 0.9], [0.1, 0.05]];
        let ys = [1.0, 0.0, 1.0, 0.0];
        let batch = Batch::new(&[Mlp::init(7, 4), net.clone()]);
        let mut grad = vec![F4::splat(0.0); net.params.len()];
        let mut scratch = vec![F4::splat(0.0); net.hidden];
        let loss = batch.loss_and_gradient(&xs, &ys, &mut grad, &mut scratch);
        assert_eq!(loss.0[1].to_bits(), net.loss(&xs, &ys).to_bits());
        for (k, analytic) in grad.iter().map(|g| g.0[1]).enumerate() {
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
