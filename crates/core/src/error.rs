//! Error types of the science. Each names what failed: the config key, or the model and its
//! parameters. The application wraps them with its own (files, figures, templates).

use crate::config::ConfigError;

/// A numerical failure (NaN, infinity or blow-up) inside a model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("numerical blow-up in {model} at {parameters}, {when}: state became {}", show_value(*.value))]
pub struct NumericalError {
    /// The model and integrator, e.g. `QIF (RK4)`.
    pub model: String,
    /// The parameter set, e.g. `V0 = 1.5`.
    pub parameters: String,
    /// When it happened: `t = 6.9 ms` for a simulation, `epoch 12` for training.
    pub when: String,
    /// The offending value.
    pub value: f64,
}

/// A value in at most a dozen characters: shortest round-trip form when that is short,
/// scientific notation otherwise (a blown-up state is 1e300, not 300 digits).
fn show_value(v: f64) -> String {
    let plain = v.to_string();
    if plain.len() <= 12 {
        plain
    } else {
        format!("{v:.6e}")
    }
}

/// Every way running the experiments can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration is invalid (exit code 2).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// An experiment failed numerically.
    #[error("experiment `{experiment}` failed")]
    Experiment {
        /// The experiment's registry id.
        experiment: &'static str,
        /// The cause: a [`NumericalError`] or a data set error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
