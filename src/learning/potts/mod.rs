//! The Potts pseudo-likelihood for protein families (theory/potts.md): data with
//! sequence weights and ignored gaps, the weighted penalised objective in its
//! asymmetric and symmetric forms, L-BFGS, and contact scores.
//!
//! - [`data`]: [`PottsData`], codes and weights, from an alignment (eq. (Q4));
//! - [`model`]: [`PottsModel`], fields and couplings in site layout;
//! - [`objective`]: the objective and its gradient, eqs. (Q3)–(Q7);
//! - [`lbfgs`]: argmin's L-BFGS on a value-and-gradient function, eq. (Q9);
//! - [`fit`]: [`fit_potts`], per site in parallel or jointly;
//! - [`scores`]: zero-sum gauge, Frobenius norms and APC, eqs. (Q10)–(Q12).

pub mod data;
pub mod fit;
pub mod lbfgs;
pub mod model;
pub mod objective;
pub mod scores;

pub use data::PottsData;
pub use fit::{fit_potts, FitReport, PottsConfig, PottsFit};
pub use lbfgs::LbfgsOptions;
pub use model::PottsModel;
pub use objective::{objective, Penalty};
pub use scores::contact_scores;
