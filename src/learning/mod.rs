//! Learning: the pseudo-likelihood training problem, fixed-norm and
//! gradient-descent training, and the stabilities of trained couplings. This
//! layer never imports the replica theory it is checked against.

pub mod couplings;
pub mod stabilities;
pub mod training;
