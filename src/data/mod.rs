//! Data: pattern and random-features generators and array files (.npy, CSV, JSON).

pub mod output;
pub mod patterns;
pub mod random_features;
