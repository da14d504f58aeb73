//! Small dense linear algebra for the analyses, on nalgebra: the eigenvalues of a model's
//! Jacobian (4 × 4 for Hodgkin–Huxley, 6 × 6 for Connor–Stevens) from its real Schur form, and
//! the Cholesky solve of a curve fit's normal equations (2 to 4 parameters).
//!
//! One step is ours: balancing (Parlett and Reinsch, as LAPACK's `dgebal` does), which
//! nalgebra's Schur decomposition does not do and a Jacobian whose rows are in different units
//! needs. A failure (a non-finite entry, a Schur iteration that does not converge within its
//! bound) is an error, never a NaN eigenvalue: a Hopf point must not be skipped silently.

use nalgebra::{DMatrix, DVector};

/// A square matrix.
pub type Square = DMatrix<f64>;

/// The solution `x` of `a x = b` for a symmetric positive definite `a`, by Cholesky
/// factorisation; `None` when `a` is not positive definite or an entry is not finite.
pub fn cholesky_solve(a: &Square, b: &[f64]) -> Option<Vec<f64>> {
    assert_eq!(b.len(), a.nrows(), "right-hand side of another size");
    if !a.iter().all(|v| v.is_finite()) {
        return None;
    }
    let x = a.clone().cholesky()?.solve(&DVector::from_column_slice(b));
    x.iter()
        .all(|v| v.is_finite())
        .then(|| x.iter().copied().collect())
}

/// The matrix was not finite, or the Schur iteration did not converge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EigenError {
    /// An entry of the matrix is NaN or infinite.
    #[error("the matrix has a NaN or infinite entry")]
    NotFinite,
    /// The Schur iteration used its whole budget of iterations without isolating every
    /// eigenvalue.
    #[error("the Schur iteration did not converge in {0} iterations")]
    NoConvergence(usize),
}

/// Schur iterations allowed per eigenvalue (LAPACK's `dlahqr` allows 30).
const ITERATIONS_PER_EIGENVALUE: usize = 30;
/// Sweeps of balancing allowed; each sweep that changes anything brings every row and column
/// norm within a factor of 4 of each other's, so a few suffice.
const BALANCING_SWEEPS: usize = 64;

/// The eigenvalues of `a` as (real, imaginary) parts, in no particular order; complex ones
/// come in conjugate pairs.
pub fn eigenvalues(a: &Square) -> Result<Vec<(f64, f64)>, EigenError> {
    if !a.iter().all(|v| v.is_finite()) {
        return Err(EigenError::NotFinite);
    }
    let mut h = a.clone();
    balance(&mut h);
    let budget = ITERATIONS_PER_EIGENVALUE * h.nrows().max(1);
    let schur = nalgebra::linalg::Schur::try_new(h, f64::EPSILON, budget)
        .ok_or(EigenError::NoConvergence(budget))?;
    let values: Vec<(f64, f64)> = schur
        .complex_eigenvalues()
        .iter()
        .map(|z| (z.re, z.im))
        .collect();
    if values.iter().all(|z| z.0.is_finite() && z.1.is_finite()) {
        Ok(values)
    } else {
        Err(EigenError::NotFinite)
    }
}

/// Balancing: a similarity by a diagonal of powers of two (exact in floating point) that makes
/// each row's and column's off-diagonal 1-norms about equal, so the QR iteration's rounding
/// errors, proportional to the matrix's norm, shrink. A model's Jacobian needs it: the voltage
/// row holds conductances (hundreds per ms), the gate rows rates near 1 per ms.
fn balance(h: &mut Square) {
    const RADIX: f64 = 2.0;
    /// 2^200: the largest factor one turn may scale a row or column by.
    const SCALE_LIMIT: f64 = 1.6069380442589903e60;
    let n = h.nrows();
    for _ in 0..BALANCING_SWEEPS {
        let mut changed = false;
        for i in 0..n {
            let (mut c, mut r) = (0.0, 0.0);
            for j in (0..n).filter(|&j| j != i) {
                c += h[(j, i)].abs();
                r += h[(i, j)].abs();
            }
            if c == 0.0 || r == 0.0 {
                continue;
            }
            let total = c + r;
            // f, a power of two, with c·f² within a factor of RADIX² of r. Each loop ends: c
            // and r are finite and above 0, and every turn moves c·f² by RADIX² towards r.
            // f is kept within 2^±200, so that entries at the ends of f64's range are moved
            // towards each other in steps rather than scaled past infinity in one.
            let mut f: f64 = 1.0;
            while c < r / RADIX && f < SCALE_LIMIT {
                f *= RADIX;
                c *= RADIX * RADIX;
            }
            while c > r * RADIX && f > 1.0 / SCALE_LIMIT {
                f /= RADIX;
                c /= RADIX * RADIX;
            }
            if (c + r) / f < 0.95 * total {
                changed = true;
                for j in 0..n {
                    h[(i, j)] /= f;
                    h[(j, i)] *= f;
                }
            }
        }
        if !changed {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `n × n` matrix with entry `f(row, col)`.
    fn square(n: usize, f: impl FnMut(usize, usize) -> f64) -> Square {
        Square::from_fn(n, n, f)
    }
    use approx::assert_relative_eq;

    /// Sorted by real part, then imaginary part, for comparisons.
    fn sorted(mut v: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
        v.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        v
    }

    fn assert_spectrum(a: &Square, expected: &[(f64, f64)], tolerance: f64) {
        let got = sorted(eigenvalues(a).unwrap());
        let want = sorted(expected.to_vec());
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            assert!(
                (g.0 - w.0).abs() <= tolerance && (g.1 - w.1).abs() <= tolerance,
                "{got:?} against {want:?}"
            );
        }
    }

    /// The companion matrix of the monic polynomial with these roots (coefficients from the
    /// roots by expansion, real since complex roots come in pairs).
    fn companion(roots: &[(f64, f64)]) -> Square {
        // Coefficients as complex numbers, highest power first.
        let mut coefficients: Vec<(f64, f64)> = vec![(1.0, 0.0)];
        for &(re, im) in roots {
            let mut next = vec![(0.0, 0.0); coefficients.len() + 1];
            for (i, &(cr, ci)) in coefficients.iter().enumerate() {
                next[i].0 += cr;
                next[i].1 += ci;
                next[i + 1].0 -= cr * re - ci * im;
                next[i + 1].1 -= cr * im + ci * re;
            }
            coefficients = next;
        }
        let n = roots.len();
        square(n, |row, col| {
            if row == 0 {
                -coefficients[col + 1].0
            } else if row == col + 1 {
                1.0
            } else {
                0.0
            }
        })
    }

    #[test]
    fn triangular_matrices_have_their_diagonal() {
        let a = square(5, |r, c| if r > c { 0.0 } else { (r * 5 + c) as f64 - 7.0 });
        let diagonal: Vec<(f64, f64)> = (0..5).map(|i| (a[(i, i)], 0.0)).collect();
        assert_spectrum(&a, &diagonal, 1e-13);
    }

    #[test]
    fn companion_matrices_have_the_polynomials_roots() {
        let roots = [
            (1.0, 0.0),
            (-2.0, 0.0),
            (3.0, 0.0),
            (0.5, 2.0),
            (0.5, -2.0),
            (-0.25, 0.0),
        ];
        assert_spectrum(&companion(&roots), &roots, 1e-9);
        let pairs = [(0.0, 1.0), (0.0, -1.0), (-3.0, 0.5), (-3.0, -0.5)];
        assert_spectrum(&companion(&pairs), &pairs, 1e-10);
    }

    #[test]
    fn a_rotation_has_a_purely_imaginary_pair() {
        let omega = 0.7;
        let a = square(2, |r, c| match (r, c) {
            (0, 1) => -omega,
            (1, 0) => omega,
            _ => 0.0,
        });
        assert_spectrum(&a, &[(0.0, omega), (0.0, -omega)], 1e-15);
    }

    /// The cyclic permutation stalls the plain Francis iteration (its shifts are both 0);
    /// the exceptional shifts get it going.
    #[test]
    fn the_cyclic_permutation_converges() {
        let a = square(3, |r, c| if (r + 2) % 3 == c { 1.0 } else { 0.0 });
        let h = 0.75f64.sqrt();
        assert_spectrum(&a, &[(1.0, 0.0), (-0.5, h), (-0.5, -h)], 1e-14);
    }

    /// Badly scaled similarities of a dense matrix, like a Jacobian whose rows are in different
    /// units: balancing undoes the scaling, so the eigenvalues keep their digits. (Without it,
    /// the QR iteration's errors grow with the scaled matrix's norm: 1e-3 relative with the
    /// first scaling, and with the second a wrong spectrum.)
    #[test]
    fn balancing_keeps_badly_scaled_eigenvalues_accurate() {
        let t = [
            [-1.0, 2.0, 0.3, 0.7],
            [-2.0, -1.0, 0.5, -0.2],
            [0.4, 0.1, -0.1, 0.9],
            [0.2, -0.3, 0.6, -0.01],
        ];
        let reference = eigenvalues(&square(4, |r, c| t[r][c])).unwrap();
        for d in [[1.0, 1e6, 1e-6, 1e10], [1e-8, 1.0, 1e8, 1e-3]] {
            let a = square(4, |r, c| d[r] * t[r][c] / d[c]);
            assert_spectrum(&a, &reference, 1e-13);
        }
    }

    /// Entries 600 decades apart: balancing brings them together without overflowing.
    #[test]
    fn entries_at_the_ends_of_the_range_stay_finite() {
        let a = square(2, |r, c| match (r, c) {
            (0, 1) => 1e300,
            (1, 0) => 1e-300,
            _ => 1.0,
        });
        assert_spectrum(&a, &[(0.0, 0.0), (2.0, 0.0)], 1e-12);
    }

    #[test]
    fn trace_and_determinant_are_kept() {
        // A dense, nonsymmetric 6 × 6 matrix with mixed real and complex eigenvalues.
        let a = square(6, |r, c| {
            ((r * 7 + c * 3) % 11) as f64 - 5.0 + 0.1 * c as f64
        });
        let e = eigenvalues(&a).unwrap();
        let trace: f64 = (0..6).map(|i| a[(i, i)]).sum();
        assert_relative_eq!(e.iter().map(|z| z.0).sum::<f64>(), trace, epsilon = 1e-12);
        assert_relative_eq!(e.iter().map(|z| z.1).sum::<f64>(), 0.0, epsilon = 1e-12);
        // The product of the eigenvalues against the determinant by cofactor-free elimination.
        let mut product = (1.0, 0.0);
        for &(re, im) in &e {
            product = (
                product.0 * re - product.1 * im,
                product.0 * im + product.1 * re,
            );
        }
        let mut m = a.clone();
        let mut det = 1.0;
        for k in 0..6 {
            let pivot = (k..6)
                .max_by(|&i, &j| m[(i, k)].abs().total_cmp(&m[(j, k)].abs()))
                .unwrap();
            if pivot != k {
                det = -det;
                for c in 0..6 {
                    let t = m[(k, c)];
                    m[(k, c)] = m[(pivot, c)];
                    m[(pivot, c)] = t;
                }
            }
            det *= m[(k, k)];
            for i in k + 1..6 {
                let f = m[(i, k)] / m[(k, k)];
                for c in k..6 {
                    m[(i, c)] -= f * m[(k, c)];
                }
            }
        }
        assert_relative_eq!(product.0, det, max_relative = 1e-10);
        assert!(product.1.abs() <= 1e-10 * det.abs());
    }

    /// |det(a − λI)| by Gaussian elimination with partial pivoting in complex arithmetic.
    fn shifted_determinant(a: &Square, (re, im): (f64, f64)) -> f64 {
        let n = a.nrows();
        let mut m: Vec<Vec<(f64, f64)>> = (0..n)
            .map(|r| {
                (0..n)
                    .map(|c| {
                        if r == c {
                            (a[(r, c)] - re, -im)
                        } else {
                            (a[(r, c)], 0.0)
                        }
                    })
                    .collect()
            })
            .collect();
        let mul = |a: (f64, f64), b: (f64, f64)| (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0);
        let abs = |z: (f64, f64)| z.0.hypot(z.1);
        let mut det = (1.0, 0.0);
        for k in 0..n {
            let p = (k..n)
                .max_by(|&i, &j| abs(m[i][k]).total_cmp(&abs(m[j][k])))
                .unwrap();
            if p != k {
                m.swap(p, k);
                det = (-det.0, -det.1);
            }
            let pivot = m[k][k];
            det = mul(det, pivot);
            let d = pivot.0 * pivot.0 + pivot.1 * pivot.1;
            if d == 0.0 {
                return 0.0;
            }
            let inverse = (pivot.0 / d, -pivot.1 / d);
            let (top, below) = m.split_at_mut(k + 1);
            for row in below {
                let f = mul(row[k], inverse);
                for (x, &y) in row[k..].iter_mut().zip(&top[k][k..]) {
                    let t = mul(f, y);
                    *x = (x.0 - t.0, x.1 - t.1);
                }
            }
        }
        abs(det)
    }

    /// The models' own Jacobians along their rest branches (the matrices the bifurcation
    /// analysis solves): the eigenvalues sum to the trace, and a Newton step on the
    /// characteristic polynomial would move none of them by more than 1e-13 of the largest.
    #[test]
    fn the_models_jacobians_have_small_residuals() {
        use crate::analysis::bifurcation::{Excitable, jacobian, steady_current};
        use crate::neuron::connor_stevens::ConnorStevens;
        use crate::neuron::hodgkin_huxley::HodgkinHuxley;
        fn check<M: Excitable<N>, const N: usize>(m: &M) {
            for k in 0..=16 {
                let v = -100.0 + 5.0 * k as f64;
                let a = jacobian(m, &m.steady_state(v), steady_current(m, v));
                let e = eigenvalues(&a).unwrap();
                assert_eq!(e.len(), N);
                let trace: f64 = (0..N).map(|i| a[(i, i)]).sum();
                let sum: f64 = e.iter().map(|z| z.0).sum();
                let scale: f64 = e.iter().map(|z| z.0.abs()).sum::<f64>().max(1.0);
                assert!((sum - trace).abs() <= 1e-12 * scale, "V = {v}: {e:?}");
                // The Newton correction of each eigenvalue on the characteristic polynomial,
                // p(λ)/p'(λ) = det(a − λI)/∏ⱼ(λⱼ − λ) over the other eigenvalues: the distance
                // to the exact eigenvalue, to first order, for a simple one.
                let largest = e.iter().map(|z| z.0.hypot(z.1)).fold(0.0, f64::max);
                for (i, &z) in e.iter().enumerate() {
                    let det = shifted_determinant(&a, z);
                    let slope: f64 = e
                        .iter()
                        .enumerate()
                        .filter(|&(j, _)| j != i)
                        .map(|(_, w)| (w.0 - z.0).hypot(w.1 - z.1))
                        .product();
                    let correction = det / slope;
                    assert!(
                        correction <= 1e-13 * largest,
                        "V = {v}, λ = {z:?}: off by {correction:e}"
                    );
                }
            }
        }
        check(&HodgkinHuxley::default());
        check(&ConnorStevens::default());
        check(&ConnorStevens::with_conductances(0.0, 20.0));
    }

    #[test]
    fn a_non_finite_matrix_is_an_error() {
        let a = square(3, |r, c| if r == 1 && c == 2 { f64::NAN } else { 1.0 });
        assert_eq!(eigenvalues(&a), Err(EigenError::NotFinite));
    }

    #[test]
    fn cholesky_solves_a_positive_definite_system() {
        // a = Mᵀ M + I for a fixed M, and b = a x for a known x.
        let m = square(4, |r, c| ((r * 3 + c * 5) % 7) as f64 - 3.0);
        let a = square(4, |r, c| {
            (0..4).map(|k| m[(k, r)] * m[(k, c)]).sum::<f64>() + if r == c { 1.0 } else { 0.0 }
        });
        let x = [1.0, -2.0, 0.5, 3.0];
        let b: Vec<f64> = (0..4)
            .map(|r| (0..4).map(|c| a[(r, c)] * x[c]).sum())
            .collect();
        let got = cholesky_solve(&a, &b).unwrap();
        for (g, w) in got.iter().zip(x) {
            assert_relative_eq!(*g, w, epsilon = 1e-12);
        }
    }

    #[test]
    fn cholesky_refuses_an_indefinite_matrix() {
        let a = square(2, |r, c| if r == c { 1.0 } else { 2.0 });
        assert_eq!(cholesky_solve(&a, &[1.0, 1.0]), None);
        let singular = Square::zeros(3, 3);
        assert_eq!(cholesky_solve(&singular, &[0.0; 3]), None);
    }
}
