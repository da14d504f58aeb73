//! Helpers shared by the benchmarks.

use std::time::Instant;

/// The median wall time of `reps` runs of `f`, in seconds.
pub fn median_seconds<F: FnMut()>(mut f: F, reps: usize) -> f64 {
    let mut t: Vec<f64> = (0..reps)
        .map(|_| {
            let s = Instant::now();
            f();
            s.elapsed().as_secs_f64()
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[reps / 2]
}
