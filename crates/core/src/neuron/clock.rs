//! How many steps brian2 takes for a run: its `Clock._calc_timestep` rule, shared by every
//! model so "stepped exactly as brian2" holds for any duration and step, not only the
//! defaults.
//!
//! brian2 works in seconds: `run(duration)` ends at the time step `round(T/dt)` when that
//! step's time is within `epsilon_dt` = 10⁻⁴ of dt of T (or equal), and at `ceil(T/dt)`
//! otherwise. Durations and steps are given here in ms and turned into seconds as brian2
//! does (`x*ms` is `x * 0.001`), so the quotient is rounded exactly as in brian2.

/// brian2's `Clock.epsilon_dt`.
pub const EPSILON_DT: f64 = 1e-4;

/// Steps brian2 takes to run `duration_ms` at `dt_ms`.
pub fn brian2_steps(duration_ms: f64, dt_ms: f64) -> u64 {
    let (t, dt) = (duration_ms * 0.001, dt_ms * 0.001);
    let nearest = (t / dt).round();
    let at_nearest = nearest * dt;
    #[allow(clippy::float_cmp)] // brian2 tests exact equality first
    let exact = at_nearest == t;
    if exact || (at_nearest - t).abs() / dt <= EPSILON_DT {
        nearest as u64
    } else {
        (t / dt).ceil() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_near_whole_numbers_and_takes_the_ceiling_otherwise() {
        // The pairs where a plain ceiling or a plain rounding disagrees with brian2.
        assert_eq!(brian2_steps(100.0, 0.001), 100_000);
        assert_eq!(brian2_steps(2000.0, 0.7), 2858);
        // The report's defaults.
        assert_eq!(brian2_steps(1000.0, 0.1), 10_000);
        assert_eq!(brian2_steps(2000.0, 0.1), 20_000);
        assert_eq!(brian2_steps(2000.0, 0.01), 200_000);
        assert_eq!(brian2_steps(2000.0, 0.025), 80_000);
        assert_eq!(brian2_steps(2000.0, 0.05), 40_000);
        assert_eq!(brian2_steps(2000.0, 0.4), 5000);
        // Not a whole number of steps: the ceiling (the run covers all of T).
        assert_eq!(brian2_steps(1.0, 0.3), 4);
        assert_eq!(brian2_steps(10.0, 3.0), 4);
    }

    #[test]
    fn a_plain_ceiling_would_take_one_step_too_many_here() {
        let (t, dt): (f64, f64) = (100.0 * 0.001, 0.001 * 0.001);
        assert_eq!((t / dt).ceil() as u64, 100_001);
        // And a plain rounding one too few here.
        assert_eq!((2000.0_f64 / 0.7).round() as u64, 2857);
    }
}
