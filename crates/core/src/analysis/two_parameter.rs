//! The two-parameter diagram (p, I) of a one-parameter family of [`Excitable`] models, as
//! MatCont or AUTO users draw it by two-parameter continuation: here by a scan of p, each
//! slice's folds and Hopf points found along its rest branch, and the special points refined
//! by bisection on p.
//!
//! In a slice, the rest branch I_ss(V) rises to its first fold (a local maximum). Past a cusp
//! it has an S: a second maximum, with a local minimum between the two where a second rest
//! begins. How firing starts follows from the order of the currents, the same events the
//! walk of [`crate::analysis::walk`] meets, here without simulation:
//! - a Hopf point on the lower branch before its fold: onset at that Hopf point;
//! - else, a Hopf point on the second rest above the first fold's current: that rest is still
//!   stable there, the state jumps to it at the fold, and onset is at its Hopf point (a fold
//!   jump);
//! - else onset is at the first fold.
//!
//! The cusp is where the S appears; the crossing is where the second rest's Hopf current
//! falls below the first fold's, ending the fold jumps.

use crate::analysis::bifurcation::{self, Excitable, Fold, Hopf, Scan};
use crate::error::NumericalError;

/// How firing starts in a slice, from the order of its bifurcations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Region {
    /// At a Hopf point of the lower branch.
    Hopf,
    /// At the first fold the state jumps to a second, stable rest, and firing starts at that
    /// rest's Hopf point.
    FoldJump,
    /// At the first fold.
    Fold,
}

impl Region {
    /// The name used in the data files.
    pub fn id(self) -> &'static str {
        match self {
            Region::Hopf => "hopf",
            Region::FoldJump => "fold_jump",
            Region::Fold => "fold",
        }
    }
}

/// One slice of the diagram.
#[derive(Debug, Clone, PartialEq)]
pub struct Slice {
    /// The family's parameter.
    pub p: f64,
    /// The first fold (local maximum of I_ss): the end of the lower branch.
    pub first_fold: Option<Fold>,
    /// The local minimum of the S, where the second rest begins, if there is an S.
    pub s_fold: Option<Fold>,
    /// A Hopf point on the lower branch, before the first fold.
    pub lower_hopf: Option<Hopf>,
    /// A Hopf point on the second rest, between the S's minimum and its second maximum.
    pub upper_hopf: Option<Hopf>,
    /// How firing starts; `None` when the branch has no fold and no Hopf point.
    pub region: Option<Region>,
}

/// Grid step of the search for Hopf points in a slice (mV).
pub const HOPF_SCAN_STEP_MV: f64 = 0.5;

/// The slice of model `m` at parameter `p`.
pub fn slice<M: Excitable<N>, const N: usize>(
    m: &M,
    p: f64,
    scan: &Scan,
) -> Result<Slice, NumericalError> {
    let folds = bifurcation::folds(m, scan);
    // The real part of the leading pair changes slowly along the branch: a grid of 0.5 mV
    // brackets each Hopf point (then refined by bisection) at a fifth of the eigenvalues.
    let hopf_scan = Scan {
        step: scan.step.max(HOPF_SCAN_STEP_MV),
        ..*scan
    };
    let hopfs = bifurcation::hopfs(m, &hopf_scan)?;
    let maxima: Vec<&Fold> = folds.iter().filter(|f| f.is_maximum).collect();
    let first_fold = maxima.first().map(|f| **f);
    let second = maxima.get(1).copied();
    let s_fold = match (first_fold, second) {
        (Some(a), Some(b)) => folds
            .iter()
            .find(|f| !f.is_maximum && f.v_mv > a.v_mv && f.v_mv < b.v_mv)
            .copied(),
        _ => None,
    };
    let end = first_fold.map_or(scan.v_hi, |f| f.v_mv);
    let lower_hopf = hopfs.iter().find(|h| h.v_mv < end).copied();
    let upper_hopf = match (s_fold, second) {
        (Some(s), Some(b)) => hopfs
            .iter()
            .find(|h| h.v_mv > s.v_mv && h.v_mv < b.v_mv)
            .copied(),
        _ => None,
    };
    let region = match (lower_hopf, first_fold, upper_hopf) {
        (Some(_), _, _) => Some(Region::Hopf),
        (None, Some(f), Some(h)) if h.current > f.current => Some(Region::FoldJump),
        (None, Some(_), _) => Some(Region::Fold),
        (None, None, _) => None,
    };
    Ok(Slice {
        p,
        first_fold,
        s_fold,
        lower_hopf,
        upper_hopf,
        region,
    })
}

/// The diagram of a family over a grid of its parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagram {
    /// The slices, by increasing p.
    pub slices: Vec<Slice>,
    /// Where the S appears (the cusp of the two folds), refined by bisection.
    pub cusp: Option<f64>,
    /// Where the fold jumps end (the second rest's Hopf current falls below the first
    /// fold's, or the S closes first), refined by bisection.
    pub crossing: Option<f64>,
}

/// How far past the cusp (in p) the fold jumps are looked for: the S is born there.
const CUSP_OFFSET: f64 = 1e-3;

/// Halvings of the bisections for the cusp and the crossing.
const BISECTIONS: usize = 20;

/// Bisection on p for the change of `test` between neighbouring slices `a` and `b`.
fn refine<M: Excitable<N>, const N: usize>(
    family: &(impl Fn(f64) -> M + Sync),
    scan: &Scan,
    (mut lo, mut hi): (f64, f64),
    test: impl Fn(&Slice) -> bool,
) -> Result<f64, NumericalError> {
    let at_lo = test(&slice(&family(lo), lo, scan)?);
    for _ in 0..BISECTIONS {
        let mid = 0.5 * (lo + hi);
        if test(&slice(&family(mid), mid, scan)?) == at_lo {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(0.5 * (lo + hi))
}

/// The diagram of `family` at the parameters `ps` (increasing), slices in parallel.
pub fn diagram<M: Excitable<N>, const N: usize>(
    family: &(impl Fn(f64) -> M + Sync),
    ps: &[f64],
    scan: &Scan,
) -> Result<Diagram, NumericalError> {
    let slices = crate::par::map(ps, |&p| slice(&family(p), p, scan))
        .into_iter()
        .collect::<Result<Vec<Slice>, NumericalError>>()?;
    let has_s = |s: &Slice| s.s_fold.is_some();
    let jumps = |s: &Slice| s.region == Some(Region::FoldJump);
    let bracket = |test: &dyn Fn(&Slice) -> bool| {
        slices
            .windows(2)
            .find(|w| test(&w[0]) != test(&w[1]))
            .map(|w| (w[0].p, w[1].p))
    };
    let cusp = bracket(&has_s)
        .map(|b| refine(family, scan, b, has_s))
        .transpose()?;
    // The crossing: past the cusp the state jumps at the first fold until the second rest's
    // Hopf point falls below it (or the S closes); bisection from just past the cusp to the
    // first slice beyond it whose onset is at the fold.
    let crossing = match cusp {
        Some(c) => {
            let start = c + CUSP_OFFSET;
            let after = slices
                .iter()
                .find(|s| s.p > start && s.region == Some(Region::Fold));
            match after {
                Some(a) if jumps(&slice(&family(start), start, scan)?) => {
                    Some(refine(family, scan, (start, a.p), jumps)?)
                }
                _ => None,
            }
        }
        None => None,
    };
    Ok(Diagram {
        slices,
        cusp,
        crossing,
    })
}
