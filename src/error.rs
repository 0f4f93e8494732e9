//! The crate's error type: every failure a user can provoke is reported as a
//! value of [`Error`] with a message that names the offending input, never as a
//! NaN or a panic.

/// Errors reported by the library and the `plam` command line.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An argument outside its domain (α ≤ 0, λ < 0, NaN, κ out of range, …).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The problem has no solution of the requested kind (e.g. α above capacity).
    #[error("no solution: {0}")]
    NoSolution(String),
    /// An iterative solver stopped before reaching its tolerance.
    #[error("{what} did not converge after {iterations} iterations (residual {residual:.3e}, tolerance {tolerance:.1e})")]
    NoConvergence {
        /// The solver or iteration that stopped.
        what: String,
        /// Iterations done before stopping.
        iterations: usize,
        /// The residual reached at the returned point.
        residual: f64,
        /// The residual the solver was asked to reach.
        tolerance: f64,
    },
    /// A simulation diverged (NaN or infinite values appeared).
    #[error("diverged: {0}")]
    Diverged(String),
    /// Reading or writing a file failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// Any other failure, with its message.
    #[error("{0}")]
    Other(String),
}

/// Shorthand for results carrying [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Fails with [`Error::InvalidInput`] unless `cond` holds.
pub fn ensure(cond: bool, msg: impl FnOnce() -> String) -> Result<()> {
    if cond {
        Ok(())
    } else {
        Err(Error::InvalidInput(msg()))
    }
}

/// Fails unless `v` is a finite number, naming it in the message.
pub fn finite(name: &str, v: f64) -> Result<f64> {
    ensure(v.is_finite(), || {
        format!("{name} must be a finite number, got {v}")
    })?;
    Ok(v)
}
