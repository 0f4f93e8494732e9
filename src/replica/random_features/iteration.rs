//! The lines located by iterating the saddle-point equations
//! (theory/random_features.md §5, method I): a retrieval state exists at
//! (α, α_D) when the fixed-point map (RF12)–(RF14), started from perfect
//! retrieval, stays on the retrieval side; the line is bisected on that
//! existence. Independent of the fold method of `fold.rs` except for the
//! spectrum and the site averages both read.

use super::equations::{learning_map, storage_map, LearningState, Loads, StorageState};
use super::spectrum::KAPPA1_SQ;
use crate::error::Result;
use crate::Error;

/// Iterations of the map before a state still on the retrieval side counts as
/// existing: near a fold at relative distance ε on the far side the iterate
/// lingers ~π/√ε steps, so the cap misclassifies only ε ≲ (π/cap)².
pub const MAX_ITERATIONS: usize = 4000;
/// A state whose overlap falls below this value has left the retrieval branch.
const RETRIEVAL: f64 = 0.5;
/// Converged when no component moves by more than this.
const STEP_TOL: f64 = 1e-14;

/// Whether an example is retrieved at `loads` (the iterated map stays above
/// m = 1/2 and below the spectral edge), with the state reached.
pub fn example_retrieved(loads: &Loads) -> Result<Option<StorageState>> {
    let mut s = StorageState {
        m: 1.0,
        t: KAPPA1_SQ.sqrt(),
        x: 0.0,
    };
    for _ in 0..MAX_ITERATIONS {
        let next = storage_map(loads, s)?;
        if next.m < RETRIEVAL || next.x >= loads.spectrum.x_max() {
            return Ok(None);
        }
        let step = (next.m - s.m)
            .abs()
            .max((next.t - s.t).abs())
            .max((next.x - s.x).abs());
        s = next;
        if step <= STEP_TOL {
            break;
        }
    }
    Ok(Some(s))
}

/// Whether a feature is retrieved at `loads`, with the state reached.
pub fn feature_retrieved(loads: &Loads) -> Result<Option<LearningState>> {
    let mut s = LearningState { t: 1.0, x: 0.0 };
    for _ in 0..MAX_ITERATIONS {
        let next = learning_map(loads, s)?;
        if next.t < RETRIEVAL || next.x >= loads.spectrum.x_max() {
            return Ok(None);
        }
        let step = (next.t - s.t).abs().max((next.x - s.x).abs());
        s = next;
        if step <= STEP_TOL {
            break;
        }
    }
    Ok(Some(s))
}

/// Bisects a parameter p > 0 between a value where `exists(p)` and one where
/// not (found by doubling from `start`), to relative width `rtol`.
pub fn bisect_existence(
    what: &str,
    mut exists: impl FnMut(f64) -> Result<bool>,
    start: f64,
    rtol: f64,
) -> Result<f64> {
    let (mut lo, mut hi) = (start, start);
    while !exists(lo)? {
        lo *= 0.5;
        if lo < 1e-12 {
            return Err(Error::NoSolution(format!(
                "{what}: no retrieval state down to 1e-12"
            )));
        }
    }
    while exists(hi)? {
        hi *= 2.0;
        if hi > 1e6 {
            return Err(Error::NoSolution(format!("{what}: retrieval up to 1e6")));
        }
    }
    while hi - lo > rtol * hi {
        let mid = 0.5 * (lo + hi);
        if exists(mid)? {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok(0.5 * (lo + hi))
}

/// The storage line α_c(α_D) by bisection on [`example_retrieved`].
pub fn storage_line(alpha_d: f64, rtol: f64) -> Result<f64> {
    bisect_existence(
        "storage line",
        |alpha| Ok(example_retrieved(&Loads::new(alpha, alpha_d)?)?.is_some()),
        0.1,
        rtol,
    )
}

/// The learning line α_D^c(α) by bisection on [`feature_retrieved`].
pub fn learning_line(alpha: f64, rtol: f64) -> Result<f64> {
    bisect_existence(
        "learning line",
        |alpha_d| Ok(feature_retrieved(&Loads::new(alpha, alpha_d)?)?.is_some()),
        0.05,
        rtol,
    )
}
