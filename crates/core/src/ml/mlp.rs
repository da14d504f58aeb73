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
use std::ops::{Add, Div, Mul, Sub};

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
    // With fewer than eight terms every accumulator is +0 and so is their sum: skipped.
    let head = if a.len() < 8 {
        zero
    } else {
        ((acc[0] + acc[4]) + (acc[2] + acc[6])) + ((acc[1] + acc[5]) + (acc[3] + acc[7]))
    };
    head + tail
}

/// Logistic loss of a logit `o` for label `y` ∈ {0, 1}, computed without overflow (with the
/// lane math, as in training).
pub fn logistic_loss(o: f64, y: f64) -> f64 {
    loss_and_slope(o, y, 1.0).0
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

/// Below this many hidden units, networks train four at a time in the lanes of an [`F4`];
/// from it on, one at a time with the hidden units in the vector lanes (a wide network fills
/// the vector unit by itself, and its parameters stay in cache).
pub const LANE_BATCH_MAX_HIDDEN: usize = 64;

/// The numbers a kernel computes on: `f64` (one network) or [`F4`] (four). Every `exp` here
/// is the lane math, even on `f64` (not the C library's, brian2's path for the neurons), so a
/// network gets the same bits alone and in a batch.
trait Val:
    Copy
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Add<f64, Output = Self>
    + Sub<f64, Output = Self>
    + Mul<f64, Output = Self>
    + Div<f64, Output = Self>
{
    fn splat(x: f64) -> Self;
    fn lane(self, l: usize) -> f64;
    fn sqrt(self) -> Self;
    fn abs(self) -> Self;
    /// The lane math's eˣ (the same bits for f64 and for each lane of F4).
    fn exp(self) -> Self;
    /// The lane math's ln(1 + x).
    fn ln_1p(self) -> Self;
    /// `self` where `cond` > 0, else 0 (0 where `cond` is NaN).
    fn where_positive(self, cond: Self) -> Self;
    /// `a` where `self` < 0, else `b`.
    fn if_negative(self, a: Self, b: Self) -> Self;
}

impl Val for f64 {
    #[inline(always)]
    fn splat(x: f64) -> f64 {
        x
    }
    #[inline(always)]
    fn lane(self, _: usize) -> f64 {
        self
    }
    #[inline(always)]
    fn sqrt(self) -> f64 {
        f64::sqrt(self)
    }
    #[inline(always)]
    fn abs(self) -> f64 {
        f64::abs(self)
    }
    #[inline(always)]
    fn exp(self) -> f64 {
        crate::simd::exp(self)
    }
    #[inline(always)]
    fn ln_1p(self) -> f64 {
        crate::simd::ln_1p(self)
    }
    #[inline(always)]
    fn where_positive(self, cond: f64) -> f64 {
        if cond > 0.0 { self } else { 0.0 }
    }
    #[inline(always)]
    fn if_negative(self, a: f64, b: f64) -> f64 {
        if self < 0.0 { a } else { b }
    }
}

impl Val for F4 {
    #[inline(always)]
    fn splat(x: f64) -> F4 {
        F4::splat(x)
    }
    #[inline(always)]
    fn lane(self, l: usize) -> f64 {
        self.0[l]
    }
    #[inline(always)]
    fn sqrt(self) -> F4 {
        F4::sqrt(self)
    }
    #[inline(always)]
    fn abs(self) -> F4 {
        F4::abs(self)
    }
    #[inline(always)]
    fn exp(self) -> F4 {
        F4::exp(self)
    }
    #[inline(always)]
    fn ln_1p(self) -> F4 {
        F4::ln_1p(self)
    }
    #[inline(always)]
    fn where_positive(self, cond: F4) -> F4 {
        F4::select(cond.gt(F4::splat(0.0)), self, F4::splat(0.0))
    }
    #[inline(always)]
    fn if_negative(self, a: F4, b: F4) -> F4 {
        F4::select(self.lt(F4::splat(0.0)), a, b)
    }
}

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
    /// (same layout as the parameters); `scratch` is working space (resized as needed).
    pub fn loss_and_gradient(
        &self,
        xs: &[[f64; 2]],
        ys: &[f64],
        grad: &mut [F4],
        scratch: &mut Vec<F4>,
    ) -> F4 {
        crate::multiversion!(
            Isa::detect(),
            lanes_loss_and_gradient(self.hidden, &self.params, xs, ys, grad, scratch)
        )
    }
}

impl Mlp {
    /// Mean logistic loss over the data, and its gradient written into `grad` (same layout as
    /// the parameters), with the hidden units in the vector lanes; `scratch` is working space
    /// (resized as needed). The same bits as lane l of [`Batch::loss_and_gradient`] for this network.
    pub fn loss_and_gradient(
        &self,
        xs: &[[f64; 2]],
        ys: &[f64],
        grad: &mut [f64],
        scratch: &mut Vec<f64>,
    ) -> f64 {
        crate::multiversion!(
            Isa::detect(),
            units_loss_and_gradient(self.hidden, &self.params, xs, ys, grad, scratch)
        )
    }
}

/// The parameters of a network (or of four) split into its five groups.
#[inline(always)]
fn split<R: Val>(p: &[R], h: usize) -> (&[R], &[R], &[R], &[R], R) {
    (
        &p[..h],
        &p[h..2 * h],
        &p[2 * h..3 * h],
        &p[3 * h..4 * h],
        p[4 * h],
    )
}

/// Hidden activations at x, ReLU(w_x0·x0 + w_x1·x1 + b), into `h`; returns the logit.
#[inline(always)]
fn forward<R: Val>(p: &[R], x: [f64; 2], h: &mut [R]) -> R {
    let (wx0, wx1, b, wo, bo) = split(p, h.len());
    let zero = R::splat(0.0);
    if h.len() < 8 {
        // dot8 of fewer than eight terms is its tail: summed here as the units come, in the
        // same order, while each activation is still in a register.
        let mut tail = zero;
        for ((((hj, &a), &c), &bj), &w) in h.iter_mut().zip(wx0).zip(wx1).zip(b).zip(wo) {
            let z = a * x[0] + c * x[1] + bj;
            *hj = z.where_positive(z);
            tail = tail + w * *hj;
        }
        return bo + (zero + tail);
    }
    for (((hj, &a), &c), &bj) in h.iter_mut().zip(wx0).zip(wx1).zip(b) {
        let z = a * x[0] + c * x[1] + bj;
        *hj = z.where_positive(z);
    }
    bo + dot8(wo, h, zero)
}

/// The loss of logit `o` for label `y`, and the loss's derivative with respect to `o`
/// divided by the number of points `n`: one exponential serves both.
#[inline(always)]
fn loss_and_slope<R: Val>(o: R, y: f64, n: f64) -> (R, R) {
    loss_and_slope_given(o, exp_neg_abs(o), y, n)
}

/// e^(−|o|), the one exponential of [`loss_and_slope`].
#[inline(always)]
fn exp_neg_abs<R: Val>(o: R) -> R {
    (R::splat(0.0) - o.abs()).exp()
}

/// [`loss_and_slope`] given `e` = [`exp_neg_abs`]`(o)`.
#[inline(always)]
fn loss_and_slope_given<R: Val>(o: R, e: R, y: f64, n: f64) -> (R, R) {
    let loss = o.where_positive(o) - o * y + e.ln_1p();
    let p = o.if_negative(e, R::splat(1.0)) / (e + 1.0);
    (loss, (p - y) / n)
}

/// One point's terms of one hidden unit's gradient, in the order (w_o, w_x0, w_x1, b): g·h,
/// then d·x0, d·x1 and d with d = g·w_o where the activation h is positive (`g` the point's
/// loss slope, `x` the point).
#[inline(always)]
fn unit_terms<R: Val>(x: [f64; 2], g: R, h: R, wo: R) -> [R; 4] {
    let d = (g * wo).where_positive(h);
    [g * h, d * x[0], d * x[1], d]
}

/// The backward pass of every point at once: the gradient of the loss given each point's
/// hidden activations `h` and loss slope `g` (row i of `rows`: H activations, then the
/// slope). Unit by unit, two at a time, with each sum over the points held in a register
/// instead of read and written back once per point; every sum takes its terms in point order,
/// as a point-by-point pass would.
#[inline(always)]
fn backward<R: Val>(p: &[R], grad: &mut [R], xs: &[[f64; 2]], rows: &[R], width: usize) {
    let hdim = width - 1;
    let wo = &p[3 * hdim..4 * hdim];
    let zero = R::splat(0.0);
    let (g_x0, rest) = grad.split_at_mut(hdim);
    let (g_x1, rest) = rest.split_at_mut(hdim);
    let (g_b, rest) = rest.split_at_mut(hdim);
    let (g_wo, g_bo) = rest.split_at_mut(hdim);
    g_bo[0] = rows
        .chunks_exact(width)
        .fold(zero, |sum, row| sum + row[hdim]);
    // (gwo, gx0, gx1, gb) of unit j, each summed over the points.
    let update = |acc: &mut [R; 4], x: [f64; 2], g: R, hj: R, woj: R| {
        let t = unit_terms(x, g, hj, woj);
        for k in 0..4 {
            acc[k] = acc[k] + t[k];
        }
    };
    let mut j = 0;
    while j + 2 <= hdim {
        let (mut a, mut b) = ([zero; 4], [zero; 4]);
        for (&x, row) in xs.iter().zip(rows.chunks_exact(width)) {
            let g = row[hdim];
            update(&mut a, x, g, row[j], wo[j]);
            update(&mut b, x, g, row[j + 1], wo[j + 1]);
        }
        [g_wo[j], g_x0[j], g_x1[j], g_b[j]] = a;
        [g_wo[j + 1], g_x0[j + 1], g_x1[j + 1], g_b[j + 1]] = b;
        j += 2;
    }
    if j < hdim {
        let mut a = [zero; 4];
        for (&x, row) in xs.iter().zip(rows.chunks_exact(width)) {
            update(&mut a, x, row[hdim], row[j], wo[j]);
        }
        [g_wo[j], g_x0[j], g_x1[j], g_b[j]] = a;
    }
}

/// Hidden units per block of [`units_loss_and_gradient`]: the block's four parameter and four
/// gradient arrays (16 KiB) stay in the level-1 cache while every point passes over them.
/// A multiple of 8, so the blocks split [`dot8`]'s chunks of eight.
const UNIT_BLOCK: usize = 256;

/// Loss and gradient of a wide network with the hidden units in the vector lanes, in blocks
/// of [`UNIT_BLOCK`] units: a forward pass of every point over each block (each point keeps
/// its eight [`dot8`] accumulators between blocks), the points' losses, then a backward pass
/// of every point over each block (recomputing the activations, which costs less than
/// storing them). The eight parameter and gradient arrays of 1000 units (64 KB) do not fit
/// the level-1 cache; a block's do. The forward pass loads eight units at a time as two
/// [`F4`]s (the compiler's own vectorisation of [`dot8`] shuffled scalars): 252 → 190 µs per
/// epoch at 1000 units (`cargo bench --bench mlp`). Each accumulator and each gradient still
/// takes its terms in the order of a point-by-point, unit-by-unit pass, so the bits are those
/// of [`forward`] and [`backward`] point by point. `scratch` holds 10 values per point.
#[inline(always)]
fn units_loss_and_gradient(
    hdim: usize,
    p: &[f64],
    xs: &[[f64; 2]],
    ys: &[f64],
    grad: &mut [f64],
    scratch: &mut Vec<f64>,
) -> f64 {
    grad.fill(0.0);
    let n_points = xs.len();
    // Per point: dot8's accumulators 0-7, its tail, then the loss slope.
    const ROW: usize = 10;
    scratch.clear();
    scratch.resize(n_points * ROW, 0.0);
    let n = n_points as f64;
    let (wx0, wx1, b, wo, bo) = split(p, hdim);
    let load = |s: &[f64]| F4([s[0], s[1], s[2], s[3]]);
    let chunked = hdim / 8 * 8;
    for start in (0..hdim).step_by(UNIT_BLOCK) {
        let end = (start + UNIT_BLOCK).min(hdim);
        let full = end.min(chunked);
        for (x, row) in xs.iter().zip(scratch.chunks_exact_mut(ROW)) {
            let (mut lo, mut hi) = (load(&row[..4]), load(&row[4..8]));
            let (x0, x1) = (F4::splat(x[0]), F4::splat(x[1]));
            let units = start..full;
            let chunks = wx0[units.clone()]
                .chunks_exact(8)
                .zip(wx1[units.clone()].chunks_exact(8))
                .zip(b[units.clone()].chunks_exact(8))
                .zip(wo[units].chunks_exact(8));
            for (((a, c), bb), w) in chunks {
                let zl = load(&a[..4]) * x0 + load(&c[..4]) * x1 + load(&bb[..4]);
                let zh = load(&a[4..]) * x0 + load(&c[4..]) * x1 + load(&bb[4..]);
                lo = lo + load(&w[..4]) * zl.where_positive(zl);
                hi = hi + load(&w[4..]) * zh.where_positive(zh);
            }
            row[..4].copy_from_slice(&lo.0);
            row[4..8].copy_from_slice(&hi.0);
            for j in full..end {
                let z = wx0[j] * x[0] + wx1[j] * x[1] + b[j];
                row[8] += wo[j] * z.where_positive(z);
            }
        }
    }
    let mut loss = 0.0;
    for (&y, row) in ys.iter().zip(scratch.chunks_exact_mut(ROW)) {
        let a = &row[..8];
        let dot = ((a[0] + a[4]) + (a[2] + a[6])) + ((a[1] + a[5]) + (a[3] + a[7])) + row[8];
        let (l, g) = loss_and_slope(bo + dot, y, n);
        loss += l;
        row[9] = g;
    }
    let (g_x0, rest) = grad.split_at_mut(hdim);
    let (g_x1, rest) = rest.split_at_mut(hdim);
    let (g_b, rest) = rest.split_at_mut(hdim);
    let (g_wo, g_bo) = rest.split_at_mut(hdim);
    for row in scratch.chunks_exact(ROW) {
        g_bo[0] += row[9];
    }
    for start in (0..hdim).step_by(UNIT_BLOCK) {
        let end = (start + UNIT_BLOCK).min(hdim);
        let block = start..end;
        let (wx0, wx1, b, wo) = (
            &wx0[block.clone()],
            &wx1[block.clone()],
            &b[block.clone()],
            &wo[block.clone()],
        );
        let (g_x0, g_x1, g_b, g_wo) = (
            &mut g_x0[block.clone()],
            &mut g_x1[block.clone()],
            &mut g_b[block.clone()],
            &mut g_wo[block],
        );
        // Two points per pass over the block (half the gradient loads and stores), each
        // gradient still taking the first point's term before the second's.
        let pairs = n_points / 2 * 2;
        let rows = scratch[..pairs * ROW].chunks_exact(2 * ROW);
        for (x, rows) in xs[..pairs].chunks_exact(2).zip(rows) {
            let (xa, xb, ga, gb) = (x[0], x[1], rows[9], rows[ROW + 9]);
            for j in 0..wo.len() {
                let za = wx0[j] * xa[0] + wx1[j] * xa[1] + b[j];
                let zb = wx0[j] * xb[0] + wx1[j] * xb[1] + b[j];
                let ta = unit_terms(xa, ga, za.where_positive(za), wo[j]);
                let tb = unit_terms(xb, gb, zb.where_positive(zb), wo[j]);
                g_wo[j] = g_wo[j] + ta[0] + tb[0];
                g_x0[j] = g_x0[j] + ta[1] + tb[1];
                g_x1[j] = g_x1[j] + ta[2] + tb[2];
                g_b[j] = g_b[j] + ta[3] + tb[3];
            }
        }
        for (x, row) in xs[pairs..]
            .iter()
            .zip(scratch[pairs * ROW..].chunks_exact(ROW))
        {
            let g = row[9];
            for j in 0..wo.len() {
                let z = wx0[j] * x[0] + wx1[j] * x[1] + b[j];
                let t = unit_terms(*x, g, z.where_positive(z), wo[j]);
                g_wo[j] += t[0];
                g_x0[j] += t[1];
                g_x1[j] += t[2];
                g_b[j] += t[3];
            }
        }
    }
    loss / n
}

/// Loss and gradient of four narrow networks in lanes, in four passes over the points so
/// that each pass is a run of independent work the processor overlaps: the forward pass of
/// every point, then every point's exponential, then every point's loss and slope, then the
/// backward pass in the same point order as [`units_loss_and_gradient`] (the same sums in the
/// same order, so the same bits). A point's exponential, logarithm and four divisions form one
/// chain of dependent operations longer than the processor's window of instructions can
/// cover, so one pass for all of them waited on it point after point. `scratch` holds
/// (number of points) × (H + 2).
#[inline(always)]
fn lanes_loss_and_gradient<R: Val>(
    hdim: usize,
    p: &[R],
    xs: &[[f64; 2]],
    ys: &[f64],
    grad: &mut [R],
    scratch: &mut Vec<R>,
) -> R {
    let width = hdim + 1;
    scratch.resize(xs.len() * (width + 1), R::splat(0.0));
    let (rows, exps) = scratch.split_at_mut(xs.len() * width);
    let n = xs.len() as f64;
    for (&x, row) in xs.iter().zip(rows.chunks_exact_mut(width)) {
        let (h, o) = row.split_at_mut(hdim);
        o[0] = forward(p, x, h);
    }
    for (e, row) in exps.iter_mut().zip(rows.chunks_exact(width)) {
        *e = exp_neg_abs(row[hdim]);
    }
    let mut loss = R::splat(0.0);
    for ((&y, row), &e) in ys.iter().zip(rows.chunks_exact_mut(width)).zip(exps.iter()) {
        let (l, g) = loss_and_slope_given(row[hdim], e, y, n);
        loss = loss + l;
        row[hdim] = g;
    }
    backward(p, grad, xs, rows, width);
    loss / n
}

/// One Adam step of every parameter.
#[inline(always)]
fn adam<R: Val>(
    params: &mut [R],
    grad: &[R],
    m: &mut [R],
    v: &mut [R],
    s: &TrainSettings,
    (c1, c2): (f64, f64),
) {
    for k in 0..params.len() {
        let g = grad[k];
        m[k] = m[k] * s.beta1 + g * (1.0 - s.beta1);
        v[k] = v[k] * s.beta2 + g * (1.0 - s.beta2) * g;
        let m_hat = m[k] / c1;
        let v_hat = v[k] / c2;
        params[k] = params[k] - m_hat * s.learning_rate / (v_hat.sqrt() + s.epsilon);
    }
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

/// Trains 1 to [`LANES`] networks of one width, each exactly as [`train`] would alone: four
/// at a time in vector lanes below [`LANE_BATCH_MAX_HIDDEN`] hidden units, one at a time
/// above. One result per network, in order.
pub fn train_batch(
    nets: &[Mlp],
    xs: &[[f64; 2]],
    ys: &[f64],
    s: &TrainSettings,
) -> Vec<Result<Trained, NumericalError>> {
    let isa = Isa::detect();
    if nets[0].hidden < LANE_BATCH_MAX_HIDDEN {
        let batch = Batch::new(nets);
        let (hidden, count) = (batch.hidden, batch.count);
        let mut params = batch.params;
        let out = crate::multiversion!(
            isa,
            train_body(
                hidden,
                count,
                &mut params,
                xs,
                ys,
                s,
                lanes_loss_and_gradient::<F4>
            )
        );
        finish(
            out,
            |lane| {
                Batch {
                    hidden,
                    count,
                    params: params.clone(),
                }
                .net(lane)
            },
            xs,
            ys,
        )
    } else {
        nets.iter()
            .map(|net| {
                let mut params = net.params.clone();
                let out = crate::multiversion!(
                    isa,
                    train_body(
                        net.hidden,
                        1,
                        &mut params,
                        xs,
                        ys,
                        s,
                        units_loss_and_gradient
                    )
                );
                let hidden = net.hidden;
                finish(
                    out,
                    |_| Mlp {
                        hidden,
                        params: params.clone(),
                    },
                    xs,
                    ys,
                )
                .remove(0)
            })
            .collect()
    }
}

/// The loss curves (or errors) of a training run, each completed with the final network's loss.
fn finish(
    out: Vec<Result<Vec<f64>, NumericalError>>,
    net: impl Fn(usize) -> Mlp,
    xs: &[[f64; 2]],
    ys: &[f64],
) -> Vec<Result<Trained, NumericalError>> {
    out.into_iter()
        .enumerate()
        .map(|(lane, curve)| {
            let mut loss_curve = curve?;
            let net = net(lane);
            loss_curve.push(net.loss(xs, ys));
            Ok(Trained { net, loss_curve })
        })
        .collect()
}

type Kernel<R> = fn(usize, &[R], &[[f64; 2]], &[f64], &mut [R], &mut Vec<R>) -> R;

/// Adam on `params` (`count` networks in the lanes of R), returning each network's loss
/// curve before each update, or the error that stopped it.
#[inline(always)]
fn train_body<R: Val>(
    hidden: usize,
    count: usize,
    params: &mut [R],
    xs: &[[f64; 2]],
    ys: &[f64],
    s: &TrainSettings,
    kernel: Kernel<R>,
) -> Vec<Result<Vec<f64>, NumericalError>> {
    let n_params = params.len();
    let zero = R::splat(0.0);
    let mut grad = vec![zero; n_params];
    let mut m = vec![zero; n_params];
    let mut v = vec![zero; n_params];
    let mut scratch = Vec::new();
    // Room for every epoch and the final loss, in each curve (`vec![v; n]` would clone the
    // first with no spare capacity, and the others would grow by doubling).
    let mut curves: Vec<Vec<f64>> = (0..count)
        .map(|_| Vec::with_capacity(s.epochs + 1))
        .collect();
    let mut failed: Vec<Option<NumericalError>> = vec![None; count];
    let (mut beta1_t, mut beta2_t) = (1.0, 1.0);
    for epoch in 0..s.epochs {
        let loss = kernel(hidden, params, xs, ys, &mut grad, &mut scratch);
        for lane in 0..count {
            if failed[lane].is_some() {
                continue;
            }
            // A NaN can hide behind a ReLU (max(NaN, 0) is 0), so the gradient is checked too.
            match std::iter::once(&loss)
                .chain(grad.iter())
                .map(|g| g.lane(lane))
                .find(|v| !v.is_finite())
            {
                Some(bad) => {
                    failed[lane] = Some(NumericalError {
                        model: format!("MLP training ({hidden} hidden units)"),
                        parameters: format!("learning rate {}", s.learning_rate),
                        when: format!("epoch {epoch}"),
                        value: bad,
                    })
                }
                None => curves[lane].push(loss.lane(lane)),
            }
        }
        if failed.iter().all(Option::is_some) {
            break;
        }
        beta1_t *= s.beta1;
        beta2_t *= s.beta2;
        adam(
            params,
            &grad,
            &mut m,
            &mut v,
            s,
            (1.0 - beta1_t, 1.0 - beta2_t),
        );
    }
    curves
        .into_iter()
        .zip(failed)
        .map(|(c, f)| match f {
            Some(e) => Err(e),
            None => Ok(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gradient_matches_finite_differences() {
        let xs = [
            [0.3, -0.2],
            [-1.0, 0.5],
            [0.8, 0.9],
            [0.1, 0.05],
            [-0.4, -0.7],
        ];
        let ys = [1.0, 0.0, 1.0, 0.0, 1.0];
        // The wide kernel (units in the lanes, points in pairs, an odd point left over) gives
        // the same bits as the lane kernel, below and above eight units (dot8's tail only, and
        // its accumulators too) and over several blocks of units (two full, one partial, and
        // dot8's tail), on every instruction set.
        for hidden in [5, 7, 8, 20, 2 * UNIT_BLOCK + 13] {
            let net = Mlp::init(hidden, 3);
            let batch = Batch::new(&[Mlp::init(hidden, 4), net.clone()]);
            for isa in Isa::available() {
                let mut grad = vec![F4::splat(0.0); net.params.len()];
                let loss = crate::multiversion!(
                    isa,
                    lanes_loss_and_gradient(
                        hidden,
                        &batch.params,
                        &xs,
                        &ys,
                        &mut grad,
                        &mut Vec::new()
                    )
                );
                assert_eq!(loss.0[1].to_bits(), net.loss(&xs, &ys).to_bits());
                let mut one = vec![0.0; net.params.len()];
                let loss_one = crate::multiversion!(
                    isa,
                    units_loss_and_gradient(
                        hidden,
                        &net.params,
                        &xs,
                        &ys,
                        &mut one,
                        &mut Vec::new()
                    )
                );
                assert_eq!(loss_one.to_bits(), loss.0[1].to_bits(), "{hidden} {isa:?}");
                assert!(
                    one.iter()
                        .zip(&grad)
                        .all(|(a, b)| a.to_bits() == b.0[1].to_bits()),
                    "{hidden} {isa:?}"
                );
            }
        }
        let net = Mlp::init(7, 3);
        let batch = Batch::new(&[Mlp::init(7, 4), net.clone()]);
        let mut grad = vec![F4::splat(0.0); net.params.len()];
        batch.loss_and_gradient(&xs, &ys, &mut grad, &mut Vec::new());
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
