//! Mini-batch gradient descent (theory/training.md, eq. (T19)): each epoch
//! reshuffles the patterns (stream [`rng::MINIBATCH`] + epoch of the
//! configuration's seed) and takes one step (T10) on the mean loss of each
//! consecutive batch of B patterns (the last batch holds the remainder).
//! With B ≥ P it is full-batch descent.

use crate::data::patterns::Patterns;
use crate::error::{ensure, Result};
use crate::learning::gradient_descent::{
    check_decay, initial_couplings, GdConfig, GdObserver, GradientDescent,
};
use crate::learning::precision::{Precision, Real};
use crate::learning::problem::{Coupling, Problem};
use crate::learning::span::Form;
use crate::numerics::rng;
use nalgebra::DMatrix;
use rand::seq::SliceRandom;

/// Mini-batch gradient descent on `problem` from the initial couplings of
/// `cfg` (`cfg.init`, `cfg.init_scale`, `cfg.seed`), `cfg.epochs` epochs of
/// ⌈P/B⌉ steps with learning rate `cfg.lr` (decayed per epoch, eq. (T20)) at inverse temperature
/// `cfg.beta`, in `cfg.precision`, eq. (T19); returns the final couplings
/// in f64. The observer is called with the number of completed epochs.
///
/// Fails if `batch` is 0, with the errors of [`GradientDescent`], and with
/// [`crate::Error::Diverged`] if the couplings become non-finite.
pub fn train_minibatch(
    problem: &Problem,
    cfg: &GdConfig,
    batch: usize,
    observer: GdObserver<'_>,
) -> Result<DMatrix<f64>> {
    ensure(batch >= 1, || {
        "the mini-batch size must be at least 1".into()
    })?;
    ensure(cfg.epochs >= 1, || "at least one epoch is needed".into())?;
    check_decay(cfg.lr_decay)?;
    match cfg.precision {
        Precision::F64 => train_in::<f64>(problem, cfg, batch, observer),
        Precision::F32 => train_in::<f32>(problem, cfg, batch, observer),
    }
}

/// [`train_minibatch`] with the kernels in precision `T`.
fn train_in<T: Real>(
    problem: &Problem,
    cfg: &GdConfig,
    batch: usize,
    observer: GdObserver<'_>,
) -> Result<DMatrix<f64>> {
    let mut j = T::matrix_of_f64(initial_couplings(problem, cfg)?);
    let mut order: Vec<usize> = (0..problem.p()).collect();
    for epoch in 0..cfg.epochs {
        let mut rng = rng::stream(cfg.seed, rng::MINIBATCH + epoch as u64);
        order.shuffle(&mut rng);
        for chunk in order.chunks(batch) {
            let sub = sub_problem(problem, chunk)?;
            let mut gd =
                GradientDescent::<T>::with_form(&sub, j, cfg.beta, cfg.lr_at(epoch), Form::Direct)?;
            gd.step()?;
            j = gd.couplings().into_owned();
        }
        observer(epoch + 1);
    }
    Ok(T::matrix_f64(&j).into_owned())
}

/// The problem restricted to the patterns `cols` (same coupling structure).
fn sub_problem(problem: &Problem, cols: &[usize]) -> Result<Problem> {
    let x = problem.inputs().select_columns(cols);
    let pats = Patterns::from_matrix(x)?;
    match problem.coupling() {
        Coupling::Perceptron => {
            let y: Vec<f64> = cols.iter().map(|&c| problem.labels()[(0, c)]).collect();
            Problem::perceptron(&pats, &y)
        }
        c => Problem::network(&pats, c),
    }
}
