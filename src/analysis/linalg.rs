//! Small dense linear algebra for the analyses: the eigenvalues of a model's Jacobian (4 × 4
//! for Hodgkin–Huxley, 6 × 6 for Connor–Stevens) and the Cholesky solve of a curve fit's
//! normal equations (2 to 4 parameters).
//!
//! Matrices this small need none of a linear-algebra crate's machinery, and `nalgebra` with
//! its dependencies (simba, wide, matrixmultiply, num-rational, …) was about 25 s of a new
//! user's first build, on its critical path. The algorithms are the textbook ones (Golub and
//! Van Loan, *Matrix Computations*, 4th ed.):
//! - eigenvalues: balancing by powers of two (Parlett and Reinsch, as LAPACK's `dgebal`
//!   does), Householder reduction to Hessenberg form (algorithm 7.4.2), then the Francis
//!   double-shift QR iteration (algorithm 7.5.2) with EISPACK's exceptional shifts, on the
//!   active window only, since no Schur vectors are needed;
//! - Cholesky: the column-by-column (left-looking) factorisation and two triangular solves.

/// A square matrix, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Square {
    n: usize,
    data: Vec<f64>,
}

impl Square {
    /// The `n × n` matrix with entry `f(row, col)`.
    pub fn from_fn(n: usize, mut f: impl FnMut(usize, usize) -> f64) -> Self {
        let mut data = Vec::with_capacity(n * n);
        for row in 0..n {
            for col in 0..n {
                data.push(f(row, col));
            }
        }
        Square { n, data }
    }

    /// The `n × n` zero matrix.
    pub fn zeros(n: usize) -> Self {
        Square {
            n,
            data: vec![0.0; n * n],
        }
    }

    /// Its size.
    pub fn n(&self) -> usize {
        self.n
    }
}

impl std::ops::Index<(usize, usize)> for Square {
    type Output = f64;
    fn index(&self, (row, col): (usize, usize)) -> &f64 {
        assert!(row < self.n && col < self.n, "index out of the matrix");
        &self.data[row * self.n + col]
    }
}

impl std::ops::IndexMut<(usize, usize)> for Square {
    fn index_mut(&mut self, (row, col): (usize, usize)) -> &mut f64 {
        assert!(row < self.n && col < self.n, "index out of the matrix");
        &mut self.data[row * self.n + col]
    }
}

/// The solution `x` of `a x = b` for a symmetric positive definite `a`, by Cholesky
/// factorisation; `None` when `a` is not positive definite (a pivot is not above 0) or an
/// entry is not finite.
pub fn cholesky_solve(a: &Square, b: &[f64]) -> Option<Vec<f64>> {
    let n = a.n;
    assert_eq!(b.len(), n, "right-hand side of another size");
    // The lower factor L, column by column: column j is a's, less L[j][k] times column k of
    // every earlier column k, over the rows j.., then divided by the square root of its
    // diagonal.
    let mut l = Square::zeros(n);
    for j in 0..n {
        for i in j..n {
            l[(i, j)] = a[(i, j)];
        }
        for k in 0..j {
            let factor = l[(j, k)];
            for i in j..n {
                l[(i, j)] -= factor * l[(i, k)];
            }
        }
        let pivot = l[(j, j)];
        if !(pivot > 0.0 && pivot.is_finite()) {
            return None;
        }
        let root = pivot.sqrt();
        l[(j, j)] = root;
        for i in j + 1..n {
            l[(i, j)] /= root;
        }
    }
    // L y = b, forwards, then Lᵀ x = y, backwards.
    let mut x = b.to_vec();
    for i in 0..n {
        x[i] /= l[(i, i)];
        let xi = x[i];
        for (k, xk) in x.iter_mut().enumerate().skip(i + 1) {
            *xk -= xi * l[(k, i)];
        }
    }
    for i in (0..n).rev() {
        let dot: f64 = (i + 1..n).map(|k| l[(k, i)] * x[k]).sum();
        x[i] = (x[i] - dot) / l[(i, i)];
    }
    x.iter().all(|v| v.is_finite()).then_some(x)
}

/// The QR iteration did not converge, or the matrix was not finite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EigenError {
    /// An entry of the matrix is NaN or infinite.
    #[error("the matrix has a NaN or infinite entry")]
    NotFinite,
    /// The QR iteration used its whole budget of iterations (30 per eigenvalue) without
    /// isolating every eigenvalue.
    #[error("the QR iteration did not converge in {0} iterations")]
    NoConvergence(usize),
}

/// QR iterations allowed per eigenvalue (LAPACK's `dlahqr` allows 30 as well).
const ITERATIONS_PER_EIGENVALUE: usize = 30;
/// Sweeps of balancing allowed; each sweep that changes anything brings every row and column
/// norm within a factor of 4 of each other's, so a few suffice.
const BALANCING_SWEEPS: usize = 64;

/// The eigenvalues of `a` as (real, imaginary) parts, in no particular order; complex ones
/// come in conjugate pairs.
pub fn eigenvalues(a: &Square) -> Result<Vec<(f64, f64)>, EigenError> {
    if !a.data.iter().all(|v| v.is_finite()) {
        return Err(EigenError::NotFinite);
    }
    let mut h = a.clone();
    balance(&mut h);
    hessenberg(&mut h);
    hessenberg_eigenvalues(&mut h)
}

/// Balancing: a similarity by a diagonal of powers of two (exact in floating point) that makes
/// each row's and column's off-diagonal 1-norms about equal, so the QR iteration's rounding
/// errors, proportional to the matrix's norm, shrink. A model's Jacobian needs it: the voltage
/// row holds conductances (hundreds per ms), the gate rows rates near 1 per ms.
fn balance(h: &mut Square) {
    const RADIX: f64 = 2.0;
    /// 2^200: the largest factor one turn may scale a row or column by.
    const SCALE_LIMIT: f64 = 1.6069380442589903e60;
    let n = h.n;
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

/// Reduces `h` in place to upper Hessenberg form (zeros below the first subdiagonal) by
/// Householder reflections, a similarity: the eigenvalues are kept.
fn hessenberg(h: &mut Square) {
    let n = h.n;
    for k in 0..n.saturating_sub(2) {
        // The reflection that maps column k below the subdiagonal onto its first entry,
        // from the left on rows k+1.., then from the right on columns k+1...
        let mut v: Vec<f64> = (k + 1..n).map(|i| h[(i, k)]).collect();
        let beta = reflector(&mut v);
        reflect(h, &v, beta, k + 1, k..=n - 1, 0..=n - 1);
        for i in k + 2..n {
            h[(i, k)] = 0.0;
        }
    }
}

/// The reflection `I − β v vᵀ` that maps `x` onto a multiple of the first unit vector: `x`
/// (given in `v`) becomes v, and β is returned; β = 0 when `x` is zero.
fn reflector(v: &mut [f64]) -> f64 {
    let scale: f64 = v.iter().map(|x| x.abs()).sum();
    if scale == 0.0 {
        return 0.0;
    }
    for x in v.iter_mut() {
        *x /= scale;
    }
    let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
    v[0] -= if v[0] > 0.0 { -norm } else { norm };
    let vv: f64 = v.iter().map(|x| x * x).sum();
    if vv == 0.0 { 0.0 } else { 2.0 / vv }
}

/// Applies the reflection (v, β) to rows `first..first + v.len()` of `h` over columns `cols`,
/// then to the same columns over rows `rows`.
fn reflect(
    h: &mut Square,
    v: &[f64],
    beta: f64,
    first: usize,
    cols: std::ops::RangeInclusive<usize>,
    rows: std::ops::RangeInclusive<usize>,
) {
    if beta == 0.0 {
        return;
    }
    for col in cols {
        let w = beta
            * (0..v.len())
                .map(|t| v[t] * h[(first + t, col)])
                .sum::<f64>();
        for (t, vt) in v.iter().enumerate() {
            h[(first + t, col)] -= w * vt;
        }
    }
    for row in rows {
        let w = beta
            * (0..v.len())
                .map(|t| h[(row, first + t)] * v[t])
                .sum::<f64>();
        for (t, vt) in v.iter().enumerate() {
            h[(row, first + t)] -= w * vt;
        }
    }
}

/// The eigenvalues of the Hessenberg matrix `h` by the Francis double-shift QR iteration,
/// from the bottom of the matrix up: an eigenvalue (or a complex pair) is split off when the
/// subdiagonal entry above it is negligible against its diagonal neighbours.
fn hessenberg_eigenvalues(h: &mut Square) -> Result<Vec<(f64, f64)>, EigenError> {
    let n = h.n;
    let budget = ITERATIONS_PER_EIGENVALUE * n.max(1);
    let norm: f64 = h.data.iter().map(|v| v.abs()).sum();
    let mut out = Vec::with_capacity(n);
    let mut total = 0;
    let mut since_split = 0;
    let mut hi = n;
    while hi > 0 {
        let last = hi - 1;
        // The top of the active window: the lowest row whose subdiagonal entry is negligible.
        let mut lo = last;
        while lo > 0 {
            let mut neighbours = h[(lo - 1, lo - 1)].abs() + h[(lo, lo)].abs();
            if neighbours == 0.0 {
                neighbours = norm;
            }
            if h[(lo, lo - 1)].abs() <= f64::EPSILON * neighbours {
                h[(lo, lo - 1)] = 0.0;
                break;
            }
            lo -= 1;
        }
        if lo == last {
            out.push((h[(last, last)], 0.0));
            hi -= 1;
            since_split = 0;
            continue;
        }
        if lo + 1 == last {
            let (a, b) = (h[(lo, lo)], h[(lo, last)]);
            let (c, d) = (h[(last, lo)], h[(last, last)]);
            out.extend(two_by_two(a, b, c, d));
            hi -= 2;
            since_split = 0;
            continue;
        }
        if total == budget {
            return Err(EigenError::NoConvergence(budget));
        }
        total += 1;
        since_split += 1;
        // The shifts: the eigenvalues of the trailing 2 × 2 block, as their sum and product,
        // or EISPACK's exceptional shifts after 10 and 20 iterations without a split.
        let (sum, product) = if since_split % 10 == 0 {
            // The eigenvalues of [[d + 0.75 s, −0.4375 s], [s, d + 0.75 s]], as LAPACK's
            // `dlahqr` takes them.
            let s = h[(last, last - 1)].abs() + h[(last - 1, last - 2)].abs();
            let d = h[(last, last)];
            (1.5 * s + 2.0 * d, s * s + 1.5 * s * d + d * d)
        } else {
            let (a, b) = (h[(last - 1, last - 1)], h[(last - 1, last)]);
            let (c, d) = (h[(last, last - 1)], h[(last, last)]);
            (a + d, a * d - b * c)
        };
        // The first column of (H − σ₁)(H − σ₂) = H² − sum·H + product, which has three
        // entries in a Hessenberg matrix; a reflection of it starts the bulge, and the rest
        // chase it down to the bottom of the window.
        let (h00, h01, h10) = (h[(lo, lo)], h[(lo, lo + 1)], h[(lo + 1, lo)]);
        let (h11, h21) = (h[(lo + 1, lo + 1)], h[(lo + 2, lo + 1)]);
        let mut x = h00 * h00 + h01 * h10 - sum * h00 + product;
        let mut y = h10 * (h00 + h11 - sum);
        let mut z = h10 * h21;
        for k in lo..last - 1 {
            let first_col = if k == lo { lo } else { k - 1 };
            let last_row = (k + 3).min(last);
            let mut v = [x, y, z];
            let beta = reflector(&mut v);
            reflect(h, &v, beta, k, first_col..=last, lo..=last_row);
            if k > lo {
                h[(k + 1, k - 1)] = 0.0;
                h[(k + 2, k - 1)] = 0.0;
            }
            x = h[(k + 1, k)];
            y = h[(k + 2, k)];
            if k + 3 <= last {
                z = h[(k + 3, k)];
            }
        }
        let k = last - 1;
        let mut v = [x, y];
        let beta = reflector(&mut v);
        reflect(h, &v, beta, k, k - 1..=last, lo..=last);
        h[(last, last - 2)] = 0.0;
    }
    Ok(out)
}

/// The eigenvalues of [[a, b], [c, d]], computed without cancellation: for a real pair, the
/// larger in magnitude first from the mean and the discriminant's root, the other from the
/// product.
fn two_by_two(a: f64, b: f64, c: f64, d: f64) -> [(f64, f64); 2] {
    let p = 0.5 * (a - d);
    let bc = b * c;
    let discriminant = p * p + bc;
    if discriminant >= 0.0 {
        let root = discriminant.sqrt();
        let z = if p >= 0.0 { p + root } else { p - root };
        if z == 0.0 {
            return [(d, 0.0), (d, 0.0)];
        }
        // The eigenvalues are d + z and d − bc/z: (λ − d)² − 2p(λ − d) − bc = 0 has the
        // roots z and −bc/z.
        [(d + z, 0.0), (d - bc / z, 0.0)]
    } else {
        let re = d + p;
        let im = (-discriminant).sqrt();
        [(re, im), (re, -im)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        Square::from_fn(n, |row, col| {
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
        let a = Square::from_fn(5, |r, c| if r > c { 0.0 } else { (r * 5 + c) as f64 - 7.0 });
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
        let a = Square::from_fn(2, |r, c| match (r, c) {
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
        let a = Square::from_fn(3, |r, c| if (r + 2) % 3 == c { 1.0 } else { 0.0 });
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
        let reference = eigenvalues(&Square::from_fn(4, |r, c| t[r][c])).unwrap();
        for d in [[1.0, 1e6, 1e-6, 1e10], [1e-8, 1.0, 1e8, 1e-3]] {
            let a = Square::from_fn(4, |r, c| d[r] * t[r][c] / d[c]);
            assert_spectrum(&a, &reference, 1e-13);
        }
    }

    /// Entries 600 decades apart: balancing brings them together without overflowing.
    #[test]
    fn entries_at_the_ends_of_the_range_stay_finite() {
        let a = Square::from_fn(2, |r, c| match (r, c) {
            (0, 1) => 1e300,
            (1, 0) => 1e-300,
            _ => 1.0,
        });
        assert_spectrum(&a, &[(0.0, 0.0), (2.0, 0.0)], 1e-12);
    }

    #[test]
    fn trace_and_determinant_are_kept() {
        // A dense, nonsymmetric 6 × 6 matrix with mixed real and complex eigenvalues.
        let a = Square::from_fn(6, |r, c| {
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
        let n = a.n();
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
        let a = Square::from_fn(3, |r, c| if r == 1 && c == 2 { f64::NAN } else { 1.0 });
        assert_eq!(eigenvalues(&a), Err(EigenError::NotFinite));
    }

    #[test]
    fn cholesky_solves_a_positive_definite_system() {
        // a = Mᵀ M + I for a fixed M, and b = a x for a known x.
        let m = Square::from_fn(4, |r, c| ((r * 3 + c * 5) % 7) as f64 - 3.0);
        let a = Square::from_fn(4, |r, c| {
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
        let a = Square::from_fn(2, |r, c| if r == c { 1.0 } else { 2.0 });
        assert_eq!(cholesky_solve(&a, &[1.0, 1.0]), None);
        let singular = Square::zeros(3);
        assert_eq!(cholesky_solve(&singular, &[0.0; 3]), None);
    }
}
