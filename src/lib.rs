//! plam: a theory-and-numerics verification suite for pseudo-likelihood
//! associative memories.
//!
//! The theory half (replica-symmetric saddle point of a fixed-norm perceptron,
//! capacities) lives in [`normal`], [`integration`], [`loss`], [`saddle_point`]
//! and [`capacity`]; every formula cites its equation in `theory/`.

pub mod capacity;
pub mod dynamics;
pub mod error;
pub mod feasibility;
pub mod integration;
pub mod loss;
pub mod normal;
pub mod plotting;
pub mod report;
pub mod retrieval;
pub mod rules;
pub mod saddle_point;
pub mod validation;

pub use error::{Error, Result};
pub mod output;
pub mod patterns;
pub mod stabilities;
pub mod statistics;
pub mod training;
