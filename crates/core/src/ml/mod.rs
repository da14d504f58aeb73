//! Machine learning for part 2 of the homework: numpy's legacy random generator, scikit-learn's
//! `make_circles` and stratified split reproduced bit for bit, and a one-hidden-layer ReLU
//! network trained full batch.

pub mod boundary;
pub mod circles;
pub mod mlp;
pub mod numpy_rng;
