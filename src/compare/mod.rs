//! Comparisons of simulations with the theory.

pub mod simulation;
