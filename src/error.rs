//! Error types of the application. Each names what failed: the config key or file, the model
//! and its parameters, the figure, the template or the path. `main` prints the chain and
//! picks the exit code.

use crate::config::ConfigError;
pub use neuroreport_core::error::NumericalError;

/// Every way building the report can fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The configuration is invalid (exit code 2).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The configuration file could not be read (exit code 2).
    #[error("cannot read config file {path}: {reason}")]
    ConfigRead {
        /// The file.
        path: String,
        /// What went wrong.
        reason: String,
    },
    /// The configuration file is not valid TOML for this schema (exit code 2).
    #[error("invalid config file {path}: {reason}")]
    ConfigParse {
        /// The file.
        path: String,
        /// The parser's message (with line and column).
        reason: String,
    },
    /// Running the experiments failed.
    #[error(transparent)]
    Science(neuroreport_core::Error),
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

impl From<neuroreport_core::Error> for Error {
    fn from(e: neuroreport_core::Error) -> Self {
        match e {
            neuroreport_core::Error::Config(c) => Error::Config(c),
            other => Error::Science(other),
        }
    }
}

impl Error {
    /// The process exit code for this error: 2 for bad usage, configuration or target, 1 for
    /// a failure while building.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Config(_)
            | Error::ConfigRead { .. }
            | Error::ConfigParse { .. }
            | Error::Target { .. }
            | Error::Budget(_) => 2,
            _ => 1,
        }
    }
}

/// Result with the application's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
