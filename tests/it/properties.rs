//! Property tests of invariants that must hold for every input, not just the homework's.

use neuroreport::config::LifConfig;
use neuroreport::ml::circles::stratified_split;
use neuroreport::ml::numpy_rng::RandomState;
use neuroreport::neuron::{lif, qif};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: super::common::cases(48), ..ProptestConfig::default() })]

    #[test]
    fn permutations_are_permutations(seed in any::<u32>(), n in 0usize..2000) {
        let mut p = RandomState::new(seed).permutation(n);
        p.sort_unstable();
        prop_assert!(p.iter().enumerate().all(|(i, &v)| i == v));
    }

    #[test]
    fn stratified_split_keeps_class_proportions(
        seed in any::<u32>(),
        labels in proptest::collection::vec(0u8..3, 12..400),
        test_size in 0.1f64..0.6,
    ) {
        let counts: Vec<usize> = (0..3).map(|c| labels.iter().filter(|&&l| l == c).count()).collect();
        prop_assume!(counts.iter().all(|&c| c == 0 || c >= 2));
        let n = labels.len();
        let n_test = (test_size * n as f64).ceil() as usize;
        let classes = counts.iter().filter(|&&c| c > 0).count();
        prop_assume!(n_test >= classes && n - n_test >= classes);
        let s = stratified_split(&labels, test_size, seed).unwrap();
        prop_assert_eq!(s.test.len(), n_test);
        let mut all: Vec<usize> = s.train.iter().chain(&s.test).copied().collect();
        all.sort_unstable();
        prop_assert_eq!(all, (0..n).collect::<Vec<_>>());
        for c in 0..3u8 {
            let expected = counts[c as usize] as f64 * n_test as f64 / n as f64;
            let got = s.test.iter().filter(|&&i| labels[i] == c).count() as f64;
            // _approximate_mode rounds each class's share up or down by less than one point,
            // plus at most one more point when it hands out leftovers to tied classes.
            prop_assert!((got - expected).abs() < 2.0, "class {}: {} in test, expected ≈ {}", c, got, expected);
        }
    }

    #[test]
    fn lif_rates_do_not_decrease_with_input(
        tau in 2.0f64..40.0,
        threshold in 2.0f64..30.0,
        refractory in 0.0f64..10.0,
        v0_max in 5.0f64..80.0,
    ) {
        let cfg = LifConfig {
            n_neurons: 60,
            v0_max_mv: v0_max,
            tau_ms: tau,
            v_threshold_mv: threshold,
            v_reset_mv: 0.0,
            refractory_ms: refractory,
            duration_ms: 300.0,
            dt_ms: 0.1,
        };
        let run = lif::simulate(&cfg);
        prop_assert!(run.rate_hz.windows(2).all(|w| w[1] >= w[0]), "{:?}", run.rate_hz);
    }

    #[test]
    fn qif_rates_do_not_decrease_with_input(
        tau in 2.0f64..40.0,
        v_reset in -20.0f64..-0.5,
        v_threshold in 0.5f64..20.0,
    ) {
        let rates: Vec<f64> = (0..40)
            .map(|k| {
                let p = qif::QifParams { v0: -0.5 + 0.15 * f64::from(k), tau_ms: tau, v_reset, v_threshold };
                qif::simulate_euler(&p, 500.0, 0.1).unwrap().rate_hz
            })
            .collect();
        prop_assert!(rates.windows(2).all(|w| w[1] >= w[0]), "{:?}", rates);
    }

    #[test]
    fn analytic_qif_rate_matches_the_accurate_simulation(
        v0 in 0.05f64..5.0,
        tau in 2.0f64..50.0,
        v_reset in -20.0f64..-1.0,
        v_threshold in 1.0f64..20.0,
    ) {
        let p = qif::QifParams { v0, tau_ms: tau, v_reset, v_threshold };
        let period = qif::analytic_period_ms(&p).unwrap();
        let dt = (period / 2000.0).min(0.01);
        let sim = qif::simulate_rk4(&p, 4.5 * period, dt).unwrap();
        prop_assert!(sim.count >= 3);
        let analytic = qif::analytic_rate_hz(&p);
        prop_assert!((sim.rate_hz - analytic).abs() <= 1e-3 * analytic, "sim {} analytic {}", sim.rate_hz, analytic);
    }

    #[test]
    fn batched_qif_euler_is_the_textbook_loop_bit_for_bit(
        v0s in proptest::collection::vec(-2.0f64..300.0, 1..40),
        tau in 1.0f64..50.0,
        v_reset in -20.0f64..0.0,
        v_threshold in 0.5f64..20.0,
        dt in prop_oneof![Just(0.1), Just(0.05), Just(0.013), Just(0.2)],
        duration in 20.0f64..3000.0,
    ) {
        // brian2's clock-driven loop, one neuron at a time, every step to the end: what the
        // batched runs (which complete a train from its period) must reproduce exactly.
        let textbook = |p: &qif::QifParams| {
            let n_steps = neuroreport::neuron::clock::brian2_steps(duration, dt);
            let (mut v, mut count, mut first, mut last) = (p.v_reset, 0u64, None, None);
            for k in 0..n_steps {
                v += dt * (p.v0 + v * v) / p.tau_ms;
                assert!(v.is_finite());
                if v > p.v_threshold {
                    let t = k as f64 * dt;
                    count += 1;
                    first.get_or_insert(t);
                    last = Some(t);
                    v = p.v_reset;
                }
            }
            (count, first, last)
        };
        let ps: Vec<qif::QifParams> = v0s
            .iter()
            .map(|&v0| qif::QifParams { v0, tau_ms: tau, v_reset, v_threshold })
            .collect();
        let batched = qif::simulate_batch(qif::Method::Euler, &ps, duration, dt, 0);
        for (p, run) in ps.iter().zip(&batched) {
            let run = run.as_ref().unwrap();
            let (count, first, last) = textbook(p);
            prop_assert_eq!(run.count, count, "V0 = {}", p.v0);
            prop_assert_eq!(run.first_ms.map(f64::to_bits), first.map(f64::to_bits));
            prop_assert_eq!(run.last_ms.map(f64::to_bits), last.map(f64::to_bits));
        }
    }
}
