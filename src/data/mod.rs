//! Data: pattern generators and array files (.npy, CSV, JSON).

pub mod output;
pub mod patterns;
