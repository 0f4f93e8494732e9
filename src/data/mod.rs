//! Data: pattern and random-features generators, binarized MNIST, protein
//! alignments (FASTA/A2M), their sequence weights and plmc's coupling-score
//! files, a Gibbs sampler of Potts models, the Edwards–Anderson spin glass and
//! its sampler, and array files (.npy, CSV, JSON).

pub mod mnist;
pub mod msa;
pub mod output;
pub mod parallel_tempering;
pub mod patterns;
pub mod plmc_couplings;
pub mod potts_sampler;
pub mod random_features;
pub mod sequence_weights;
pub mod spin_glass;
