//! Stabilities of trained couplings (eq. (T2)) against the laws of the replica
//! theory: the pseudo-likelihood P(Δ) at (α, λ) and, as λ → ∞, Gardner's
//! maximal-margin law (theory/training.md, eqs. (T13), (T14)).

use crate::error::Result;
use crate::learning::stabilities::{Comparison, Stabilities};
use crate::numerics::{normal, statistics::wasserstein1};
use crate::replica::capacity::max_margin;
use crate::replica::saddle_point::{solve_pl, Solution};

/// Compares the stabilities with the replica P(Δ) of the pseudo-likelihood loss
/// at (α, λ) ([`solve_pl`]), returning the KS and W1 distances and the solution
/// (for its ε, mean, variance, loss).
pub fn compare_with_replica(
    st: &Stabilities,
    alpha: f64,
    lambda: f64,
) -> Result<(Comparison, Solution)> {
    let sol = solve_pl(alpha, lambda)?;
    let c = st.compare(|x| sol.cdf(x))?;
    Ok((c, sol))
}

/// W1 distance (eq. (T14)) of the stabilities to Gardner's maximal-margin law at
/// load α < 2, Φ(κ*)δ(Δ − κ*) + θ(Δ − κ*)φ(Δ) (the λ → ∞ limit), and κ*(α)
/// ([`max_margin`]).
pub fn w1_to_max_margin(st: &Stabilities, alpha: f64) -> Result<(f64, f64)> {
    let k = max_margin(alpha)?;
    let w = wasserstein1(st.values(), |x| if x < k { 0.0 } else { normal::cdf(x) })?;
    Ok((w, k))
}
