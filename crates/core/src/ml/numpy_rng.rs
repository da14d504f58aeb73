//! numpy's legacy `RandomState`, bit for bit: MT19937 seeded by `init_genrand`, the 53-bit
//! double, the Marsaglia polar Gaussian with its cache, the masked-rejection bounded integer
//! and the Fisher–Yates shuffle from the end. Spec: `specs/numpy-dataset.md`, §1.
//!
//! No fused multiply-add is used anywhere: every product and sum rounds as numpy's C code does.

use rand_mt::Mt;

/// numpy's `np.random.RandomState(seed)` for an integer seed.
pub struct RandomState {
    mt: Mt,
    gauss: Option<f64>,
}

impl RandomState {
    /// A generator seeded like `RandomState(seed)`.
    pub fn new(seed: u32) -> Self {
        RandomState {
            mt: Mt::new(seed),
            gauss: None,
        }
    }

    /// The next raw 32-bit output (`next_uint32`).
    pub fn next_u32(&mut self) -> u32 {
        self.mt.next_u32()
    }

    /// A double in [0, 1) from two outputs, 27 and 26 bits (`random_sample`).
    pub fn next_double(&mut self) -> f64 {
        let a = self.next_u32() >> 5;
        let b = self.next_u32() >> 6;
        (f64::from(a) * 67_108_864.0 + f64::from(b)) / 9_007_199_254_740_992.0
    }

    /// A standard normal draw (`legacy_gauss`): polar method, returning the second product
    /// first and caching the first.
    pub fn gauss(&mut self) -> f64 {
        if let Some(g) = self.gauss.take() {
            return g;
        }
        // Rejection, exactly as numpy draws: each pass is accepted with probability π/4, so
        // the loop ends after a few passes (64 rejections in a row have probability < 1e-42).
        loop {
            let x1 = 2.0 * self.next_double() - 1.0;
            let x2 = 2.0 * self.next_double() - 1.0;
            let r2 = x1 * x1 + x2 * x2;
            if r2 < 1.0 && r2 != 0.0 {
                let f = (-2.0 * r2.ln() / r2).sqrt();
                self.gauss = Some(f * x1);
                return f * x2;
            }
        }
    }

    /// `normal(loc, scale)`: loc + scale · gauss.
    pub fn normal(&mut self, loc: f64, scale: f64) -> f64 {
        loc + scale * self.gauss()
    }

    /// A uniform integer in [0, max] by masked rejection (`random_interval`); max < 2³².
    pub fn random_interval(&mut self, max: u32) -> u32 {
        if max == 0 {
            return 0;
        }
        let mut mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        // Rejection, exactly as numpy draws: each pass is accepted with probability above 1/2.
        loop {
            let v = self.next_u32() & mask;
            if v <= max {
                return v;
            }
        }
    }

    /// Shuffles in place, Fisher–Yates from the last index down to 1.
    pub fn shuffle<T>(&mut self, a: &mut [T]) {
        for i in (1..a.len()).rev() {
            let max = u32::try_from(i).expect("shuffle of more than 2^32 elements");
            let j = self.random_interval(max) as usize;
            a.swap(i, j);
        }
    }

    /// `permutation(n)`: a shuffled `[0, 1, …, n − 1]`.
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut p: Vec<usize> = (0..n).collect();
        self.shuffle(&mut p);
        p
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // bit-for-bit equality with numpy is the specification
mod tests {
    use super::*;

    #[test]
    fn first_outputs_match_numpy() {
        let mut r = RandomState::new(0);
        let u: Vec<u32> = (0..5).map(|_| r.next_u32()).collect();
        assert_eq!(
            u,
            [2357136044, 2546248239, 3071714933, 3626093760, 2588848963]
        );
    }

    #[test]
    fn doubles_match_numpy() {
        let mut r = RandomState::new(0);
        let expected = [
            "0.5488135039273248",
            "0.7151893663724195",
            "0.6027633760716439",
            "0.5448831829968969",
            "0.4236547993389047",
        ];
        for e in expected {
            assert_eq!(
                r.next_double().to_bits(),
                e.parse::<f64>().unwrap().to_bits()
            );
        }
    }

    #[test]
    fn gaussians_match_numpy() {
        let mut r = RandomState::new(0);
        let expected = [
            "1.764052345967664",
            "0.4001572083672233",
            "0.9787379841057392",
            "2.240893199201458",
            "1.8675579901499675",
        ];
        for e in expected {
            assert_eq!(r.gauss().to_bits(), e.parse::<f64>().unwrap().to_bits());
        }
    }

    #[test]
    fn permutation_matches_numpy() {
        assert_eq!(
            RandomState::new(0).permutation(10),
            [2, 8, 4, 9, 1, 6, 7, 3, 0, 5]
        );
    }

    #[test]
    fn shuffle_is_a_permutation() {
        let mut p = RandomState::new(7).permutation(1000);
        p.sort_unstable();
        assert!(p.iter().enumerate().all(|(i, &v)| i == v));
    }
}
