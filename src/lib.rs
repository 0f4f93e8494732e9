//! plam: a theory-and-numerics verification suite for pseudo-likelihood
//! associative memories.
//!
//! The crate is layered; each folder imports only from the ones before it:
//! [`numerics`] → [`replica`] → [`data`] → [`learning`] → [`memory`] →
//! [`compare`] → [`figures`] → [`validation`]. Training never imports the
//! theory it is checked against; [`compare`] sits above both. Every formula
//! cites its equation in `theory/`.
//!
//! The entry points a library user needs are re-exported here.
//!
//! # Examples
//!
//! Solve the replica saddle point at load α = 1 and norm λ = 2 and read off
//! the law of the stabilities (theory/replica.md):
//!
//! ```
//! let sol = plam::solve_pl(1.0, 2.0)?;
//! assert!(sol.residual < 1e-12);
//! assert!((sol.mean - 0.772913124675626).abs() < 1e-9);
//! assert!(sol.cdf(0.0) > 0.0 && sol.cdf(0.0) < 1e-5); // ε = Φ(−xλ)
//! # Ok::<(), plam::Error>(())
//! ```
//!
//! Train a network of N = 60 neurons on P = 24 random patterns by the
//! paper's gradient descent, and at fixed norm λ = 1.6:
//!
//! ```
//! use plam::{train_fixed_norm, train_gd, Coupling, FixedNormConfig, GdConfig, PatternKind, Patterns, Problem};
//! let patterns = Patterns::generate(60, 0.4, PatternKind::Binary, 7)?;
//! let problem = Problem::network(&patterns, Coupling::Asymmetric)?;
//! let gd = train_gd(&problem, &GdConfig::paper(100), &mut |_| {})?;
//! assert_eq!(gd.trajectory.last().unwrap().epoch, 100);
//! let fixed = train_fixed_norm(&problem, &FixedNormConfig::new(1.6), &mut |_, _| {})?;
//! let norms = plam::learning::couplings::row_norms(&fixed.j);
//! assert!(norms.iter().all(|r| (r - 1.6).abs() < 1e-9));
//! # Ok::<(), plam::Error>(())
//! ```
//!
//! Store patterns with a classical rule and relax the zero-temperature
//! dynamics from them (theory/memory.md):
//!
//! ```
//! use plam::{rules, DynamicsOptions, Network, PatternKind, Patterns};
//! let patterns = Patterns::generate(200, 0.05, PatternKind::Binary, 1)?;
//! let net = Network::new(rules::hebb(&patterns.xi)?)?;
//! let relaxed = net.relax(patterns.xi.clone(), &DynamicsOptions::default())?;
//! // Hebb's rule far below capacity: every pattern is a fixed point.
//! assert!(relaxed.converged.iter().all(|&c| c));
//! assert_eq!(relaxed.states, patterns.xi);
//! # Ok::<(), plam::Error>(())
//! ```
//!
//! Run a validation claim at CI size; its figure, JSON data, checks and
//! verdicts are written to the output folder:
//!
//! ```no_run
//! let claim = plam::find_claim("capacity").expect("a registered claim");
//! let results = plam::run_claim(claim, plam::Size::Quick, std::path::Path::new("out"));
//! assert!(results.checks.iter().all(|c| c.passed));
//! for v in &results.verdicts {
//!     println!("{}: {:?}", v.statement, v.outcome);
//! }
//! ```

#![warn(missing_docs)]

pub mod compare;
pub mod data;
pub mod error;
pub mod figures;
pub mod learning;
pub mod memory;
pub mod numerics;
pub mod replica;
pub mod validation;

pub use data::patterns::{PatternKind, Patterns};
pub use error::{Error, Result};
pub use learning::{
    train_fixed_norm, train_gd, Coupling, FixedNormConfig, GdConfig, Problem, Stabilities,
};
pub use memory::dynamics::{DynamicsOptions, Network, Schedule};
pub use memory::retrieval::{basin_sizes, retrieval_curve, RetrievalOptions};
pub use memory::rules;
pub use replica::loss::{Hinge, Loss, PseudoLikelihood, Square};
pub use replica::saddle_point::{solve, solve_pl, Options as SolverOptions, Solution, Termination};
pub use validation::{find as find_claim, run_claim, Size, REGISTRY};
