//! Numerics: the normal law in both tails, adaptive quadrature and sample
//! statistics (moments, KS, W1, histograms), finite-size extrapolation,
//! bracketed roots.
//! Imports nothing from the crate but its error type.

pub mod extrapolation;
pub mod integration;
pub mod normal;
pub mod rng;
pub mod roots;
pub mod special;
pub mod statistics;
