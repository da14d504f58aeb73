//! The exact decision boundary of a one-hidden-layer ReLU network in the plane.
//!
//! The logit f(x) = b + Σ_j v_j max(w_j·x + c_j, 0) is affine inside each cell of the
//! arrangement of the lines w_j·x + c_j = 0, so its zero set is a chain of straight pieces.
//! [`trace`] follows that chain exactly: inside a cell it walks along the zero line of the
//! cell's affine function until it meets the nearest unit line (or the edge of the box), flips
//! that unit's state, and turns onto the next cell's zero line. A bend is a junction where the
//! direction changes; crossing the line of a unit whose output weight is 0 is no bend.
//!
//! Every component of the zero set that crosses an edge of the seeding grid is found; a
//! component smaller than a grid cell can be missed, which is stated with the result.

use super::mlp::Mlp;

/// One straight piece of the boundary.
pub type Piece = [[f64; 2]; 2];

/// The traced boundary inside a square box.
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    /// The straight pieces, chain by chain.
    pub pieces: Vec<Piece>,
    /// Number of connected chains found.
    pub chains: usize,
    /// How many of them close on themselves inside the box.
    pub closed: usize,
    /// Junctions where the direction changes (the vertices of the boundary). Every piece is
    /// a maximal straight edge, so a closed chain has as many bends as pieces.
    pub bends: usize,
    /// Number of grid cells per side used to seed the chains.
    pub seed_grid: usize,
}

/// Seeding grid: sign changes of f along the edges of a `SEED_GRID` × `SEED_GRID` grid.
pub const SEED_GRID: usize = 200;
/// At most this many pieces per chain (a bound on every walk).
const MAX_PIECES: usize = 200_000;
/// Directions closer than this (in radians) are no bend.
const BEND_TOLERANCE: f64 = 1e-9;

struct Units {
    w: Vec<[f64; 2]>,
    c: Vec<f64>,
    v: Vec<f64>,
    b: f64,
}

impl Units {
    fn of(net: &Mlp) -> Units {
        let h = net.hidden;
        let p = &net.params;
        Units {
            w: (0..h).map(|j| [p[j], p[h + j]]).collect(),
            c: p[2 * h..3 * h].to_vec(),
            v: p[3 * h..4 * h].to_vec(),
            b: p[4 * h],
        }
    }

    fn pre(&self, j: usize, x: [f64; 2]) -> f64 {
        self.w[j][0] * x[0] + self.w[j][1] * x[1] + self.c[j]
    }

    fn f(&self, x: [f64; 2]) -> f64 {
        self.b
            + (0..self.w.len())
                .map(|j| self.v[j] * self.pre(j, x).max(0.0))
                .sum::<f64>()
    }

    /// Gradient of f in the cell of the activation pattern `on`.
    fn gradient(&self, on: &[bool]) -> [f64; 2] {
        let mut g = [0.0; 2];
        for (j, &a) in on.iter().enumerate() {
            if a {
                g[0] += self.v[j] * self.w[j][0];
                g[1] += self.v[j] * self.w[j][1];
            }
        }
        g
    }
}

fn unit(d: [f64; 2]) -> Option<[f64; 2]> {
    let n = d[0].hypot(d[1]);
    (n > 0.0 && n.is_finite()).then(|| [d[0] / n, d[1] / n])
}

/// Walks from `p` (on the zero set, in the cell `on`) in direction `dir` until the box edge,
/// the start again (`stop_at`), or the bound; returns the pieces and whether it closed.
fn walk(
    u: &Units,
    box_: (f64, f64),
    p: [f64; 2],
    mut on: Vec<bool>,
    mut dir: [f64; 2],
    stop_at: Option<[f64; 2]>,
) -> (Vec<Piece>, bool) {
    let (lo, hi) = box_;
    let scale = hi - lo;
    let mut pieces = Vec::new();
    let mut p = p;
    for _ in 0..MAX_PIECES {
        // The nearest exit: a unit line ahead, or the box edge.
        let mut t_min = f64::INFINITY;
        for j in 0..u.w.len() {
            let rate = u.w[j][0] * dir[0] + u.w[j][1] * dir[1];
            if rate == 0.0 {
                continue;
            }
            let t = -u.pre(j, p) / rate;
            if t > 1e-12 * scale && t < t_min {
                t_min = t;
            }
        }
        let mut t_edge = f64::INFINITY;
        for k in 0..2 {
            if dir[k] > 0.0 {
                t_edge = t_edge.min((hi - p[k]) / dir[k]);
            } else if dir[k] < 0.0 {
                t_edge = t_edge.min((lo - p[k]) / dir[k]);
            }
        }
        // Back at the start: close the loop.
        if let Some(s) = stop_at {
            let to = [s[0] - p[0], s[1] - p[1]];
            let along = to[0] * dir[0] + to[1] * dir[1];
            let off = (to[0] * dir[1] - to[1] * dir[0]).abs();
            if !pieces.is_empty()
                && along > 0.0
                && along <= t_min.min(t_edge) + 1e-12 * scale
                && off < 1e-9 * scale
            {
                pieces.push([p, s]);
                return (pieces, true);
            }
        }
        if t_edge <= t_min {
            let q = [p[0] + t_edge * dir[0], p[1] + t_edge * dir[1]];
            pieces.push([p, q]);
            return (pieces, false);
        }
        let q = [p[0] + t_min * dir[0], p[1] + t_min * dir[1]];
        pieces.push([p, q]);
        // Flip every unit whose line passes through q (more than one at a vertex of the
        // arrangement), then turn onto the new cell's zero line in the sense that goes on
        // across the crossed line, into the new cell (not back into the old one).
        let mut crossed = None;
        for (j, state) in on.iter_mut().enumerate() {
            let rate = u.w[j][0] * dir[0] + u.w[j][1] * dir[1];
            if rate != 0.0 && (-u.pre(j, p) / rate - t_min).abs() <= 1e-12 * scale.max(t_min) {
                *state = rate > 0.0;
                crossed.get_or_insert((j, rate));
            }
        }
        let g = u.gradient(&on);
        let Some(n) = unit([-g[1], g[0]]) else {
            return (pieces, false);
        };
        let ahead = match crossed {
            Some((j, rate)) if u.w[j][0] * n[0] + u.w[j][1] * n[1] != 0.0 => {
                (u.w[j][0] * n[0] + u.w[j][1] * n[1]) * rate > 0.0
            }
            _ => n[0] * dir[0] + n[1] * dir[1] >= 0.0,
        };
        dir = if ahead { n } else { [-n[0], -n[1]] };
        p = q;
    }
    (pieces, false)
}

/// The zero set of `net`'s logit inside the square [lo, hi]².
pub fn trace(net: &Mlp, lo: f64, hi: f64) -> Boundary {
    let u = Units::of(net);
    let n = SEED_GRID;
    let step = (hi - lo) / n as f64;
    let mut chains: Vec<(Vec<Piece>, bool)> = Vec::new();
    let on_traced = |chains: &[(Vec<Piece>, bool)], x: [f64; 2]| {
        chains
            .iter()
            .flat_map(|(c, _)| c.iter())
            .any(|s| distance(x, s) < 1e-7 * (hi - lo))
    };
    // f at every grid vertex, once (each vertex ends four edges): `at(i, k)` is f at
    // (lo + i·step, lo + k·step), the same point, so the same bits, as on any of its edges.
    let coordinate = |i: usize| lo + i as f64 * step;
    let side = n + 1;
    let grid: Vec<f64> = (0..side * side)
        .map(|ik| u.f([coordinate(ik / side), coordinate(ik % side)]))
        .collect();
    let at = |i: usize, k: usize| grid[i * side + k];
    // Sign changes along horizontal and vertical grid edges seed the chains.
    for row in 0..=n {
        for col in 0..n {
            for horizontal in [true, false] {
                let (a, b) = if horizontal {
                    let y = lo + row as f64 * step;
                    (
                        [lo + col as f64 * step, y],
                        [lo + (col + 1) as f64 * step, y],
                    )
                } else {
                    let x = lo + row as f64 * step;
                    (
                        [x, lo + col as f64 * step],
                        [x, lo + (col + 1) as f64 * step],
                    )
                };
                let (fa, fb) = if horizontal {
                    (at(col, row), at(col + 1, row))
                } else {
                    (at(row, col), at(row, col + 1))
                };
                if (fa > 0.0) == (fb > 0.0) {
                    continue;
                }
                let x = root(&u, a, b, fa);
                if on_traced(&chains, x) {
                    continue;
                }
                // The cell of x: units exactly on their line count as off; a seed on a unit
                // line is skipped (another edge seeds the same chain).
                if (0..u.w.len()).any(|j| u.pre(j, x).abs() < 1e-12) {
                    continue;
                }
                let on: Vec<bool> = (0..u.w.len()).map(|j| u.pre(j, x) > 0.0).collect();
                let g = u.gradient(&on);
                let Some(d) = unit([-g[1], g[0]]) else {
                    continue;
                };
                let (mut forward, closed) = walk(&u, (lo, hi), x, on.clone(), d, Some(x));
                if !closed {
                    let (backward, _) = walk(&u, (lo, hi), x, on, [-d[0], -d[1]], None);
                    let mut chain: Vec<Piece> =
                        backward.into_iter().rev().map(|[p, q]| [q, p]).collect();
                    chain.append(&mut forward);
                    forward = chain;
                }
                chains.push((forward, closed));
            }
        }
    }
    // Merge consecutive pieces that do not bend (a crossed line of a unit with output weight
    // 0, or the seed in the middle of a closed chain): every piece is then a straight edge,
    // and every junction a bend.
    let chains: Vec<(Vec<Piece>, bool)> = chains
        .into_iter()
        .map(|(chain, closed)| (merge_straight(chain, closed), closed))
        .collect();
    let bends = chains
        .iter()
        .map(|(c, closed)| {
            if *closed {
                c.len()
            } else {
                c.len().saturating_sub(1)
            }
        })
        .sum();
    Boundary {
        chains: chains.len(),
        closed: chains.iter().filter(|c| c.1).count(),
        pieces: chains.into_iter().flat_map(|c| c.0).collect(),
        bends,
        seed_grid: n,
    }
}

/// Whether the path turns at the junction of pieces `a` and `b`.
fn bends_between(a: &Piece, b: &Piece) -> bool {
    match (
        unit([a[1][0] - a[0][0], a[1][1] - a[0][1]]),
        unit([b[1][0] - b[0][0], b[1][1] - b[0][1]]),
    ) {
        (Some(u), Some(v)) => {
            let cross = u[0] * v[1] - u[1] * v[0];
            let dot = u[0] * v[0] + u[1] * v[1];
            cross.atan2(dot).abs() > BEND_TOLERANCE
        }
        _ => false,
    }
}

/// Joins consecutive pieces of a chain that continue in the same direction (and, for a
/// closed chain, the last with the first).
fn merge_straight(chain: Vec<Piece>, closed: bool) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::with_capacity(chain.len());
    for piece in chain {
        match out.last_mut() {
            Some(last) if !bends_between(last, &piece) => last[1] = piece[1],
            _ => out.push(piece),
        }
    }
    if closed && out.len() > 1 && !bends_between(&out[out.len() - 1], &out[0]) {
        let last = out.pop().expect("two or more pieces");
        out[0][0] = last[0];
    }
    out
}

/// A root of f on the segment from `a` to `b` (f changes sign), by bisection to the last bit.
fn root(u: &Units, a: [f64; 2], b: [f64; 2], fa: f64) -> [f64; 2] {
    let (mut s, mut t) = (0.0, 1.0);
    let at = |r: f64| [a[0] + r * (b[0] - a[0]), a[1] + r * (b[1] - a[1])];
    for _ in 0..80 {
        let m = 0.5 * (s + t);
        if m <= s || m >= t {
            break;
        }
        if (u.f(at(m)) > 0.0) == (fa > 0.0) {
            s = m;
        } else {
            t = m;
        }
    }
    at(0.5 * (s + t))
}

/// Distance from `x` to the segment `s`.
pub fn distance(x: [f64; 2], s: &Piece) -> f64 {
    let [p, q] = *s;
    let d = [q[0] - p[0], q[1] - p[1]];
    let len2 = d[0] * d[0] + d[1] * d[1];
    let t = if len2 > 0.0 {
        (((x[0] - p[0]) * d[0] + (x[1] - p[1]) * d[1]) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (x[0] - p[0] - t * d[0]).hypot(x[1] - p[1] - t * d[1])
}

/// The margin of a boundary: the smallest distance from any of `points` to it.
pub fn margin(b: &Boundary, points: impl IntoIterator<Item = [f64; 2]>) -> f64 {
    points
        .into_iter()
        .map(|x| {
            b.pieces
                .iter()
                .map(|s| distance(x, s))
                .fold(f64::INFINITY, f64::min)
        })
        .fold(f64::INFINITY, f64::min)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A network from (w, c, v) triples and an output bias.
    fn net(units: &[([f64; 2], f64, f64)], b: f64) -> Mlp {
        let h = units.len();
        let mut params = vec![0.0; 4 * h + 1];
        for (j, &(w, c, v)) in units.iter().enumerate() {
            params[j] = w[0];
            params[h + j] = w[1];
            params[2 * h + j] = c;
            params[3 * h + j] = v;
        }
        params[4 * h] = b;
        Mlp { hidden: h, params }
    }

    #[test]
    fn three_units_at_120_degrees_give_a_hexagon() {
        // f = 1 − Σ relu(u_k·x) with u_k at 120°: the level set f = 0 is a hexagon, which
        // crosses each of the three unit lines twice.
        let us: Vec<([f64; 2], f64, f64)> = (0..3)
            .map(|k| {
                let a = 2.0 * std::f64::consts::PI * k as f64 / 3.0;
                ([a.cos(), a.sin()], 0.0, -1.0)
            })
            .collect();
        let b = trace(&net(&us, 1.0), -5.0, 5.0);
        assert_eq!((b.chains, b.closed), (1, 1), "{b:?}");
        assert_eq!((b.bends, b.pieces.len()), (6, 6));
        // Every vertex of the traced loop lies on f = 0.
        let u = Units::of(&net(&us, 1.0));
        for s in &b.pieces {
            assert!(u.f(s[0]).abs() < 1e-12, "{:?}", s[0]);
        }
    }

    #[test]
    fn a_straight_boundary_has_no_bend_and_the_exact_margin() {
        // f = relu(x) − 0.5 + 0·relu(y): the line x = 0.5, crossing a unit line y = 0 whose
        // output weight is 0 (no bend).
        let n = net(&[([1.0, 0.0], 0.0, 1.0), ([0.0, 1.0], 0.0, 0.0)], -0.5);
        let b = trace(&n, -1.0, 1.0);
        assert_eq!(
            (b.chains, b.closed, b.bends, b.pieces.len()),
            (1, 0, 0, 1),
            "{b:?}"
        );
        assert!((margin(&b, [[0.1, 0.3], [0.8, -0.9]]) - 0.3).abs() < 1e-12);
    }

    #[test]
    fn no_boundary_when_the_sign_never_changes() {
        let n = net(&[([1.0, 0.0], 0.0, 1.0)], 0.5);
        let b = trace(&n, -1.0, 1.0);
        assert_eq!((b.chains, b.pieces.len()), (0, 0));
        assert!(margin(&b, [[0.0, 0.0]]).is_infinite());
    }
}
