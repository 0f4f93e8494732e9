//! The pseudo-likelihood rule, eq. (M1) of `theory/memory.md`: an adapter
//! over the simulation engine's training ([`crate::learning`]).

use crate::data::patterns::Patterns;
use crate::error::{ensure, Error, Result};
use crate::learning::couplings::zero_diagonal;
use crate::learning::{
    train_fixed_norm, train_gd, train_minibatch, Coupling, FixedNormConfig, GdConfig, Problem,
};
use crate::memory::couplings::check_patterns;
use nalgebra::DMatrix;

/// How the pseudo-likelihood couplings are trained (see [`crate::learning`]).
#[derive(Clone, Debug)]
pub enum PlTraining {
    /// Unbounded norm: full-batch gradient descent; [`GdConfig::paper`] is the
    /// paper's protocol (Hebb start, β = 0.1, learning rate 10).
    GradientDescent(GdConfig),
    /// Fixed norm λ (Riemannian L-BFGS on the sphere(s)).
    FixedNorm(FixedNormConfig),
    /// Unbounded norm: mini-batch gradient descent with batches of the given
    /// size, reshuffled every epoch ([`crate::learning::train_minibatch`]).
    MiniBatch(GdConfig, usize),
}

/// Pseudo-likelihood couplings, eq. (M1), asymmetric or symmetric, trained by
/// the simulation engine ([`crate::learning::train_gd`] or
/// [`crate::learning::train_fixed_norm`]); this is a thin adapter that
/// checks the result is a valid coupling matrix for the dynamics.
///
/// Fails with [`Error::InvalidInput`] for [`Coupling::Perceptron`], with the
/// trainer's errors, and with [`Error::Diverged`] if the couplings are not
/// finite.
pub fn pseudo_likelihood(
    patterns: &DMatrix<f64>,
    coupling: Coupling,
    training: &PlTraining,
) -> Result<DMatrix<f64>> {
    pseudo_likelihood_observed(patterns, coupling, training, &mut |_| {})
}

/// [`pseudo_likelihood()`] with a progress callback, called with the number
/// of completed epochs (gradient descent) or iterations (fixed norm).
pub fn pseudo_likelihood_observed(
    patterns: &DMatrix<f64>,
    coupling: Coupling,
    training: &PlTraining,
    progress: &mut dyn FnMut(usize),
) -> Result<DMatrix<f64>> {
    check_patterns(patterns)?;
    ensure(coupling != Coupling::Perceptron, || {
        "pseudo-likelihood couplings must be asymmetric or symmetric".into()
    })?;
    let pats = Patterns::from_matrix(patterns.clone())?;
    let problem = Problem::network(&pats, coupling)?;
    let mut j = match training {
        PlTraining::GradientDescent(cfg) => {
            let cfg = GdConfig {
                // Only the final couplings are needed here.
                snapshots: vec![],
                ..cfg.clone()
            };
            train_gd(&problem, &cfg, progress)?.j
        }
        PlTraining::FixedNorm(cfg) => train_fixed_norm(&problem, cfg, &mut |it, _| progress(it))?.j,
        PlTraining::MiniBatch(cfg, batch) => train_minibatch(&problem, cfg, *batch, progress)?,
    };
    if !j.iter().all(|v| v.is_finite()) {
        return Err(Error::Diverged(
            "pseudo-likelihood training produced non-finite couplings".into(),
        ));
    }
    zero_diagonal(&mut j);
    Ok(j)
}
