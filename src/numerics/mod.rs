//! Numerics: the normal law in both tails, adaptive quadrature and sample
//! statistics (moments, KS, W1, histograms, autocorrelation times),
//! finite-size extrapolation,
//! dense matrix products (AVX-512 when the machine has it),
//! bracketed roots, damped Newton minimisation.
//! Imports nothing from the crate but its error type.

pub mod autocorrelation;
pub mod extrapolation;
pub mod gemm;
pub mod integration;
pub mod newton;
pub mod normal;
pub mod rng;
pub mod roots;
pub mod special;
pub mod statistics;
