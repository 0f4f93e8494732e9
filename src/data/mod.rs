//! Data: pattern and random-features generators, binarized MNIST, the
//! Edwards–Anderson spin glass and its sampler, and array files (.npy, CSV,
//! JSON).

pub mod mnist;
pub mod output;
pub mod parallel_tempering;
pub mod patterns;
pub mod random_features;
pub mod spin_glass;
