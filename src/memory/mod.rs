//! Associative memory: learning rules, zero-temperature dynamics, retrieval
//! and basins of attraction, and exact separability (feasibility).

pub mod couplings;
pub mod dynamics;
pub mod feasibility;
pub mod generalization;
mod guarded_fields;
pub mod potts_dynamics;
pub mod protocol;
pub mod retrieval;
pub mod rules;
pub mod storability;
pub mod symmetric_margin;
pub mod symmetric_relaxation;
