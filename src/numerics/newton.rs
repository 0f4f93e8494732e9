//! Damped Newton minimisation of a smooth strictly convex function of a few
//! hundred variables, stopped by the gradient residual at the returned point
//! (theory/spin_glass.md (G19)).
//!
//! Each step solves H d = −g by Cholesky and backtracks from the full step
//! until the Armijo condition holds up to the rounding of the value
//! ([`ROUNDING`]): near the minimum, where the decrease is below that
//! rounding, the full step is taken, which is the quadratic phase. argmin's Newton solvers do not fit: `Newton` has no
//! line search, and `NewtonCG` stops on differences of the cost, not on
//! the residual.
//!
//! A small residual alone does not make a minimum: where the infimum is
//! approached at infinity (separable data), the gradient decays
//! exponentially along the run while each Newton step stays of order one.
//! Convergence therefore also asks the Newton step at the returned point to
//! be below [`STEP_TOLERANCE`]; a runaway iterate ends at the bound instead.

use nalgebra::{DMatrix, DVector};

use crate::error::{Error, Result};

/// Stopping rule of [`minimize`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NewtonOptions {
    /// Stop when max_k |∂f/∂x_k| is at most this.
    pub tolerance: f64,
    /// Fail after this many Newton steps.
    pub max_iterations: usize,
    /// Fail when any |x_k| exceeds this: the infimum is approached at
    /// infinity (separable or locked data), not attained.
    pub bound: f64,
}

/// What [`minimize`] returns.
#[derive(Debug, Clone)]
pub struct NewtonMinimum {
    /// The minimiser.
    pub x: DVector<f64>,
    /// f at `x`.
    pub value: f64,
    /// max_k |∂f/∂x_k| at `x`.
    pub residual: f64,
    /// Newton steps done.
    pub iterations: usize,
}

/// Largest Newton step ‖H⁻¹∇f‖_∞ at a converged point: near a minimum the
/// step is the residual over the curvature, ≲ 10⁻⁶ for the residuals and
/// curvatures met here; along a runaway it is of order one.
pub const STEP_TOLERANCE: f64 = 1e-4;

/// Armijo's sufficient-decrease fraction.
const ARMIJO: f64 = 1e-4;

/// Relative rounding allowed to the value in the Armijo test: a value
/// summed over up to ~10⁶ terms of order one is good to ~10⁻¹³ relative;
/// ten times that keeps the line search from rejecting a sound Newton step
/// on rounding alone near the minimum.
const ROUNDING: f64 = 1e-12;

/// Minimises f from `x0`. `full(x)` returns (f, ∇f, ∇²f); `value(x)` returns
/// f alone (used by the line search). `what` names the problem in errors.
///
/// Fails with [`Error::NoConvergence`] after `max_iterations` steps or a
/// line search that cannot decrease f, [`Error::NoSolution`] when an
/// iterate leaves the box `bound` or the Hessian is not positive definite,
/// and [`Error::Diverged`] on a non-finite value or gradient.
pub fn minimize(
    what: &str,
    mut full: impl FnMut(&DVector<f64>) -> (f64, DVector<f64>, DMatrix<f64>),
    mut value: impl FnMut(&DVector<f64>) -> f64,
    x0: DVector<f64>,
    opts: NewtonOptions,
) -> Result<NewtonMinimum> {
    let mut x = x0;
    let mut iterations = 0;
    loop {
        let (f, g, h) = full(&x);
        let residual = g.amax();
        if !f.is_finite() || !residual.is_finite() {
            return Err(Error::Diverged(format!(
                "{what}: non-finite value or gradient"
            )));
        }
        let d = h
            .cholesky()
            .ok_or_else(|| {
                Error::NoSolution(format!(
                    "{what}: the Hessian is not positive definite (degenerate, or an iterate running to infinity lost its curvature)"
                ))
            })?
            .solve(&(-&g));
        if residual <= opts.tolerance && d.amax() <= STEP_TOLERANCE {
            return Ok(NewtonMinimum {
                x,
                value: f,
                residual,
                iterations,
            });
        }
        let no_convergence = |iterations| Error::NoConvergence {
            what: what.to_string(),
            iterations,
            residual,
            tolerance: opts.tolerance,
        };
        if iterations == opts.max_iterations {
            return Err(no_convergence(iterations));
        }
        let decrease = -g.dot(&d);
        let mut t = 1.0;
        let slack = ROUNDING * (1.0 + f.abs());
        // A NaN trial value is not accepted either.
        let accept = |v: f64, t: f64| v <= f - ARMIJO * t * decrease + slack;
        while !accept(value(&(&x + &d * t)), t) {
            t *= 0.5;
            if t < 1e-12 {
                return Err(no_convergence(iterations));
            }
        }
        x += d * t;
        iterations += 1;
        if x.amax() > opts.bound {
            return Err(Error::NoSolution(format!(
                "{what}: the estimate leaves |x| ≤ {} (the infimum is at infinity: separable or locked data)",
                opts.bound
            )));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> NewtonOptions {
        NewtonOptions {
            tolerance: 1e-12,
            max_iterations: 50,
            bound: 1e3,
        }
    }

    /// f(x) = Σ_k (e^{x_k} − c_k x_k) has its minimum at x_k = ln c_k; from
    /// x = 0 the full step overshoots for c = 20, so the line search works.
    #[test]
    fn minimises_a_separable_convex_function() {
        let c = DVector::from_vec(vec![0.5, 2.0, 20.0]);
        let f = |x: &DVector<f64>| x.iter().zip(c.iter()).map(|(a, b)| a.exp() - b * a).sum();
        let full = |x: &DVector<f64>| {
            let e = x.map(f64::exp);
            (f(x), &e - &c, DMatrix::from_diagonal(&e))
        };
        let m = minimize("test", full, f, DVector::zeros(3), opts()).unwrap();
        assert!(m.residual <= 1e-12, "{m:?}");
        for (x, c) in m.x.iter().zip(c.iter()) {
            // |x − ln c| ≤ residual / e^x ≤ 1e-12 / 0.5: 1e-11 leaves rounding room.
            assert!((x - c.ln()).abs() < 1e-11, "{x} {c}");
        }
    }

    /// e^{−x} has no minimiser: its gradient falls below the tolerance at
    /// x ≈ 28 while every Newton step is 1, so the iterate runs on and is
    /// stopped by the bound with a message; a tiny cap stops with
    /// NoConvergence.
    #[test]
    fn unattained_infimum_and_cap_are_errors() {
        let f = |x: &DVector<f64>| (-x[0]).exp();
        let full = |x: &DVector<f64>| {
            let e = (-x[0]).exp();
            (
                e,
                DVector::from_element(1, -e),
                DMatrix::from_element(1, 1, e),
            )
        };
        let bounded = NewtonOptions {
            bound: 40.0,
            ..opts()
        };
        let e = minimize("runaway", full, f, DVector::zeros(1), bounded).unwrap_err();
        assert!(e.to_string().contains("infinity"), "{e}");
        let capped = NewtonOptions {
            max_iterations: 1,
            ..opts()
        };
        let e = minimize("runaway", full, f, DVector::zeros(1), capped).unwrap_err();
        assert!(matches!(e, Error::NoConvergence { .. }), "{e}");
    }
}
