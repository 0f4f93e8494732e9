//! The root of an increasing function on a bracket by safeguarded Newton.

use crate::error::{Error, Result};

/// Iterations before [`increasing_root`] gives up.
const MAX_ITERATIONS: usize = 200;

/// The root of an increasing function on the bracket `[lo, hi]` (f(lo) ≤ 0 ≤
/// f(hi)), starting at `start`. `f(x)` returns the value and a positive slope
/// (the derivative or a bound on it). Every step narrows the bracket by the
/// sign of f; a Newton step that leaves the bracket is replaced by bisection,
/// so the iteration cannot diverge. Stops when the step or the bracket is
/// within 4 ulp of the point, which is the accuracy of the returned root when
/// f is evaluated to a few ulp; `what` names the root in the error after 200
/// iterations or at a NaN value or slope (with the residual |f| at the last
/// point).
pub fn increasing_root(
    what: &str,
    mut f: impl FnMut(f64) -> Result<(f64, f64)>,
    (mut lo, mut hi): (f64, f64),
    start: f64,
) -> Result<f64> {
    let mut x = start;
    let mut value = f64::NAN;
    let fail = |iterations, residual: f64| Error::NoConvergence {
        what: what.into(),
        iterations,
        residual: residual.abs(),
        tolerance: 4.0 * f64::EPSILON,
    };
    for k in 0..MAX_ITERATIONS {
        let (v, slope) = f(x)?;
        value = v;
        if v.is_nan() || slope.is_nan() {
            return Err(fail(k, v));
        }
        if v == 0.0 {
            return Ok(x);
        }
        if v < 0.0 {
            lo = x;
        } else {
            hi = x;
        }
        let mut next = x - v / slope;
        if !(next > lo && next < hi) {
            next = 0.5 * (lo + hi);
        }
        if (next - x).abs() <= 4.0 * f64::EPSILON * x.abs() || hi - lo <= 4.0 * f64::EPSILON * hi {
            return Ok(next);
        }
        x = next;
    }
    Err(fail(MAX_ITERATIONS, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_roots_and_survives_bad_slopes() {
        // x³ − 2 on [0, 2]: the cube root of 2 to a few ulp.
        let r = increasing_root(
            "cube",
            |x| Ok((x * x * x - 2.0, 3.0 * x * x)),
            (0.0, 2.0),
            1.0,
        );
        assert!((r.unwrap() - 2f64.cbrt()).abs() <= 4.0 * f64::EPSILON * 2f64.cbrt());
        // A slope far too small throws Newton out of the bracket at every
        // step: bisection still converges.
        let r = increasing_root("flat", |x| Ok((x - 0.3, 1e-9)), (0.0, 1.0), 0.9);
        assert!((r.unwrap() - 0.3).abs() <= 1e-15);
        // An error of f is passed on.
        let e = increasing_root("err", |_| Err(Error::Other("f".into())), (0.0, 1.0), 0.5);
        assert!(e.is_err());
    }

    #[test]
    fn a_nan_function_is_an_error_not_a_hang() {
        let e = increasing_root("nan", |_| Ok((f64::NAN, 1.0)), (0.0, 1.0), 0.5).unwrap_err();
        assert!(matches!(e, Error::NoConvergence { iterations: 0, .. }));
    }
}
