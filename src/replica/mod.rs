//! Replica theory of the fixed-norm perceptron: losses, the replica-symmetric
//! saddle point and the law P(Δ) it defines, Gardner's capacity and Cover's
//! counting. Every formula cites its number in `theory/replica.md`.

pub mod capacity;
pub mod counting;
pub mod loss;
pub mod random_features;
pub mod row_bound;
pub mod row_symmetry;
pub mod saddle_point;
pub mod symmetric_capacity;
