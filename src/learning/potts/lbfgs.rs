//! Unconstrained L-BFGS on a function that returns its value and gradient
//! together: argmin's L-BFGS with the Moré–Thuente line search, the value and
//! gradient of one evaluation cached so that argmin's separate requests for the
//! two cost one evaluation (theory/potts.md (Q9)).

use crate::error::{ensure, Error, Result};
use argmin::core::{CostFunction, Executor, Gradient, State};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use std::sync::Mutex;

/// Stopping rule and memory of [`minimize`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LbfgsOptions {
    /// Stop when the gradient norm falls below this (absolute).
    pub gradient_tolerance: f64,
    /// Stop after this many iterations.
    pub max_iterations: u64,
    /// Number of correction pairs kept.
    pub memory: usize,
}

/// Where [`minimize`] stopped.
#[derive(Debug, Clone)]
pub struct Minimum {
    /// The returned point: the lowest value evaluated.
    pub x: Vec<f64>,
    /// The value there.
    pub value: f64,
    /// The gradient norm there.
    pub gradient_norm: f64,
    /// L-BFGS iterations done.
    pub iterations: u64,
    /// Function evaluations done.
    pub evaluations: u64,
    /// Why the iteration stopped (argmin's termination reason).
    pub reason: String,
}

/// One evaluation: point, value, gradient.
type Eval = (Vec<f64>, f64, Vec<f64>);

/// The last evaluation, the best point seen and the number of evaluations,
/// owned outside argmin (which does not hand its problem back when a line
/// search fails).
#[derive(Default)]
struct Memo {
    last: Mutex<Option<Eval>>,
    best: Mutex<Option<Eval>>,
    evaluations: Mutex<u64>,
}

/// The function with its memo, as argmin's problem.
struct Cached<'a, F> {
    f: F,
    memo: &'a Memo,
}

impl<F: Fn(&[f64], &mut [f64]) -> f64> Cached<'_, F> {
    fn eval(&self, x: &[f64]) -> (f64, Vec<f64>) {
        let memo = self.memo;
        if let Some((xl, v, g)) = memo.last.lock().unwrap().as_ref() {
            if xl.as_slice() == x {
                return (*v, g.clone());
            }
        }
        let mut g = vec![0.0; x.len()];
        let v = (self.f)(x, &mut g);
        *memo.evaluations.lock().unwrap() += 1;
        let mut best = memo.best.lock().unwrap();
        if v.is_finite() && best.as_ref().is_none_or(|b| v < b.1) {
            *best = Some((x.to_vec(), v, g.clone()));
        }
        *memo.last.lock().unwrap() = Some((x.to_vec(), v, g.clone()));
        (v, g)
    }
}

impl<F: Fn(&[f64], &mut [f64]) -> f64> CostFunction for Cached<'_, F> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, x: &Vec<f64>) -> std::result::Result<f64, argmin::core::Error> {
        Ok(self.eval(x).0)
    }
}

impl<F: Fn(&[f64], &mut [f64]) -> f64> Gradient for Cached<'_, F> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    fn gradient(&self, x: &Vec<f64>) -> std::result::Result<Vec<f64>, argmin::core::Error> {
        Ok(self.eval(x).1)
    }
}

/// Minimises `f` (which writes its gradient into its second argument and returns
/// its value) from `x0` by L-BFGS, eq. (Q9). Returns the lowest point evaluated,
/// with the gradient norm there; fails only if `f` is not finite at `x0`.
pub fn minimize<F>(f: F, x0: Vec<f64>, opts: LbfgsOptions) -> Result<Minimum>
where
    F: Fn(&[f64], &mut [f64]) -> f64,
{
    ensure(opts.memory >= 1, || {
        "the L-BFGS memory must be at least 1".into()
    })?;
    ensure(
        opts.gradient_tolerance.is_finite() && opts.gradient_tolerance >= 0.0,
        || "the gradient tolerance must be finite and non-negative".into(),
    )?;
    let memo = Memo::default();
    let problem = Cached { f, memo: &memo };
    let (v0, _) = problem.eval(&x0);
    ensure(v0.is_finite(), || {
        "the objective is not finite at the start".into()
    })?;
    let solver = LBFGS::new(MoreThuenteLineSearch::new(), opts.memory)
        .with_tolerance_grad(opts.gradient_tolerance)
        .and_then(|s| s.with_tolerance_cost(0.0))
        .map_err(|e| Error::Other(format!("L-BFGS set-up: {e}")))?;
    let run = Executor::new(problem, solver)
        .configure(|s| s.param(x0).max_iters(opts.max_iterations))
        .run();
    let (iterations, reason) = match run {
        Ok(res) => {
            let it = res.state().get_iter();
            let reason = res
                .state()
                .get_termination_reason()
                .map_or("none".to_string(), |r| r.to_string());
            (it, reason)
        }
        Err(e) => return Err(Error::Other(format!("L-BFGS failed: {e}"))),
    };
    let evaluations = *memo.evaluations.lock().unwrap();
    let (x, value, g) = memo.best.into_inner().unwrap().expect("x0 was evaluated");
    let gradient_norm = g.iter().map(|v| v * v).sum::<f64>().sqrt();
    Ok(Minimum {
        x,
        value,
        gradient_norm,
        iterations,
        evaluations,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Rosenbrock function's minimum (1, 1) is reached to the tolerance asked.
    #[test]
    fn rosenbrock() {
        let f = |x: &[f64], g: &mut [f64]| {
            let (a, b) = (1.0 - x[0], x[1] - x[0] * x[0]);
            g[0] = -2.0 * a - 400.0 * x[0] * b;
            g[1] = 200.0 * b;
            a * a + 100.0 * b * b
        };
        let opts = LbfgsOptions {
            gradient_tolerance: 1e-8,
            max_iterations: 200,
            memory: 5,
        };
        let m = minimize(f, vec![-1.2, 1.0], opts).unwrap();
        assert!(m.gradient_norm < 1e-8, "{m:?}");
        // Near the minimum |x − x*| ≲ |H⁻¹| |g|; the Hessian at (1, 1) has
        // eigenvalues 1001.6 and 0.3994, so |H⁻¹| = 2.5 and |x − x*| ≲ 2.5e-8;
        // 1e-7 leaves a factor 4 for the quadratic model's error.
        assert!((m.x[0] - 1.0).abs() < 1e-7 && (m.x[1] - 1.0).abs() < 1e-7);
    }
}
