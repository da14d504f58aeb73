//! Seed derivation: every unit of random work (an experiment, a restart) gets its own seed
//! from (master seed, experiment id, index), so results do not depend on the order or the
//! thread on which units run. SplitMix64 mixes; FNV-1a hashes the id.

/// One SplitMix64 step: a bijective mix of 64 bits.
pub fn splitmix64(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn fnv1a64(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The seed of unit `index` of experiment `experiment` under `master`.
pub fn derive(master: u64, experiment: &str, index: u64) -> u64 {
    splitmix64(splitmix64(master ^ fnv1a64(experiment)) ^ index)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_are_stable_and_distinct() {
        // Pinned: changing the derivation changes every random result of the report.
        assert_eq!(derive(0, "mlp", 0), derive(0, "mlp", 0));
        assert_ne!(derive(0, "mlp", 0), derive(0, "mlp", 1));
        assert_ne!(derive(0, "mlp", 0), derive(1, "mlp", 0));
        assert_ne!(derive(0, "mlp-5", 0), derive(0, "mlp-1000", 0));
        assert_eq!(splitmix64(0), 0xE220_A839_7B1D_CDAF);
    }
}
