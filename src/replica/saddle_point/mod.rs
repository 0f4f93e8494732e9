//! The zero-temperature replica-symmetric saddle point of a fixed-norm
//! perceptron with a convex loss ℓ (theory/replica.md §2–§4).
//!
//! With t ~ N(0, 1) and x = β(1 − q), the stability of a pattern whose
//! "Hebbian" field is t is the proximal point Δ*(t), the root of
//! g(Δ) = Δ + xℓ′(Δ) = t (eq. (R3)); x solves α E_t[(Δ* − t)²] = 1 (eq. (R4)).
//! Since g is increasing, P(Δ) = φ(g(Δ)) g′(Δ) and F(Δ) = Φ(g(Δ)) in closed
//! form once x is known (eq. (R5)); kinks of ℓ add atoms (eq. (R6)).
//!
//! Numerics. x spans thousands of decades over the supported domain (it grows
//! like e^{2λκ*} at large λ), so the unknown is u = ln x, found by a
//! safeguarded Newton iteration on ln S(u) = 0 with S(u) = αE[(Δ*−t)²], which
//! is increasing in u with dS/du = 2αE[(Δ*−t)²·∂Δ*/∂t] (eq. (R7)), computed in
//! the same pass; the early passes use a rough fixed rule, the last ones the
//! full adaptive rule (theory/replica.md §7). Every expectation is an integral over Δ with no inner root
//! finding (eq. (R5′)), split at the images of a fixed t-grid, at the loss's
//! kinks and around its slope transitions, and refined by adaptive
//! Gauss–Kronrod to a relative tolerance of 1e-12 per component. The t-space
//! form with an inner proximal solve is kept as an independent check
//! ([`Law::expect_t`]). Gaussian mass beyond |t| = 9 (2.3e-19) is
//! dropped. Achieved accuracy (tests): ≤ 1e-10 relative on every reported
//! quantity over α, λ ∈ [1e-3, 1e3].
//!
//! Files: [`law`] (the law P(Δ) at a given x), [`expectation`] (E_t[·] over
//! it), `moments` (one solver pass), [`solver`] (Newton on ln S, options,
//! termination), [`solution`] (the reported quantities).

mod continuation;
pub mod expectation;
pub mod law;
mod moments;
pub mod solution;
pub mod solver;

pub use continuation::{solve_grid, solve_path, GRID_RUNS, MIN_RUN};
pub use expectation::{Point, T_MAX};
pub use law::Law;
pub use solution::{Solution, Summary};
pub use solver::{solve, solve_arc, solve_from, solve_pl, solve_with, Options, Termination};
