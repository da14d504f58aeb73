//! Benchmarks of network training (`cargo bench --bench mlp`): one full-batch epoch at 5 and
//! 1000 hidden units, and a full training run, each reported as time per network and as a
//! ratio against a straightforward baseline (the same epoch written as a plain per-sample loop
//! with an array-of-structures network, one network at a time) measured in the same run. The
//! epoch is timed as the report trains: a narrow network in a batch of four (one per lane), a
//! wide one alone (its hidden units in the lanes).

use neuroreport_core::config::Config;
use neuroreport_core::ml::circles;
use neuroreport_core::ml::mlp::{
    Batch, LANE_BATCH_MAX_HIDDEN, LANES, Mlp, TrainSettings, train, train_batch,
};
use neuroreport_core::simd::F4;
use std::hint::black_box;
use std::time::Instant;

/// Median seconds per call of `f` over `reps` timed batches of `inner` calls.
fn time<F: FnMut()>(mut f: F, inner: usize, reps: usize) -> f64 {
    f();
    let mut samples: Vec<f64> = (0..reps)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..inner {
                f();
            }
            t.elapsed().as_secs_f64() / inner as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[reps / 2]
}

#[derive(Clone, Copy)]
struct Unit {
    w0: f64,
    w1: f64,
    b: f64,
    wo: f64,
}

/// Baseline: the textbook loop, units as structs, one sample at a time.
fn baseline_epoch(units: &[Unit], bo: f64, xs: &[[f64; 2]], ys: &[f64], grad: &mut [Unit]) -> f64 {
    let n = xs.len() as f64;
    let mut loss = 0.0;
    for g in grad.iter_mut() {
        *g = Unit {
            w0: 0.0,
            w1: 0.0,
            b: 0.0,
            wo: 0.0,
        };
    }
    for (x, &y) in xs.iter().zip(ys) {
        let mut o = bo;
        for u in units {
            o += u.wo * (u.w0 * x[0] + u.w1 * x[1] + u.b).max(0.0);
        }
        loss += o.max(0.0) - o * y + (-o.abs()).exp().ln_1p();
        let g = (1.0 / (1.0 + (-o).exp()) - y) / n;
        for (u, gu) in units.iter().zip(grad.iter_mut()) {
            let z = u.w0 * x[0] + u.w1 * x[1] + u.b;
            if z > 0.0 {
                gu.wo += g * z;
                let d = g * u.wo;
                gu.w0 += d * x[0];
                gu.w1 += d * x[1];
                gu.b += d;
            }
        }
    }
    loss / n
}

fn main() {
    let cfg = Config::default();
    let c = &cfg.circles;
    let data = circles::make_circles(c.n_samples, c.factor, Some(c.noise), c.random_state).unwrap();
    let split = circles::stratified_split(&data.y, c.test_size, c.split_random_state).unwrap();
    let xs: Vec<[f64; 2]> = split.train.iter().map(|&r| data.x[r]).collect();
    let ys: Vec<f64> = split.train.iter().map(|&r| f64::from(data.y[r])).collect();
    println!(
        "MLP training, {} training points, f64, one thread",
        xs.len()
    );
    for hidden in [5usize, 1000] {
        let net = Mlp::init(hidden, 1);
        let nets: Vec<Mlp> = (0..LANES as u64)
            .map(|s| Mlp::init(hidden, s + 1))
            .collect();
        let batch = Batch::new(&nets);
        let mut grad = vec![F4::splat(0.0); net.params.len()];
        let mut scratch = Vec::new();
        let mut grad_one = vec![0.0; net.params.len()];
        let mut scratch_one = Vec::new();
        let h = hidden;
        let units: Vec<Unit> = (0..h)
            .map(|j| Unit {
                w0: net.params[j],
                w1: net.params[h + j],
                b: net.params[2 * h + j],
                wo: net.params[3 * h + j],
            })
            .collect();
        let mut ugrad = units.clone();
        let inner = if hidden < 100 { 2000 } else { 20 };
        // As training runs them: narrow networks four per batch, wide ones alone.
        let ours = if hidden < LANE_BATCH_MAX_HIDDEN {
            time(
                || {
                    black_box(batch.loss_and_gradient(&xs, &ys, &mut grad, &mut scratch));
                },
                inner,
                15,
            ) / LANES as f64
        } else {
            time(
                || {
                    black_box(net.loss_and_gradient(&xs, &ys, &mut grad_one, &mut scratch_one));
                },
                inner,
                15,
            )
        };
        let base = time(
            || {
                black_box(baseline_epoch(
                    &units,
                    net.params[4 * h],
                    &xs,
                    &ys,
                    &mut ugrad,
                ));
            },
            inner,
            15,
        );
        let pairs = (xs.len() * hidden) as f64;
        println!(
            "epoch H={hidden:>4}: {:>9.2} µs per network ({:.2} ns per sample-unit pair); baseline {:>9.2} µs; speed-up ×{:.2}",
            ours * 1e6,
            ours * 1e9 / pairs,
            base * 1e6,
            base / ours
        );
    }
    let settings = TrainSettings {
        learning_rate: cfg.mlp.learning_rate,
        beta1: cfg.mlp.beta1,
        beta2: cfg.mlp.beta2,
        epsilon: cfg.mlp.epsilon,
        epochs: cfg.mlp.wide_epochs,
    };
    let full = time(
        || {
            black_box(train(Mlp::init(cfg.mlp.wide_hidden, 2), &xs, &ys, &settings).unwrap());
        },
        1,
        5,
    );
    println!(
        "full training H={} × {} epochs: {:.3} s",
        cfg.mlp.wide_hidden, cfg.mlp.wide_epochs, full
    );
    let settings_small = TrainSettings {
        epochs: cfg.mlp.small_epochs,
        ..settings
    };
    let full_small = time(
        || {
            black_box(
                train(
                    Mlp::init(cfg.mlp.small_hidden, 2),
                    &xs,
                    &ys,
                    &settings_small,
                )
                .unwrap(),
            );
        },
        1,
        5,
    );
    println!(
        "full training H={} × {} epochs: {:.4} s",
        cfg.mlp.small_hidden, cfg.mlp.small_epochs, full_small
    );
    let small_nets: Vec<Mlp> = (0..LANES as u64)
        .map(|s| Mlp::init(cfg.mlp.small_hidden, s + 2))
        .collect();
    let four_small = time(
        || {
            black_box(train_batch(&small_nets, &xs, &ys, &settings_small));
        },
        1,
        5,
    );
    println!(
        "full training H={} × {} epochs, {LANES} networks together: {:.4} s per network (×{:.2} over one alone)",
        cfg.mlp.small_hidden,
        cfg.mlp.small_epochs,
        four_small / LANES as f64,
        full_small / (four_small / LANES as f64)
    );
}
