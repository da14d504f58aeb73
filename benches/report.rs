//! The whole report and each experiment, timed (`cargo bench --bench report`).
//!
//! Each experiment of the registry runs on one thread and on every thread of the machine,
//! beside the work budget's estimate for it (`config::budget`, calibrated from this table), so
//! the estimate can be checked and recalibrated. Then the whole in-memory build (experiments,
//! figures, page) on one thread and on all, with the ratio. Times are medians of 3 runs.

mod common;
use common::median_seconds;
use neuroreport::config::Config;
use neuroreport::config::budget;
use neuroreport::experiments::EXPERIMENTS;

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
}
