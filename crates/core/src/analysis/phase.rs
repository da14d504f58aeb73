//! One-dimensional phase portraits: the fixed points of τV̇ = g(V) and their stability, and
//! whether a neuron reset to V_r reaches threshold.

use serde::Serialize;

/// Stability of a fixed point of a one-dimensional flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Stability {
    /// Nearby states flow in (g' < 0).
    Stable,
    /// Nearby states flow away (g' > 0).
    Unstable,
    /// The saddle-node: attracting from one side, repelling on the other (g' = 0).
    HalfStable,
}

/// A fixed point V* of τV̇ = g(V).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FixedPoint {
    /// Location V*.
    pub v: f64,
    /// Its stability.
    pub stability: Stability,
}

/// LIF, τV̇ = V0 − V: one stable fixed point at V0.
pub fn lif_fixed_points(v0: f64) -> Vec<FixedPoint> {
    vec![FixedPoint {
        v: v0,
        stability: Stability::Stable,
    }]
}

/// QIF, τV̇ = V0 + V²: ∓√(−V0) (stable, unstable) for V0 < 0, the saddle-node 0 for V0 = 0,
/// none for V0 > 0.
pub fn qif_fixed_points(v0: f64) -> Vec<FixedPoint> {
    if v0 < 0.0 {
        let r = (-v0).sqrt();
        vec![
            FixedPoint {
                v: -r,
                stability: Stability::Stable,
            },
            FixedPoint {
                v: r,
                stability: Stability::Unstable,
            },
        ]
    } else if v0 == 0.0 {
        vec![FixedPoint {
            v: 0.0,
            stability: Stability::HalfStable,
        }]
    } else {
        Vec::new()
    }
}

/// Whether a LIF neuron started at rest below threshold fires repetitively: V relaxes to V0,
/// so it fires exactly when V0 > V_th.
pub fn lif_fires(v0: f64, v_threshold: f64) -> bool {
    v0 > v_threshold
}

/// Whether a QIF neuron reset to `v_reset` fires repetitively: when no fixed point lies at or
/// above the reset (below threshold), V escapes to threshold. For V0 < 0 that means
/// V_r > √(−V0); for V0 = 0, V_r > 0; for V0 > 0 always.
pub fn qif_fires(v0: f64, v_reset: f64) -> bool {
    qif_fixed_points(v0).iter().all(|fp| fp.v < v_reset) && !(v0 == 0.0 && v_reset == 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qif_fixed_points_are_roots_with_the_right_stability() {
        let fps = qif_fixed_points(-4.0);
        assert_eq!(fps.len(), 2);
        for fp in &fps {
            assert!((-4.0 + fp.v * fp.v).abs() < 1e-12);
            // g'(V) = 2V: negative means stable.
            let expect = if 2.0 * fp.v < 0.0 {
                Stability::Stable
            } else {
                Stability::Unstable
            };
            assert_eq!(fp.stability, expect);
        }
        assert_eq!(qif_fixed_points(0.0)[0].stability, Stability::HalfStable);
        assert!(qif_fixed_points(0.5).is_empty());
    }

    #[test]
    fn lif_fixed_point_is_the_input() {
        assert_eq!(
            lif_fixed_points(12.5),
            vec![FixedPoint {
                v: 12.5,
                stability: Stability::Stable
            }]
        );
        assert!(lif_fires(10.5, 10.0));
        assert!(!lif_fires(10.0, 10.0));
    }

    #[test]
    fn qif_firing_depends_on_the_reset() {
        assert!(qif_fires(0.1, -10.0));
        assert!(!qif_fires(-1.0, -10.0));
        assert!(!qif_fires(-1.0, 1.0));
        assert!(qif_fires(-1.0, 1.5));
        assert!(!qif_fires(0.0, -10.0));
        assert!(qif_fires(0.0, 0.5));
    }
}
