//! scikit-learn's `make_circles` and `train_test_split(..., stratify=y)`, reproduced to the
//! last bit (spec: `specs/numpy-dataset.md`, §2–4). General in the number of samples, the
//! factor, the noise, the seeds and the test fraction.

use super::numpy_rng::RandomState;
use thiserror::Error;

/// Why a data set or split cannot be made.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum DatasetError {
    /// A parameter is out of its range.
    #[error("{0}")]
    Invalid(String),
}

/// Points with binary labels, in the order scikit-learn returns them.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Coordinates (x0, x1) of each point.
    pub x: Vec<[f64; 2]>,
    /// Label of each point: 0 outer circle, 1 inner circle.
    pub y: Vec<u8>,
}

/// `np.linspace(0, 2π, num, endpoint=False)`: i · step with step = 2π/num computed once.
pub fn linspace_2pi(num: usize) -> Vec<f64> {
    let two_pi = 2.0 * std::f64::consts::PI;
    let step = (two_pi - 0.0) / num as f64;
    (0..num).map(|i| i as f64 * step + 0.0).collect()
}

/// `make_circles(n_samples, shuffle=True, noise, random_state=seed, factor)`.
pub fn make_circles(
    n_samples: usize,
    factor: f64,
    noise: Option<f64>,
    seed: u32,
) -> Result<Dataset, DatasetError> {
    if n_samples < 1 {
        return Err(DatasetError::Invalid(
            "make_circles needs n_samples >= 1".into(),
        ));
    }
    if !(0.0..1.0).contains(&factor) {
        return Err(DatasetError::Invalid(format!(
            "make_circles factor must be in [0, 1), got {factor}"
        )));
    }
    let n_out = n_samples / 2;
    let n_in = n_samples - n_out;
    let t_out = linspace_2pi(n_out);
    let t_in = linspace_2pi(n_in);
    let mut x0: Vec<[f64; 2]> = Vec::with_capacity(n_samples);
    x0.extend(t_out.iter().map(|&t| [t.cos(), t.sin()]));
    x0.extend(t_in.iter().map(|&t| [t.cos() * factor, t.sin() * factor]));
    let y0: Vec<u8> = std::iter::repeat_n(0, n_out)
        .chain(std::iter::repeat_n(1, n_in))
        .collect();

    let mut rng = RandomState::new(seed);
    let perm = rng.permutation(n_samples);
    let mut x: Vec<[f64; 2]> = perm.iter().map(|&p| x0[p]).collect();
    let y: Vec<u8> = perm.iter().map(|&p| y0[p]).collect();
    if let Some(scale) = noise {
        for row in &mut x {
            for v in row.iter_mut() {
                *v += rng.normal(0.0, scale);
            }
        }
    }
    Ok(Dataset { x, y })
}

/// scikit-learn's `_approximate_mode`: floor of each class's share, the remainder going to the
/// largest fractional parts, ties broken by `rng.choice(..., replace=False)`.
pub fn approximate_mode(
    class_counts: &[usize],
    n_draws: usize,
    rng: &mut RandomState,
) -> Vec<usize> {
    let total: usize = class_counts.iter().sum();
    let continuous: Vec<f64> = class_counts
        .iter()
        .map(|&c| c as f64 / total as f64 * n_draws as f64)
        .collect();
    let mut floored: Vec<f64> = continuous.iter().map(|c| c.floor()).collect();
    let mut need = n_draws as i64 - floored.iter().sum::<f64>() as i64;
    if need > 0 {
        let remainder: Vec<f64> = continuous
            .iter()
            .zip(&floored)
            .map(|(c, f)| c - f)
            .collect();
        let mut values = remainder.clone();
        values.sort_by(|a, b| b.total_cmp(a));
        values.dedup_by(|a, b| a.to_bits() == b.to_bits());
        for value in values {
            let inds: Vec<usize> = (0..remainder.len())
                .filter(|&i| remainder[i].to_bits() == value.to_bits())
                .collect();
            let add_now = inds.len().min(need as usize);
            // rng.choice(inds, add_now, replace=False) = inds[permutation(len)[:add_now]]
            let chosen = rng.permutation(inds.len());
            for &k in &chosen[..add_now] {
                floored[inds[k]] += 1.0;
            }
            need -= add_now as i64;
            if need == 0 {
                break;
            }
        }
    }
    floored.iter().map(|&f| f as usize).collect()
}

/// Row indices of the train and test sets, in scikit-learn's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// Rows of the training set.
    pub train: Vec<usize>,
    /// Rows of the test set.
    pub test: Vec<usize>,
}

/// `train_test_split(X, y, test_size, stratify=y, random_state=seed)`: the sizes of
/// `_validate_shuffle_split` (n_test = ⌈test_size·n⌉), then `StratifiedShuffleSplit`.
pub fn stratified_split(y: &[u8], test_size: f64, seed: u32) -> Result<Split, DatasetError> {
    let n = y.len();
    if !(test_size > 0.0 && test_size < 1.0) {
        return Err(DatasetError::Invalid(format!(
            "test_size must be in (0, 1), got {test_size}"
        )));
    }
    let n_test = (test_size * n as f64).ceil() as usize;
    let n_train = n - n_test;
    let mut classes: Vec<u8> = y.to_vec();
    classes.sort_unstable();
    classes.dedup();
    let class_indices: Vec<Vec<usize>> = classes
        .iter()
        .map(|&c| (0..n).filter(|&i| y[i] == c).collect())
        .collect();
    let counts: Vec<usize> = class_indices.iter().map(Vec::len).collect();
    if counts.iter().any(|&c| c < 2) {
        return Err(DatasetError::Invalid(
            "the least populated class has only 1 member; stratification needs at least 2".into(),
        ));
    }
    if n_train < classes.len() || n_test < classes.len() {
        return Err(DatasetError::Invalid(format!(
            "train ({n_train}) and test ({n_test}) sizes must each be at least the number of classes ({})",
            classes.len()
        )));
    }
    let mut rng = RandomState::new(seed);
    let n_i = approximate_mode(&counts, n_train, &mut rng);
    let remaining: Vec<usize> = counts.iter().zip(&n_i).map(|(c, k)| c - k).collect();
    let t_i = approximate_mode(&remaining, n_test, &mut rng);
    let mut train = Vec::with_capacity(n_train);
    let mut test = Vec::with_capacity(n_test);
    for (c, indices) in class_indices.iter().enumerate() {
        let p = rng.permutation(counts[c]);
        let ordered: Vec<usize> = p.iter().map(|&k| indices[k]).collect();
        train.extend_from_slice(&ordered[..n_i[c]]);
        test.extend_from_slice(&ordered[n_i[c]..n_i[c] + t_i[c]]);
    }
    rng.shuffle(&mut train);
    rng.shuffle(&mut test);
    Ok(Split { train, test })
}

#[allow(clippy::float_cmp)] // CPython's fsum compares floats exactly
/// The correctly rounded sum of `xs` (Shewchuk's algorithm, as Python's `math.fsum`).
pub fn exact_sum(xs: &[f64]) -> f64 {
    let mut partials: Vec<f64> = Vec::new();
    for &x in xs.iter() {
        let mut x = x;
        let mut i = 0;
        for k in 0..partials.len() {
            let mut y = partials[k];
            if x.abs() < y.abs() {
                std::mem::swap(&mut x, &mut y);
            }
            let hi = x + y;
            let lo = y - (hi - x);
            if lo != 0.0 {
                partials[i] = lo;
                i += 1;
            }
            x = hi;
        }
        partials.truncate(i);
        partials.push(x);
    }
    // Sum the partials from the top, with CPython's correction for half-way cases.
    let Some(mut hi) = partials.pop() else {
        return 0.0;
    };
    let mut lo = 0.0;
    while let Some(y) = partials.pop() {
        let x = hi;
        hi = x + y;
        lo = y - (hi - x);
        if lo != 0.0 {
            break;
        }
    }
    if let Some(&next) = partials.last()
        && ((lo < 0.0 && next < 0.0) || (lo > 0.0 && next > 0.0))
    {
        let y = lo * 2.0;
        let x = hi + y;
        if y == x - hi {
            hi = x;
        }
    }
    hi
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // CPython's fsum compares floats exactly
mod tests {
    use super::*;

    fn bits(s: &str) -> u64 {
        s.parse::<f64>().unwrap().to_bits()
    }

    fn homework() -> (Dataset, Split) {
        let d = make_circles(400, 0.3, Some(0.05), 0).unwrap();
        let s = stratified_split(&d.y, 0.25, 0).unwrap();
        (d, s)
    }

    #[test]
    fn linspace_matches_numpy() {
        let t = linspace_2pi(200);
        assert_eq!(t[1].to_bits(), bits("0.031415926535897934"));
        assert_eq!(t[50].to_bits(), bits("1.5707963267948968"));
        assert_eq!(t[199].to_bits(), bits("6.2517693806436885"));
    }

    #[test]
    fn shuffle_permutation_matches_sklearn() {
        let p = RandomState::new(0).permutation(400);
        assert_eq!(p[..10], [132, 309, 341, 196, 246, 60, 155, 261, 141, 214]);
        assert_eq!(p[395..], [323, 192, 117, 47, 172]);
    }

    #[test]
    fn make_circles_matches_sklearn_bit_for_bit() {
        let (d, _) = homework();
        assert_eq!(d.y[..10], [0, 1, 1, 0, 1, 0, 0, 1, 0, 1]);
        assert_eq!(d.y.iter().filter(|&&v| v == 1).count(), 200);
        let rows = [
            (0, "-0.5366778156720684", "-0.8253703387242612"),
            (1, "-0.17512265816854028", "-0.08581018939480091"),
            (2, "-0.13149458183640747", "-0.3053871944880523"),
            (399, "0.5978978386570362", "-0.8158782488520554"),
        ];
        for (r, a, b) in rows {
            assert_eq!(d.x[r][0].to_bits(), bits(a), "X[{r}][0]");
            assert_eq!(d.x[r][1].to_bits(), bits(b), "X[{r}][1]");
        }
        // The exact sum of all 800 coordinates (math.fsum).
        let all: Vec<f64> = d.x.iter().flat_map(|r| r.iter().copied()).collect();
        assert_eq!(exact_sum(&all).to_bits(), bits("-2.9023500184738844"));
    }

    #[test]
    fn noise_values_match_numpy() {
        let mut rng = RandomState::new(0);
        rng.permutation(400);
        let expected = [
            "-0.0008510206930720297",
            "0.018957586777754092",
            "0.11296544753454262",
            "-0.002112857583032135",
            "-0.04779725002463885",
            "-0.017299088784969323",
        ];
        for e in expected {
            assert_eq!(rng.normal(0.0, 0.05).to_bits(), bits(e));
        }
    }

    #[test]
    fn stratified_split_matches_sklearn() {
        let (d, s) = homework();
        assert_eq!(s.train.len(), 300);
        assert_eq!(s.test.len(), 100);
        assert_eq!(
            s.train[..10],
            [310, 101, 225, 201, 164, 27, 117, 155, 329, 105]
        );
        assert_eq!(s.train[297..], [296, 35, 74]);
        assert_eq!(
            s.test[..10],
            [304, 343, 178, 102, 254, 252, 140, 389, 152, 395]
        );
        assert_eq!(s.test[97..], [51, 368, 382]);
        let rows = [
            (s.train[0], "0.519667351711869", "-0.8433640477155705"),
            (s.train[1], "-0.321148147596492", "1.003734091054791"),
            (s.train[2], "-0.791326167626763", "0.6668667900586008"),
            (s.test[0], "0.7371272284578194", "-0.6210758599784668"),
            (s.test[1], "0.0466097387966678", "-0.289153011501227"),
            (s.test[2], "-0.2408548122169767", "-0.13794045530110682"),
        ];
        for (r, a, b) in rows {
            assert_eq!(d.x[r][0].to_bits(), bits(a));
            assert_eq!(d.x[r][1].to_bits(), bits(b));
        }
        let ones = |idx: &[usize]| idx.iter().filter(|&&i| d.y[i] == 1).count();
        assert_eq!(ones(&s.train), 150);
        assert_eq!(ones(&s.test), 50);
    }

    #[test]
    fn uneven_classes_follow_approximate_mode() {
        // scikit-learn's docstring example: counts [2, 2, 2, 1], 2 draws, rng 42 → [1, 1, 0, 0].
        let mut rng = RandomState::new(42);
        assert_eq!(approximate_mode(&[2, 2, 2, 1], 2, &mut rng), [1, 1, 0, 0]);
        // Odd sizes: every row lands in exactly one split.
        let d = make_circles(101, 0.5, Some(0.1), 3).unwrap();
        let s = stratified_split(&d.y, 0.3, 5).unwrap();
        let mut all: Vec<usize> = s.train.iter().chain(&s.test).copied().collect();
        all.sort_unstable();
        assert_eq!(all, (0..101).collect::<Vec<_>>());
        assert_eq!(s.test.len(), 31);
        // Reference from scikit-learn 1.9.1: make_circles(101, factor=0.5, noise=0.1,
        // random_state=3); train_test_split(..., stratify=y, random_state=5, test_size=0.3).
        assert_eq!(s.train[..8], [23, 76, 72, 66, 0, 92, 99, 68]);
        assert_eq!(s.test[..8], [86, 85, 63, 56, 93, 96, 94, 4]);
        let coords: Vec<f64> = d.x.iter().flat_map(|r| r.iter().copied()).collect();
        assert_eq!(exact_sum(&coords).to_bits(), 0x4000_89c0_fe60_5fd2);
    }
}
