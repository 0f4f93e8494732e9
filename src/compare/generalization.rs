//! One point of the random-features generalization experiment: draw the
//! features, the training and the test examples (theory/random_features.md,
//! eq. (RF1)), train pseudo-likelihood couplings by gradient descent, build
//! the Hebbian couplings of the same examples, and measure both from the
//! training examples, the features, the test examples and random starts
//! (eqs. (M38)–(M39) of `theory/memory.md`).
//!
//! `plam generalize` and the claim `generalization_random_features` both run
//! this; the streams of every random draw are those of
//! [`crate::data::random_features`] and [`random_configurations`].

use nalgebra::DMatrix;

use crate::compare::simulation::mean_effective_norm;
use crate::data::patterns::{num_patterns, random_configurations};
use crate::data::random_features::{Coefficients, RandomFeatures, Split};
use crate::error::{ensure, Result};
use crate::learning::{Coupling, GdConfig};
use crate::memory::dynamics::{DynamicsOptions, Network, Schedule};
use crate::memory::generalization::{measure, SetResult, StartSet};
use crate::memory::protocol::Protocol;
use crate::memory::rules::{self, PlTraining};

/// Step cap of the converged protocol (eq. (M33)); a state still moving
/// then is reported as it is.
pub const CONVERGE_CAP: usize = 1000;

/// The names of the measured start sets, in the order of [`PointRun::pl`].
pub const SET_NAMES: [&str; 4] = ["train", "features", "test", "random"];

/// Everything that defines one point of the experiment except the seed.
#[derive(Debug, Clone)]
pub struct RfPoint {
    /// Number of neurons N.
    pub n: usize,
    /// Load α = P/N of training examples (P = round(αN)).
    pub alpha: f64,
    /// Feature density α_D = D/N (D = round(α_D·N)).
    pub alpha_d: f64,
    /// The examples' coefficients: dense, or L non-zero ones.
    pub coefficients: Coefficients,
    /// Number of test examples.
    pub test: usize,
    /// Number of random ±1 starts.
    pub random: usize,
    /// Asymmetric or symmetric pseudo-likelihood couplings.
    pub coupling: Coupling,
    /// Gradient descent of the pseudo-likelihood couplings.
    pub gd: GdConfig,
    /// The dynamics' budget: T synchronous steps (M34) or converged (M33).
    pub protocol: Protocol,
}

/// What one seed of one point measured.
#[derive(Debug, Clone)]
pub struct PointRun {
    /// Number of training examples P.
    pub p: usize,
    /// Number of features D.
    pub d: usize,
    /// Zero sums broken by a random sign, in the training examples.
    pub ties_train: usize,
    /// The same in the test examples.
    pub ties_test: usize,
    /// PL effective norm λ = β·mean_i |J_i|.
    pub lambda_eff: f64,
    /// The pseudo-likelihood couplings' sets, named as [`SET_NAMES`], each
    /// with its nearest overlaps to the training examples and the features.
    pub pl: Vec<SetResult>,
    /// The same for the Hebbian couplings.
    pub hebb: Vec<SetResult>,
}

/// Every start set relaxed under `j`, against the reference sets,
/// eqs. (M38)–(M39).
fn measure_couplings(
    j: DMatrix<f64>,
    starts: &[StartSet],
    references: &[StartSet],
    protocol: &Protocol,
) -> Result<Vec<SetResult>> {
    let net = Network::new(j)?;
    let dynamics = DynamicsOptions {
        schedule: Schedule::Synchronous,
        max_steps: CONVERGE_CAP,
        seed: 0,
    };
    measure(&net, starts, references, protocol, &dynamics)
}

/// Draws the data of `seed`, trains PL, builds Hebb and measures both.
///
/// Fails with [`crate::Error::InvalidInput`] for sizes the data refuse
/// (N < 2, α or α_D not positive, P or D rounding to zero), a sparse L
/// larger than D, or no test or random starts.
pub fn run_point(point: &RfPoint, seed: u64) -> Result<PointRun> {
    ensure(point.test > 0 && point.random > 0, || {
        "the numbers of test and random starts must be at least 1".into()
    })?;
    let p = num_patterns(point.n, point.alpha)?;
    let rf = RandomFeatures::generate(point.n, point.alpha_d, seed)?;
    if let Coefficients::Sparse(l) = point.coefficients {
        ensure(l <= rf.d(), || {
            format!(
                "L = {l} exceeds the number of features D = round(alpha_d*N) = {}",
                rf.d()
            )
        })?;
    }
    let train = rf.examples(p, point.coefficients, Split::Train)?;
    let test = rf.examples(point.test, point.coefficients, Split::Test)?;
    let xi = train.patterns.xi;
    let train_set = StartSet::new(SET_NAMES[0], xi.clone())?;
    let feature_set = StartSet::new(SET_NAMES[1], rf.features.clone())?;
    let starts = [
        train_set.clone(),
        feature_set.clone(),
        StartSet::new(SET_NAMES[2], test.patterns.xi)?,
        StartSet::new(
            SET_NAMES[3],
            random_configurations(point.n, point.random, seed)?,
        )?,
    ];
    let refs = [train_set, feature_set];
    let j = rules::pseudo_likelihood(
        &xi,
        point.coupling,
        &PlTraining::GradientDescent(point.gd.clone()),
    )?;
    Ok(PointRun {
        p,
        d: rf.d(),
        ties_train: train.ties,
        ties_test: test.ties,
        lambda_eff: mean_effective_norm(&j, point.gd.beta),
        pl: measure_couplings(j, &starts, &refs, &point.protocol)?,
        hebb: measure_couplings(rules::hebb(&xi)?, &starts, &refs, &point.protocol)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(coefficients: Coefficients, test: usize, epochs: usize) -> RfPoint {
        RfPoint {
            n: 40,
            alpha: 0.25,
            alpha_d: 0.1,
            coefficients,
            test,
            random: 5,
            coupling: Coupling::Asymmetric,
            gd: GdConfig::paper(epochs),
            protocol: Protocol::paper(),
        }
    }

    #[test]
    fn bad_points_are_refused_with_a_message() {
        let e = run_point(&point(Coefficients::Sparse(5), 10, 1), 1).unwrap_err();
        assert!(e.to_string().contains("L = 5 exceeds"), "{e}");
        let e = run_point(&point(Coefficients::Dense, 0, 1), 1).unwrap_err();
        assert!(e.to_string().contains("at least 1"), "{e}");
    }

    /// At P = 10 examples of N = 40 (L = 3, no ties) after the paper's 401
    /// epochs, PL stores every training example, the
    /// sets come back in the order of [`SET_NAMES`], and the run depends
    /// only on the seed.
    #[test]
    fn small_point_stores_and_is_reproducible() {
        let p = point(Coefficients::Sparse(3), 10, 401);
        let a = run_point(&p, 3).unwrap();
        let names: Vec<&str> = a.pl.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, SET_NAMES);
        assert_eq!((a.p, a.d), (10, 4));
        assert_eq!(a.pl[0].overlap, 1.0);
        let b = run_point(&p, 3).unwrap();
        assert_eq!(a.pl, b.pl);
        assert_eq!(a.hebb, b.hebb);
    }
}
