//! One point of the protein-family generalization experiment
//! (theory/potts.md §5): a seeded shuffle of the alignment's sequences puts
//! the first `test` aside as held-out test sequences (the same for every α of
//! a seed) and takes the next P = round(α·L) as training sequences; a Potts
//! model is fitted to them by penalised pseudo-likelihood (eqs. (Q6)/(Q7));
//! training, test and uniformly random sequences are relaxed by the
//! zero-temperature dynamics (Q13)–(Q14) and compared by identity (Q15).
//!
//! The gap is a state (q = 21 for proteins): the dynamics needs a state at
//! every site. `plam generalize --data protein` and the claim
//! `generalization_proteins` both run this; the streams are
//! [`crate::numerics::rng::MSA_SHUFFLE`] (the split) and
//! [`crate::numerics::rng::RANDOM_STARTS`] + c (random sequence c).

use crate::data::msa::Msa;
use crate::data::patterns::num_patterns;
use crate::data::sequence_weights::{effective_number, weights_of_codes};
use crate::error::{ensure, Result};
use crate::learning::potts::{
    fit_potts, FitReport, LbfgsOptions, Penalty, PottsConfig, PottsData, PottsModel,
};
use crate::learning::Coupling;
use crate::memory::potts_dynamics::{identity, relax_all};
use crate::numerics::rng::{stream, MSA_SHUFFLE, RANDOM_STARTS};
use crate::numerics::statistics::mean_sem;
use rand::seq::SliceRandom;
use rand::RngExt;
use rayon::prelude::*;
use serde::Serialize;

/// Everything that defines one point except the seed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProteinPoint {
    /// Load α = P/L (P = round(α·L) training sequences, L focus sites).
    pub alpha: f64,
    /// Held-out test sequences: the first `test` of the shuffle.
    pub test: usize,
    /// Uniformly random sequences.
    pub random: usize,
    /// At most this many training sequences are relaxed (the first of the
    /// training set); all P are fitted.
    pub max_train_starts: usize,
    /// Asymmetric or symmetric couplings.
    pub coupling: Coupling,
    /// The L2 penalties (plmc's convention, eqs. (Q6)/(Q7)).
    pub penalty: Penalty,
    /// The optimiser's stopping rule.
    pub lbfgs: LbfgsOptions,
    /// Sequence reweighting at identity ≥ 1 − θ among the training
    /// sequences, eq. (Q1); `None`: every training sequence weighs 1.
    pub theta: Option<f64>,
    /// Synchronous steps of the dynamics.
    pub steps: usize,
}

/// The defaults of `plam generalize --data protein` and of the claim, bar α.
impl ProteinPoint {
    /// plmc's penalties (λ_J = 16, λ_h = 0.01), unit weights, 10 steps, 200
    /// test and 100 random sequences, 300 training starts, L-BFGS to
    /// |∇F| ≤ 1e-3 or 100 iterations (plmc's default budget).
    pub fn new(alpha: f64, coupling: Coupling) -> Self {
        Self {
            alpha,
            test: 200,
            random: 100,
            max_train_starts: 300,
            coupling,
            penalty: Penalty {
                lambda_h: 0.01,
                lambda_j: 16.0,
            },
            lbfgs: LbfgsOptions {
                gradient_tolerance: 1e-3,
                max_iterations: 100,
                memory: 7,
            },
            theta: None,
            steps: crate::memory::potts_dynamics::DEFAULT_STEPS,
        }
    }
}

/// One start set's measurement, means over its starts with standard errors.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SetStats {
    /// "train", "test" or "random".
    pub name: String,
    /// Number of starts.
    pub count: usize,
    /// Mean identity of the final state with its start, eq. (Q15).
    pub overlap: f64,
    /// Its standard error over the starts.
    pub overlap_err: f64,
    /// Fraction of starts that are fixed points (final = start).
    pub fixed: f64,
    /// Mean identity of the start with its nearest training sequence (other
    /// than itself for training starts).
    pub start_nearest_train: f64,
    /// Mean identity of the final state with its nearest training sequence.
    pub final_nearest_train: f64,
    /// Its standard error.
    pub final_nearest_train_err: f64,
    /// Fraction of starts whose final state is strictly closer to the start
    /// than to every training sequence (other than the start itself).
    pub closer_to_start: f64,
}

/// What one seed of one point measured.
#[derive(Debug, Clone)]
pub struct ProteinRun {
    /// Number of training sequences P.
    pub p: usize,
    /// Sites L and states q.
    pub l: usize,
    /// States per site (the gap included).
    pub q: usize,
    /// Effective number of training sequences, eq. (Q2).
    pub neff: f64,
    /// The fitted model.
    pub model: PottsModel,
    /// How the fit ended.
    pub fit: FitReport,
    /// Train, test and random, in that order.
    pub sets: Vec<SetStats>,
}

impl ProteinRun {
    /// The set called `name`.
    pub fn set(&self, name: &str) -> &SetStats {
        self.sets
            .iter()
            .find(|s| s.name == name)
            .expect("train, test and random are measured")
    }
}

/// The seeded split of `n` sequences: a permutation on stream MSA_SHUFFLE.
pub fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut ix: Vec<usize> = (0..n).collect();
    ix.shuffle(&mut stream(seed, MSA_SHUFFLE));
    ix
}

/// The codes of sequences `ix` of `msa`, row-major.
fn gather(msa: &Msa, ix: &[usize]) -> Vec<u8> {
    ix.iter()
        .flat_map(|&s| msa.sequence(s).iter().copied())
        .collect()
}

/// The largest P for `msa` and `test` held-out sequences, and the α it gives.
pub fn max_training(msa: &Msa, test: usize) -> usize {
    msa.n_sequences().saturating_sub(test)
}

/// Runs one point (see the module documentation).
///
/// Fails with a message for α not positive or asking more training sequences
/// than the alignment has beside the test set, no test or random starts, a
/// θ outside [0, 1], or bad penalties.
pub fn run_point(msa: &Msa, point: &ProteinPoint, seed: u64) -> Result<ProteinRun> {
    let (l, q) = (msa.n_sites(), msa.alphabet().q());
    ensure(
        point.test > 0 && point.random > 0 && point.max_train_starts > 0,
        || "the numbers of test, random and training starts must be at least 1".into(),
    )?;
    ensure(point.steps > 0, || {
        "the dynamics needs at least 1 step".into()
    })?;
    point.penalty.check()?;
    let p = num_patterns(l, point.alpha)?;
    let avail = max_training(msa, point.test);
    ensure(p <= avail, || {
        format!(
            "alpha = {}: P = round(alpha*{l}) = {p} training sequences exceed the {avail} left \
             beside the {} test sequences (alpha <= {:.3})",
            point.alpha,
            point.test,
            avail as f64 / l as f64
        )
    })?;
    let order = shuffled(msa.n_sequences(), seed);
    let (test_ix, rest) = order.split_at(point.test);
    let train_ix = &rest[..p];
    let train = gather(msa, train_ix);
    let weights = match point.theta {
        Some(theta) => weights_of_codes(&train, l, theta)?,
        None => vec![1.0; p],
    };
    let data = PottsData::new(l, q, train.clone(), weights.clone())?;
    let cfg = PottsConfig {
        coupling: point.coupling,
        penalty: point.penalty,
        lbfgs: point.lbfgs,
    };
    let fit = fit_potts(&data, &cfg)?;
    let n_train_starts = p.min(point.max_train_starts);
    let test = gather(msa, test_ix);
    let random: Vec<u8> = (0..point.random)
        .flat_map(|c| {
            let mut rng = stream(seed, RANDOM_STARTS + c as u64);
            (0..l)
                .map(|_| rng.random_range(0..q) as u8)
                .collect::<Vec<_>>()
        })
        .collect();
    let starts = [
        ("train", &train[..n_train_starts * l], true),
        ("test", &test[..], false),
        ("random", &random[..], false),
    ];
    let mut sets = Vec::new();
    for (name, s, own) in starts {
        let finals = relax_all(&fit.model, s, point.steps)?;
        sets.push(set_stats(name, s, &finals, &train, l, own));
    }
    Ok(ProteinRun {
        p,
        l,
        q,
        neff: effective_number(&weights),
        model: fit.model,
        fit: fit.report,
        sets,
    })
}

/// The measurement of one set: `starts` and their `finals` against the
/// training sequences `train`; with `own`, start k is training sequence k and
/// is left out of its own nearest-training comparison.
fn set_stats(
    name: &str,
    starts: &[u8],
    finals: &[u8],
    train: &[u8],
    l: usize,
    own: bool,
) -> SetStats {
    let rows: Vec<(f64, f64, f64, f64, f64)> = starts
        .par_chunks(l)
        .zip(finals.par_chunks(l))
        .enumerate()
        .map(|(k, (s, f))| {
            let (mut near_s, mut near_f) = (0.0f64, 0.0f64);
            for (t, r) in train.chunks(l).enumerate() {
                if own && t == k {
                    continue;
                }
                near_s = near_s.max(identity(s, r));
                near_f = near_f.max(identity(f, r));
            }
            let m = identity(s, f);
            let fixed = if s == f { 1.0 } else { 0.0 };
            let closer = if m > near_f { 1.0 } else { 0.0 };
            (m, fixed, near_s, near_f, closer)
        })
        .collect();
    let col =
        |k: usize| -> Vec<f64> { rows.iter().map(|r| [r.0, r.1, r.2, r.3, r.4][k]).collect() };
    let (overlap, overlap_err) = mean_sem(&col(0));
    let (final_nearest_train, final_nearest_train_err) = mean_sem(&col(3));
    SetStats {
        name: name.into(),
        count: rows.len(),
        overlap,
        overlap_err,
        fixed: mean_sem(&col(1)).0,
        start_nearest_train: mean_sem(&col(2)).0,
        final_nearest_train,
        final_nearest_train_err,
        closer_to_start: mean_sem(&col(4)).0,
    }
}

/// The family baseline: the mean identity (Q15) over all distinct pairs of
/// the alignment's sequences, and as its error the standard error of the
/// per-sequence means (each sequence's mean identity with all others).
/// Fails for fewer than two sequences.
pub fn pair_identity(msa: &Msa) -> Result<(f64, f64)> {
    pair_identity_weighted(msa, &vec![1.0; msa.n_sequences()])
}

/// The mean identity over distinct pairs weighted by w_s·w_t, eq. (Q17)
/// (with the weights of eq. (Q1) it is the identity of two members drawn
/// from the reweighted family, redundant clusters counted once); its error
/// is the standard error of the per-sequence weighted means. Fails for fewer
/// than two sequences or weights that do not match.
pub fn pair_identity_weighted(msa: &Msa, w: &[f64]) -> Result<(f64, f64)> {
    let (n, l) = (msa.n_sequences(), msa.n_sites());
    ensure(n >= 2 && w.len() == n, || {
        format!("the pair identity needs at least 2 sequences and one weight each ({n} sequences, {} weights)", w.len())
    })?;
    let codes = msa.codes();
    let total: f64 = w.iter().sum();
    let per: Vec<(f64, f64)> = (0..n)
        .into_par_iter()
        .map(|s| {
            let a = &codes[s * l..][..l];
            let sum: f64 = (0..n)
                .filter(|&t| t != s)
                .map(|t| w[t] * identity(a, &codes[t * l..][..l]))
                .sum();
            (sum, w[s] * (total - w[s]))
        })
        .collect();
    // Σ_s w_s Σ_{t≠s} w_t id(s, t) / Σ_s w_s Σ_{t≠s} w_t.
    let num: f64 = per.iter().zip(w).map(|(p, ws)| ws * p.0).sum();
    let den: f64 = per.iter().map(|p| p.1).sum();
    ensure(den > 0.0 && num.is_finite(), || {
        "the pair identity needs two sequences of positive finite weight".into()
    })?;
    let mean = num / den;
    let per_seq: Vec<f64> = per
        .iter()
        .zip(w)
        .map(|(p, ws)| p.0 / (total - ws))
        .collect();
    let sem = mean_sem(&per_seq).1;
    Ok((mean, sem))
}
