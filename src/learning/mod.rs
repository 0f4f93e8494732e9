//! Learning: training of pseudo-likelihood networks and perceptrons
//! (theory/training.md) and the stabilities of the trained couplings. This layer
//! never imports the replica theory it is checked against; the comparisons live
//! in `compare`, above both.
//!
//! - [`problem`]: the training problem, its fields, loss and gradient (eqs. (T1)–(T5));
//! - [`fixed_norm`]: [`train_fixed_norm`], Riemannian L-BFGS on the product of
//!   spheres |J_i| = λ (asymmetric networks, perceptrons) or on the sphere
//!   ‖J‖_F = λ√N in the space of symmetric zero-diagonal matrices (symmetric
//!   networks), eqs. (T6)–(T9), on the constraint set of `sphere`;
//! - [`gradient_descent`]: [`train_gd`], plain full-batch gradient descent with
//!   learning rate η from a zero, Hebbian or small random start (eq. (T10)),
//!   recorded at log-spaced epochs by [`trajectory`] (eq. (T12));
//!   [`span`] holds the cheaper form of the same descent in the span of the
//!   patterns (eqs. (T16)–(T18));
//! - [`minibatch`]: [`train_minibatch`], the same descent on reshuffled
//!   mini-batches (eq. (T19));
//! - [`precision`]: f32 or f64 kernels for gradient descent (statistics in f64);
//! - [`stabilities`]: Δ_i^μ (eq. (T2)) and their distances to a given law;
//! - [`boltzmann`]: exact maximum-likelihood (Boltzmann) learning of a small
//!   pairwise Ising model by enumeration (theory/spin_glass.md (G17));
//! - [`couplings`]: elementary operations on coupling matrices.
//!
//! Results never depend on the number of threads: the matrix products split only
//! the output among threads (each entry is accumulated in the same order), the
//! element-wise passes run over columns and partial sums are added in column order.

pub mod boltzmann;
pub mod couplings;
pub mod fixed_norm;
pub mod gradient_descent;
pub mod minibatch;
pub mod potts;
pub mod precision;
pub mod problem;
pub mod pseudo_likelihood_newton;
pub mod span;
mod sphere;
pub mod stabilities;
pub mod trajectory;

pub use fixed_norm::{
    train_fixed_norm, train_fixed_norm_from, train_fixed_norm_reached, FixedNormConfig,
    FixedNormObserver, FixedNormReached, FixedNormResult,
};
pub use gradient_descent::{train_gd, GdConfig, GdObserver, GdResult, GradientDescent, Init};
pub use minibatch::train_minibatch;
pub use precision::{Precision, Real};
pub use problem::{Coupling, Problem};
pub use span::Form;
pub use stabilities::{Comparison, Stabilities};
pub use trajectory::{log_epochs, Snapshot, TrajectoryPoint};
