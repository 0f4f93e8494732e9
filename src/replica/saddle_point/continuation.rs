//! Continuation along a path of neighbouring (loss, α) points: each saddle
//! point starts Newton from the ln x its predecessors predict
//! (theory/replica.md §7), and grids are solved as rows of such paths in
//! parallel.

use super::solution::Solution;
use super::solver::{solve_from, solve_with, Options};
use crate::replica::loss::Loss;
use crate::Result;
use rayon::prelude::*;
use std::sync::Arc;

/// The start of the next point's Newton iteration from the ln x of the last
/// two solutions of the path (oldest first): their linear extrapolation
/// (error O(h²) in the step h of a smooth path), or the last one alone.
fn predict(last: &[f64]) -> Option<f64> {
    match *last {
        [.., u0, u1] => Some(2.0 * u1 - u0),
        [u1] => Some(u1),
        [] => None,
    }
}

/// Solves the saddle points of `points` in order, each starting from the
/// ln x its two predecessors predict ([`solve_from`]); the first point, and
/// any point after a failure, is solved cold ([`solve_with`]). A warm start
/// that fails or stops at the iteration cap is retried cold, so the path
/// fails only where the isolated solve does. Every returned point meets the
/// stopping rule of [`solve_with`], so it agrees with the isolated solve to
/// the rounding level of ln x (the tests hold both to 1e-9 relative).
pub fn solve_path(points: &[(Arc<dyn Loss>, f64)], options: &Options) -> Vec<Result<Solution>> {
    let mut last: Vec<f64> = Vec::with_capacity(2);
    points
        .iter()
        .map(|(loss, alpha)| {
            let warm = predict(&last)
                .map(|u0| solve_from(loss.clone(), *alpha, u0, options))
                .filter(|r| r.as_ref().is_ok_and(|s| s.termination.converged()));
            let solution = match warm {
                Some(s) => s,
                None => solve_with(loss.clone(), *alpha, options),
            };
            match &solution {
                Ok(s) if s.termination.converged() => {
                    if last.len() == 2 {
                        last.remove(0);
                    }
                    last.push(s.ln_x);
                }
                _ => last.clear(),
            }
            solution
        })
        .collect()
}

/// Solves the saddle points of the grid `alphas` × `losses` in α-major order:
/// each α-row is cut into runs of neighbouring losses, each run a
/// [`solve_path`], the runs in parallel (rayon). Rows are cut so that the
/// grid has at least [`GRID_RUNS`] runs (load balance), but never into runs
/// shorter than [`MIN_RUN`] (each run's first point is cold). The cut depends
/// on the grid's shape only, so the results do not depend on the number of
/// threads.
pub fn solve_grid(
    alphas: &[f64],
    losses: &[Arc<dyn Loss>],
    options: &Options,
) -> Vec<Result<Solution>> {
    let runs_per_row = GRID_RUNS.div_ceil(alphas.len().max(1));
    let run = losses.len().div_ceil(runs_per_row).max(MIN_RUN);
    let runs: Vec<(f64, &[Arc<dyn Loss>])> = alphas
        .iter()
        .flat_map(|&alpha| losses.chunks(run).map(move |c| (alpha, c)))
        .collect();
    runs.par_iter()
        .flat_map_iter(|&(alpha, chunk)| {
            let path: Vec<_> = chunk.iter().map(|l| (l.clone(), alpha)).collect();
            solve_path(&path, options)
        })
        .collect()
}

/// The shortest run of a grid row solved by continuation.
pub const MIN_RUN: usize = 16;

/// The number of runs [`solve_grid`] aims at: four per thread on up to 8
/// threads.
pub const GRID_RUNS: usize = 32;
