//! The crate's parallel loops, on rayon's thread pool, through two type-erased entry points.
//!
//! Each call of a rayon iterator or of `rayon::join` with its own closure compiles rayon's
//! splitting, job and latch code once more (before this module, 7 % of this crate's code, and
//! more with the closures' wrappers). Here every loop is one `each` over indices and every
//! join one `join_erased`, so that code is compiled once; the generic wrappers only move
//! results in and out.
//!
//! Results come back in input order whatever the thread count, so they never depend on it.
//! Every index is its own task (as `with_max_len(1)`): the loops here run simulations and
//! trainings, milliseconds each, not tiny items.

use rayon::prelude::*;
use std::sync::{Mutex, PoisonError};

/// `f(i)` for every `i < n` on the thread pool.
fn each(n: usize, f: &(dyn Fn(usize) + Sync)) {
    (0..n).into_par_iter().with_max_len(1).for_each(f);
}

/// `a()` and `b()`, potentially in parallel, as `rayon::join`.
fn join_erased(a: &mut (dyn FnMut() + Send), b: &mut (dyn FnMut() + Send)) {
    rayon::join(a, b);
}

/// `[f(0), f(1), …, f(n − 1)]`, computed in parallel.
pub fn map_range<R: Send>(n: usize, f: impl Fn(usize) -> R + Sync) -> Vec<R> {
    let slots: Vec<Mutex<Option<R>>> = (0..n).map(|_| Mutex::new(None)).collect();
    each(n, &|i| {
        let r = f(i);
        *slots[i].lock().unwrap_or_else(PoisonError::into_inner) = Some(r);
    });
    slots
        .into_iter()
        .map(|s| {
            s.into_inner()
                .unwrap_or_else(PoisonError::into_inner)
                .expect("each index runs once")
        })
        .collect()
}

/// `f` of every item, in parallel and in order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    map_range(items.len(), |i| f(&items[i]))
}

/// `f` of every chunk of `size` items (the last may be shorter), in parallel and in order.
pub fn map_chunks<T: Sync, R: Send>(
    items: &[T],
    size: usize,
    f: impl Fn(&[T]) -> R + Sync,
) -> Vec<R> {
    assert!(size > 0, "chunks of at least one item");
    map_range(items.len().div_ceil(size), |c| {
        f(&items[c * size..((c + 1) * size).min(items.len())])
    })
}

/// `(a(), b())`, potentially in parallel, as `rayon::join`.
pub fn join<A: Send, B: Send>(
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    let (mut a, mut b) = (Some(a), Some(b));
    let (mut ra, mut rb) = (None, None);
    join_erased(&mut || ra = a.take().map(|a| a()), &mut || {
        rb = b.take().map(|b| b())
    });
    (ra.expect("a ran"), rb.expect("b ran"))
}

/// The number of threads of the pool the loops run on.
pub fn threads() -> usize {
    rayon::current_num_threads()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_order_on_any_pool() {
        for threads in [1, 2, 3] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .unwrap();
            pool.install(|| {
                let squares = map_range(100, |i| i * i);
                assert_eq!(squares, (0..100).map(|i| i * i).collect::<Vec<_>>());
                let items: Vec<u32> = (0..10).collect();
                assert_eq!(map(&items, |&x| x + 1), (1..11).collect::<Vec<_>>());
                let sums = map_chunks(&items, 4, |c| c.iter().sum::<u32>());
                assert_eq!(sums, vec![6, 22, 17]);
                assert_eq!(map_chunks(&items[..0], 4, |c| c.len()), Vec::<usize>::new());
                let (a, b) = join(|| String::from("a"), || vec![1, 2]);
                assert_eq!((a.as_str(), b), ("a", vec![1, 2]));
            });
        }
    }

    #[test]
    fn a_panic_in_a_task_reaches_the_caller() {
        let caught = std::panic::catch_unwind(|| map_range(8, |i| assert_ne!(i, 5)));
        assert!(caught.is_err());
    }
}
