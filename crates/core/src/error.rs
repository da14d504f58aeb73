//! Error types of the library. Each names what failed: the config key, the model and its
//! parameters, the template or the path. `main` prints the chain and picks the exit code.

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

/// Every way building the report can fail.
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
    /// A figure could not be drawn.
    #[error("figure `{figure}` could not be drawn: {reason}")]
    Figure {
        /// The figure's label.
        figure: String,
        /// What the plotting library said.
        reason: String,
    },
    /// A template failed to render or refers to something missing.
    #[error("template `{template}`: {reason}")]
    Template {
        /// The template's name.
        template: String,
        /// What went wrong.
        reason: String,
    },
    /// The output folder cannot be used as asked (exit code 2): it is not neuroreport's, holds
    /// files neuroreport did not write, is a link, or another build is writing it.
    #[error("{path}: {problem}")]
    Target {
        /// The folder or file concerned.
        path: String,
        /// What is wrong and what to do.
        problem: String,
    },
    /// The work the configuration asks for exceeds the budget (exit code 2).
    #[error("{0}")]
    Budget(String),
    /// Reading or writing a file failed.
    #[error("{action} {path}")]
    Io {
        /// What was being done, e.g. `cannot write`.
        action: &'static str,
        /// The path involved.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// The process exit code for this error: 2 for bad usage, configuration or target, 1 for
    /// a failure while building.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Config(_) | Error::Target { .. } | Error::Budget(_) => 2,
            _ => 1,
        }
    }
}

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
