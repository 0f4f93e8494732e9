//! The Hebbian random-features Hopfield model at zero temperature in the
//! replica-symmetric theory (theory/random_features.md): the storage line
//! α_c(α_D), below which a state correlated with one training example is a
//! fixed point, and the learning line α_D^c(α), below which a state
//! correlated with one feature is.
//!
//! `spectrum` holds the Marchenko–Pastur averages, `equations` the
//! saddle-point map and site averages, `fold` the lines as folds of the
//! reduced equations (the reported values) and `iteration` the same lines by
//! bisection on the existence of an iterated retrieval state (the
//! independent check).

pub mod equations;
pub mod fold;
pub mod iteration;
pub mod spectrum;

pub use fold::{learning_line, storage_line, Line};
