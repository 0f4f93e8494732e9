//! Comparisons of simulations with the theory: the stabilities of trained
//! couplings against the replica law P(Δ) and Gardner's maximal-margin law,
//! the summaries `plam simulate` and `plam basins` report, and one point of
//! the random-features, the binarized-MNIST and the Edwards–Anderson
//! generalization experiments ([`generalization`], [`generalization_mnist`],
//! [`generalization_spin_glass`], [`generalization_proteins`]), and the Potts
//! contact scores against plmc's ([`contact_agreement`]). This layer sits
//! above both the theory ([`crate::replica`]) and the simulations
//! ([`crate::learning`]), so neither imports the other.

pub mod contact_agreement;
pub mod generalization;
pub mod generalization_mnist;
pub mod generalization_proteins;
pub mod generalization_spin_glass;
pub mod simulation;
pub mod stabilities;
