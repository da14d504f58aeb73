//! The whole report and each experiment, timed (`cargo bench --bench report`).
//!
//! Each experiment of the registry runs on one thread and on every thread of the machine,
//! beside the work budget's estimate for it (`config::budget`, calibrated from this table), so
//! the estimate can be checked and recalibrated. Then the whole in-memory build (experiments,
//! figures, page) on one thread and on all, with the ratio; and the QIF accurate curve alone,
//! as a share of the whole report on one thread (issue 13: at most 5 %). Times are medians of
//! 3 runs.

mod common;
use common::median_seconds;
use neuroreport::config::Config;
use neuroreport::config::budget;
use neuroreport::experiments::{EXPERIMENTS, qif_fi};
use neuroreport::neuron::qif;

fn main() {
    let cfg = Config::default();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let all = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let estimates = budget::estimate(&cfg);
    println!(
        "{:<16} {:>12} {:>12} {:>10} {:>14}",
        "experiment",
        "1 thread s",
        format!("{threads} threads s"),
        "speed-up",
        "estimate s"
    );
    for e in EXPERIMENTS {
        let run = || {
            std::hint::black_box((e.run)(&cfg, &|_| {}).unwrap());
        };
        let t1 = median_seconds(|| one.install(run), 3);
        let tn = median_seconds(|| all.install(run), 3);
        let est = estimates
            .iter()
            .find(|x| x.experiment == e.id)
            .map_or(f64::NAN, |x| x.core_seconds);
        println!(
            "{:<16} {t1:>12.3} {tn:>12.3} {:>9.2}x {est:>14.3}",
            e.id,
            t1 / tn
        );
    }
    let build = || {
        std::hint::black_box(neuroreport::build_files(&cfg, &neuroreport::NoProgress).unwrap());
    };
    let t1 = median_seconds(|| one.install(build), 3);
    let tn = median_seconds(|| all.install(build), 3);
    println!(
        "{:<16} {t1:>12.3} {tn:>12.3} {:>9.2}x {:>14.3}",
        "whole report",
        t1 / tn,
        estimates.iter().map(|e| e.core_seconds).sum::<f64>()
    );
    // The F-I curve the text calls accurate: RK4 with spike-time interpolation over the whole
    // sweep, to the spike that ends its runs, as `qif_fi::run` computes it.
    let q = &cfg.qif;
    let inputs: Vec<_> = qif_fi::sweep(q)
        .iter()
        .map(|&v| qif_fi::params(q, v))
        .collect();
    let accurate = || {
        std::hint::black_box(qif::simulate_batch(
            qif::Method::Rk4,
            &inputs,
            q.duration_ms,
            q.dt_accurate_ms,
            qif_fi::ACCURATE_SPIKES,
        ));
    };
    let ta = median_seconds(|| one.install(accurate), 3);
    println!(
        "QIF accurate curve alone ({} inputs), 1 thread: {ta:.3} s, {:.1} % of the whole report",
        inputs.len(),
        100.0 * ta / t1
    );
}
