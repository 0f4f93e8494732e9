//! Data: pattern and random-features generators, binarized MNIST and array files (.npy, CSV, JSON).

pub mod mnist;
pub mod output;
pub mod patterns;
pub mod random_features;
