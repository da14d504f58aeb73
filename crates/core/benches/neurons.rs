//! Benchmarks of the neuron simulations (`cargo bench --bench neurons`):
//!
//! - brian2's `IF_curve_Hodgkin_Huxley` workload (100 neurons × 2 s at dt = 0.1 ms,
//!   exponential Euler), on one thread and on all threads, in neuron-steps per second: the
//!   exact path (one neuron at a time, the C library's exp: brian2's spike counts) and the
//!   lane kernel (four neurons per vector, the lane math);
//! - the Connor–Stevens F-I sweep of the report (every distinct model at every current), then
//!   the whole Connor–Stevens experiment (the sweep, every model's onset and bifurcation
//!   analysis, the step-size checks and the traces), on one thread and on all threads.
//!
//! Times are medians of several runs. With `BRIAN2_PYTHON=/path/to/python` (a Python with
//! brian2 installed), the same command also times brian2 on the same workload
//! (`benches/reference/brian2_hh_timed.py`) and prints the ratio; the project itself never
//! needs Python.

#[path = "../../../benches/common/mod.rs"]
mod common;
use common::median_seconds;
use neuroreport_core::config::Config;
use neuroreport_core::experiments::{connor_stevens, hh_fi};
use neuroreport_core::neuron::conductance::{self, Method, RunSpec};
use neuroreport_core::neuron::hodgkin_huxley::HodgkinHuxley;
use rayon::prelude::*;

fn brian2_seconds() -> Option<f64> {
    let python = std::env::var("BRIAN2_PYTHON").ok()?;
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/benches/reference/brian2_hh_timed.py"
    );
    let out = std::process::Command::new(python)
        .arg(script)
        .output()
        .ok()?;
    if !out.status.success() {
        eprintln!(
            "brian2 reference failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        return None;
    }
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()?
        .trim()
        .parse()
        .ok()
}

fn main() {
    let cfg = Config::default();
    let hh = &cfg.hh;
    let steps = hh.n_neurons as f64 * (hh.duration_ms / hh.dt_ms);
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let model = HodgkinHuxley::default();
    let spec = RunSpec {
        method: Method::ExponentialEuler,
        dt_ms: hh.dt_ms,
        duration_ms: hh.duration_ms,
        threshold_mv: hh_fi::THRESHOLD_MV,
        stop_after_spikes: 0,
        transient_ms: 0.0,
        stop_at_rest: false,
    };
    let area_cm2 = hh.area_um2 * 1e-8;
    let currents: Vec<f64> = (0..hh.n_neurons)
        .map(|i| hh.i_max_na * i as f64 / hh.n_neurons as f64 * 1e-3 / area_cm2)
        .collect();
    // brian2's exact path: one neuron at a time, the C library's exp.
    let run_brian2_workload = || {
        let total: usize = currents
            .par_iter()
            .map(|&i| {
                conductance::run(&model, model.brian2_initial_state(), i, &spec)
                    .unwrap()
                    .len()
            })
            .sum();
        std::hint::black_box(total);
    };
    let t1 = one.install(|| median_seconds(run_brian2_workload, 5));
    let tn = median_seconds(run_brian2_workload, 5);
    println!("Hodgkin-Huxley, brian2 IF_curve_Hodgkin_Huxley workload ({steps:.0} neuron-steps):");
    println!(
        "  1 thread:  {:.4} s, {:.2e} neuron-steps/s",
        t1,
        steps / t1
    );
    println!(
        "  {} threads: {:.4} s, {:.2e} neuron-steps/s (×{:.2} over 1 thread)",
        rayon::current_num_threads(),
        tn,
        steps / tn,
        t1 / tn
    );
    // The same workload on the lane kernel (four neurons per vector, AVX2 where available):
    // the fast path of the converged and sweep runs, not brian2-exact.
    let run_lanes_workload = || {
        let total: usize = currents
            .par_chunks(conductance::LANES)
            .map(|c| {
                conductance::run_lanes(&model, model.brian2_initial_state(), c, &spec)
                    .into_iter()
                    .map(|r| r.unwrap().len())
                    .sum::<usize>()
            })
            .sum();
        std::hint::black_box(total);
    };
    let l1 = one.install(|| median_seconds(run_lanes_workload, 5));
    let ln = median_seconds(run_lanes_workload, 5);
    println!(
        "  lane kernel ({} neurons per vector, {:?}), 1 thread:  {:.4} s, {:.2e} neuron-steps/s, {:.1} ns per neuron-step (×{:.2} over the exact path)",
        conductance::LANES,
        neuroreport_core::simd::Isa::detect(),
        l1,
        steps / l1,
        l1 * 1e9 / steps,
        t1 / l1
    );
    println!(
        "  lane kernel, {} threads: {:.4} s, {:.2e} neuron-steps/s",
        rayon::current_num_threads(),
        ln,
        steps / ln
    );
    match brian2_seconds() {
        Some(b) => println!(
            "  brian2 (numpy target, run() only): {b:.3} s; neuroreport is ×{:.1} faster on 1 thread, ×{:.1} on all",
            b / t1,
            b / tn
        ),
        None => {
            println!("  (set BRIAN2_PYTHON to a Python with brian2 to time brian2 in the same run)")
        }
    }
    // The F-I sweep alone (every distinct model at every current), then the whole experiment
    // (the sweep, every model's onset and bifurcation analysis, the checks and traces).
    let sweep = || connor_stevens::sweep(&cfg.cs, &|_| {}).unwrap();
    let models = sweep().len();
    let tsw = median_seconds(|| drop(std::hint::black_box(sweep())), 3);
    let tsw1 = one.install(|| median_seconds(|| drop(std::hint::black_box(sweep())), 3));
    println!(
        "Connor-Stevens F-I sweep ({} currents × {models} models):",
        connor_stevens::currents(&cfg.cs).len(),
    );
    println!(
        "  1 thread: {tsw1:.3} s; {} threads: {tsw:.3} s (×{:.2})",
        rayon::current_num_threads(),
        tsw1 / tsw
    );
    let tcs = median_seconds(
        || {
            std::hint::black_box(connor_stevens::run(&cfg.cs, &|_| {}).unwrap());
        },
        3,
    );
    let tcs1 = one.install(|| {
        median_seconds(
            || {
                std::hint::black_box(connor_stevens::run(&cfg.cs, &|_| {}).unwrap());
            },
            1,
        )
    });
    println!(
        "Connor-Stevens experiment of the report ({} g_A values × 2 conventions: the sweep, onsets, bifurcation analyses, checks):",
        cfg.cs.g_a_values.len()
    );
    println!(
        "  1 thread: {tcs1:.3} s; {} threads: {tcs:.3} s (×{:.2})",
        rayon::current_num_threads(),
        tcs1 / tcs
    );
}
